"""Languages and the message catalogue of the core.

The core speaks three languages: Simplified Chinese (the default, ``zh_Hans``), Traditional Chinese
(``zh_Hant``) and English (``en``). Every user-facing sentence the core produces — an outcome's
explanation, an error's message, a notice's text — is looked up here by key, so a missing
translation is caught by one test over the catalogue instead of on a village's projector.

>>> text("not_quorate", "en")
'not quorate'
>>> text("not_quorate")
'不足法定人数'
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = [
    "CATALOGUE",
    "DEFAULT_LANG",
    "LANGS",
    "check_lang",
    "chinese_fraction",
    "chinese_number",
    "text",
]

LANGS: tuple[str, ...] = ("zh_Hans", "zh_Hant", "en")
DEFAULT_LANG = "zh_Hans"


def check_lang(lang: str) -> str:
    """Return ``lang`` if the core speaks it; otherwise raise ``ValueError`` naming the choices."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGS)}")
    return lang


# key -> (zh_Hans, zh_Hant, en); str.format fields are shared by all three.
_ENTRIES: dict[str, tuple[str, str, str]] = {
    # --- outcome explanations -------------------------------------------------------------
    "attendance": ("应到{expected}人，实到{present}人", "應到{expected}人，實到{present}人",
                   "expected {expected}, present {present}"),
    "attendance_households": ("；应到{households}户，实到{households_present}户",
                              "；應到{households}戶，實到{households_present}戶",
                              "; households {households}, present {households_present}"),
    "attendance_members": ("（全体成员{members}人）", "（全體成員{members}人）",
                           " (all members {members})"),
    "quorum_clause": ("{counted}须{comparison}{base}的{share}（至少{required}{unit}），实为{actual}{unit}：{verdict}",
                      "{counted}須{comparison}{base}的{share}（至少{required}{unit}），實為{actual}{unit}：{verdict}",
                      "{counted} must be {comparison} {share} of {base} (at least {required}), "
                      "actual {actual}: {verdict}"),
    "pass_clause": ("赞成票须{comparison}{base}的{share}（至少{required}票）",
                    "贊成票須{comparison}{base}的{share}（至少{required}票）",
                    "approvals must be {comparison} {share} of {base} (at least {required})"),
    "pass_rule": ("赞成票{comparison}{base}的{share}", "贊成票{comparison}{base}的{share}",
                  "approvals {comparison} {share} of {base}"),
    "rule_words": ("法定人数：{quorum}{sep}通过：{passing}", "法定人數：{quorum}{sep}通過：{passing}",
                   "quorum: {quorum}{sep}{passing}"),
    "tally": ("赞成{approve}票，反对{oppose}票，弃权{abstain}票，未表决{silent}人",
              "贊成{approve}票，反對{oppose}票，棄權{abstain}票，未表決{silent}人",
              "approve {approve}, oppose {oppose}, abstain {abstain}, not voting {silent}"),
    "met": ("已达到", "已達到", "met"),
    "not_met": ("未达到", "未達到", "not met"),
    "quorate": ("符合法定人数，会议有效", "符合法定人數，會議有效", "quorate"),
    "not_quorate": ("不足法定人数", "不足法定人數", "not quorate"),
    "quorum_word": ("法定人数", "法定人數", "quorum"),
    "quorum_any": ("（以下条件满足其一即可）", "（以下條件滿足其一即可）", " (any one of these suffices)"),
    "passed": ("通过", "通過", "passed"),
    "failed": ("未通过", "未通過", "not passed"),
    "not_quorate_no_vote": ("不足法定人数，表决无效，须休会另行召开",
                            "不足法定人數，表決無效，須休會另行召開",
                            "not quorate: the vote does not count; adjourn and meet again"),
    "basis": ("依据：{citation}", "依據：{citation}", "under {citation}"),
    "cmp_more_than": ("超过", "超過", "more than"),
    "cmp_at_least": ("达到", "達到", "at least"),
    "count_present": ("实到人数", "實到人數", "those present"),
    "count_expected": ("应到人数", "應到人數", "those expected"),
    "count_members": ("全体成员人数", "全體成員人數", "all members"),
    "count_households": ("总户数", "總戶數", "all households"),
    "count_households_present": ("到会户数", "到會戶數", "households present"),
    "unit_people": ("人", "人", ""),
    "unit_households": ("户", "戶", ""),
    # --- numbers that are wrong --------------------------------------------------------------
    "err_not_int": ("{field}必须是整数，收到 {value!r}", "{field}必須是整數，收到 {value!r}",
                    "{field} must be a whole number, got {value!r}"),
    "err_negative": ("{field}不能为负数：{field}={value}", "{field}不能為負數：{field}={value}",
                     "{field} cannot be negative: {field}={value}"),
    "err_exceeds": ("{field}={value} 不能多于 {limit_field}={limit}",
                    "{field}={value} 不能多於 {limit_field}={limit}",
                    "{field}={value} cannot exceed {limit_field}={limit}"),
    "err_households_pair": ("户数 households 与到会户数 households_present 须同时给出",
                            "戶數 households 與到會戶數 households_present 須同時給出",
                            "households and households_present must be given together"),
    "err_rule_needs_households": ("规则“{rule}”按户计算法定人数，需给出 households 和 households_present",
                                  "規則「{rule}」按戶計算法定人數，需給出 households 和 households_present",
                                  "rule {rule!r} counts households: give households and households_present"),
    "err_bad_rule": ("规则数据有误：{detail}", "規則資料有誤：{detail}", "invalid rule data: {detail}"),
    "err_unknown_preset": ("没有名为“{name}”的规则预设；可选：{choices}",
                           "沒有名為「{name}」的規則預設；可選：{choices}",
                           "no rule preset named {name!r}; choose one of {choices}"),
    "err_bad_value": ("{field}的值无效：{detail}", "{field}的值無效：{detail}",
                      "invalid {field}: {detail}"),
    # --- procedure errors ----------------------------------------------------------------------
    "err_illegal_action": ("事项处于“{stage}”阶段，不能执行“{action}”",
                           "事項處於「{stage}」階段，不能執行「{action}」",
                           "a matter at the {stage} stage cannot take the action “{action}”"),
    "err_illegal_sitting_action": ("会议处于“{state}”状态，不能执行“{action}”",
                                   "會議處於「{state}」狀態，不能執行「{action}」",
                                   "a sitting that is {state} cannot take the action “{action}”"),
    "err_illegal_target": ("事项不能从“{stage}”经“{action}”转到“{target}”",
                           "事項不能從「{stage}」經「{action}」轉到「{target}」",
                           "a matter at the {stage} stage cannot go to {target} by “{action}”"),
    "err_unknown": ("找不到{kind}“{id}”", "找不到{kind}「{id}」", "no {kind} {id!r}"),
    "err_exists": ("{kind}“{id}”已存在", "{kind}「{id}」已存在", "{kind} {id!r} already exists"),
    "err_wrong_body": ("“{stage}”须由{needed}议定，不能由{body}议定",
                       "「{stage}」須由{needed}議定，不能由{body}議定",
                       "the {stage} step needs the {needed}, not the {body}"),
    "err_own_day_twice": ("{day}不能既是休息日又是工作日", "{day}不能既是休息日又是工作日",
                          "{day} cannot both rest and be worked"),
    "err_working_day_not_weekend": ("{day}本是工作日：调休上班日只能是周六或周日",
                                    "{day}本是工作日：調休上班日只能是週六或週日",
                                    "{day} is a weekday already: a make-up working day is a "
                                    "Saturday or Sunday"),
    "err_matter_closed": ("事项“{matter}”已办结或撤回", "事項「{matter}」已辦結或撤回",
                          "the matter “{matter}” is done or withdrawn"),
    "err_signer_unknown": ("“{signer}”不是可联名的人（{who}）：请写名册编号或姓名",
                           "「{signer}」不是可聯名的人（{who}）：請寫名冊編號或姓名",
                           "“{signer}” is not among those who may sign ({who}): give a roster number or name"),
    "err_signer_ambiguous": ("“{signer}”同名多人（{numbers}）：请写名册编号",
                             "「{signer}」同名多人（{numbers}）：請寫名冊編號",
                             "several people are called “{signer}” ({numbers}): give the roster number"),
    "err_requisition_twice": ("这份联名提议已经记录过了（{on}收到，记录号{id}）",
                              "這份聯名提議已經記錄過了（{on}收到，記錄號{id}）",
                              "this requisition is already recorded (received {on}, entry {id})"),
    "err_signed_twice": ("“{signer}”签了两次名", "「{signer}」簽了兩次名", "“{signer}” signed twice"),
    "requisition_met": ("{signers}人联名（可联名{eligible}人，须至少{required}人）："
                        "已达到，{body}应当召集（{citation}）",
                        "{signers}人聯名（可聯名{eligible}人，須至少{required}人）：已達到，{body}應當召集（{citation}）",
                        "{signers} signed (of {eligible} who could; at least {required} needed): met — "
                        "the {body} must be convened ({citation})"),
    "requisition_not_met": ("{signers}人联名（可联名{eligible}人，须至少{required}人）：未达到（{citation}）",
                            "{signers}人聯名（可聯名{eligible}人，須至少{required}人）：未達到（{citation}）",
                            "{signers} signed (of {eligible} who could; at least {required} needed): "
                            "not met ({citation})"),
    "err_wrong_rule": ("“{stage}”须按程序规定的“{needed}”表决规则召开会议，不能按“{rule}”召开",
                       "「{stage}」須按程序規定的「{needed}」表決規則召開會議，不能按「{rule}」召開",
                       "the {stage} step is convened under the rule its procedure names, "
                       "“{needed}”, not “{rule}”"),
    "err_notice_after_meeting": ("通知日期{notice_date}晚于会议日期{meeting_date}",
                                 "通知日期{notice_date}晚於會議日期{meeting_date}",
                                 "the notice date {notice_date} is after the meeting on {meeting_date}"),
    "err_roster_date": ("名册是{roster_date}的，会议在{meeting_date}召开：应到人数须按会议当日的名册计算",
                        "名冊是{roster_date}的，會議在{meeting_date}召開：應到人數須按會議當日的名冊計算",
                        "the roster is of {roster_date} but the meeting is on {meeting_date}: "
                        "who is expected is counted on the meeting's day"),
    "err_vote_ended": ("表决已结束：“{vote}”已于{closed_at}结束，不能再投票",
                       "表決已結束：「{vote}」已於{closed_at}結束，不能再投票",
                       "the vote has ended: “{vote}” closed at {closed_at}; no more ballots"),
    "err_notice_too_short": ("通知期不足：{body}须提前{days}日通知（{citation}），"
                             "{notice_date}通知，最早可于{earliest}召开，不能于{meeting_date}召开",
                             "通知期不足：{body}須提前{days}日通知（{citation}），"
                             "{notice_date}通知，最早可於{earliest}召開，不能於{meeting_date}召開",
                             "notice too short: the {body} needs {days} days' notice ({citation}); "
                             "notice given {notice_date}, earliest meeting {earliest}, not {meeting_date}"),
    "err_not_quorate": ("不足法定人数，不能开始表决：还差{more}人签到。{explanation}",
                        "不足法定人數，不能開始表決：還差{more}人簽到。{explanation}",
                        "not quorate, the vote cannot open: {more} more must check in. {explanation}"),
    "err_not_quorate_households": ("不足法定人数，不能开始表决：还差{more}户有人签到。{explanation}",
                                   "不足法定人數，不能開始表決：還差{more}戶有人簽到。{explanation}",
                                   "not quorate, the vote cannot open: {more} more households must be "
                                   "present. {explanation}"),
    "err_voted_cannot_leave": ("{person}已在本轮表决中投票，表决结束后方可离场",
                               "{person}已在本輪表決中投票，表決結束後方可離場",
                               "{person} has voted in the open vote and can check out once it closes"),
    "err_not_in_body": ("{person}不是本次会议的成员，不能表决", "{person}不是本次會議的成員，不能表決",
                        "{person} is not a member of this sitting's body and cannot vote"),
    "err_no_vote_right": ("{person}列席会议但没有表决权（如预备党员）",
                          "{person}列席會議但沒有表決權（如預備黨員）",
                          "{person} may attend but has no vote (e.g. a probationary party member)"),
    "err_absent": ("{person}未签到或已离场，不能表决", "{person}未簽到或已離場，不能表決",
                   "{person} is not checked in and cannot vote"),
    "err_not_attendee": ("{person}不在本次会议的名册中，不能签到", "{person}不在本次會議的名冊中，不能簽到",
                         "{person} is not on this sitting's roster and cannot check in"),
    "err_already_present": ("重复签到：{person}之前已经签到，这次没有再记录",
                            "重複簽到：{person}之前已經簽到，這次沒有再記錄",
                            "Already checked in: {person} was checked in before; nothing recorded"),
    "err_not_present": ("{person}未签到", "{person}未簽到", "{person} is not checked in"),
    "err_count_exceeds": ("电子票{electronic}张加举牌{cards}张，超过在场可表决人数{present}人",
                          "電子票{electronic}張加舉牌{cards}張，超過在場可表決人數{present}人",
                          "{electronic} electronic ballots plus {cards} cards exceed the {present} "
                          "voters present"),
    "err_not_teller": ("{person}不是本次会议的{role}", "{person}不是本次會議的{role}",
                       "{person} is not a {role} of this sitting"),
    "err_same_teller": ("计票人与监票人不能是同一人", "計票人與監票人不能是同一人",
                        "the counter and the scrutineer must be different people"),
    "err_no_card_count": ("还没有录入举牌计票", "還沒有錄入舉牌計票", "no card count has been entered"),
    "err_recording_pair": ("录像位置和录像指纹（SHA-256）要么都填，要么都不填",
                           "錄影位置和錄影指紋（SHA-256）要麼都填，要麼都不填",
                           "a recording needs both its reference and its SHA-256, or neither"),
    "err_tellers_after_count": ("已录入举牌计票，计票人、监票人不能再更换",
                                "已錄入舉牌計票，計票人、監票人不能再更換",
                                "the tellers cannot be changed once a card count is entered"),
    "err_unconfirmed_count": ("举牌计票尚未经监票人确认", "舉牌計票尚未經監票人確認",
                              "the card count has not been confirmed by a scrutineer"),
    "err_receipt_needed": ("无记名投票须附回执号", "無記名投票須附回執號",
                           "a secret ballot needs a receipt"),
    "err_receipt_taken": ("回执号已被使用", "回執號已被使用", "that receipt is already in use"),
    "err_change_code_needed": ("无记名投票须附更改码", "無記名投票須附更改碼",
                               "a secret ballot needs a change code"),
    "err_change_code_wrong": ("回执号或更改码不对。改票须输入投票时给您的回执号和更改码",
                              "回執號或更改碼不對。改票須輸入投票時給您的回執號和更改碼",
                              "wrong receipt or change code: to change your ballot, enter the "
                              "receipt and change code you were given when you voted"),
    "err_same_teller_account": ("计票与监票不能用同一个账号（{account}）",
                                "計票與監票不能用同一個帳號（{account}）",
                                "the count and its confirmation cannot come from the same account "
                                "({account})"),
    "err_vote_open": ("已有表决正在进行", "已有表決正在進行", "another vote is still open"),
    "err_no_vote": ("没有正在进行的表决“{id}”", "沒有正在進行的表決「{id}」", "no open vote {id!r}"),
    "err_not_on_agenda": ("事项“{matter}”不在本次会议议程中", "事項「{matter}」不在本次會議議程中",
                          "matter {matter!r} is not on this sitting's agenda"),
    "err_matter_busy": ("事项“{matter}”已列入另一次尚未结束的会议“{sitting}”",
                        "事項「{matter}」已列入另一次尚未結束的會議「{sitting}」",
                        "matter {matter!r} is already on the agenda of open sitting {sitting!r}"),
    "err_stage_moved": ("事项“{matter}”已不在召开会议时的阶段", "事項「{matter}」已不在召開會議時的階段",
                        "matter {matter!r} is no longer at the stage this sitting was convened for"),
    "err_not_excusable": ("{body}的应到人数不能扣除请假人员", "{body}的應到人數不能扣除請假人員",
                          "the {body} does not allow members to be excused from the expected count"),
    "err_no_notice": ("尚未发布公示", "尚未發佈公示", "no notice has been published"),
    "err_notice_exists": ("公示已发布", "公示已發佈", "the notice has already been published"),
    "err_outside_period": ("{on}不在公示期（{first}至{last}）内", "{on}不在公示期（{first}至{last}）內",
                           "{on} is outside the notice period ({first} to {last})"),
    "err_period_running": ("公示期至{last}届满，{on}尚不能结束", "公示期至{last}屆滿，{on}尚不能結束",
                           "the notice period runs to {last}; it cannot close on {on}"),
    "err_objections_pending": ("尚有{count}条异议未答复", "尚有{count}條異議未答覆",
                               "{count} objection(s) still await an answer"),
    "err_objection_answered": ("异议“{id}”已答复", "異議「{id}」已答覆", "objection {id!r} is already answered"),
    "err_upheld_needs_step": ("异议成立时须指明退回的步骤", "異議成立時須指明退回的步驟",
                              "an upheld objection must name the step to go back to"),
    "err_control_chars": ("{field}含有不能显示的控制字符或改变文字方向的字符（如U+202E）",
                          "{field}含有不能顯示的控制字元或改變文字方向的字元（如U+202E）",
                          "{field} contains control characters or bidirectional-text controls "
                          "(such as U+202E)"),
    "err_submission_settled": ("民情“{id}”已处理（{status}）", "民情「{id}」已處理（{status}）",
                               "submission {id!r} is already settled ({status})"),
    "err_recorded_by": ("代为登记的民情须写明登记人，网上提交的不写（{channel}）",
                        "代為登記的民情須寫明登記人，網上提交的不寫（{channel}）",
                        "a submission taken down by a clerk names the clerk; one sent online names none ({channel})"),
    "err_before_received": ("{on}早于受理日期{received}", "{on}早於受理日期{received}",
                            "{on} is before the day it was received, {received}"),
    "err_date_order": ("{fact}的日期{on}早于{earlier}的日期{earlier_on}：日期须按事情发生的先后顺序",
                       "{fact}的日期{on}早於{earlier}的日期{earlier_on}：日期須按事情發生的先後順序",
                       "the date of {fact}, {on}, is before the date of {earlier}, {earlier_on}: "
                       "dated facts follow each other in order"),
    "err_date_future": ("{fact}的日期{on}晚于记录的当天{today}：尚未发生的事不能预先记录",
                        "{fact}的日期{on}晚於記錄的當天{today}：尚未發生的事不能預先記錄",
                        "the date of {fact}, {on}, is after the record's date, {today}: "
                        "what has not happened yet cannot be recorded"),
    "err_naive_time": ("时间须带时区：{value}", "時間須帶時區：{value}", "time must carry a time zone: {value}"),
    "err_time_backwards": ("时间不能早于记录中上一条的时间 {last}", "時間不能早於記錄中上一條的時間 {last}",
                           "time cannot be earlier than the record's last entry at {last}"),
    "err_empty": ("{field}不能为空", "{field}不能為空", "{field} cannot be empty"),
    "err_sha256": ("{field}须为64位十六进制SHA-256摘要", "{field}須為64位十六進位SHA-256摘要",
                   "{field} must be a 64-digit hexadecimal SHA-256 digest"),
    # --- composition findings --------------------------------------------------------------
    "find_reps_share": ("村民代表{reps}人，须占组成人员{members}人的五分之四以上（至少{required}人）：{verdict}",
                        "村民代表{reps}人，須佔組成人員{members}人的五分之四以上（至少{required}人）：{verdict}",
                        "{reps} representatives must be at least 4/5 of the {members} members "
                        "(at least {required}): {verdict}"),
    "find_women_share": ("妇女村民代表{women}人，须占组成人员{members}人的三分之一以上（至少{required}人）：{verdict}",
                         "婦女村民代表{women}人，須佔組成人員{members}人的三分之一以上（至少{required}人）：{verdict}",
                         "{women} women representatives must be at least 1/3 of the {members} "
                         "members (at least {required}): {verdict}"),
    "find_households_per_rep": ("村民代表{person}联系{households}户，应为5至15户：{verdict}",
                                "村民代表{person}聯繫{households}戶，應為5至15戶：{verdict}",
                                "representative {person} represents {households} households; "
                                "5 to 15 are required: {verdict}"),
    "find_sup_on_vc": ("村务监督委员会成员{person}同时是村民委员会成员，不得兼任：{verdict}",
                       "村務監督委員會成員{person}同時是村民委員會成員，不得兼任：{verdict}",
                       "supervisory committee member {person} also sits on the villagers' "
                       "committee: {verdict}"),
    "find_sup_relative": ("村务监督委员会成员{person}是村民委员会成员{other}的近亲属（{relation}）：{verdict}",
                          "村務監督委員會成員{person}是村民委員會成員{other}的近親屬（{relation}）：{verdict}",
                          "supervisory committee member {person} is a close relative ({relation}) "
                          "of villagers' committee member {other}: {verdict}"),
    # --- record ------------------------------------------------------------------------------
    "err_box_mismatch": ("票箱与参与记录不符：表决“{vote}”票箱里有{ballots}张票，记录显示{participants}人投票。"
                         "不能结束表决，请按安全说明检查数据库",
                         "票箱與參與記錄不符：表決「{vote}」票箱裡有{ballots}張票，記錄顯示{participants}人投票。"
                         "不能結束表決，請按安全說明檢查資料庫",
                         "the ballot box does not match the record: vote {vote!r} has {ballots} ballots "
                         "in its box but {participants} people took part; the vote cannot close — "
                         "check the database as docs/security.md says"),
    "err_cards_seal": ("表决“{vote}”的举牌计票与录入时封存的不符，不能结束表决",
                       "表決「{vote}」的舉牌計票與錄入時封存的不符，不能結束表決",
                       "the card count of vote {vote!r} is not the one sealed when it was entered; "
                       "the vote cannot close"),
    "err_chain": ("记录在第{height}条处被改动：{reason}", "記錄在第{height}條處被改動：{reason}",
                  "the record is broken at height {height}: {reason}"),
    "err_not_recordable": ("不能写入记录的值：{detail}", "不能寫入記錄的值：{detail}",
                           "a value the record cannot hold: {detail}"),
    "err_entry": ("第{line}行不是有效的记录条目：{detail}", "第{line}行不是有效的記錄條目：{detail}",
                  "line {line} is not a valid record entry: {detail}"),
    "err_conflict": ("记录已被其他操作更新（期望高度{expected}，实际{actual}），请重试",
                     "記錄已被其他操作更新（期望高度{expected}，實際{actual}），請重試",
                     "the record moved on (expected height {expected}, found {actual}); retry"),
    "err_id_number": ("身份证号码{problem}", "身份證號碼{problem}", "the ID card number {problem}"),
    # The use cases (deliberate.usecases).
    "err_roster_file": ("名册文件无法读取：{detail}", "名冊檔案無法讀取：{detail}",
                        "the roster file cannot be read: {detail}"),
    "err_roster_draft": ("这份名册预览已失效（已导入、已被新上传的文件取代、已放弃，或已超过1小时），未导入任何数据："
                         "请重新上传名册文件",
                         "這份名冊預覽已失效（已匯入、已被新上傳的檔案取代、已放棄，或已超過1小時），未匯入任何資料："
                         "請重新上傳名冊檔案",
                         "this roster preview is no longer valid (imported, replaced by a newer upload, discarded, "
                         "or over an hour old); nothing was imported: upload the roster file again"),
    "err_setting": ("设置有误：{name}须为{low}至{high}之间的整数", "設定有誤：{name}須為{low}至{high}之間的整數",
                    "invalid setting: {name} must be a whole number from {low} to {high}"),
}

class Catalogue(Mapping[str, tuple[str, str, str]]):
    """Messages by key, each in the three languages (zh_Hans, zh_Hant, en) with the same fields.

    The core, its notices, the command line and the web UI each keep one; building it checks every
    entry, so a missing translation fails at import, not on a village's projector.
    """

    def __init__(self, entries: Mapping[str, tuple[str, str, str]],
                 may_be_empty_in_english: frozenset[str] = frozenset()) -> None:
        for key, words in entries.items():
            if len(words) != len(LANGS) or not all(isinstance(w, str) for w in words):
                raise ValueError(f"message {key!r} needs {len(LANGS)} languages")
            if not words[0].strip() or not words[1].strip() or not (
                    words[2].strip() or key in may_be_empty_in_english):
                raise ValueError(f"message {key!r} is empty in a language")
        self._entries = MappingProxyType(dict(entries))

    def __getitem__(self, key: str) -> tuple[str, str, str]:
        return self._entries[key]

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def text(self, key: str, lang: str = DEFAULT_LANG, /, **fields: object) -> str:
        """The message ``key`` in ``lang``, with ``fields`` filled in."""
        template = self._entries[key][LANGS.index(check_lang(lang))]
        return template.format(**fields) if fields else template


CATALOGUE = Catalogue(_ENTRIES, frozenset({"unit_people", "unit_households"}))


def text(key: str, lang: str = DEFAULT_LANG, /, **fields: object) -> str:
    """The core's message ``key`` in ``lang``, with ``fields`` filled in."""
    return CATALOGUE.text(key, lang, **fields)


_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """Chinese numerals for 0–9999, as used in article numbers and fractions.

    >>> chinese_number(22), chinese_number(10), chinese_number(1259), chinese_number(105)
    ('二十二', '十', '一千二百五十九', '一百零五')
    """
    if not 0 <= n < 10000:
        raise ValueError(f"chinese_number takes 0–9999, got {n}")
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n - 10] if n > 10 else "")
    out, zero = [], False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, n = divmod(n, value)
        if digit:
            if zero and out:
                out.append("零")
            out.append(_DIGITS[digit] + unit)
            zero = False
        elif out:
            zero = True
    return "".join(out)


def chinese_fraction(numerator: int, denominator: int, lang: str = DEFAULT_LANG) -> str:
    """A fraction as it is written in statutes: 二分之一, 三分之二; ``1/2`` in English.

    >>> chinese_fraction(2, 3), chinese_fraction(1, 2, "en")
    ('三分之二', '1/2')
    """
    if lang == "en":
        return f"{numerator}/{denominator}"
    return f"{chinese_number(denominator)}分之{chinese_number(numerator)}"

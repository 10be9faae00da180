"""The web UI's words in three languages, and which language a request speaks.

The language is chosen by ``?lang=`` (remembered in the session), else the browser's
Accept-Language, else Simplified Chinese. flask-babel negotiates it and formats dates; the words
themselves are looked up here, like the core's catalogue, so a test can check that every one has
all three languages.
"""

from __future__ import annotations

from flask import g, request, session

from deliberate.i18n import DEFAULT_LANG, LANGS, Catalogue

from .card_words import CARD_WORDS
from .dossier_words import DOSSIER_WORDS

__all__ = ["LANG_NAMES", "WORDS", "current_lang", "select_locale", "t"]

LANG_NAMES = {"zh_Hans": "简体中文", "zh_Hant": "繁體中文", "en": "English"}
_BABEL = {"zh_Hans": "zh_Hans_CN", "zh_Hant": "zh_Hant_TW", "en": "en"}

WORDS = Catalogue({
    "app": ("村级议事表决", "村級議事表決", "Village deliberation"),
    "login": ("登录", "登入", "Log in"),
    "logout": ("退出", "登出", "Log out"),
    "username": ("用户名", "使用者名稱", "Username"),
    "password": ("密码", "密碼", "Password"),
    "login_failed": ("用户名或密码不正确", "使用者名稱或密碼不正確", "Wrong username or password"),
    "login_limited": ("登录尝试过多，请{minutes}分钟后再试", "登入嘗試過多，請{minutes}分鐘後再試",
                      "Too many attempts; try again in {minutes} minutes"),
    "login_needed": ("请先登录", "請先登入", "Please log in"),
    "forbidden": ("您的账号没有此项权限", "您的帳號沒有此項權限", "Your account may not do this"),
    "not_found": ("找不到该页面", "找不到該頁面", "Page not found"),
    "bad_request": ("请求无效", "請求無效", "Bad request"),
    "csrf": ("页面已过期，请返回重新提交", "頁面已過期，請返回重新提交",
             "The page expired; go back and submit again"),
    "record_broken": ("记录校验不通过：第{height}条起的记录被改动过，或无法"
                      "读取。在恢复之前，本村的结果一律不予显示，也不能办理任何事项。",
                      "記錄校驗不通過：第{height}條起的記錄被改動過，或無法讀取。在恢復之前，本村的結果一律不予顯示，也不能辦理任何事項。",
                      "The record fails its check: from entry {height} on it was changed, or cannot be "
                      "read. Until it is restored, no result of this village is shown and nothing can "
                      "be done."),
    "record_broken_title": ("记录完整性警报", "記錄完整性警報", "Integrity alarm"),
    "record_broken_what": ("这说明有人绕过本系统直接改了数据库。请村务监督委员会和乡镇到场，按以下办法恢复：",
                           "這說明有人繞過本系統直接改了資料庫。請村務監督委員會和鄉鎮到場，按以下辦法恢復：",
                           "Someone changed the database behind the system's back. Ask the supervisory "
                           "committee and the township to be present, and recover as follows:"),
    "record_broken_steps": ("停止服务，保留被改动的数据库文件作为证据；|从备份恢复数据库；|"
                            "用公示上打印的校验点核对恢复后的记录（deliberate verify --checkpoint 高度:哈希），"
                            "核对通过后再启动服务。",
                            "停止服務，保留被改動的資料庫檔案作為證據；|從備份恢復資料庫；|"
                            "用公示上列印的校驗點核對恢復後的記錄（deliberate verify --checkpoint 高度:雜湊），"
                            "核對通過後再啟動服務。",
                            "Stop the service and keep the changed database file as evidence;|"
                            "restore the database from a backup;|check the restored record against "
                            "a checkpoint printed on a notice (deliberate verify --checkpoint height:hash) "
                            "before starting the service again."),
    "server_error": ("系统出错，操作未生效，请稍后再试", "系統出錯，操作未生效，請稍後再試",
                     "Something went wrong; nothing was changed. Please try again"),
    "villages": ("各村", "各村", "Villages"),
    "sittings": ("会议", "會議", "Sittings"),
    "hall": ("议事厅", "議事廳", "Hall console"),
    "screen": ("大屏幕", "大螢幕", "Projector"),
    # The projector's own words (webui/templates/screen/panel.html).
    "screen_voted": ("已投票", "已投票", "Voted"),
    "screen_not_voted": ("未投票", "未投票", "Not yet voted"),
    "screen_secret_note": ("无记名投票：表决结束后才公布票数", "無記名投票：表決結束後才公佈票數",
                           "Secret vote: the counts are shown when it closes"),
    "screen_open_note": ("表决结束后公布票数", "表決結束後公佈票數", "The counts are shown when the vote closes"),
    "screen_rule": ("表决规则（{body}）：", "表決規則（{body}）：", "Rule applied ({body}): "),
    "screen_share_note": ("。百分比按实到{present}人计算。", "。百分比按實到{present}人計算。",
                          ". Percentages are of the {present} present."),
    # The hall's network (webui.hallnet, python -m webui): the address phones open, and why they cannot.
    "phones_open": ("村民手机打开", "村民手機打開", "Phones open"),
    "phones_show_qr": ("显示二维码", "顯示二維碼", "Show the QR code"),
    "phones_scan": ("手机扫码，查看本村公开信息", "手機掃碼，查看本村公開資訊",
                    "Scan to open the village's public page"),
    "phones_warning": ("注意：村民的手机现在连不上议事厅", "注意：村民的手機現在連不上議事廳",
                       "Warning: villagers' phones cannot reach the hall now"),
    "phones_loopback": ("手机打不开{address}：这个地址只指这台电脑本身，投票卡片和二维码不能用它。"
                        "请让电脑连上会场的Wi-Fi或打开移动热点，再重新启动议事厅（见使用指南“让村民的手机连上”）。",
                        "手機打不開{address}：這個地址只指這台電腦本身，投票卡片和二維碼不能用它。"
                        "請讓電腦連上會場的Wi-Fi或開啟行動熱點，再重新啟動議事廳（見使用指南「讓村民的手機連上」）。",
                        "Phones cannot open {address}: it means this computer itself, so voters' cards and QR "
                        "codes must not carry it. Join the hall's Wi-Fi or turn on the hotspot, then restart "
                        "(docs/deployment.md)."),
    "phones_link_local": ("手机打不开{address}：这是电脑没有从网络得到地址时自己取的临时地址。"
                          "请检查Wi-Fi或热点是否真的连上了，再重新启动议事厅。",
                          "手機打不開{address}：這是電腦沒有從網路得到位址時自己取的臨時位址。"
                          "請檢查Wi-Fi或熱點是否真的連上了，再重新啟動議事廳。",
                          "Phones cannot open {address}: the computer gave it to itself because no network "
                          "gave it one. Check that the Wi-Fi or hotspot is really connected, then restart."),
    "phones_unspecified": ("{address}只能用来监听，不是手机能打开的地址。请用 --url 指定手机能打开的地址。",
                           "{address}只能用來監聽，不是手機能打開的位址。請用 --url 指定手機能打開的位址。",
                           "{address} is where to listen, not an address to open: give the phones' address "
                           "with --url."),
    "phones_no_address": ("这台电脑没有连上任何网络，手机连不上。请连上会场的Wi-Fi或打开移动热点。",
                          "這台電腦沒有連上任何網路，手機連不上。請連上會場的Wi-Fi或開啟行動熱點。",
                          "This computer is on no network, so phones cannot reach it. Join the hall's Wi-Fi "
                          "or turn on the hotspot."),
    "phones_listen_local": ("议事厅只在这台电脑上监听（--host 127.0.0.1），手机连不上。去掉 --host 后重新启动。",
                            "議事廳只在這台電腦上監聽（--host 127.0.0.1），手機連不上。去掉 --host 後重新啟動。",
                            "The hall listens on this computer only (--host 127.0.0.1): phones cannot connect. "
                            "Restart without --host."),
    "console_started": ("议事厅已启动", "議事廳已啟動", "The hall is open"),
    "console_phones": ("村民手机打开（或扫下面的二维码）：{url}", "村民手機打開（或掃下面的二維碼）：{url}",
                       "Phones open (or scan the code below): {url}"),
    "console_here": ("这台电脑的浏览器（主持人、大屏幕）打开：{url}", "這台電腦的瀏覽器（主持人、大螢幕）打開：{url}",
                     "On this computer (chair, projector): {url}"),
    "console_others": ("手机连的如果是这台电脑的另一个网络，打开：{urls}",
                       "手機連的如果是這台電腦的另一個網路，打開：{urls}",
                       "Phones on another network of this computer open: {urls}"),
    "console_changed": ("这台电脑的网络地址变了：{old} → {new}。此后的卡片和二维码用新地址；"
                        "已打印的投票卡片指向旧地址，要重新打印（或让电脑回到原来的网络）。",
                        "這台電腦的網路位址變了：{old} → {new}。此後的卡片和二維碼用新位址；"
                        "已列印的投票卡片指向舊位址，要重新列印（或讓電腦回到原來的網路）。",
                        "This computer's address changed: {old} → {new}. New cards and QR codes carry the new "
                        "one; cards already printed carry the old one: print them again (or rejoin the old network)."),
    "console_demo_open": ("演示账号的密码是公开的，同一网络上的任何人都能用它登录演示村。"
                          "正式开会请用新的数据库并加 --no-demo，建立本村自己的账号。",
                          "示範帳號的密碼是公開的，同一網路上的任何人都能用它登入示範村。"
                          "正式開會請用新的資料庫並加 --no-demo，建立本村自己的帳號。",
                          "The demo logins' password is published: anyone on this network can log in to the "
                          "demo village. For a real sitting use a new database with --no-demo and the "
                          "village's own accounts."),
    "console_port_busy": ("无法在端口{port}上启动：{reason}。议事厅是否已经在运行？"
                          "换一个端口：python -m webui --port 8080",
                          "無法在連接埠{port}上啟動：{reason}。議事廳是否已經在執行？"
                          "換一個連接埠：python -m webui --port 8080",
                          "Cannot listen on port {port}: {reason}. Is the hall already running? Try another "
                          "port: python -m webui --port 8080"),
    "console_bad_url": ("--url（或 DELIBERATE_PUBLIC_URL）要像 http://192.168.137.1:8000 这样写：{reason}",
                        "--url（或 DELIBERATE_PUBLIC_URL）要像 http://192.168.137.1:8000 這樣寫：{reason}",
                        "--url (or DELIBERATE_PUBLIC_URL) must look like http://192.168.137.1:8000: {reason}"),
    "console_stop": ("按 Ctrl+C 关闭议事厅", "按 Ctrl+C 關閉議事廳", "Press Ctrl+C to stop"),
    "expected": ("应到", "應到", "Expected"),
    "present": ("实到", "實到", "Present"),
    "households": ("户数", "戶數", "Households"),
    "people": ("人", "人", ""),
    "quorum": ("法定人数", "法定人數", "Quorum"),
    "quorate_yes": ("已达到法定人数", "已達到法定人數", "Quorate"),
    "quorate_no": ("未达到法定人数", "未達到法定人數", "Not quorate"),
    "quorum_need": ("至少需要{required}人，已到{present}人", "至少需要{required}人，已到{present}人",
                    "needs {required}, {present} present"),
    "check_in": ("签到", "簽到", "Check in"),
    "check_out": ("离场", "離場", "Check out"),
    "check_in_label": ("编号、姓名或扫描二维码", "編號、姓名或掃描QR碼", "Number, name, or scan the QR card"),
    "nobody_found": ("名册中没有“{query}”", "名冊中沒有「{query}」", "No one on the roster matches {query!r}"),
    "ambiguous": ("“{query}”有多人同名，请用编号：{candidates}", "「{query}」有多人同名，請用編號：{candidates}",
                  "{query!r} matches several people; use the number: {candidates}"),
    "checked_in": ("签到成功：{name}已签到", "簽到成功：{name}已簽到", "Checked in: {name}"),
    "checked_out": ("{name}已离场", "{name}已離場", "{name} checked out"),
    "present_list": ("到会人员", "到會人員", "Present"),
    # The console with a big crowd (issue 11 §3): counts by villager group and a search, not a list.
    "crowd_title": ("到会情况", "到會情況", "Attendance"),
    "crowd_attending": ("另有列席{n}人（不计入应到、实到），已到{present}人",
                        "另有列席{n}人（不計入應到、實到），已到{present}人",
                        "{n} more attend without counting in expected or present; {present} came"),
    "crowd_by_group": ("按村民小组统计", "按村民小組統計", "By villager group"),
    "crowd_total": ("合计", "合計", "Total"),
    "crowd_absent": ("未到", "未到", "Absent"),
    "crowd_find": ("查找到会人员（姓名或编号）", "查找到會人員（姓名或編號）", "Find a person (name or number)"),
    "crowd_find_button": ("查找", "查找", "Find"),
    "crowd_all_groups": ("全部小组", "全部小組", "All groups"),
    "crowd_hint": ("人多时不列出全部名单：点小组名看该组的人，或输入姓名、编号查找，每次最多列出{n}人。",
                   "人多時不列出全部名單：點小組名看該組的人，或輸入姓名、編號查找，每次最多列出{n}人。",
                   "With a crowd the full list is not shown: choose a group, or type a name or number; "
                   "at most {n} people are listed at a time."),
    "crowd_found": ("找到{n}人", "找到{n}人", "{n} found"),
    "crowd_more": ("另有{n}人未列出，请输入姓名或编号缩小范围", "另有{n}人未列出，請輸入姓名或編號縮小範圍",
                   "{n} more not listed: type a name or number to narrow the search"),
    "crowd_is_present": ("已到", "已到", "Present"),
    "crowd_is_absent": ("未到", "未到", "Absent"),
    "teller_find": ("查找计票人、监票人（姓名或编号）", "查找計票人、監票人（姓名或編號）",
                    "Find a teller (name or number)"),
    "teller_find_hint": ("到会人员多，下拉框只列出现任的和查找到的人（最多{n}人）：先查找，再选择。",
                         "到會人員多，下拉框只列出現任的和查找到的人（最多{n}人）：先查找，再選擇。",
                         "With this many attendees the lists show those appointed and those found (at most {n}): "
                         "find first, then choose."),
    "open_sitting": ("宣布开会", "宣佈開會", "Open the sitting"),
    "open_vote": ("开始表决", "開始表決", "Open the vote"),
    "matter": ("议题", "議題", "Matter"),
    "motion": ("表决事项", "表決事項", "Motion"),
    "secret": ("无记名投票", "無記名投票", "Secret ballot"),
    "voting_now": ("正在表决", "正在表決", "Voting"),
    "turnout": ("已投票{voted}人 / 到会{present}人", "已投票{voted}人 / 到會{present}人",
                "{voted} of {present} present have voted"),
    "cards": ("举牌计票", "舉牌計票", "Card count"),
    "enter_cards": ("录入计票", "錄入計票", "Enter the count"),
    "confirm_cards": ("监票人确认", "監票人確認", "Confirm the count"),
    "cards_sealed": ("计票已由{counter}录入（无记名表决：各项票数在表决结束时公布）",
                     "計票已由{counter}錄入（無記名表決：各項票數在表決結束時公佈）",
                     "count entered by {counter} (secret vote: the numbers are published when the vote "
                     "closes)"),
    "cards_entered": ("计票人{counter}录入：赞成{approve}，反对{oppose}，弃权{abstain}",
                      "計票人{counter}錄入：贊成{approve}，反對{oppose}，棄權{abstain}",
                      "counter {counter} entered: approve {approve}, oppose {oppose}, abstain {abstain}"),
    "cards_confirmed": ("监票人{scrutineer}已确认", "監票人{scrutineer}已確認", "confirmed by scrutineer {scrutineer}"),
    "cards_unconfirmed": ("待监票人确认", "待監票人確認", "awaiting the scrutineer"),
    "counter_role": ("计票人", "計票人", "Counter"),
    "scrutineer_role": ("监票人", "監票人", "Scrutineer"),
    "close_vote": ("结束表决", "結束表決", "Close the vote"),
    "adjourn": ("休会", "休會", "Adjourn"),
    "adjourn_reason": ("休会原因", "休會原因", "Reason"),
    "close_sitting": ("散会", "散會", "Close the sitting"),
    "results": ("表决结果", "表決結果", "Results"),
    "minutes": ("会议纪要", "會議紀要", "Minutes"),
    "summary": ("纪要内容", "紀要內容", "Summary"),
    "speakers": ("发言人（用逗号分隔）", "發言人（用逗號分隔）", "Speakers (comma separated)"),
    "recording_ref": ("录像位置", "錄影位置", "Recording reference"),
    "recording_sha256": ("录像指纹（SHA-256）", "錄影指紋（SHA-256）", "Recording fingerprint (SHA-256)"),
    "save": ("保存", "儲存", "Save"),
    "done": ("操作已完成", "操作已完成", "Done"),
    "voter_links": ("投票链接与二维码", "投票連結與QR碼", "Voting links and QR codes"),
    # --- the chair's console (issue 11 §3): tellers, closing, minutes, check-in ---
    "tellers": ("计票人和监票人", "計票人和監票人", "Tellers"),
    "tellers_now": ("现任计票人：{counters}；监票人：{scrutineers}", "現任計票人：{counters}；監票人：{scrutineers}",
                    "Appointed — counter: {counters}; scrutineer: {scrutineers}"),
    "tellers_none": ("尚未指定计票人和监票人。举牌表决前，请在下面各选一人并保存。",
                     "尚未指定計票人和監票人。舉牌表決前，請在下面各選一人並儲存。",
                     "No tellers yet. Before a vote by raised cards, choose one of each below and save."),
    "choose_person": ("— 请选择 —", "— 請選擇 —", "— choose —"),
    "tellers_choose_both": ("请选定计票人和监票人各一人", "請選定計票人和監票人各一人",
                            "Choose both a counter and a scrutineer"),
    "tellers_saved": ("已保存：计票人{counters}，监票人{scrutineers}", "已儲存：計票人{counters}，監票人{scrutineers}",
                      "Saved: counter {counters}, scrutineer {scrutineers}"),
    "tellers_save": ("保存计票人和监票人", "儲存計票人和監票人", "Save the tellers"),
    "tellers_locked": ("已录入举牌计票：计票人、监票人在本次表决结束前不能再更换。",
                       "已錄入舉牌計票：計票人、監票人在本次表決結束前不能再更換。",
                       "A card count is entered: the tellers cannot change until this vote closes."),
    "teller_no_login": ("{role}{names}还没有{role}账号，录不了计票。请管理员为其开设{role}账号（账号绑定此人），"
                        "或改任已有{role}账号的人：{holders}。",
                        "{role}{names}還沒有{role}帳號，錄不了計票。請管理員為其開設{role}帳號（帳號綁定此人），"
                        "或改任已有{role}帳號的人：{holders}。",
                        "{names} ({role}) has no {role} login and cannot act. Ask the administrator for a "
                        "{role} login bound to them, or appoint someone who has one: {holders}."),
    "teller_login_other": ("{role}账号“{username}”绑定的是{name}，{name}不是本次会议的{role}。"
                           "请{appointed}用自己的账号登录，或把{role}改任为{name}。",
                           "{role}帳號「{username}」綁定的是{name}，{name}不是本次會議的{role}。"
                           "請{appointed}用自己的帳號登入，或把{role}改任為{name}。",
                           "The {role} login \u201c{username}\u201d acts for {name}, who is not this sitting's "
                           "{role}: {appointed} must log in with their own account, or appoint {name}."),
    "nobody": ("（无）", "（無）", "(none)"),
    "cards_waiting": ("计票已录入，请监票人核对后确认", "計票已錄入，請監票人核對後確認",
                      "A count is waiting: scrutineer, check it and confirm"),
    "cards_no_vote": ("现在没有进行中的表决。表决开始后，计票情况会显示在这里。",
                      "現在沒有進行中的表決。表決開始後，計票情況會顯示在這裡。",
                      "No vote is open. When one opens, its card count shows here."),
    "cards_go_enter": ("表决已开始：点此录入举牌计票", "表決已開始：點此錄入舉牌計票",
                       "The vote is open: enter the card count here"),
    "cards_none_yet": ("还没有录入举牌计票", "還沒有錄入舉牌計票", "No card count entered yet"),
    "close_sitting_confirm": ("确认散会？散会后本次会议结束，所有投票链接失效，不能再表决。",
                              "確認散會？散會後本次會議結束，所有投票連結失效，不能再表決。",
                              "Close the sitting? It ends the sitting: every voting link stops working and no "
                              "more votes can be held."),
    "close_sitting_yes": ("确认散会", "確認散會", "Yes, close the sitting"),
    "close_sitting_hint": ("散会：本次会议结束，所有投票链接失效。", "散會：本次會議結束，所有投票連結失效。",
                           "Closing the sitting ends it: every voting link stops working."),
    "adjourn_hint": ("休会：会议中止，议题留待另行召开的会议。请写明原因，会公示在会场屏幕和公开页上。",
                     "休會：會議中止，議題留待另行召開的會議。請寫明原因，會公示在會場螢幕和公開頁上。",
                     "Adjourning stops the sitting; its matters wait for another sitting. Give the reason: it "
                     "is shown on the projector and the public page."),
    "adjourned_because": ("已休会，原因：{reason}", "已休會，原因：{reason}", "Adjourned: {reason}"),
    "minutes_need_summary": ("请填写纪要内容", "請填寫紀要內容", "Write the summary"),
    "minutes_sha_bad": ("录像指纹应是64位，只含数字0–9和字母a–f：请把算出的结果整行复制过来",
                        "錄影指紋應是64位，只含數字0–9和字母a–f：請把算出的結果整行複製過來",
                        "The fingerprint is 64 characters, digits 0–9 and letters a–f: paste the whole result"),
    "minutes_kept": ("您填写的内容已保留，改正后再保存即可。", "您填寫的內容已保留，改正後再儲存即可。",
                     "What you typed is kept: correct it and save again."),
    "recording_help": ("录像指纹（SHA-256）是由录像文件算出的一串64位字母和数字，文件哪怕改动一点，指纹就完全不同，"
                       "日后用它可以证明录像没有被改过。没有录像，两项都留空。"
                       "怎样算：Windows电脑打开“命令提示符”，输入 "
                       "certutil -hashfile 录像文件名 SHA256；苹果或Linux电脑在“终端”输入 shasum -a 256 录像文件名。"
                       "把算出的那串字母数字复制到这里。",
                       "錄影指紋（SHA-256）是由錄影檔案算出的一串64位字母和數字，檔案哪怕改動一點，指紋就完全不同，"
                       "日後用它可以證明錄影沒有被改過。沒有錄影，兩項都留空。"
                       "怎樣算：Windows電腦打開「命令提示字元」，輸入 "
                       "certutil -hashfile 錄影檔名 SHA256；蘋果或Linux電腦在「終端機」輸入 shasum -a 256 錄影檔名。"
                       "把算出的那串字母數字複製到這裡。",
                       "The fingerprint (SHA-256) is 64 letters and digits computed from the recording file: change "
                       "the file at all and it changes completely, so it later proves the recording was not altered. "
                       "No recording: leave both empty. To compute it on Windows, open the Command Prompt and type "
                       "certutil -hashfile FILE SHA256; on a Mac or Linux, type shasum -a 256 FILE in a terminal. "
                       "Paste the result here."),
    "recording_ref_help": ("录像存放在哪里，例如“村委档案柜U盘 2026-12-03”",
                           "錄影存放在哪裡，例如「村委檔案櫃隨身碟 2026-12-03」",
                           "Where the recording is kept, e.g. \u201cUSB stick in the archive cabinet, "
                           "2026-12-03\u201d"),
    "card_other_sitting": ("这是{name}另一次会议的投票卡，不能用于本次会议签到。"
                           "请用本次会议的卡，或输入编号、姓名签到。",
                           "這是{name}另一次會議的投票卡，不能用於本次會議簽到。"
                           "請用本次會議的卡，或輸入編號、姓名簽到。",
                           "This is {name}'s card for another sitting; it cannot check in here. Use this sitting's "
                           "card, or type the number or name."),
    "card_other_village": ("这是其他村的投票卡，不能在本村签到。{name}", "這是其他村的投票卡，不能在本村簽到。{name}",
                           "This card is another village's; it cannot check in here. {name}"),
    "no_vote_not_quorate": ("“{motion}”的表决因不足法定人数无效，议题留在原步骤，所以这里不再显示“开始表决”。"
                            "接下来可以：休会并写明“不足法定人数”，另行召开会议再表决；或记录纪要后散会。",
                            "「{motion}」的表決因不足法定人數無效，議題留在原步驟，所以這裡不再顯示「開始表決」。"
                            "接下來可以：休會並寫明「不足法定人數」，另行召開會議再表決；或記錄紀要後散會。",
                            "The vote on \u201c{motion}\u201d was not quorate, so it does not count and the "
                            "matter stays "
                            "at its step; that is why \u201cOpen the vote\u201d is gone. Next: adjourn (reason: not "
                            "quorate) and convene another sitting to vote again, or record the minutes and close."),
    "no_vote_failed": ("“{motion}”未通过，议题已按程序退回，本次会议不能再就它表决，所以这里不再显示“开始表决”。"
                       "接下来可以：记录会议纪要，然后散会；如要再议，须重新提议并另行召开会议。",
                       "「{motion}」未通過，議題已按程序退回，本次會議不能再就它表決，所以這裡不再顯示「開始表決」。"
                       "接下來可以：記錄會議紀要，然後散會；如要再議，須重新提議並另行召開會議。",
                       "\u201c{motion}\u201d did not pass: the matter went back as the procedure says and cannot be "
                       "voted on again at this sitting, so \u201cOpen the vote\u201d is gone. Next: record the minutes "
                       "and close the sitting; to try again, raise it anew and convene another sitting."),
    "no_vote_passed": ("议程上的议题都已表决完毕，所以这里不再显示“开始表决”。接下来可以：记录会议纪要，然后散会。",
                       "議程上的議題都已表決完畢，所以這裡不再顯示「開始表決」。接下來可以：記錄會議紀要，然後散會。",
                       "Every matter on the agenda has been voted on, so \u201cOpen the vote\u201d is gone. Next: "
                       "record the minutes, then close the sitting."),
    "end_sitting": ("休会与散会", "休會與散會", "Adjourn or close"),
    "approve": ("赞成", "贊成", "Approve"),
    "oppose": ("反对", "反對", "Oppose"),
    "abstain": ("弃权", "棄權", "Abstain"),
    "your_choice": ("您的选择已记录：{choice}", "您的選擇已記錄：{choice}", "Your choice is recorded: {choice}"),
    "change_until_close": ("表决结束前可以更改", "表決結束前可以更改", "You can change it until the vote closes"),
    "wait_vote": ("请等待主持人开始表决", "請等待主持人開始表決", "Please wait for the chair to open the vote"),
    "link_expired": ("此链接已失效（会议已结束）", "此連結已失效（會議已結束）",
                     "This link no longer works: the sitting has ended"),
    "link_invalid": ("链接无效，请重新扫描二维码", "連結無效，請重新掃描QR碼",
                     "This link is not valid; scan the QR code again"),
    "receipt": ("回执号（请记下，可在公示后核对）：{receipt}", "回執號（請記下，可在公示後核對）：{receipt}",
                "Your receipt (note it to check the published count): {receipt}"),
    "secret_vote_mark": ("无记名投票：谁投了什么，任何人都查不到", "無記名投票：誰投了什麼，任何人都查不到",
                         "Secret ballot: nobody can find out who voted what"),
    "codes_title": ("请抄下这两个号码", "請抄下這兩個號碼", "Please write down these two codes"),
    "codes_show": ("显示我的回执号和更改码", "顯示我的回執號和更改碼", "Show my receipt and change code"),
    "code_private": ("不要给别人看", "不要給別人看", "show it to nobody"),
    "change_code": ("更改码（请记下，不要给别人看）：{code}", "更改碼（請記下，不要給別人看）：{code}",
                    "Your change code (note it; show it to nobody): {code}"),
    "codes_why": ("换了手机或清了浏览记录，要凭这两个号码才能看到或更"
                  "改您的选择。表决结束后会公布所有回执号和各自的选择，"
                  "您可以核对自己的票已计入；但没有人知道哪个回执号是谁的。更改码永远不公布。",
                  "換了手機或清了瀏覽記錄，要憑這兩個號碼才能看到或更改您的選擇。表決結束後會公佈所有回執號和各自的選擇，"
                  "您可以核對自己的票已計入；但沒有人知道哪個回執號是誰的。更改碼永遠不公佈。",
                  "On another phone, or after clearing the browser, you need both to see or change your "
                  "choice. When the vote closes every receipt is published with its choice, so you can "
                  "check your ballot was counted — but nobody knows whose receipt is whose. The change "
                  "code is never published."),
    "ballot_lost": ("您已经投过票了（无记名）。这台手机上没有您的回执号和更改码，所以这里看不到您的选择。"
                    "您的票已经算数，不用再投。",
                    "您已經投過票了（無記名）。這台手機上沒有您的回執號和更改碼，所以這裡看不到您的選擇。"
                    "您的票已經算數，不用再投。",
                    "You have already voted (secret ballot). This phone does not hold your receipt and "
                    "change code, so your choice is not shown here. Your ballot counts; you need not "
                    "vote again."),
    "ballot_lost_how": ("如要查看或更改，请输入投票后显示的回执号和更改码：", "如要查看或更改，請輸入投"
                                                     "票後顯示的回執號和更改碼：",
                        "To see or change it, type the receipt and change code shown when you voted:"),
    "ballot_lost_cookie": ("您已经投过票了。要改票，请先输入回执号和更改码", "您已經投過票了。要改票"
                                                      "，請先輸入回執號和更改碼",
                           "You have already voted. To change your ballot, first enter your receipt and "
                           "change code"),
    "code_label": ("更改码", "更改碼", "Change code"),
    "recover_submit": ("确定", "確定", "Continue"),
    "recover_wrong": ("回执号或更改码不对，请再看一遍记下的号码", "回執號或更改碼不對，請再看一遍記下的號碼",
                      "That receipt or change code is not right; please check what you noted"),
    "recover_limited": ("输入次数太多，请一小时后再试，或请工作人员帮忙", "輸入次數太多，請一小時"
                                                   "後再試，或請工作人員幫忙",
                        "Too many tries; try again in an hour, or ask the staff for help"),
    "not_voting_yet": ("您尚未投票", "您尚未投票", "You have not voted yet"),
    "vote_closed_result": ("表决已结束", "表決已結束", "The vote has closed"),
    "hello": ("{name}，您好", "{name}，您好", "Hello, {name}"),
    # The voter's page through the close, and a tap on the way (webui/static/ballot.js).
    "choice_counted": ("您的选择已计入：{choice}", "您的選擇已計入：{choice}", "Your choice was counted: {choice}"),
    "vote_over_title": ("表决已结束，结果如下", "表決已結束，結果如下", "The vote has closed; the result"),
    "did_not_vote": ("这次表决您没有投票", "這次表決您沒有投票", "You did not vote in this vote"),
    "counted_no_receipt": ("您参加了这次无记名表决，您的一票已计入。这台手机上没有回执号，所以这里看不到您的选择；"
                           "可以凭抄下的回执号在公开页核对。",
                           "您參加了這次無記名表決，您的一票已計入。這台手機上沒有回執號，所以這裡看不到您的選擇；"
                           "可以憑抄下的回執號在公開頁核對。",
                           "You took part in this secret vote and your ballot was counted. This phone holds no "
                           "receipt, so your choice is not shown here; check it on the public page with the "
                           "receipt you wrote down."),
    "receipt_published": ("在公开的回执清单中核对", "在公開的回執清單中核對", "Check it in the published receipts"),
    "wait_next_vote": ("下一项表决开始时，这里会自动显示", "下一項表決開始時，這裡會自動顯示",
                       "When the next vote opens it appears here by itself"),
    "sending": ("正在发送您的选择……请稍候", "正在發送您的選擇……請稍候", "Sending your choice… please wait"),
    "send_failed": ("网络不通，您的选择还没有送到。正在自动重试，请不要关闭本页。",
                    "網路不通，您的選擇還沒有送到。正在自動重試，請不要關閉本頁。",
                    "No connection: your choice has not arrived yet. Retrying by itself; keep this page open."),
    "send_busy": ("会场服务器忙，您的选择还没有送到。正在自动重试，请不要关闭本页。",
                  "會場伺服器忙，您的選擇還沒有送到。正在自動重試，請不要關閉本頁。",
                  "The hall's server is busy: your choice has not arrived yet. Retrying by itself; keep this "
                  "page open."),
    "poll_lost": ("与会场的连接中断了，正在重新连接……", "與會場的連接中斷了，正在重新連接……",
                  "Lost the connection to the hall; reconnecting…"),
    "why_not_in_body": ("您不是本次会议的成员，不能表决", "您不是本次會議的成員，不能表決",
                        "You are not a member of this sitting's body and cannot vote"),
    "why_no_vote": ("您可以列席会议，但没有表决权（如预备党员）", "您可以列席會議，但沒有表決權（如預備黨員）",
                    "You may attend but have no vote (e.g. a probationary party member)"),
    "why_absent": ("请先到签到处签到，签到后即可投票", "請先到簽到處簽到，簽到後即可投票",
                   "Please check in at the desk first; then you can vote"),
    "passed": ("通过", "通過", "Passed"),
    "failed": ("未通过", "未通過", "Not passed"),
    "result_not_quorate": ("不足法定人数，表决无效", "不足法定人數，表決無效", "Not quorate: the vote does not count"),
    "matters": ("议题", "議題", "Matters"),
    "new_matter": ("新建议题", "新建議題", "New matter"),
    "title": ("标题", "標題", "Title"),
    "description": ("情况说明", "情況說明", "Description"),
    "plan": ("方案", "方案", "Plan"),
    "amount_yuan": ("涉及金额（元）", "涉及金額（元）", "Amount (yuan)"),
    "bad_amount": ("金额应为数字，最多两位小数", "金額應為數字，最多兩位小數",
                   "The amount must be a number with at most two decimals"),
    "bad_date": ("日期或时间无效", "日期或時間無效", "Invalid date or time"),
    "procedure": ("程序", "程序", "Procedure"),
    "create": ("创建", "建立", "Create"),
    "schedule": ("安排会议", "安排會議", "Schedule a sitting"),
    "meeting_date": ("会议日期", "會議日期", "Date"),
    "meeting_time": ("时间", "時間", "Time"),
    "notice_date": ("通知日期", "通知日期", "Notice given on"),
    "place": ("地点", "地點", "Place"),
    "admin": ("管理", "管理", "Administration"),
    "village_settings": ("村务设置", "村務設定", "Village settings"),
    "rec_title": ("会议录音：{ref}", "會議錄音：{ref}", "Recording of the sitting: {ref}"),
    "rec_hash": ("录音文件的 SHA-256 指纹（记录纪要时登记，不能再改）：",
                 "錄音檔案的 SHA-256 指紋（記錄紀要時登記，不能再改）：",
                 "The recording file's SHA-256 fingerprint (registered with the minutes; it cannot change):"),
    "rec_how": ("如何核对一份录音是不是原件：在电脑上算出文件的 SHA-256，与上面的指纹逐字比对，完全相同才是"
                "同一份文件。Windows：在文件所在文件夹打开命令提示符，输入 certutil -hashfile 文件名 SHA256；"
                "苹果电脑或 Linux：在终端输入 shasum -a 256 文件名（或 sha256sum 文件名）。"
                "哪怕改动一秒钟，指纹也会完全不同。",
                "如何核對一份錄音是不是原件：在電腦上算出檔案的 SHA-256，與上面的指紋逐字比對，完全相同才是"
                "同一份檔案。Windows：在檔案所在資料夾開啟命令提示字元，輸入 certutil -hashfile 檔名 SHA256；"
                "蘋果電腦或 Linux：在終端機輸入 shasum -a 256 檔名（或 sha256sum 檔名）。"
                "哪怕改動一秒鐘，指紋也會完全不同。",
                "To check that a copy of the recording is the original: compute the file's SHA-256 on a "
                "computer and compare it with the fingerprint above, character by character; only the "
                "same file gives the same one. Windows: in a command prompt in the file's folder, "
                "certutil -hashfile FILE SHA256; Mac or Linux: shasum -a 256 FILE (or sha256sum FILE) in "
                "a terminal. Changing even one second of it changes the whole fingerprint."),
    "req_title": ("联名提议召开会议", "聯名提議召開會議", "Requisitions to convene"),
    "req_obliged": ("应当召集会议：", "應當召集會議：", "A meeting must be convened:"),
    "req_option": ("{signers}（{share}以上）联名，提议召开{body}", "{signers}（{share}以上）聯名，提議召開{body}",
                   "{signers} ({share} or more) ask for the {body}"),
    "req_basis": ("依据：《中华人民共和国村民委员会组织法》第二十一条、第二十六条（2018年文本条号）",
                  "依據：《中華人民共和國村民委員會組織法》第二十一條、第二十六條（2018年文本條號）",
                  "Under the Organic Law of the Villagers' Committees, arts. 21 and 26 (2018 numbering)"),
    "req_record": ("记录收到的联名提议", "記錄收到的聯名提議", "Record a requisition received"),
    "req_kind": ("谁联名、提议召开什么会议", "誰聯名、提議召開什麼會議", "Who signed, for which meeting"),
    "req_received_on": ("收到日期", "收到日期", "Received on"),
    "req_signers": ("联名人（每行一人：姓名或名册编号）", "聯名人（每行一人：姓名或名冊編號）",
                    "Signers (one per line: name or roster number)"),
    "req_hint": ("同名的人请写名册编号。可联名的人数按收到当日的名册自动计算。",
                 "同名的人請寫名冊編號。可聯名的人數按收到當日的名冊自動計算。",
                 "Give the roster number where two share a name. Who could sign is counted from "
                 "the roster on the day received."),
    "composition_minutes": ("本次村民代表会议的组成不符合法律规定，请记入会议纪要：",
                            "本次村民代表會議的組成不符合法律規定，請記入會議紀要：",
                            "This representatives' meeting is not lawfully composed; record it in the minutes:"),
    "actions": ("操作", "操作", "Actions"),
    "composition_title": ("村民代表会议和村务监督委员会的组成", "村民代表會議和村務監督委員會的組成",
                          "Composition of the representatives' meeting and the supervisory committee"),
    "composition_none": ("尚无名册，无法检查组成。", "尚無名冊，無法檢查組成。",
                         "No roster yet: nothing to check."),
    "finding_ok": ("符合", "符合", "OK"),
    "finding_broken": ("不符合", "不符合", "Broken"),
    "cal_title": ("节假日日历", "節假日日曆", "Holiday calendar"),
    "cal_intro": ("公示期、异议答复期限等期间的最后一日遇法定休假日的，顺延至休假日结束的次日"
                  "（《中华人民共和国民法典》第二百零三条）。本村的期间按下面的日历计算：国务院办公厅"
                  "每年公布的放假调休安排，加上本村自己的休息日。",
                  "公示期、異議答覆期限等期間的最後一日遇法定休假日的，順延至休假日結束的次日"
                  "（《中華人民共和國民法典》第二百零三條）。本村的期間按下面的日曆計算：國務院辦公廳"
                  "每年公布的放假調休安排，加上本村自己的休息日。",
                  "A period whose last day is a statutory rest day ends on the next working day (Civil "
                  "Code art. 203). This village's periods are counted with the calendar below: the "
                  "State Council's yearly holiday arrangement, plus the village's own rest days."),
    "cal_source": ("依据：", "依據：", "Source: "),
    "cal_rest": ("放假：", "放假：", "Rest days: "),
    "cal_working": ("调休上班：", "調休上班：", "Make-up working days: "),
    "cal_missing": ("{year}年的放假安排尚未收录：该年只按周六、周日和本村自己的休息日计算。"
                    "国务院公布后，请在下面加入该年的节假日。",
                    "{year}年的放假安排尚未收錄：該年只按週六、週日和本村自己的休息日計算。"
                    "國務院公布後，請在下面加入該年的節假日。",
                    "The {year} arrangement is not at hand: that year counts Saturdays, Sundays and "
                    "the village's own days only. Once the State Council publishes it, add its "
                    "holidays below."),
    "cal_own": ("本村自己的休息日：", "本村自己的休息日：", "The village's own rest days: "),
    "cal_own_rest": ("本村（本省）自己的休息日", "本村（本省）自己的休息日",
                     "The village's (province's) own rest days"),
    "cal_own_working": ("本村自己的调休上班日（周六或周日）", "本村自己的調休上班日（週六或週日）",
                        "The village's own make-up working days (a Saturday or Sunday)"),
    "cal_format": ("每行一个日期，如 2027-01-01", "每行一個日期，如 2027-01-01",
                   "One date per line, e.g. 2027-01-01"),
    "cal_extends": ("会议通知期的最后一日遇休息日也顺延（从严）", "會議通知期的最後一日遇休息日也順延（從嚴）",
                    "Extend a meeting's notice period over rest days too (the stricter reading)"),
    "cal_extends_why": ("默认不顺延：《民法典》第二百零三条顺延的是“应当在期间内完成某事”的期间的届满日，"
                        "提前通知期的最后一日并没有要完成的事。选择从严时，通知期最后一日遇休息日的，"
                        "会议最早在顺延后的次日召开。排会页面会写明按哪一种计算。",
                        "預設不順延：《民法典》第二百零三條順延的是「應當在期間內完成某事」的期間的屆滿日，"
                        "提前通知期的最後一日並沒有要完成的事。選擇從嚴時，通知期最後一日遇休息日的，"
                        "會議最早在順延後的次日召開。排會頁面會寫明按哪一種計算。",
                        "By default not extended: Civil Code art. 203 moves the end of a period in "
                        "which something must be done, and nothing is due on a notice period's last "
                        "day. With the stricter reading, a notice period ending on a rest day ends on "
                        "the next working day and the meeting falls the day after. The scheduling "
                        "page says which reading it applied."),
    "bad_day": ("“{value}”不是日期，请写成 2027-01-01 这样", "「{value}」不是日期，請寫成 2027-01-01 這樣",
                "“{value}” is not a date: write it like 2027-01-01"),
    "step_rule": ("本步骤按“{rule}”规则召开和表决（{citation}）。", "本步驟按「{rule}」規則召開和表決（{citation}）。",
                  "This step is convened and decided under “{rule}” ({citation})."),
    "step_notice_days": ("须提前{days}日通知。", "須提前{days}日通知。", "{days} days' notice is required."),
    "notice_reading_plain": ("通知期按默认读法计算：最后一日遇休息日不顺延（《民法典》第二百零一条、第二百零三条）",
                             "通知期按預設讀法計算：最後一日遇休息日不順延（《民法典》第二百零一條、第二百零三條）",
                             "Notice counted by the default reading: a last day on a rest day is not "
                             "extended (Civil Code arts. 201, 203)"),
    "notice_reading_extended": ("通知期按从严读法计算：最后一日遇休息日顺延至下一个工作日（《民法典》第二百零三条）",
                                "通知期按從嚴讀法計算：最後一日遇休息日順延至下一個工作日（《民法典》第二百零三條）",
                                "Notice counted by the stricter reading: a last day on a rest day is "
                                "extended to the next working day (Civil Code art. 203)"),
    "notice_period_days": ("公示期（天）", "公示期（天）", "Notice period (days)"),
    "objection_answer_days": ("异议答复期限（天）", "異議答覆期限（天）", "Days to answer an objection"),
    "major_threshold": ("重大事项金额标准（元，可空）", "重大事項金額標準（元，可空）",
                        "Amount above which a matter is major (yuan, optional)"),
    "bad_settings": ("设置有误：天数应为1至90的整数，金额为非负整数", "設定有誤：天數應為1至90的整數，金額為非負整數",
                     "Invalid settings: days are whole numbers 1–90, the amount a whole number ≥ 0"),
    "roster_import": ("导入村民名册", "匯入村民名冊", "Import the roster"),
    "roster_file": ("名册文件（CSV或XLSX，中文列名）", "名冊檔案（CSV或XLSX，中文欄名）",
                    "Roster file (CSV or XLSX, Chinese headers)"),
    "bad_roster_file": ("请选择 .csv 或 .xlsx 名册文件", "請選擇 .csv 或 .xlsx 名冊檔案",
                        "Choose a .csv or .xlsx roster file"),
    "skip_bad": ("跳过有误的行，导入其余各行", "略過有誤的行，匯入其餘各行", "Skip bad rows and import the rest"),
    "import": ("导入", "匯入", "Import"),
    "imported": ("导入完成：新增{added}人，更新{updated}人，未变{unchanged}人",
                 "匯入完成：新增{added}人，更新{updated}人，未變{unchanged}人",
                 "Imported: {added} added, {updated} updated, {unchanged} unchanged"),
    "not_imported": ("有{count}处错误，未导入任何数据", "有{count}處錯誤，未匯入任何資料",
                     "{count} problems; nothing was imported"),
    "preview_upload": ("上传并预览（不会马上导入）", "上傳並預覽（不會馬上匯入）",
                       "Upload and preview (nothing is imported yet)"),
    "roster_hint": ("可以直接上传村里现有的户籍花名册或选民名单（Excel或CSV）：标题行、合并的表头、"
                    "序号、联系电话、备注等列都不用删。身份证号码只用来核对出生日期和性别，不保存。",
                    "可以直接上傳村裡現有的戶籍花名冊或選民名單（Excel或CSV）：標題行、合併的表頭、"
                    "序號、聯絡電話、備註等欄都不用刪。身份證號碼只用來核對出生日期和性別，不保存。",
                    "Upload the village's own household register or voter list (Excel or CSV) as it is: title rows, "
                    "merged headers and columns such as 序号, 联系电话, 备注 may stay. ID card numbers are only read "
                    "to check birth dates and sex, and are not kept."),
    "roster_preview": ("名册预览", "名冊預覽", "Roster preview"),
    "pv_not_yet": ("按{on}计算。还没有导入：请核对下面的数字和名单，无误后再点“确认导入”。",
                   "按{on}計算。還沒有匯入：請核對下面的數字和名單，無誤後再點「確認匯入」。",
                   "As of {on}. Nothing is imported yet: check the figures and the list below, then confirm."),
    "pv_people": ("人数", "人數", "People"),
    "pv_households": ("户数", "戶數", "Households"),
    "pv_adults": ("年满18周岁", "年滿18週歲", "Aged 18 or more"),
    "pv_reps": ("村民代表", "村民代表", "Representatives"),
    "pv_party": ("党员（正式/预备）", "黨員（正式/預備）", "Party members (full / probationary)"),
    "pv_departed": ("其中{count}人已迁出，不计入", "其中{count}人已遷出，不計入", "{count} of them have moved away"),
    "pv_compare": ("与现有名册相比：新增{added}人，更新{updated}人，未变{unchanged}人。",
                   "與現有名冊相比：新增{added}人，更新{updated}人，未變{unchanged}人。",
                   "Against the roster: {added} new, {updated} changed, {unchanged} unchanged."),
    "pv_absent": ("名册中另有{count}人不在此文件中：导入不会删除他们；已迁出或去世的，请在文件中填“迁出日期”。",
                  "名冊中另有{count}人不在此檔案中：匯入不會刪除他們；已遷出或去世的，請在檔案中填「遷出日期」。",
                  "{count} people on the roster are not in this file: importing removes no one; for those who moved "
                  "away or died, fill in 迁出日期."),
    "pv_doubles": ("注意：此文件要新增{added}人，而名册中有{absent}人不在文件中。若是同一批人换了编号"
                   "（例如原来的名册有“编号”列，此文件没有），导入后他们会被算两次，应到人数会变多。请先核对。",
                   "注意：此檔案要新增{added}人，而名冊中有{absent}人不在檔案中。若是同一批人換了編號"
                   "（例如原來的名冊有「編號」欄，此檔案沒有），匯入後他們會被算兩次，應到人數會變多。請先核對。",
                   "Warning: this file adds {added} people while {absent} on the roster are not in it. If they are "
                   "the same people under new ids (the roster had 编号, this file has none), they would be counted "
                   "twice and the number expected would grow. Check first."),
    "pv_how": ("文件是怎样读的", "檔案是怎樣讀的", "How the file was read"),
    "pv_where": ("表头在第{line}行", "表頭在第{line}行", "The header is on row {line}"),
    "pv_sheet": ("工作表“{sheet}”", "工作表「{sheet}」", "Sheet “{sheet}”"),
    "pv_above": ("上方第{lines}行是标题，已略过", "上方第{lines}行是標題，已略過",
                 "rows {lines} above it are titles, passed over"),
    "pv_numbers": ("核对了{count}个身份证号码（其中15位旧号码{legacy}个），用来读出生日期和性别；号码本身不保存。",
                   "核對了{count}個身份證號碼（其中15位舊號碼{legacy}個），用來讀出生日期和性別；號碼本身不保存。",
                   "{count} ID card numbers checked ({legacy} old 15-digit ones), read for birth dates and sex; the "
                   "numbers themselves are not kept."),
    "pv_derived": ("没有“编号”列：每人的编号由姓名、性别、出生日期生成，以后再导入同一人时不变。",
                   "沒有「編號」欄：每人的編號由姓名、性別、出生日期生成，以後再匯入同一人時不變。",
                   "No 编号 column: each person's id is derived from name, sex and birth date, and stays the same at "
                   "every import."),
    "pv_inferred": ("没有“户号”列：按户主姓名和与户主关系分户。", "沒有「戶號」欄：按戶主姓名和與戶主關係分戶。",
                    "No 户号 column: households are read from 户主姓名 and 与户主关系."),
    "pv_ignored": ("以下列未导入：{columns}", "以下欄未匯入：{columns}", "Columns not imported: {columns}"),
    "pv_skipped": ("以下行不是村民，已略过：", "以下行不是村民，已略過：", "Rows that are not people, passed over:"),
    "pv_errors": ("有{count}行有误，这些行不会导入：", "有{count}行有誤，這些行不會匯入：",
                  "{count} rows have problems and will not be imported:"),
    "pv_more": ("……另有{count}行有误（命令行 deliberate roster import --dry-run 可列出全部）",
                "……另有{count}行有誤（命令列 deliberate roster import --dry-run 可列出全部）",
                "… and {count} more (deliberate roster import --dry-run lists them all)"),
    "pv_refused": ("这个文件不能导入，未导入任何数据：", "這個檔案不能匯入，未匯入任何資料：",
                   "This file cannot be imported; nothing was imported:"),
    "pv_by_group": ("按村民小组", "按村民小組", "By villager group"),
    "pv_group": ("村民小组", "村民小組", "Villager group"),
    "pv_no_group": ("未分组", "未分組", "No group"),
    "pv_sample": ("前{count}人（看看各列是否读对了）", "前{count}人（看看各欄是否讀對了）",
                  "The first {count} people (check each column was read right)"),
    "name": ("姓名", "姓名", "Name"),
    "sex": ("性别", "性別", "Sex"),
    "sex_male": ("男", "男", "male"),
    "sex_female": ("女", "女", "female"),
    "birth_date": ("出生日期", "出生日期", "Born"),
    "household": ("户", "戶", "Household"),
    "adult": ("成年", "成年", "Adult"),
    "yes": ("是", "是", "yes"),
    "no": ("否", "否", "no"),
    "confirm_import": ("确认导入这{count}人", "確認匯入這{count}人", "Import these {count} people"),
    "confirm_skip": ("跳过有误的{bad}行，导入其余{count}人", "略過有誤的{bad}行，匯入其餘{count}人",
                     "Skip the {bad} bad rows and import the other {count}"),
    "discard": ("放弃，不导入", "放棄，不匯入", "Discard, import nothing"),
    "discarded": ("已放弃，名册没有改动", "已放棄，名冊沒有改動", "Discarded; the roster is unchanged"),
    "upload_again": ("改好文件后重新上传", "改好檔案後重新上傳", "Fix the file and upload it again"),
    "accounts": ("账号与角色", "帳號與角色", "Accounts and roles"),
    "display_name": ("显示名称", "顯示名稱", "Display name"),
    "roles": ("角色", "角色", "Roles"),
    "person_id": ("名册编号（计票人、监票人须填）", "名冊編號（計票人、監票人須填）",
                  "Roster number (needed for counters and scrutineers)"),
    "deactivate": ("停用", "停用", "Deactivate"),
    "bad_account": ("账号有误：用户名不能含空格，密码至少8位，至少选一个角色",
                    "帳號有誤：使用者名稱不能含空格，密碼至少8位，至少選一個角色",
                    "Invalid account: no spaces in the username, a password of 8 or more, one role at least"),
    "account_taken": ("该用户名已被使用，请另选一个", "該使用者名稱已被使用，請另選一個",
                      "That username is already taken; choose another"),
    "bad_password": ("密码至少8位", "密碼至少8位", "The password needs 8 or more characters"),
    "new_password": ("新密码", "新密碼", "New password"),
    "set_password": ("重设密码", "重設密碼", "Set password"),
    "role_admin": ("管理员", "管理員", "admin"),
    "role_chair": ("主持人", "主持人", "chair"),
    "role_clerk": ("记录人", "記錄人", "clerk"),
    "role_counter": ("计票人", "計票人", "counter"),
    "role_scrutineer": ("监票人", "監票人", "scrutineer"),
    "role_supervisor": ("村务监督委员会", "村務監督委員會", "supervisor"),
    "record_checkpoint": ("记录校验点", "記錄校驗點", "Record checkpoint"),
    "record_holds": ("记录完整：本系统刚刚核对了全部记录（到第{height}"
                     "条），没有发现改动；每次无记名表决的票数与参加人数一致。",
                     "記錄完整：本系統剛剛核對了全部記錄（到第{height}條），沒有發現改動；每次無記名表決的票數與參加人數一致。",
                     "The record holds: the system has just checked the whole record (up to entry "
                     "{height}) and found no change; every secret vote has as many ballots as people "
                     "who took part."),
    "record_fails": ("记录有问题：从第{height}条起对不上。请告知村务监督委员会和乡镇。",
                     "記錄有問題：從第{height}條起對不上。請告知村務監督委員會和鄉鎮。",
                     "The record fails its check from entry {height} on. Please tell the supervisory "
                     "committee and the township."),
    "printed_check": ("核对公示上印的校验点", "核對公示上印的校驗點", "Check a checkpoint printed on a notice"),
    "printed_how": ("公示底部印有“记录校验点”，形如“第123条 · 3f9a2c"
                    "1d…”。输入条数和哈希的至少前十六位，看它与现在的记录是否一致。",
                    "公示底部印有「記錄校驗點」，形如「第123條 · 3f9a2c"
                    "1d…」。輸入條數和雜湊的至少前十六位，看它與現在的記錄是否一致。",
                    "A notice carries the record's checkpoint at its foot, like \"entry 123 · 3f9a2c1d8e7b6a50…\". "
                    "Type the entry number and at least the first sixteen characters of the hash to "
                    "compare it with the record now."),
    "printed_height": ("第几条", "第幾條", "Entry"),
    "printed_hash": ("哈希前几位", "雜湊前幾位", "Hash (first characters)"),
    "printed_match": ("一致：记录第{height}条的哈希以 {hash} 开头，与公示上印的相同。公示之前的记录没有被改过。",
                      "一致：記錄第{height}條的雜湊以 {hash} 開頭，與公示上印的相同。公示之前的記錄沒有被改過。",
                      "Matches: entry {height} of the record has a hash starting {hash}, as printed. "
                      "Nothing up to the notice has been changed."),
    "printed_differs": ("不一致：记录第{height}条的哈希不是以 {hash} 开头。请再核"
                        "对一遍输入；如无误，说明公示之后记录被改过，请告知村务监督委员会和乡镇。",
                        "不一致：記錄第{height}條的雜湊不是以 {hash} 開頭。請再核"
                        "對一遍輸入；如無誤，說明公示之後記錄被改過，請告知村務監督委員會和鄉鎮。",
                        "Does not match: entry {height} of the record does not have a hash starting "
                        "{hash}. Check what you typed; if it is right, the record was changed after the "
                        "notice — tell the supervisory committee and the township."),
    "printed_unverified": ("记录里第{height}条的哈希以 {hash} 开头，但记"
                           "录本身没有通过校验（见上方），所以不能据此认定记录未被改动。",
                           "記錄裡第{height}條的雜湊以 {hash} 開頭，但記"
                           "錄本身沒有通過校驗（見上方），所以不能據此認定記錄未被改動。",
                           "Entry {height} has a hash starting {hash}, but the record itself fails its check (see "
                           "above), so this says nothing about whether it was changed."),
    "printed_missing": ("记录里没有第{height}条：记录比公示时还短，说明被删改过（或条数输错了）。",
                        "記錄裡沒有第{height}條：記錄比公示時還短，說明被刪改過（或條數輸錯了）。",
                        "The record has no entry {height}: it is shorter than when the notice was "
                        "printed, so it was cut (or the number was mistyped)."),
    "printed_bad_input": ("请输入条数（数字）和哈希的至少前十六位（0-9、a-f）",
                          "請輸入條數（數字）和雜湊的至少前十六位（0-9、a-f）",
                          "Enter the entry number (digits) and at least sixteen characters of the hash "
                          "(0-9, a-f)"),
    "current_checkpoint": ("当前校验点", "當前校驗點", "Current checkpoint"),
    "verify_title": ("核对记录", "核對記錄", "Verify the record"),
    "no_matters": ("暂无议题", "暫無議題", "No matters yet"),
    "rule": ("表决规则", "表決規則", "Rule"),
    "notices": ("公示", "公示", "Notices"),
    "objection": ("异议", "異議", "Objection"),
    "answer": ("答复", "答覆", "Answer"),
    "progress_title": ("实施情况", "實施情況", "Implementation"),
    "total_spent": ("合计支出", "合計支出", "Total spent"),
    "yuan": ("元", "元", " yuan"),
    "completed_on": ("完成于", "完成於", "completed on"),
    "print": ("打印", "列印", "Print"),
    "download_log": ("下载全部记录（JSON Lines）", "下載全部記錄（JSON Lines）",
                     "Download the whole record (JSON Lines)"),
    "how_to_verify": ("任何人都可以用下面的命令核对下载的记录，并与公示上印的校验点比对：",
                      "任何人都可以用下面的命令核對下載的記錄，並與公示上印的校驗點比對：",
                      "Anyone can check the downloaded record with this command, against a "
                      "checkpoint printed on a notice:"),
    "checkpoint_history": ("历次公示的校验点", "歷次公示的校驗點", "Checkpoints printed on notices"),
    "receipt_check": ("核对无记名投票回执", "核對無記名投票回執", "Check a secret-ballot receipt"),
    "receipt_label": ("回执号", "回執號", "Receipt"),
    "check": ("核对", "核對", "Check"),
    "receipt_found": ("回执 {receipt} 已计入“{motion}”的表决：{choice}",
                      "回執 {receipt} 已計入「{motion}」的表決：{choice}",
                      "Receipt {receipt} was counted in the vote on “{motion}”: {choice}"),
    "receipt_missing": ("没有找到回执 {receipt}：本村已结束的无记名表决中没有这个回执，请核对是否抄错",
                        "沒有找到回執 {receipt}：本村已結束的無記名表決中沒有這個回執，請核對是否抄錯",
                        "Receipt {receipt} is not among those of this village's closed secret votes: "
                        "check it was copied right"),
    "receipt_vote_open": ("没有找到回执 {receipt}：无记名表决还在进行，回执在表决结束时公布，请结束后再查",
                          "沒有找到回執 {receipt}：無記名表決還在進行，回執在表決結束時公佈，請結束後再查",
                          "Receipt {receipt} is not published yet: a secret vote is still open, and its "
                          "receipts are published when it closes"),
    "receipt_shape": ("“{receipt}”不是回执：回执是一串字母和数字，如 ABCD-EFGH（大小写、横线都可以不管）",
                      "「{receipt}」不是回執：回執是一串字母和數字，如 ABCD-EFGH（大小寫、橫線都可以不管）",
                      "“{receipt}” is not a receipt: a receipt is a run of letters and digits, like "
                      "ABCD-EFGH (case and the dash do not matter)"),
    "lodge_objection": ("提出异议", "提出異議", "Lodge an objection"),
    "objection_hint": ("公示期为{first}至{last}，期内任何人都可以提出异议，由村务监督委员会答复并公开。",
                       "公示期為{first}至{last}，期內任何人都可以提出異議，由村務監督委員會答覆並公開。",
                       "The notice period runs {first} to {last}; anyone may object, and the "
                       "supervisory committee's answer is published."),
    "contact_optional": ("联系方式（可不填）", "聯絡方式（可不填）", "Contact (optional)"),
    "objection_lodged": ("异议已收到，村务监督委员会将在期限内答复", "異議已收到，村務監督委員會將在期限內答覆",
                         "Your objection is received; the supervisory committee will answer it"),
    "objection_limited": ("每小时最多提交{count}条异议，请稍后再试", "每小時最多提交{count}條異議，請稍後再試",
                          "At most {count} objections an hour; please try later"),
    "objection_queue": ("待答复的异议", "待答覆的異議", "Objections awaiting an answer"),
    "answer_due": ("应于{due}前答复", "應於{due}前答覆", "answer due by {due}"),
    "overdue": ("已逾期", "已逾期", "overdue"),
    "upheld": ("异议成立，退回重新议定", "異議成立，退回重新議定", "Upheld: send the matter back"),
    "return_to": ("退回到", "退回到", "Back to"),
    "no_objections": ("暂无待答复的异议", "暫無待答覆的異議", "No objections await an answer"),
    "language": ("语言", "語言", "Language"),
    "no_sittings": ("暂无会议", "暫無會議", "No sittings yet"),
    "state": ("状态", "狀態", "State"),
    "contact": ("联系方式", "聯絡方式", "Contact"),
    "submissions": ("民情意见", "民情意見", "Villagers' submissions"),
    "submissions_intro": ("村里有什么需要解决的事、有什么意见建议，都可以在这里提出。村“两委”会逐条登记、答复；"
                          "需要集体商议的，会转为议题按“四议两公开”办理。",
                          "村裡有什麼需要解決的事、有什麼意見建議，都可以在這裡提出。村「兩委」會逐條登記、答覆；"
                          "需要集體商議的，會轉為議題按「四議兩公開」辦理。",
                          "Raise a need or an opinion here. The village committees log and answer each "
                          "one; those that need a collective decision become matters under the "
                          "four-deliberations-two-disclosures procedure."),
    "submission_text": ("您反映的事情", "您反映的事情", "What you want to raise"),
    "submission_public": ("这段文字会公开，请不要写身份证号、电话等个人信息。",
                          "這段文字會公開，請不要寫身分證號、電話等個人資訊。",
                          "This text is published: leave out ID numbers, phone numbers and other "
                          "personal details."),
    "your_name_optional": ("您的姓名（可不填，不公开）", "您的姓名（可不填，不公開）",
                           "Your name (optional, not published)"),
    "contact_private": ("联系方式（可不填，不公开）", "聯絡方式（可不填，不公開）",
                        "Contact (optional, not published)"),
    "submit": ("提交", "提交", "Submit"),
    "submission_lodged": ("已收到，编号{id}。处理情况会在本页公开。", "已收到，編號{id}。處理情況會在本頁公開。",
                          "Received as number {id}; how it is handled will be shown on this page."),
    # Following up a submission or objection by its number (webui/public.py, public/lookup.html).
    "tracked_lodged": ("已收到。您的编号是 {number}，将在 {date} 前答复。请记下编号，或把本页加入收藏。",
                       "已收到。您的編號是 {number}，將在 {date} 前答覆。請記下編號，或把本頁加入收藏。",
                       "Received. Your number is {number}; it will be answered by {date}. Note the "
                       "number or bookmark this page."),
    "tracked_taken_down": ("已登记，编号 {number}，答复期限 {date}。请把编号告诉反映人。",
                           "已登記，編號 {number}，答覆期限 {date}。請把編號告訴反映人。",
                           "Taken down as number {number}, to be answered by {date}. Give the villager "
                           "the number."),
    "story_title": ("办理经过", "辦理經過", "How it went"),
    "story_now": ("现在到这一步", "現在到這一步", "now at this step"),
    "story_why": ("计票和依据", "計票和依據", "the count and the rule"),
    "story_notice": ("查看公示（可打印）", "查看公示（可列印）", "The notice (printable)"),
    "verify_intro": ("您可以在这里核对两件事：自己的无记名投票回执有没有计入，公示上印的校验点和现在的记录是否一致。",
                     "您可以在這裡核對兩件事：自己的無記名投票回執有沒有計入，公示上印的校驗點和現在的記錄是否一致。",
                     "Here you can check two things: that your secret-ballot receipt was counted, and "
                     "that the checkpoint printed on a notice matches the record today."),
    "receipt_how": ("输入投票时手机上显示的回执号，大小写和横线都可以不管。",
                    "輸入投票時手機上顯示的回執號，大小寫和橫線都可以不管。",
                    "Type the receipt your phone showed when you voted; case and the dash do not matter."),
    "verify_experts": ("给懂技术的人：自己核对全部记录", "給懂技術的人：自己核對全部記錄",
                       "For experts: check the whole record yourself"),
    "lookup_title": ("用编号查询办理情况", "用編號查詢辦理情況", "Look up by number"),
    "lookup_hint": ("提交民情意见或异议后得到的编号，如 2026-0007", "提交民情意見或異議後得到的編號，如 2026-0007",
                    "The number you were given for a submission or objection, like 2026-0007"),
    "lookup_label": ("编号", "編號", "Number"),
    "lookup_another": ("查询别的编号", "查詢別的編號", "Look up another number"),
    "lookup_go": ("查询", "查詢", "Look up"),
    "tracked_number": ("{kind}编号 {number}", "{kind}編號 {number}", "{kind} number {number}"),
    "tracked_lodged_on": ("提交日期", "提交日期", "Lodged on"),
    "tracked_answer_by": ("答复期限", "答覆期限", "To be answered by"),
    "tracked_answer_by_date": ("{date} 前", "{date} 前", "by {date}"),
    "tracked_pending": ("等待答复", "等待答覆", "Awaiting its answer"),
    "tracked_overdue": ("已过答复期限，尚未答复", "已過答覆期限，尚未答覆", "Past its date and not yet answered"),
    "tracked_answered": ("已答复", "已答覆", "Answered"),
    "tracked_upheld": ("异议成立", "異議成立", "Upheld"),
    "tracked_not_upheld": ("异议不成立", "異議不成立", "Not upheld"),
    "tracked_matter": ("有关议题", "有關議題", "The matter"),
    "tracked_bookmark": ("把本页加入收藏，以后打开就能看到答复；也可在本村公开页输入编号查询。",
                         "把本頁加入收藏，以後打開就能看到答覆；也可在本村公開頁輸入編號查詢。",
                         "Bookmark this page to see the answer later, or type the number on the "
                         "village's public page."),
    "tracking_shape": ("“{number}”不是编号：编号是年份和序号，如 2026-0007",
                       "「{number}」不是編號：編號是年份和序號，如 2026-0007",
                       "“{number}” is not a number: a number is a year and a sequence, like 2026-0007"),
    "tracking_too_long": ("输入的内容太长，不是编号：编号是年份和序号，如 2026-0007",
                          "輸入的內容太長，不是編號：編號是年份和序號，如 2026-0007",
                          "That is too long to be a number: a number is a year and a sequence, like 2026-0007"),
    "tracking_none_that_year": ("没有找到 {number}：本村 {year} 年没有发出过编号。请核对年份，或是否是别的村的编号。",
                                "沒有找到 {number}：本村 {year} 年沒有發出過編號。請核對年份，或是否是別的村的編號。",
                                "{number} is not found: this village gave no numbers in {year}. Check the "
                                "year, or whether it is another village's number."),
    "tracking_beyond": ("没有找到 {number}：本村 {year} 年的编号到 {last} 为止。请核对号码，或是否是别的村的编号。",
                        "沒有找到 {number}：本村 {year} 年的編號到 {last} 為止。請核對號碼，或是否是別的村的編號。",
                        "{number} is not found: this village's numbers for {year} end at {last}. Check "
                        "the number, or whether it is another village's."),
    "submission_limited": ("每小时最多提交{count}条，请稍后再试", "每小時最多提交{count}條，請稍後再試",
                           "At most {count} an hour; please try later"),
    "no_submissions": ("暂无民情意见", "暫無民情意見", "No submissions yet"),
    "received_on": ("受理日期", "受理日期", "Received"),
    "became_matter": ("已转为议题：", "已轉為議題：", "Became the matter: "),
    "take_down": ("代为登记", "代為登記", "Take one down"),
    "take_down_hint": ("村民当面或电话反映的，由您代为登记。", "村民當面或電話反映的，由您代為登記。",
                       "For villagers who tell you in person or by phone."),
    "submitter_name": ("反映人姓名", "反映人姓名", "Name of the villager"),
    "take_up": ("转为已有议题", "轉為已有議題", "Attach to a matter"),
    "raise_from": ("据此新建议题", "據此新建議題", "Raise a new matter from it"),
    "answer_directly": ("直接答复办结", "直接答覆辦結", "Answer and settle"),
    "submission_ledger": ("民情台账", "民情台賬", "Submissions ledger"),
    "all": ("全部", "全部", "All"),
    "too_large": ("提交的内容太大", "提交的內容太大", "What was sent is too large"),
    "review_result": ("审核结果", "審核結果", "Result of the review"),
    "review_approved": ("审核通过", "審核通過", "Approved"),
    "review_returned": ("退回修改", "退回修改", "Sent back"),
    "review_reference": ("审核文号", "審核文號", "Reference of the review"),
    "review_by": ("审核机关", "審核機關", "Reviewed by"),
    "notice_period": ("公示期", "公示期", "Notice period"),
    "print_notice": ("打印公示", "列印公示", "Print the notice"),
    "objections_pending": ("尚有{count}条异议待答复，答复后才能结束公示", "尚有{count}條異議待答覆，答覆後才能結束公示",
                           "{count} objection(s) await an answer before the notice can close"),
    "close_notice": ("公示期满，结束公示", "公示期滿，結束公示", "Close the notice (period over)"),
    "published_on": ("发布日期", "發佈日期", "Published on"),
    "notice_days": ("公示天数", "公示天數", "Days on the board"),
    "notice_contacts": ("异议受理联系方式", "異議受理聯絡方式", "Where to object (contacts)"),
    "issued_by": ("发布单位", "發佈單位", "Issued by"),
    "publish_notice": ("发布公示", "發佈公示", "Publish the notice"),
    "progress_on": ("日期", "日期", "Date"),
    "progress_what": ("完成了什么", "完成了什麼", "What was done"),
    "progress_spent": ("本次支出（元）", "本次支出（元）", "Spent this time (yuan)"),
    "progress_files": ("附件（票据、照片，最多{count}个，每个不超过10MB）",
                       "附件（票據、照片，最多{count}個，每個不超過10MB）",
                       "Files (receipts, photos; up to {count}, 10 MB each)"),
    "record_progress": ("登记进展", "登記進展", "Record progress"),
    "completion_summary": ("完成情况", "完成情況", "Summary of the completed work"),
    "completion_date": ("完成日期", "完成日期", "Completed on"),
    "sha256_hint": ("SHA-256摘要，下载后可自行核对", "SHA-256摘要，下載後可自行核對",
                    "SHA-256 digest: hash the download to check it"),
    "complete": ("实施完成", "實施完成", "Mark as completed"),
    "bad_contact": ("姓名或联系方式不能超过200个字，也不能含控制字符",
                    "姓名或聯絡方式不能超過200個字，也不能含控制字元",
                    "A name or contact is at most 200 characters, without control characters"),
    "from_submission": ("来自村民反映", "來自村民反映", "Raised by villagers:"),
    "status": ("状态", "狀態", "Status"),
    "channel": ("来源", "來源", "Channel"),
    "bad_file": ("附件过大或无法读取（每个不超过10MB）", "附件過大或無法讀取（每個不超過10MB）",
                 "An attachment is too large or unreadable (10 MB each at most)"),
    **CARD_WORDS,
    **DOSSIER_WORDS,
}, may_be_empty_in_english=frozenset({"people"}))


def current_lang() -> str:
    return getattr(g, "lang", DEFAULT_LANG)


def t(key: str, **fields: object) -> str:
    return WORDS.text(key, current_lang(), **fields)


def _choose() -> str:
    asked = request.args.get("lang")
    if asked in LANGS:
        session["lang"] = asked
        return asked
    if session.get("lang") in LANGS:
        return session["lang"]
    best = request.accept_languages.best_match(["zh-CN", "zh-Hans", "zh-TW", "zh-HK", "zh-Hant",
                                                "zh", "en"])
    if best in ("zh-TW", "zh-HK", "zh-Hant"):
        return "zh_Hant"
    if best == "en":
        return "en"
    return DEFAULT_LANG


def select_locale() -> str:
    """The Babel locale of the request (and ``g.lang``, the catalogue's language)."""
    g.lang = _choose()
    return _BABEL[g.lang]

"""The words of the procedure: the stages a matter passes, the actions taken at them, the kinds
of step, and a sitting's states and actions — each with its label in three languages.

:mod:`deliberate.procedure` builds its tables over these and re-exports them.
"""

from __future__ import annotations

from enum import Enum

from .i18n import DEFAULT_LANG, LANGS, check_lang

__all__ = ["TERMINAL", "Action", "SittingAction", "SittingState", "Stage", "StepKind"]


class _Labelled(Enum):
    def label(self, lang: str = DEFAULT_LANG) -> str:
        return _LABELS[self][LANGS.index(check_lang(lang))]


class Stage(_Labelled):
    """Where a matter stands."""

    NEW = "new"
    PROPOSAL = "proposal"  # 1 提议
    CONSULTATION = "consultation"  # 2 商议
    REVIEW = "review"  # 3 审议
    TOWNSHIP_REVIEW = "township_review"  # variant: 乡镇审核 before the vote
    RESOLUTION = "resolution"  # 4 决议
    RESOLUTION_NOTICE = "resolution_notice"  # 5 决议公开
    IMPLEMENTATION = "implementation"  # carrying it out, between 5 and 6
    IMPLEMENTATION_NOTICE = "implementation_notice"  # 6 实施结果公开
    DONE = "done"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


TERMINAL = frozenset({Stage.DONE, Stage.WITHDRAWN})


class Action(_Labelled):
    """What can be done to a matter."""

    RAISE = "raise"
    AMEND_PLAN = "amend_plan"
    CONVENE = "convene"
    ADJOURN = "adjourn"
    ADOPT = "adopt"
    REJECT = "reject"
    RETURN = "return"
    REHOLD = "rehold"
    WITHDRAW = "withdraw"
    PUBLISH_NOTICE = "publish_notice"
    LODGE_OBJECTION = "lodge_objection"
    ANSWER_OBJECTION = "answer_objection"
    UPHOLD_OBJECTION = "uphold_objection"
    CLOSE_NOTICE = "close_notice"
    RECORD_PROGRESS = "record_progress"
    COMPLETE = "complete"


class StepKind(_Labelled):
    SITTING = "sitting"
    EXTERNAL_REVIEW = "external_review"
    NOTICE = "notice"
    IMPLEMENTATION = "implementation"


class SittingState(_Labelled):
    CONVENED = "convened"
    IN_SESSION = "in_session"
    VOTING = "voting"
    CLOSED = "closed"
    ADJOURNED = "adjourned"


class SittingAction(_Labelled):
    CHECK_IN = "check_in"
    CHECK_OUT = "check_out"
    APPOINT_TELLERS = "appoint_tellers"
    OPEN = "open"
    OPEN_VOTE = "open_vote"
    CAST_BALLOT = "cast_ballot"
    ENTER_CARD_COUNT = "enter_card_count"
    CONFIRM_CARD_COUNT = "confirm_card_count"
    CLOSE_VOTE = "close_vote"
    RECORD_MINUTES = "record_minutes"
    ADJOURN = "adjourn"
    CLOSE = "close"


_LABELS: dict[Enum, tuple[str, str, str]] = {
    Stage.NEW: ("新建", "新建", "new"),
    Stage.PROPOSAL: ("提议", "提議", "proposal"),
    Stage.CONSULTATION: ("商议", "商議", "consultation"),
    Stage.REVIEW: ("审议", "審議", "review"),
    Stage.TOWNSHIP_REVIEW: ("乡镇审核", "鄉鎮審核", "township review"),
    Stage.RESOLUTION: ("决议", "決議", "resolution"),
    Stage.RESOLUTION_NOTICE: ("决议公开", "決議公開", "resolution notice"),
    Stage.IMPLEMENTATION: ("组织实施", "組織實施", "implementation"),
    Stage.IMPLEMENTATION_NOTICE: ("实施结果公开", "實施結果公開", "implementation notice"),
    Stage.DONE: ("办结", "辦結", "done"),
    Stage.REJECTED: ("未通过", "未通過", "rejected"),
    Stage.WITHDRAWN: ("已撤回", "已撤回", "withdrawn"),
    Action.RAISE: ("提出议题", "提出議題", "raise"),
    Action.AMEND_PLAN: ("修改方案", "修改方案", "amend the plan"),
    Action.CONVENE: ("召集会议", "召集會議", "convene a sitting"),
    Action.ADJOURN: ("休会（不足法定人数）", "休會（不足法定人數）", "adjourn (no quorum)"),
    Action.ADOPT: ("通过", "通過", "adopt"),
    Action.REJECT: ("否决", "否決", "reject"),
    Action.RETURN: ("退回重议", "退回重議", "return to an earlier step"),
    Action.REHOLD: ("监督委员会要求重新议定", "監督委員會要求重新議定",
                    "supervisory committee requires a step again"),
    Action.WITHDRAW: ("撤回", "撤回", "withdraw"),
    Action.PUBLISH_NOTICE: ("发布公示", "發佈公示", "publish the notice"),
    Action.LODGE_OBJECTION: ("提出异议", "提出異議", "lodge an objection"),
    Action.ANSWER_OBJECTION: ("答复异议（不成立）", "答覆異議（不成立）", "answer an objection (dismissed)"),
    Action.UPHOLD_OBJECTION: ("异议成立，退回", "異議成立，退回", "uphold an objection and go back"),
    Action.CLOSE_NOTICE: ("公示期满", "公示期滿", "close the notice"),
    Action.RECORD_PROGRESS: ("记录实施进展", "記錄實施進展", "record progress"),
    Action.COMPLETE: ("实施完成", "實施完成", "complete"),
    StepKind.SITTING: ("会议表决", "會議表決", "sitting"),
    StepKind.EXTERNAL_REVIEW: ("外部审核", "外部審核", "external review"),
    StepKind.NOTICE: ("公示", "公示", "notice"),
    StepKind.IMPLEMENTATION: ("实施", "實施", "implementation"),
    SittingState.CONVENED: ("已召集", "已召集", "convened"),
    SittingState.IN_SESSION: ("进行中", "進行中", "in session"),
    SittingState.VOTING: ("表决中", "表決中", "voting"),
    SittingState.CLOSED: ("已散会", "已散會", "closed"),
    SittingState.ADJOURNED: ("已休会", "已休會", "adjourned"),
    SittingAction.CHECK_IN: ("签到", "簽到", "check in"),
    SittingAction.CHECK_OUT: ("离场", "離場", "check out"),
    SittingAction.APPOINT_TELLERS: ("确定计票人、监票人", "確定計票人、監票人", "appoint tellers"),
    SittingAction.OPEN: ("宣布开会", "宣佈開會", "open the sitting"),
    SittingAction.OPEN_VOTE: ("开始表决", "開始表決", "open a vote"),
    SittingAction.CAST_BALLOT: ("投票", "投票", "cast a ballot"),
    SittingAction.ENTER_CARD_COUNT: ("录入举牌计票", "錄入舉牌計票", "enter a card count"),
    SittingAction.CONFIRM_CARD_COUNT: ("监票人确认计票", "監票人確認計票", "confirm the card count"),
    SittingAction.CLOSE_VOTE: ("结束表决", "結束表決", "close the vote"),
    SittingAction.RECORD_MINUTES: ("记录会议纪要", "記錄會議紀要", "record the minutes"),
    SittingAction.ADJOURN: ("休会", "休會", "adjourn"),
    SittingAction.CLOSE: ("散会", "散會", "close the sitting"),
}

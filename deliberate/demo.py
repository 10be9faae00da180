"""Carrying matters through the procedure with a moving clock: for demos, examples and tests.

:class:`Driver` issues the commands a village would — convene with proper notice, check people in,
vote, publish notices and let their periods run, record progress — against any :class:`Ledger`.
It reads no clock: it starts from the time it is given and only moves forward.
:func:`build_demo` makes the demo village the command line installs.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import date, datetime, timedelta
from typing import Any

from . import commands as c
from .holidays import national
from .ledger import Ledger
from .procedure import PROCEDURES, STATUTORY, Procedure, Stage, StepKind
from .roster import Roster
from .submission import Channel
from .tally import Choice, Tally

__all__ = ["DEMO_CONTACTS", "Driver", "build_demo", "convene_live"]

DEMO_CONTACTS = "村务监督委员会（0660-3300000）；镇纪委（0660-3311111）"


class Driver:
    """A ledger, a roster, and a clock that only moves forward."""

    def __init__(self, ledger: Ledger, roster: Roster, start: datetime, secret: bytes = b"") -> None:
        self.ledger, self.roster, self.now = ledger, roster, start
        self.sittings = 0
        self._secret = secret  # what receipts, change codes and nonces are made from

    def token(self, *about: str) -> str:
        """A receipt, change code or nonce, as a phone would make one: ten characters that look
        random to anyone without the driver's ``secret`` (the core makes no randomness of its own;
        a real front end uses ``secrets``)."""
        mac = hmac.new(self._secret, "/".join(about).encode(), hashlib.sha256).hexdigest()
        return mac[:10].upper()

    def tick(self, minutes: int = 1) -> datetime:
        self.now += timedelta(minutes=minutes)
        return self.now

    def days(self, n: int) -> None:
        self.now += timedelta(days=n)

    @property
    def today(self) -> date:
        return self.now.date()

    @property
    def state(self) -> Any:
        return self.ledger.state

    def do(self, command: Any) -> Any:
        return self.ledger.handle(command, self.tick())

    def matter(self, mid: str) -> Any:
        return self.state.matters[mid]

    def raise_matter(self, mid: str, title: str | None = None, procedure: Procedure = STATUTORY,
                     **kw: Any) -> str:
        self.do(c.RaiseMatter(mid, title or f"议题{mid}", procedure, by=kw.pop("by", "p0001"),
                              plan=kw.pop("plan", "方案"), **kw))
        return mid

    def convene(self, mid: str, rule: Any = None, *, sitting: str | None = None) -> str:
        matter = self.matter(mid)
        rule = rule or matter.step.decides_by
        self.sittings += 1
        sitting = sitting or f"s{self.sittings}"
        meeting = self.now + timedelta(days=(rule.notice_days or 0) + 1)
        self.do(c.ConveneSitting(sitting, rule, self.roster.body(rule.body, meeting.date()),
                                 (mid,), meeting, self.today, "村党群议事厅", by="p0001"))
        return sitting

    def hold_vote(self, mid: str, *, choice: Choice = Choice.APPROVE, present: int | None = None,
                  secret: bool = False, cards: bool = False, close: bool = True) -> str:
        """Convene the body the step needs, check people in, vote on phones (or, with ``cards``,
        partly by raised cards counted and confirmed), close the vote and the sitting."""
        sitting = self.convene(mid)
        s = self.state.sittings[sitting]
        voters = sorted(s.roster.voters)
        came = voters if present is None else voters[:present]
        self.days(s.rule.notice_days + 1 if s.rule.notice_days else 1)
        for person in came:
            self.do(c.CheckIn(sitting, person))
        tellers = sorted(s.roster.attendees - s.roster.voters) or voters
        if cards:
            self.do(c.AppointTellers(sitting, (tellers[0],), (tellers[-1] if len(tellers) > 1
                                                               else voters[-1],)))
        self.do(c.OpenSitting(sitting, by="p0001"))
        if not self.state.sittings[sitting].rule.decide(
                self.state.sittings[sitting].attendance(), Tally()).quorate:
            self.do(c.AdjournSitting(sitting, "不足法定人数，休会另行召开"))
            return sitting
        self.do(c.OpenVote(sitting, "v1", mid, f"表决：{self.matter(mid).title}", secret=secret))
        phones = came if not cards else came[: len(came) // 3]
        for person in phones:
            self.do(c.CastBallot(sitting, "v1", person, choice,
                                 receipt=self.token(sitting, person, "receipt") if secret else None,
                                 change_code=self.token(sitting, person, "code") if secret else None))
        if cards:
            rest = len(came) - len(phones)
            counts = {choice: rest - rest // 10, Choice.ABSTAIN: rest // 10}
            if choice is Choice.ABSTAIN:
                counts = {Choice.ABSTAIN: rest}
            tally = Tally(counts.get(Choice.APPROVE, 0), counts.get(Choice.OPPOSE, 0),
                          counts.get(Choice.ABSTAIN, 0))
            s = self.state.sittings[sitting]
            self.do(c.EnterCardCount(sitting, "v1", s.counters[0], tally,
                                     nonce=self.token(sitting, "cards") * 2 if secret else None))
            self.do(c.ConfirmCardCount(sitting, "v1", s.scrutineers[0]))
        self.do(c.CloseVote(sitting, "v1"))
        if close:
            self.do(c.CloseSitting(sitting))
        return sitting

    def publish(self, mid: str, days: int = 7) -> None:
        # Counted as the web UI counts a village's notices: with the State Council's calendar.
        self.do(c.PublishNotice(mid, self.today, days, DEMO_CONTACTS, "村民委员会", calendar=national()))

    def close_notice(self, mid: str) -> None:
        last = self.matter(mid).notice.period.last
        self.now = max(self.now, datetime.combine(last + timedelta(days=1), self.now.timetz()))
        self.do(c.CloseNotice(mid, self.today))

    def advance(self, mid: str) -> None:
        """One step forward along the happy path."""
        matter = self.matter(mid)
        kind = matter.step.kind
        if kind is StepKind.SITTING:
            self.hold_vote(mid)
        elif kind is StepKind.EXTERNAL_REVIEW:
            self.do(c.RecordTownshipReview(mid, True, "镇审〔2026〕1号", by="镇人民政府"))
        elif kind is StepKind.NOTICE:
            if matter.notice is None:
                self.publish(mid)
            self.close_notice(mid)
        elif kind is StepKind.IMPLEMENTATION:
            self.do(c.RecordProgress(mid, f"e{len(matter.progress) + 1}", self.today, "施工",
                                     100_00))
            self.do(c.CompleteImplementation(mid, self.today, "完成"))

    def to_stage(self, mid: str, stage: Stage, procedure: Procedure = STATUTORY) -> str:
        if mid not in self.state.matters:
            self.raise_matter(mid, procedure=procedure)
        if stage is Stage.REJECTED:
            self.hold_vote(mid, choice=Choice.OPPOSE)
        elif stage is Stage.WITHDRAWN:
            self.do(c.WithdrawMatter(mid, "不再需要", by="p0001"))
        while self.matter(mid).stage is not stage:
            self.advance(mid)
        return mid


def build_demo(ledger: Ledger, roster: Roster, start: datetime, secret: bytes = b"") -> Driver:
    """The demo village's matters, standing at different steps; one is finished.

    Starts at ``start`` and moves forward about four months. ``secret`` makes the receipts of its
    secret vote (the command line passes random bytes, so they cannot be worked out from names).
    """
    d = Driver(ledger, roster, start, secret)
    # Villagers' submissions (民情): told to a clerk at a bench meeting, or sent online.
    d.do(c.LodgeSubmission("q1", d.today, "村道晚上太黑，老人出门不方便，希望修好路灯。", Channel.CLERK,
                           recorded_by="p0003"))
    d.do(c.LodgeSubmission("q2", d.today, "三组的灌溉水渠年久失修，放水时漏得厉害。"))
    d.do(c.LodgeSubmission("q3", d.today, "村口垃圾桶经常满了没人清。"))
    d.do(c.AnswerSubmission("q3", d.today, "已与保洁员约定每天下午清运一次。", by="p0003"))
    # Finished: street lights, decided by a villagers' meeting with raised cards.
    d.raise_matter("lights", "修缮村道路灯", amount=8_600_000,
                   description="村民在板凳议事会上反映村道夜间照明不足。", plan="更换路灯42盏，预算8.6万元。")
    d.do(c.TakeUpSubmission("q1", "lights", d.today, by="p0001"))
    for _ in range(3):
        d.advance("lights")
    d.hold_vote("lights", cards=True, close=False)
    sitting = f"s{d.sittings}"
    d.do(c.RecordMinutes(sitting, "村委文书", "与会村民举牌表决路灯修缮方案，全程录像。",
                         ("主持人", "村委会主任"), "nas://demo/lights.mp4",
                         hashlib.sha256(b"demo lights recording").hexdigest()))
    d.do(c.CloseSitting(sitting))
    d.publish("lights")
    d.days(1)  # the first day of the period: a villager objects, the committee answers next day
    d.do(c.LodgeObjection("lights", "o1", d.today, "路灯选址是否覆盖三组？"))
    d.days(1)
    d.do(c.AnswerObjection("lights", "o1", d.today, "已覆盖三组主干道，异议不成立。", False,
                           by="p0009"))
    d.close_notice("lights")
    for entry, what, spent in (("e1", "采购路灯42盏", 5_200_000), ("e2", "安装调试", 3_100_000)):
        d.days(10)
        d.do(c.RecordProgress("lights", entry, d.today, what, spent))
    d.do(c.CompleteImplementation("lights", d.today, "路灯全部投入使用"))
    d.to_stage("lights", Stage.DONE)
    # In its resolution notice: a bridge repair decided by the representatives' meeting.
    d.raise_matter("bridge", "重建滩头组通组桥", PROCEDURES["representatives"], amount=35_000_000,
                   plan="原址重建钢筋混凝土桥，预算35万元，其中上级补助20万元。")
    d.to_stage("bridge", Stage.RESOLUTION)
    d.hold_vote("bridge", secret=True)
    d.publish("bridge")
    # Under review by the party members' meeting.
    d.raise_matter("channel", "修建灌溉水渠", amount=12_000_000, plan="新建水渠1.2公里。")
    d.do(c.TakeUpSubmission("q2", "channel", d.today, by="p0001"))
    d.to_stage("channel", Stage.REVIEW)
    # Just proposed.
    d.raise_matter("pavilion", "修建村口议事亭", amount=3_000_000)
    # Rejected by the two committees.
    d.raise_matter("hall", "翻建村委会办公楼", amount=90_000_000)
    d.advance("hall")
    d.hold_vote("hall", choice=Choice.OPPOSE)
    # Being carried out.
    d.raise_matter("columbarium", "建设公益性骨灰楼", PROCEDURES["representatives"],
                   amount=180_000_000)
    d.to_stage("columbarium", Stage.IMPLEMENTATION)
    d.do(c.RecordProgress("columbarium", "e1", d.today, "完成地基", 60_000_000))
    d.do(c.LodgeSubmission("q4", d.today, "希望村里每年组织一次老年人免费体检。", Channel.CLERK,
                           recorded_by="p0003"))
    return d


def convene_live(ledger: Ledger, roster: Roster, at: datetime, matter: str = "channel",
                 sitting: str = "live") -> str:
    """Convene the sitting the matter's step needs at ``at`` (not yet opened), with the
    supervisory committee's first two members as counter and scrutineer — ready to run in the hall.
    """
    from .roster import Committee

    m = ledger.state.matters[matter]
    rule = m.step.decides_by
    notice = at.date() - timedelta(days=(rule.notice_days or 0) + 1)
    ledger.handle(c.ConveneSitting(sitting, rule, roster.body(rule.body, at.date()), (matter,),
                                   at, notice, "村党群议事厅", by="p0001"), at)
    supervisors = sorted(roster.seated(Committee.SUPERVISORY, at.date()))
    ledger.handle(c.AppointTellers(sitting, (supervisors[0],), (supervisors[1],)), at)
    return sitting

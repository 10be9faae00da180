"""A small driver that carries matters through the procedure, for tests."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from deliberate import Ledger, Stage, rules
from deliberate import commands as c
from deliberate.procedure import STATUTORY, Procedure, StepKind
from deliberate.tally import Choice
from deliberate.testing import sample_roster

CST = timezone(timedelta(hours=8))
START = datetime(2026, 3, 2, 9, 0, tzinfo=CST)
ON = START.date()
ROSTER = sample_roster(adults=60, households=20, on=ON, party_full=12, party_probationary=2,
                       branch=5, village_committee=5, overlap=2, supervisory=3,
                       representatives=10)
CONTACTS = "村务监督委员会 0660-3300000"


class Village:
    """A ledger, a clock that only moves forward, and steps that drive a matter."""

    def __init__(self, village: str = "v", repository=None) -> None:
        self.ledger = Ledger(village, repository)
        self.now = START
        self.sittings = 0

    def tick(self, minutes: int = 1) -> datetime:
        self.now += timedelta(minutes=minutes)
        return self.now

    def days(self, n: int) -> None:
        self.now += timedelta(days=n)

    @property
    def today(self) -> date:
        return self.now.date()

    def do(self, command):
        return self.ledger.handle(command, self.tick())

    @property
    def state(self):
        return self.ledger.state

    def matter(self, mid: str):
        return self.state.matters[mid]

    def raise_matter(self, mid: str = "m1", procedure: Procedure = STATUTORY) -> str:
        self.do(c.RaiseMatter(mid, f"议题{mid}", procedure, by="p0001", plan="方案"))
        return mid

    def convene(self, mid: str, rule=None, *, sitting: str | None = None) -> str:
        matter = self.matter(mid)
        rule = rule or rules.preset(matter.step.rule)
        self.sittings += 1
        sitting = sitting or f"s{self.sittings}"
        meeting = self.now + timedelta(days=(rule.notice_days or 0) + 1)
        self.do(c.ConveneSitting(sitting, rule, ROSTER.body(rule.body, meeting.date()), (mid,),
                                 meeting, self.today, "议事厅", by="p0001"))
        return sitting

    def hold_vote(self, mid: str, *, choice: Choice = Choice.APPROVE, present: int | None = None,
                  secret: bool = False) -> str:
        """Convene a sitting of the body the step needs, check people in, vote, close."""
        sitting = self.convene(mid)
        s = self.state.sittings[sitting]
        voters = sorted(s.roster.voters)
        came = voters if present is None else voters[:present]
        self.days(s.rule.notice_days + 1 if s.rule.notice_days else 1)
        for person in came:
            self.do(c.CheckIn(sitting, person))
        self.do(c.OpenSitting(sitting, by="p0001"))
        if self.state.sittings[sitting].rule.decide(self.state.sittings[sitting].attendance(),
                                                    __import__("deliberate").Tally()).quorate:
            self.do(c.OpenVote(sitting, "v1", mid, "表决", secret=secret))
            for i, person in enumerate(came):
                self.do(c.CastBallot(sitting, "v1", person, choice,
                                     receipt=f"r-{sitting}-{i}" if secret else None))
            self.do(c.CloseVote(sitting, "v1"))
            self.do(c.CloseSitting(sitting))
        else:
            self.do(c.AdjournSitting(sitting, "不足法定人数"))
        return sitting

    def publish(self, mid: str, days: int = 7) -> None:
        self.do(c.PublishNotice(mid, self.today, days, CONTACTS, "村民委员会"))

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
            self.do(c.RecordTownshipReview(mid, True, "镇审〔2026〕1号", by="镇政府"))
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
            self.raise_matter(mid, procedure)
        if stage is Stage.REJECTED:
            self.hold_vote(mid, choice=Choice.OPPOSE)
        elif stage is Stage.WITHDRAWN:
            self.do(c.WithdrawMatter(mid, "不再需要", by="p0001"))
        while self.matter(mid).stage is not stage:
            self.advance(mid)
        return mid

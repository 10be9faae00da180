"""The state of a village's matters and sittings, as frozen values rebuilt from its record."""

from __future__ import annotations

import hashlib
import hmac
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum

from .bodies import Body
from .chronology import Dated
from .commands import Attachment
from .convening import Requisition, requisition
from .events import Receipt
from .i18n import DEFAULT_LANG, text
from .periods import WEEKENDS, HolidayCalendar, Period
from .pmap import PMap
from .procedure import Action, Procedure, SittingState, Stage, Step
from .roster import BodyRoster
from .rules.model import Rule
from .rules.outcome import Outcome
from .submission import Channel, SubmissionStatus
from .tally import Attendance, Choice, Tally
from .tracking import answer_by

__all__ = [
    "EMPTY",
    "Matter",
    "Minutes",
    "NoVote",
    "Notice",
    "Objection",
    "Progress",
    "Sitting",
    "StageMark",
    "StepStatus",
    "Submission",
    "TimelineStep",
    "VillageState",
    "Vote",
    "VoteResult",
    "change_code_digest",
]


class NoVote(Enum):
    """Why a person cannot vote in a sitting; the value is the refusal's message key, the same
    the core gives when such a ballot is cast."""

    NOT_IN_BODY = "err_not_in_body"  # not a member of the meeting's body
    NO_VOTE_RIGHT = "err_no_vote_right"  # a member without a vote (e.g. a probationary member)
    ABSENT = "err_absent"  # not checked in


@dataclass(frozen=True, slots=True)
class StageMark:
    """The matter entered ``stage`` at ``at`` by ``action``."""

    stage: Stage
    at: datetime
    action: Action
    reason: str | None = None


class StepStatus(Enum):
    DONE = "done"
    CURRENT = "current"
    TODO = "todo"


@dataclass(frozen=True, slots=True)
class TimelineStep:
    """One step of a matter's procedure and where the matter stands on it; ``reached`` is when it
    last entered the step on its way to where it is now (None for a step still to do)."""

    step: Step
    status: StepStatus
    reached: StageMark | None


@dataclass(frozen=True, slots=True)
class Notice:
    stage: Stage
    published_on: date
    period: Period
    contacts: str
    issued_by: str
    number: int  # 1 for the first notice of the matter, and so on
    # The day the record took the notice down (China Standard Time). The period that gates its
    # closing runs from this day when it is later than the posting: the public objects online
    # only from then on (see deliberate.chronology).
    recorded_on: date | None = None


@dataclass(frozen=True, slots=True)
class Objection:
    id: str
    notice: int  # the Notice.number it was lodged against
    stage: Stage
    lodged_on: date
    text: str
    answered_on: date | None = None
    answer: str | None = None
    upheld: bool | None = None
    by: str | None = None

    @property
    def pending(self) -> bool:
        return self.answered_on is None


@dataclass(frozen=True, slots=True)
class Progress:
    entry: str
    on: date
    description: str
    spent: int
    attachments: tuple[Attachment, ...]


@dataclass(frozen=True, slots=True)
class VoteResult:
    """A closed vote, as the record has it."""

    sitting: str
    vote: str
    matter: str
    stage: Stage
    body: Body
    rule: Rule
    motion: str
    secret: bool
    opened_at: datetime
    closed_at: datetime
    attendance: Attendance
    electronic: Tally
    cards: Tally | None
    counter: str | None
    scrutineer: str | None
    quorate: bool
    passed: bool
    action: Action
    ballots: tuple[Receipt, ...] = ()
    receipts_digest: str | None = None

    @property
    def tally(self) -> Tally:
        return self.electronic + self.cards if self.cards else self.electronic

    @property
    def outcome(self) -> Outcome:
        return self.rule.decide(self.attendance, self.tally)

    def explain(self, lang: str = DEFAULT_LANG) -> str:
        return self.outcome.explain(lang)

    def receipt(self, receipt: str) -> Choice | None:
        """The choice recorded under a secret-ballot ``receipt``, or None if there is none.

        The closing entry lists receipts sorted, so a voter can look theirs up on a public page.
        """
        i = bisect_left(self.ballots, receipt, key=lambda b: b.receipt)
        if i < len(self.ballots) and self.ballots[i].receipt == receipt:
            return self.ballots[i].choice
        return None


@dataclass(frozen=True, slots=True)
class RequisitionRecord:
    """A requisition to convene received about a matter: who signed, of how many who could."""

    id: str
    kind: str
    received_on: date
    signers: tuple[str, ...]
    eligible: int
    by: str

    @property
    def rule(self) -> Requisition:
        return requisition(self.kind)

    @property
    def required(self) -> int:
        return self.rule.required(self.eligible)

    @property
    def met(self) -> bool:
        """Whether it obliges the committee to convene (组织法 第21、26条)."""
        return self.rule.met(len(self.signers), self.eligible)

    def explain(self, lang: str = DEFAULT_LANG) -> str:
        """Who signed of how many, the threshold and its verdict, with the citation."""
        rule = self.rule
        return text("requisition_met" if self.met else "requisition_not_met", lang,
                    signers=len(self.signers), eligible=self.eligible, required=self.required,
                    body=rule.body.label(lang), citation=rule.citation.cited(lang))


@dataclass(frozen=True, slots=True)
class Matter:
    id: str
    title: str
    description: str
    procedure: Procedure
    stage: Stage
    plan: str
    origin: str
    amount: int | None
    raised_by: str
    history: tuple[StageMark, ...]
    notices: tuple[Notice, ...] = ()
    notice: Notice | None = None  # the notice of the current stage, once published
    objections: tuple[Objection, ...] = ()
    progress: tuple[Progress, ...] = ()
    results: tuple[VoteResult, ...] = ()
    sitting: str | None = None  # the open sitting that has it on its agenda
    voting: str | None = None  # the open vote on it, if any
    completed_on: date | None = None
    completion: str | None = None
    submissions: tuple[str, ...] = ()  # the villagers' submissions it took up
    # The dated fact that brought it to its current step (the decision, the notice's close,
    # completion, ...): no dated fact at this step may be earlier (deliberate.chronology).
    since: Dated | None = None
    requisitions: tuple[RequisitionRecord, ...] = ()

    @property
    def obliged_by(self) -> RequisitionRecord | None:
        """The first requisition received that met its threshold: the committee must convene."""
        return next((r for r in self.requisitions if r.met), None)

    @property
    def step(self) -> Step | None:
        return self.procedure.step(self.stage)

    @property
    def spent(self) -> int:
        """Money spent so far, in fen."""
        return sum(p.spent for p in self.progress)

    def steps_back(self, action: Action) -> list[Stage]:
        """The steps ``action`` (a return, an upheld objection, a township's refusal) may send the
        matter back to from where it stands, in the procedure's order; none if it may not."""
        allowed = self.procedure.table.get((self.stage, action), frozenset())
        return sorted(allowed, key=self.procedure.stages.index)

    def accepts_objections_on(self, day: date) -> bool:
        """Whether an objection lodged on ``day`` would be taken: the matter's step takes
        objections, its notice is up, and ``day`` falls in the notice's period (what the core
        checks when one is lodged, and what a page asks before offering the form)."""
        if self.notice is None or day not in self.notice.period:
            return False
        return (self.stage, Action.LODGE_OBJECTION) in self.procedure.table

    def timeline(self) -> tuple[TimelineStep, ...]:
        """The procedure's steps with where the matter stands on each — what every page draws.
        A matter sent back enters an earlier step again: the steps after it are to do once more,
        and each step done shows the last time the matter entered it (one rule for the clerk's
        page and the public one, which used to show the first date on one and the last on the
        other)."""
        order = {step.stage: i for i, step in enumerate(self.procedure.steps)}
        reached: dict[Stage, StageMark] = {}
        for mark in self.history:
            if mark.stage in order:
                for later in [s for s in reached if order[s] > order[mark.stage]]:
                    del reached[later]
            reached[mark.stage] = mark
        return tuple(TimelineStep(step,
                                  StepStatus.CURRENT if step.stage is self.stage
                                  else StepStatus.DONE if step.stage in reached else StepStatus.TODO,
                                  reached.get(step.stage))
                     for step in self.procedure.steps)

    def pending_objections(self) -> tuple[Objection, ...]:
        if self.notice is None:
            return ()
        return tuple(o for o in self.objections
                     if o.pending and o.notice == self.notice.number)

    def objection(self, id: str) -> Objection | None:
        for o in self.objections:
            if o.id == id:
                return o
        return None


@dataclass(frozen=True, slots=True)
class Minutes:
    at: datetime
    clerk: str
    summary: str
    speakers: tuple[str, ...]
    recording_ref: str | None
    recording_sha256: str | None


def change_code_digest(receipt: str, change_code: str) -> str:
    """What the record keeps of a secret ballot's change code: SHA-256 of receipt and code.

    The receipt salts it, so one digest tells nothing of another ballot's code. Its first 128
    bits are kept: far beyond what guessing a code (40 bits, through a form that counts tries)
    could reach, and half the bytes each ballot writes — a secret ballot rewrites its whole box
    (deliberate.store.box)."""
    return hashlib.sha256(f"{receipt}\n{change_code}".encode()).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class Vote:
    """An open vote. For a secret vote ``voters`` maps each participant to None: the state never
    links a person to a choice; the choices sit in ``box`` under their receipts."""

    id: str
    matter: str
    motion: str
    secret: bool
    opened_at: datetime
    voters: PMap[str, Choice | None] = field(default_factory=PMap)
    box: PMap[str, Choice] = field(default_factory=PMap)
    codes: PMap[str, str | None] = field(default_factory=PMap)  # receipt -> change-code digest
    electronic: Tally = Tally()  # noqa: RUF009 - a frozen value, safe to share
    cards: Tally | None = None  # a secret vote's: known here (kept apart), sealed in the record
    counter: str | None = None
    scrutineer: str | None = None  # set once the card count is confirmed
    counter_account: str | None = None
    scrutineer_account: str | None = None
    cards_seal: str | None = None  # a secret vote's: the seal in the record
    cards_nonce: str | None = None  # a secret vote's: what opens the seal at the close

    def ballot_of(self, receipt: str, change_code: str) -> Choice | None:
        """The choice recorded under ``receipt`` if ``change_code`` is the one given with it, else
        None: what a voter's page may show (the receipt alone shows nothing — it is published at
        the close and may be seen on a phone before)."""
        known = self.codes.get(receipt) if isinstance(receipt, str) else None
        if known is None or not isinstance(change_code, str) or not hmac.compare_digest(
                known, change_code_digest(receipt, change_code)):
            return None
        return self.box.get(receipt)

    @property
    def cards_sealed(self) -> bool:
        """Whether the card count is entered but must not be shown (a running secret vote)."""
        return self.secret and self.cards_seal is not None


@dataclass(frozen=True, slots=True)
class Sitting:
    id: str
    body: Body
    rule: Rule
    roster: BodyRoster
    agenda: tuple[str, ...]
    stages: tuple[Stage, ...]
    scheduled_for: datetime
    notice_date: date
    place: str
    convened_by: str
    convened_at: datetime
    state: SittingState = SittingState.CONVENED
    present: PMap[str, bool] = field(default_factory=PMap)
    voters_present: int = 0
    household_counts: PMap[str, int] = field(default_factory=PMap)
    returned: frozenset[str] = frozenset()  # excused members who came after all
    counters: tuple[str, ...] = ()
    scrutineers: tuple[str, ...] = ()
    results: tuple[VoteResult, ...] = ()
    minutes: tuple[Minutes, ...] = ()
    opened_at: datetime | None = None
    ended_at: datetime | None = None
    adjourn_reason: str | None = None

    @property
    def is_open(self) -> bool:
        return self.state in (SittingState.CONVENED, SittingState.IN_SESSION, SittingState.VOTING)

    def stage_for(self, matter: str) -> Stage:
        return self.stages[self.agenda.index(matter)]

    def why_cannot_vote(self, person: str) -> NoVote | None:
        """Why ``person`` may not vote here now, or None if they may."""
        roster = self.roster
        if person not in roster.attendees:
            return NoVote.NOT_IN_BODY
        if person not in roster.voters:
            return NoVote.NO_VOTE_RIGHT
        if person not in self.present:
            return NoVote.ABSENT
        return None

    def next_vote_id(self) -> str:
        """The id the sitting's next vote takes: ``v1``, ``v2``… in the order they are held."""
        return f"v{len(self.results) + 1}"

    def attendance(self) -> Attendance:
        """Expected and present voters now (and households, for a meeting that counts them)."""
        roster = self.roster
        expected = len(roster.expected) + len(self.returned)
        if roster.counts_households:
            return Attendance(expected, self.voters_present, roster.household_total,
                              len(self.household_counts), roster.members)
        return Attendance(expected, self.voters_present, members=roster.members)


@dataclass(frozen=True, slots=True)
class Submission:
    """A villager's need or opinion (民情) and where it stands; see :mod:`deliberate.submission`."""

    id: str
    received_on: date
    text: str
    channel: Channel
    recorded_by: str | None
    status: SubmissionStatus = SubmissionStatus.RECEIVED
    matter: str | None = None  # the matter it became, once taken up
    settled_on: date | None = None  # taken up or answered on
    answer: str | None = None
    by: str | None = None  # who took it up or answered it


@dataclass(frozen=True, slots=True)
class VillageState:
    """Matters and sittings by id; ``votes`` holds each sitting's open vote, if any.

    Open votes live beside their sittings rather than inside them so that a ballot copies only
    the small :class:`Vote`, not the whole sitting (see bench/ and docs/performance.md).
    """

    matters: PMap[str, Matter] = field(default_factory=PMap)
    sittings: PMap[str, Sitting] = field(default_factory=PMap)
    votes: PMap[str, Vote] = field(default_factory=PMap)
    submissions: PMap[str, Submission] = field(default_factory=PMap)
    last_at: datetime | None = None

    def open_vote(self, sitting: str) -> Vote | None:
        """The vote now open in ``sitting``, or None."""
        return self.votes.get(sitting)

    def votable_agenda(self, sitting: str) -> list[Matter]:
        """The matters of ``sitting``'s agenda that can be voted on now: those still at the step
        the sitting was convened for (one decided, returned or moved on cannot)."""
        found = self.sittings[sitting]
        return [self.matters[m] for m in found.agenda if self.matters[m].stage is found.stage_for(m)]

    def sittings_for(self, matter: str) -> list[Sitting]:
        """The sittings that had ``matter`` on their agenda, earliest first."""
        return sorted((s for s in self.sittings.values() if matter in s.agenda), key=lambda s: s.scheduled_for)

    def objections_due(self, answer_days: int, calendar: HolidayCalendar = WEEKENDS,
                       ) -> list[tuple[Matter, Objection, date]]:
        """Every objection awaiting its answer, with the day the answer is due (``answer_days``
        after it was lodged: the village's setting, counted with the village's ``calendar`` as
        :func:`deliberate.tracking.answer_by` counts it — a last day that rests moves to the next
        working day, 民法典 第二百零三条 — so the number the villager was given shows the same
        day), the most urgent first."""
        due = [(m, o, answer_by(o.lodged_on, answer_days, calendar)) for m in self.matters.values()
               for o in m.pending_objections()]
        return sorted(due, key=lambda item: (item[2], item[1].id))

    def latest_notice(self) -> Notice | None:
        """The notice published last, of any matter (its contacts are usually the next one's)."""
        return max((n for m in self.matters.values() for n in m.notices),
                   key=lambda n: n.published_on, default=None)

    def attachment_digests(self) -> frozenset[str]:
        """The SHA-256 of every file a progress entry names."""
        return frozenset(a.sha256 for m in self.matters.values() for p in m.progress
                         for a in p.attachments)


EMPTY = VillageState()

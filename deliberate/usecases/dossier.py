"""The dossier a township inspects (四议两公开 登记表 / 台账): one matter's every step, from the record,
ready to print — and the sign-in sheet (签到表) of one sitting.

Townships check villages on paper. The dossier of a matter lists each sitting that had it on its
agenda (its date and place, body, 应到 / 实到 and the share present, the rule applied with its
citation, each vote's result, the tellers), the township's reviews, each notice with its period and
the objections lodged and answered, the implementation and its spending, and the record's head at
the moment of printing — the checkpoint anyone can compare with the published log. Everything comes
from the record and the roster: nothing typed for the paper alone, so the paper cannot say what the
record does not. Names are printed (a sign-in sheet is signed by name in the hall); contacts, phone
numbers and ID numbers never are — the view-models carry none.

Shares are :class:`~fractions.Fraction`; the page writes them with :func:`deliberate.notice.percent`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction

from deliberate.bodies import Body
from deliberate.chronology import CHINA_TIME
from deliberate.composition import ComplianceFinding
from deliberate.events import CheckedIn
from deliberate.periods import Period
from deliberate.procedure import Stage, StepKind
from deliberate.record import Checkpoint
from deliberate.state import Matter, Minutes, Objection, Progress, Sitting, VoteResult
from deliberate.store import SqlRepository
from deliberate.store.people import person_names
from deliberate.store.roster import load_roster
from deliberate.tally import Attendance

from .common import Missing, sitting_of, village_name
from .roster import broken_composition

__all__ = ["Dossier", "NoticeRecord", "SignIn", "SignInRow", "SittingRecord", "TownshipReview", "Visit",
           "VoteRecord", "dossier", "share", "sign_in_sheet"]


def share(part: int, whole: int) -> Fraction | None:
    """``part`` of ``whole`` exactly (None when nobody was expected: no share to speak of)."""
    return Fraction(part, whole) if whole else None


@dataclass(frozen=True)
class VoteRecord:
    """One closed vote on the matter: the result as the record has it, the share present when it
    was taken, and the tellers who entered and confirmed its card count, by name."""

    result: VoteResult
    share_present: Fraction | None
    counter: str | None
    scrutineer: str | None

    @property
    def attendance(self) -> Attendance:
        return self.result.attendance


@dataclass(frozen=True)
class SittingRecord:
    """A sitting that had the matter on its agenda: the step it stood at, the attendance (at its
    first vote on the matter, or as it ended if none was held), the votes and the tellers."""

    sitting: Sitting
    stage: Stage
    attendance: Attendance
    share_present: Fraction | None
    votes: tuple[VoteRecord, ...]
    counters: tuple[str, ...]  # names of the tellers appointed (计票人)
    scrutineers: tuple[str, ...]  # names (监票人)
    minutes: tuple[Minutes, ...]
    # A representatives' meeting's composition rules broken on its day (组织法 第25条), for the
    # minutes the township reads; empty for another body or a lawful composition.
    composition: tuple[ComplianceFinding, ...] = ()


@dataclass(frozen=True)
class TownshipReview:
    """The township's review (乡镇审核) as recorded: its reference, who, and the result."""

    at: datetime
    approved: bool
    reference: str
    by: str
    to_stage: Stage


@dataclass(frozen=True)
class NoticeRecord:
    """A notice with its period and the objections lodged against it (and their answers). Not
    its contacts: the paper names no telephone number."""

    number: int
    stage: Stage
    published_on: date
    period: Period
    issued_by: str
    objections: tuple[Objection, ...]
    answered_by: tuple[str | None, ...]  # the answering member's name, objection by objection


@dataclass(frozen=True)
class Dossier:
    """One matter's record, printed for the township."""

    village: str
    village_name: str
    matter: Matter
    sittings: tuple[SittingRecord, ...]
    reviews: tuple[TownshipReview, ...]
    notices: tuple[NoticeRecord, ...]
    progress: tuple[Progress, ...]
    spent: int  # fen
    checkpoint: Checkpoint  # the record's head when the dossier was made

    @property
    def township_step(self) -> bool:
        """Whether the matter's procedure has the township review (乡镇审核) as a step."""
        return any(step.kind is StepKind.EXTERNAL_REVIEW for step in self.matter.procedure.steps)


def dossier(store: SqlRepository, village: str, matter: str) -> Dossier:
    """The dossier of ``matter``; Missing for a village or a matter that does not exist."""
    name = village_name(store, village)
    state, head = store.load(village)
    found = state.matters.get(matter)
    if found is None:
        raise Missing("err_unknown", kind="议题/matter", id=matter)
    names = person_names(store.engine, village)

    def named(person: str | None) -> str | None:
        return None if person is None else names.get(person, person)

    sittings = []
    held = state.sittings_for(matter)
    # Read once, and only if a representatives' meeting needs its composition checked.
    roster = (load_roster(store.engine, village)
              if any(s.body is Body.REPRESENTATIVES_MEETING for s in held) else None)
    for s in held:
        votes = tuple(VoteRecord(r, share(r.attendance.present, r.attendance.expected), named(r.counter),
                                 named(r.scrutineer)) for r in s.results if r.matter == matter)
        attendance = votes[0].attendance if votes else s.attendance()
        sittings.append(SittingRecord(s, s.stage_for(matter), attendance,
                                      share(attendance.present, attendance.expected), votes,
                                      tuple(names.get(p, p) for p in s.counters),
                                      tuple(names.get(p, p) for p in s.scrutineers), s.minutes,
                                      broken_composition(roster, s)))
    reviews = tuple(TownshipReview(ev.at, ev.approved, ev.reference, ev.by, ev.to_stage)
                    for ev in (e.event() for e in store.entries_of_type(village, "township_reviewed"))
                    if ev.matter == matter)
    notices = []
    for n in found.notices:
        lodged = tuple(o for o in found.objections if o.notice == n.number)
        notices.append(NoticeRecord(n.number, n.stage, n.published_on, n.period, n.issued_by, lodged,
                                    tuple(named(o.by) for o in lodged)))
    return Dossier(village, name, found, tuple(sittings), reviews, tuple(notices), found.progress,
                   found.spent, head)


@dataclass(frozen=True)
class Visit:
    """One stay in the hall: checked in (China time), and out (None: stayed to the end)."""

    checked_in: datetime
    checked_out: datetime | None


@dataclass(frozen=True)
class SignInRow:
    """One line of the sheet: a person who may attend, their household at a meeting that counts
    households, whether they vote or attend only (列席), and when they came and went."""

    number: int
    person: str
    name: str
    household: str | None  # the household's name in the roster (户 / 户主)
    household_id: str | None  # its number in the roster (户号): households may share a name
    votes: bool
    visits: tuple[Visit, ...]


@dataclass(frozen=True)
class SignIn:
    """The sign-in sheet of a sitting: every person who may attend, with the counts at its foot.
    ``present``: voters who checked in at any time; ``households_present`` likewise."""

    village: str
    village_name: str
    sitting: Sitting
    titles: tuple[str, ...]  # the matters on the agenda
    rows: tuple[SignInRow, ...]
    expected: int
    present: int
    households: int | None
    households_present: int | None

    @property
    def share_present(self) -> Fraction | None:
        return share(self.present, self.expected)


def sign_in_sheet(store: SqlRepository, village: str, sitting: str) -> SignIn:
    """The sign-in sheet of ``sitting``; Missing for a village or sitting that does not exist."""
    name = village_name(store, village)
    state, found = sitting_of(store, village, sitting)
    visits: dict[str, list[Visit]] = {}
    moves = [e.event() for kind in ("checked_in", "checked_out") for e in store.entries_of_type(village, kind)]
    for ev in sorted((ev for ev in moves if ev.sitting == sitting), key=lambda ev: ev.at):
        mine = visits.setdefault(ev.person, [])
        at = ev.at.astimezone(CHINA_TIME)
        if isinstance(ev, CheckedIn):
            mine.append(Visit(at, None))
        elif mine and mine[-1].checked_out is None:
            mine[-1] = Visit(mine[-1].checked_in, at)
    roster = found.roster
    names = person_names(store.engine, village)
    households = load_roster(store.engine, village).households if roster.counts_households else {}

    def household(person: str) -> str | None:
        if not roster.counts_households:
            return None
        home = roster.households.get(person)
        return households[home].name if home in households else home

    people = set(roster.attendees) | set(visits)
    # At a meeting that counts households, a household's members stand together on the sheet.
    order = sorted(people, key=lambda p: (household(p) or "", roster.households.get(p, ""), names.get(p, p), p))
    rows = tuple(SignInRow(i, p, names.get(p, p), household(p),
                           roster.households.get(p) if roster.counts_households else None,
                           p in roster.voters, tuple(visits.get(p, ()))) for i, p in enumerate(order, 1))
    came = {p for p in visits if p in roster.voters}
    expected = found.attendance().expected
    homes = {roster.households[p] for p in came if p in roster.households}
    return SignIn(village, name, found, tuple(state.matters[m].title for m in found.agenda if m in state.matters),
                  rows, expected, len(came), roster.household_total if roster.counts_households else None,
                  len(homes) if roster.counts_households else None)

"""What importing a roster file would do, shown before anything is written: who and how many,
on today's date, and what the village's roster already holds.

:func:`summarise` is the one place that counts, so the web page and ``deliberate roster import
--dry-run`` say the same thing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from deliberate.roster import PartyStatus, Person, Roster, Sex
from deliberate.store.roster_file import ParsedRoster, RowError

__all__ = ["GroupLine", "RosterPreview", "SamplePerson", "summarise"]

SAMPLE = 8  # people shown, so the clerk sees the columns were read as meant


@dataclass(frozen=True)
class GroupLine:
    """One villager group: its people, households and adults."""

    group: str | None
    people: int
    households: int
    adults: int


@dataclass(frozen=True)
class SamplePerson:
    name: str
    sex: Sex
    birth_date: date
    household: str  # its name (王五户)
    group: str | None
    adult: bool


@dataclass(frozen=True)
class RosterPreview:
    """What the file holds and what importing it would do, on ``on``.

    ``people``: the people the file would import, ``departed`` of them no longer villagers on
    ``on`` (迁出日期). ``errors``: rows refused (each with its number in the spreadsheet and the reasons); the counts
    are of the good rows only, which is what an import skipping the bad rows would write.
    ``added``/``updated``/``unchanged``: against the village's roster; ``absent``: villagers the
    roster has that the file does not name (an import never removes them). ``draft`` and
    ``digest``: the draft the web page confirms (None on the command line)."""

    on: date
    rows: int
    people: int
    departed: int
    households: int
    adults: int
    representatives: int
    party_full: int
    party_probationary: int
    seats: int
    groups: tuple[GroupLine, ...]
    sample: tuple[SamplePerson, ...]
    ignored: tuple[str, ...]
    skipped: tuple[RowError, ...]
    errors: tuple[RowError, ...]
    sheet: str | None
    header_line: int
    above: tuple[int, ...]
    id_numbers: int
    legacy_id_numbers: int
    derived_ids: bool
    households_inferred: bool
    added: int
    updated: int
    unchanged: int
    absent: int
    draft: str | None = None
    digest: str | None = None

    @property
    def refused(self) -> bool:
        """The file as a whole cannot be read (no header, a required column missing)."""
        return bool(self.errors) and not self.rows

    @property
    def importable(self) -> bool:
        """Some rows are good: importing (skipping the bad ones, if any) would write them."""
        return self.people > 0

    @property
    def doubles(self) -> bool:
        """The file adds people while people already on the roster are missing from it: the same
        villagers under new ids (a roster first imported with 编号, now a register without),
        who would then be counted twice."""
        return self.added > 0 and self.absent > 0


def _groups(parsed: ParsedRoster, adults: frozenset[str]) -> tuple[GroupLine, ...]:
    people: Counter[str | None] = Counter(p.group for p in parsed.people)
    grown: Counter[str | None] = Counter(p.group for p in parsed.people if p.id in adults)
    households: Counter[str | None] = Counter(h.group for h in parsed.households.values())
    # In the file's order (一组 before 二组, which no sort of the names gives).
    return tuple(GroupLine(g, people[g], households[g], grown[g]) for g in people)


def _compare(parsed: ParsedRoster, existing: Roster | None, on: date) -> tuple[int, int, int, int]:
    before: dict[str, Person] = dict(existing.people) if existing is not None else {}
    added = sum(p.id not in before for p in parsed.people)
    unchanged = sum(before.get(p.id) == p for p in parsed.people)
    named = {p.id for p in parsed.people}
    absent = sum(p.id not in named and p.is_villager(on) for p in before.values())
    return added, len(parsed.people) - added - unchanged, unchanged, absent


def summarise(parsed: ParsedRoster, on: date, existing: Roster | None = None, *, draft: str | None = None,
              digest: str | None = None) -> RosterPreview:
    """The preview of ``parsed`` on ``on``, against the village's roster ``existing`` (None: none).

    Adults are villagers aged 18 or more on ``on`` (年满十八周岁, 组织法 第13条; the 18th birthday
    counts); representatives, party members and seats are those in force on ``on``."""
    roster = Roster(parsed.people, parsed.households.values(), parsed.memberships, parsed.seats,
                    parsed.representations)
    adults = roster.adults(on)
    names = {h.id: h.name for h in parsed.households.values()}
    sample = tuple(SamplePerson(p.name, p.sex, p.birth_date, names.get(p.household, p.household), p.group,
                                p.id in adults) for p in parsed.people[:SAMPLE])
    return RosterPreview(
        on=on, rows=parsed.rows, people=len(parsed.people), departed=len(parsed.people) - len(roster.villagers(on)),
        households=len(parsed.households),
        adults=len(adults), representatives=len(roster.representatives(on)),
        party_full=len(roster.party_members(on, PartyStatus.FULL)),
        party_probationary=len(roster.party_members(on, PartyStatus.PROBATIONARY)),
        seats=sum(1 for s in roster.seats if s.start <= on and (s.end is None or on < s.end)),
        groups=_groups(parsed, adults), sample=sample, ignored=parsed.ignored, skipped=tuple(parsed.skipped),
        errors=tuple(parsed.errors), sheet=parsed.sheet, header_line=parsed.header_line, above=parsed.above,
        id_numbers=parsed.id_numbers, legacy_id_numbers=parsed.legacy_id_numbers, derived_ids=parsed.derived_ids,
        households_inferred=parsed.households_inferred, **dict(zip(("added", "updated", "unchanged", "absent"),
                                                                   _compare(parsed, existing, on), strict=True)),
        draft=draft, digest=digest)

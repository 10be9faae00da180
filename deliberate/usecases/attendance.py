"""Who is at a sitting, for a console that must stay usable with 1,500 people present (issue 11 §3):
the counts by villager group, a search that lists a few people rather than everyone, and the few
names a teller dropdown offers.

A console that listed every attendee grew to 600 KB at 1,500 present and pushed the chair's
controls off the screen; these functions answer with counts and a bounded list instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from deliberate.procedure import SittingState
from deliberate.store import SqlRepository
from deliberate.store.people import person_groups

from .common import sitting_of

__all__ = ["SHOWN", "WHOLE", "Attendance", "Attendee", "GroupCount", "attendance", "teller_choices"]

# At most this many people are listed by a search or offered in a teller dropdown: enough to pick
# from at a glance, few enough that the page stays small whatever the size of the village.
SHOWN = 30
# A sitting this small (a committee, a party members' meeting) offers every attendee in a dropdown.
WHOLE = 100


@dataclass(frozen=True)
class GroupCount:
    """One villager group's attendees and how many of them are present (``group`` None: people the
    roster puts in no group)."""

    group: str | None
    expected: int
    present: int


@dataclass(frozen=True)
class Attendee:
    person: str
    name: str
    group: str | None
    present: bool


@dataclass(frozen=True)
class Attendance:
    """The counts by group, and the people a search found — ``found`` holds at most
    :data:`SHOWN` of them, ``more`` says how many others matched."""

    groups: tuple[GroupCount, ...]
    expected: int
    present: int
    query: str
    group: str | None
    found: tuple[Attendee, ...]
    more: int
    listed: bool  # ``found`` answers a search (or lists a small sitting's attendees)
    checking_in: bool  # the sitting still takes check-ins and check-outs
    attending: int = 0  # those who attend without counting in 应到 (列席), and how many came
    attending_present: int = 0


def _group_order(group: str | None) -> tuple[bool, tuple[tuple[int, str], ...]]:
    """Groups in their natural order (2组 before 10组), the people in no group last."""
    parts = re.findall(r"\d+|\D+", group or "")
    return group is None, tuple((int(p), "") if p.isdigit() else (-1, p) for p in parts)


def _matches(query: str, person: str, name: str) -> bool:
    """A roster number typed in any case, or part of a name."""
    return query.casefold() in person.casefold() or query in name


def attendance(store: SqlRepository, village: str, sitting: str, *, query: str = "",
               group: str | None = None, only: str | None = None) -> Attendance:
    """The sitting's attendance by villager group, and the attendees that ``query`` (part of a name,
    or a roster number) and ``group`` pick out — by name, absent people first (the clerk is looking
    for who is missing more often than for who came). A sitting of at most :data:`SHOWN` lists
    everyone without a search; ``only``: just that attendee (the row a check-in changed)."""
    _, found = sitting_of(store, village, sitting)
    people = person_groups(store.engine, village)
    query = query.strip()
    counts: dict[str | None, list[int]] = {}
    picked = []
    listed = bool(query or group or only) or len(found.roster.attendees) <= SHOWN
    # Counted as the panel counts 应到 and 实到 (Sitting.attendance): the expected (with excused
    # members who came back) and the voters present; those who attend without counting — a
    # probationary party member, the supervisory committee at a two committees' meeting — are
    # listed and checked in, but counted apart (列席).
    counted = set(found.roster.expected) | set(found.returned)
    others = [0, 0]
    for person in found.roster.attendees:
        name, in_group = people.get(person, (person, None))
        here = person in found.present
        if person in counted:
            tally = counts.setdefault(in_group, [0, 0])
            tally[0] += 1
            tally[1] += here
        elif person in found.roster.voters:  # excused, not come back: in no count
            pass
        else:
            others[0] += 1
            others[1] += here
        if listed and (not query or _matches(query, person, name)) \
                and (group is None or in_group == group) and (only is None or person == only):
            picked.append(Attendee(person, name, in_group, here))
    picked.sort(key=lambda a: (a.present, a.name, a.person))
    groups = tuple(GroupCount(g, e, p) for g, (e, p) in sorted(counts.items(), key=lambda i: _group_order(i[0])))
    now = found.attendance()
    return Attendance(groups, now.expected, now.present, query, group,
                      tuple(picked[:SHOWN]), max(0, len(picked) - SHOWN), listed,
                      found.state in (SittingState.CONVENED, SittingState.IN_SESSION, SittingState.VOTING),
                      others[0], others[1])


def teller_choices(store: SqlRepository, village: str, sitting: str, query: str = "",
                   keep: Iterable[str] = ()) -> tuple[tuple[str, str], ...]:
    """The (person, name) a teller dropdown offers, by name: every attendee of a sitting of at most
    :data:`WHOLE`; of a larger one, those appointed now or chosen in the form (``keep``), then at
    most :data:`SHOWN` that ``query`` finds — the chair types part of a name or a number to narrow
    the list, rather than scrolling 1,500 names in each dropdown."""
    _, found = sitting_of(store, village, sitting)
    people = person_groups(store.engine, village)

    def named(persons: Iterable[str]) -> list[tuple[str, str]]:
        return sorted(((p, people.get(p, (p, None))[0]) for p in persons), key=lambda pn: (pn[1], pn[0]))

    attendees = found.roster.attendees
    if len(attendees) <= WHOLE:
        return tuple(named(attendees))
    appointed = (set(found.counters) | set(found.scrutineers) | set(keep)) & attendees
    query = query.strip()
    hits = named(p for p in attendees if p not in appointed and query
                 and _matches(query, p, people.get(p, (p, None))[0]))[:SHOWN]
    return tuple(named(appointed)) + tuple(hits)

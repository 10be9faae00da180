"""The village roster, and who counts for each body on a given day.

A :class:`Roster` knows people (birth date, sex, household, villager group, grid), party
membership (probationary from admission, full from the date of full membership), committee seats
and representatives. :meth:`Roster.body` answers, for a body and a meeting date, who is expected
(应到), who may vote, and who may attend without a vote — the snapshot a sitting is convened with.

>>> from datetime import date
>>> r = Roster(
...     people=[Person("p1", "王一", date(1960, 5, 1), Sex.MALE, "h1"),
...             Person("p2", "王二", date(2008, 6, 2), Sex.FEMALE, "h1")],
...     memberships=[PartyMembership("p1", admitted_on=date(1990, 1, 1), full_on=date(1991, 1, 1))])
>>> sorted(r.body(Body.VILLAGERS_MEETING, date(2026, 6, 1)).voters)   # p2 turns 18 on 2026-06-02
['p1']
>>> sorted(r.body(Body.VILLAGERS_MEETING, date(2026, 6, 2)).voters)
['p1', 'p2']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from types import MappingProxyType
from typing import Any

from .bodies import Body
from .errors import InvalidInput
from .i18n import DEFAULT_LANG, LANGS, check_lang
from .periods import add_years

__all__ = [
    "ADULT_AGE",
    "BodyRoster",
    "Committee",
    "Household",
    "Kinship",
    "PartyMembership",
    "PartyStatus",
    "Person",
    "Relation",
    "Representation",
    "Roster",
    "Seat",
    "Sex",
]

ADULT_AGE = 18  # 年满十八周岁 (组织法 第13、22条)


class Sex(Enum):
    MALE = "male"
    FEMALE = "female"


class PartyStatus(Enum):
    FULL = "full_member"  # 正式党员: votes
    PROBATIONARY = "probationary_member"  # 预备党员: attends, never votes


class Committee(Enum):
    BRANCH = "branch_committee"
    VILLAGE = "village_committee"
    SUPERVISORY = "supervisory_committee"

    def label(self, lang: str = DEFAULT_LANG) -> str:
        return _COMMITTEE_LABELS[self][LANGS.index(check_lang(lang))]


_COMMITTEE_LABELS = {
    Committee.BRANCH: ("村党组织委员会", "村黨組織委員會", "party branch committee"),
    Committee.VILLAGE: ("村民委员会", "村民委員會", "villagers' committee"),
    Committee.SUPERVISORY: ("村务监督委员会", "村務監督委員會", "village affairs supervisory committee"),
}


class Relation(Enum):
    """Close relatives (近亲属, 民法典 第1045条): ``a`` is the ``relation`` of ``b``."""

    SPOUSE = "spouse"
    PARENT = "parent"
    CHILD = "child"
    SIBLING = "sibling"
    GRANDPARENT = "grandparent"
    GRANDCHILD = "grandchild"

    def label(self, lang: str = DEFAULT_LANG) -> str:
        return _RELATION_LABELS[self][LANGS.index(check_lang(lang))]


_RELATION_LABELS = {
    Relation.SPOUSE: ("配偶", "配偶", "spouse"),
    Relation.PARENT: ("父母", "父母", "parent"),
    Relation.CHILD: ("子女", "子女", "child"),
    Relation.SIBLING: ("兄弟姐妹", "兄弟姐妹", "sibling"),
    Relation.GRANDPARENT: ("祖父母、外祖父母", "祖父母、外祖父母", "grandparent"),
    Relation.GRANDCHILD: ("孙子女、外孙子女", "孫子女、外孫子女", "grandchild"),
}


def _active(start: date, end: date | None, on: date) -> bool:
    return start <= on and (end is None or on < end)


@dataclass(frozen=True, slots=True)
class Person:
    """A villager. ``left_on``: the day they ceased to be a villager (moved away, died)."""

    id: str
    name: str
    birth_date: date
    sex: Sex
    household: str
    group: str | None = None
    grid: str | None = None
    collective_member: bool = True
    full_capacity: bool = True
    left_on: date | None = None

    def is_adult(self, on: date) -> bool:
        # The 18th birthday counts (第202条 gives 28 February for someone born on 29 February).
        return add_years(self.birth_date, ADULT_AGE) <= on

    def is_villager(self, on: date) -> bool:
        return self.birth_date <= on and (self.left_on is None or on < self.left_on)


@dataclass(frozen=True, slots=True)
class Household:
    id: str
    name: str
    group: str | None = None


@dataclass(frozen=True, slots=True)
class PartyMembership:
    """Probationary from ``admitted_on``; full from ``full_on`` (None: still probationary)."""

    person: str
    admitted_on: date
    full_on: date | None = None
    left_on: date | None = None

    def status_on(self, on: date) -> PartyStatus | None:
        if not _active(self.admitted_on, self.left_on, on):
            return None
        if self.full_on is not None and self.full_on <= on:
            return PartyStatus.FULL
        return PartyStatus.PROBATIONARY


@dataclass(frozen=True, slots=True)
class Seat:
    """A seat on a committee from ``start`` until (not including) ``end``."""

    person: str
    committee: Committee
    start: date
    end: date | None = None
    role: str = "委员"


@dataclass(frozen=True, slots=True)
class Representation:
    """A villagers' representative, and the households they represent."""

    person: str
    start: date
    end: date | None = None
    households: frozenset[str] = field(default_factory=frozenset)
    group: str | None = None


@dataclass(frozen=True, slots=True)
class Kinship:
    a: str
    b: str
    relation: Relation


@dataclass(frozen=True)
class BodyRoster:
    """Who counts for ``body`` on ``on``: the snapshot a sitting is convened with.

    ``expected``: 应到 (after any excused members are taken out). ``voters``: who may vote if present
    (``expected`` plus the excused, who count again if they come). ``attendees``: who may check in at
    all (voters, probationary party members, the supervisory committee). ``members``: everyone in the
    body, excused or not. ``households``: person → household, for a meeting that counts households.
    """

    body: Body
    on: date
    expected: frozenset[str]
    voters: frozenset[str]
    attendees: frozenset[str]
    members: int
    households: Mapping[str, str] = field(default_factory=dict)
    excused: frozenset[str] = field(default_factory=frozenset)
    group: str | None = None

    def __post_init__(self) -> None:
        for name in ("expected", "voters", "attendees", "excused"):
            object.__setattr__(self, name, frozenset(getattr(self, name)))
        object.__setattr__(self, "households", MappingProxyType(dict(self.households)))
        if not self.expected <= self.voters <= self.attendees:
            raise InvalidInput("err_bad_value", field="roster",
                               detail="expected ⊆ voters ⊆ attendees must hold")
        if self.excused & self.expected or not self.excused <= self.voters:
            raise InvalidInput("err_bad_value", field="excused",
                               detail="the excused are voters taken out of the expected")
        if type(self.members) is not int or self.members < len(self.expected):
            raise InvalidInput("err_bad_value", field="members",
                               detail="members cannot be fewer than expected")

    @property
    def counts_households(self) -> bool:
        return bool(self.households)

    @property
    def household_total(self) -> int:
        return len(set(self.households.values()))

    def to_data(self) -> dict[str, Any]:
        return {
            "body": self.body.value,
            "on": self.on.isoformat(),
            "expected": sorted(self.expected),
            "voters": sorted(self.voters - self.expected),
            "attendees": sorted(self.attendees - self.voters),
            "members": self.members,
            "households": dict(sorted(self.households.items())),
            "excused": sorted(self.excused),
            "group": self.group,
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> BodyRoster:
        expected = frozenset(data["expected"])
        voters = expected | frozenset(data["voters"])
        return cls(Body(data["body"]), date.fromisoformat(data["on"]), expected, voters,
                   voters | frozenset(data["attendees"]), data["members"],
                   dict(data["households"]), frozenset(data["excused"]), data.get("group"))


class Roster:
    """The people of one village and their roles, at any date."""

    def __init__(self, people: Iterable[Person], households: Iterable[Household] = (),
                 memberships: Iterable[PartyMembership] = (), seats: Iterable[Seat] = (),
                 representations: Iterable[Representation] = (),
                 kinships: Iterable[Kinship] = ()) -> None:
        self.people: Mapping[str, Person] = MappingProxyType(_unique(people, "person"))
        self.households: Mapping[str, Household] = MappingProxyType(_unique(households,
                                                                            "household"))
        self.memberships: tuple[PartyMembership, ...] = tuple(memberships)
        self.seats: tuple[Seat, ...] = tuple(seats)
        self.representations: tuple[Representation, ...] = tuple(representations)
        self.kinships: tuple[Kinship, ...] = tuple(kinships)
        for ref in (*self.memberships, *self.seats, *self.representations):
            self._known(ref.person)
        for k in self.kinships:
            self._known(k.a)
            self._known(k.b)

    def _known(self, person: str) -> None:
        if person not in self.people:
            raise InvalidInput("err_bad_value", field="person", detail=f"unknown person {person!r}")

    def villagers(self, on: date) -> frozenset[str]:
        return frozenset(p.id for p in self.people.values() if p.is_villager(on))

    def adults(self, on: date, group: str | None = None) -> frozenset[str]:
        return frozenset(p.id for p in self.people.values()
                         if p.is_villager(on) and p.is_adult(on)
                         and (group is None or p.group == group))

    def party_members(self, on: date, status: PartyStatus) -> frozenset[str]:
        return frozenset(m.person for m in self.memberships
                         if m.status_on(on) is status and self.people[m.person].is_villager(on))

    def seated(self, committee: Committee, on: date) -> frozenset[str]:
        return frozenset(s.person for s in self.seats
                         if s.committee is committee and _active(s.start, s.end, on))

    def representatives(self, on: date) -> tuple[Representation, ...]:
        return tuple(r for r in self.representations if _active(r.start, r.end, on))

    def close_relatives(self, person: str) -> dict[str, Relation]:
        """Everyone recorded as a close relative of ``person`` (the relation read from them)."""
        out: dict[str, Relation] = {}
        for k in self.kinships:
            if k.a == person:
                out[k.b] = k.relation
            elif k.b == person:
                out[k.a] = k.relation
        return out

    def body(self, body: Body, on: date, *, group: str | None = None,
             excused: Iterable[str] = ()) -> BodyRoster:
        """Who is expected, who votes and who may attend a sitting of ``body`` on ``on``."""
        excused = frozenset(excused)
        supervisory = self.seated(Committee.SUPERVISORY, on)
        households: dict[str, str] = {}
        if body is Body.VILLAGER_GROUP_MEETING and group is None:
            raise InvalidInput("err_bad_value", field="group",
                               detail="a villager group meeting needs its group")
        if body in (Body.VILLAGERS_MEETING, Body.VILLAGER_GROUP_MEETING):
            members = self.adults(on, group if body is Body.VILLAGER_GROUP_MEETING else None)
            households = {p: self.people[p].household for p in members}
            extra = frozenset()
        elif body is Body.COLLECTIVE_MEMBERS_MEETING:
            members = frozenset(p for p in self.adults(on) if self.people[p].collective_member
                                and self.people[p].full_capacity)
            extra = supervisory
        elif body is Body.PARTY_MEMBERS_MEETING:
            members = self.party_members(on, PartyStatus.FULL)
            extra = self.party_members(on, PartyStatus.PROBATIONARY) | supervisory
        elif body is Body.REPRESENTATIVES_MEETING:
            members = (self.seated(Committee.VILLAGE, on)
                       | {r.person for r in self.representatives(on)})
            extra = supervisory | self.seated(Committee.BRANCH, on)
        elif body is Body.BRANCH_COMMITTEE:
            members = self.seated(Committee.BRANCH, on)
            extra = supervisory
        elif body is Body.TWO_COMMITTEES:
            # A person on both committees counts once: sets, not lists.
            members = self.seated(Committee.BRANCH, on) | self.seated(Committee.VILLAGE, on)
            extra = supervisory
        else:  # pragma: no cover - Body is closed
            raise InvalidInput("err_bad_value", field="body", detail=repr(body))
        if not excused <= members:
            raise InvalidInput("err_bad_value", field="excused",
                               detail=f"not members: {sorted(excused - members)}")
        return BodyRoster(body, on, members - excused, members, members | extra, len(members),
                          households, excused, group)


def _unique(items: Iterable[Any], kind: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in items:
        if item.id in out:
            raise InvalidInput("err_bad_value", field=kind, detail=f"duplicate id {item.id!r}")
        out[item.id] = item
    return out

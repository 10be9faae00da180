"""Following up what a villager lodged: the number each submission (民情) and objection (异议) is
given, the day its answer is due, and the page that looks one up by its number.

Numbers come from the record (:mod:`deliberate.tracking`): the lodgings in the order the log took
them down, so a number never changes and anyone holding the public log can recompute it. What a
lookup returns is what the public pages already show — the text, the dates, the status and the
answer — never the name or contact kept beside the log (:mod:`deliberate.store.private`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

from deliberate.chronology import local_date
from deliberate.profiles import Profile
from deliberate.record import Entry
from deliberate.state import VillageState
from deliberate.store import SqlRepository
from deliberate.tracking import Kind, TrackingNumber, answer_by, assign_numbers, parse_number

from .common import state_of
from .settings import village_profile

__all__ = ["Tracked", "TrackingLookup", "TrackingMiss", "look_up", "numbers", "tracked"]

_TYPES = {"submission_lodged": Kind.SUBMISSION, "objection_lodged": Kind.OBJECTION}


def _key(kind: Kind, payload: Mapping[str, Any]) -> str:
    if kind is Kind.SUBMISSION:
        return f"submission/{payload['submission']}"
    return f"objection/{payload['matter']}/{payload['objection']}"


def _lodgings(store: SqlRepository, village: str) -> list[tuple[Entry, Kind]]:
    found = [(e, kind) for type_, kind in _TYPES.items() for e in store.entries_of_type(village, type_)]
    return sorted(found, key=lambda item: item[0].height)


def numbers(store: SqlRepository, village: str) -> dict[str, TrackingNumber]:
    """Every number given in ``village``, by ``submission/<id>`` or ``objection/<matter>/<id>``."""
    return assign_numbers((_key(kind, e.payload), local_date(datetime.fromisoformat(e.time)))
                          for e, kind in _lodgings(store, village))


@dataclass(frozen=True)
class Tracked:
    """A submission or objection as its number's page shows it: public facts only."""

    number: TrackingNumber
    kind: Kind
    id: str
    lodged_on: date
    answer_by: date
    text: str
    answered_on: date | None
    answer: str | None
    matter: str | None  # the matter it was lodged against (objection) or became (submission)
    matter_title: str | None
    taken_up: bool = False  # a submission taken up as a matter (its answer is the matter itself)
    upheld: bool | None = None  # an objection's verdict, once answered

    @property
    def settled(self) -> bool:
        return self.answered_on is not None


class TrackingMiss(Enum):
    """Why a number typed on the lookup page found nothing; the value is the message's key."""

    SHAPE = "tracking_shape"  # not a number of ours at all
    NONE_THAT_YEAR = "tracking_none_that_year"  # this village gave no number in that year
    BEYOND = "tracking_beyond"  # that year's numbers stop before it


@dataclass(frozen=True)
class TrackingLookup:
    typed: str
    found: Tracked | None
    miss: TrackingMiss | None
    last: TrackingNumber | None = None  # the year's last number, to say where they stop


def _tracked(state: VillageState, key: str, number: TrackingNumber, profile: Profile) -> Tracked | None:
    days, calendar = profile.objection_answer_days, profile.calendar  # the village's days and calendar
    kind, _, rest = key.partition("/")
    if kind == Kind.SUBMISSION.value:
        q = state.submissions.get(rest)
        if q is None:
            return None
        matter = state.matters.get(q.matter) if q.matter else None
        return Tracked(number, Kind.SUBMISSION, q.id, q.received_on,
                       answer_by(q.received_on, days, calendar),  # from the day the villager raised it
                       q.text, q.settled_on, q.answer, q.matter, matter.title if matter else None,
                       taken_up=q.matter is not None)
    matter_id, _, objection = rest.partition("/")
    m = state.matters.get(matter_id)
    o = m.objection(objection) if m else None
    if m is None or o is None:
        return None
    return Tracked(number, Kind.OBJECTION, o.id, o.lodged_on, answer_by(o.lodged_on, days, calendar), o.text,
                   o.answered_on, o.answer, m.id, m.title, upheld=o.upheld)


def look_up(store: SqlRepository, village: str, typed: str, state: VillageState | None = None) -> TrackingLookup:
    """The submission or objection numbered ``typed`` in ``village``, or why there is none."""
    wanted = parse_number(typed)
    if wanted is None:
        return TrackingLookup(typed, None, TrackingMiss.SHAPE)
    given = numbers(store, village)
    for key, number in given.items():
        if number == wanted:
            found = _tracked(state or state_of(store, village), key, number,
                             village_profile(store, village))
            if found is not None:
                return TrackingLookup(typed, found, None)
    that_year = [n for n in given.values() if n.year == wanted.year]
    if not that_year:
        return TrackingLookup(typed, None, TrackingMiss.NONE_THAT_YEAR)
    return TrackingLookup(typed, None, TrackingMiss.BEYOND, max(that_year))


def tracked(store: SqlRepository, village: str, key: str) -> Tracked | None:
    """What was just lodged under ``key`` (``submission/<id>`` or ``objection/<matter>/<id>``),
    with its number and due date: what the villager is shown right after lodging it."""
    number = numbers(store, village).get(key)
    if number is None:
        return None
    return _tracked(state_of(store, village), key, number, village_profile(store, village))

"""The projections' dispatch: every event class is either projected or said not to be, and why."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from deliberate import events
from deliberate.events import EVENT_TYPES, PRIVATE_EVENTS
from deliberate.store.models import BallotRow
from deliberate.store.projections import NOT_PROJECTED, PROJECTED, PROJECTIONS


def _event_classes() -> set[type]:
    """The event classes deliberate.events defines: its dataclasses that happen at a time ``at``."""
    return {cls for cls in vars(events).values()
            if isinstance(cls, type) and dataclasses.is_dataclass(cls) and cls.__module__ == events.__name__
            and "at" in {f.name for f in dataclasses.fields(cls)}}


def _undecided(classes: set[type]) -> list[str]:
    """Event classes neither projected nor listed as not projected — or both."""
    return sorted(cls.__name__ for cls in classes if (cls in PROJECTED) == (cls in NOT_PROJECTED))


def test_every_event_class_is_projected_or_listed_with_a_reason():
    classes = _event_classes()
    assert classes == set(EVENT_TYPES.values())  # the record's table of types names every one
    assert _undecided(classes) == []
    assert set(PROJECTED) | set(NOT_PROJECTED) == classes  # and nothing that is not an event
    assert all(isinstance(why, str) and len(why) > 20 for why in NOT_PROJECTED.values())


def test_a_new_event_class_is_undecided_until_someone_decides():
    @dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
    class PetitionSigned:
        at: datetime
        petition: str

    assert _undecided({*_event_classes(), PetitionSigned}) == ["PetitionSigned"]


def test_private_events_never_reach_the_projections():
    assert set(NOT_PROJECTED) >= PRIVATE_EVENTS


def test_the_ballot_projection_is_all_that_is_kept():
    """The one table something other than a test relies on: its key is the database's guard of
    one person one ballot (tests/test_store.py performs the duplicate insert it refuses)."""
    assert tuple(PROJECTIONS) == (BallotRow,)
    assert {cls.__name__ for cls, p in PROJECTED.items() if p.table is BallotRow} == {"BallotCast", "TookPart"}
    key = [c.name for c in BallotRow.__table__.primary_key.columns]
    assert key == ["village", "sitting", "vote", "voter"]

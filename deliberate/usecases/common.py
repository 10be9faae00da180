"""What every use case shares: running a command on a village's record, and not finding things.

A use case takes the store (:class:`~deliberate.store.SqlRepository`) and plain values, and
returns plain values: it knows no web framework and no command line, so the web UI, the command
line and a village-affairs platform that imports deliberate run the same code.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from deliberate.errors import NotFound
from deliberate.ledger import Ledger
from deliberate.state import VillageState
from deliberate.store import SqlRepository, address, is_database_error

__all__ = ["Missing", "NotFound", "address", "handle", "is_database_error", "sitting_of", "state_of", "village_name"]


class Missing(NotFound):
    """The village, sitting or matter a request names does not exist (a web page: 404) — as
    opposed to a command that names something missing, which the core refuses with NotFound."""


def handle(store: SqlRepository, village: str, command: Any, at: datetime) -> None:
    """Decide and record ``command``; a refusal raises its typed error and changes nothing."""
    Ledger(village, store).handle(command, at)


def state_of(store: SqlRepository, village: str) -> VillageState:
    """The village's state (the store's cache, caught up with what others appended)."""
    return store.load(village)[0]


def village_name(store: SqlRepository, village: str) -> str:
    """The village's name; NotFound for an id no village has."""
    name = store.village_name(village)
    if name is None:
        raise Missing("err_unknown", kind="村/village", id=village)
    return name


def sitting_of(store: SqlRepository, village: str, sitting: str) -> tuple[VillageState, Any]:
    """(state, sitting); NotFound for a sitting the village does not have."""
    state = state_of(store, village)
    found = state.sittings.get(sitting)
    if found is None:
        raise Missing("err_unknown", kind="会议/sitting", id=sitting)
    return state, found

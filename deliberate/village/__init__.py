"""Deciding and applying: ``decide(state, command, now) -> events``, ``evolve(state, event) -> state``.

``decide`` is where every rule of the procedure is enforced. It first looks the (stage, action) or
(sitting state, action) pair up in :mod:`deliberate.procedure`'s tables — a missing pair raises
:class:`~deliberate.errors.IllegalAction` naming both — and then checks the guards that depend on
the facts: the body, the notice, the quorum, who may vote, whether counts exceed those present.
It never changes anything: a refused command leaves the state exactly as it was. ``evolve`` applies
an accepted event and trusts it; ``replay`` folds a whole record.

The package is split by concern; each module holds its deciders (named for the command they
decide) beside the appliers of the events they cause (named for the event), and ends with its two
tables, which this module joins into one dispatch table each, looked up by the command's or the
event's class:

- :mod:`.matters` — raising, amending, returning, withdrawing a matter; the township's review.
- :mod:`.sittings` — convening, check-in and check-out, tellers, opening, minutes, closing.
- :mod:`.votes` — opening a vote, ballots open and secret, card counts, closing a vote.
- :mod:`.notices` — public notices, objections, the implementation's progress and completion.
- :mod:`.submissions` — villagers' submissions, taken up or answered.
- :mod:`.checks` — the input checks and lookups every decider shares.

>>> from datetime import datetime, timezone
>>> from deliberate.commands import RaiseMatter
>>> from deliberate.procedure import STATUTORY
>>> now = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)
>>> events = decide(EMPTY, RaiseMatter("m1", "修建骨灰楼", STATUTORY, by="支部书记"), now)
>>> state = evolve(EMPTY, events[0])
>>> state.matters["m1"].stage
<Stage.PROPOSAL: 'proposal'>
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any

from .. import events as e
from ..errors import InvalidInput
from ..state import EMPTY, VillageState, change_code_digest
from ..values import updated as replace
from . import matters, notices, requisitions, sittings, submissions, votes
from .checks import Applier, Decider, aware
from .votes import TellerRole, card_seal, receipts_digest

__all__ = ["EMPTY", "TellerRole", "VillageState", "card_seal", "chained", "change_code_digest", "decide", "evolve",
           "receipts_digest", "replay"]


def _joined(tables: Iterable[Mapping[type, Any]]) -> dict[type, Any]:
    joined: dict[type, Any] = {}
    for table in tables:
        twice = joined.keys() & table.keys()
        if twice:  # two modules deciding one command would make the outcome depend on import order
            raise TypeError(f"handled twice: {sorted(k.__name__ for k in twice)}")
        joined.update(table)
    return joined


_CONCERNS = (matters, sittings, votes, notices, submissions, requisitions)
# The dispatch tables, one entry per command and per event class. decide and evolve read these
# dicts directly: they are on the path of every ballot, and a lookup is all dispatch may cost.
_DECIDERS: dict[type, Decider] = _joined(m.DECIDERS for m in _CONCERNS)
_APPLIERS: dict[type, Applier] = _joined(m.APPLIERS for m in _CONCERNS)
# Read-only views of the same tables, for tests and tools (the totality test checks them).
DECIDERS: Mapping[type, Decider] = MappingProxyType(_DECIDERS)
APPLIERS: Mapping[type, Applier] = MappingProxyType(_APPLIERS)

_PRIVATE = e.PRIVATE_EVENTS


def decide(state: VillageState, command: Any, now: datetime) -> tuple[Any, ...]:
    """The events ``command`` causes, or a typed error; ``state`` is never changed.

    An empty tuple means the command was accepted and changes nothing (a repeated ballot).
    """
    aware(now)
    decider = _DECIDERS.get(type(command))
    if decider is None:
        raise InvalidInput("err_bad_value", field="command", detail=type(command).__name__)
    return decider(state, command, now)


def evolve(state: VillageState, event: Any) -> VillageState:
    """The state after ``event``. Events are facts: evolve trusts them and never refuses."""
    new = _APPLIERS[type(event)](state, event)
    return new if type(event) in _PRIVATE else replace(new, last_at=event.at)


def replay(events: Iterable[Any], state: VillageState = EMPTY) -> VillageState:
    """Fold ``events`` into a state (from the empty village by default)."""
    appliers = _APPLIERS
    last = state.last_at
    for event in events:
        kind = type(event)
        state = appliers[kind](state, event)
        if kind not in _PRIVATE:
            last = event.at
    return replace(state, last_at=last) if last is not state.last_at else state


def apply_event(state: VillageState, event: Any) -> VillageState:
    """``event`` applied, leaving the record's clock to the caller (a store replaying entries it
    has checked one by one keeps the time itself, as :func:`replay` does)."""
    return _APPLIERS[type(event)](state, event)


def restore_private(state: VillageState, events: Iterable[Any]) -> VillageState:
    """``state`` with the private events kept apart from the chain (each the latest for its
    receipt, or for its vote's card count) applied to the votes still open; those of closed votes
    are already in their closing entries. Order does not matter, and the record's clock does not
    move."""
    appliers = _APPLIERS
    for event in events:
        vote = state.votes.get(event.sitting)
        if vote is not None and vote.id == event.vote:
            state = appliers[type(event)](state, event)
    return state


def chained(event: Any) -> bool:
    """Whether ``event`` goes into the hash chain. Secret ballots and a secret vote's card count
    are kept apart from it — and carry no time into the record: the record's clock (``last_at``)
    moves only with chained events, so nothing stored dates a secret ballot."""
    return type(event) not in _PRIVATE

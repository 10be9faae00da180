"""The use case every front end shares: handle a command against a village's record.

:class:`Ledger` holds the village for writing, asks :func:`~deliberate.village.decide` on its
latest state, turns the events into chained entries, and appends them with the state they lead
to, all before anyone else may write — so no acknowledged command is lost and none is applied
twice. The web UI and the command line call this, never ``decide`` directly.

>>> from datetime import datetime, timezone
>>> from deliberate.commands import RaiseMatter
>>> from deliberate.procedure import STATUTORY
>>> ledger = Ledger("jinding")
>>> now = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)
>>> [e.type for e in ledger.handle(RaiseMatter("m1", "修建公益性骨灰楼", STATUTORY, by="书记"), now)]
['matter_raised']
>>> ledger.verify().ok, ledger.checkpoint.height
(True, 1)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from .errors import ConcurrencyConflict, InvalidInput
from .record import Checkpoint, Entry, Verification, events_of, next_entry, verify
from .repository import InMemoryRepository, Repository
from .state import VillageState
from .village import chained, decide, replay

__all__ = ["CLOCK_SKEW", "Ledger"]

_RETRIES = 20
CLOCK_SKEW = timedelta(minutes=2)  # how far behind the record a command's time may be


class Ledger:
    """One village's record, behind a repository."""

    def __init__(self, village: str, repository: Repository | None = None) -> None:
        if not isinstance(village, str) or not village.strip():
            raise InvalidInput("err_empty", field="village")
        self.village = village
        self.repository: Repository = repository if repository is not None else InMemoryRepository()

    @property
    def state(self) -> VillageState:
        return self.repository.load(self.village)[0]

    @property
    def checkpoint(self) -> Checkpoint:
        return self.repository.load(self.village)[1]

    def handle(self, command: Any, now: datetime) -> tuple[Entry, ...]:
        """Decide ``command`` at ``now`` and record what it causes; return the new entries.

        A refused command raises its typed error and records nothing. A command accepted with
        nothing to record (a repeated identical ballot) returns ``()``.
        """
        for _ in range(_RETRIES):
            try:
                with self.repository.writing(self.village) as writer:
                    state, head = writer.state, writer.head
                    at = now
                    if state.last_at is not None and isinstance(now, datetime) and now.tzinfo \
                            and now < state.last_at:
                        # Several workers read the clock before queuing for the village: one that
                        # waited behind another carries a moment-earlier time. The record's time
                        # never goes back, so it takes the record's latest; a clock far behind is
                        # an error, not a queue.
                        if state.last_at - now > CLOCK_SKEW:
                            raise InvalidInput("err_time_backwards",
                                               last=state.last_at.isoformat())
                        at = state.last_at
                    events = decide(state, command, at)
                    if not events:
                        return ()
                    entries, private, tip = [], [], head
                    for event in events:
                        if chained(event):
                            entry = next_entry(tip, event)
                            entries.append(entry)
                            tip = entry.checkpoint
                        else:
                            private.append(event)
                    writer.append(entries, private, replay(events, state))
                    return tuple(entries)
            except ConcurrencyConflict:
                continue  # a repository without locks lost a race: decide again
        # Twenty lost races in a row: the chain is too busy; the caller may try again later.
        raise ConcurrencyConflict("err_conflict", expected=head.height,
                                  actual=self.repository.load(self.village)[1].height)

    def entries(self, start: int = 1) -> Iterator[Entry]:
        return self.repository.entries(self.village, start)

    def verify(self, checkpoint: Checkpoint | None = None) -> Verification:
        return verify(self.entries(), checkpoint)

    def rebuild(self) -> VillageState:
        """The state replayed from the chain and the private ballots; it equals :attr:`state`.

        A closed vote's entry carries its tally, so only the ballots of votes still open are
        applied from the ballot box, after the chain, in the order they were cast.
        """
        state = replay(events_of(self.entries()))
        last = state.last_at
        for ballot in self.repository.private_events(self.village):
            vote = state.votes.get(ballot.sitting)
            if vote is not None and vote.id == ballot.vote:
                state = replay((ballot,), state)
            if last is None or ballot.at > last:
                last = ballot.at
        return replace(state, last_at=last)

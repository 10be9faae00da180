"""The use case every front end shares: handle a command against a village's record.

:class:`Ledger` decides a command on the village's latest state, turns the events into chained
entries, hands them to its repository with the state they lead to, and decides again when the
repository reports that another writer got there first. That is all it does: how writers wait
for one another — locks, an optimistic check, several commands in one transaction — is the
repository's (:mod:`deliberate.repository`; on a database, :mod:`deliberate.store.writer`). The
web UI and the command line call this, never ``decide`` directly.

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

from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

from .errors import ConcurrencyConflict, InvalidInput
from .record import Checkpoint, Entry, Verification, events_of, next_entry, verify
from .repository import Change, Decision, InMemoryRepository, Repository
from .state import VillageState
from .village import chained, decide, replay, restore_private

__all__ = ["CLOCK_SKEW", "Ledger"]

_RETRIES = 20
CLOCK_SKEW = timedelta(minutes=2)  # how far behind the record a command's time may be


def _time(state: VillageState, now: Any) -> Any:
    """The time a command is recorded at: ``now``, or the record's latest when ``now`` is a
    moment behind it.

    Several workers read the clock before queuing for the village: one that waited behind
    another carries a moment-earlier time. The record's time never goes back, so it takes the
    record's latest; a clock far behind is an error, not a queue.
    """
    if state.last_at is not None and isinstance(now, datetime) and now.tzinfo \
            and now < state.last_at:
        if state.last_at - now > CLOCK_SKEW:
            raise InvalidInput("err_time_backwards", last=state.last_at.isoformat())
        return state.last_at
    return now


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

    def handle(self, command: Any, now: datetime, *, side: Sequence[Any] = ()) -> tuple[Entry, ...]:
        """Decide ``command`` at ``now`` and record what it causes; return the new entries.

        A refused command raises its typed error and records nothing. A command accepted with
        nothing to record (a repeated identical ballot) returns ``()``. Each command is decided
        on the state the commands before it left, exactly as if they had come one by one, and
        its caller hears of it only once it is durable. ``side``: records to keep beside the
        record in the same transaction, only if the command is accepted (see
        :class:`~deliberate.repository.Change`).
        """
        return self.handle_together((command,), now, side=side)

    def handle_together(self, commands: Sequence[Any], now: datetime, *,
                        side: Sequence[Any] = ()) -> tuple[Entry, ...]:
        """Decide ``commands`` in order, each on the state the one before it left, and record all
        they cause in one transaction — or, if any is refused, raise its error and record none
        (e.g. raising a matter and taking up the villager's submission it came from)."""
        decision = self.decision(tuple(commands), now, side=tuple(side))
        last: ConcurrencyConflict | None = None
        try:
            for _ in range(_RETRIES):
                try:
                    return self.repository.write(self.village, decision)
                except ConcurrencyConflict as conflict:
                    last = conflict  # another writer appended first: decide again on its state
            # Twenty lost races in a row: the chain is too busy; the caller may try again later.
            raise last  # type: ignore[misc]
        finally:
            last = None  # the conflict's traceback holds this frame: no cycle for the collector

    @staticmethod
    def decision(commands: Any, now: datetime, *, side: tuple[Any, ...] = ()) -> Decision:
        """``commands`` (one, or a tuple decided in order) at ``now`` as the repository calls
        them: the change they cause on a state and head (see
        :data:`deliberate.repository.Decision`). Pure; a refusal raises."""
        batch = commands if isinstance(commands, tuple) else (commands,)

        def decided(state: VillageState, head: Checkpoint) -> Change:
            entries: list[Entry] = []
            private: list[Any] = []
            for command in batch:
                events = decide(state, command, _time(state, now))
                for event in events:
                    if chained(event):
                        entry = next_entry(head, event)
                        entries.append(entry)
                        head = entry.checkpoint
                    else:
                        private.append(event)
                if events:
                    state = replay(events, state)
            return Change(tuple(entries), tuple(private), state, side if entries or private else ())

        return decided

    def entries(self, start: int = 1) -> Iterator[Entry]:
        return self.repository.entries(self.village, start)

    def verify(self, checkpoint: Checkpoint | None = None) -> Verification:
        return verify(self.entries(), checkpoint)

    def rebuild(self) -> VillageState:
        """The state replayed from the chain and the private events; it equals :attr:`state`.

        A closed vote's entry carries its tally, so only the ballots (and sealed card counts) of
        votes still open are applied from the ballot box, after the chain. The box keeps the
        latest ballot per receipt and no order, so the order they are applied in does not matter.
        """
        return restore_private(replay(events_of(self.entries())),
                               self.repository.private_events(self.village))

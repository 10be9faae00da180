"""Where a village's record is kept: the interface, and the in-memory implementation.

The store (``deliberate.store``) implements the same :class:`Repository` on a database; tests and
embedded uses take :class:`InMemoryRepository`. A repository keeps, per village, the chain of
entries, the secret ballots held apart from it, and the current state (a projection that could
always be rebuilt by replaying the first two).

A command reaches a repository as a :data:`Decision`: a pure function from the village's state and
head to the :class:`Change` it causes. The repository calls it when the village is its to write —
so how writers wait for one another (a lock, an optimistic check, several commands in one
transaction) is the repository's business alone, and the core keeps no threads and no queue.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from .record import GENESIS, Checkpoint, Entry
from .state import EMPTY, VillageState

__all__ = ["Change", "Decision", "InMemoryRepository", "Repository"]


@dataclass(frozen=True, slots=True)
class Change:
    """What a command decided: the chained ``entries`` (following the head it was decided at),
    the ``private`` events kept apart from the chain (secret ballots, sealed card counts), and the
    ``state`` they lead to. A command accepted with nothing to record changes nothing.

    ``side``: records the caller keeps beside the record, with it or not at all — who lodged an
    objection and how to reach them, the files a progress entry names. The core does not read
    them; a repository keeps them in the same transaction as the entries (the store knows their
    types: :mod:`deliberate.store.private`), so an entry never names a file that was not kept, and
    a refused command leaves no contact behind."""

    entries: tuple[Entry, ...]
    private: tuple[Any, ...]
    state: VillageState
    side: tuple[Any, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.entries and not self.private and not self.side


Decision = Callable[[VillageState, Checkpoint], Change]
"""A command, decided: called with the village's latest state and head, it returns the change, or
raises the command's typed error. It must be pure — a repository may call it on a state that
turns out to be stale, and the caller may hand it in again."""


class Repository(Protocol):
    """Storage for village records.

    ``write`` is the only way to change a village. The repository calls the decision with the
    village's latest state and head and keeps the change it returns — entries, private events
    and the new state — all or nothing, before anyone else writes to that village.

    How it makes sure nobody else wrote meanwhile is its own bookkeeping, not the state's: it may
    hold the village for the whole call (a lock), or decide on a state it keeps in memory and
    check, as it commits, that the village has not moved — that the head is still the one the
    decision was given *and* that a token of its own has not changed (a count of its writes: a
    secret ballot moves it but leaves the head where it was). If it has moved, ``write`` raises
    :class:`~deliberate.errors.ConcurrencyConflict` and keeps nothing; the caller decides again.
    """

    def write(self, village: str, decision: Decision) -> tuple[Entry, ...]:
        """Keep what ``decision`` decides on the village's latest state; return the new entries
        once they are durable. If the decision raises (the command was refused), nothing is kept
        and the error propagates. A repository may keep several callers' decisions in one
        transaction; each is then called on the state the one before it left, and its error,
        if any, is its caller's alone."""
        ...

    def load(self, village: str) -> tuple[VillageState, Checkpoint]:
        """The village's current state and the head it reflects."""
        ...

    def entries(self, village: str, start: int = 1) -> Iterator[Entry]:
        """The village's entries from height ``start`` on."""
        ...

    def private_events(self, village: str) -> Iterator[Any]:
        """The private events held apart from the chain (secret ballots, sealed card counts):
        the latest for each receipt or vote, in no meaningful order."""
        ...


class InMemoryRepository:
    """A :class:`Repository` in dictionaries: for tests, examples and embedded use in one process.

    A village is held for the whole of a ``write`` (a lock per village), so a decision always
    sees the latest state and needs no check afterwards."""

    def __init__(self) -> None:
        self._entries: dict[str, list[Entry]] = {}
        self._private: dict[str, dict[tuple[str, str, str | None], Any]] = {}
        self._side: dict[str, list[Any]] = {}
        self._state: dict[str, VillageState] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def write(self, village: str, decision: Decision) -> tuple[Entry, ...]:
        with self._guard:
            lock = self._locks.setdefault(village, threading.Lock())
        with lock:
            change = decision(*self.load(village))
            if not change.empty:
                self._entries.setdefault(village, []).extend(change.entries)
                box = self._private.setdefault(village, {})
                for event in change.private:  # the latest per receipt (or per vote, for a sealed count)
                    box[event.sitting, event.vote, getattr(event, "receipt", None)] = event
                self._side.setdefault(village, []).extend(change.side)
                self._state[village] = change.state
            return change.entries

    def load(self, village: str) -> tuple[VillageState, Checkpoint]:
        entries = self._entries.get(village)
        head = entries[-1].checkpoint if entries else GENESIS
        return self._state.get(village, EMPTY), head

    def entries(self, village: str, start: int = 1) -> Iterator[Entry]:
        return iter(self._entries.get(village, [])[max(start, 1) - 1:])

    def private_events(self, village: str) -> Iterator[Any]:
        return iter(list(self._private.get(village, {}).values()))

    def side_records(self, village: str) -> list[Any]:
        """The side records kept with the village's changes, in the order they were kept."""
        return list(self._side.get(village, ()))

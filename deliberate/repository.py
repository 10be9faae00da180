"""Where a village's record is kept: the interface, and the in-memory implementation.

The store (``deliberate.store``) implements the same :class:`Repository` on a database; tests and
embedded uses take :class:`InMemoryRepository`. A repository keeps, per village, the chain of
entries, the secret ballots held apart from it, and the current state (a projection that could
always be rebuilt by replaying the first two).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import replace
from typing import Any, Protocol

from .errors import ConcurrencyConflict
from .record import GENESIS, Checkpoint, Entry
from .state import EMPTY, VillageState

__all__ = ["InMemoryRepository", "Repository", "Writer"]


class Writer(Protocol):
    """A village held for writing: its state and head, and the append that commits."""

    state: VillageState
    head: Checkpoint

    def append(self, entries: Sequence[Entry], private: Sequence[Any],
               state: VillageState) -> None:
        ...


class Repository(Protocol):
    """Storage for village records.

    ``writing`` holds a village for one command: no other writer appends to it until the block
    ends, so the command is decided on the latest state and never loses a race. ``append`` on its
    own is the optimistic form: atomic, and refused when the state it was decided on is stale.
    """

    def writing(self, village: str) -> AbstractContextManager[Writer]:
        """Hold ``village`` for writing; commit what the writer appended when the block ends
        normally, and nothing if it raises."""
        ...

    def load(self, village: str) -> tuple[VillageState, Checkpoint]:
        """The village's current state and the head it reflects."""
        ...

    def append(self, village: str, expected: Checkpoint, entries: Sequence[Entry],
               private: Sequence[Any], state: VillageState) -> None:
        """Add ``entries`` (chained) and ``private`` events (secret ballots) and store ``state``,
        all or nothing. ``state.revision`` is the revision it was decided on: if anything was
        appended since (the revision moved, or the head is no longer ``expected``), raise
        ConcurrencyConflict and change nothing."""
        ...

    def entries(self, village: str, start: int = 1) -> Iterator[Entry]:
        """The village's entries from height ``start`` on."""
        ...

    def private_events(self, village: str) -> Iterator[Any]:
        """The private events held apart from the chain (secret ballots, sealed card counts):
        the latest for each receipt or vote, in no meaningful order."""
        ...


class _MemoryWriter:
    def __init__(self, repository: InMemoryRepository, village: str) -> None:
        self.repository, self.village = repository, village
        self.state, self.head = repository.load(village)

    def append(self, entries: Sequence[Entry], private: Sequence[Any],
               state: VillageState) -> None:
        self.repository.append(self.village, self.head, entries, private, state)


class InMemoryRepository:
    """A :class:`Repository` in dictionaries: for tests, examples and embedded use."""

    def __init__(self) -> None:
        self._entries: dict[str, list[Entry]] = {}
        self._private: dict[str, dict[tuple[str, str, str | None], Any]] = {}
        self._state: dict[str, VillageState] = {}
        self._locks: dict[str, threading.RLock] = {}
        self._guard = threading.Lock()

    @contextmanager
    def writing(self, village: str) -> Iterator[_MemoryWriter]:
        with self._guard:
            lock = self._locks.setdefault(village, threading.RLock())
        with lock:
            yield _MemoryWriter(self, village)

    def load(self, village: str) -> tuple[VillageState, Checkpoint]:
        entries = self._entries.get(village)
        head = entries[-1].checkpoint if entries else GENESIS
        return self._state.get(village, EMPTY), head

    def append(self, village: str, expected: Checkpoint, entries: Sequence[Entry],
               private: Sequence[Any], state: VillageState) -> None:
        chain = self._entries.setdefault(village, [])
        head = chain[-1].checkpoint if chain else GENESIS
        revision = self._state.get(village, EMPTY).revision
        if head != expected or state.revision != revision:
            raise ConcurrencyConflict("err_conflict", expected=expected.height,
                                      actual=head.height)
        chain.extend(entries)
        box = self._private.setdefault(village, {})
        for event in private:  # the latest per receipt (or per vote, for a sealed card count)
            box[event.sitting, event.vote, getattr(event, "receipt", None)] = event
        self._state[village] = replace(state, revision=revision + 1)

    def entries(self, village: str, start: int = 1) -> Iterator[Entry]:
        return iter(self._entries.get(village, [])[max(start, 1) - 1:])

    def private_events(self, village: str) -> Iterator[Any]:
        return iter(list(self._private.get(village, {}).values()))

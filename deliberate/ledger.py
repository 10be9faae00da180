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

import threading
import weakref
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from .errors import ConcurrencyConflict, InvalidInput
from .record import Checkpoint, Entry, Verification, events_of, next_entry, verify
from .repository import InMemoryRepository, Repository
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


class _Job:
    """One caller's command, and what became of it."""

    __slots__ = ("command", "entries", "error", "finished", "now", "turn")

    def __init__(self, command: Any, now: datetime) -> None:
        self.command, self.now = command, now
        self.entries: tuple[Entry, ...] = ()
        self.error: BaseException | None = None
        self.finished = False
        self.turn = threading.Event()


class _Group:
    """The commands waiting to be written to one village through one repository."""

    __slots__ = ("lock", "pending", "running")

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pending: list[_Job] = []
        self.running = False


_groups: weakref.WeakKeyDictionary[Any, dict[str, _Group]] = weakref.WeakKeyDictionary()
_groups_lock = threading.Lock()


def _group(repository: Any, village: str) -> _Group:
    with _groups_lock:
        return _groups.setdefault(repository, {}).setdefault(village, _Group())


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

        Commands that arrive for the same village while another is being written (the threads
        of a web worker during a vote) are written together, in arrival order, in one
        transaction: each is decided on the state the ones before it left, exactly as if they
        had come one by one, and each caller hears of its own command only once all are
        committed. A refused command in such a group refuses only itself.
        """
        job = _Job(command, now)
        group = _group(self.repository, self.village)
        with group.lock:
            group.pending.append(job)
            lead = not group.running
            group.running = True
        if not lead:
            job.turn.wait()  # until a leader has written it, or hands over the lead to it
        if not job.finished:
            self._lead(group)
        if job.error is not None:
            # The error's traceback holds the frames that hold this job (and the writer and its
            # connection): a job still pointing at its error would make a cycle that only a
            # garbage collection frees. Neither the job nor this frame keeps it.
            error, job.error = job.error, None
            try:
                raise error
            finally:
                del error
        return job.entries

    def _lead(self, group: _Group) -> None:
        """Write the commands waiting now, then hand the lead to the next one waiting, if any."""
        with group.lock:
            batch, group.pending = group.pending, []
        try:
            self._write(batch)
        except BaseException as exc:  # the database failed: every command of the group fails
            for job in batch:
                if not job.finished:
                    job.error, job.finished = exc, True
        finally:
            with group.lock:
                if group.pending:
                    group.pending[0].turn.set()
                else:
                    group.running = False
            for job in batch:
                job.turn.set()

    def _write(self, batch: list[_Job]) -> None:
        for _ in range(_RETRIES):
            try:
                with self.repository.writing(self.village) as writer:
                    state, tip = writer.state, writer.head
                    entries: list[Entry] = []
                    private: list[Any] = []
                    for job in batch:
                        try:
                            events = decide(state, job.command, _time(state, job.now))
                        except Exception as refused:
                            # decide is pure: refusing one command (or a bug it meets) leaves the
                            # state as it was for the commands after it in the group.
                            job.error, job.entries = refused, ()
                            continue
                        job.error, mine = None, []
                        for event in events:
                            if chained(event):
                                entry = next_entry(tip, event)
                                mine.append(entry)
                                tip = entry.checkpoint
                            else:
                                private.append(event)
                        job.entries = tuple(mine)
                        entries += mine
                        if events:
                            state = replay(events, state)
                    if entries or private:
                        writer.append(entries, private, state)
                for job in batch:
                    job.finished = True
                return
            except ConcurrencyConflict as conflict:
                last = conflict  # a repository without locks lost a race: decide again
        # Twenty lost races in a row: the chain is too busy; the callers may try again later.
        try:
            raise last
        finally:
            del last  # no cycle between this frame and the traceback that holds it

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

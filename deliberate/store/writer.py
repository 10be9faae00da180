"""Where the store's concurrency lives: how this process reads a village, waits for it, and writes it.

One :class:`Writer` per :class:`~deliberate.store.SqlRepository` (so per process and database)
keeps everything a process needs to share a village with its own threads and with other
processes; nothing else in the store or the core keeps a lock, a queue or a thread for writing.

**The cache.** The writer keeps each village's state, the head it reflects and the village row's
``revision`` (the store's count of writes: a secret ballot moves it, though it leaves the head
where it was). Reading takes no lock: it reads the village row and, when another process has
appended, checks and replays only the new entries — each entry's hash and link to its parent,
and that they end at the head the row names — and reads the boxes of the open secret votes again
if the box was written since. One thread per village catches up while the others wait for its
result. A record that fails the check is never served: reading raises
:class:`~deliberate.errors.ChainBroken` naming the first bad height, for every reader and writer,
until the record is restored.

**The lane.** Threads that write to one village queue in its lane, in arrival order, and hand
over at once (rather than on the database's lock, whose SQLite busy handler sleeps in growing
steps). The first leads: it takes every command waiting, decides each in turn on the state the
one before it left (a refused command refuses only itself), and commits them in one transaction
— group commit. Meanwhile the next commands queue for the next transaction, so a burst pays the
commit's wait for the disk once per group, not once per ballot (bench/group_commit_bench.py and
docs/performance.md measure it). No caller hears of its command before the commit, and the cache
moves on only after it.

**Optimistic, then locked.** While the cache is current the commands are decided on it without
reading the database; the update of the village row is guarded by the cached revision and head
(checked before COMMIT), so a lost race rolls back and raises
:class:`~deliberate.errors.ConcurrencyConflict`; the ledger decides again. After a conflict the
next :data:`_CALM_DOWN` transactions of the village lock its row first — ``FOR UPDATE`` on
PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite (:func:`take_write_lock`) — and catch up under the lock,
where they cannot lose.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Engine

from deliberate.codec import canonical, decode_event
from deliberate.errors import BallotBoxMismatch, ChainBroken, ConcurrencyConflict
from deliberate.record import GENESIS, Checkpoint, Entry, stored_entry_hash
from deliberate.repository import Decision
from deliberate.state import EMPTY, VillageState
from deliberate.village import apply_event

from . import projections
from .box import (
    WalFolder,
    box_of,
    close_boxes,
    fill_boxes,
    open_boxes,
    vacuum_box,
    with_boxes,
    with_sealed_counts,
)
from .connections import WritingConnections, integrity_error
from .private import keep
from .statements import SQL, Head, cursor, locked_head

__all__ = ["Snapshot", "Writer"]

_CALM_DOWN = 32  # transactions that lock first after a conflict, before trying the cache again


@dataclass(frozen=True)
class Snapshot:
    """A village as one read: its state, the head it reflects, and the village row's revision —
    which moves with every write, a secret ballot's included, so with the head it is what an
    ETag is made of."""

    state: VillageState
    head: Checkpoint
    revision: int


@dataclass(frozen=True)
class _Cached:
    state: VillageState
    head: Checkpoint
    revision: int  # the village row's revision this state reflects: the optimistic check's token
    box_version: int
    # The text of each open secret vote's box as last read or written, by (sitting, vote): a
    # catch-up applies only the ballots that differ, and a write replaces only what it saw.
    box_rows: Any = None


class _Job:
    """One caller's command in a lane, and what became of it."""

    __slots__ = ("decision", "entries", "error", "finished", "turn")

    def __init__(self, decision: Decision) -> None:
        self.decision = decision
        self.entries: tuple[Entry, ...] = ()
        self.error: BaseException | None = None
        self.finished = False
        self.turn = threading.Event()


class _Lane:
    """The commands of this process waiting to be written to one village."""

    __slots__ = ("lock", "pending", "running")

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pending: list[_Job] = []
        self.running = False


class Writer:
    """This process's cache of villages, and the lanes its threads write them through.

    ``group_commit=False`` writes each command in a transaction of its own (the lane still
    queues the threads): for measuring what grouping is worth, not for use.
    """

    def __init__(self, engine: Engine, *, group_commit: bool = True) -> None:
        self.engine = engine
        self.group_commit = group_commit
        self._connections = WritingConnections(engine)  # its own, out of the engine's pool
        self._lock = threading.Lock()  # guards every dictionary below
        self._cache: dict[str, _Cached] = {}
        self._catch_up_locks: dict[str, threading.Lock] = {}
        self._broken: dict[str, tuple[int, ChainBroken]] = {}
        self._contended: dict[str, int] = {}
        self._lanes: dict[str, _Lane] = {}
        self._folder = WalFolder(engine) if engine.dialect.name == "sqlite" else None

    # -- reading ---------------------------------------------------------------------------

    def snapshot(self, village: str) -> Snapshot:
        """The village as this process knows it, caught up on what others wrote."""
        with self.engine.connect() as conn:
            cur = cursor(conn)
            cur.execute(SQL[conn.dialect.name].head, (village,))
            found = cur.fetchone()
            if found is None:
                return Snapshot(EMPTY, GENESIS, 0)
            row = Head(*found)
            with self._lock:
                cached = self._cache.get(village)
                catching_up = self._catch_up_locks.setdefault(village, threading.Lock())
                broken = self._broken.get(village)
            if broken is not None and broken[0] == row.revision:
                raise broken[1]  # the same broken record: no need to read it all again
            if cached is None or cached.revision < row.revision:
                # One thread replays what other processes appended; the others wait for it
                # rather than replaying the same entries each (a vote's threads all read at once).
                with catching_up:
                    with self._lock:
                        cached = self._cache.get(village)
                    if cached is None or cached.revision < row.revision:
                        try:
                            cached = self._caught_up(cur, conn.dialect.name, village, row)
                        except ChainBroken as exc:
                            with self._lock:
                                self._broken[village] = (row.revision, exc)
                                self._cache.pop(village, None)
                            raise
                        self._remember(village, cached)
            # A cache ahead of the row read: a writer of this process committed since; its state
            # is the later one. (A database restored to an earlier point is caught by the next
            # write, whose revision check fails and whose locked retry replays from the start.)
        return Snapshot(cached.state, cached.head, cached.revision)

    def mark_broken(self, village: str, broken: ChainBroken) -> None:
        """Serve ``village`` as broken from now on: a whole-record check found what catching up,
        which reads only new entries, could not (a row changed behind this process's back). A
        restored database (its revision moved) is read afresh, and checked again."""
        with self.engine.connect() as conn:
            cur = cursor(conn)
            cur.execute(SQL[conn.dialect.name].head, (village,))
            found = cur.fetchone()
        with self._lock:
            self._cache.pop(village, None)
            if found is not None:
                self._broken[village] = (Head(*found).revision, broken)

    def _remember(self, village: str, cached: _Cached) -> None:
        """Keep ``cached`` unless the cache already holds a later revision (a writer of this
        process may have committed while we read)."""
        with self._lock:
            known = self._cache.get(village)
            if known is None or known.revision <= cached.revision:
                self._cache[village] = cached

    def _caught_up(self, cur: Any, dialect: str, village: str, row: Head) -> _Cached:
        """The village's state at the head ``row`` describes: the cache, plus what it missed.

        The new entries are checked as they are read — each at its height, naming its parent,
        hashing to its hash — and must end at the head the row names; an entry that fails, or
        that cannot be read or applied, raises ChainBroken at its height. Nothing of a broken
        record is served."""
        with self._lock:
            cached = self._cache.get(village)
        if cached is not None and cached.revision == row.revision:
            return cached
        if cached is None or cached.head.height > row.head_height:
            cached = _Cached(EMPTY, GENESIS, 0, -1)
        sql = SQL[dialect]
        cur.execute(sql.entries, (village, cached.head.height, row.head_height))
        state = _checked_replay(cur.fetchall(), cached, Checkpoint(row.head_height, row.head_hash))
        seen = cached.box_rows
        if cached.box_version != row.box_version:
            state, seen = with_boxes(cur, sql, village, state, seen)
        else:
            state = with_sealed_counts(cur, sql, village, state)
        return _Cached(state, Checkpoint(row.head_height, row.head_hash), row.revision,
                       row.box_version, seen)

    # -- writing ---------------------------------------------------------------------------

    def write(self, village: str, decision: Decision) -> tuple[Entry, ...]:
        """Queue ``decision`` in the village's lane; lead the lane if nobody does; return its
        entries once committed, or raise its refusal or the transaction's failure."""
        job = _Job(decision)
        lane = self._lane(village)
        with lane.lock:
            lane.pending.append(job)
            lead = not lane.running
            lane.running = True
        if not lead:
            job.turn.wait()  # until a leader has written it, or hands over the lead to it
        if not job.finished:
            self._lead(lane, village)
        if job.error is not None:
            # The error's traceback holds the frames that hold this job (and the connection): a
            # job still pointing at its error would make a cycle that only a garbage collection
            # frees. Neither the job nor this frame keeps it.
            error, job.error = job.error, None
            try:
                raise error
            finally:
                del error
        return job.entries

    def settle(self, timeout: float = 10.0) -> bool:
        """Wait until SQLite's write-ahead log has been folded after the last ballot (a no-op on
        PostgreSQL); False if it is still held after ``timeout`` seconds."""
        return self._folder.settle(timeout) if self._folder is not None else True

    def _lane(self, village: str) -> _Lane:
        with self._lock:
            return self._lanes.setdefault(village, _Lane())

    def _lead(self, lane: _Lane, village: str) -> None:
        """Write the commands waiting now, then hand the lead to the next one waiting, if any."""
        with lane.lock:
            take = len(lane.pending) if self.group_commit else 1
            batch, lane.pending = lane.pending[:take], lane.pending[take:]
        try:
            self._commit(village, batch)
            for job in batch:
                job.finished = True
        except BaseException as exc:  # the transaction failed: every command of it fails with it
            for job in batch:
                job.error, job.finished = exc, True
        finally:
            with lane.lock:
                if lane.pending:
                    lane.pending[0].turn.set()
                else:
                    lane.running = False
            for job in batch:
                job.turn.set()

    def _commit(self, village: str, batch: list[_Job]) -> None:
        """Decide ``batch`` in order and commit what it causes in one transaction, on one of the
        writer's own connections (deliberate.store.connections): they are not the pool's, so a
        thread waiting in a lane, or a traceback kept until a garbage collection, holds nothing a
        request needs."""
        with self._lock:
            cached = self._cache.get(village)
            optimistic = cached is not None and self._contended.get(village, 0) == 0
            if not optimistic and village in self._contended:
                self._contended[village] = max(0, self._contended[village] - 1)
        dialect = self._connections.dialect
        try:
            with self._connections.transaction() as (driver, pipe):
                if optimistic:
                    locked, base = None, cached
                else:
                    locked = locked_head(driver, dialect, village)
                    base = self._caught_up(driver.cursor(), dialect, village, locked)
                entries, private, side, state = _decided(batch, base.state, base.head)
                stored = (_write(driver, dialect, village, locked, base, entries, private, state, pipe,
                                 side)
                          if entries or private else None)
        except ConcurrencyConflict:
            with self._lock:
                self._contended[village] = _CALM_DOWN
            raise
        # Committed: only now may this process's cache move on.
        if stored is not None:
            with self._lock:
                self._cache[village] = stored
        emptied = any(e.type == "vote_closed" and e.payload["receipts_digest"] is not None
                      for e in entries)
        if self._folder is not None and (private or emptied):
            self._folder.request()
            if emptied:  # the close waits a moment for it: the box's last pages go
                self._folder.settle(1.0)
        elif emptied:
            vacuum_box(self.engine)

    def close(self) -> None:
        """Close the writer's own connections (the repository's close disposes of the pool)."""
        self._connections.close()

    def before_commit(self, hook: Callable[[], None]) -> None:
        """Run ``hook()`` before each COMMIT, in the transaction (SqlRepository.before_commit)."""
        self._connections.before_commit.append(hook)


def _decided(batch: Sequence[_Job], state: VillageState, head: Checkpoint
             ) -> tuple[list[Entry], list[Any], list[Any], VillageState]:
    """Each job's decision on the state the one before it left; what they cause, together."""
    entries: list[Entry] = []
    private: list[Any] = []
    side: list[Any] = []
    for job in batch:
        try:
            change = job.decision(state, head)
        except Exception as refused:
            # A decision is pure: refusing one command (or a bug it meets) leaves the state as
            # it was for the commands after it.
            job.error, job.entries = refused, ()
            continue
        job.error, job.entries = None, change.entries
        entries += change.entries
        private += change.private
        side += change.side
        if change.entries:
            head = change.entries[-1].checkpoint
        state = change.state
    return entries, private, side, state


def _write(driver: Any, dialect: str, village: str, locked: Head | None, base: _Cached,
           entries: Sequence[Entry], private: Sequence[Any], state: VillageState,
           pipe: Any, side: Sequence[Any] = ()) -> _Cached:
    """Append in the open transaction of ``driver`` what was decided on ``base``.

    ``locked``: the village row as read under lock, or None when the write validates the cached
    ``base``; either way, if the village moved since ``base`` (its revision or its head), raise
    ConcurrencyConflict before anything commits.
    """
    sql = SQL[dialect]
    expected = base.head
    if locked is not None and (locked.revision, locked.head_height, locked.head_hash) != (
            base.revision, expected.height, expected.hash):
        # Decided on a stale state: refuse before writing anything.
        raise ConcurrencyConflict("err_conflict", expected=expected.height,
                                  actual=locked.head_height)
    head = entries[-1].checkpoint if entries else expected
    revision = base.revision + 1
    version = base.box_version + 1 if private else base.box_version
    seen = dict(base.box_rows or {})
    try:
        move = driver.cursor()
        move.execute(sql.move, (head.height, head.hash, revision, version, village,
                                base.revision, expected.height))
        cur = driver.cursor()
        if entries:
            cur.executemany(sql.entry, [(village, e.height, e.parent_hash, e.type,
                                         canonical(e.payload).decode(), e.time, e.hash)
                                        for e in entries])
            open_boxes(cur, sql, village, entries, seen)
        boxes = fill_boxes(driver, sql, village, private, state, seen) if private else ()
        if entries:
            close_boxes(cur, sql, village, entries, seen)
        projections.apply(cur, dialect, village, entries, state)
        if side:
            keep(cur, dialect, village, side)  # contacts and files: with the entries, or not at all
        if pipe is not None:
            pipe.sync()  # the writes' results, before deciding to commit
    except integrity_error(dialect) as exc:
        # Only a stale write can collide with an entry already there. A psycopg pipeline stays
        # aborted until its next sync; sync it so the rollback that follows can run.
        if pipe is not None:
            with suppress(Exception):
                pipe.sync()
        raise ConcurrencyConflict("err_conflict", expected=expected.height, actual=-1) from exc
    if move.rowcount != 1:
        # Someone else appended since the cached state: nothing of this commits.
        raise ConcurrencyConflict("err_conflict", expected=expected.height, actual=-1)
    for (sitting, vote), written in boxes:
        if written.rowcount != 1:
            # The box is not what this process last read or wrote, though no writer of the
            # village moved it: it was edited behind the application's back. Nothing commits.
            held = box_of(cur, sql, village, sitting, vote)
            raise BallotBoxMismatch("err_box_mismatch", vote=vote, ballots=len(held),
                                    participants=len(state.votes[sitting].box))
    return _Cached(state, head, revision, version, seen)


def _checked_replay(rows: Sequence[Any], cached: _Cached, head: Checkpoint) -> VillageState:
    """``cached``'s state after the entries ``rows`` (height, parent, type, payload JSON, time,
    hash), each checked on the way; ChainBroken at the first that fails."""
    parent, expected = cached.head.hash, cached.head.height + 1
    state = cached.state
    last = state.last_at
    try:
        for height, parent_hash, type_, payload, time_, hash_ in rows:
            if height != expected:
                raise _broken(expected, "an entry removed, inserted or moved")
            if parent_hash != parent or stored_entry_hash(height, parent_hash, type_, payload,
                                                          time_) != hash_:
                raise _broken(expected, "the entry was changed after it was written")
            event = decode_event(type_, json.loads(payload), datetime.fromisoformat(time_))
            state = apply_event(state, event)
            last, parent, expected = event.at, hash_, height + 1
    except ChainBroken:
        raise
    except Exception as exc:  # a value the record cannot hold: broken, never a 500
        raise _broken(expected, f"the entry cannot be read or applied ({type(exc).__name__})") from exc
    if (expected - 1, parent) != (head.height, head.hash):
        raise _broken(expected, "the chain does not end at the head the village row names")
    return replace(state, last_at=last) if last is not state.last_at else state


def _broken(height: int, reason: str) -> ChainBroken:
    return ChainBroken(height=height, reason=reason)

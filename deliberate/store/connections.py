"""The writer's own connections, and how a writing transaction begins and ends on them.

A ballot is a short transaction, and on SQLite most of its time is the disk's; the rest was going
to the way the transaction was opened: a checkout from the engine's pool, a SQLAlchemy
``Connection`` with its events, the pool's reset and return — 80 µs of a ~700 µs ballot, against
15 µs for the same ``BEGIN IMMEDIATE`` and ``COMMIT`` on a connection kept open (see
docs/performance.md). So the writer keeps connections of its own, **taken out of the engine's
pool** (detached): holding one between commands holds nothing a request needs, which is why the
writer used to give its connection back after every transaction. The pool still counts only what
requests and reads have checked out, and always settles back to zero.

How many: one on SQLite, which lets one transaction write at a time anyway (the lanes of other
villages wait on this process's condition instead of polling the file's lock); a few on
PostgreSQL, where villages write side by side. A connection is handed to one transaction at a
time; one that a failure left unusable, or that idled long enough for a server to have closed it
unnoticed, is replaced — as the pool would — and a disconnect drops the idle ones with it.

An in-memory SQLite database lives in its pool's one connection (a ``SingletonThreadPool`` or
``StaticPool``): detaching it would lose the database, so there the writer checks a connection out
of the pool per transaction, as before.
"""

from __future__ import annotations

import os
import random
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext, suppress
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.pool import QueuePool

__all__ = ["PING_AFTER_IDLE", "WritingConnections", "integrity_error", "take_write_lock"]

PING_AFTER_IDLE = 2.0  # seconds a PostgreSQL connection may idle before it is pinged on use
_HOW_MANY = {"sqlite": 1}  # writing connections per process, by dialect
_OTHERWISE = 4
_KEEP, _CLOSE, _CLOSE_ALL = 0, 1, 2  # a connection's fate after its transaction, worst last


def take_write_lock(driver: sqlite3.Connection, patience: float = 60.0) -> None:
    """Begin a writing transaction on SQLite (``BEGIN IMMEDIATE``), polling every fraction of a
    millisecond while another process holds the write lock.

    SQLite's own busy handler sleeps in growing steps (1, 2, 5 … 100 ms), so a writer often slept
    long after the lock was free; under a sitting's burst of ballots from several app processes
    that idle time cost a third of the throughput. Here the attempt itself does not wait, and the
    retries are short, jittered sleeps. (The threads of one process writing to one village never
    meet here: they queue in its lane first.) Every writing transaction of the store begins this
    way: the writer's, and any other opened with ``write=True`` (deliberate.store.engine).
    """
    driver.execute("PRAGMA busy_timeout=0")
    deadline = time.monotonic() + patience
    pause = 0.0002
    try:
        while True:
            try:
                driver.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                if time.monotonic() > deadline:
                    raise
                time.sleep(pause * (0.5 + random.random()))
                pause = min(pause * 1.5, 0.005)
    finally:
        driver.execute("PRAGMA busy_timeout=60000")


def integrity_error(dialect: str) -> type[Exception]:
    """The driver's exception for a violated constraint."""
    if dialect == "postgresql":
        import psycopg  # only a PostgreSQL store needs the driver installed

        return psycopg.IntegrityError
    return sqlite3.IntegrityError


class _Held:
    """One connection of the writer's: the driver's, and the pool's handle while it has one."""

    __slots__ = ("driver", "generation", "handle", "idle_since")

    def __init__(self, handle: Any, generation: int = 0) -> None:
        self.handle = handle
        self.generation = generation
        self.driver = handle.driver_connection
        self.idle_since = time.monotonic()


class WritingConnections:
    """The writer's connections: :meth:`transaction` lends one, in a writing transaction."""

    def __init__(self, engine: Engine, size: int | None = None) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        self.size = size or _HOW_MANY.get(self.dialect, _OTHERWISE)
        # A file or a server: the writer's own. An in-memory SQLite: the pool's, per transaction.
        self._own = isinstance(engine.pool, QueuePool)
        self._ready = threading.Condition()
        self._idle: list[_Held] = []
        self._lent = 0
        self._pid = os.getpid()
        self._generation = 0  # moved by close(): a connection lent before it is closed on return
        # Run just before each COMMIT, inside the transaction; one that raises aborts it. How the
        # tests make a disk slow or failing (SqlRepository.before_commit).
        self.before_commit: list[Callable[[], None]] = []

    @contextmanager
    def transaction(self) -> Iterator[tuple[Any, Any]]:
        """A driver connection in a writing transaction, and its psycopg pipeline (None on SQLite).

        The block's end commits; an exception rolls back and propagates. The connection goes
        back to the writer either way, or is closed if it can no longer be trusted."""
        held = self._take()
        fate = _KEEP
        try:
            driver = held.driver
            with (driver.pipeline() if self.dialect == "postgresql" else nullcontext()) as pipe:
                if self.dialect == "sqlite":
                    take_write_lock(driver)
                # psycopg opens the transaction with the first statement.
                try:
                    yield driver, pipe
                    for hook in self.before_commit:
                        hook()
                    if pipe is None:
                        driver.commit()
                    else:
                        # Queued: the pipeline's Sync as the block ends sends it and waits for
                        # it, one round trip. (driver.commit() would sync, and the block's end
                        # sync again: a round trip more per write.)
                        driver.execute("COMMIT")
                except BaseException:
                    try:
                        driver.rollback()
                    except Exception:
                        fate = _CLOSE  # it cannot even roll back
                    raise
        except BaseException as failure:
            fate = max(fate, self._fate(held, failure))
            raise
        finally:
            self._give_back(held, fate)

    def close(self) -> None:
        """Close the idle connections; those lent out close as they come back. (Like the
        engine's ``dispose``: writing again later opens new ones.)"""
        with self._ready:
            idle, self._idle = self._idle, []
            self._generation += 1
        for held in idle:
            with suppress(Exception):
                held.driver.close()

    # -- lending ---------------------------------------------------------------------------

    def _take(self) -> _Held:
        if not self._own:
            return _Held(self.engine.raw_connection())
        with self._ready:
            if self._pid != os.getpid():  # a forked child: the parent's connections are not ours
                self._idle, self._lent, self._pid = [], 0, os.getpid()
                self._generation += 1
            while not self._idle and self._lent >= self.size:
                self._ready.wait()
            held = self._idle.pop() if self._idle else None
            self._lent += 1
        try:
            return self._checked(held) if held is not None else self._new()
        except BaseException:
            with self._ready:
                self._lent -= 1
                self._ready.notify()
            raise

    def _new(self) -> _Held:
        handle = self.engine.raw_connection()  # through the pool: its connect-time settings apply
        held = _Held(handle, self._generation)
        handle.detach()  # and out of it: the pool's count and slot are free again
        return held

    def _checked(self, held: _Held) -> _Held:
        """``held``, or a new connection if a server may have closed it while it idled."""
        if self.dialect == "sqlite" or time.monotonic() - held.idle_since < PING_AFTER_IDLE:
            return held
        try:
            self.engine.dialect.do_ping(held.driver)
            held.driver.rollback()  # the ping's transaction
            return held
        except Exception:
            with suppress(Exception):
                held.driver.close()
            return self._new()

    def _fate(self, held: _Held, failure: BaseException) -> int:
        """What ``failure`` means for the connection, once rolled back: kept if it says nothing
        about it; closed if the connection broke; closed with the idle ones on a disconnect (a
        server restart closes them all)."""
        try:
            if self.engine.dialect.is_disconnect(failure, held.driver, None):
                return _CLOSE_ALL
            if self.dialect == "postgresql":
                return _CLOSE if held.driver.closed or held.driver.broken else _KEEP
            return _CLOSE if held.driver.in_transaction else _KEEP
        except Exception:
            return _CLOSE

    def _give_back(self, held: _Held, fate: int) -> None:
        if not self._own:
            if fate != _KEEP:
                with suppress(Exception):
                    held.handle.invalidate()
            with suppress(Exception):
                held.handle.close()
            return
        gone = []
        with self._ready:
            self._lent -= 1
            if fate == _KEEP and held.generation == self._generation:
                held.idle_since = time.monotonic()
                self._idle.append(held)
            else:
                gone.append(held)
                if fate == _CLOSE_ALL:
                    gone += self._idle
                    self._idle = []
            self._ready.notify()
        for connection in gone:
            with suppress(Exception):
                connection.driver.close()

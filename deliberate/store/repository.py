"""The SQL repository: the core's :class:`~deliberate.repository.Repository` on a database.

``load`` keeps a per-process cache of each village's state and catches up incrementally: it reads
the village row (head, revision, ballot-box sequence) and, when another process has appended,
replays only the new entries and secret ballots. Reading takes no lock.

``writing`` serialises the writers of one village on its row: the row is locked, the state caught
up on the same connection, the command decided, and the update of the row (guarded by the
revision, as a second check), the new log entries, the ballot-box rows and the projections are
written in that one transaction. Nothing is acknowledged before it commits, and the cache moves on
only after the commit.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext, suppress
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from deliberate.codec import canonical
from deliberate.errors import ConcurrencyConflict
from deliberate.events import SecretBallotCast
from deliberate.record import GENESIS, Checkpoint, Entry, events_of
from deliberate.state import EMPTY, VillageState
from deliberate.tally import Choice
from deliberate.village import replay

from . import projections
from .models import BallotBoxRow, LogEntryRow, VillageRow

__all__ = ["SqlRepository"]

_V = VillageRow.__table__
_L = LogEntryRow.__table__
_B = BallotBoxRow.__table__


@dataclass(frozen=True)
class _Cached:
    state: VillageState
    head: Checkpoint
    revision: int
    box_seq: int


def _head_query(village: str) -> Any:
    return select(_V.c.head_height, _V.c.head_hash, _V.c.revision, _V.c.box_seq).where(
        _V.c.id == village)


class _Sql:
    """The hot path's statements, written once for both dialects and run on the driver directly.

    Every ballot runs these; going through SQLAlchemy's statement construction for each cost more
    than the commit itself (see docs/performance.md). The SQL is plain and portable; only the
    parameter marker differs (``?`` for sqlite3, ``%s`` for psycopg).
    """

    HEAD = "SELECT head_height, head_hash, revision, box_seq FROM village WHERE id = ?"
    ENSURE = ("INSERT INTO village (id, name, head_height, head_hash, revision, box_seq, settings, "
              "created_at) VALUES (?, ?, 0, ?, 0, 0, '{}', ?) ON CONFLICT (id) DO NOTHING")
    MOVE = ("UPDATE village SET head_height = ?, head_hash = ?, revision = ?, box_seq = ? "
            "WHERE id = ? AND revision = ? AND head_height = ?")
    ENTRY = ("INSERT INTO log_entry (village, height, parent_hash, type, payload, time, hash) "
             "VALUES (?, ?, ?, ?, ?, ?, ?)")
    BOX = ("INSERT INTO ballot_box (village, seq, sitting, vote, receipt, choice, time) "
           "VALUES (?, ?, ?, ?, ?, ?, ?)")
    ENTRIES = ("SELECT height, parent_hash, type, payload, time, hash FROM log_entry "
               "WHERE village = ? AND height > ? AND height <= ? ORDER BY height")
    BOX_ROWS = ("SELECT sitting, vote, receipt, choice, time FROM ballot_box "
                "WHERE village = ? AND seq > ? AND seq <= ? ORDER BY seq")

    def __init__(self, dialect: str) -> None:
        pg = dialect == "postgresql"
        for name in ("HEAD", "ENSURE", "MOVE", "ENTRY", "BOX", "ENTRIES", "BOX_ROWS"):
            sql = getattr(_Sql, name)
            setattr(self, name.lower(), sql.replace("?", "%s") if pg else sql)
        self.head_locked = self.head + (" FOR UPDATE" if pg else "")


_SQL = {"sqlite": _Sql("sqlite"), "postgresql": _Sql("postgresql")}


_CALM_DOWN = 32  # commands that lock first after a conflict, before trying the cache again


def _pipeline(conn: Connection) -> Any:
    """On PostgreSQL, a psycopg pipeline around the whole transaction: BEGIN and the locking
    SELECT travel together, then the writes and the COMMIT — two round trips for a ballot, where
    one statement at a time took seven. A no-op on SQLite, which has no network."""
    if conn.dialect.name == "postgresql":
        return conn.connection.driver_connection.pipeline()
    return nullcontext()


def _cursor(conn: Connection) -> Any:
    return conn.connection.driver_connection.cursor()


def _ensure_village(conn: Connection, village: str, name: str) -> None:
    """Add the village row if it is missing (two first writers at once: one inserts)."""
    _cursor(conn).execute(_SQL[conn.dialect.name].ensure,
                          (village, name, GENESIS.hash, datetime.now(UTC).replace(tzinfo=None)
                           if conn.dialect.name == "sqlite" else datetime.now(UTC)))


def _locked_head(conn: Connection, village: str) -> Any:
    """The village row, locked for this transaction (created first if need be)."""
    sql = _SQL[conn.dialect.name]
    cur = _cursor(conn)
    cur.execute(sql.head_locked, (village,))
    row = cur.fetchone()
    if row is None:
        _ensure_village(conn, village, village)
        cur.execute(sql.head_locked, (village,))
        row = cur.fetchone()
    return _Head(*row)


@dataclass(frozen=True)
class _Head:
    head_height: int
    head_hash: str
    revision: int
    box_seq: int


def _write(conn: Connection, village: str, locked: _Head | None, expected: Checkpoint,
           box_seq_before: int, entries: Sequence[Entry], private: Sequence[Any],
           state: VillageState, pipeline: Any = None) -> _Cached:
    """Append in the open transaction of ``conn``.

    ``locked``: the village row as read under lock, or None when the write validates a cached
    state; either way a stale ``state`` raises ConcurrencyConflict before anything commits.
    """
    sql = _SQL[conn.dialect.name]
    driver = conn.connection.driver_connection
    if locked is not None and (locked.revision, locked.head_height, locked.head_hash) != (
            state.revision, expected.height, expected.hash):
        # Decided on a stale state: refuse before writing anything.
        raise ConcurrencyConflict("err_conflict", expected=expected.height,
                                  actual=locked.head_height)
    head = entries[-1].checkpoint if entries else expected
    revision = state.revision + 1
    box_seq = box_seq_before + len(private)
    try:
        move = driver.cursor()
        move.execute(sql.move, (head.height, head.hash, revision, box_seq, village,
                                state.revision, expected.height))
        cur = driver.cursor()
        if entries:
            cur.executemany(sql.entry, [(village, e.height, e.parent_hash, e.type,
                                         canonical(e.payload).decode(), e.time, e.hash)
                                        for e in entries])
        if private:
            cur.executemany(sql.box, [(village, box_seq_before + 1 + i, b.sitting, b.vote,
                                       b.receipt, b.choice.value, b.at.isoformat())
                                      for i, b in enumerate(private)])
        projections.apply(conn, village, entries, state)
        if pipeline is not None:
            pipeline.sync()  # the writes' results, before deciding to commit
    except (IntegrityError, conn.dialect.dbapi.IntegrityError) as exc:
        # Only a stale write can collide with an entry already there. A psycopg pipeline stays
        # aborted until its next sync; sync it so the rollback that follows can run.
        if pipeline is not None:
            with suppress(Exception):
                pipeline.sync()
        raise ConcurrencyConflict("err_conflict", expected=expected.height, actual=-1) from exc
    if move.rowcount != 1:
        # Someone else appended since the cached state: nothing of this commits.
        raise ConcurrencyConflict("err_conflict", expected=expected.height, actual=-1)
    return _Cached(replace(state, revision=revision), head, revision, box_seq)


class _SqlWriter:
    """The writer :meth:`SqlRepository.writing` yields."""

    def __init__(self, conn: Connection, village: str, locked: _Head | None, cached: _Cached,
                 pipeline: Any) -> None:
        self.conn, self.village, self.locked, self.pipeline = conn, village, locked, pipeline
        self.state, self.head, self.box_seq = cached.state, cached.head, cached.box_seq
        self.stored: _Cached | None = None

    def append(self, entries: Sequence[Entry], private: Sequence[Any],
               state: VillageState) -> None:
        self.stored = _write(self.conn, self.village, self.locked, self.head, self.box_seq,
                             entries, private, state, self.pipeline)


def _entry(row: Any) -> Entry:
    return Entry(row.height, row.parent_hash, row.type, json.loads(row.payload), row.time, row.hash)



class SqlRepository:
    """Village records in a SQL database (SQLite or PostgreSQL)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._writer = engine.execution_options(write=True)  # the same pool, writing transactions
        self._cache: dict[str, _Cached] = {}
        self._lock = threading.Lock()
        self._contended: dict[str, int] = {}
        self._queues: dict[str, threading.Lock] = {}
        self._names: dict[str, str] = {}
        self._catch_up_locks: dict[str, threading.Lock] = {}

    def _writer_connection(self) -> Connection:
        """A connection for one command, checked out of the pool and returned as the command
        ends, refused or not. Kept any longer — by a thread between commands, or by a traceback
        until a garbage collection — it would hold the pool against every other request. The
        checkout is cheap: no ping while the connection is in use (deliberate.store.engine)."""
        return self._writer.connect()

    @staticmethod
    def _drop_writer_connection(conn: Connection) -> None:
        try:
            conn.close()  # one the database left unusable fails the pool's reset: it is dropped
        except Exception:  # it could not even roll back: drop it here
            conn.invalidate()

    def close(self) -> None:
        """Dispose of the engine's pool (no command keeps a connection between calls)."""
        self.engine.dispose()

    # -- reading ---------------------------------------------------------------------------

    def villages(self) -> list[tuple[str, str]]:
        """(id, name) of every village in the database."""
        with self.engine.connect() as conn:
            found = [(r.id, r.name) for r in conn.execute(select(_V.c.id, _V.c.name).order_by(_V.c.id))]
        self._names = dict(found)
        return found

    def village_name(self, village: str) -> str | None:
        """The village's name, or None if there is no such village.

        Villages are added, never removed or renamed, so a name once seen is kept; only an id not
        seen yet goes to the database (it may have been added by another process since).
        """
        name = self._names.get(village)
        if name is None:
            name = dict(self.villages()).get(village)
        return name

    def load(self, village: str) -> tuple[VillageState, Checkpoint]:
        with self.engine.connect() as conn:
            cur = _cursor(conn)
            cur.execute(_SQL[conn.dialect.name].head, (village,))
            found = cur.fetchone()
            if found is None:
                return EMPTY, GENESIS
            row = _Head(*found)
            with self._lock:
                cached = self._cache.get(village)
                catching_up = self._catch_up_locks.setdefault(village, threading.Lock())
            if cached is None or cached.revision < row.revision:
                # One thread replays what other processes appended; the others wait for it
                # rather than replaying the same entries each (a vote's threads all read at once).
                with catching_up:
                    with self._lock:
                        cached = self._cache.get(village)
                    if cached is None or cached.revision < row.revision:
                        cached = self._caught_up(conn, village, row)
                        self._remember(village, cached)
            # A cache ahead of the row read: a writer of this process committed since; its state
            # is the later one. (A database restored to an earlier point is caught by the next
            # write, whose revision check fails and whose locked retry replays from the start.)
        return cached.state, cached.head

    def _remember(self, village: str, cached: _Cached) -> None:
        """Keep ``cached`` unless the cache already holds a later revision (a writer of this
        process may have committed while we read)."""
        with self._lock:
            known = self._cache.get(village)
            if known is None or known.revision <= cached.revision:
                self._cache[village] = cached

    def _caught_up(self, conn: Connection, village: str, row: Any) -> _Cached:
        """The village's state at the head ``row`` describes: the cache, plus what it missed."""
        with self._lock:
            cached = self._cache.get(village)
        if cached is not None and cached.revision == row.revision:
            return cached
        if cached is None or cached.head.height > row.head_height:
            cached = _Cached(EMPTY, GENESIS, 0, 0)
        sql = _SQL[conn.dialect.name]
        cur = _cursor(conn)  # raw, so it also works inside a psycopg pipeline
        cur.execute(sql.entries, (village, cached.head.height, row.head_height))
        new = [Entry(h, parent, type_, json.loads(payload), time, hash_)
               for h, parent, type_, payload, time, hash_ in cur.fetchall()]
        state = replay(events_of(new), cached.state)
        last = state.last_at
        cur.execute(sql.box_rows, (village, cached.box_seq, row.box_seq))
        for sitting, vote_id, receipt, choice, time in cur.fetchall():
            ballot = SecretBallotCast(at=datetime.fromisoformat(time), sitting=sitting,
                                      vote=vote_id, receipt=receipt, choice=Choice(choice))
            vote = state.votes.get(sitting)
            if vote is not None and vote.id == vote_id:
                state = replay((ballot,), state)
            last = ballot.at if last is None or ballot.at > last else last
        state = replace(state, last_at=last, revision=row.revision)
        return _Cached(state, Checkpoint(row.head_height, row.head_hash), row.revision,
                       row.box_seq)

    def entries(self, village: str, start: int = 1) -> Iterator[Entry]:
        """The village's entries from ``start``, read in pages so a long log streams."""
        page, height = 5000, max(start, 1) - 1
        while True:
            with self.engine.connect() as conn:
                rows = conn.execute(select(_L).where(_L.c.village == village, _L.c.height > height)
                                    .order_by(_L.c.height).limit(page)).all()
            for r in rows:
                yield _entry(r)
            if len(rows) < page:
                return
            height = rows[-1].height

    def private_events(self, village: str) -> Iterator[Any]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(_B).where(_B.c.village == village).order_by(_B.c.seq)).all()
        for r in rows:
            yield SecretBallotCast(at=datetime.fromisoformat(r.time), sitting=r.sitting,
                                   vote=r.vote, receipt=r.receipt, choice=Choice(r.choice))

    # -- writing ---------------------------------------------------------------------------

    def create_village(self, village: str, name: str, settings: dict[str, Any] | None = None) -> None:
        """Add a village (idempotent: an existing one keeps its record)."""
        with self.engine.connect().execution_options(write=True) as conn, conn.begin():
            if conn.execute(select(_V.c.id).where(_V.c.id == village)).first() is None:
                conn.execute(insert(_V).values(
                    id=village, name=name, settings=json.dumps(settings or {}, ensure_ascii=False),
                    created_at=datetime.now(UTC)))

    @contextmanager
    def writing(self, village: str) -> Iterator[_SqlWriter]:
        """Hold ``village`` for one command.

        When this process's cached state is current, the command is decided on it without reading
        the database, and the write validates it: the village row is updated only if its revision
        is still the cached one, checked before COMMIT. If another writer got there first, the
        transaction rolls back, ConcurrencyConflict sends the ledger round again, and this time
        (and for the next few commands) the village row is locked first — ``FOR UPDATE`` on
        PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite — and the state caught up under the lock, so the
        second attempt cannot lose.
        """
        # Threads of this process queue here, handing over at once, rather than on the database's
        # lock, whose busy handler (SQLite) sleeps in growing steps while it waits.
        with self._lock:
            queue = self._queues.setdefault(village, threading.Lock())
        with queue:
            conn = self._writer_connection()
            try:
                yield from self._writing(village, conn)
            finally:  # back to the pool however the command ended
                self._drop_writer_connection(conn)

    def _writing(self, village: str, conn: Connection) -> Iterator[_SqlWriter]:
        with self._lock:
            cached = self._cache.get(village)
            optimistic = cached is not None and self._contended.get(village, 0) == 0
            if not optimistic and village in self._contended:
                self._contended[village] = max(0, self._contended[village] - 1)
        try:
            with _pipeline(conn) as pipeline, conn.begin():
                if optimistic:
                    writer = _SqlWriter(conn, village, None, cached, pipeline)
                else:
                    row = _locked_head(conn, village)
                    writer = _SqlWriter(conn, village, row, self._caught_up(conn, village, row),
                                        pipeline)
                yield writer
        except ConcurrencyConflict:
            with self._lock:
                self._contended[village] = _CALM_DOWN
            raise
        # Committed: only now may this process's cache move on.
        if writer.stored is not None:
            with self._lock:
                self._cache[village] = writer.stored

    def append(self, village: str, expected: Checkpoint, entries: Sequence[Entry],
               private: Sequence[Any], state: VillageState) -> None:
        """The optimistic form: refused with ConcurrencyConflict if ``state`` is stale."""
        with self.engine.connect().execution_options(write=True) as conn:
            with _pipeline(conn) as pipeline, conn.begin():
                locked = _locked_head(conn, village)
                stored = _write(conn, village, locked, expected, locked.box_seq, entries, private,
                                state, pipeline)
            with self._lock:
                self._cache[village] = stored

    def entries_of_type(self, village: str, type_: str) -> list[Entry]:
        """The village's entries of one type, in order — e.g. the notices as published, whose
        heights and hashes are the checkpoints printed on them."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(_L).where(_L.c.village == village, _L.c.type == type_)
                                .order_by(_L.c.height)).all()
        return [_entry(r) for r in rows]

    def settings(self, village: str) -> dict[str, Any]:
        """The village's settings (notice periods, procedure variant, thresholds), as saved."""
        with self.engine.connect() as conn:
            raw = conn.execute(select(_V.c.settings).where(_V.c.id == village)).scalar()
        return json.loads(raw) if raw else {}

    def save_settings(self, village: str, settings: dict[str, Any]) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(_V).where(_V.c.id == village).values(
                settings=json.dumps(settings, ensure_ascii=False, sort_keys=True)))

    def rebuild_projections(self, village: str) -> None:
        """Write the village's projections again from its log (they can always be rebuilt)."""
        entries = list(self.entries(village))
        state = self.load(village)[0]
        with self.engine.connect().execution_options(write=True) as conn, conn.begin():
            projections.rebuild(conn, village, entries, state)

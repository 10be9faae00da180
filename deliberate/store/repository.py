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
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

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


def _ensure_village(conn: Connection, village: str, name: str) -> None:
    """Add the village row if it is missing (two first writers at once: one inserts)."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    conn.execute(dialect.insert(_V).values(
        id=village, name=name, settings="{}", created_at=datetime.now(UTC))
        .on_conflict_do_nothing(index_elements=["id"]))


def _write(conn: Connection, village: str, expected: Checkpoint, entries: Sequence[Entry],
           private: Sequence[Any], state: VillageState) -> _Cached:
    """Append in the open transaction of ``conn``; ConcurrencyConflict if ``state`` is stale."""
    head = entries[-1].checkpoint if entries else expected
    revision = state.revision + 1
    moved = conn.execute(
        update(_V).where(_V.c.id == village, _V.c.revision == state.revision,
                         _V.c.head_height == expected.height)
        .values(head_height=head.height, head_hash=head.hash, revision=revision,
                box_seq=_V.c.box_seq + len(private))
        .returning(_V.c.box_seq)).first()
    if moved is None:
        actual = conn.execute(select(_V.c.head_height).where(_V.c.id == village)).scalar()
        raise ConcurrencyConflict("err_conflict", expected=expected.height, actual=actual)
    if entries:
        conn.execute(insert(_L), [
            {"village": village, "height": e.height, "parent_hash": e.parent_hash,
             "type": e.type, "payload": canonical(e.payload).decode(), "time": e.time,
             "hash": e.hash} for e in entries])
    if private:
        first = moved.box_seq - len(private) + 1
        conn.execute(insert(_B), [
            {"village": village, "seq": first + i, "sitting": b.sitting, "vote": b.vote,
             "receipt": b.receipt, "choice": b.choice.value, "time": b.at.isoformat()}
            for i, b in enumerate(private)])
    projections.apply(conn, village, entries, state)
    return _Cached(replace(state, revision=revision), head, revision, moved.box_seq)


class _SqlWriter:
    """The writer :meth:`SqlRepository.writing` yields."""

    def __init__(self, repository: SqlRepository, conn: Connection, village: str,
                 cached: _Cached) -> None:
        self.conn, self.village = conn, village
        self.state, self.head = cached.state, cached.head
        self.stored: _Cached | None = None

    def append(self, entries: Sequence[Entry], private: Sequence[Any],
               state: VillageState) -> None:
        self.stored = _write(self.conn, self.village, self.head, entries, private, state)


def _entry(row: Any) -> Entry:
    return Entry(row.height, row.parent_hash, row.type, json.loads(row.payload), row.time, row.hash)


class SqlRepository:
    """Village records in a SQL database (SQLite or PostgreSQL)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._cache: dict[str, _Cached] = {}
        self._lock = threading.Lock()

    # -- reading ---------------------------------------------------------------------------

    def villages(self) -> list[tuple[str, str]]:
        """(id, name) of every village in the database."""
        with self.engine.connect() as conn:
            return [(r.id, r.name) for r in conn.execute(select(_V.c.id, _V.c.name).order_by(_V.c.id))]

    def load(self, village: str) -> tuple[VillageState, Checkpoint]:
        with self.engine.connect() as conn:
            row = conn.execute(_head_query(village)).first()
            if row is None:
                return EMPTY, GENESIS
            cached = self._caught_up(conn, village, row)
        with self._lock:
            self._cache[village] = cached
        return cached.state, cached.head

    def _caught_up(self, conn: Connection, village: str, row: Any) -> _Cached:
        """The village's state at the head ``row`` describes: the cache, plus what it missed."""
        with self._lock:
            cached = self._cache.get(village)
        if cached is not None and cached.revision == row.revision:
            return cached
        if cached is None or cached.head.height > row.head_height:
            cached = _Cached(EMPTY, GENESIS, 0, 0)
        new = [_entry(r) for r in conn.execute(
            select(_L).where(_L.c.village == village, _L.c.height > cached.head.height,
                             _L.c.height <= row.head_height).order_by(_L.c.height))]
        state = replay(events_of(new), cached.state)
        last = state.last_at
        for r in conn.execute(select(_B).where(_B.c.village == village,
                                               _B.c.seq > cached.box_seq,
                                               _B.c.seq <= row.box_seq).order_by(_B.c.seq)):
            ballot = SecretBallotCast(at=datetime.fromisoformat(r.time), sitting=r.sitting,
                                      vote=r.vote, receipt=r.receipt, choice=Choice(r.choice))
            vote = state.votes.get(r.sitting)
            if vote is not None and vote.id == r.vote:
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
        """Hold ``village`` for one command: the village row is locked (``FOR UPDATE`` on
        PostgreSQL; SQLite's write lock is taken at ``BEGIN IMMEDIATE``) before the state is read,
        so the command is decided on the latest state and no other writer interleaves."""
        with self.engine.connect().execution_options(write=True) as conn:
            with conn.begin():
                _ensure_village(conn, village, village)
                row = conn.execute(_head_query(village).with_for_update()).one()
                writer = _SqlWriter(self, conn, village, self._caught_up(conn, village, row))
                yield writer
            # Committed: only now may this process's cache move on.
            if writer.stored is not None:
                with self._lock:
                    self._cache[village] = writer.stored

    def append(self, village: str, expected: Checkpoint, entries: Sequence[Entry],
               private: Sequence[Any], state: VillageState) -> None:
        """The optimistic form: refused with ConcurrencyConflict if ``state`` is stale."""
        with self.engine.connect().execution_options(write=True) as conn:
            with conn.begin():
                _ensure_village(conn, village, village)
                stored = _write(conn, village, expected, entries, private, state)
            with self._lock:
                self._cache[village] = stored

    def rebuild_projections(self, village: str) -> None:
        """Write the village's projections again from its log (they can always be rebuilt)."""
        entries = list(self.entries(village))
        state = self.load(village)[0]
        with self.engine.connect().execution_options(write=True) as conn, conn.begin():
            projections.rebuild(conn, village, entries, state)

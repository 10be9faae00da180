"""The SQL repository: the core's :class:`~deliberate.repository.Repository` on a database.

Reads and writes of a village's record go through this process's
:class:`~deliberate.store.writer.Writer`, which keeps the cache, checks what other processes
appended as it catches up, queues this process's writers in one lane per village and commits
them together; see :mod:`deliberate.store.writer` for how. The secret ballots are kept in a box
apart from the chain (:mod:`deliberate.store.box`); the projections are written in the same
transaction as the entries (:mod:`deliberate.store.projections`). The rest — villages, their
settings, a page of the log — is plain SQL here.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, insert, select, update

from deliberate.errors import ChainBroken
from deliberate.events import SecretBallotCast
from deliberate.record import Checkpoint, Entry
from deliberate.repository import Decision
from deliberate.state import VillageState

from . import projections
from .box import NO_TIME, box_lines, sealed
from .models import BallotBoxRow, LogEntryRow, SealedCountRow, VillageRow
from .statements import entry_of
from .writer import Snapshot, Writer

__all__ = ["SqlRepository"]

_V = VillageRow.__table__
_L = LogEntryRow.__table__
_B = BallotBoxRow.__table__
_C = SealedCountRow.__table__


class SqlRepository:
    """Village records in a SQL database (SQLite or PostgreSQL).

    ``group_commit=False`` writes each command in a transaction of its own; it exists for
    bench/group_commit_bench.py, which measures what grouping is worth.
    """

    def __init__(self, engine: Engine, *, group_commit: bool = True) -> None:
        self.engine = engine
        self._writer = Writer(engine, group_commit=group_commit)
        self._names: dict[str, str] = {}

    def settle(self, timeout: float = 10.0) -> bool:
        """Wait until SQLite's write-ahead log has been folded after the last ballot (a no-op on
        PostgreSQL); False if it is still held after ``timeout`` seconds."""
        return self._writer.settle(timeout)

    def close(self) -> None:
        """Close the writer's own connections and dispose of the engine's pool (no read keeps a
        connection between calls)."""
        self._writer.close()
        self.engine.dispose()

    def before_commit(self, hook: Callable[[], None]) -> None:
        """Run ``hook()`` just before each COMMIT of this store's writing transactions, inside
        the transaction (one that raises aborts it, and its commands fail): how the tests and
        benchmarks simulate a slow or failing disk."""
        self._writer.before_commit(hook)

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
        """The village's state and head, caught up on what other processes appended (checked:
        a broken record raises ChainBroken)."""
        found = self._writer.snapshot(village)
        return found.state, found.head

    def snapshot(self, village: str) -> Snapshot:
        """:meth:`load` with the village row's revision, read together: the revision moves with
        every write, a secret ballot's included, so the head and the revision make an ETag."""
        return self._writer.snapshot(village)

    def mark_broken(self, village: str, broken: ChainBroken) -> None:
        """Serve ``village`` as broken from now on: a whole-record check found what catching up,
        which reads only new entries, could not (a row changed behind this process's back). A
        restored database (its revision moved) is read afresh, and checked again."""
        self._writer.mark_broken(village, broken)

    def entries(self, village: str, start: int = 1) -> Iterator[Entry]:
        """The village's entries from ``start``, read in pages so a long log streams."""
        page, height = 5000, max(start, 1) - 1
        while True:
            with self.engine.connect() as conn:
                rows = conn.execute(select(_L).where(_L.c.village == village, _L.c.height > height)
                                    .order_by(_L.c.height).limit(page)).all()
            for r in rows:
                yield entry_of(r)
            if len(rows) < page:
                return
            height = rows[-1].height

    def private_events(self, village: str) -> Iterator[Any]:
        """The ballots in the boxes of open secret votes and their sealed card counts, in no
        meaningful order (the box keeps none); they carry no time."""
        with self.engine.connect() as conn:
            boxes = conn.execute(select(_B).where(_B.c.village == village)).all()
            counts = conn.execute(select(_C).where(_C.c.village == village)).all()
        for r in boxes:
            for receipt, choice, digest in box_lines(r.ballots):
                yield SecretBallotCast(at=NO_TIME, sitting=r.sitting, vote=r.vote, receipt=receipt,
                                       choice=choice, code_digest=digest)
        for r in counts:
            yield sealed(r.sitting, r.vote, r.tally, r.nonce)

    # -- writing ---------------------------------------------------------------------------

    def create_village(self, village: str, name: str, settings: dict[str, Any] | None = None) -> None:
        """Add a village (idempotent: an existing one keeps its record)."""
        with self.engine.connect().execution_options(write=True) as conn, conn.begin():
            if conn.execute(select(_V.c.id).where(_V.c.id == village)).first() is None:
                conn.execute(insert(_V).values(
                    id=village, name=name, settings=json.dumps(settings or {}, ensure_ascii=False),
                    created_at=datetime.now(UTC)))

    def write(self, village: str, decision: Decision) -> tuple[Entry, ...]:
        """Keep what ``decision`` decides on the village's latest state, in a transaction with the
        commands queued beside it; see :mod:`deliberate.store.writer`."""
        return self._writer.write(village, decision)

    def entry(self, village: str, height: int) -> Entry | None:
        """The entry at ``height``, or None if the record is shorter."""
        with self.engine.connect() as conn:
            row = conn.execute(select(_L).where(_L.c.village == village, _L.c.height == height)).first()
        return entry_of(row) if row is not None else None

    def entries_of_type(self, village: str, type_: str) -> list[Entry]:
        """The village's entries of one type, in order — e.g. the notices as published, whose
        heights and hashes are the checkpoints printed on them."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(_L).where(_L.c.village == village, _L.c.type == type_)
                                .order_by(_L.c.height)).all()
        return [entry_of(r) for r in rows]

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

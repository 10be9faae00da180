"""Projections: tables derived from the log, written in the same transaction as each append.

One projection is kept, because something other than a test relies on it:

- ``ballot``: a row per person per vote (``choice`` NULL for a secret vote: participation only),
  keyed by (village, sitting, vote, voter). The key is the database's guard, after the core's,
  of one person one ballot; a changed ballot replaces the row.

Pages, the HTTP API and the command line read the village's state, which the store caches and
catches up from the log; the seven other tables once written here (``matter``, ``sitting``,
``attendance``, ``vote_result``, ``notice``, ``objection``, ``progress``) were read by nothing but
tests, and migration 0007 dropped them.

What each event writes is decided per event class: :data:`PROJECTED` maps each class that writes
a projection to it, and :data:`NOT_PROJECTED` names every other class with the reason it writes
none. Every event class of :mod:`deliberate.events` is in exactly one of the two (checked by
tests/test_projections.py), so a new event fails the tests until someone decides.

:func:`rebuild` deletes a village's projections and writes them again from its log, which is the
proof that they hold nothing the log does not.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from sqlalchemy import Connection, delete

from deliberate.events import (
    EVENT_TYPES,
    BallotCast,
    CardCountConfirmed,
    CardCountEntered,
    CardCountSealed,
    CheckedIn,
    CheckedOut,
    ImplementationCompleted,
    MatterRaised,
    MatterReturned,
    MatterWithdrawn,
    MinutesRecorded,
    NoticeClosed,
    NoticePublished,
    ObjectionAnswered,
    ObjectionLodged,
    PlanAmended,
    ProgressRecorded,
    RequisitionRecorded,
    SecretBallotCast,
    SittingAdjourned,
    SittingClosed,
    SittingConvened,
    SittingOpened,
    SubmissionAnswered,
    SubmissionLodged,
    SubmissionTakenUp,
    TellersAppointed,
    TookPart,
    TownshipReviewed,
    VoteClosed,
    VoteOpened,
)
from deliberate.record import Entry
from deliberate.state import VillageState

from .models import BallotRow

__all__ = ["BALLOT", "NOT_PROJECTED", "PROJECTED", "PROJECTIONS", "Projection", "apply", "rebuild"]


@dataclass(frozen=True, slots=True, eq=False)  # eq=False: hashed by identity, a key in rebuild
class Projection:
    """A table derived from the log: each entry of a class it follows upserts one row on the
    table's primary key, so the latest entry for a key wins.

    ``row`` gives the row's values from the entry's payload — the entry is not decoded into its
    event, since the ballot is the hot path of a vote — in the order of ``upsert``'s columns.
    ``upsert`` is plain SQL on the driver, by dialect (portable: SQLite ≥ 3.24 and PostgreSQL).
    """

    table: Any  # the SQLModel row class
    row: Callable[[str, Entry], tuple[Any, ...]]
    upsert: Mapping[str, str]


def _by_dialect(sql: str) -> Mapping[str, str]:
    return MappingProxyType({"sqlite": sql, "postgresql": sql.replace("?", "%s")})


def _ballot_row(village: str, entry: Entry) -> tuple[Any, ...]:
    p = entry.payload
    # A secret vote's TookPart has no choice: its row says only that the person took part.
    return village, p["sitting"], p["vote"], p["voter"], p.get("choice"), entry.height


BALLOT = Projection(BallotRow, _ballot_row, _by_dialect(
    "INSERT INTO ballot (village, sitting, vote, voter, choice, height) VALUES (?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (village, sitting, vote, voter) "
    "DO UPDATE SET choice = excluded.choice, height = excluded.height"))

# Event class → the projection its entries write.
PROJECTED: Mapping[type, Projection] = MappingProxyType({BallotCast: BALLOT, TookPart: BALLOT})

_MATTER = ("a matter's stage, plan, notices, objections and progress are read from the village "
           "state; the matter, notice, objection and progress tables had no reader (dropped by 0007)")
_SITTING = ("a sitting and who is present are read from the village state; the sitting and "
            "attendance tables had no reader (dropped by 0007)")
_VOTE = ("a vote's counts and result are read from the village state; the vote_result table had no "
         "reader (dropped by 0007)")
_SUBMISSION = "a villager's submission is read from the village state; no table ever held it"
_PRIVATE = ("never an entry of the log: the store keeps it apart (ballot_box, sealed_count) and "
            "never passes it here")

# Event class → why its entries write no projection.
NOT_PROJECTED: Mapping[type, str] = MappingProxyType({
    MatterRaised: _MATTER, PlanAmended: _MATTER, MatterReturned: _MATTER, MatterWithdrawn: _MATTER,
    TownshipReviewed: _MATTER, NoticePublished: _MATTER, ObjectionLodged: _MATTER,
    RequisitionRecorded: _MATTER,
    ObjectionAnswered: _MATTER, NoticeClosed: _MATTER, ProgressRecorded: _MATTER,
    ImplementationCompleted: _MATTER,
    SittingConvened: _SITTING, CheckedIn: _SITTING, CheckedOut: _SITTING, TellersAppointed: _SITTING,
    SittingOpened: _SITTING, MinutesRecorded: _SITTING, SittingAdjourned: _SITTING,
    SittingClosed: _SITTING,
    VoteOpened: _VOTE, CardCountEntered: _VOTE, CardCountConfirmed: _VOTE, VoteClosed: _VOTE,
    SubmissionLodged: _SUBMISSION, SubmissionTakenUp: _SUBMISSION, SubmissionAnswered: _SUBMISSION,
    SecretBallotCast: _PRIVATE, CardCountSealed: _PRIVATE,
})

# The projections' tables, each once.
PROJECTIONS: tuple[Any, ...] = tuple(dict.fromkeys(p.table for p in PROJECTED.values()))

# The entry's type names its class through the codec's one table: no hand-kept set of strings.
_BY_TYPE: Mapping[str, Projection] = MappingProxyType(
    {name: PROJECTED[cls] for name, cls in EVENT_TYPES.items() if cls in PROJECTED})


def _rows(village: str, entries: Iterable[Entry]) -> Iterator[tuple[Projection, tuple[Any, ...]]]:
    by_type = _BY_TYPE
    for entry in entries:
        projection = by_type.get(entry.type)
        if projection is not None:
            yield projection, projection.row(village, entry)


def apply(cursor: Any, dialect: str, village: str, entries: Iterable[Entry],
          state: VillageState | None = None) -> None:
    """Bring the projections up to date with ``entries``, through ``cursor`` — the driver's, in
    the writer's transaction: the hot path of a vote builds no SQLAlchemy statement.

    ``state`` (what ``entries`` lead to) is what the store's append passes; every projection
    kept is written from the entries alone.
    """
    for projection, row in _rows(village, entries):
        cursor.execute(projection.upsert[dialect], row)


def rebuild(conn: Connection, village: str, entries: Sequence[Entry],
            state: VillageState | None = None) -> None:
    """Delete ``village``'s projections and write them again from its whole log (``state`` is
    accepted, as :func:`apply` accepts it, and not needed)."""
    for table in PROJECTIONS:
        t = table.__table__
        conn.execute(delete(t).where(t.c.village == village))
    rows: dict[Projection, list[tuple[Any, ...]]] = {}
    for projection, row in _rows(village, entries):
        rows.setdefault(projection, []).append(row)
    cursor = conn.connection.driver_connection.cursor()
    for projection, values in rows.items():
        # In log order, through the same upsert as each append: the latest entry per key wins.
        cursor.executemany(projection.upsert[conn.dialect.name], values)

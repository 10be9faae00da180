"""The hot path's SQL, written once for both dialects and run on the driver directly.

Every ballot runs these; going through SQLAlchemy's statement construction for each cost more
than the commit itself (see docs/performance.md). The SQL is plain and portable; only the
parameter marker differs (``?`` for sqlite3, ``%s`` for psycopg).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection

from deliberate.record import GENESIS, Entry

__all__ = ["SQL", "Head", "Statements", "cursor", "entry_of", "locked_head"]


class Statements:
    """The statements of one dialect, as attributes named in lower case."""

    HEAD = "SELECT head_height, head_hash, revision, box_version FROM village WHERE id = ?"
    ENSURE = ("INSERT INTO village (id, name, head_height, head_hash, revision, box_version, settings, "
              "created_at) VALUES (?, ?, 0, ?, 0, 0, '{}', ?) ON CONFLICT (id) DO NOTHING")
    MOVE = ("UPDATE village SET head_height = ?, head_hash = ?, revision = ?, box_version = ? "
            "WHERE id = ? AND revision = ? AND head_height = ?")
    ENTRY = ("INSERT INTO log_entry (village, height, parent_hash, type, payload, time, hash) "
             "VALUES (?, ?, ?, ?, ?, ?, ?)")
    ENTRIES = ("SELECT height, parent_hash, type, payload, time, hash FROM log_entry "
               "WHERE village = ? AND height > ? AND height <= ? ORDER BY height")
    # The ballot box: one row per open secret vote, its whole text replaced by each write, and
    # only if it still holds what this process last saw (a box edited behind its back refuses).
    BOX_OPEN = "INSERT INTO ballot_box (village, sitting, vote, ballots) VALUES (?, ?, ?, '')"
    BOX_WRITE = ("UPDATE ballot_box SET ballots = ? "
                 "WHERE village = ? AND sitting = ? AND vote = ? AND ballots = ?")
    BOX_OF = "SELECT ballots FROM ballot_box WHERE village = ? AND sitting = ? AND vote = ?"
    BOXES = "SELECT sitting, vote, ballots FROM ballot_box WHERE village = ?"
    EMPTY_BOX = "DELETE FROM ballot_box WHERE village = ? AND sitting = ? AND vote = ?"
    SEAL = ("INSERT INTO sealed_count (village, sitting, vote, tally, nonce) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (village, sitting, vote) DO UPDATE SET tally = excluded.tally, "
            "nonce = excluded.nonce")
    UNSEAL = "DELETE FROM sealed_count WHERE village = ? AND sitting = ? AND vote = ?"
    SEALED_OF = "SELECT tally, nonce FROM sealed_count WHERE village = ? AND sitting = ? AND vote = ?"

    def __init__(self, dialect: str) -> None:
        pg = dialect == "postgresql"
        for name in ("HEAD", "ENSURE", "MOVE", "ENTRY", "ENTRIES", "BOX_OPEN", "BOX_WRITE", "BOX_OF",
                     "BOXES", "EMPTY_BOX", "SEAL", "UNSEAL", "SEALED_OF"):
            sql = getattr(Statements, name)
            setattr(self, name.lower(), sql.replace("?", "%s") if pg else sql)
        self.head_locked = self.head + (" FOR UPDATE" if pg else "")


SQL = {"sqlite": Statements("sqlite"), "postgresql": Statements("postgresql")}


@dataclass(frozen=True)
class Head:
    """The village row: its chain's head, and the store's counts of its writes and box writes."""

    head_height: int
    head_hash: str
    revision: int
    box_version: int


def cursor(conn: Connection) -> Any:
    """A cursor of the driver itself (it also works inside a psycopg pipeline)."""
    return conn.connection.driver_connection.cursor()


def _ensure_village(cur: Any, dialect: str, village: str, name: str) -> None:
    """The village's row, created at genesis if it is not there yet."""
    now = datetime.now(UTC)
    cur.execute(SQL[dialect].ensure,
                (village, name, GENESIS.hash, now.replace(tzinfo=None) if dialect == "sqlite" else now))


def locked_head(driver: Any, dialect: str, village: str) -> Head:
    """The village row, locked for the driver connection's transaction (created first if need be)."""
    sql = SQL[dialect]
    cur = driver.cursor()
    cur.execute(sql.head_locked, (village,))
    row = cur.fetchone()
    if row is None:
        _ensure_village(cur, dialect, village, village)
        cur.execute(sql.head_locked, (village,))
        row = cur.fetchone()
    return Head(*row)


def entry_of(row: Any) -> Entry:
    """A ``log_entry`` row as the core's entry."""
    return Entry(row.height, row.parent_hash, row.type, json.loads(row.payload), row.time, row.hash)

"""The SQL repository: the core's :class:`~deliberate.repository.Repository` on a database.

``load`` keeps a per-process cache of each village's state and catches up incrementally: it reads
the village row (head, revision, ballot-box version) and, when another process has appended,
checks and replays only the new entries — each entry's hash and link to its parent, and that they
end at the head the row names — and reads the boxes of the secret votes still open again if the
box was written since. A record that fails the check is never served: ``load`` raises
:class:`~deliberate.errors.ChainBroken` naming the first bad height, for every reader and writer of
that village, until the record is restored. Reading takes no lock.

The ballot box keeps no history. Each open secret vote has one row, whose text lists its ballots
(receipt, choice, change-code digest) sorted by receipt — random strings the phones made — so the
row is a function of the set of ballots alone: every write replaces the whole text, and nothing
stored (no column, time, sequence, row order or transaction id) says which ballot came when, or
with whose ``took_part`` entry, even in a copy taken while the vote is open. The close empties the
box (the closing entry publishes the receipts). What the database engine keeps below the tables
of a running server — SQLite's write-ahead log, which is folded in and truncated after each
ballot; PostgreSQL's write-ahead log and old row versions — is said in docs/security.md.

``writing`` serialises the writers of one village on its row: the row is locked, the state caught
up on the same connection, the command decided, and the update of the row (guarded by the
revision, as a second check), the new log entries, the ballot-box rows and the projections are
written in that one transaction. Nothing is acknowledged before it commits, and the cache moves on
only after the commit.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext, suppress
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from deliberate.codec import canonical, decode_event, encode
from deliberate.errors import BallotBoxMismatch, ChainBroken, ConcurrencyConflict
from deliberate.events import CardCountSealed, SecretBallotCast
from deliberate.pmap import PMap
from deliberate.record import GENESIS, Checkpoint, Entry, stored_entry_hash
from deliberate.state import EMPTY, VillageState
from deliberate.tally import Choice, Tally
from deliberate.values import updated
from deliberate.village import apply_event, restore_private

from . import projections
from .models import BallotBoxRow, LogEntryRow, SealedCountRow, VillageRow

__all__ = ["SqlRepository"]

_V = VillageRow.__table__
_L = LogEntryRow.__table__
_B = BallotBoxRow.__table__
_C = SealedCountRow.__table__
_NO_TIME = datetime(1970, 1, 1, tzinfo=UTC)  # the box keeps no time; private events move no clock


@dataclass(frozen=True)
class _Cached:
    state: VillageState
    head: Checkpoint
    revision: int
    box_version: int
    # The text of each open secret vote's box as last read or written, by (sitting, vote): a
    # catch-up applies only the ballots that differ, and a write replaces only what it saw.
    box_rows: Any = None


class _Sql:
    """The hot path's statements, written once for both dialects and run on the driver directly.

    Every ballot runs these; going through SQLAlchemy's statement construction for each cost more
    than the commit itself (see docs/performance.md). The SQL is plain and portable; only the
    parameter marker differs (``?`` for sqlite3, ``%s`` for psycopg).
    """

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
    box_version: int


def _write(conn: Connection, village: str, locked: _Head | None, expected: Checkpoint,
           box_version: int, entries: Sequence[Entry], private: Sequence[Any],
           state: VillageState, pipeline: Any = None, box_rows: Any = None) -> _Cached:
    """Append in the open transaction of ``conn``.

    ``locked``: the village row as read under lock, or None when the write validates a cached
    state; either way a stale ``state`` raises ConcurrencyConflict before anything commits.
    ``box_rows``: the boxes' texts as this process last saw them (what each write replaces).
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
    version = box_version + 1 if private else box_version
    seen = dict(box_rows or {})
    try:
        move = driver.cursor()
        move.execute(sql.move, (head.height, head.hash, revision, version, village,
                                state.revision, expected.height))
        cur = driver.cursor()
        if entries:
            cur.executemany(sql.entry, [(village, e.height, e.parent_hash, e.type,
                                         canonical(e.payload).decode(), e.time, e.hash)
                                        for e in entries])
            _open_boxes(cur, sql, village, entries, seen)
        boxes = _fill_boxes(driver, sql, village, private, state, seen) if private else ()
        if entries:
            _close_boxes(cur, sql, village, entries, seen)
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
    for (sitting, vote), written in boxes:
        if written.rowcount != 1:
            # The box is not what this process last read or wrote, though no writer of the
            # village moved it: it was edited behind the application's back. Nothing commits.
            held = _box_of(cur, sql, village, sitting, vote)
            raise BallotBoxMismatch("err_box_mismatch", vote=vote, ballots=len(held),
                                    participants=len(state.votes[sitting].box))
    return _Cached(replace(state, revision=revision), head, revision, version, seen)


def _box_text(text: str, vote: Any, receipts: set[str]) -> str:
    """The box's text after ``receipts`` were cast or changed: ``text`` (the box as last seen,
    which the state's box matches) with those ballots' lines put in, as ``vote`` now holds them.

    The text has one line per ballot — receipt, choice (``+``, ``-``, ``0``: each ballot rewrites
    the whole box, so every byte of a line counts), change-code digest, tab-separated — sorted by
    receipt, so the same ballots give the same text whatever order they came in. A ballot's line
    is found by bisection over the text itself: a write costs a few searches and one copy of the
    text, all in C, not a pass over the ballots."""
    for receipt in receipts:
        line = f"{receipt}\t{_MARK[vote.box[receipt]]}\t{vote.codes.get(receipt) or ''}"
        at = _line_at(text, receipt + "\t")
        if at > len(text):
            text = f"{text}\n{line}" if text else line
        elif text.startswith(receipt + "\t", at):
            end = text.find("\n", at)
            text = text[:at] + line + (text[end:] if end >= 0 else "")
        else:
            text = f"{text[:at]}{line}\n{text[at:]}"
    return text


def _line_at(text: str, key: str) -> int:
    """Where, in a box's ``text``, the first line not sorting before ``key`` starts (one past the
    end, if none). A tab sorts before any printable character, so the lines sort as their
    receipts do, and the line of a receipt is the first not before ``receipt + "\t"``."""
    lo, hi = 0, len(text) + 1  # line starts: lines from ``hi`` on do not sort before key
    while lo < hi:
        mid = (lo + hi) // 2
        start = text.rfind("\n", lo, mid) + 1 or lo
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        if text[start:end] < key:
            lo = end + 1
        else:
            hi = start
    return lo


def _box_lines(text: str) -> list[tuple[str, Choice, str | None]]:
    """(receipt, choice, digest) of each ballot in a stored box. Receipts and digests are
    printable, so neither a tab nor a line break can be part of one."""
    found = []
    for line in text.split("\n") if text else ():
        receipt, mark, digest = line.split("\t")
        found.append((receipt, _MARKED[mark], digest or None))
    return found


def _box_of(cur: Any, sql: _Sql, village: str, sitting: str, vote: str) -> list[tuple[str, Choice, str | None]]:
    cur.execute(sql.box_of, (village, sitting, vote))
    row = cur.fetchone()
    return _box_lines(row[0]) if row is not None else []


def _open_boxes(cur: Any, sql: _Sql, village: str, entries: Sequence[Entry], seen: dict) -> None:
    """Make an empty box for each secret vote that opens."""
    for entry in entries:
        if entry.type == "vote_opened" and entry.payload["secret"]:
            key = (entry.payload["sitting"], entry.payload["vote"])
            cur.execute(sql.box_open, (village, *key))
            seen[key] = ""


def _fill_boxes(driver: Any, sql: _Sql, village: str, private: Sequence[Any], state: VillageState,
                seen: dict) -> list[tuple[tuple[str, str], Any]]:
    """Write the private events: each box that received a ballot is written whole, as the state
    after the command holds it, in place of the text last seen; a sealed card count replaces the
    vote's. Returns each box's key and the cursor of its write, whose count the caller checks."""
    cur = driver.cursor()
    cast: dict[tuple[str, str], set[str]] = {}
    for event in private:
        key = (event.sitting, event.vote)
        if type(event) is CardCountSealed:
            cur.execute(sql.seal, (village, *key, canonical(encode(event.tally)).decode(), event.nonce))
        else:
            cast.setdefault(key, set()).add(event.receipt)
    written = []
    for key, receipts in cast.items():
        vote = state.votes.get(key[0])
        if vote is None or vote.id != key[1]:
            continue  # closed by the same command: the close publishes it, and empties the box
        before = seen.get(key, "")
        text = _box_text(before, vote, receipts)
        box = driver.cursor()
        box.execute(sql.box_write, (text, village, *key, before))
        written.append((key, box))
        seen[key] = text
    return written


def _close_boxes(cur: Any, sql: _Sql, village: str, entries: Sequence[Entry], seen: dict) -> None:
    """For each secret vote that closes: the box in the database must hold exactly the ballots
    its closing entry publishes (ballots slipped into the box, or taken out, behind the process's
    back are refused here, whatever the process cached); then the box and the sealed count are
    emptied — the closing entry holds the ballots, and nothing per ballot stays behind."""
    for entry in entries:
        if entry.type == "vote_closed" and entry.payload["receipts_digest"] is not None:
            sitting, vote = entry.payload["sitting"], entry.payload["vote"]
            held = sorted((receipt, choice.value) for receipt, choice, _ in
                          _box_of(cur, sql, village, sitting, vote))
            published = [(b["receipt"], b["choice"]) for b in entry.payload["ballots"]]
            if held != published:
                raise BallotBoxMismatch("err_box_mismatch", vote=vote, ballots=len(held),
                                        participants=len(published))
            cur.execute(sql.empty_box, (village, sitting, vote))
            cur.execute(sql.unseal, (village, sitting, vote))
            seen.pop((sitting, vote), None)


class _SqlWriter:
    """The writer :meth:`SqlRepository.writing` yields."""

    def __init__(self, conn: Connection, village: str, locked: _Head | None, cached: _Cached,
                 pipeline: Any) -> None:
        self.conn, self.village, self.locked, self.pipeline = conn, village, locked, pipeline
        self.state, self.head, self.box_version = cached.state, cached.head, cached.box_version
        self.box_rows = cached.box_rows
        self.stored: _Cached | None = None
        self.wrote_box = self.emptied_box = False

    def append(self, entries: Sequence[Entry], private: Sequence[Any],
               state: VillageState) -> None:
        self.stored = _write(self.conn, self.village, self.locked, self.head, self.box_version,
                             entries, private, state, self.pipeline, self.box_rows)
        self.wrote_box = self.wrote_box or bool(private)
        self.emptied_box = self.emptied_box or any(
            e.type == "vote_closed" and e.payload["receipts_digest"] is not None for e in entries)


def _entry(row: Any) -> Entry:
    return Entry(row.height, row.parent_hash, row.type, json.loads(row.payload), row.time, row.hash)



def _fold_wal(driver: Any, wait_ms: int) -> bool:
    """Fold SQLite's write-ahead log into the database and truncate it, waiting at most
    ``wait_ms`` for readers and writers; whether the log is now empty."""
    driver.execute(f"PRAGMA busy_timeout={wait_ms}")
    try:
        busy, frames, _ = driver.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        driver.execute("PRAGMA busy_timeout=60000")
    return not busy and frames <= 0


def _vacuum_box(conn: Connection) -> None:
    """After a box is emptied at the close on PostgreSQL, vacuum its old row versions now (its
    write-ahead log is the server's: see docs/security.md). On SQLite, :class:`_WalFolder`."""
    driver = conn.connection.driver_connection
    with suppress(Exception):
        driver.autocommit = True
        try:
            driver.execute("VACUUM ballot_box")
        finally:
            driver.autocommit = False


class _WalFolder:
    """Folds SQLite's write-ahead log after each ballot, off the voter's path.

    After a ballot is committed the log holds the box's previous text beside its new one, with the
    voter's ``took_part`` entry in the same commit: compared, they name the ballot. A thread of
    this process folds the log into the database and truncates it as soon as a ballot asks — one
    fold for however many ballots came meanwhile — without waiting for readers; while they keep it
    from truncating, it tries again every few milliseconds until the log is empty. The ballot's
    answer does not wait for it (on a busy sitting that cost a sixth of the throughput); the close
    of a secret vote, which empties the box, waits for it a moment. Deleted rows and freed pages
    are zeroed (``secure_delete``, deliberate.store.engine), so folded, the old text is gone."""

    _RETRY = 0.02  # seconds between tries while readers keep the log from being truncated
    _GATHER = 0.05  # seconds a fold waits for the ballots that follow, so that one fold covers them
    _IDLE = 5.0  # seconds without a ballot before the thread leaves
    _TRIES = 250  # tries in a row (five seconds) before waiting for the next ballot to try again

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._wanted = threading.Event()
        self._done = threading.Condition()
        self._asked = self._folded = 0  # ballots that asked for a fold; those a fold has covered
        self._thread: threading.Thread | None = None
        self._pid = 0

    def request(self) -> None:
        with self._done:
            self._asked += 1
            if self._thread is None or self._pid != os.getpid() or not self._thread.is_alive():
                self._pid = os.getpid()  # one thread per process: a forked worker starts its own
                self._thread = threading.Thread(target=self._run, name="deliberate-wal-fold",
                                                daemon=True)
                self._thread.start()
            self._wanted.set()  # under the lock: the thread cannot be leaving unseen

    def settle(self, timeout: float = 10.0) -> bool:
        """Wait until a fold has covered every ballot so far; False if not within ``timeout``."""
        with self._done:
            return self._done.wait_for(lambda: self._folded >= self._asked, timeout)

    def _run(self) -> None:
        failures = 0
        while True:
            if not self._wanted.wait(self._IDLE):
                with self._done:  # nothing asked for a while: leave (the next ballot starts one)
                    if not self._wanted.is_set():
                        self._thread = None
                        return
                continue
            time.sleep(self._GATHER)
            self._wanted.clear()
            with self._done:
                covering = self._asked
            try:
                with self._engine.connect() as conn:
                    empty = _fold_wal(conn.connection.driver_connection, 0)
            except Exception:  # a database gone or busy: try again shortly
                empty = False
            if empty:
                failures = 0
                with self._done:
                    self._folded = max(self._folded, covering)
                    self._done.notify_all()
            elif (failures := failures + 1) < self._TRIES:
                time.sleep(self._RETRY)
                self._wanted.set()
            # else: held for seconds on end (or the database is gone): wait for the next ballot


def _checked_replay(rows: Sequence[Any], cached: _Cached, head: Checkpoint) -> VillageState:
    """``cached``'s state after the entries ``rows`` (height, parent, type, payload JSON, time,
    hash), each checked on the way; ChainBroken at the first that fails."""
    parent, expected = cached.head.hash, cached.head.height + 1
    state = cached.state
    last = state.last_at
    try:
        for height, parent_hash, type_, payload, time, hash_ in rows:
            if height != expected:
                raise _broken(expected, "an entry removed, inserted or moved")
            if parent_hash != parent or stored_entry_hash(height, parent_hash, type_, payload,
                                                          time) != hash_:
                raise _broken(expected, "the entry was changed after it was written")
            event = decode_event(type_, json.loads(payload), datetime.fromisoformat(time))
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


def _sealed(sitting: str, vote: str, tally: str, nonce: str) -> CardCountSealed:
    return CardCountSealed(at=_NO_TIME, sitting=sitting, vote=vote,
                           tally=Tally(**json.loads(tally)), nonce=nonce)


_MARK = {Choice.APPROVE: "+", Choice.OPPOSE: "-", Choice.ABSTAIN: "0"}  # a choice, in a box's text
_MARKED = {mark: choice for choice, mark in _MARK.items()}


_Seen = dict[tuple[str, str], str]  # (sitting, vote) -> the box's text


def _changed(before: str, text: str) -> str:
    """The lines of a box's ``text`` that may differ from its text ``before``: from the line where
    the two first differ to the line where their common ending begins. A ballot or two written by
    another process since touch a few lines; whether a run of characters is shared is monotone in
    its length, so both ends are found by bisection, each step one comparison in C, without
    splitting or hashing the whole box."""
    n = min(len(before), len(text))
    lo, hi = 0, n
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if before[:mid] == text[:mid]:
            lo = mid
        else:
            hi = mid - 1
    start, lo, hi = lo, 0, n - lo
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if before[len(before) - mid:] == text[len(text) - mid:]:
            lo = mid
        else:
            hi = mid - 1
    # From the start of the line holding the first differing character to the end of the line
    # holding the last.
    first = text.rfind("\n", 0, start) + 1
    last = text.find("\n", len(text) - lo)
    return text[first:last if last >= 0 else len(text)]


def _with_boxes(cur: Any, sql: _Sql, village: str, state: VillageState,
                seen: _Seen | None) -> tuple[VillageState, _Seen]:
    """``state`` with the boxes of its open secret votes as the database holds them now, and their
    texts and lines (for the next time).

    A box's text says nothing of which ballot came last, so a box written since is compared with
    the lines seen last: only the ballots that differ are applied; a box that lost a ballot is
    rebuilt from its text."""
    cur.execute(sql.boxes, (village,))
    held = {(sitting, vote): text for sitting, vote, text in cur.fetchall()}
    seen = seen or {}
    now_seen: _Seen = {}
    for sitting, vote in state.votes.items():
        if not vote.secret:
            continue
        key = (sitting, vote.id)
        text = held.get(key, "")
        now_seen[key] = text
        before = seen.get(key)
        if text == before:
            continue  # as this process last saw it: the state already holds it
        box, codes, electronic = vote.box, vote.codes, vote.electronic
        for receipt, chosen, digest in _box_lines(_changed(before, text) if before is not None else text):
            was = box.get(receipt)
            if was is not chosen:
                electronic = electronic.moved(was, chosen)
            box, codes = box.set(receipt, chosen), codes.set(receipt, digest)
        if len(box) != (text.count("\n") + 1 if text else 0):
            # A ballot gone from the database: read the box as it is.
            ballots = _box_lines(text)
            box = PMap({r: ch for r, ch, _ in ballots})
            codes = PMap({r: d for r, _, d in ballots})
            electronic = Tally.of(box.values())
        if box is not vote.box or codes is not vote.codes:
            state = updated(state, votes=state.votes.set(sitting, updated(
                vote, box=box, codes=codes, electronic=electronic)))
    return _with_sealed_counts(cur, sql, village, state), now_seen


def _with_sealed_counts(cur: Any, sql: _Sql, village: str, state: VillageState) -> VillageState:
    """``state`` with the sealed card count of each open secret vote whose seal it lacks."""
    for sitting, vote in state.votes.items():
        if vote.secret and vote.cards_seal is not None and vote.cards_nonce is None:
            cur.execute(sql.sealed_of, (village, sitting, vote.id))
            found = cur.fetchone()
            if found is not None:
                state = restore_private(state, (_sealed(sitting, vote.id, *found),))
    return state


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
        self._broken: dict[str, tuple[int, ChainBroken]] = {}
        self._folder = _WalFolder(engine) if engine.dialect.name == "sqlite" else None

    def settle(self, timeout: float = 10.0) -> bool:
        """Wait until SQLite's write-ahead log has been folded after the last ballot (a no-op on
        PostgreSQL); False if it is still held after ``timeout`` seconds."""
        return self._folder.settle(timeout) if self._folder is not None else True

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
                            cached = self._caught_up(conn, village, row)
                        except ChainBroken as exc:
                            with self._lock:
                                self._broken[village] = (row.revision, exc)
                                self._cache.pop(village, None)
                            raise
                        self._remember(village, cached)
            # A cache ahead of the row read: a writer of this process committed since; its state
            # is the later one. (A database restored to an earlier point is caught by the next
            # write, whose revision check fails and whose locked retry replays from the start.)
        return cached.state, cached.head

    def mark_broken(self, village: str, broken: ChainBroken) -> None:
        """Serve ``village`` as broken from now on: a whole-record check found what catching up,
        which reads only new entries, could not (a row changed behind this process's back). A
        restored database (its revision moved) is read afresh, and checked again."""
        with self.engine.connect() as conn:
            cur = _cursor(conn)
            cur.execute(_SQL[conn.dialect.name].head, (village,))
            found = cur.fetchone()
        with self._lock:
            self._cache.pop(village, None)
            if found is not None:
                self._broken[village] = (_Head(*found).revision, broken)

    def _remember(self, village: str, cached: _Cached) -> None:
        """Keep ``cached`` unless the cache already holds a later revision (a writer of this
        process may have committed while we read)."""
        with self._lock:
            known = self._cache.get(village)
            if known is None or known.revision <= cached.revision:
                self._cache[village] = cached

    def _caught_up(self, conn: Connection, village: str, row: Any) -> _Cached:
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
        sql = _SQL[conn.dialect.name]
        cur = _cursor(conn)  # raw, so it also works inside a psycopg pipeline
        cur.execute(sql.entries, (village, cached.head.height, row.head_height))
        state = _checked_replay(cur.fetchall(), cached, Checkpoint(row.head_height, row.head_hash))
        seen = cached.box_rows
        if cached.box_version != row.box_version:
            state, seen = _with_boxes(cur, sql, village, state, seen)
        else:
            state = _with_sealed_counts(cur, sql, village, state)
        state = replace(state, revision=row.revision)
        return _Cached(state, Checkpoint(row.head_height, row.head_hash), row.revision,
                       row.box_version, seen)

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
        """The ballots in the boxes of open secret votes and their sealed card counts, in no
        meaningful order (the box keeps none); they carry no time."""
        with self.engine.connect() as conn:
            boxes = conn.execute(select(_B).where(_B.c.village == village)).all()
            counts = conn.execute(select(_C).where(_C.c.village == village)).all()
        for r in boxes:
            for receipt, choice, digest in _box_lines(r.ballots):
                yield SecretBallotCast(at=_NO_TIME, sitting=r.sitting, vote=r.vote, receipt=receipt,
                                       choice=choice, code_digest=digest)
        for r in counts:
            yield _sealed(r.sitting, r.vote, r.tally, r.nonce)

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
        if self._folder is not None and (writer.wrote_box or writer.emptied_box):
            self._folder.request()
            if writer.emptied_box:  # the close waits a moment for it: the box's last pages go
                self._folder.settle(1.0)
        elif writer.emptied_box:
            _vacuum_box(conn)

    def append(self, village: str, expected: Checkpoint, entries: Sequence[Entry],
               private: Sequence[Any], state: VillageState) -> None:
        """The optimistic form: refused with ConcurrencyConflict if ``state`` is stale."""
        with self.engine.connect().execution_options(write=True) as conn:
            with _pipeline(conn) as pipeline, conn.begin():
                locked = _locked_head(conn, village)
                before = self._caught_up(conn, village, locked)
                stored = _write(conn, village, locked, expected, locked.box_version, entries,
                                private, state, pipeline, before.box_rows)
            with self._lock:
                self._cache[village] = stored

    def entry(self, village: str, height: int) -> Entry | None:
        """The entry at ``height``, or None if the record is shorter."""
        with self.engine.connect() as conn:
            row = conn.execute(select(_L).where(_L.c.village == village, _L.c.height == height)).first()
        return _entry(row) if row is not None else None

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

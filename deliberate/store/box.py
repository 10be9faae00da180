"""The ballot box of secret votes, as the store keeps it apart from the chain.

The ballot box keeps no history. Each open secret vote has one row, whose text lists its ballots
(receipt, choice, change-code digest) sorted by receipt — random strings the phones made — so the
row is a function of the set of ballots alone: every write replaces the whole text, and nothing
stored (no column, time, sequence, row order or transaction id) says which ballot came when, or
with whose ``took_part`` entry, even in a copy taken while the vote is open. The close empties the
box (the closing entry publishes the receipts). What the database engine keeps below the tables
of a running server — SQLite's write-ahead log, which is folded in and truncated after each
ballot (:class:`WalFolder`); PostgreSQL's write-ahead log and old row versions — is said in
docs/security.md.

The writer (:mod:`deliberate.store.writer`) calls these in its transaction: :func:`open_boxes`,
:func:`fill_boxes` and :func:`close_boxes` as it appends, :func:`with_boxes` as it catches a
village up on what other processes wrote.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Sequence
from contextlib import suppress
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine

from deliberate.codec import canonical, encode
from deliberate.errors import BallotBoxMismatch
from deliberate.events import CardCountSealed
from deliberate.pmap import PMap
from deliberate.record import Entry
from deliberate.state import VillageState
from deliberate.tally import Choice, Tally
from deliberate.values import updated
from deliberate.village import restore_private

from .statements import Statements

__all__ = ["NO_TIME", "Seen", "WalFolder", "box_lines", "box_of", "box_text", "changed", "close_boxes",
           "fill_boxes", "open_boxes", "sealed", "vacuum_box", "with_boxes", "with_sealed_counts"]

NO_TIME = datetime(1970, 1, 1, tzinfo=UTC)  # the box keeps no time; private events move no clock


def box_text(text: str, vote: Any, receipts: set[str]) -> str:
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


def box_lines(text: str) -> list[tuple[str, Choice, str | None]]:
    """(receipt, choice, digest) of each ballot in a stored box. Receipts and digests are
    printable, so neither a tab nor a line break can be part of one."""
    found = []
    for line in text.split("\n") if text else ():
        receipt, mark, digest = line.split("\t")
        found.append((receipt, _MARKED[mark], digest or None))
    return found


def box_of(cur: Any, sql: Statements, village: str, sitting: str, vote: str) -> list[tuple[str, Choice, str | None]]:
    cur.execute(sql.box_of, (village, sitting, vote))
    row = cur.fetchone()
    return box_lines(row[0]) if row is not None else []


def open_boxes(cur: Any, sql: Statements, village: str, entries: Sequence[Entry], seen: dict) -> None:
    """Make an empty box for each secret vote that opens."""
    for entry in entries:
        if entry.type == "vote_opened" and entry.payload["secret"]:
            key = (entry.payload["sitting"], entry.payload["vote"])
            cur.execute(sql.box_open, (village, *key))
            seen[key] = ""


def fill_boxes(driver: Any, sql: Statements, village: str, private: Sequence[Any], state: VillageState,
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
        text = box_text(before, vote, receipts)
        box = driver.cursor()
        box.execute(sql.box_write, (text, village, *key, before))
        written.append((key, box))
        seen[key] = text
    return written


def close_boxes(cur: Any, sql: Statements, village: str, entries: Sequence[Entry], seen: dict) -> None:
    """For each secret vote that closes: the box in the database must hold exactly the ballots
    its closing entry publishes (ballots slipped into the box, or taken out, behind the process's
    back are refused here, whatever the process cached); then the box and the sealed count are
    emptied — the closing entry holds the ballots, and nothing per ballot stays behind."""
    for entry in entries:
        if entry.type == "vote_closed" and entry.payload["receipts_digest"] is not None:
            sitting, vote = entry.payload["sitting"], entry.payload["vote"]
            held = sorted((receipt, choice.value) for receipt, choice, _ in
                          box_of(cur, sql, village, sitting, vote))
            published = [(b["receipt"], b["choice"]) for b in entry.payload["ballots"]]
            if held != published:
                raise BallotBoxMismatch("err_box_mismatch", vote=vote, ballots=len(held),
                                        participants=len(published))
            cur.execute(sql.empty_box, (village, sitting, vote))
            cur.execute(sql.unseal, (village, sitting, vote))
            seen.pop((sitting, vote), None)


def _fold_wal(driver: Any, wait_ms: int) -> bool:
    """Fold SQLite's write-ahead log into the database and truncate it, waiting at most
    ``wait_ms`` for readers and writers; whether the log is now empty."""
    driver.execute(f"PRAGMA busy_timeout={wait_ms}")
    try:
        busy, frames, _ = driver.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        driver.execute("PRAGMA busy_timeout=60000")
    return not busy and frames <= 0


def vacuum_box(engine: Engine) -> None:
    """After a box is emptied at the close on PostgreSQL, vacuum its old row versions now (its
    write-ahead log is the server's: see docs/security.md). On SQLite, :class:`WalFolder`."""
    with suppress(Exception), engine.connect() as conn:
        driver = conn.connection.driver_connection
        driver.autocommit = True  # VACUUM cannot run in a transaction
        try:
            driver.execute("VACUUM ballot_box")
        finally:
            driver.autocommit = False


class WalFolder:
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


def sealed(sitting: str, vote: str, tally: str, nonce: str) -> CardCountSealed:
    return CardCountSealed(at=NO_TIME, sitting=sitting, vote=vote,
                           tally=Tally(**json.loads(tally)), nonce=nonce)


_MARK = {Choice.APPROVE: "+", Choice.OPPOSE: "-", Choice.ABSTAIN: "0"}  # a choice, in a box's text
_MARKED = {mark: choice for choice, mark in _MARK.items()}


Seen = dict[tuple[str, str], str]  # (sitting, vote) -> the box's text


def changed(before: str, text: str) -> str:
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


def with_boxes(cur: Any, sql: Statements, village: str, state: VillageState,
                seen: Seen | None) -> tuple[VillageState, Seen]:
    """``state`` with the boxes of its open secret votes as the database holds them now, and their
    texts and lines (for the next time).

    A box's text says nothing of which ballot came last, so a box written since is compared with
    the lines seen last: only the ballots that differ are applied; a box that lost a ballot is
    rebuilt from its text."""
    cur.execute(sql.boxes, (village,))
    held = {(sitting, vote): text for sitting, vote, text in cur.fetchall()}
    seen = seen or {}
    now_seen: Seen = {}
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
        for receipt, chosen, digest in box_lines(changed(before, text) if before is not None else text):
            was = box.get(receipt)
            if was is not chosen:
                electronic = electronic.moved(was, chosen)
            box, codes = box.set(receipt, chosen), codes.set(receipt, digest)
        if len(box) != (text.count("\n") + 1 if text else 0):
            # A ballot gone from the database: read the box as it is.
            ballots = box_lines(text)
            box = PMap({r: ch for r, ch, _ in ballots})
            codes = PMap({r: d for r, _, d in ballots})
            electronic = Tally.of(box.values())
        if box is not vote.box or codes is not vote.codes:
            state = updated(state, votes=state.votes.set(sitting, updated(
                vote, box=box, codes=codes, electronic=electronic)))
    return with_sealed_counts(cur, sql, village, state), now_seen


def with_sealed_counts(cur: Any, sql: Statements, village: str, state: VillageState) -> VillageState:
    """``state`` with the sealed card count of each open secret vote whose seal it lacks."""
    for sitting, vote in state.votes.items():
        if vote.secret and vote.cards_seal is not None and vote.cards_nonce is None:
            cur.execute(sql.sealed_of, (village, sitting, vote.id))
            found = cur.fetchone()
            if found is not None:
                state = restore_private(state, (sealed(sitting, vote.id, *found),))
    return state

"""Attacks on the secret ballot by whoever holds the database (SQLite and PostgreSQL).

The attacker is a cadre with the database file, a backup or an export: they read every table with
SQL, order rows by anything, and edit rows behind the application's back. Each test performs the
attack and asserts the secure outcome (docs/security.md, "The secret ballot").
"""

from __future__ import annotations

import json
import os
import random
import secrets
import signal
import subprocess
import sys
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
import workers
from sqlalchemy import text

from deliberate import Ledger
from deliberate import commands as c
from deliberate.errors import BallotBoxMismatch
from deliberate.events import Receipt
from deliberate.record import GENESIS, from_jsonl, next_entry, to_jsonl, verify
from deliberate.store import open_store
from deliberate.tally import Choice, Tally
from deliberate.village import receipts_digest

CHOICES = (Choice.APPROVE, Choice.OPPOSE, Choice.ABSTAIN)
BOX_COLUMNS = {"village", "sitting", "vote", "ballots"}


def _secret_vote(url: str, n: int = 60, changes: int = 10, seed: int = 7, voting: int | None = None):
    """A secret vote of ``n`` voters who vote in roster order, a few seconds apart, with random
    choices; ``changes`` of them, picked at random, change their minds at the end.
    Returns (ledger, voters, {receipt: (code, final choice, person)})."""
    rng = random.Random(seed)
    repo = open_store(url)
    ledger = Ledger("v", repo)
    voters = workers.open_sitting_on(ledger, n, secret=True)
    held, at = {}, workers.VOTING
    for person in voters[:voting]:
        receipt, code, choice = secrets.token_hex(5).upper(), secrets.token_hex(5).upper(), rng.choice(CHOICES)
        at += timedelta(seconds=3)
        ledger.handle(c.CastBallot("s", "v", person, choice, receipt=receipt, change_code=code), at)
        held[receipt] = (code, choice, person)
    for receipt in rng.sample(sorted(held), changes):
        code, choice, person = held[receipt]
        at += timedelta(seconds=3)
        new = CHOICES[(CHOICES.index(choice) + 1) % 3]
        ledger.handle(c.CastBallot("s", "v", person, new, receipt=receipt, change_code=code), at)
        held[receipt] = (code, new, person)
    # The fold of SQLite's write-ahead log runs on its own thread moments after a ballot; a test
    # that then writes to the file behind the app's back waits for it, or meets "database is locked".
    assert repo.settle()
    return ledger, voters, held


def _concordance(ranks: list[int]) -> float:
    """The share of pairs of rows in the same order as their voters took part (0.5: no relation;
    1.0: the order of arrival itself)."""
    pairs = agree = 0
    for i in range(len(ranks)):
        for j in range(i + 1, len(ranks)):
            pairs += 1
            agree += ranks[i] < ranks[j]
    return agree / pairs


def _sql(ledger: Ledger, query: str, **params):
    with ledger.repository.engine.connect() as conn:
        return conn.execute(text(query), params).all()


def _box(ledger: Ledger) -> list[list[str]]:
    """The open vote's box as a copy of the database shows it: (receipt, choice, digest) lines."""
    rows = _sql(ledger, "SELECT ballots FROM ballot_box WHERE vote = 'v'")
    assert len(rows) == 1  # one row for the whole vote
    return [line.split("\t") for line in rows[0][0].split("\n")] if rows[0][0] else []


def test_no_stored_column_or_row_order_links_a_voter_to_a_choice(store_url):
    ledger, voters, held = _secret_vote(store_url)
    took_part = [e for e in ledger.entries() if e.type == "took_part"]
    order = [e.payload["voter"] for e in took_part]  # who took part, in the order they did
    assert len(order) == len(voters)

    # 1. No column of the box holds anything that also dates or orders participation.
    columns = {name for (name,) in _sql(ledger, "SELECT column_name FROM information_schema.columns "
                                                "WHERE table_name = 'ballot_box'")} \
        if ledger.repository.engine.dialect.name == "postgresql" else \
        {row[1] for row in _sql(ledger, "PRAGMA table_info(ballot_box)")}
    assert columns == BOX_COLUMNS
    lines = _box(ledger)
    times = {e.time for e in took_part} | {str(e.height) for e in took_part}
    assert not any(value in times for line in lines for value in line)
    marks = {Choice.APPROVE: "+", Choice.OPPOSE: "-", Choice.ABSTAIN: "0"}
    assert sorted((r, ch) for r, ch, _ in lines) == sorted((r, marks[ch]) for r, (_, ch, _) in held.items())

    # 2. The ballots' order in the box does not follow the order of participation: for every
    # pair of ballots, is the earlier one's voter the earlier to take part? (0.5 is chance; the
    # order of arrival gives 1.0.) The text is sorted by receipt, whatever came first.
    position = {person: i for i, person in enumerate(order)}
    owner = {receipt: person for receipt, (_, _, person) in held.items()}
    receipts = [r for r, _, _ in lines]
    assert receipts == sorted(receipts)
    # 1,770 pairs: chance gives 0.5 ± 0.05; the order of arrival would give 1.0.
    assert 0.3 < _concordance([position[owner[r]] for r in receipts]) < 0.7
    assert _concordance(sorted(position.values())) == 1.0  # the measure sees an order when there is one
    if ledger.repository.engine.dialect.name == "postgresql":
        # The row carries one transaction id — the last ballot's, which every ballot in it shares.
        joined = _sql(ledger, "SELECT count(*) FROM ballot_box b JOIN log_entry l "
                              "ON b.xmin::text = l.xmin::text WHERE l.type = 'took_part'")
        assert joined[0][0] <= 1
    else:
        with pytest.raises(Exception, match="rowid"):  # WITHOUT ROWID: no insertion order to read
            _sql(ledger, "SELECT rowid FROM ballot_box")

    # 3. The per-person projection of a secret vote holds participation only.
    assert {ch for (ch,) in _sql(ledger, "SELECT choice FROM ballot WHERE vote = 'v'")} == {None}

    # 4. After the close the box and the sealed count of the vote are gone: the closing entry
    # publishes the receipts sorted, and nothing per ballot is left in any table.
    ledger.handle(c.CloseVote("s", "v"), workers.VOTING + timedelta(hours=1))
    assert _sql(ledger, "SELECT * FROM ballot_box WHERE vote = 'v'") == []
    assert _sql(ledger, "SELECT * FROM sealed_count WHERE vote = 'v'") == []
    if ledger.repository.engine.dialect.name == "postgresql":
        # The box's old versions, each written with a ballot, are vacuumed with it.
        dead = _sql(ledger, "SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = 'ballot_box'")
        assert dead in ([(0,)], [])
    closing = [e for e in ledger.entries() if e.type == "vote_closed"][-1]
    published = [b["receipt"] for b in closing.payload["ballots"]]
    assert published == sorted(held)  # sorted by receipt: no order of arrival
    assert Tally.of(ch for _, ch, _ in held.values()) == closing.event().electronic
    assert ledger.verify().ok


def test_a_copy_taken_mid_vote_links_no_ballot(store_url):
    """A copy of the database taken while the vote is open, after any ballot: the box is one row
    whose text is a function of the set of ballots, so nothing in it — not PostgreSQL's
    transaction id, not the order of the ballots — singles out the one its last write added."""
    ledger, voters, _ = _secret_vote(store_url, n=30, changes=0, voting=20)
    dialect = ledger.repository.engine.dialect.name
    at = workers.VOTING + timedelta(minutes=30)
    for i, person in enumerate(voters[20:]):
        before = {r for r, _, _ in _box(ledger)}
        receipt = f"LATE-{i:02d}-{secrets.token_hex(4)}"
        at += timedelta(seconds=3)
        ledger.handle(c.CastBallot("s", "v", person, Choice.APPROVE, receipt=receipt,
                                   change_code=f"C-{person}"), at)
        after = _box(ledger)
        assert {r for r, _, _ in after} - before == {receipt}  # (what two copies would show)
        # One copy: the text is the sorted ballots, whatever the last one was.
        assert [r for r, _, _ in after] == sorted(r for r, _, _ in after)
        if dialect == "postgresql":
            # Every ballot in the box has the same transaction id: the row's.
            ids = _sql(ledger, "SELECT xmin::text FROM ballot_box")
            assert len(ids) == 1
        else:
            # SQLite's write-ahead log, which held the box's previous text beside the new one and
            # the voter's took_part entry, is folded into the file and truncated moments after.
            assert ledger.repository.settle()
            wal = Path(ledger.repository.engine.url.database + "-wal")
            assert not wal.exists() or wal.stat().st_size == 0
    ledger.handle(c.CloseVote("s", "v"), workers.VOTING + timedelta(hours=1))
    assert ledger.verify().ok and ledger.state.sittings["s"].results[-1].electronic.cast == 30


def test_the_sqlite_file_mid_vote_holds_each_ballot_once(tmp_path):
    """The SQLite file read byte by byte mid-vote, as a cadre copying it would: each ballot's
    change-code digest appears once — in the box's current text — and no earlier text of the box
    is left in a freed page or the write-ahead log to compare it with."""
    url = f"sqlite:///{tmp_path / 'box.sqlite3'}"
    ledger, _, _ = _secret_vote(url, n=40, changes=10)
    digests = [d for _, _, d in _box(ledger)]
    assert len(digests) == 40
    assert ledger.repository.settle()  # the write-ahead log is folded moments after a ballot
    files = [tmp_path / "box.sqlite3", tmp_path / "box.sqlite3-wal"]
    content = b"".join(f.read_bytes() for f in files if f.exists())
    counts = [content.count(d.encode()) for d in digests]
    assert max(counts) == 1  # no second copy of any ballot, hence no earlier text of the box
    # (A digest that straddles two of the file's pages is not found whole: a few may count 0.)
    assert counts.count(1) >= 30


def test_an_acknowledged_secret_ballot_survives_sigkill(store_url):
    workers.open_sitting(store_url, "v", 400, secret=True)
    script = Path(workers.__file__)
    writer = subprocess.Popen([sys.executable, str(script), "crash-secret", store_url, "v", "1", "400"],
                              stdout=subprocess.PIPE, text=True, env={**os.environ})
    acked = {}
    for line in writer.stdout:
        _, receipt, choice = line.split()
        acked[receipt] = choice
        if len(acked) == 120:
            writer.send_signal(signal.SIGKILL)
            break
    writer.wait(timeout=60)
    assert writer.returncode == -signal.SIGKILL
    ledger = Ledger("v", open_store(store_url, migrate=False))
    box = ledger.state.open_vote("s").box
    assert {r: box[r].value for r in acked} == acked  # every acknowledged ballot, as cast
    assert len(box) == len(ledger.state.open_vote("s").voters)  # and the box matches the chain
    ledger.handle(c.CloseVote("s", "v"), workers.VOTING + timedelta(hours=1))
    assert ledger.verify().ok


def _stuff(ledger: Ledger, n: int) -> None:
    """The attack: ballots slipped into the open vote's box, in receipt order as the box keeps
    them."""
    with ledger.repository.engine.begin() as conn:
        text_ = conn.execute(text("SELECT ballots FROM ballot_box WHERE vote = 'v'")).scalar_one()
        lines = text_.split("\n") + [f"FAKE-{i}\t+\t" for i in range(1, n + 1)]
        conn.execute(text("UPDATE ballot_box SET ballots = :b WHERE vote = 'v'"),
                     {"b": "\n".join(sorted(lines))})


def test_ballots_slipped_into_the_box_stop_the_close(store_url):
    ledger, _, held = _secret_vote(store_url, n=30, changes=0)
    height = ledger.checkpoint.height
    _stuff(ledger, 3)
    # After a restart (a new process reads the box afresh): the close is refused.
    restarted = Ledger("v", open_store(store_url, migrate=False))
    with pytest.raises(BallotBoxMismatch) as refused:
        restarted.handle(c.CloseVote("s", "v"), workers.VOTING + timedelta(hours=1))
    assert refused.value.fields["participants"] == 30 and refused.value.fields["ballots"] > 30
    # The running process, whose next ballot would write the box over the stuffed one, finds it
    # is not the box it last wrote: the ballot is refused, and so is the close.
    receipt = next(iter(held))
    code, choice, person = held[receipt]
    with pytest.raises(BallotBoxMismatch):
        ledger.handle(c.CastBallot("s", "v", person, CHOICES[(CHOICES.index(choice) + 1) % 3],
                                   receipt=receipt, change_code=code), workers.VOTING + timedelta(hours=1))
    with pytest.raises(BallotBoxMismatch):
        ledger.handle(c.CloseVote("s", "v"), workers.VOTING + timedelta(hours=1))
    assert ledger.checkpoint.height == height
    assert "FAKE-1" in _sql(ledger, "SELECT ballots FROM ballot_box")[0][0]  # nothing was written over


def test_a_ballot_taken_out_of_the_box_stops_the_close(store_url):
    ledger, _, held = _secret_vote(store_url, n=20, changes=0)
    with ledger.repository.engine.begin() as conn:
        kept = [line for line in conn.execute(text("SELECT ballots FROM ballot_box")).scalar_one().split("\n")
                if not line.startswith(next(iter(held)) + "\t")]
        conn.execute(text("UPDATE ballot_box SET ballots = :b"), {"b": "\n".join(kept)})
    with pytest.raises(BallotBoxMismatch):
        Ledger("v", open_store(store_url, migrate=False)).handle(
            c.CloseVote("s", "v"), workers.VOTING + timedelta(hours=1))


def test_a_sealed_card_count_changed_in_the_database_stops_the_close(store_url):
    repo = open_store(store_url)
    ledger = Ledger("v", repo)
    voters = workers.open_sitting_on(ledger, 30, secret=True, tellers=True)
    ledger.handle(c.EnterCardCount("s", "v", voters[0], Tally(20, 9, 1), account="counter",
                                   nonce=secrets.token_hex(16)), workers.VOTING)
    ledger.handle(c.ConfirmCardCount("s", "v", voters[1], account="scrutineer"), workers.VOTING)
    with repo.engine.begin() as conn:
        conn.execute(text("UPDATE sealed_count SET tally = :t"),
                     {"t": json.dumps({"abstain": 1, "approve": 9, "oppose": 20})})
    restarted = Ledger("v", open_store(store_url, migrate=False))
    with pytest.raises(BallotBoxMismatch, match="封存"):
        restarted.handle(c.CloseVote("s", "v"), workers.VOTING + timedelta(minutes=5))
    # The same count, untouched, closes: the seal opens with the nonce the closing entry publishes.
    with repo.engine.begin() as conn:
        conn.execute(text("UPDATE sealed_count SET tally = :t"),
                     {"t": json.dumps({"abstain": 1, "approve": 20, "oppose": 9})})
    closed = Ledger("v", open_store(store_url, migrate=False))
    closed.handle(c.CloseVote("s", "v"), workers.VOTING + timedelta(minutes=5))
    assert closed.state.sittings["s"].results[-1].cards == Tally(20, 9, 1) and closed.verify().ok


def test_verify_catches_receipts_that_outnumber_those_who_took_part(store_url, tmp_path):
    """The export rewritten by someone who also recomputes every hash after the change: the
    chain's own links hold, but the closed vote publishes more receipts than people took part."""
    from click.testing import CliRunner

    from deliberate.cli import main as cli

    ledger, _, _ = _secret_vote(store_url, n=12, changes=0)
    ledger.handle(c.CloseVote("s", "v"), workers.VOTING + timedelta(hours=1))
    entries = list(ledger.entries())
    forged, head = [], GENESIS
    for entry in entries:
        event = entry.event()
        if entry.type == "vote_closed":
            ballots = tuple(sorted((*event.ballots, Receipt("ZZZZ-0001", Choice.APPROVE),
                                    Receipt("ZZZZ-0002", Choice.APPROVE)), key=lambda b: b.receipt))
            event = replace(event, ballots=ballots, receipts_digest=receipts_digest(ballots),
                            electronic=Tally.of(b.choice for b in ballots))
        entry = next_entry(head, event)
        forged.append(entry)
        head = entry.checkpoint
    found = verify(forged)
    assert not found.ok and found.first_bad == entries[-1].height
    assert "took part" in found.reason
    path = tmp_path / "forged.jsonl"
    path.write_text("".join(line + "\n" for line in to_jsonl(forged)), encoding="utf-8")
    result = CliRunner().invoke(cli, ["verify", str(path)])
    assert result.exit_code == 1, result.output
    assert str(entries[-1].height) in result.output
    assert verify(from_jsonl(to_jsonl(entries))).ok  # the true export still holds
    # The audit cannot be skipped by dressing the secret vote's close as an open vote's.
    head, dressed = GENESIS, []
    for entry in entries:
        event = entry.event()
        if entry.type == "vote_closed":
            event = replace(event, ballots=(), receipts_digest=None, electronic=Tally(12, 0, 0))
        dressed.append(next_entry(head, event))
        head = dressed[-1].checkpoint
    found = verify(dressed)
    assert not found.ok and found.first_bad == entries[-1].height and "receipts" in found.reason


def test_a_closed_votes_box_leaves_nothing_in_the_sqlite_file(tmp_path):
    """The file itself, read byte by byte (a copy taken after the vote): once the vote closes
    no change-code digest — which only the box ever held — is left in the database or its log."""
    url = f"sqlite:///{tmp_path / 'box.sqlite3'}"
    ledger, _, _ = _secret_vote(url, n=40, changes=10)
    digests = [d for _, _, d in _box(ledger)]
    assert len(digests) == 40
    ledger.handle(c.CloseVote("s", "v"), workers.VOTING + timedelta(hours=1))
    # Copied while the server still runs (its connections open), as a cadre would.
    files = [tmp_path / "box.sqlite3", tmp_path / "box.sqlite3-wal"]
    content = b"".join(f.read_bytes() for f in files if f.exists())
    assert not (tmp_path / "box.sqlite3-wal").exists() or (tmp_path / "box.sqlite3-wal").stat().st_size == 0
    assert not [d for d in digests if d.encode() in content]


def test_a_backup_taken_mid_vote_holds_each_ballot_once(tmp_path):
    """``sqlite3 deliberate.sqlite3 ".backup copy"`` (the backup the storage guide gives) taken
    right after a ballot, before anything is folded: the copy holds the box as it stands — each
    ballot once, no earlier text of the box to compare it with."""
    import sqlite3

    url = f"sqlite:///{tmp_path / 'box.sqlite3'}"
    ledger, voters, _ = _secret_vote(url, n=40, changes=0, voting=39)
    ledger.handle(c.CastBallot("s", "v", voters[39], Choice.OPPOSE, receipt="LAST-0001",
                               change_code="CODE-0001"), workers.VOTING + timedelta(minutes=30))
    source = sqlite3.connect(tmp_path / "box.sqlite3")
    with sqlite3.connect(tmp_path / "copy.sqlite3") as copy:
        source.backup(copy)
    source.close()
    digests = [d for _, _, d in _box(ledger)]
    content = (tmp_path / "copy.sqlite3").read_bytes()
    counts = [content.count(d.encode()) for d in digests]
    assert max(counts) == 1 and counts.count(1) >= 30

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
BOX_COLUMNS = {"village", "sitting", "vote", "slot", "receipt", "choice", "code_digest"}


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
    rows = _sql(ledger, "SELECT * FROM ballot_box WHERE receipt IS NOT NULL")
    times = {e.time for e in took_part} | {str(e.height) for e in took_part}
    assert not any(str(value) in times for row in rows for value in row)
    assert len(rows) == len(voters)

    # 2. No key of the box, and on SQLite not even the table's own order, follows the order of
    # participation: for every pair of rows, is the earlier row's voter the earlier to take part?
    # (0.5 is chance; the order of arrival gives 1.0.) PostgreSQL's heap order, like its
    # transaction ids, follows the writes while the vote is open: docs/security.md says so, and
    # (4) checks that nothing is left after the close.
    position = {person: i for i, person in enumerate(order)}
    owner = {receipt: person for receipt, (_, _, person) in held.items()}
    orders = ["ORDER BY slot", "ORDER BY receipt", "ORDER BY code_digest", "ORDER BY choice, slot"]
    if ledger.repository.engine.dialect.name != "postgresql":
        orders.append("")  # WITHOUT ROWID: a plain scan (an export, .dump) is the key's order
        with pytest.raises(Exception, match="rowid"):  # and there is no rowid to sort by
            _sql(ledger, "SELECT rowid FROM ballot_box")
    for how in orders:
        receipts = [r for (r,) in _sql(ledger, f"SELECT receipt FROM ballot_box WHERE receipt IS NOT NULL {how}")]
        # 1,770 pairs: chance gives 0.5 ± 0.05; the order of arrival would give 1.0.
        assert 0.3 < _concordance([position[owner[r]] for r in receipts]) < 0.7, how
    assert _concordance(sorted(position.values())) == 1.0  # the measure sees an order when there is one

    # 3. The per-person projection of a secret vote holds participation only.
    assert {ch for (ch,) in _sql(ledger, "SELECT choice FROM ballot WHERE vote = 'v'")} == {None}

    # 4. After the close the box and the sealed count of the vote are gone: the closing entry
    # publishes the receipts sorted, and nothing per ballot is left in any table.
    ledger.handle(c.CloseVote("s", "v"), workers.VOTING + timedelta(hours=1))
    assert _sql(ledger, "SELECT * FROM ballot_box WHERE vote = 'v'") == []
    assert _sql(ledger, "SELECT * FROM sealed_count WHERE vote = 'v'") == []
    if ledger.repository.engine.dialect.name == "postgresql":
        # While the vote was open, a row of the box and its voter's took_part entry shared
        # PostgreSQL's transaction id (docs/security.md says so); after the close no row is left
        # to join, and the vacuum has taken their dead versions.
        joined = _sql(ledger, "SELECT count(*) FROM ballot_box b JOIN log_entry l "
                              "ON b.xmin::text = l.xmin::text WHERE l.type = 'took_part'")
        assert joined == [(0,)]
        dead = _sql(ledger, "SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = 'ballot_box'")
        assert dead in ([(0,)], [])
    closing = [e for e in ledger.entries() if e.type == "vote_closed"][-1]
    published = [b["receipt"] for b in closing.payload["ballots"]]
    assert published == sorted(held)  # sorted by receipt: no order of arrival
    assert Tally.of(ch for _, ch, _ in held.values()) == closing.event().electronic
    assert ledger.verify().ok


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
    """The attack: ballots slipped into the open vote's box (into empty slots, and as new rows)."""
    with ledger.repository.engine.begin() as conn:
        conn.execute(text("UPDATE ballot_box SET receipt = 'FAKE-1', choice = 'approve' WHERE slot = "
                          "(SELECT MIN(slot) FROM ballot_box WHERE receipt IS NULL)"))
        for i in range(2, n + 1):
            conn.execute(text("INSERT INTO ballot_box (village, sitting, vote, slot, receipt, choice) "
                              "VALUES ('v', 's', 'v', :slot, :receipt, 'approve')"),
                         {"slot": f"ff{i:030d}", "receipt": f"FAKE-{i}"})


def test_ballots_slipped_into_the_box_stop_the_close(store_url):
    ledger, _, held = _secret_vote(store_url, n=30, changes=0)
    height = ledger.checkpoint.height
    _stuff(ledger, 3)
    # After a restart (a new process reads the box afresh): the close is refused.
    restarted = Ledger("v", open_store(store_url, migrate=False))
    with pytest.raises(BallotBoxMismatch) as refused:
        restarted.handle(c.CloseVote("s", "v"), workers.VOTING + timedelta(hours=1))
    assert refused.value.fields["participants"] == 30 and refused.value.fields["ballots"] > 30
    # The running process reads the box again as soon as it is written (here: a voter changes
    # their ballot); then it refuses too, and nothing is recorded.
    receipt = next(iter(held))
    code, choice, person = held[receipt]
    ledger.handle(c.CastBallot("s", "v", person, CHOICES[(CHOICES.index(choice) + 1) % 3],
                               receipt=receipt, change_code=code), workers.VOTING + timedelta(hours=1))
    with pytest.raises(BallotBoxMismatch):
        ledger.handle(c.CloseVote("s", "v"), workers.VOTING + timedelta(hours=1))
    assert ledger.checkpoint.height == height


def test_a_ballot_taken_out_of_the_box_stops_the_close(store_url):
    ledger, _, held = _secret_vote(store_url, n=20, changes=0)
    with ledger.repository.engine.begin() as conn:
        conn.execute(text("DELETE FROM ballot_box WHERE receipt = :r"), {"r": next(iter(held))})
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
    with ledger.repository.engine.connect() as conn:
        digests = [d for (d,) in conn.execute(text("SELECT code_digest FROM ballot_box "
                                                   "WHERE receipt IS NOT NULL"))]
    assert len(digests) == 40
    ledger.handle(c.CloseVote("s", "v"), workers.VOTING + timedelta(hours=1))
    # Copied while the server still runs (its connections open), as a cadre would.
    files = [tmp_path / "box.sqlite3", tmp_path / "box.sqlite3-wal"]
    content = b"".join(f.read_bytes() for f in files if f.exists())
    assert not (tmp_path / "box.sqlite3-wal").exists() or (tmp_path / "box.sqlite3-wal").stat().st_size == 0
    assert not [d for d in digests if d.encode() in content]


def test_a_copy_taken_mid_vote_links_at_most_the_ballots_since_the_last_mix(store_url, monkeypatch):
    """A copy of the database taken while the vote is open. Every few box writes the whole box is
    written afresh; what a copy can still join to a took_part entry is at most what came since."""
    import deliberate.store.repository as repository

    monkeypatch.setattr(repository, "_MIX_EVERY", 16)
    ledger, voters, held = _secret_vote(store_url, n=53, changes=0, voting=48)  # the 48th mixes
    dialect = ledger.repository.engine.dialect.name

    def one_to_one() -> list[int]:
        joined = _sql(ledger, "SELECT l.height, count(*) FROM ballot_box b JOIN log_entry l "
                              "ON b.xmin::text = l.xmin::text WHERE l.type = 'took_part' GROUP BY l.height")
        return [h for h, n in joined if n == 1]

    if dialect == "postgresql":
        # Every slot now carries the mixing transaction's id: no ballot stands alone.
        assert one_to_one() == []
        position = {e.payload["voter"]: i for i, e in enumerate(
            e for e in ledger.entries() if e.type == "took_part")}
        owner = {r: person for r, (_, _, person) in held.items()}
        heap = [r for (r,) in _sql(ledger, "SELECT receipt FROM ballot_box WHERE receipt IS NOT NULL")]
        assert 0.3 < _concordance([position[owner[r]] for r in heap]) < 0.7  # the heap's order: chance
    else:
        # The ballots' pages were folded into the file and the write-ahead log truncated.
        wal = Path(ledger.repository.engine.url.database + "-wal")
        assert not wal.exists() or wal.stat().st_size == 0
    at = workers.VOTING + timedelta(minutes=30)
    for person in voters[48:]:
        at += timedelta(seconds=3)
        ledger.handle(c.CastBallot("s", "v", person, Choice.APPROVE, receipt=f"LATE-{person}",
                                   change_code=f"C-{person}"), at)
    if dialect == "postgresql":
        assert len(one_to_one()) <= 5  # at most the ballots since the mix
    ledger.handle(c.CloseVote("s", "v"), workers.VOTING + timedelta(hours=1))
    assert ledger.verify().ok and ledger.state.sittings["s"].results[-1].electronic.cast == 53

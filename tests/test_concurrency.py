"""Many writers at once, and a writer killed mid-burst: no acknowledged ballot is ever lost."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import workers
from sqlalchemy import select

from deliberate import Ledger, Tally
from deliberate.store import open_store
from deliberate.store.models import BallotRow
from deliberate.tally import Choice

WORKERS = 6


def _ballot_rows(url: str) -> dict[str, str | None]:
    store = open_store(url, migrate=False)
    t = BallotRow.__table__
    with store.engine.connect() as conn:
        rows = conn.execute(select(t.c.voter, t.c.choice)).all()
    store.engine.dispose()
    assert len(rows) == len({r.voter for r in rows})  # one row per voter
    return {r.voter: r.choice for r in rows}


def test_1500_ballots_from_parallel_workers_are_each_recorded_once(store_url):
    voters = workers.open_sitting(store_url, "v", 1500)
    chunks = [voters[i::WORKERS] for i in range(WORKERS)]
    with multiprocessing.get_context("spawn").Pool(WORKERS) as pool:
        acked = [a for part in pool.starmap(workers.cast_all,
                                            [(store_url, "v", chunk) for chunk in chunks])
                 for a in part]
    assert len(acked) == 1500 and len({v for v, _ in acked}) == 1500
    assert _ballot_rows(store_url) == dict(acked)
    store = open_store(store_url, migrate=False)
    ledger = Ledger("v", store)
    counts = Counter(choice for _, choice in acked)
    assert ledger.state.open_vote("s").electronic == Tally(counts["approve"], counts["oppose"],
                                                           counts["abstain"])
    ballots = [e.payload["voter"] for e in ledger.entries() if e.type == "ballot_cast"]
    assert sorted(ballots) == sorted(voters)  # each exactly once in the chain
    assert ledger.verify().ok
    assert Ledger("v", open_store(store_url, migrate=False)).rebuild() == ledger.state


def test_one_voter_casting_twice_at_the_same_instant_has_one_ballot(store_url):
    voters = workers.open_sitting(store_url, "v", 30)
    same, different = voters[:10], voters[10:20]
    ctx = multiprocessing.get_context("spawn")
    for group, choices in ((same, ("approve", "approve")), (different, ("approve", "oppose"))):
        barrier = ctx.Manager().Barrier(2)
        with ctx.Pool(2) as pool:
            results = pool.starmap(workers.cast_at_once,
                                   [(store_url, "v", group, choice, barrier) for choice in choices])
        for i, voter in enumerate(group):
            recorded = [r[i] for r in results]
            if choices[0] == choices[1]:
                # One request recorded the ballot; the other found it already there.
                assert sorted(recorded) == ["", "ballot_cast"], (voter, recorded)
            else:
                assert recorded == ["ballot_cast", "ballot_cast"], (voter, recorded)
    rows = _ballot_rows(store_url)
    assert set(rows) == set(same + different)
    assert all(rows[v] == "approve" for v in same)
    ledger = Ledger("v", open_store(store_url, migrate=False))
    tally = ledger.state.open_vote("s").electronic
    assert tally.cast == 20  # each voter counted once, whatever the order
    assert Counter(rows.values()) == Counter({c.value: tally.count(c) for c in Choice
                                              if tally.count(c)})
    assert ledger.verify().ok


def test_a_writer_killed_mid_burst_loses_no_acknowledged_ballot(store_url):
    voters = workers.open_sitting(store_url, "v", 600)
    script = Path(__file__).with_name("workers.py")
    writer = subprocess.Popen([sys.executable, str(script), "crash", store_url, "v", "1", "600"],
                              stdout=subprocess.PIPE, text=True, env={**os.environ})
    acked = []
    for line in writer.stdout:
        acked.append(line.split()[1])
        if len(acked) == 150:
            writer.send_signal(signal.SIGKILL)
            break
    writer.wait(timeout=60)
    assert writer.returncode == -signal.SIGKILL
    rows = _ballot_rows(store_url)
    assert set(acked) <= set(rows)  # every acknowledged ballot is there
    assert len(rows) < len(voters)  # the burst really was cut short
    store = open_store(store_url, migrate=False)
    ledger = Ledger("v", store)
    assert ledger.verify().ok
    in_chain = {e.payload["voter"] for e in ledger.entries() if e.type == "ballot_cast"}
    assert in_chain == set(rows)
    # After the restart the sitting goes on.
    rest = [v for v in voters if v not in rows]
    workers.cast_all(store_url, "v", rest[:5])
    assert Ledger("v", open_store(store_url, migrate=False)).state.open_vote("s").electronic.cast \
        == len(rows) + 5


def _threads(ledger, voters, extra=()):
    """Every voter's ballot from 16 threads at once; (voter, entries or the error) for each."""
    from concurrent.futures import ThreadPoolExecutor

    from deliberate import commands as c

    def cast(voter):
        try:
            return voter, ledger.handle(c.CastBallot("s", "v", voter, workers.choice_for(voter)
                                                     if voter.startswith("p0") else Choice.APPROVE),
                                        workers.VOTING)
        except Exception as exc:
            return voter, exc

    with ThreadPoolExecutor(16) as pool:
        return dict(pool.map(cast, [*voters, *extra]))


def test_threads_of_one_worker_are_written_together_each_as_if_alone(store_url):
    """A web worker's threads queue for the village; the one writing takes the others' commands
    into its transaction. Every caller still gets its own entry, or its own refusal."""
    voters = workers.open_sitting(store_url, "v", 300)
    store = open_store(store_url, migrate=False)
    ledger = Ledger("v", store)
    before = store.snapshot("v").revision
    outcome = _threads(ledger, voters, extra=["p9998", "p9999"])  # not in the body
    from deliberate import DeliberateError

    assert all(isinstance(outcome[v], DeliberateError) for v in ("p9998", "p9999"))
    for voter in voters:
        (entry,) = outcome[voter]
        assert entry.payload["voter"] == voter and entry.payload["choice"] == workers.choice_for(voter).value
    assert ledger.verify().ok
    assert sorted(e.payload["voter"] for e in ledger.entries() if e.type == "ballot_cast") == voters
    assert _ballot_rows(store_url) == {v: workers.choice_for(v).value for v in voters}
    assert Ledger("v", open_store(store_url, migrate=False)).rebuild() == ledger.state
    assert store.snapshot("v").revision - before <= len(voters)  # never more writes than commands


def test_waiting_commands_share_one_write(store_url):
    """With a slow commit (a disk that makes fsync cost milliseconds), the commands that queue
    behind it go in together."""
    import threading
    import time

    voters = workers.open_sitting(store_url, "v", 120)
    store = open_store(store_url, migrate=False)
    commits = []

    def _slow():  # before the driver's COMMIT, while the transaction holds the village
        time.sleep(0.01)
        commits.append(1)

    store.before_commit(_slow)

    ledger = Ledger("v", store)
    threads = threading.active_count()  # other tests' stores may have left their WAL folders
    outcome = _threads(ledger, voters)
    assert all(len(outcome[v]) == 1 for v in voters)
    assert len(commits) < len(voters) / 2, len(commits)  # grouped, not one by one
    assert ledger.verify().ok and ledger.rebuild() == ledger.state
    assert ledger.state.open_vote("s").electronic.cast == len(voters)
    assert Ledger("v", open_store(store_url, migrate=False)).state == ledger.state
    assert threading.active_count() <= threads  # the writer starts no thread of its own
    store.close()

"""The store's writer (deliberate.store.writer): the one place that keeps locks, queues and the
optimistic check; the ledger only decides, hands the decision over, and decides again.

The concurrency tests proper (many processes, a writer killed mid-burst, threads of one worker)
are in test_concurrency.py.
"""

from __future__ import annotations

import ast
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import workers

from deliberate import ConcurrencyConflict, InMemoryRepository, Ledger, Tally
from deliberate import commands as c
from deliberate.store import SqlRepository, make_engine, open_store
from deliberate.tally import Choice

ROOT = Path(__file__).resolve().parent.parent


def _cast_all(ledger, voters, threads=16):
    """Every voter's ballot from ``threads`` threads at once: (voter, entries or the error)."""

    def cast(voter):
        try:
            return voter, ledger.handle(c.CastBallot("s", "v", voter, workers.choice_for(voter)),
                                        workers.VOTING)
        except Exception as exc:
            return voter, exc

    with ThreadPoolExecutor(threads) as pool:
        return dict(pool.map(cast, voters))


def _count_commits(store, pause=0.0, fail=None):
    """The commits of ``store``'s writing transactions, each made ``pause`` seconds slow (a disk
    whose fsync costs milliseconds); ``fail(n)`` true makes the n-th commit fail."""
    commits = []

    def _commit():  # before the driver's COMMIT: the transaction still holds the village
        commits.append(1)
        time.sleep(pause)
        if fail is not None and fail(len(commits)):
            raise OSError("the disk failed")

    store.before_commit(_commit)
    return commits


def test_the_ledger_keeps_no_threads_queues_or_module_state():
    """Concurrency lives in the store: the core's ledger imports nothing to wait with and keeps
    nothing between calls at module level."""
    tree = ast.parse((ROOT / "deliberate" / "ledger.py").read_text(encoding="utf-8"))
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module and node.level == 0}
    assert imported.isdisjoint({"threading", "weakref", "queue", "concurrent", "multiprocessing",
                                "asyncio"}), imported
    import deliberate.ledger as ledger

    mutable = {name for name, value in vars(ledger).items()
               if isinstance(value, (dict, list, set)) and not name.startswith("__")}
    assert mutable == set(), mutable


def test_the_in_memory_repository_is_correct_under_threads():
    """Single-process use, many threads: each ballot is recorded once, decided on the latest state."""
    ledger = Ledger("v", InMemoryRepository())
    voters = workers.open_sitting_on(ledger, 120)
    outcome = _cast_all(ledger, voters)
    assert all(len(outcome[v]) == 1 for v in voters)
    assert ledger.verify().ok and ledger.rebuild() == ledger.state
    assert ledger.state.open_vote("s").electronic.cast == len(voters)


def test_a_secret_ballot_elsewhere_makes_a_kept_state_stale(store_url):
    """A changed secret ballot adds nothing to the chain: the head stays where it was. The state
    another process keeps is stale all the same, and a command decided on it is refused at the
    commit — by the store's own count of writes, not by anything in the state — then decided
    again on the state with the ballot."""
    voters = workers.open_sitting(store_url, "v", 5, secret=True)
    a, b = open_store(store_url, migrate=False), open_store(store_url, migrate=False)
    ballot = dict(receipt="R1", change_code="C1")
    Ledger("v", a).handle(c.CastBallot("s", "v", voters[0], Choice.APPROVE, **ballot), workers.VOTING)
    kept = b.snapshot("v")  # b keeps the village as it is now
    Ledger("v", a).handle(c.CastBallot("s", "v", voters[0], Choice.OPPOSE, **ballot), workers.VOTING)
    assert a.snapshot("v").head == kept.head  # the head did not move; the store's revision did
    assert a.snapshot("v").revision == kept.revision + 1
    second = c.CastBallot("s", "v", voters[1], Choice.APPROVE, receipt="R2", change_code="C2")
    with pytest.raises(ConcurrencyConflict):
        b.write("v", Ledger.decision(second, workers.VOTING))
    assert [e.type for e in Ledger("v", b).handle(second, workers.VOTING)] == ["took_part"]
    for store in (a, b, open_store(store_url, migrate=False)):
        assert Ledger("v", store).state.open_vote("s").electronic == Tally(1, 1, 0)
    a.close(), b.close()


@pytest.mark.parametrize("group_commit", [True, False])
def test_group_commit_writes_queued_commands_together_and_can_be_turned_off(store_url, group_commit):
    """What bench/group_commit_bench.py compares: queued commands in one transaction, or each in
    its own. Either way every caller gets its own entry."""
    voters = workers.open_sitting(store_url, "v", 60)
    store = SqlRepository(make_engine(store_url), group_commit=group_commit)
    commits = _count_commits(store, pause=0.005)
    ledger = Ledger("v", store)
    outcome = _cast_all(ledger, voters)
    assert all(len(outcome[v]) == 1 for v in voters)
    if group_commit:
        assert len(commits) < len(voters) / 2, len(commits)
    else:
        assert len(commits) == len(voters)
    assert ledger.state.open_vote("s").electronic.cast == len(voters)
    assert ledger.verify().ok
    store.close()


def test_a_failed_commit_fails_every_command_of_its_group_and_records_none(store_url):
    """A transaction that fails (here, the disk) takes every command it held with it: each caller
    hears of the failure, none of them is recorded, and the commands after it go on."""
    voters = workers.open_sitting(store_url, "v", 60)
    store = open_store(store_url, migrate=False)
    commits = _count_commits(store, pause=0.005, fail=lambda n: n in (2, 3))
    ledger = Ledger("v", store)
    outcome = _cast_all(ledger, voters)
    failed = {v for v, got in outcome.items() if isinstance(got, OSError)}
    recorded = {v for v, got in outcome.items() if not isinstance(got, Exception)}
    assert failed and recorded and failed | recorded == set(voters), outcome
    assert len(commits) > 3
    for reader in (store, open_store(store_url, migrate=False)):
        in_chain = {e.payload["voter"] for e in Ledger("v", reader).entries() if e.type == "ballot_cast"}
        assert in_chain == recorded
        assert Ledger("v", reader).state.open_vote("s").electronic.cast == len(recorded)
    assert ledger.verify().ok and ledger.rebuild() == ledger.state
    store.close()


class _Counting:
    """A repository that counts the conflicts its writes report."""

    def __init__(self, inner):
        self.inner, self.conflicts = inner, 0
        self.lock = threading.Lock()

    def write(self, village, decision):
        try:
            return self.inner.write(village, decision)
        except ConcurrencyConflict:
            with self.lock:
                self.conflicts += 1
            raise

    def __getattr__(self, name):
        return getattr(self.inner, name)


def test_a_group_that_lost_a_race_is_decided_again(store_url):
    """Another process wrote while this one's group was decided on its cache: the whole group is
    refused at the commit, and every command of it is decided again — none lost, none twice."""
    voters = workers.open_sitting(store_url, "v", 80)
    mine, theirs = open_store(store_url, migrate=False), open_store(store_url, migrate=False)
    mine.load("v")
    Ledger("v", theirs).handle(c.CastBallot("s", "v", voters[0], Choice.APPROVE), workers.VOTING)
    _count_commits(mine, pause=0.002)
    counting = _Counting(mine)
    ledger = Ledger("v", counting)
    outcome = _cast_all(ledger, voters[1:])
    assert counting.conflicts >= 1
    assert all(len(outcome[v]) == 1 for v in voters[1:]), outcome
    fresh = Ledger("v", open_store(store_url, migrate=False))
    ballots = [e.payload["voter"] for e in fresh.entries() if e.type == "ballot_cast"]
    assert sorted(ballots) == voters
    assert fresh.state.open_vote("s").electronic.cast == len(voters) and fresh.verify().ok
    mine.close(), theirs.close()


# -- side records: kept with the entries, or not at all --------------------------------------


def test_side_records_are_kept_with_the_entry_or_not_at_all(store_url):
    """A contact and a file ride with the command that brought them: accepted, they are in the
    database with its entry; refused, neither is (no second transaction to undo, no file left
    behind)."""
    import hashlib
    from datetime import date

    from deliberate.errors import DeliberateError
    from deliberate.store.private import ContactRecord, FileRecord, load_file, personal

    store = open_store(store_url)
    ledger = Ledger("v", store)
    at = workers.VOTING
    ledger.handle(c.LodgeSubmission("q1", at.date(), "路灯坏了"), at,
                  side=[ContactRecord("submission", "q1", "张三", "138", at)])
    assert personal(store.engine, "v", "submission")["q1"].name == "张三"
    height = ledger.checkpoint.height
    with pytest.raises(DeliberateError):
        ledger.handle(c.LodgeSubmission("q2", at.date(), ""), at,  # empty text: refused
                      side=[ContactRecord("submission", "q2", "李四", "139", at),
                            FileRecord("a.jpg", "image/jpeg", b"bytes of a refused photo", at)])
    assert ledger.checkpoint.height == height and "q2" not in personal(store.engine, "v", "submission")
    assert load_file(store.engine, "v", hashlib.sha256(b"bytes of a refused photo").hexdigest()) is None
    # Two commands together: both recorded, or — the second refused — neither, nor the contact.
    with pytest.raises(DeliberateError):
        ledger.handle_together([c.LodgeSubmission("q3", at.date(), "修桥"),
                                c.AnswerSubmission("q3", date(1999, 1, 1), "", by="p1")], at,
                               side=[ContactRecord("submission", "q3", "王五", None, at)])
    assert ledger.checkpoint.height == height and "q3" not in ledger.state.submissions
    assert "q3" not in personal(store.engine, "v", "submission")


def test_the_writers_connections_are_its_own_not_the_pools(store_url):
    """The writer keeps its connection between commands (deliberate.store.connections), outside
    the engine's pool: while it writes, the pool lends nothing; between commands the pool's
    requests and reads find every slot free, and the writer reuses one driver connection."""
    voters = workers.open_sitting(store_url, "v", 5)
    store = open_store(store_url, migrate=False)
    seen = []

    def inside():  # in the writing transaction, before its COMMIT
        seen.append(store.engine.pool.checkedout())

    store.before_commit(inside)
    drivers = set()
    ledger = Ledger("v", store)
    for voter in voters:
        ledger.handle(c.CastBallot("s", "v", voter, Choice.APPROVE), workers.VOTING)
        drivers |= {id(h.driver) for h in store._writer._connections._idle}
    assert seen == [0] * len(voters)
    assert len(drivers) == 1  # one connection, kept from ballot to ballot
    assert ledger.state.open_vote("s").electronic.approve == len(voters)
    store.close()
    assert store._writer._connections._idle == []


def test_a_writing_connection_the_server_dropped_is_replaced(pg_url):
    """PostgreSQL closes the writer's idle connection (a restart, an idle timeout, an admin's
    pg_terminate_backend): the next ballot is recorded on a new connection, not refused."""
    import psycopg

    from deliberate.store import connections

    voters = workers.open_sitting(pg_url, "v", 3)
    store = open_store(pg_url, migrate=False)
    ledger = Ledger("v", store)
    ledger.handle(c.CastBallot("s", "v", voters[0], Choice.APPROVE), workers.VOTING)
    (held,) = store._writer._connections._idle
    with psycopg.connect(pg_url.replace("postgresql+psycopg://", "postgresql://"),
                         autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (held.driver.info.backend_pid,))
    held.idle_since -= connections.PING_AFTER_IDLE  # idle long enough to be pinged before use
    ledger.handle(c.CastBallot("s", "v", voters[1], Choice.OPPOSE), workers.VOTING)
    (fresh,) = store._writer._connections._idle
    assert fresh is not held and held.driver.closed
    # Dropped while fresh (no ping): that ballot fails, the connection is thrown away, the next
    # ballot is recorded.
    with psycopg.connect(pg_url.replace("postgresql+psycopg://", "postgresql://"),
                         autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (fresh.driver.info.backend_pid,))
    with pytest.raises(psycopg.OperationalError):
        ledger.handle(c.CastBallot("s", "v", voters[2], Choice.APPROVE), workers.VOTING)
    ledger.handle(c.CastBallot("s", "v", voters[2], Choice.APPROVE), workers.VOTING)
    assert Ledger("v", open_store(pg_url, migrate=False)).state.open_vote("s").electronic == Tally(2, 1, 0)
    store.close()

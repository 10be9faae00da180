"""The Ledger's public behaviour, on the in-memory repository and on the SQL store alike.

Only what a front end relies on is tested here — ``handle``, ``state``, ``checkpoint``,
``entries``, ``verify`` and ``rebuild`` — never how the Ledger gets there (its batching and
retrying are internals, free to change).
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from helpers import Village

from deliberate import (
    AlreadyExists,
    DeliberateError,
    IllegalAction,
    InvalidInput,
    Ledger,
    NotFound,
    Stage,
    Tally,
)
from deliberate import commands as c
from deliberate.ledger import CLOCK_SKEW
from deliberate.procedure import STATUTORY
from deliberate.record import Checkpoint
from deliberate.repository import InMemoryRepository
from deliberate.store import open_store
from deliberate.tally import Choice


def _repositories(store_url):
    """An in-memory repository and the SQL store at ``store_url``: each test runs on both."""
    return [("memory", InMemoryRepository()), ("sql", open_store(store_url))]


def _snapshot(ledger: Ledger):
    """Everything a refused command must leave as it was."""
    return (ledger.state, ledger.checkpoint, list(ledger.entries()),
            sorted(map(repr, ledger.repository.private_events(ledger.village))))


def _in_session(v: Village, mid: str = "m1", *, secret: bool = False):
    """A matter's sitting in session, everyone present, a vote open."""
    v.raise_matter(mid)
    s = v.convene(mid)
    voters = sorted(v.state.sittings[s].roster.voters)
    for p in voters:
        v.do(c.CheckIn(s, p))
    v.do(c.OpenSitting(s, by="p0001"))
    v.do(c.OpenVote(s, "v1", mid, "提议", secret=secret))
    return s, voters


@pytest.mark.parametrize("name", ["", "   ", None, 7])
def test_a_ledger_needs_a_village(name):
    with pytest.raises(InvalidInput):
        Ledger(name)


def test_handle_records_what_a_command_causes_and_returns_it(store_url):
    for kind, repository in _repositories(store_url):
        v = Village("v", repository)
        ledger = v.ledger
        assert ledger.checkpoint.height == 0 and list(ledger.entries()) == [] and ledger.verify().ok
        (entry,) = ledger.handle(c.RaiseMatter("m1", "修路", STATUTORY, by="p0001"), v.tick())
        assert (entry.height, entry.type) == (1, "matter_raised"), kind
        assert ledger.checkpoint == entry.checkpoint and list(ledger.entries()) == [entry]
        assert ledger.state.matters["m1"].stage is Stage.PROPOSAL
        s = v.convene("m1")
        more = ledger.handle(c.CheckIn(s, sorted(v.state.sittings[s].roster.voters)[0]), v.tick())
        heights = [e.height for e in ledger.entries()]
        assert heights == list(range(1, len(heights) + 1)) and more[-1].height == heights[-1]
        # Another Ledger on the same repository is the same village.
        assert Ledger("v", repository).state == ledger.state
        assert Ledger("w", repository).checkpoint.height == 0


def test_a_refused_command_raises_its_error_and_changes_nothing(store_url):
    for kind, repository in _repositories(store_url):
        v = Village("v", repository)
        s, voters = _in_session(v, secret=True)
        v.do(c.CastBallot(s, "v1", voters[0], Choice.APPROVE, receipt="R0", change_code="C0"))
        before = _snapshot(v.ledger)
        for command, error in [
            (c.RaiseMatter("m1", "重复", STATUTORY, by="p0001"), AlreadyExists),
            (c.CheckIn("nowhere", voters[0]), NotFound),
            (c.CloseNotice("m1", v.today), IllegalAction),
            (c.CastBallot(s, "v1", voters[0], Choice.OPPOSE, receipt="R0", change_code="wrong"), DeliberateError),
            (c.CastBallot(s, "v1", "p9999", Choice.APPROVE, receipt="R9", change_code="C9"), DeliberateError),
            ("not a command", InvalidInput),
        ]:
            with pytest.raises(error):
                v.ledger.handle(command, v.tick())
            assert _snapshot(v.ledger) == before, (kind, command)
        # Nothing was spent: the next accepted command takes the next height.
        (entry,) = v.do(c.CastBallot(s, "v1", voters[1], Choice.OPPOSE, receipt="R1", change_code="C1"))
        assert entry.height == before[1].height + 1 and v.ledger.verify().ok


def test_a_command_with_nothing_to_record_returns_no_entries(store_url):
    for _, repository in _repositories(store_url):
        v = Village("v", repository)
        s, voters = _in_session(v)
        assert len(v.do(c.CastBallot(s, "v1", voters[0], Choice.APPROVE))) == 1
        head = v.ledger.checkpoint
        assert v.do(c.CastBallot(s, "v1", voters[0], Choice.APPROVE)) == ()  # the same ballot again
        assert v.ledger.checkpoint == head


def test_a_secret_ballot_is_chained_without_its_choice_and_rebuild_restores_it(store_url):
    for kind, repository in _repositories(store_url):
        v = Village("v", repository)
        s, voters = _in_session(v, secret=True)
        (entry,) = v.do(c.CastBallot(s, "v1", voters[0], Choice.OPPOSE, receipt="R0", change_code="C0"))
        assert entry.type == "took_part" and "choice" not in entry.payload and "receipt" not in entry.payload
        assert v.do(c.CastBallot(s, "v1", voters[0], Choice.APPROVE, receipt="R0", change_code="C0")) == ()
        v.do(c.CastBallot(s, "v1", voters[1], Choice.ABSTAIN, receipt="R1", change_code="C1"))
        assert v.state.open_vote(s).electronic == Tally(1, 0, 1), kind
        assert v.ledger.rebuild() == v.state  # the box's ballots, applied after the chain
        if kind == "sql":  # a new process: a fresh repository on the same database
            again = Ledger("v", open_store(store_url, migrate=False))
            assert again.state == v.state and again.rebuild() == v.state


def test_rebuild_equals_the_state_after_a_whole_procedure(store_url):
    for kind, repository in _repositories(store_url):
        v = Village("v", repository)
        v.to_stage("m1", Stage.DONE)
        v.to_stage("m2", Stage.REJECTED)
        assert v.ledger.rebuild() == v.state, kind
        assert v.ledger.verify().ok


def test_verify_checks_the_chain_against_a_printed_checkpoint(store_url):
    for _, repository in _repositories(store_url):
        v = Village("v", repository)
        v.to_stage("m1", Stage.CONSULTATION)
        printed = v.ledger.checkpoint
        check = v.ledger.verify(printed)
        assert check.ok and check.head == printed
        assert v.ledger.verify(Checkpoint(printed.height, "f" * 64)).ok is False  # another chain
        assert v.ledger.verify(Checkpoint(printed.height + 5, printed.hash)).ok is False  # cut short
        v.do(c.AmendPlan("m1", "新方案", by="p0001"))
        assert v.ledger.verify(printed).ok  # a chain that grew still holds what was printed


def test_entries_from_a_height(store_url):
    for _, repository in _repositories(store_url):
        v = Village("v", repository)
        v.to_stage("m1", Stage.CONSULTATION)
        every = list(v.ledger.entries())
        assert [e.height for e in every] == list(range(1, len(every) + 1))
        assert list(v.ledger.entries(3)) == every[2:]
        assert list(v.ledger.entries(0)) == every
        assert list(v.ledger.entries(len(every) + 1)) == []


def test_a_command_a_moment_behind_the_record_is_recorded_at_its_latest_time(store_url):
    """Workers read the clock before they queue for a village: one that waited behind another
    carries a moment-earlier time. The record's time never goes back; a clock far behind is an
    error, not a queue."""
    for _, repository in _repositories(store_url):
        v = Village("v", repository)
        v.raise_matter("m1")
        last = v.state.last_at
        for behind in (timedelta(seconds=3), CLOCK_SKEW):  # CLOCK_SKEW behind is still a moment
            (entry,) = v.ledger.handle(c.AmendPlan("m1", "queued", by="p0001"), last - behind)
            assert entry.time == last.isoformat() and v.ledger.verify().ok
        before = _snapshot(v.ledger)
        with pytest.raises(InvalidInput):
            v.ledger.handle(c.AmendPlan("m1", "x", by="p0001"), last - CLOCK_SKEW - timedelta(seconds=1))
        assert _snapshot(v.ledger) == before


def _at_once(ledger: Ledger, commands: list, now) -> list:
    """Each command handled by a thread of its own, all released at once: what each caller got."""
    start, outcome = threading.Barrier(len(commands)), [None] * len(commands)

    def handle(i: int) -> None:
        start.wait()
        try:
            outcome[i] = ledger.handle(commands[i], now)
        except DeliberateError as refused:
            outcome[i] = refused

    threads = [threading.Thread(target=handle, args=(i,)) for i in range(len(commands))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcome


def test_commands_from_many_threads_are_each_recorded_once(store_url):
    """Threads of a web worker during a vote: every accepted ballot is in the chain exactly once,
    each refused one (a voter not present) raises for its own caller only."""
    for kind, repository in _repositories(store_url):
        v = Village("v", repository)
        v.raise_matter("m1")
        s = v.convene("m1")
        voters = sorted(v.state.sittings[s].roster.voters)
        present, absent = voters[:-1], voters[-1:]
        for p in present:
            v.do(c.CheckIn(s, p))
        v.do(c.OpenSitting(s, by="p0001"))
        v.do(c.OpenVote(s, "v1", "m1", "提议"))
        got = dict(zip(voters, _at_once(v.ledger, [c.CastBallot(s, "v1", p, Choice.APPROVE) for p in voters],
                                        v.tick()), strict=True))
        assert all(len(got[p]) == 1 for p in present), kind
        assert all(isinstance(got[p], DeliberateError) for p in absent)
        cast_by = [e.payload["voter"] for e in v.ledger.entries() if e.type == "ballot_cast"]
        assert sorted(cast_by) == present
        assert v.state.open_vote(s).electronic == Tally(len(present), 0, 0)
        assert v.ledger.verify().ok and v.ledger.rebuild() == v.state

"""Worker processes for the concurrency and crash tests (importable by spawned children, and
runnable as ``python tests/workers.py crash URL VILLAGE``)."""

from __future__ import annotations

import os
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from deliberate import Ledger, rules
from deliberate import commands as c
from deliberate.bodies import Body
from deliberate.procedure import Procedure, Stage, Step, StepKind
from deliberate.rules.model import Wording
from deliberate.store import open_store
from deliberate.tally import Choice
from deliberate.testing import sample_roster

CST = timezone(timedelta(hours=8))
ON = date(2026, 6, 1)
T0 = datetime(2026, 5, 1, 8, tzinfo=CST)
VOTING = datetime(2026, 6, 1, 9, 30, tzinfo=CST)
CHOICES = (Choice.APPROVE, Choice.OPPOSE, Choice.ABSTAIN)
ONE_STEP = Procedure("one_step", Wording("一步", "一步", "one step"),
                     (Step(Stage.PROPOSAL, StepKind.SITTING, 1, "villagers_meeting"),))


def open_sitting(url: str, village: str, adults: int, secret: bool = False) -> list[str]:
    """A villagers' meeting of ``adults`` with everyone checked in and a vote open; the voters."""
    store = open_store(url)
    voters = open_sitting_on(Ledger(village, store), adults, secret)
    store.close()
    return voters


def open_sitting_on(ledger: Ledger, adults: int, secret: bool = False, tellers: bool = False) -> list[str]:
    """The same on any ledger (with ``tellers``, the first two voters count and scrutinise)."""
    body = sample_roster(adults=adults, households=max(1, adults // 3), on=ON).body(
        Body.VILLAGERS_MEETING, ON)
    ledger.handle(c.RaiseMatter("m", "并发测试", ONE_STEP, by="p"), T0)
    ledger.handle(c.ConveneSitting("s", rules.preset("villagers_meeting"), body, ("m",),
                                   datetime(2026, 6, 1, 9, tzinfo=CST), date(2026, 5, 1), "广场",
                                   by="p"), T0)
    voters = sorted(body.voters)
    for p in voters:
        ledger.handle(c.CheckIn("s", p), T0)
    if tellers:
        ledger.handle(c.AppointTellers("s", (voters[0],), (voters[1],)), T0)
    ledger.handle(c.OpenSitting("s", by="p"), T0)
    ledger.handle(c.OpenVote("s", "v", "m", "表决", secret=secret), T0)
    return voters


def choice_for(voter: str) -> Choice:
    return CHOICES[int(voter[1:]) % 3]


def cast_all(url: str, village: str, voters: list[str]) -> list[tuple[str, str]]:
    """Cast each voter's ballot; return the acknowledged ones."""
    store = open_store(url, migrate=False)
    ledger = Ledger(village, store)
    acked = []
    for voter in voters:
        ledger.handle(c.CastBallot("s", "v", voter, choice_for(voter)), VOTING)
        acked.append((voter, choice_for(voter).value))
    store.close()
    return acked


def cast_at_once(url: str, village: str, voters: list[str], choice: str, barrier) -> list[str]:
    """For each voter, wait for the other process and cast at the same instant."""
    store = open_store(url, migrate=False)
    ledger = Ledger(village, store)
    out = []
    for voter in voters:
        barrier.wait()
        entries = ledger.handle(c.CastBallot("s", "v", voter, Choice(choice)), VOTING)
        out.append(",".join(e.type for e in entries))
    store.close()
    return out


def crash_writer(url: str, village: str, voters: list[str]) -> None:
    """Cast ballots one after another, printing each one as soon as it is acknowledged."""
    store = open_store(url, migrate=False)
    ledger = Ledger(village, store)
    for voter in voters:
        ledger.handle(c.CastBallot("s", "v", voter, choice_for(voter)), VOTING)
        print(f"ACK {voter}", flush=True)


def crash_secret_writer(url: str, village: str, voters: list[str]) -> None:
    """Secret ballots one after another, printing each receipt and choice once acknowledged."""
    store = open_store(url, migrate=False)
    ledger = Ledger(village, store)
    for voter in voters:
        receipt = f"R-{voter}-{os.urandom(4).hex()}"
        ledger.handle(c.CastBallot("s", "v", voter, choice_for(voter), receipt=receipt,
                                   change_code=os.urandom(6).hex()), VOTING)
        print(f"ACK {receipt} {choice_for(voter).value}", flush=True)


if __name__ == "__main__":
    mode, url, village, first, count = sys.argv[1:6]
    people = [f"p{n:04d}" for n in range(int(first), int(first) + int(count))]
    if mode == "crash":
        crash_writer(url, village, people)
    elif mode == "crash-secret":
        crash_secret_writer(url, village, people)

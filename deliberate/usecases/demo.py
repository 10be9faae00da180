"""The demo village: a roster of 320 adults and matters at every step of the procedure, told as a
story that ends today, and a party members' meeting convened and ready to run in the hall."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta

from deliberate.demo import build_demo, convene_live
from deliberate.ledger import Ledger
from deliberate.record import Checkpoint
from deliberate.store import SqlRepository
from deliberate.store.roster import save_roster
from deliberate.testing import sample_roster

__all__ = ["DemoVillage", "install_demo"]


@dataclass(frozen=True)
class DemoVillage:
    """The demo as installed (``new``) or as found."""

    village: str
    new: bool
    checkpoint: Checkpoint
    people: int = 0
    matters: int = 0


def install_demo(store: SqlRepository, now: datetime, *, village: str = "demo",
                 name: str = "示范村", secret: bytes | None = None) -> DemoVillage:
    """Install the demo village into ``store`` unless a village of that id exists. ``now``: the
    day the story ends (aware); ``secret``: what the demo's receipts are made from (random by
    default; fixed in tests, for a repeatable record)."""
    if village in dict(store.villages()):
        return DemoVillage(village, False, Ledger(village, store).checkpoint)
    start = datetime.combine(now.date() - timedelta(days=150), datetime.min.time(), now.tzinfo) \
        + timedelta(hours=8)
    roster = sample_roster(adults=320, minors=60, households=96, on=start.date(), party_full=40,
                           party_probationary=3, branch=5, village_committee=5, overlap=2,
                           supervisory=3, representatives=30, groups=4)
    store.create_village(village, name)
    save_roster(store.engine, village, people=roster.people.values(),
                households=roster.households.values(), memberships=roster.memberships,
                seats=roster.seats, representations=roster.representations,
                kinships=roster.kinships)
    ledger = Ledger(village, store)
    driver = build_demo(ledger, roster, start, os.urandom(16) if secret is None else secret)
    if driver.now > now:  # the story must end in the past, or real use would be refused
        raise RuntimeError("the demo story runs into the future")
    convene_live(ledger, roster, now)  # a party members' meeting ready to run in the hall
    return DemoVillage(village, True, ledger.checkpoint, len(roster.people), len(ledger.state.matters))

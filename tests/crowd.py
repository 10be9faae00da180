"""A village of 1,500 adults in 450 households and 10 villager groups, with a villagers' meeting
convened and ready to run in the hall (issue 11 §3, "1,500 present"): for the crowd tests and
bench/checkin_bench.py. Its accounts (crowdchair, crowdclerk, …) have the demo's password."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from deliberate import Ledger
from deliberate import commands as c
from deliberate.demo import Driver, convene_live
from deliberate.procedure import Stage
from deliberate.store.roster import save_roster
from deliberate.testing import sample_roster

__all__ = ["ACCOUNTS", "PASSWORD", "SITTING", "VILLAGE", "check_in_all", "crowd_app", "install_crowd"]

VILLAGE, SITTING, PASSWORD = "crowd", "meeting", "demo1234"
ACCOUNTS = (("crowdchair", {"chair"}, "主持人", "p0001"), ("crowdclerk", {"clerk"}, "村委文书", "p0002"),
            ("crowdcounter", {"counter"}, "计票人", "p0009"), ("crowdscrutineer", {"scrutineer"}, "监票人", "p0010"))
CST = ZoneInfo("Asia/Shanghai")


def install_crowd(store, *, adults: int = 1500, households: int = 450, groups: int = 10):
    """The crowd village in ``store``: its roster, a matter at the villagers' meeting, and that
    meeting convened (not yet opened) with its tellers appointed. Returns the roster."""
    from webui.auth import add_account

    now = datetime.now(CST)
    start = now - timedelta(days=60)
    roster = sample_roster(adults=adults, households=households, on=start.date(), party_full=40,
                           branch=5, village_committee=5, overlap=2, supervisory=3,
                           representatives=30, groups=groups)
    store.create_village(VILLAGE, "人多村")
    save_roster(store.engine, VILLAGE, people=roster.people.values(), households=roster.households.values(),
                memberships=roster.memberships, seats=roster.seats,
                representations=roster.representations, kinships=roster.kinships)
    ledger = Ledger(VILLAGE, store)
    driver = Driver(ledger, roster, start)
    driver.raise_matter("road", "硬化村内主干道", amount=20_000_000, plan="硬化主干道3公里。")
    driver.to_stage("road", Stage.RESOLUTION)
    convene_live(ledger, roster, now - timedelta(minutes=5), "road", SITTING)
    for username, roles, name, person in ACCOUNTS:
        add_account(store, username, PASSWORD, roles, name, village=VILLAGE, person=person)
    return roster


def check_in_all(store, people=None) -> list[str]:
    """Check ``people`` (default: every attendee) in, straight through the ledger; returns them."""
    ledger = Ledger(VILLAGE, store)
    attendees = sorted(ledger.state.sittings[SITTING].roster.attendees) if people is None else list(people)
    at = datetime.now(CST)
    for person in attendees:
        ledger.handle(c.CheckIn(SITTING, person), at)
    return attendees


def crowd_app(database, **config):
    """The web app on a fresh SQLite file holding only the crowd village."""
    from webui import create_app

    app = create_app({"DATABASE_URL": f"sqlite:///{database}", "SECRET_KEY": str(database), "TESTING": True,
                      **config})
    install_crowd(app.extensions["deliberate"])
    return app

"""The test driver: deliberate.demo.Driver on the tests' small village."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from deliberate import Ledger
from deliberate.demo import DEMO_CONTACTS, Driver
from deliberate.testing import sample_roster

CST = timezone(timedelta(hours=8))
START = datetime(2026, 3, 2, 9, 0, tzinfo=CST)
ON = START.date()
ROSTER = sample_roster(adults=60, households=20, on=ON, party_full=12, party_probationary=2,
                       branch=5, village_committee=5, overlap=2, supervisory=3,
                       representatives=10)
CONTACTS = DEMO_CONTACTS


class Village(Driver):
    """A ledger (in memory, or on the repository given) for the tests' village."""

    def __init__(self, village: str = "v", repository=None) -> None:
        super().__init__(Ledger(village, repository), ROSTER, START)


def demo_app(database, **config):
    """The web app on a fresh SQLite file with the demo village installed."""
    return demo_app_at(f"sqlite:///{database}", **{"SECRET_KEY": str(database), **config})


def demo_app_at(url, **config):
    """The web app on the empty database at ``url`` (SQLite or PostgreSQL) with the demo village
    installed."""

    from webui import create_app
    from webui.demo import ensure_demo

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": url, "TESTING": True, **config})
    ensure_demo(app.extensions["deliberate"])
    return app


def demo_driver(app):
    """A driver on the app's demo village, a minute after its last entry, whose sittings are
    numbered apart from the demo's."""
    from deliberate.store.roster import load_roster

    store = app.extensions["deliberate"]
    ledger = Ledger("demo", store)
    driver = Driver(ledger, load_roster(store.engine, "demo"), ledger.state.last_at + timedelta(minutes=1))
    driver.sittings = 900
    return ledger, driver


def open_demo_vote(store, present):
    """On the demo's live sitting: check ``present`` of its voters in, open it, and open a vote
    (not secret, not timed) on its matter, at this moment in the web UI's time zone. Returns the
    voters present and those absent."""
    from zoneinfo import ZoneInfo

    from deliberate import commands as c

    ledger = Ledger("demo", store)
    now = datetime.now(ZoneInfo("Asia/Shanghai"))
    voters = sorted(ledger.state.sittings["live"].roster.voters)
    for person in voters[:present]:
        ledger.handle(c.CheckIn("live", person), now)
    ledger.handle(c.OpenSitting("live", by="p0001"), now)
    ledger.handle(c.OpenVote("live", "v1", "channel", "审议"), now)
    return voters[:present], voters[present:]

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
    from click.testing import CliRunner

    from deliberate.cli import main as cli
    from webui import create_app
    from webui.demo import ensure_demo

    app = create_app({"DATABASE_URL": f"sqlite:///{database}", "SECRET_KEY": str(database),
                      "TESTING": True, **config})
    runner = CliRunner()
    ensure_demo(app.extensions["deliberate"], lambda argv: runner.invoke(cli, argv))
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

"""The test driver: deliberate.demo.Driver on the tests' small village."""

from __future__ import annotations

import atexit
import os
import shutil
import sqlite3
import tempfile
import time
import uuid
from contextlib import closing, suppress
from datetime import datetime, timedelta, timezone
from pathlib import Path

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
    installed.

    Installing the demo writes about a thousand entries (seconds, more on PostgreSQL), so it is
    installed once per process and backend and the database at ``url`` starts as a copy of that
    one (:func:`copy_of`). ``ensure_demo`` still runs on it, as on a real restart, and finds it."""

    from webui import create_app
    from webui.demo import ensure_demo

    copy_of(url, "webui-demo", _install_demo)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": url, "TESTING": True, **config})
    ensure_demo(app.extensions["deliberate"])
    return app


def demo_database(path) -> None:
    """A SQLite file at ``path`` (not there yet) with the demo village, as a copy."""
    copy_of(f"sqlite:///{path}", "webui-demo", _install_demo)


def _install_demo(url: str) -> None:
    """The demo installed at ``url`` as the web app installs it, with its accounts."""
    from webui import create_app
    from webui.demo import ensure_demo

    store = create_app({"DATABASE_URL": url, "SECRET_KEY": url, "TESTING": True}).extensions["deliberate"]
    ensure_demo(store)
    store.close()


# What copy_of made, by name and backend: (made at, the template, what ``install`` returned). The
# demo's story ends on the day it is installed and its live sitting is convened at that moment, so
# a copy is at most TEMPLATE_AGE old and never from another day (in the demo's time zone); past
# that, the template is made afresh.
TEMPLATE_AGE = timedelta(minutes=20)
_TEMPLATES: dict[tuple[str, str], tuple[datetime, str, object]] = {}


def copy_of(url: str, name: str, install):
    """Make the empty database at ``url`` (a SQLite file not yet there or empty, or a PostgreSQL
    database with nothing in it) a copy of the database ``install(url)`` makes, and return what
    ``install`` returned. ``install`` runs once per process, backend and ``name``, into a template
    (a file, or a database dropped when the process ends), and must close its connections."""
    backend = "sqlite" if url.startswith("sqlite:///") else "postgresql"
    now = datetime.now(CST)
    made = _TEMPLATES.get((name, backend))
    if made is None or now - made[0] > TEMPLATE_AGE or made[0].date() != now.date():
        template, result = (_sqlite_template if backend == "sqlite" else _pg_template)(url, install)
        made = _TEMPLATES[(name, backend)] = (now, template, result)
    if backend == "sqlite":
        target = Path(url.removeprefix("sqlite:///"))
        if target.exists() and target.stat().st_size:
            raise AssertionError(f"a copy goes to an empty database, not {target}")
        shutil.copyfile(made[1], target)
    else:
        _pg_from_template(url, made[1])
    return made[2]


def _sqlite_template(url: str, install) -> tuple[str, object]:
    """A file made by ``install``, compacted into one file (no WAL) by VACUUM INTO."""
    folder = Path(tempfile.mkdtemp(prefix="deliberate-template-"))
    atexit.register(shutil.rmtree, folder, True)
    made, template = folder / "installed.sqlite3", folder / "template.sqlite3"
    result = install(f"sqlite:///{made}")
    with closing(sqlite3.connect(made)) as conn:
        conn.execute("VACUUM INTO ?", (str(template),))
    return str(template), result


def _pg_admin(url: str) -> tuple[str, str]:
    """Where to connect (psycopg) to create and drop databases — the tests' own database, as
    tests/conftest.py does — and the name of the database at ``url``."""
    base, name = url.replace("postgresql+psycopg://", "postgresql://").rsplit("/", 1)
    admin = os.environ.get("DELIBERATE_TEST_PG_URL", f"{base}/postgres")
    return admin.replace("postgresql+psycopg://", "postgresql://"), name


def _pg_template(url: str, install) -> tuple[str, object]:
    """A database (dropped when the process ends) made by ``install``, on ``url``'s server."""
    import psycopg

    admin, _ = _pg_admin(url)
    name = f"deliberate_demo_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    atexit.register(_pg_drop, admin, name)
    result = install(url.rsplit("/", 1)[0] + "/" + name)
    with psycopg.connect(admin, autocommit=True) as conn:  # nor autovacuum, which would block copies
        conn.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false')
    return name, result


def _pg_from_template(url: str, template: str) -> None:
    """Make the (empty) database at ``url`` again, as a copy of ``template``."""
    import psycopg

    admin, name = _pg_admin(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        for attempt in range(40):  # a template in use (an autovacuum worker's last round) cannot be copied
            try:
                conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
                return
            except psycopg.errors.ObjectInUse:
                if attempt == 39:
                    raise
                time.sleep(0.25)


def _pg_drop(admin: str, name: str) -> None:
    import psycopg

    with suppress(psycopg.Error), psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


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

"""Fixtures shared by the store's tests: a database URL for each backend; cheap password hashes.

SQLite always runs. PostgreSQL runs when ``DELIBERATE_TEST_PG_URL`` names a server we can reach
(``scripts/test.sh`` starts the machine's cluster and sets it); each test gets a fresh database.
"""

from __future__ import annotations

import os
import uuid

import pytest

import webui.auth

# Officials' passwords, in this process only, hashed with scrypt at N = 2**10 instead of werkzeug's
# 2**15: the suite makes and checks thousands of them, at a tenth of a second each otherwise. The
# production value is a module constant nothing else can change (see webui/auth.py);
# tests/test_suite_settings.py checks that a fresh interpreter still has it.
webui.auth.PASSWORD_HASH_METHOD = "scrypt:1024:8:1"

PG_ENV = "DELIBERATE_TEST_PG_URL"


def _pg_admin_url() -> str | None:
    return os.environ.get(PG_ENV) or None


def _pg_unavailable_reason() -> str | None:
    url = _pg_admin_url()
    if url is None:
        return f"PostgreSQL not configured ({PG_ENV} is unset; scripts/test.sh sets it)"
    try:
        import psycopg

        with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"),
                             connect_timeout=3):
            return None
    except Exception as exc:  # any failure to connect means: skip, and say why in one line
        return f"PostgreSQL unreachable at {PG_ENV}: {str(exc).splitlines()[0]}"


_PG_REASON = _pg_unavailable_reason()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    """A URL for an empty database of each backend (PostgreSQL is dropped afterwards)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.sqlite3'}"
        return
    yield from _pg_database()


@pytest.fixture
def pg_url():
    """A URL for an empty PostgreSQL database, for what only a database server has."""
    yield from _pg_database()


def _pg_database():
    if _PG_REASON:
        pytest.skip(_PG_REASON)
    import psycopg

    admin = _pg_admin_url().replace("postgresql+psycopg://", "postgresql://")
    name = f"deliberate_t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = admin.rsplit("/", 1)[0]
    yield f"postgresql+psycopg://{base.split('://', 1)[1]}/{name}"
    _drop(psycopg, admin, name)


def _drop(psycopg, admin: str, name: str) -> None:
    """Drop a test database. After a burst of writes PostgreSQL may have an autovacuum worker on
    it, which our role may not terminate (FORCE only ends our own sessions): wait for it."""
    import time

    for attempt in range(40):
        try:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        except (psycopg.errors.InsufficientPrivilege, psycopg.errors.ObjectInUse):
            if attempt == 39:
                raise
            time.sleep(0.25)

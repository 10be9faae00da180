"""Database engines: SQLite by default (a file in the instance folder), PostgreSQL by URL.

SQLite runs in WAL mode with ``synchronous=FULL`` — a ballot is acknowledged only once it is on
disk, so not even a power cut loses it — foreign keys on, and a busy timeout so that writers from
several processes queue instead of failing. PostgreSQL is reached through psycopg 3
(``postgresql+psycopg://user:password@host/db``).
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

__all__ = ["DATABASE_URL_ENV", "default_url", "make_engine", "resolve_url"]

DATABASE_URL_ENV = "DELIBERATE_DATABASE_URL"
INSTANCE_ENV = "DELIBERATE_INSTANCE"


def default_url() -> str:
    """The SQLite file in the instance folder (``./instance``, or ``$DELIBERATE_INSTANCE``)."""
    instance = Path(os.environ.get(INSTANCE_ENV, "instance")).resolve()
    return f"sqlite:///{instance / 'deliberate.sqlite3'}"


def resolve_url(url: str | None = None) -> str:
    """``url``, else ``$DELIBERATE_DATABASE_URL``, else the default SQLite file."""
    url = url or os.environ.get(DATABASE_URL_ENV) or default_url()
    if url.startswith(("postgres://", "postgresql://")):
        # psycopg 3 is the driver we ship with; say so explicitly.
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(url: str | None = None, **kwargs: object) -> Engine:
    """An engine for ``url`` (see :func:`resolve_url`) with the store's settings."""
    url = resolve_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 60, "check_same_thread": False},
                               **kwargs)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            # Let SQLAlchemy, not pysqlite, decide when transactions begin.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=60000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(connection) -> None:  # type: ignore[no-untyped-def]
            # A writing transaction takes the write lock at its start (``write=True``): one that
            # read first and wrote later could fail with SQLITE_BUSY instead of waiting its turn.
            write = connection.get_execution_options().get("write", False)
            # Straight to the driver: this runs for every ballot.
            connection.connection.driver_connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)

"""Database engines: SQLite by default (a file in the instance folder), PostgreSQL by URL.

SQLite runs in WAL mode with ``synchronous=FULL`` — a ballot is acknowledged only once it is on
disk, so not even a power cut loses it — foreign keys on, and a busy timeout so that writers from
several processes queue instead of failing (a writing transaction polls for the write lock:
:func:`deliberate.store.writer.take_write_lock`). PostgreSQL is reached through psycopg 3
(``postgresql+psycopg://user:password@host/db``).

Every command and every read checks a connection out of the engine's pool and returns it when it
ends, so no number of threads can hold the pool. That checkout has to be cheap on the ballot's hot
path: instead of pinging the server on every checkout (``pool_pre_ping``, one round trip each), a
PostgreSQL connection is pinged only when it has sat idle in the pool for more than
:data:`PING_AFTER_IDLE` seconds — the case in which a server restart or an idle timeout can have
closed it unnoticed. The pool hands out the most recently returned connection first, so under a
light load the same few stay warm and the rest idle.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.engine import make_url

from .connections import PING_AFTER_IDLE, take_write_lock

__all__ = ["DATABASE_URL_ENV", "PING_AFTER_IDLE", "default_url", "make_engine", "resolve_url"]

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
    """An engine for ``url`` (see :func:`resolve_url`) with the store's settings.

    Its errors never quote a statement's values: for the ballot box those are receipts and
    choices, and an error's text ends up in logs (``hide_parameters``)."""
    url = resolve_url(url)
    kwargs = {"hide_parameters": True, **kwargs}
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
            # Deleted rows are overwritten, not left in free pages: a closed vote's emptied ballot
            # box leaves nothing behind in the file (docs/security.md).
            cursor.execute("PRAGMA secure_delete=ON")
            cursor.execute("PRAGMA busy_timeout=60000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(connection) -> None:  # type: ignore[no-untyped-def]
            # A writing transaction takes the write lock at its start (``write=True``): one that
            # read first and wrote later could fail with SQLITE_BUSY instead of waiting its turn.
            # How it waits for another process's lock is the writer's business.
            driver = connection.connection.driver_connection  # straight to it: every ballot
            if not connection.get_execution_options().get("write", False):
                driver.execute("BEGIN")
                return
            take_write_lock(driver)

        return engine
    engine = create_engine(url, **{"pool_use_lifo": True, **kwargs})
    _ping_when_idle(engine)
    return engine


def _ping_when_idle(engine: Engine, idle: float = PING_AFTER_IDLE) -> None:
    """Ping a connection on checkout only if it has idled in the pool for ``idle`` seconds.

    A failed ping is a disconnect: the pool drops every connection older than now (a restarted
    server closed them all) and checks out a new one, as ``pool_pre_ping`` would.
    """

    @event.listens_for(engine, "checkin")
    def _returned(dbapi_connection, record) -> None:  # type: ignore[no-untyped-def]
        if dbapi_connection is not None:  # None: it was invalidated and is gone
            record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _taken(dbapi_connection, record, _proxy) -> None:  # type: ignore[no-untyped-def]
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < idle:
            return  # just connected, or in use a moment ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            raise exc.InvalidatePoolError() from error

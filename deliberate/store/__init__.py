"""The store: the core's record made durable on SQLite or PostgreSQL (SQLModel, Alembic).

>>> from deliberate.store import open_store
>>> store = open_store("sqlite://")      # an in-memory database, migrated
>>> store.villages()
[]
"""

from __future__ import annotations

from sqlalchemy import Engine

from .engine import DATABASE_URL_ENV, default_url, make_engine, resolve_url
from .migrate import upgrade
from .repository import SqlRepository

__all__ = ["DATABASE_URL_ENV", "SqlRepository", "address", "default_url", "is_database_error",
           "make_engine", "open_store", "resolve_url", "upgrade"]


def open_store(url: str | None = None, *, migrate: bool = True) -> SqlRepository:
    """A repository on ``url`` (default: the SQLite file in the instance folder), migrated."""
    engine: Engine = make_engine(url)
    if migrate:
        upgrade(engine)
    return SqlRepository(engine)


def is_database_error(exc: BaseException) -> bool:
    """Whether ``exc`` came from the database (unreachable, refused, out of space) rather than
    from deliberate: a front end says so in one line."""
    from sqlalchemy.exc import SQLAlchemyError

    return isinstance(exc, SQLAlchemyError)


def address(store: SqlRepository) -> str:
    """Where ``store`` is, to show a person: its URL without the password."""
    return store.engine.url.render_as_string(hide_password=True)

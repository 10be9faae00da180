"""How often something may be tried — one mechanism for every limit (see
:mod:`deliberate.store.limits`): logging in (:mod:`.accounts`), a villager's objection or submission
from one address, and the receipt and change code typed on one voter's page."""

from __future__ import annotations

from datetime import datetime, timedelta

from deliberate.store import SqlRepository
from deliberate.store import limits as _limits
from deliberate.store.limits import Limit

__all__ = ["HOUR", "Limit", "forget", "try_once", "within"]

HOUR = timedelta(hours=1)


def try_once(store: SqlRepository, kind: str, subject: str, address: str, *, at: datetime, limit: Limit) -> bool:
    """Count an attempt at ``subject`` of ``kind`` from ``address``; whether it is within ``limit``."""
    return _limits.try_once(store.engine, kind, subject, address, at=at, limit=limit)


def within(store: SqlRepository, kind: str, subject: str, address: str, *, at: datetime, limit: Limit) -> bool:
    """Whether one more attempt would be within ``limit``; nothing is counted."""
    return _limits.within(store.engine, kind, subject, address, at=at, limit=limit)


def forget(store: SqlRepository, kind: str, subject: str, address: str) -> None:
    """The attempts at ``subject`` from ``address`` no longer count."""
    _limits.forget(store.engine, kind, subject, address)

"""How often something may be tried: logging in, posting a villagers' public form, typing a
ballot's receipt and change code. One mechanism for all of them, counted in the database (table
``attempt``), so every worker process — and every server of a county sharing one database — counts
the same attempts: a limit kept in one process's memory is twice as loose under two workers, and
forgotten on a restart.

An attempt is a (kind, subject, address, time): the subject is what is tried (a username; a voter
link's digest; "" when the form has none), the address who tries (an IPv4 address or an IPv6 /64;
"" when it does not matter). :class:`Limit` bounds, within its window, the attempts at one
subject from one address and, optionally, the attempts of that kind from one address.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, case, delete, func, insert, select

from .models import AttemptRow

__all__ = ["Limit", "forget", "try_once", "within"]

_T = AttemptRow.__table__


@dataclass(frozen=True, slots=True)
class Limit:
    """At most ``per_subject`` attempts at one subject from one address within ``window``, and —
    if set — ``per_address`` attempts of the kind from one address."""

    window: timedelta
    per_subject: int
    per_address: int | None = None


def _writer(engine: Engine) -> Connection:
    # ``write``: on SQLite the transaction takes the write lock at its start (see engine.py).
    return engine.connect().execution_options(write=True)


# Built once: a ballot changed from a phone asks it on every tap, and building the statement
# cost more than running it.
_COUNT = select(func.coalesce(func.sum(case((_T.c.subject == bindparam("subject"), 1), else_=0)), 0),
                func.count()).where(_T.c.kind == bindparam("kind"), _T.c.address == bindparam("address"),
                                    _T.c.at > bindparam("since"))


def _over(engine: Engine, kind: str, subject: str, address: str, at: datetime, limit: Limit,
          slack: int) -> bool:
    with engine.connect() as conn:
        row: Any = conn.execute(_COUNT, {"subject": subject, "kind": kind, "address": address,
                                         "since": at - limit.window}).one()
    return row[0] >= limit.per_subject + slack or (
        limit.per_address is not None and row[1] >= limit.per_address + slack)


def within(engine: Engine, kind: str, subject: str, address: str, *, at: datetime, limit: Limit) -> bool:
    """Whether one more attempt would still be within ``limit``; nothing is counted."""
    return not _over(engine, kind, subject, address, at, limit, slack=0)


def try_once(engine: Engine, kind: str, subject: str, address: str, *, at: datetime, limit: Limit) -> bool:
    """Count an attempt; whether it is within ``limit`` (if not, refuse what was tried).

    The attempt is written (and committed) before it is counted, so that of any number of attempts
    racing in any number of processes, at most the limit see a count within it. An attempt already
    over the limit is not written, so a flood adds no rows; rows of the kind older than the window
    go as new ones arrive."""
    if _over(engine, kind, subject, address, at, limit, slack=0):
        return False
    with _writer(engine) as conn, conn.begin():
        conn.execute(delete(_T).where(_T.c.kind == kind, _T.c.at <= at - limit.window))
        conn.execute(insert(_T).values(kind=kind, subject=subject, address=address, at=at))
    return not _over(engine, kind, subject, address, at, limit, slack=1)


def forget(engine: Engine, kind: str, subject: str, address: str) -> None:
    """The attempts at ``subject`` from ``address`` no longer count (e.g. the password was right)."""
    with _writer(engine) as conn, conn.begin():
        conn.execute(delete(_T).where(_T.c.kind == kind, _T.c.subject == subject, _T.c.address == address))

"""Officials' accounts, their login sessions, and the recent login attempts that slow guessing.

The web UI decides who may do what; this module only keeps the rows, so that no SQL lives in the
web UI. Three rules hold here, whoever calls:

- a username names one account, in all villages and the county together: :func:`create_account`
  refuses a taken name (:class:`AccountExists`) instead of overwriting it;
- changes made on behalf of a village (:func:`set_password`, :func:`deactivate_account`) touch
  only that village's accounts, and end every session of the account they change;
- a session is a row: the cookie carries a random token, the row its SHA-256, and deleting the row
  (logout, new password, deactivation) ends the session wherever the cookie was copied to.

Login attempts are counted in the database, not in a worker's memory, so the limit is the same in
every process; see :func:`begin_login` and :mod:`deliberate.store.limits`.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from . import limits as _limits
from .models import AccountRow, LoginSessionRow

__all__ = [
    "AccountExists",
    "LoginLimits",
    "StoredAccount",
    "begin_login",
    "create_account",
    "deactivate_account",
    "end_session",
    "forget_attempts",
    "load_account",
    "open_session",
    "reset_account",
    "session_account",
    "set_password",
    "usernames",
    "village_accounts",
]

_A = AccountRow.__table__
_S = LoginSessionRow.__table__


class AccountExists(Exception):
    """The username is taken (by an account of any village, or of the county)."""

    def __init__(self, username: str) -> None:
        super().__init__(username)
        self.username = username


@dataclass(frozen=True, slots=True)
class StoredAccount:
    username: str
    display_name: str
    roles: frozenset[str]
    village: str | None  # None: a county-level account, serving every village
    person: str | None
    active: bool
    password_hash: str


@dataclass(frozen=True, slots=True)
class LoginLimits:
    """At most ``per_pair`` attempts for one username from one address, and ``per_address`` from
    one address, within ``window``. There is deliberately no limit per username alone: then anyone
    could lock the chair out from everywhere by typing wrong passwords for the chair's name."""

    window: timedelta = timedelta(minutes=15)
    per_pair: int = 5
    per_address: int = 20


def _stored(row: Any) -> StoredAccount:
    return StoredAccount(row.username, row.display_name, frozenset(row.roles.split(",")), row.village,
                         row.person, row.active, row.password_hash)


def _writer(engine: Engine) -> Connection:
    # ``write``: on SQLite the transaction takes the write lock at its start (see engine.py).
    return engine.connect().execution_options(write=True)


def _of_village(village: str | None) -> Any:
    return _A.c.village.is_(None) if village is None else _A.c.village == village


# --- accounts --------------------------------------------------------------------------------------

def create_account(engine: Engine, username: str, *, password_hash: str, roles: frozenset[str],
                   display_name: str, village: str | None, person: str | None, at: datetime) -> None:
    """Add an account; :class:`AccountExists` if ``username`` is taken anywhere (nothing changes)."""
    values = {"username": username, "display_name": display_name, "password_hash": password_hash,
              "roles": ",".join(sorted(roles)), "village": village, "person": person, "active": True,
              "created_at": at}
    try:
        with _writer(engine) as conn, conn.begin():
            if conn.execute(select(_A.c.username).where(_A.c.username == username)).first():
                raise AccountExists(username)
            conn.execute(insert(_A).values(values))
    except IntegrityError:
        # Two admins creating the same name at once: the primary key keeps one of them.
        if load_account(engine, username, active_only=False) is not None:
            raise AccountExists(username) from None
        raise


def reset_account(engine: Engine, username: str, *, password_hash: str, roles: frozenset[str],
                  display_name: str, village: str | None, person: str | None) -> None:
    """Overwrite an existing account and end its sessions — for the operator's tools (the demo,
    the tests), never for a request: a web admin uses :func:`set_password`."""
    with _writer(engine) as conn, conn.begin():
        conn.execute(update(_A).where(_A.c.username == username).values(
            display_name=display_name, password_hash=password_hash, roles=",".join(sorted(roles)),
            village=village, person=person, active=True))
        _end_sessions(conn, username)


def set_password(engine: Engine, username: str, password_hash: str, *, village: str | None) -> bool:
    """A new password for ``village``'s account ``username`` (``None``: a county account); whether
    there was such an account. Every session of the account ends."""
    return _change_own(engine, username, village, password_hash=password_hash)


def deactivate_account(engine: Engine, username: str, *, village: str | None) -> bool:
    """Close ``village``'s account ``username``; whether there was one. Its sessions end."""
    return _change_own(engine, username, village, active=False)


def _change_own(engine: Engine, username: str, village: str | None, **values: object) -> bool:
    """Change ``village``'s account ``username`` only — never another village's, nor a county
    account from a village — and end its sessions; whether there was such an account."""
    with _writer(engine) as conn, conn.begin():
        changed = conn.execute(update(_A).where(_A.c.username == username, _of_village(village))
                               .values(**values)).rowcount
        if changed:
            _end_sessions(conn, username)
    return bool(changed)


def load_account(engine: Engine, username: str, *, active_only: bool = True) -> StoredAccount | None:
    query = select(_A).where(_A.c.username == username)
    if active_only:
        query = query.where(_A.c.active)
    with engine.connect() as conn:
        row = conn.execute(query).first()
    return _stored(row) if row is not None else None


def village_accounts(engine: Engine, village: str) -> list[StoredAccount]:
    with engine.connect() as conn:
        return [_stored(r) for r in conn.execute(select(_A).where(_A.c.village == village)
                                                 .order_by(_A.c.username))]


def usernames(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(conn.execute(select(_A.c.username)).scalars())


# --- sessions --------------------------------------------------------------------------------------

def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(engine: Engine, username: str, *, at: datetime, lifetime: timedelta) -> str:
    """A new session for ``username``: the token for the cookie (only its hash is kept). Sessions
    past their end are pruned here, so the table holds about one row per official."""
    token = secrets.token_urlsafe(32)
    with _writer(engine) as conn, conn.begin():
        conn.execute(delete(_S).where(_S.c.expires_at <= at))
        conn.execute(insert(_S).values(id=_digest(token), username=username, created_at=at,
                                       expires_at=at + lifetime))
    return token


def session_account(engine: Engine, token: str, *, at: datetime) -> StoredAccount | None:
    """The active account whose unexpired session ``token`` is, else None."""
    query = (select(_A).join(_S, _S.c.username == _A.c.username)
             .where(_S.c.id == _digest(token), _S.c.expires_at > at, _A.c.active))
    with engine.connect() as conn:
        row = conn.execute(query).first()
    return _stored(row) if row is not None else None


def end_session(engine: Engine, token: str) -> None:
    with _writer(engine) as conn, conn.begin():
        conn.execute(delete(_S).where(_S.c.id == _digest(token)))


def _end_sessions(conn: Connection, username: str) -> None:
    conn.execute(delete(_S).where(_S.c.username == username))


# --- login attempts ----------------------------------------------------------------------------------

def _login_limit(limits: LoginLimits) -> _limits.Limit:
    return _limits.Limit(limits.window, limits.per_pair, limits.per_address)


def begin_login(engine: Engine, username: str, address: str, *, at: datetime,
                limits: LoginLimits | None = None) -> bool:
    """Count an attempt to log in as ``username`` from ``address``; whether it may go on to check
    the password. The attempt counts as a failure until :func:`forget_attempts` says it succeeded
    (see :func:`deliberate.store.limits.try_once`: racing attempts in many processes cannot pass
    the limit together)."""
    return _limits.try_once(engine, "login", username, address, at=at, limit=_login_limit(limits or LoginLimits()))


def forget_attempts(engine: Engine, username: str, address: str) -> None:
    """The password was right: this pair's attempts no longer count."""
    _limits.forget(engine, "login", username, address)

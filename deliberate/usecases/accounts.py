"""Officials' accounts, logins and sessions, for a front end that authenticates people (the web
UI; a platform's own). The front end hashes passwords (with whatever its framework provides) and
keeps the session token in a cookie; what is stored, and the rules on it — unique usernames, an
admin acting on its own village only, login limits that every worker shares, sessions that end on
the server — are the store's (:mod:`deliberate.store.accounts`)."""

from __future__ import annotations

from datetime import datetime, timedelta

from deliberate.store import SqlRepository
from deliberate.store import accounts as _a
from deliberate.store.accounts import AccountExists, LoginLimits, StoredAccount

from .common import village_name

__all__ = ["AccountExists", "LoginLimits", "StoredAccount", "begin_login", "create_account",
           "deactivate_account", "end_session", "forget_attempts", "load_account", "open_session",
           "reset_account", "session_account", "set_password", "usernames", "village_accounts"]


def create_account(store: SqlRepository, username: str, *, password_hash: str, roles: frozenset[str],
                   display_name: str, village: str | None, person: str | None, at: datetime) -> None:
    """Add an account; AccountExists if ``username`` is taken anywhere, Missing if ``village``
    does not exist (nothing changes)."""
    if village is not None:
        village_name(store, village)
    _a.create_account(store.engine, username, password_hash=password_hash, roles=roles,
                      display_name=display_name, village=village, person=person, at=at)


def reset_account(store: SqlRepository, username: str, *, password_hash: str, roles: frozenset[str],
                  display_name: str, village: str | None, person: str | None) -> None:
    """Overwrite an account and end its sessions — the operator's tools (the demo), never a
    request."""
    _a.reset_account(store.engine, username, password_hash=password_hash, roles=roles,
                     display_name=display_name, village=village, person=person)


def set_password(store: SqlRepository, username: str, password_hash: str, *, village: str | None) -> bool:
    """A new password for ``village``'s account ``username``; whether there was one."""
    return _a.set_password(store.engine, username, password_hash, village=village)


def deactivate_account(store: SqlRepository, username: str, *, village: str | None) -> bool:
    """Close ``village``'s account ``username``; whether there was one."""
    return _a.deactivate_account(store.engine, username, village=village)


def load_account(store: SqlRepository, username: str, *, active_only: bool = True) -> StoredAccount | None:
    return _a.load_account(store.engine, username, active_only=active_only)


def village_accounts(store: SqlRepository, village: str) -> list[StoredAccount]:
    return _a.village_accounts(store.engine, village)


def usernames(store: SqlRepository) -> set[str]:
    return _a.usernames(store.engine)


def open_session(store: SqlRepository, username: str, *, at: datetime, lifetime: timedelta) -> str:
    """A new session: the token for the cookie (only its hash is stored)."""
    return _a.open_session(store.engine, username, at=at, lifetime=lifetime)


def session_account(store: SqlRepository, token: str, *, at: datetime) -> StoredAccount | None:
    return _a.session_account(store.engine, token, at=at)


def end_session(store: SqlRepository, token: str) -> None:
    _a.end_session(store.engine, token)


def begin_login(store: SqlRepository, username: str, address: str, *, at: datetime,
                limits: LoginLimits | None = None) -> bool:
    """Count an attempt to log in as ``username`` from ``address``; whether it may go on."""
    return _a.begin_login(store.engine, username, address, at=at, limits=limits)


def forget_attempts(store: SqlRepository, username: str, address: str) -> None:
    """The password was right: this pair's attempts no longer count."""
    _a.forget_attempts(store.engine, username, address)

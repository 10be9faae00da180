"""Officials' accounts: login, roles, and the one table that says which role may do what.

Passwords are hashed (werkzeug's scrypt). Failed logins are limited per username and per
address. Views declare the permission they need with :func:`require`; the table
:data:`PERMISSIONS` is the only place that maps permissions to roles, so the authorisation
matrix test can read it.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import wraps
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from sqlalchemy import insert, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from deliberate.store.models import AccountRow

from .i18n import t

__all__ = ["PERMISSIONS", "ROLES", "Account", "add_account", "bp", "current_account", "require"]

ROLES = ("admin", "chair", "clerk", "counter", "scrutineer", "supervisor")

PERMISSIONS: dict[str, frozenset[str]] = {
    "hall.view": frozenset(ROLES),
    "hall.attendance": frozenset({"chair", "clerk"}),
    "hall.chair": frozenset({"chair"}),
    "hall.cards.enter": frozenset({"counter"}),
    "hall.cards.confirm": frozenset({"scrutineer"}),
    "hall.minutes": frozenset({"chair", "clerk"}),
    "hall.links": frozenset({"chair", "clerk"}),
    "matters.manage": frozenset({"admin", "chair", "clerk"}),
    "objections.answer": frozenset({"supervisor"}),
    "admin": frozenset({"admin"}),
}

_T = AccountRow.__table__
bp = Blueprint("auth", __name__)

_WINDOW = 15 * 60  # seconds
_PER_USER, _PER_ADDRESS = 5, 20


@dataclass(frozen=True)
class Account:
    username: str
    display_name: str
    roles: frozenset[str]
    village: str | None
    person: str | None

    def may(self, permission: str, village: str | None = None) -> bool:
        if village is not None and self.village is not None and self.village != village:
            return False
        return bool(self.roles & PERMISSIONS[permission])


def add_account(engine: Any, username: str, password: str, roles: set[str] | frozenset[str],
                display_name: str, village: str | None = None, person: str | None = None) -> None:
    """Create or reset an account (idempotent for the demo and for tests)."""
    unknown = set(roles) - set(ROLES)
    if unknown or not roles:
        raise ValueError(f"roles must be some of {', '.join(ROLES)}")
    values = {"display_name": display_name, "password_hash": generate_password_hash(password),
              "roles": ",".join(sorted(roles)), "village": village, "person": person,
              "active": True}
    with engine.begin() as conn:
        if conn.execute(select(_T.c.username).where(_T.c.username == username)).first():
            conn.execute(update(_T).where(_T.c.username == username).values(values))
        else:
            conn.execute(insert(_T).values(username=username, created_at=datetime.now(UTC),
                                           **values))


def _load(username: str) -> tuple[Account, str] | None:
    with current_app.extensions["deliberate"].engine.connect() as conn:
        row = conn.execute(select(_T).where(_T.c.username == username, _T.c.active)).first()
    if row is None:
        return None
    return Account(row.username, row.display_name, frozenset(row.roles.split(",")), row.village,
                   row.person), row.password_hash


def current_account() -> Account | None:
    if "account" not in g:
        username = session.get("user")
        found = _load(username) if isinstance(username, str) else None
        g.account = found[0] if found else None
    return g.account


class _Limiter:
    """Failed logins in the last 15 minutes, per username and per address."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, key: str, now: float) -> deque[float]:
        q = self._failures.setdefault(key, deque())
        while q and q[0] < now - _WINDOW:
            q.popleft()
        return q

    def blocked(self, username: str, address: str) -> bool:
        now = time.monotonic()
        with self._lock:
            return (len(self._recent(f"u:{username}", now)) >= _PER_USER
                    or len(self._recent(f"a:{address}", now)) >= _PER_ADDRESS)

    def fail(self, username: str, address: str) -> None:
        now = time.monotonic()
        with self._lock:
            self._recent(f"u:{username}", now).append(now)
            self._recent(f"a:{address}", now).append(now)

    def clear(self, username: str) -> None:
        with self._lock:
            self._failures.pop(f"u:{username}", None)


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    limiter: _Limiter = current_app.extensions["deliberate.limiter"]
    status = 200
    if request.method == "POST":
        username = request.form.get("username", "")[:100]
        password = request.form.get("password", "")[:200]
        address = request.remote_addr or "-"
        if limiter.blocked(username, address):
            flash(t("login_limited", minutes=_WINDOW // 60), "error")
            status = 429
        else:
            found = _load(username)
            if found and check_password_hash(found[1], password):
                limiter.clear(username)
                session.clear()
                session.permanent = True
                session["user"] = username
                target = request.args.get("next", "")
                # Only local paths: never send a freshly logged-in official elsewhere.
                if not target.startswith("/") or target.startswith("//"):
                    target = url_for("public.index")
                return redirect(target)
            limiter.fail(username, address)
            flash(t("login_failed"), "error")
            status = 401
    return render_template("auth/login.html"), status


@bp.post("/logout")
def logout() -> Any:
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    return redirect(url_for("public.index"))


def require(permission: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The view needs ``permission`` (for the ``village`` in its URL, if any)."""
    if permission not in PERMISSIONS:
        raise KeyError(permission)

    def wrap(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            account = current_account()
            if account is None:
                if request.method == "GET":
                    return redirect(url_for("auth.login", next=request.full_path))
                abort(401)
            if not account.may(permission, kwargs.get("village")):
                abort(403)
            return view(*args, **kwargs)
        guarded.permission = permission  # type: ignore[attr-defined]
        return guarded
    return wrap

"""Officials' accounts: login, sessions, roles, and the one table that says which role may do what.

Passwords are hashed (werkzeug's scrypt, at :data:`PASSWORD_HASH_METHOD`). A login is a row in the
store (``login_session``): the signed cookie carries only its random token, so logging out — or a
new password, or deactivation — ends the session on the server, and a copied cookie dies with it.
Login attempts are counted in the store per (username, address) and per address, the same in every
worker process, and never per username alone: nobody can lock the chair out from the chair's own
address. Views declare the permission they need with :func:`require`; the table :data:`PERMISSIONS`
is the only place that maps permissions to roles, so the authorisation matrix test can read it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

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
from werkzeug.security import check_password_hash, generate_password_hash

from deliberate.usecases import accounts as acc
from deliberate.usecases.accounts import AccountExists, LoginLimits, StoredAccount

from .i18n import t
from .limits import client_address, utc_now

__all__ = ["LIMITS", "PASSWORD_HASH_METHOD", "PERMISSIONS", "ROLES", "Account", "add_account", "bp",
           "current_account", "hash_password", "require", "same_site_path", "utc_now"]

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

# How new passwords are hashed: werkzeug's scrypt at its default work factor (N = 2**15, about a
# tenth of a second). Deliberately a module constant, not a setting: no configuration key,
# environment variable or command-line option reaches it, so no server can be started with weak
# hashes by mistake. Only the test suite lowers it, for its own process (tests/conftest.py), where
# thousands of logins would otherwise spend minutes hashing; a stored hash names its own work
# factor, so checking a password follows whatever made it.
PASSWORD_HASH_METHOD = "scrypt"


def hash_password(password: str) -> str:
    """A stored hash of ``password`` (see :data:`PASSWORD_HASH_METHOD`)."""
    return generate_password_hash(password, method=PASSWORD_HASH_METHOD)


# Five tries for one username from one address, twenty from one address, in fifteen minutes.
LIMITS = LoginLimits()

bp = Blueprint("auth", __name__)


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


def _account(stored: StoredAccount) -> Account:
    return Account(stored.username, stored.display_name, stored.roles, stored.village, stored.person)


def _store() -> Any:
    return current_app.extensions["deliberate"]


def add_account(store: Any, username: str, password: str, roles: set[str] | frozenset[str],
                display_name: str, village: str | None = None, person: str | None = None) -> None:
    """Create or reset an account, ending its sessions — for the operator's tools (the demo, the
    tests). A web admin creates accounts through ``deliberate.usecases.accounts.create_account``, which refuses a
    taken username, and resets passwords of its own village's accounts only."""
    unknown = set(roles) - set(ROLES)
    if unknown or not roles:
        raise ValueError(f"roles must be some of {', '.join(ROLES)}")
    fields = {"password_hash": hash_password(password), "roles": frozenset(roles),
              "display_name": display_name, "village": village, "person": person}
    try:
        acc.create_account(store, username, at=datetime.now(UTC), **fields)
    except AccountExists:
        acc.reset_account(store, username, **fields)


def current_account() -> Account | None:
    if "account" not in g:
        token = session.get("sid")
        found = acc.session_account(_store(), token, at=utc_now()) if isinstance(token, str) else None
        g.account = _account(found) if found else None
    return g.account


def same_site_path(target: str) -> str | None:
    """``target`` if it is a path on this site, else None. Browsers drop tabs and newlines from
    URLs, read ``\\`` as ``/`` and strip leading spaces, so any such character refuses the target."""
    if not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    if any(c.isspace() or not c.isprintable() or c == "\\" for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


_NOBODY: list[str] = []


def _check(found: StoredAccount | None, password: str) -> bool:
    if found is None:
        # Spend the same time as for a real account: the answer's delay must not say which
        # usernames exist.
        if not _NOBODY:
            _NOBODY.append(hash_password("no such account"))
        check_password_hash(_NOBODY[0], password)
        return False
    return check_password_hash(found.password_hash, password)


def _fresh_session() -> None:
    """Forget everything the session held (a login must not inherit a planted session) but the
    language."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    status = 200
    if request.method == "POST":
        username = request.form.get("username", "")
        password = request.form.get("password", "")
        address = client_address()
        # No account has a longer name or password: such a login fails as a wrong one does (and
        # counts), rather than being cut to something that might match.
        overlong = len(username) > 100 or len(password) > 200
        if not acc.begin_login(_store(), username[:100], address, at=utc_now(), limits=LIMITS):
            flash(t("login_limited", minutes=int(LIMITS.window.total_seconds()) // 60), "error")
            status = 429
        else:
            found = None if overlong else acc.load_account(_store(), username)
            if _check(found, password[:200]) and not overlong:
                acc.forget_attempts(_store(), username, address)
                _fresh_session()
                session.permanent = True
                session["sid"] = acc.open_session(_store(), username, at=utc_now(),
                                                  lifetime=current_app.permanent_session_lifetime)
                # Only paths on this site: never send a freshly logged-in official elsewhere.
                return redirect(same_site_path(request.args.get("next", "")) or url_for("public.index"))
            flash(t("login_failed"), "error")
            status = 401
    return render_template("auth/login.html"), status


@bp.post("/logout")
def logout() -> Any:
    token = session.get("sid")
    if isinstance(token, str):
        acc.end_session(_store(), token)  # every copy of the cookie ends here, not only this one
    _fresh_session()
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

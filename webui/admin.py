"""Administration of a village: settings, the roster import with its row-by-row report, accounts."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.security import generate_password_hash

from deliberate.procedure import PROCEDURES
from deliberate.store.accounts import (
    AccountExists,
    StoredAccount,
    create_account,
    deactivate_account,
    set_password,
    village_accounts,
)
from deliberate.store.roster import save_roster
from deliberate.store.roster_file import read_roster_file

from .auth import ROLES, require, utc_now
from .i18n import t
from .services import store, village_or_404

__all__ = ["DEFAULT_SETTINGS", "bp", "village_settings"]

bp = Blueprint("admin", __name__, url_prefix="/v/<village>/admin")

DEFAULT_SETTINGS = {"notice_period_days": 7, "objection_answer_days": 3,
                    "major_matter_threshold_yuan": None,
                    "procedure": "four_deliberations_two_disclosures"}


def village_settings(village: str) -> dict[str, Any]:
    return {**DEFAULT_SETTINGS, **store().settings(village)}



def _accounts(village: str) -> list[StoredAccount]:
    return village_accounts(store().engine, village)


def _page(village: str, status: int = 200, report: Any = None) -> Any:
    """The admin page, with whatever was flashed, answering ``status``."""
    return render_template("admin/index.html", village=village, name=village_or_404(village),
                           settings=village_settings(village), procedures=PROCEDURES,
                           accounts=_accounts(village), roles=ROLES, report=report), status


@bp.get("")
@require("admin")
def index(village: str) -> Any:
    return _page(village)


def _int_field(name: str, low: int, high: int, optional: bool = False) -> int | None:
    raw = (request.form.get(name) or "").strip()
    if optional and raw == "":
        return None
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise ValueError(name)
    return int(raw)


@bp.post("/settings")
@require("admin")
def settings(village: str) -> Any:
    village_or_404(village)
    try:
        new = {"notice_period_days": _int_field("notice_period_days", 1, 90),
               "objection_answer_days": _int_field("objection_answer_days", 1, 60),
               "major_matter_threshold_yuan": _int_field("major_matter_threshold_yuan", 0,
                                                         10**10, optional=True)}
    except ValueError:
        flash(t("bad_settings"), "error")
        return redirect(url_for("admin.index", village=village))
    procedure = request.form.get("procedure")
    if procedure not in PROCEDURES:
        flash(t("bad_settings"), "error")
        return redirect(url_for("admin.index", village=village))
    store().save_settings(village, {**village_settings(village), **new, "procedure": procedure})
    flash(t("done"), "ok")
    return redirect(url_for("admin.index", village=village))


@bp.post("/roster")
@require("admin")
def roster(village: str) -> Any:
    village_or_404(village)
    upload = request.files.get("file")
    suffix = Path(upload.filename or "").suffix.lower() if upload else ""
    if upload is None or suffix not in (".csv", ".xlsx"):
        flash(t("bad_roster_file"), "error")
        return redirect(url_for("admin.index", village=village))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"roster{suffix}"
        upload.save(path)
        try:
            parsed = read_roster_file(path)
        except Exception:  # a file openpyxl or csv cannot read: say so, change nothing
            flash(t("bad_roster_file"), "error")
            return redirect(url_for("admin.index", village=village))
    skip_bad = request.form.get("skip_bad") == "1"
    report = {"rows": parsed.rows, "errors": [str(e) for e in parsed.errors], "counts": None,
              "imported": False}
    if not parsed.errors or (skip_bad and not any(e.line == 1 for e in parsed.errors)):
        counts = save_roster(store().engine, village, people=parsed.people,
                             households=parsed.households.values(),
                             memberships=parsed.memberships, seats=parsed.seats,
                             representations=parsed.representations)
        report.update(counts=counts, imported=True)
    return _page(village, 200 if report["imported"] else 422, report)


def _password() -> str | None:
    password = request.form.get("password") or ""
    return password if 8 <= len(password) <= 200 else None


@bp.post("/accounts")
@require("admin")
def accounts(village: str) -> Any:
    """A new account of this village. A username names one account across all villages and the
    county: a taken one is refused, never overwritten — else an admin could take over any account
    by "creating" it with a password of their own."""
    village_or_404(village)
    form = request.form
    username = (form.get("username") or "").strip()
    password = _password()
    roles = frozenset(r for r in form.getlist("roles") if r in ROLES)
    if not (username and len(username) <= 100 and username.isprintable() and " " not in username) \
            or password is None or not roles:
        flash(t("bad_account"), "error")
        return _page(village, 422)
    try:
        create_account(store().engine, username, password_hash=generate_password_hash(password), roles=roles,
                       display_name=(form.get("display_name") or username).strip()[:200] or username,
                       village=village, person=(form.get("person") or "").strip()[:200] or None, at=utc_now())
    except AccountExists:
        flash(t("account_taken"), "error")
        return _page(village, 409)
    flash(t("done"), "ok")
    return redirect(url_for("admin.index", village=village))


@bp.post("/accounts/<username>/password")
@require("admin")
def password(village: str, username: str) -> Any:
    """A new password for one of this village's accounts; its sessions end (every device)."""
    village_or_404(village)
    new = _password()
    if new is None:
        flash(t("bad_password"), "error")
        return _page(village, 422)
    if not set_password(store().engine, username, generate_password_hash(new), village=village):
        abort(404)
    flash(t("done"), "ok")
    return redirect(url_for("admin.index", village=village))


@bp.post("/accounts/<username>/deactivate")
@require("admin")
def deactivate(village: str, username: str) -> Any:
    village_or_404(village)
    if not deactivate_account(store().engine, username, village=village):
        abort(404)
    flash(t("done"), "ok")
    return redirect(url_for("admin.index", village=village))

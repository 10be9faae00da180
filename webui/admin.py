"""Administration of a village: settings, the roster import with its row-by-row report, accounts."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.security import generate_password_hash

from deliberate.profiles import Profile
from deliberate.usecases import accounts as acc
from deliberate.usecases import roster as rosters
from deliberate.usecases import settings as village_settings_

from .auth import ROLES, require, utc_now
from .i18n import t
from .services import REFUSED, attempt, store, village_or_404

__all__ = ["bp", "settings_shown", "village_profile"]

bp = Blueprint("admin", __name__, url_prefix="/v/<village>/admin")


def village_profile(village: str) -> Profile:
    """The profile the village lives under (its periods and threshold)."""
    return village_settings_.village_profile(store(), village)


def settings_shown(profile: Profile) -> dict[str, Any]:
    """The settings form's values."""
    threshold = profile.major_matter_threshold
    return {"notice_period_days": profile.notice_period_days,
            "objection_answer_days": profile.objection_answer_days,
            "major_matter_threshold_yuan": None if threshold is None else threshold // 100}


def _page(village: str, status: int = 200, report: Any = None) -> Any:
    """The admin page, with whatever was flashed, answering ``status``."""
    return render_template("admin/index.html", village=village, name=village_or_404(village),
                           settings=settings_shown(village_profile(village)),
                           accounts=acc.village_accounts(store(), village), roles=ROLES,
                           report=report), status


@bp.get("")
@require("admin")
def index(village: str) -> Any:
    return _page(village)


def _number(name: str) -> int | None:
    """A whole number typed in the form; None if left empty; -1 if not a number (refused by the
    use case with the setting's bounds)."""
    raw = (request.form.get(name) or "").strip()
    if raw == "":
        return None
    return int(raw) if raw.isdigit() and len(raw) < 12 else -1


@bp.post("/settings")
@require("admin")
def settings(village: str) -> Any:
    village_or_404(village)
    if attempt(village_settings_.save_settings, village,
               notice_period_days=_number("notice_period_days"),
               objection_answer_days=_number("objection_answer_days"),
               major_matter_threshold_yuan=_number("major_matter_threshold_yuan")) is not REFUSED:
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
        done = attempt(rosters.import_roster, village, path, skip_bad=request.form.get("skip_bad") == "1")
    if done is REFUSED:
        return redirect(url_for("admin.index", village=village))
    report = {"rows": done.rows, "errors": [str(e) for e in done.errors], "counts": done.counts,
              "imported": done.imported}
    return _page(village, 200 if done.imported else 422, report)


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
    display_name = (form.get("display_name") or "").strip() or username
    person = (form.get("person") or "").strip() or None
    if not (username and len(username) <= 100 and username.isprintable() and " " not in username) \
            or password is None or not roles or len(display_name) > 200 or len(person or "") > 200:
        flash(t("bad_account"), "error")
        return _page(village, 422)
    try:
        acc.create_account(store(), username, password_hash=generate_password_hash(password), roles=roles,
                           display_name=display_name, village=village, person=person, at=utc_now())
    except acc.AccountExists:
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
    if not acc.set_password(store(), username, generate_password_hash(new), village=village):
        abort(404)
    flash(t("done"), "ok")
    return redirect(url_for("admin.index", village=village))


@bp.post("/accounts/<username>/deactivate")
@require("admin")
def deactivate(village: str, username: str) -> Any:
    village_or_404(village)
    if not acc.deactivate_account(store(), username, village=village):
        abort(404)
    flash(t("done"), "ok")
    return redirect(url_for("admin.index", village=village))

"""Administration of a village: settings, the roster import with its row-by-row report, accounts."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from deliberate.profiles import Profile
from deliberate.usecases import accounts as acc
from deliberate.usecases import roster as rosters
from deliberate.usecases import settings as village_settings_

from .auth import ROLES, current_account, hash_password, require, utc_now
from .i18n import t
from .services import REFUSED, attempt, now, store, village_or_404

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
            "major_matter_threshold_yuan": None if threshold is None else threshold // 100,
            "notice_extends": profile.notice_extends_over_rest_days}


def _page(village: str, status: int = 200, report: Any = None, posted: str | None = None) -> Any:
    """The admin page, with whatever was flashed, answering ``status``; ``posted`` names the
    refused form, which then shows what was typed in it."""
    return render_template("admin/index.html", village=village, name=village_or_404(village),
                           settings=settings_shown(village_profile(village)),
                           profile=village_profile(village),
                           calendar=village_settings_.calendar_years(store(), village, now().date()),
                           findings=rosters.composition(store(), village, now().date()),
                           accounts=acc.village_accounts(store(), village), roles=ROLES,
                           report=report, posted=posted), status


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


def _days(name: str) -> list[date] | None:
    """The dates typed one per line (or separated by spaces or commas) in ``name``; None with
    the first bad one flashed (nothing is saved)."""
    days = []
    for word in (request.form.get(name) or "").replace("，", ",").replace(",", " ").split():
        try:
            days.append(date.fromisoformat(word))
        except ValueError:
            flash(t("bad_day", value=word[:40]), "error")
            return None
    return days


@bp.post("/calendar")
@require("admin")
def calendar(village: str) -> Any:
    village_or_404(village)
    rest, working = _days("own_rest_days"), _days("own_working_days")
    if rest is None or working is None:
        return _page(village, 400, posted="calendar")
    if attempt(village_settings_.save_calendar, village, own_rest_days=rest,
               own_working_days=working,
               notice_extends_over_rest_days=request.form.get("notice_extends") == "1") is REFUSED:
        return _page(village, 422, posted="calendar")
    flash(t("done"), "ok")
    return redirect(url_for("admin.index", village=village))


# What a roster upload may be: .xls and .et reach the use case, which says how to save them as .xlsx.
_ROSTER_SUFFIXES = (".csv", ".xlsx", ".xlsm", ".xls", ".et")
_ERRORS_SHOWN = 200  # rows with problems listed on the preview; the command line lists them all


def _owner() -> str:
    account = current_account()
    assert account is not None  # @require saw to it
    return account.username


def _preview_page(village: str, preview: Any) -> Any:
    """The preview page: 200 when every row is good, 422 when some are not (or none can be read)."""
    return render_template("admin/roster_preview.html", village=village, name=village_or_404(village),
                           preview=preview, errors_shown=_ERRORS_SHOWN), 422 if preview.errors else 200


@bp.post("/roster")
@require("admin")
def roster(village: str) -> Any:
    """A roster file uploaded: read in memory (never saved) and shown as a preview; nothing is
    imported until the admin confirms what the preview shows."""
    village_or_404(village)
    upload = request.files.get("file")
    suffix = Path(upload.filename or "").suffix.lower() if upload else ""
    if upload is None or suffix not in _ROSTER_SUFFIXES:
        flash(t("bad_roster_file"), "error")
        return redirect(url_for("admin.index", village=village))
    preview = attempt(rosters.preview_roster, village, f"roster{suffix}", data=upload.read(), on=now().date(),
                      owner=_owner(), at=utc_now())
    if preview is REFUSED:
        return redirect(url_for("admin.index", village=village))
    return _preview_page(village, preview)


@bp.get("/roster/<draft>")
@require("admin")
def roster_preview(village: str, draft: str) -> Any:
    """The preview of a draft again (the page reloaded)."""
    village_or_404(village)
    preview = attempt(rosters.show_draft, village, draft, owner=_owner(), on=now().date(), at=utc_now())
    if preview is REFUSED:
        return redirect(url_for("admin.index", village=village))
    return _preview_page(village, preview)


@bp.post("/roster/<draft>/import")
@require("admin")
def roster_import(village: str, draft: str) -> Any:
    """Import the draft the preview showed — the records it showed, not a file read again."""
    village_or_404(village)
    done = attempt(rosters.import_draft, village, draft, digest=request.form.get("digest") or "",
                   owner=_owner(), at=utc_now(), skip_bad=request.form.get("skip_bad") == "1")
    if done is REFUSED:
        return redirect(url_for("admin.index", village=village))
    report = {"rows": done.rows, "errors": [str(e) for e in done.errors], "counts": done.counts,
              "imported": done.imported, "ignored": done.ignored}
    return _page(village, 200 if done.imported else 422, report)


@bp.post("/roster/<draft>/discard")
@require("admin")
def roster_discard(village: str, draft: str) -> Any:
    village_or_404(village)
    if attempt(rosters.discard_draft, village, draft, owner=_owner(), at=utc_now()) is not REFUSED:
        flash(t("discarded"), "ok")
    return redirect(url_for("admin.index", village=village))


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
        acc.create_account(store(), username, password_hash=hash_password(password), roles=roles,
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
    if not acc.set_password(store(), username, hash_password(new), village=village):
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

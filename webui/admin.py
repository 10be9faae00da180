"""Administration of a village: settings, the roster import with its row-by-row report, accounts."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy import select, update

from deliberate.procedure import PROCEDURES
from deliberate.store.models import AccountRow
from deliberate.store.roster import save_roster
from deliberate.store.roster_file import read_roster_file

from .auth import ROLES, add_account, require
from .i18n import t
from .services import store, village_or_404

__all__ = ["DEFAULT_SETTINGS", "bp", "village_settings"]

bp = Blueprint("admin", __name__, url_prefix="/v/<village>/admin")

DEFAULT_SETTINGS = {"notice_period_days": 7, "objection_answer_days": 3,
                    "major_matter_threshold_yuan": None,
                    "procedure": "four_deliberations_two_disclosures"}


def village_settings(village: str) -> dict[str, Any]:
    return {**DEFAULT_SETTINGS, **store().settings(village)}



def _accounts(village: str) -> list[Any]:
    t_ = AccountRow.__table__
    with store().engine.connect() as conn:
        return list(conn.execute(select(t_).where(t_.c.village == village).order_by(t_.c.username)))


@bp.get("")
@require("admin")
def index(village: str) -> Any:
    return render_template("admin/index.html", village=village, name=village_or_404(village),
                           settings=village_settings(village), procedures=PROCEDURES,
                           accounts=_accounts(village), roles=ROLES, report=None)


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
    name = village_or_404(village)
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
    status = 200 if report["imported"] else 422
    return render_template("admin/index.html", village=village, name=name,
                           settings=village_settings(village), procedures=PROCEDURES,
                           accounts=_accounts(village), roles=ROLES, report=report), status


@bp.post("/accounts")
@require("admin")
def accounts(village: str) -> Any:
    village_or_404(village)
    form = request.form
    username = (form.get("username") or "").strip()
    password = form.get("password") or ""
    roles = {r for r in form.getlist("roles") if r in ROLES}
    if not (username and len(username) <= 100 and username.isprintable() and " " not in username) \
            or len(password) < 8 or not roles:
        flash(t("bad_account"), "error")
        return redirect(url_for("admin.index", village=village))
    add_account(store().engine, username, password[:200], roles,
                (form.get("display_name") or username).strip()[:200], village=village,
                person=(form.get("person") or "").strip()[:200] or None)
    flash(t("done"), "ok")
    return redirect(url_for("admin.index", village=village))


@bp.post("/accounts/<username>/deactivate")
@require("admin")
def deactivate(village: str, username: str) -> Any:
    village_or_404(village)
    t_ = AccountRow.__table__
    with store().engine.begin() as conn:
        conn.execute(update(t_).where(t_.c.username == username, t_.c.village == village)
                     .values(active=False))
    flash(t("done"), "ok")
    return redirect(url_for("admin.index", village=village))

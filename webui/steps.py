"""The steps after a vote, from the clerk's matter page: the township's review, the notices and
their closing, the implementation's progress (with files, kept by their SHA-256) and completion.

Every form posts one command; the core decides whether the step allows it and says why not. A
refused form comes back as the matter's page with a 4xx status, the reason, and what was typed —
never a redirect that loses both.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, flash, redirect, request, url_for

from deliberate import Stage
from deliberate.usecases import matters as steps
from deliberate.usecases.matters import MAX_FILE_BYTES, Upload

from . import matters
from .auth import require
from .i18n import t
from .services import REFUSED, attempt, now, village_or_404

__all__ = ["MAX_FILES", "UPLOAD_LIMIT", "bp", "parse_yuan"]

bp = Blueprint("steps", __name__, url_prefix="/v/<village>/m/<matter>")
MAX_FILES = 5
UPLOAD_LIMIT = MAX_FILES * MAX_FILE_BYTES + 1024 * 1024  # the files and the form's fields


def parse_yuan(text: str) -> int:
    """Yuan with at most two decimals, as fen — never through a float. ValueError if not."""
    whole, _, cents = text.strip().replace(",", "").partition(".")
    if not whole.isdecimal() or not whole.isascii() or len(whole) > 12 \
            or not (cents == "" or (cents.isdecimal() and cents.isascii())) or len(cents) > 2:
        raise ValueError(text)
    return int(whole) * 100 + int((cents + "00")[:2])



def _back(village: str, matter: str) -> Any:
    return redirect(url_for("matters.show", village=village, matter=matter))


def _again(village: str, matter: str, form: str, status: int = 422) -> Any:
    """The matter's page again, with the reason flashed and what was typed in ``form`` kept."""
    return matters.matter_page(village, matter, posted=form), status


def _day(field: str) -> date | None:
    try:
        return date.fromisoformat(request.form.get(field) or "")
    except ValueError:
        flash(t("bad_date"), "error")
        return None


def _field(name: str) -> str:
    return (request.form.get(name) or "").strip()


def _done(village: str, matter: str, form: str, outcome: Any) -> Any:
    """Back to the matter's page, or — refused — the page again keeping what was typed."""
    if outcome is REFUSED:
        return _again(village, matter, form)
    flash(t("done"), "ok")
    return _back(village, matter)


@bp.post("/notice")
@require("matters.manage")
def publish(village: str, matter: str) -> Any:
    village_or_404(village)
    on = _day("published_on")
    raw = _field("days")
    days = (int(raw) if raw.isdigit() and len(raw) < 7 else -1) if raw else None  # -1: refused, with the reason
    if on is None:
        return _again(village, matter, "publish")
    return _done(village, matter, "publish", attempt(
        steps.publish_notice, village, matter, published_on=on, days=days, contacts=_field("contacts"),
        issued_by=_field("issued_by"), at=now()))


@bp.post("/notice/close")
@require("matters.manage")
def close_notice(village: str, matter: str) -> Any:
    village_or_404(village)
    return _done(village, matter, "close_notice", attempt(steps.close_notice, village, matter, now()))


@bp.post("/township")
@require("matters.manage")
def township(village: str, matter: str) -> Any:
    village_or_404(village)
    to = request.form.get("return_to") or ""
    return _done(village, matter, "township", attempt(
        steps.township_review, village, matter, approved=request.form.get("approved") == "1",
        reference=_field("reference"), by=_field("by"),
        return_to=next((s for s in Stage if s.value == to), None), at=now()))


@bp.post("/progress")
@require("matters.manage")
def progress(village: str, matter: str) -> Any:
    village_or_404(village)
    on = _day("on")
    if on is None:
        return _again(village, matter, "progress")
    try:
        spent = parse_yuan(request.form.get("spent") or "0")
    except ValueError:
        flash(t("bad_amount"), "error")
        return _again(village, matter, "progress")
    uploads = [f for f in request.files.getlist("files") if f and f.filename]
    files = [Upload(f.filename, f.mimetype or "application/octet-stream", f.read(MAX_FILE_BYTES + 1))
             for f in uploads[:MAX_FILES + 1]]
    if len(files) > MAX_FILES or any(len(f.content) > MAX_FILE_BYTES or not f.content for f in files):
        flash(t("bad_file"), "error")
        return _again(village, matter, "progress")
    return _done(village, matter, "progress", attempt(
        steps.record_progress, village, matter, on=on, description=_field("description"), spent=spent,
        uploads=files, at=now()))


@bp.post("/complete")
@require("matters.manage")
def complete(village: str, matter: str) -> Any:
    village_or_404(village)
    on = _day("on")
    if on is None:
        return _again(village, matter, "complete")
    return _done(village, matter, "complete", attempt(
        steps.complete, village, matter, on=on, summary=_field("summary"), at=now()))

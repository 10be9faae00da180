"""The steps after a vote, from the clerk's matter page: the township's review, the notices and
their closing, the implementation's progress (with files, kept by their SHA-256) and completion.

Every form posts one command; the core decides whether the step allows it and says why not. A
refused form comes back as the matter's page with a 4xx status, the reason, and what was typed —
never a redirect that loses both.
"""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from flask import Blueprint, flash, redirect, request, url_for

from deliberate import Stage
from deliberate import commands as c
from deliberate.store.private import MAX_FILE_BYTES, forget_files, save_file

from . import matters
from .admin import village_settings
from .auth import current_account, require
from .i18n import t
from .services import ledger, now, run, store, village_or_404

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


def _by() -> str:
    account = current_account()
    return account.person or account.username


@bp.post("/notice")
@require("matters.manage")
def publish(village: str, matter: str) -> Any:
    village_or_404(village)
    on = _day("published_on")
    try:
        days = int(request.form.get("days") or village_settings(village)["notice_period_days"])
    except ValueError:
        days = -1  # the core refuses it with the statute's reason
    if on is None or not run(village, c.PublishNotice(
            matter, on, days, (request.form.get("contacts") or "").strip(),
            (request.form.get("issued_by") or "").strip())):
        return _again(village, matter, "publish")
    flash(t("done"), "ok")
    return _back(village, matter)


@bp.post("/notice/close")
@require("matters.manage")
def close_notice(village: str, matter: str) -> Any:
    village_or_404(village)
    if not run(village, c.CloseNotice(matter, now().date())):
        return _again(village, matter, "close_notice")
    flash(t("done"), "ok")
    return _back(village, matter)


@bp.post("/township")
@require("matters.manage")
def township(village: str, matter: str) -> Any:
    village_or_404(village)
    approved = request.form.get("approved") == "1"
    to = request.form.get("return_to") or ""
    return_to = None if approved else next((s for s in Stage if s.value == to), None)
    if not run(village, c.RecordTownshipReview(matter, approved,
                                               (request.form.get("reference") or "").strip(),
                                               by=(request.form.get("by") or "").strip(),
                                               return_to=return_to)):
        return _again(village, matter, "township")
    flash(t("done"), "ok")
    return _back(village, matter)


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
    if len(uploads) > MAX_FILES:
        flash(t("bad_file"), "error")
        return _again(village, matter, "progress")
    attachments = []
    for upload in uploads:
        content = upload.read(MAX_FILE_BYTES + 1)
        if len(content) > MAX_FILE_BYTES or not content:
            flash(t("bad_file"), "error")
            return _again(village, matter, "progress")
        # Stored before the entry that names it, so the record never names a missing file.
        digest = save_file(store().engine, village, upload.filename[:500],
                           upload.mimetype or "application/octet-stream", content, now())
        attachments.append(c.Attachment(upload.filename[:500], digest))
    entry = f"e{now():%Y%m%d}-{secrets.token_hex(3)}"
    if not run(village, c.RecordProgress(matter, entry, on, (request.form.get("description") or "").strip(),
                                         spent, tuple(attachments))):
        # Refused: drop the files it brought, unless an earlier entry names the same bytes.
        forget_files(store().engine, village,
                     {a.sha256 for a in attachments} - ledger(village).state.attachment_digests())
        return _again(village, matter, "progress")
    flash(t("done"), "ok")
    return _back(village, matter)


@bp.post("/complete")
@require("matters.manage")
def complete(village: str, matter: str) -> Any:
    village_or_404(village)
    on = _day("on")
    if on is None or not run(village, c.CompleteImplementation(
            matter, on, (request.form.get("summary") or "").strip())):
        return _again(village, matter, "complete")
    flash(t("done"), "ok")
    return _back(village, matter)

"""Villagers' submissions (民情): a public form, a clerk's form for those without phones, the
ledger with each one's status, and the step that takes one up as a matter or answers it.

The text is public; the name and contact of whoever raised it are kept beside the log
(:mod:`deliberate.store.private`) and shown to officials only.
"""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from deliberate import Channel, SubmissionStatus
from deliberate import commands as c
from deliberate.procedure import PROCEDURES, TERMINAL
from deliberate.store.private import personal, save_personal

from .auth import current_account, require
from .i18n import t
from .limits import allow, per_hour
from .pagecache import cached_page
from .services import ledger, now, personal_details, run, snapshot, store, village_or_404

__all__ = ["bp", "new_id"]

bp = Blueprint("submissions", __name__)



def new_id() -> str:
    """A short number a villager can read out on the phone: the date and four letters."""
    return f"q{now():%Y%m%d}-{secrets.token_hex(2)}"


def _ledger_rows(state: Any, status: str | None) -> list[Any]:
    rows = sorted(state.submissions.values(), key=lambda q: (q.received_on, q.id), reverse=True)
    if status:
        rows = [q for q in rows if q.status.value == status]
    return rows


def _status_arg() -> str | None:
    status = request.args.get("status")
    return status if status in {s.value for s in SubmissionStatus} else None


@bp.get("/p/<village>/submissions")
@cached_page
def public_ledger(village: str) -> Any:
    name = village_or_404(village)
    status = _status_arg()
    state = snapshot(village)[0]
    return render_template("submissions/public.html", village=village, name=name,
                           rows=_ledger_rows(state, status), status=status,
                           matters=state.matters, SubmissionStatus=SubmissionStatus)


def _fields() -> tuple[str, str | None, str | None] | None:
    """(text, name, contact), or None with the reason flashed (the core judges the text)."""
    details = personal_details("name", "contact")
    if details is None:
        return None
    return (request.form.get("text") or "").strip(), details[0], details[1]


@bp.post("/p/<village>/submissions")
def lodge(village: str) -> Any:
    village_or_404(village)
    if not allow("submission"):
        flash(t("submission_limited", count=per_hour()), "error")
        return public_ledger(village), 429
    fields = _fields()
    if fields is None:
        return public_ledger(village), 400
    text, name, contact = fields
    submission = new_id()
    if not run(village, c.LodgeSubmission(submission, now().date(), text)):
        return public_ledger(village), 400
    save_personal(store().engine, village, "submission", submission, name=name, contact=contact,
                  at=now())
    flash(t("submission_lodged", id=submission), "ok")
    return redirect(url_for("submissions.public_ledger", village=village))


@bp.get("/v/<village>/submissions")
@require("matters.manage")
def clerk_ledger(village: str) -> Any:
    name = village_or_404(village)
    status = _status_arg()
    state = ledger(village).state
    open_matters = sorted((m for m in state.matters.values() if m.stage not in TERMINAL),
                          key=lambda m: m.title)
    return render_template("submissions/clerk.html", village=village, name=name,
                           rows=_ledger_rows(state, status), status=status,
                           matters=state.matters, open_matters=open_matters,
                           people=personal(store().engine, village, "submission"),
                           SubmissionStatus=SubmissionStatus, today=now().date().isoformat(),
                           procedures=PROCEDURES)


@bp.post("/v/<village>/submissions")
@require("matters.manage")
def take_down(village: str) -> Any:
    """A clerk takes down what a villager said at a bench meeting or on the phone."""
    village_or_404(village)
    fields = _fields()
    if fields is None:
        return redirect(url_for("submissions.clerk_ledger", village=village))
    text, name, contact = fields
    try:
        received = date.fromisoformat(request.form.get("received_on") or "")
    except ValueError:
        flash(t("bad_date"), "error")
        return redirect(url_for("submissions.clerk_ledger", village=village))
    account = current_account()
    submission = new_id()
    if run(village, c.LodgeSubmission(submission, received, text, Channel.CLERK,
                                      recorded_by=account.person or account.username)):
        save_personal(store().engine, village, "submission", submission, name=name,
                      contact=contact, at=now())
        flash(t("submission_lodged", id=submission), "ok")
    return redirect(url_for("submissions.clerk_ledger", village=village))


@bp.post("/v/<village>/submissions/<submission>/take-up")
@require("matters.manage")
def take_up(village: str, submission: str) -> Any:
    village_or_404(village)
    account = current_account()
    if run(village, c.TakeUpSubmission(submission, (request.form.get("matter") or "")[:200],
                                       now().date(), by=account.person or account.username)):
        flash(t("done"), "ok")
    return redirect(url_for("submissions.clerk_ledger", village=village))


@bp.post("/v/<village>/submissions/<submission>/answer")
@require("matters.manage")
def answer(village: str, submission: str) -> Any:
    village_or_404(village)
    account = current_account()
    if run(village, c.AnswerSubmission(submission, now().date(),
                                       (request.form.get("answer") or "").strip()[:5000],
                                       by=account.person or account.username)):
        flash(t("done"), "ok")
    return redirect(url_for("submissions.clerk_ledger", village=village))

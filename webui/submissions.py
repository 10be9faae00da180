"""Villagers' submissions (民情): a public form, a clerk's form for those without phones, the
ledger with each one's status, and the step that takes one up as a matter or answers it.

The text is public; the name and contact of whoever raised it are kept beside the log
(:mod:`deliberate.store.private`) and shown to officials only.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from deliberate import SubmissionStatus
from deliberate.procedure import PROCEDURES, TERMINAL
from deliberate.usecases import participation, records, tracking

from .auth import current_account, require
from .i18n import t
from .limits import allow, per_hour
from .pagecache import cached_page
from .services import REFUSED, attempt, now, personal_details, state, store, village_or_404

__all__ = ["bp"]

bp = Blueprint("submissions", __name__)



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
    found = state(village)
    return render_template("submissions/public.html", village=village, name=name,
                           rows=_ledger_rows(found, status), status=status,
                           numbers=tracking.numbers(store(), village),
                           matters=found.matters, SubmissionStatus=SubmissionStatus)


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
    lodged = attempt(participation.lodge_submission, village, text, name=name, contact=contact, at=now())
    if lodged is REFUSED:
        return public_ledger(village), 400
    if lodged.number is None:
        flash(t("submission_lodged", id=lodged.id), "ok")
        return redirect(url_for("submissions.public_ledger", village=village))
    flash(t("tracked_lodged", number=lodged.number, date=lodged.answer_by), "ok")
    return redirect(url_for("public.lookup", village=village, number=str(lodged.number)))


@bp.get("/v/<village>/submissions")
@require("matters.manage")
def clerk_ledger(village: str) -> Any:
    name = village_or_404(village)
    status = _status_arg()
    found = state(village)
    open_matters = sorted((m for m in found.matters.values() if m.stage not in TERMINAL),
                          key=lambda m: m.title)
    return render_template("submissions/clerk.html", village=village, name=name,
                           rows=_ledger_rows(found, status), status=status,
                           matters=found.matters, open_matters=open_matters,
                           numbers=tracking.numbers(store(), village),
                           people=records.contacts(store(), village, "submission"),
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
    lodged = attempt(participation.lodge_submission, village, text, name=name, contact=contact, at=now(),
                     received_on=received, recorded_by=account.person or account.username)
    if lodged is not REFUSED:
        flash(t("tracked_taken_down", number=lodged.number, date=lodged.answer_by) if lodged.number
              else t("submission_lodged", id=lodged.id), "ok")
    return redirect(url_for("submissions.clerk_ledger", village=village))


@bp.post("/v/<village>/submissions/<submission>/take-up")
@require("matters.manage")
def take_up(village: str, submission: str) -> Any:
    village_or_404(village)
    account = current_account()
    if attempt(participation.take_up_submission, village, submission, request.form.get("matter") or "",
               by=account.person or account.username, at=now()) is not REFUSED:
        flash(t("done"), "ok")
    return redirect(url_for("submissions.clerk_ledger", village=village))


@bp.post("/v/<village>/submissions/<submission>/answer")
@require("matters.manage")
def answer(village: str, submission: str) -> Any:
    village_or_404(village)
    account = current_account()
    if attempt(participation.answer_submission, village, submission, (request.form.get("answer") or "").strip(),
               by=account.person or account.username, at=now()) is not REFUSED:
        flash(t("done"), "ok")
    return redirect(url_for("submissions.clerk_ledger", village=village))

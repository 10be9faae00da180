"""Objections during a notice period: anyone may lodge one; the supervisory committee answers.

Lodging is limited per address and per hour. An objection lands in the committee's queue with the
date its answer is due (the village's setting, 3 days by default); the answer is published with it
on the matter's page, and an upheld objection sends the matter back to the step it names.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from deliberate import Stage
from deliberate.procedure import Action
from deliberate.usecases import participation, records, tracking

from . import public
from .admin import village_profile
from .auth import current_account, require
from .i18n import t
from .limits import PER_HOUR as LODGE_PER_HOUR
from .limits import allow, per_hour
from .services import REFUSED, attempt, now, personal_details, state, store, village_or_404

__all__ = ["LODGE_PER_HOUR", "bp"]

bp = Blueprint("objections", __name__)


@bp.post("/p/<village>/m/<matter>/objections")
def lodge(village: str, matter: str) -> Any:
    village_or_404(village)
    text = (request.form.get("text") or "").strip()

    def again(status: int) -> Any:
        # The page again, with the reason and what was typed, not a redirect that loses both.
        return public.matter_page(village, matter=matter), status

    details = personal_details("contact")
    if details is None:
        return again(400)
    (contact,) = details
    if not allow("objection"):
        flash(t("objection_limited", count=per_hour()), "error")
        return again(429)
    # The contact is for the committee only: kept beside the public log, never in it.
    lodged = attempt(participation.lodge_objection, village, matter, text, contact=contact, at=now())
    if lodged is REFUSED:
        return again(404 if matter not in state(village).matters else 400)
    if lodged.number is None:
        flash(t("objection_lodged"), "ok")
        return redirect(url_for("public.matter_page", village=village, matter=matter))
    flash(t("tracked_lodged", number=lodged.number, date=lodged.answer_by), "ok")
    return redirect(url_for("public.lookup", village=village, number=str(lodged.number)))


@bp.get("/v/<village>/objections")
@require("objections.answer")
def queue(village: str) -> Any:
    village_or_404(village)
    profile = village_profile(village)
    pending = state(village).objections_due(profile.objection_answer_days, profile.calendar)
    return render_template("objections/queue.html", village=village, pending=pending,
                           today=now().date(), numbers=tracking.numbers(store(), village),
                           contacts=records.contacts(store(), village, "objection"))


@bp.post("/v/<village>/objections/<matter>/<objection>")
@require("objections.answer")
def answer(village: str, matter: str, objection: str) -> Any:
    upheld = request.form.get("upheld") == "1"
    to = request.form.get("return_to") or ""
    return_to = next((s for s in Stage if s.value == to), None) if upheld else None
    account = current_account()
    if attempt(participation.answer_objection, village, matter, objection,
               answer=(request.form.get("answer") or "").strip(), upheld=upheld,
               by=account.person or account.username, return_to=return_to, at=now()) is not REFUSED:
        flash(t("done"), "ok")
    return redirect(url_for("objections.queue", village=village))


def return_targets(matter: Any) -> list[Stage]:
    """The steps an upheld objection on ``matter`` may send it back to (the core's query)."""
    return matter.steps_back(Action.UPHOLD_OBJECTION)

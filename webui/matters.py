"""Matters: create one, follow its six-step timeline, schedule the sitting its step needs."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for

from deliberate.convening import REQUISITIONS
from deliberate.notice import percent, yuan
from deliberate.procedure import PROCEDURES, Action, StepKind
from deliberate.story import story
from deliberate.usecases import matters

from .admin import settings_shown, village_profile
from .auth import current_account, require
from .i18n import current_lang, t
from .services import REFUSED, attempt, now, state, village_or_404
from .steps import MAX_FILES, parse_yuan

__all__ = ["bp", "matter_page"]

bp = Blueprint("matters", __name__, url_prefix="/v/<village>/m")



@bp.get("")
@require("matters.manage")
def index(village: str) -> Any:
    name = village_or_404(village)
    matters = sorted(state(village).matters.values(), key=lambda m: m.history[0].at, reverse=True)
    return render_template("matters/index.html", village=village, name=name, matters=matters,
                           procedures=PROCEDURES)


@bp.post("")
@require("matters.manage")
def create(village: str) -> Any:
    village_or_404(village)
    form = request.form
    procedure = PROCEDURES.get(form.get("procedure", ""))
    amount_text = (form.get("amount") or "").strip()
    amount = None
    if amount_text:
        try:
            amount = parse_yuan(amount_text)
        except ValueError:
            flash(t("bad_amount"), "error")
            return redirect(url_for("matters.index", village=village))
    if procedure is None:
        flash(t("bad_request"), "error")
        return redirect(url_for("matters.index", village=village))
    account = current_account()
    matter = attempt(matters.raise_matter, village, title=form.get("title") or "", procedure=procedure,
                     by=account.username, by_person=account.person or account.username,
                     description=form.get("description") or "", plan=form.get("plan") or "",
                     amount=amount, submission=form.get("submission") or None, at=now())
    if matter is REFUSED:
        return redirect(url_for("matters.index", village=village))
    return redirect(url_for("matters.show", village=village, matter=matter))


@bp.get("/<matter>")
@require("matters.manage")
def show(village: str, matter: str) -> Any:
    return matter_page(village, matter)


def matter_page(village: str, matter: str, posted: str | None = None) -> str:
    """The clerk's page of ``matter``. After a refused form, ``posted`` names that form (its
    view's name), and the page keeps what was typed in it beside the reason."""
    name = village_or_404(village)
    found = state(village)
    m = found.matters.get(matter)
    if m is None:
        abort(404)
    # A notice's contacts are usually the village's last ones: offer them again.
    last = found.latest_notice()
    send_back = m.steps_back(Action.RETURN)
    return render_template("matters/show.html", village=village, name=name, m=m,
                           sittings=found.sittings_for(matter), chapters=story(found, matter),
                           percent=percent, StepKind=StepKind, today=now().date().isoformat(),
                           settings=settings_shown(village_profile(village)), yuan=yuan,
                           send_back=send_back,
                           contacts=last.contacts if last else "", max_files=MAX_FILES,
                           requisitions=REQUISITIONS,
                           posted=posted)


@bp.post("/<matter>/sittings")
@require("matters.manage")
def schedule(village: str, matter: str) -> Any:
    village_or_404(village)
    try:
        day = date.fromisoformat(request.form.get("date", ""))
        at = time.fromisoformat(request.form.get("time", "09:00"))
        notice = date.fromisoformat(request.form.get("notice_date", ""))
    except ValueError:
        flash(t("bad_date"), "error")
        return redirect(url_for("matters.show", village=village, matter=matter))
    scheduled = datetime.combine(day, at, ZoneInfo(current_app.config["TIMEZONE"]))
    if attempt(matters.convene, village, matter, scheduled_for=scheduled, notice_date=notice,
               place=request.form.get("place") or "", by=current_account().username, at=now()) is not REFUSED:
        flash(t("done"), "ok")
    return redirect(url_for("matters.show", village=village, matter=matter))


@bp.post("/<matter>/requisitions")
@require("matters.manage")
def requisition(village: str, matter: str) -> Any:
    """A requisition received (联名提议): its kind, the day, the signers one per line. Refused:
    the page again with the reason and what was typed (4xx), nothing recorded."""
    village_or_404(village)
    try:
        received = date.fromisoformat(request.form.get("received_on", ""))
    except ValueError:
        flash(t("bad_date"), "error")
        return matter_page(village, matter, posted="requisition"), 400
    done = attempt(matters.record_requisition, village, matter, kind=request.form.get("kind") or "",
                   received_on=received, signers=(request.form.get("signers") or "").splitlines(),
                   by=current_account().username, at=now())
    if done is REFUSED:
        return matter_page(village, matter, posted="requisition"), 422
    flash(done.explain(current_lang()), "ok")
    return redirect(url_for("matters.show", village=village, matter=matter))

"""Matters: create one, follow its six-step timeline, schedule the sitting its step needs."""

from __future__ import annotations

import secrets
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for

from deliberate import DeliberateError, rules
from deliberate import commands as c
from deliberate.notice import yuan
from deliberate.procedure import PROCEDURES, Action, StepKind
from deliberate.store.roster import load_roster

from .admin import village_settings
from .auth import current_account, require
from .i18n import t
from .services import ledger, now, run, store, village_or_404
from .steps import MAX_FILES, parse_yuan

__all__ = ["bp", "matter_page"]

bp = Blueprint("matters", __name__, url_prefix="/v/<village>/m")



@bp.get("")
@require("matters.manage")
def index(village: str) -> Any:
    name = village_or_404(village)
    state = ledger(village).state
    matters = sorted(state.matters.values(), key=lambda m: m.history[0].at, reverse=True)
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
    matter = f"m{date.today():%Y%m%d}-{secrets.token_hex(3)}"
    account = current_account()
    submission = (form.get("submission") or "")[:200]
    if submission and ledger(village).state.submissions.get(submission) is None:
        flash(t("bad_request"), "error")
        return redirect(url_for("submissions.clerk_ledger", village=village))
    if run(village, c.RaiseMatter(matter, (form.get("title") or "")[:500], procedure,
                                  by=account.username, description=(form.get("description") or "")[:20000],
                                  plan=(form.get("plan") or "")[:20000], amount=amount,
                                  origin="villagers" if submission else "party_organisation")):
        # Raised from a villager's submission: the submission now follows the matter.
        if submission:
            run(village, c.TakeUpSubmission(submission, matter, now().date(),
                                            by=account.person or account.username))
        return redirect(url_for("matters.show", village=village, matter=matter))
    return redirect(url_for("matters.index", village=village))


@bp.get("/<matter>")
@require("matters.manage")
def show(village: str, matter: str) -> Any:
    return matter_page(village, matter)


def matter_page(village: str, matter: str, posted: str | None = None) -> str:
    """The clerk's page of ``matter``. After a refused form, ``posted`` names that form (its
    view's name), and the page keeps what was typed in it beside the reason."""
    name = village_or_404(village)
    state = ledger(village).state
    m = state.matters.get(matter)
    if m is None:
        abort(404)
    marks = {mark.stage: mark for mark in m.history}
    sittings = [s for s in state.sittings.values() if matter in s.agenda]
    # A notice's contacts are usually the village's last ones: offer them again.
    last = max((n for other in state.matters.values() for n in other.notices),
               key=lambda n: n.published_on, default=None)
    try:
        send_back = sorted(m.procedure.targets(m.stage, Action.RETURN), key=m.procedure.stages.index)
    except DeliberateError:
        send_back = []
    return render_template("matters/show.html", village=village, name=name, m=m, marks=marks,
                           sittings=sorted(sittings, key=lambda s: s.scheduled_for),
                           StepKind=StepKind, today=now().date().isoformat(),
                           settings=village_settings(village), yuan=yuan, send_back=send_back,
                           contacts=last.contacts if last else "", max_files=MAX_FILES,
                           posted=posted)


@bp.post("/<matter>/sittings")
@require("matters.manage")
def schedule(village: str, matter: str) -> Any:
    village_or_404(village)
    state = ledger(village).state
    m = state.matters.get(matter)
    if m is None:
        abort(404)
    if m.step is None or m.step.kind is not StepKind.SITTING:
        flash(t("bad_request"), "error")
        return redirect(url_for("matters.show", village=village, matter=matter))
    try:
        day = date.fromisoformat(request.form.get("date", ""))
        at = time.fromisoformat(request.form.get("time", "09:00"))
        notice = date.fromisoformat(request.form.get("notice_date", ""))
    except ValueError:
        flash(t("bad_date"), "error")
        return redirect(url_for("matters.show", village=village, matter=matter))
    rule = rules.preset(m.step.rule)
    scheduled = datetime.combine(day, at, ZoneInfo(current_app.config["TIMEZONE"]))
    roster = load_roster(store().engine, village).body(rule.body, day)
    sitting = f"s{day:%Y%m%d}-{secrets.token_hex(3)}"
    account = current_account()
    if run(village, c.ConveneSitting(sitting, rule, roster, (matter,), scheduled, notice,
                                     (request.form.get("place") or "")[:500], by=account.username)):
        flash(t("done"), "ok")
    return redirect(url_for("matters.show", village=village, matter=matter))

"""The chair's console for a sitting: attendance, quorum, votes, card counts, minutes."""

from __future__ import annotations

import io
import secrets
from typing import Any

import segno
from flask import Blueprint, flash, redirect, render_template, request, url_for

from deliberate import Tally
from deliberate import commands as c
from deliberate.procedure import SittingState

from .address import external_url
from .auth import current_account, require
from .i18n import t
from .services import person_names, read_voter_token, run, sitting_or_404, voter_token

__all__ = ["bp"]

bp = Blueprint("hall", __name__, url_prefix="/v/<village>/s/<sitting>/hall")


def _back(village: str, sitting: str) -> Any:
    return redirect(url_for("hall.console", village=village, sitting=sitting))


def _text(name: str, limit: int = 2000) -> str:
    return (request.form.get(name) or "").strip()[:limit]


def _count(name: str) -> int | None:
    raw = (request.form.get(name) or "").strip()
    return int(raw) if raw.isdigit() and len(raw) < 7 else None


def view_model(village: str, sitting_id: str) -> dict[str, Any]:
    state, sitting = sitting_or_404(village, sitting_id)
    names = person_names(village)
    attendance = sitting.attendance()
    outcome = sitting.rule.decide(attendance, Tally())
    vote = state.open_vote(sitting_id)
    account = current_account()
    # A secret vote's card count stays sealed until the close: only the counter and the
    # scrutineer, who must agree on the numbers, see the split before then.
    tellers = account is not None and (account.may("hall.cards.enter")
                                       or account.may("hall.cards.confirm"))
    return {"village": village, "sitting": sitting, "state": state, "names": names,
            "show_split": vote is not None and vote.cards is not None
            and (not vote.secret or tellers),
            "attendance": attendance, "quorum": outcome, "vote": vote,
            # Only matters still at the step this sitting was convened for can be voted on.
            "agenda": [state.matters[m] for m in sitting.agenda
                       if state.matters[m].stage is sitting.stage_for(m)],
            "present": sorted(sitting.present, key=lambda p: names.get(p, p)),
            "SittingState": SittingState}


@bp.get("")
@require("hall.view")
def console(village: str, sitting: str) -> Any:
    return render_template("hall/console.html", **view_model(village, sitting))


@bp.get("/panel")
@require("hall.view")
def panel(village: str, sitting: str) -> Any:
    return render_template("hall/panel.html", **view_model(village, sitting))


@bp.post("/check-in")
@require("hall.attendance")
def check_in(village: str, sitting: str) -> Any:
    _, s = sitting_or_404(village, sitting)
    query = _text("who", 600)
    names = person_names(village)
    scanned = _scanned_person(query, village, sitting)
    if scanned is not None:
        query = scanned
    # A number names one person; a name may name several (then the number is needed).
    by_name = sorted(p for p in s.roster.attendees if names.get(p) == query)
    matches = [query] if query in s.roster.attendees else by_name
    if not matches:
        flash(t("nobody_found", query=query), "error")
    elif len(matches) > 1:
        flash(t("ambiguous", query=query, candidates="、".join(matches)), "error")
    elif run(village, c.CheckIn(sitting, matches[0])):
        flash(t("checked_in", name=names.get(matches[0], matches[0])), "ok")
    return _back(village, sitting)


def _scanned_person(text: str, village: str, sitting: str) -> str | None:
    """The person whose QR card was scanned into the check-in box, if it is one for this sitting.

    A villager's card carries their voting link; a scanner types it (``…/b/<token>``) into the
    box and presses Enter. A card for another sitting or village is not a check-in."""
    token = text.rsplit("/b/", 1)[1].split("?")[0] if "/b/" in text else text
    found = read_voter_token(token) if len(token) > 20 else None
    if found is None or found[:2] != (village, sitting):
        return None
    return found[2]


@bp.post("/check-out")
@require("hall.attendance")
def check_out(village: str, sitting: str) -> Any:
    person = _text("person", 200)
    if run(village, c.CheckOut(sitting, person)):
        flash(t("checked_out", name=person_names(village).get(person, person)), "ok")
    return _back(village, sitting)


@bp.post("/open")
@require("hall.chair")
def open_sitting(village: str, sitting: str) -> Any:
    account = current_account()
    run(village, c.OpenSitting(sitting, by=account.username if account else "?"))
    return _back(village, sitting)


@bp.post("/tellers")
@require("hall.chair")
def tellers(village: str, sitting: str) -> Any:
    counters = tuple(p for p in request.form.getlist("counter") if p)[:5]
    scrutineers = tuple(p for p in request.form.getlist("scrutineer") if p)[:5]
    run(village, c.AppointTellers(sitting, counters, scrutineers))
    return _back(village, sitting)


@bp.post("/vote/open")
@require("hall.chair")
def open_vote(village: str, sitting: str) -> Any:
    _, s = sitting_or_404(village, sitting)
    vote = f"v{len(s.results) + 1}"
    run(village, c.OpenVote(sitting, vote, _text("matter", 200), _text("motion"),
                            secret=request.form.get("secret") == "1"))
    return _back(village, sitting)


@bp.post("/vote/cards")
@require("hall.cards.enter")
def enter_cards(village: str, sitting: str) -> Any:
    state, _ = sitting_or_404(village, sitting)
    vote = state.open_vote(sitting)
    counts = [_count(k) for k in ("approve", "oppose", "abstain")]
    if vote is None or None in counts:
        flash(t("bad_request"), "error")
        return _back(village, sitting)
    account = current_account()
    run(village, c.EnterCardCount(sitting, vote.id, account.person or account.username,
                                  Tally(*counts), account=account.username,
                                  nonce=secrets.token_hex(16) if vote.secret else None))
    return _back(village, sitting)


@bp.post("/vote/confirm")
@require("hall.cards.confirm")
def confirm_cards(village: str, sitting: str) -> Any:
    state, _ = sitting_or_404(village, sitting)
    vote = state.open_vote(sitting)
    account = current_account()
    if vote is not None:
        run(village, c.ConfirmCardCount(sitting, vote.id, account.person or account.username,
                                        account=account.username))
    return _back(village, sitting)


@bp.post("/vote/close")
@require("hall.chair")
def close_vote(village: str, sitting: str) -> Any:
    state, _ = sitting_or_404(village, sitting)
    vote = state.open_vote(sitting)
    if vote is not None:
        run(village, c.CloseVote(sitting, vote.id))
    return _back(village, sitting)


@bp.post("/adjourn")
@require("hall.chair")
def adjourn(village: str, sitting: str) -> Any:
    run(village, c.AdjournSitting(sitting, _text("reason") or t("quorate_no")))
    return _back(village, sitting)


@bp.post("/close")
@require("hall.chair")
def close(village: str, sitting: str) -> Any:
    run(village, c.CloseSitting(sitting))
    return _back(village, sitting)


@bp.post("/minutes")
@require("hall.minutes")
def minutes(village: str, sitting: str) -> Any:
    account = current_account()
    speakers = tuple(s.strip() for s in _text("speakers").replace("，", ",").split(",") if s.strip())
    ref = _text("recording_ref", 1000) or None
    sha = _text("recording_sha256", 64).lower() or None
    if run(village, c.RecordMinutes(sitting, account.display_name, _text("summary", 20000),
                                    speakers[:50], ref, sha)):
        flash(t("done"), "ok")
    return _back(village, sitting)


@bp.get("/links")
@require("hall.links")
def links(village: str, sitting: str) -> Any:
    """Printable cards: each voter's signed link and its QR code."""
    _, s = sitting_or_404(village, sitting)
    names = person_names(village)
    cards = []
    for person in sorted(s.roster.voters, key=lambda p: names.get(p, p)):
        url = external_url("ballot.vote", token=voter_token(village, sitting, person))
        svg = io.BytesIO()
        segno.make(url, error="m").save(svg, kind="svg", scale=3, xmldecl=False, svgns=False)
        cards.append((person, names.get(person, person), url, svg.getvalue().decode()))
    return render_template("hall/links.html", sitting=s, village=village, cards=cards)

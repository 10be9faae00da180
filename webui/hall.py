"""The chair's console for a sitting: attendance, quorum, votes, card counts, minutes.

Each view parses the form, calls one use case (:mod:`deliberate.usecases.hall`) and goes back to
the console; a refusal is flashed in the user's language."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from deliberate.procedure import SittingState
from deliberate.tally import Tally
from deliberate.usecases import hall

from .address import external_url
from .auth import current_account, require
from .i18n import t
from .qr import qr_svg
from .services import REFUSED, attempt, now, read_voter_token, store, voter_token

__all__ = ["bp"]

bp = Blueprint("hall", __name__, url_prefix="/v/<village>/s/<sitting>/hall")


def _back(village: str, sitting: str) -> Any:
    return redirect(url_for("hall.console", village=village, sitting=sitting))


def _text(name: str) -> str:
    return (request.form.get(name) or "").strip()


def _count(name: str) -> int | None:
    raw = (request.form.get(name) or "").strip()
    return int(raw) if raw.isdigit() and len(raw) < 7 else None


def _teller() -> str:
    account = current_account()
    return account.person or account.username


def view_model(village: str, sitting_id: str) -> dict[str, Any]:
    account = current_account()
    # A secret vote's card count stays sealed until the close: only the counter and the
    # scrutineer, who must agree on the numbers, see the split before then.
    teller = account is not None and (account.may("hall.cards.enter") or account.may("hall.cards.confirm"))
    view = hall.hall_view(store(), village, sitting_id, teller=teller)
    return {"village": village, "sitting": view.sitting, "state": view.state, "names": view.names,
            "show_split": view.show_split, "attendance": view.attendance, "quorum": view.quorum,
            "vote": view.vote, "agenda": list(view.agenda), "present": list(view.present),
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
    query = _text("who")
    scanned = _scanned_person(query, village, sitting)
    done = attempt(hall.check_in, village, sitting, scanned or query, now())
    if done is REFUSED:
        pass
    elif done.person is not None:
        flash(t("checked_in", name=done.name), "ok")
    elif done.candidates:
        flash(t("ambiguous", query=done.query, candidates="、".join(done.candidates)), "error")
    else:
        flash(t("nobody_found", query=done.query), "error")
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
    name = attempt(hall.check_out, village, sitting, _text("person"), now())
    if name is not REFUSED:
        flash(t("checked_out", name=name), "ok")
    return _back(village, sitting)


@bp.post("/open")
@require("hall.chair")
def open_sitting(village: str, sitting: str) -> Any:
    attempt(hall.open_sitting, village, sitting, current_account().username, now())
    return _back(village, sitting)


@bp.post("/tellers")
@require("hall.chair")
def tellers(village: str, sitting: str) -> Any:
    counters = [p for p in request.form.getlist("counter") if p]
    scrutineers = [p for p in request.form.getlist("scrutineer") if p]
    attempt(hall.appoint_tellers, village, sitting, counters, scrutineers, now())
    return _back(village, sitting)


@bp.post("/vote/open")
@require("hall.chair")
def open_vote(village: str, sitting: str) -> Any:
    attempt(hall.open_vote, village, sitting, _text("matter"), _text("motion"),
            request.form.get("secret") == "1", now())
    return _back(village, sitting)


@bp.post("/vote/cards")
@require("hall.cards.enter")
def enter_cards(village: str, sitting: str) -> Any:
    counts = [_count(k) for k in ("approve", "oppose", "abstain")]
    if None in counts:
        flash(t("bad_request"), "error")
    else:
        attempt(hall.enter_card_count, village, sitting, _teller(), Tally(*counts),
                current_account().username, now())
    return _back(village, sitting)


@bp.post("/vote/confirm")
@require("hall.cards.confirm")
def confirm_cards(village: str, sitting: str) -> Any:
    attempt(hall.confirm_card_count, village, sitting, _teller(), current_account().username, now())
    return _back(village, sitting)


@bp.post("/vote/close")
@require("hall.chair")
def close_vote(village: str, sitting: str) -> Any:
    attempt(hall.close_vote, village, sitting, now())
    return _back(village, sitting)


@bp.post("/adjourn")
@require("hall.chair")
def adjourn(village: str, sitting: str) -> Any:
    attempt(hall.adjourn, village, sitting, _text("reason") or t("quorate_no"), now())
    return _back(village, sitting)


@bp.post("/close")
@require("hall.chair")
def close(village: str, sitting: str) -> Any:
    attempt(hall.close_sitting, village, sitting, now())
    return _back(village, sitting)


@bp.post("/minutes")
@require("hall.minutes")
def minutes(village: str, sitting: str) -> Any:
    speakers = [s.strip() for s in _text("speakers").replace("，", ",").split(",") if s.strip()]
    if attempt(hall.record_minutes, village, sitting, recorder=current_account().display_name,
               summary=_text("summary"), speakers=speakers, recording_ref=_text("recording_ref") or None,
               recording_sha256=_text("recording_sha256").lower() or None, at=now()) is not REFUSED:
        flash(t("done"), "ok")
    return _back(village, sitting)


@bp.get("/links")
@require("hall.links")
def links(village: str, sitting: str) -> Any:
    """Printable cards: each voter's signed link and its QR code."""
    found, voters = hall.voters(store(), village, sitting)
    cards = []
    for person, name in voters:
        url = external_url("ballot.vote", token=voter_token(village, sitting, person))
        cards.append((person, name, url, qr_svg(url)))
    return render_template("hall/links.html", sitting=found, village=village, cards=cards)

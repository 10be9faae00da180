"""The chair's console for a sitting: attendance, quorum, votes, card counts, minutes.

Each view parses the form, calls one use case (:mod:`deliberate.usecases.hall`) and goes back to
the console; a refusal is flashed in the user's language."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for

from deliberate.errors import DeliberateError
from deliberate.procedure import SittingState
from deliberate.tally import Tally
from deliberate.usecases import attendance, hall
from deliberate.usecases import roster as rosters

from .address import external_url
from .auth import PERMISSIONS, current_account, require
from .cards import check_in as card_check_in
from .cards import is_card
from .i18n import current_lang, t
from .pagecache import conditional, record_tag
from .qr import qr_svg
from .services import REFUSED, attempt, now, person_names, read_voter_token, store, voter_token

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
    counters, scrutineers = hall.teller_logins(store(), village, sitting_id,
                                               counter_roles=PERMISSIONS["hall.cards.enter"],
                                               scrutineer_roles=PERMISSIONS["hall.cards.confirm"])
    return {"village": village, "sitting": view.sitting, "state": view.state, "names": view.names,
            "show_split": view.show_split, "attendance": view.attendance, "quorum": view.quorum,
            "vote": view.vote, "agenda": list(view.agenda), "present": list(view.present),
            "SittingState": SittingState, "teller_notes": _teller_notes(view.names, counters, scrutineers),
            "tellers_named": (_named(view.names, view.sitting.counters), _named(view.names, view.sitting.scrutineers)),
            "form": {}}


def _console_model(village: str, sitting: str) -> dict[str, Any]:
    """The console: the polled panel's model, the attendance counted by villager group with what a
    search (``?q=…&group=…``) found, and the teller dropdowns' few names (``?teller_q=…``)."""
    model = view_model(village, sitting)
    found, teller_q = model["sitting"], _arg("teller_q")
    return {**model, "crowd": attendance.attendance(store(), village, sitting, query=_arg("q"),
                                                    group=_arg("group") or None),
            "teller_q": teller_q, "crowd_shown": attendance.SHOWN,
            "teller_search": len(found.roster.attendees) > attendance.WHOLE,
            "teller_choices": attendance.teller_choices(store(), village, sitting, teller_q),
            "chosen": (found.counters, found.scrutineers),
            "composition": rosters.sitting_composition(store(), village, sitting)}


def _arg(name: str) -> str:
    return (request.args.get(name) or "").strip()


def _door(village: str, sitting: str, person: str | None = None) -> Any:
    """After a check-in or out: the console again; or, asked by the console's script, only what
    changed — the message, the counts by group, and the person's row in a search."""
    if request.headers.get("HX-Request") != "true":
        return _back(village, sitting)
    crowd = attendance.attendance(store(), village, sitting, only=person)
    return render_template("hall/_door.html", village=village, sitting_id=sitting, crowd=crowd,
                           row=crowd.found[0] if person and crowd.found else None)


def _named(names: dict[str, str], people: Any) -> str:
    return "、".join(names.get(p, p) for p in people if p) or t("nobody")


def _teller_notes(names: dict[str, str], *roles: hall.TellerLogins) -> list[str]:
    """What the console says about the tellers' logins, by name: who must log in, or whose login
    acts for someone not appointed (a count entered under that login would be refused)."""
    notes = []
    for logins, role in zip(roles, (t("counter_role"), t("scrutineer_role")), strict=True):
        if not logins.appointed:
            continue
        if not logins.ready:
            notes.append(t("teller_no_login", role=role, names=_named(names, logins.appointed),
                           holders=_named(names, [p for _, p in logins.logins])))
        for username, person in logins.strangers:
            if person is not None:
                notes.append(t("teller_login_other", role=role, username=username, name=names.get(person, person),
                               appointed=_named(names, logins.appointed)))
    return notes


@bp.get("")
@require("hall.view")
def console(village: str, sitting: str) -> Any:
    return render_template("hall/console.html", **_console_model(village, sitting))


@bp.get("/attendees")
@require("hall.view")
def attendees(village: str, sitting: str) -> Any:
    """The console's search among the attendees (a name, a number, a villager group): a few rows."""
    crowd = attendance.attendance(store(), village, sitting, query=_arg("q"), group=_arg("group") or None)
    return render_template("hall/_attendees.html", village=village, sitting_id=sitting, crowd=crowd)


@bp.get("/tellers/choices")
@require("hall.chair")
def teller_choices(village: str, sitting: str) -> Any:
    """The two teller dropdowns narrowed to the names a search finds, keeping what is chosen."""
    chosen = (request.args.getlist("counter")[:3], request.args.getlist("scrutineer")[:3])
    choices = attendance.teller_choices(store(), village, sitting, _arg("teller_q"), keep=chosen[0] + chosen[1])
    return render_template("hall/_teller_selects.html", teller_choices=choices, chosen=chosen, announce=True)


@bp.get("/panel")
@require("hall.view")
def panel(village: str, sitting: str) -> Any:
    return render_template("hall/panel.html", **view_model(village, sitting))


@bp.get("/cards")
@require("hall.view")
def cards(village: str, sitting: str) -> Any:
    """The tellers' card-count status and the scrutineer's confirm button, polled: the button
    appears as soon as a count waits; unchanged, the poll answers 304."""
    tag = f"{record_tag(village)}.{current_lang()}.{current_account().username}"
    model = view_model(village, sitting)
    return conditional(tag, lambda: make_response(render_template("hall/_cards.html", **model)))


@bp.post("/check-in")
@require("hall.attendance")
def check_in(village: str, sitting: str) -> Any:
    query = _text("who")
    if is_card(query):  # a voter card (选民卡), kept from sitting to sitting: webui.cards
        return _door(village, sitting, card_check_in(village, sitting, query))
    card = _scanned_card(query)
    if card is not None and card[:2] != (village, sitting):
        # A valid card, but for another sitting (or village): say so, rather than "nobody found".
        key = "card_other_sitting" if card[0] == village else "card_other_village"
        flash(t(key, name=person_names(card[0]).get(card[2], "") if card[0] == village else ""), "error")
        return _door(village, sitting)
    done = attempt(hall.check_in, village, sitting, card[2] if card else query, now())
    if done is REFUSED:
        pass
    elif done.person is not None:
        flash(t("checked_in", name=done.name), "ok")
    elif done.candidates:
        flash(t("ambiguous", query=done.query, candidates="、".join(done.candidates)), "error")
    else:
        flash(t("nobody_found", query=done.query), "error")
    return _door(village, sitting, done.person if done else None)


def _scanned_card(text: str) -> tuple[str, str, str] | None:
    """(village, sitting, person) of the QR card scanned into the check-in box, if it is one.

    A villager's card carries their voting link; a scanner types it (``…/b/<token>``) into the
    box and presses Enter."""
    token = text.rsplit("/b/", 1)[1].split("?")[0] if "/b/" in text else text
    return read_voter_token(token) if len(token) > 20 else None


@bp.post("/check-out")
@require("hall.attendance")
def check_out(village: str, sitting: str) -> Any:
    name = attempt(hall.check_out, village, sitting, _text("person"), now())
    if name is not REFUSED:
        flash(t("checked_out", name=name), "ok")
    return _door(village, sitting, _text("person") if name is not REFUSED else None)


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
    if not counters or not scrutineers:
        flash(t("tellers_choose_both"), "error")
    elif attempt(hall.appoint_tellers, village, sitting, counters, scrutineers, now()) is not REFUSED:
        names = person_names(village)
        flash(t("tellers_saved", counters=_named(names, counters), scrutineers=_named(names, scrutineers)), "ok")
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
    # Closing ends every voter's link: only a request that says it was confirmed closes.
    if request.form.get("confirm") != "1":
        flash(t("close_sitting_confirm"), "error")
    else:
        attempt(hall.close_sitting, village, sitting, now())
    return _back(village, sitting)


@bp.post("/minutes")
@require("hall.minutes")
def minutes(village: str, sitting: str) -> Any:
    speakers = [s.strip() for s in _text("speakers").replace("，", ",").split(",") if s.strip()]
    problem = _minutes_problem()
    if problem is not None:
        flash(problem, "error")
    elif attempt(hall.record_minutes, village, sitting, recorder=current_account().display_name,
                 summary=_text("summary"), speakers=speakers, recording_ref=_text("recording_ref") or None,
                 recording_sha256=_text("recording_sha256").lower() or None, at=now()) is not REFUSED:
        flash(t("done"), "ok")
        return _back(village, sitting)
    # Refused: the console again, with everything the clerk typed still in the form.
    flash(t("minutes_kept"), "error")
    model = {**_console_model(village, sitting), "form": request.form}
    return render_template("hall/console.html", **model), 422


def _minutes_problem() -> str | None:
    """What is wrong with the minutes form, in the clerk's words, before the record is asked."""
    sha = _text("recording_sha256")
    if not _text("summary"):
        return t("minutes_need_summary")
    if bool(_text("recording_ref")) != bool(sha):
        return DeliberateError("err_recording_pair").message(current_lang())
    if sha and not re.fullmatch(r"[0-9a-fA-F]{64}", sha):
        return t("minutes_sha_bad")
    return None


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

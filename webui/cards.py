"""Voter cards (选民卡): the clerk's list and printing, check-in by card at the door, releasing a
card's phone, and the page a villager's phone opens when it scans a card.

The card's QR code is ``<site>/card#<code>``: the code is in the fragment, which a browser never
sends, so it reaches no server log and no proxy; ``card.js`` posts it from the page. A card opened
on its bound phone leads to the voter's page at ``/b/<card token>`` — a token that works only
with that phone's cookie (``phone``, HttpOnly), so the address alone, copied or overheard, votes
for nobody (:func:`card_link`).
"""

from __future__ import annotations

import hashlib
from typing import Any

from flask import Blueprint, current_app, flash, make_response, redirect, render_template, request, url_for
from itsdangerous import BadSignature, URLSafeSerializer

from deliberate.usecases import cards
from deliberate.usecases.cards import CardRefusal

from .address import external_url
from .auth import require
from .i18n import t
from .limits import card_miss, card_tries_allowed
from .qr import qr_svg
from .security import cookie_secure
from .services import REFUSED, attempt, now, store

__all__ = ["PHONE_COOKIE", "bp", "card_link", "check_in", "is_card"]

bp = Blueprint("cards", __name__)
PHONE_COOKIE = "phone"
_PHONE_DAYS = 400  # a phone keeps its cookie from sitting to sitting (browsers cap it near here)
_STATUS = {CardRefusal.UNKNOWN: 404, CardRefusal.REVOKED: 410, CardRefusal.NO_SITTING: 409,
           CardRefusal.NOT_CHECKED_IN: 403, CardRefusal.OTHER_PHONE: 409}


def _key() -> bytes:
    """The cards' HMAC key: made from the site's secret (instance folder), never in the database."""
    return hashlib.sha256(b"deliberate.cards\x00" + str(current_app.config["SECRET_KEY"]).encode()).digest()


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="deliberate.card")


def card_link(token: str) -> tuple[tuple[str, str, str] | None, str | None]:
    """(village, sitting, person) of a card token opened on its bound phone; else None and the
    message key to show (None too when ``token`` is not a card token at all)."""
    try:
        village, sitting, person = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None, None
    if not cards.phone_may_vote(store(), _key(), str(village), str(sitting), str(person),
                                request.cookies.get(PHONE_COOKIE)):
        return None, "card_phone_gone"
    return (str(village), str(sitting), str(person)), None


@bp.get("/v/<village>/cards")
@require("hall.links")
def index(village: str) -> Any:
    holders = cards.card_holders(store(), village, now())
    missing = sum(1 for h in holders if h.issued_at is None)
    return render_template("cards/index.html", village=village, holders=holders, missing=missing,
                           held=len(holders) - missing)


@bp.post("/v/<village>/cards/print")
@require("hall.links")
def issue(village: str) -> Any:
    """Make cards — for everyone without one, or (``person``) a replacement for one villager —
    and show them to print: the only time their codes exist in clear."""
    person = (request.form.get("person") or "").strip()
    if person:
        made = attempt(cards.issue_cards, _key(), village, [person], now())
    else:
        made = attempt(cards.issue_missing_cards, _key(), village, now())
    if made is REFUSED:
        return redirect(url_for("cards.index", village=village))
    opened = external_url("cards.open_page")
    printed = [(card, qr_svg(f"{opened}#{card.raw}")) for card in made]
    response = make_response(render_template("cards/print.html", village=village, cards=printed, open_url=opened))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/card")
def open_page() -> Any:
    return _no_store(render_template("cards/open.html"))


@bp.post("/card")
def open_card() -> Any:
    """A card's code, posted by card.js from the QR code's fragment (or typed): the voter's page
    on the phone bound to the card, or a plain message why not."""
    if not card_tries_allowed():
        return _no_store(render_template("cards/open.html", message=t("card_limited")), 429)
    done = cards.open_card(store(), _key(), request.form.get("code"), request.cookies.get(PHONE_COOKIE), now())
    if done.refusal is not None:
        if done.refusal is CardRefusal.UNKNOWN:
            card_miss()
        return _no_store(render_template("cards/open.html", message=t(done.refusal.value)), _STATUS[done.refusal])
    token = _serializer().dumps([done.village, done.sitting, done.person])
    response = redirect(url_for("ballot.vote", token=token))
    if done.phone is not None:
        response.set_cookie(PHONE_COOKIE, done.phone, max_age=_PHONE_DAYS * 86400, httponly=True,
                            samesite="Lax", secure=cookie_secure(), path="/")
    return response


def _no_store(body: Any, status: int = 200) -> Any:
    response = make_response(body, status)
    response.headers["Cache-Control"] = "no-store"
    return response


def is_card(text: str) -> bool:
    """Whether what was scanned or typed at the door is a card's code (or a card's URL)."""
    return cards.card_code(text) is not None or "/card#" in text


def check_in(village: str, sitting: str, text: str) -> str | None:
    """Check in the holder of the card scanned at the door (webui.hall.check_in hands it here and
    answers as for any check-in); a card of another village, a revoked or an unknown one is named
    as such. Returns the person checked in, if any."""
    done = attempt(cards.check_in_by_card, _key(), village, sitting, text, now())
    if done is REFUSED:
        pass
    elif done.refusal is CardRefusal.OTHER_VILLAGE:
        flash(t("card_other_village_named", village=done.village_name), "error")
    elif done.refusal is CardRefusal.REVOKED:
        flash(t("card_revoked_at_door", name=done.holder), "error")
    elif done.refusal is not None:
        flash(t("card_unknown_at_door", code=cards.spaced(cards.card_code(text) or text[-16:])), "error")
    else:
        flash(t("checked_in", name=done.checked.name), "ok")
        return done.checked.person
    return None


@bp.post("/v/<village>/s/<sitting>/cards/release")
@require("hall.attendance")
def release(village: str, sitting: str) -> Any:
    """The clerk releases a card from its phone (a voter changing phones): the next phone to open
    the card is bound instead, and the old one can no longer vote with it."""
    who = (request.form.get("who") or "").strip()
    done = attempt(cards.release_phone, village, sitting, who)
    if done is None:
        flash(t("card_release_nobody", query=who), "error")
    elif done is not REFUSED:
        flash(t("card_released" if done[1] else "card_release_unbound", name=done[0]), "ok")
    return redirect(url_for("hall.console", village=village, sitting=sitting))

"""A voter's phone page, reached by a signed link or QR code for one person and one sitting.

Three large buttons; after a tap the page says plainly which choice was recorded, and the voter
may change it until the vote closes. Repeating a request is safe (the core records a repeated
ballot once).

For a secret vote the phone makes a random receipt and a random change code and keeps both in a
cookie scoped to the voter's own link; the server never links them to the person. The page shows
both, to write down: the receipt finds the ballot in the published result after the close; the
receipt *and* the change code are needed to see or change the ballot before it — from this phone's
cookie, or typed in on another phone (or after the cookie was lost). The receipt alone, which
anyone may see once the vote closes, opens nothing.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, url_for

from deliberate.state import NoVote
from deliberate.tally import Choice
from deliberate.usecases import ballot

from .cards import card_link
from .i18n import current_lang, t
from .limits import recovery_allowed, recovery_failed
from .pagecache import conditional
from .security import cookie_secure
from .services import REFUSED, attempt, now, read_voter_token, store

__all__ = ["bp"]

bp = Blueprint("ballot", __name__, url_prefix="/b")
_COOKIE_DAYS = 30
_WHY_NOT = {NoVote.NOT_IN_BODY: "why_not_in_body", NoVote.NO_VOTE_RIGHT: "why_no_vote",
            NoVote.ABSENT: "why_absent"}


def _cookie(sitting: str, vote: str) -> str:
    return f"ballot.{sitting}.{vote}"


def _held(sitting: str, vote: str | None) -> tuple[str, str] | None:
    """The (receipt, change code) this phone holds for the vote, if any."""
    receipt, sep, code = (request.cookies.get(_cookie(sitting, vote or "")) or "").partition("~")
    return (receipt, code) if sep and receipt and code else None


def _receipts(sitting: str) -> dict[str, str]:
    """The receipts this phone holds, by vote (to find its ballot in a closed vote's list)."""
    prefix = _cookie(sitting, "")
    return {name[len(prefix):]: value.partition("~")[0] for name, value in request.cookies.items()
            if name.startswith(prefix)}


def _attempt(link: tuple[str, str, str], vote: str) -> tuple[str, str] | None:
    """The codes of the attempt the tapped page carried (see ballot.attempt_codes)."""
    key = str(current_app.secret_key).encode()
    return ballot.attempt_codes(key, request.form.get("attempt"), "\x00".join((*link, vote)))


def _keep(response: Any, token: str, sitting: str, vote: str, codes: tuple[str, str]) -> None:
    response.set_cookie(_cookie(sitting, vote), "~".join(codes), max_age=_COOKIE_DAYS * 86400,
                        httponly=True, samesite="Lax", secure=cookie_secure(),
                        path=url_for("ballot.vote", token=token))


def _link(token: str) -> tuple[tuple[str, str, str] | None, Any]:
    """(village, sitting, person) of a voter's link — a per-sitting link, or a voter card's opened
    on its bound phone (webui.cards.card_link) — or None and the page that says why not."""
    link = read_voter_token(token)
    if link is not None:
        return link, None
    link, why = card_link(token)
    if link is not None:
        return link, None
    if why is not None:
        return None, (render_template("ballot/message.html", message=t(why)), 403)
    return None, (render_template("ballot/message.html", message=t("link_invalid")), 404)


def _offered(link: tuple[str, str, str], vote: str | None) -> tuple[str, str] | None:
    """The codes this phone offers, unless this link has used up its wrong tries this hour (a
    cookie that opens no ballot is a guess planted by hand, counted like a typed one)."""
    held = _held(link[1], vote)
    return held if held is not None and recovery_allowed(link) else None


@bp.route("/<token>", methods=["GET", "POST"])
def vote(token: str) -> Any:
    """The voter's page. Its form needs no CSRF token of its own: the authority to vote is the
    signed, unguessable link in the URL — not a cookie a browser would send on its own — so a
    forged cross-site POST would already need the secret link itself (create_app exempts it)."""
    link, refused = _link(token)
    if link is None:
        return refused
    if request.method == "POST" and request.form.get("recover") is None:
        return _cast(token, link)  # the hot path: one load of the state, no page to build
    page = ballot.voter_page(store(), *link, receipts=_receipts(link[1]))
    if page.ended:
        return _expired()
    if request.method == "GET":
        return _page(token, link, page)
    return _recover(token, link, page)


@bp.route("/<token>/now")
def now_part(token: str) -> Any:
    """The part of the voter's page that moves (the vote, this voter's ballot, the last result),
    polled by ballot.js with the ETag it was last given: 304 until something this voter sees has
    changed — other people's ballots do not — then the part afresh, swapped in place."""
    link, refused = _link(token)
    if link is None:
        return refused
    page = ballot.voter_page(store(), *link, receipts=_receipts(link[1]), named=False)
    if page.ended:
        return _expired()
    if page.vote is not None and page.vote.secret:
        page = ballot.voter_page(store(), *link, held=_offered(link, page.vote.id), receipts=_receipts(link[1]),
                                 named=False)
        if page.held_wrong:
            recovery_failed(link)  # a planted cookie, polled: counted like the page counts it
    shown = _shown(token, link[0], page)
    return conditional(shown["tag"], lambda: make_response(render_template("ballot/_now.html", **shown)))


def _tag(page: Any) -> str:
    return hashlib.sha256(repr((page.phase(), current_lang())).encode()).hexdigest()[:32]


def _shown(token: str, village: str, page: Any) -> dict[str, Any]:
    """What the moving part of the page is rendered from (the page and the polled part alike)."""
    return {"token": token, "village": village, "sitting": page.sitting, "vote": page.vote, "matter": page.matter,
            "recorded": page.recorded, "held": page.held, "lost": page.lost, "counted": page.counted,
            "why_not": _WHY_NOT.get(page.why_not), "Choice": Choice, "tag": _tag(page),
            "attempt": secrets.token_hex(16), "codes_open": request.args.get("new") == "1"}


def _expired() -> Any:
    return render_template("ballot/message.html", message=t("link_expired")), 410


def _page(token: str, link: tuple[str, str, str], page: Any, **typed: Any) -> Any:
    """The voter's page as it stands (``typed``: a recovery form answered with its mistake)."""
    vote = page.vote
    if vote is not None and vote.secret:
        page = ballot.voter_page(store(), *link, held=_offered(link, vote.id), receipts=_receipts(link[1]))
        if page.held_wrong:
            recovery_failed(link)
    return render_template("ballot/vote.html", person=page.name, **_shown(token, link[0], page), **typed)


def _cast(token: str, link: tuple[str, str, str]) -> Any:
    choice = request.form.get("choice")
    if choice not in {ch.value for ch in Choice}:
        abort(400)
    again = redirect(url_for("ballot.vote", token=token, _anchor="confirm"))
    vote = request.form.get("vote") or ""
    done = attempt(ballot.cast_ballot, *link, vote, Choice(choice), _offered(link, vote), now(), _attempt(link, vote))
    if done is REFUSED:
        return again
    if done.held_wrong:
        recovery_failed(link)
    if done.ended:
        return _expired()
    if done.closed:
        flash(t("vote_closed_result"), "error")
    elif done.lost:
        flash(t("ballot_lost_cookie"), "error")
    elif done.fresh is not None:
        # The codes are shown open once, right after the first ballot; later only on a tap, so
        # that a glance at the phone in the hall does not give them away.
        response = make_response(redirect(url_for("ballot.vote", token=token, new=1, _anchor="confirm")))
        _keep(response, token, link[1], vote, done.fresh)
        return response
    # Success needs no message (the page shows the recorded choice) and so no session.
    return again


def _recover(token: str, link: tuple[str, str, str], page: Any) -> Any:
    """Receipt and change code typed in (another phone, a lost cookie): kept on this phone if
    they match a ballot of this vote; otherwise the form again, with what was typed and one answer
    for any mismatch."""
    typed = {"typed_receipt": request.form.get("receipt") or "",
             "typed_code": request.form.get("code") or ""}
    vote = request.form.get("vote") or ""
    if page.vote is None or page.vote.id != vote:
        flash(t("vote_closed_result"), "error")
        return redirect(url_for("ballot.vote", token=token))
    if not recovery_allowed(link):
        return _page(token, link, page, recover_error="recover_limited", **typed), 429
    codes = ballot.recover(store(), link[0], link[1], vote, typed["typed_receipt"], typed["typed_code"])
    if codes is None:
        recovery_failed(link)
        return _page(token, link, page, recover_error="recover_wrong", **typed), 400
    response = make_response(redirect(url_for("ballot.vote", token=token)))
    _keep(response, token, link[1], vote, codes)
    return response

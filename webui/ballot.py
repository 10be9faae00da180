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

import secrets
from typing import Any

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for

from deliberate import commands as c
from deliberate.procedure import SittingState
from deliberate.tally import Choice

from .i18n import t
from .limits import allow_key, peek_key
from .security import cookie_secure
from .services import ledger, person_name, read_voter_token, run

__all__ = ["bp"]

bp = Blueprint("ballot", __name__, url_prefix="/b")
_COOKIE_DAYS = 30
_RECOVER_PER_HOUR = 10  # typed-in receipt and change code, per voter link: no guessing by script
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # easy to copy: no 0/O or 1/I


def _cookie(sitting: str, vote: str) -> str:
    return f"ballot.{sitting}.{vote}"


def _code() -> str:
    # Eight letters in two groups: 40 bits, plenty against guessing through a limited form.
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def _normal(typed: str | None) -> str:
    """A receipt or change code as typed: upper case, spaces dropped, the dash put back."""
    raw = "".join(ch for ch in (typed or "").upper() if ch.isalnum())
    return f"{raw[:4]}-{raw[4:]}" if len(raw) == 8 else raw


def _held(sitting: str, vote: str) -> tuple[str, str] | None:
    """The (receipt, change code) this phone holds for the vote, if any."""
    receipt, sep, code = (request.cookies.get(_cookie(sitting, vote)) or "").partition("~")
    return (receipt, code) if sep and receipt and code else None


def _matching(village: str, sitting: str, person: str, open_vote: Any) -> tuple[str, str] | None:
    """What this phone holds for the secret vote, if it opens a ballot. A cookie that does not is
    a guess (planted by hand) and counts against the same hourly limit as the recovery form;
    past the limit no cookie is even tried."""
    held = _held(sitting, open_vote.id)
    if held is None or open_vote.ballot_of(*held) is not None:
        return held
    allow_key(("recover", village, sitting, person), _RECOVER_PER_HOUR)
    return None


def _keep(response: Any, token: str, sitting: str, vote: str, receipt: str, code: str) -> None:
    response.set_cookie(_cookie(sitting, vote), f"{receipt}~{code}", max_age=_COOKIE_DAYS * 86400,
                        httponly=True, samesite="Lax", secure=cookie_secure(),
                        path=url_for("ballot.vote", token=token))


@bp.route("/<token>", methods=["GET", "POST"])
def vote(token: str) -> Any:
    """The voter's page. Its form needs no CSRF token of its own: the authority to vote is the
    signed, unguessable link in the URL — not a cookie a browser would send on its own — so a
    forged cross-site POST would already need the secret link itself (create_app exempts it)."""
    found = read_voter_token(token)
    if found is None:
        return render_template("ballot/message.html", message=t("link_invalid")), 404
    village, sitting_id, person = found
    state = ledger(village).state
    sitting = state.sittings.get(sitting_id)
    if sitting is None:
        return render_template("ballot/message.html", message=t("link_invalid")), 404
    if sitting.state in (SittingState.CLOSED, SittingState.ADJOURNED):
        return render_template("ballot/message.html", message=t("link_expired")), 410
    open_vote = state.open_vote(sitting_id)
    if request.method == "POST":
        if open_vote is None or request.form.get("vote") != open_vote.id:
            flash(t("vote_closed_result"), "error")
            return redirect(url_for("ballot.vote", token=token))
        if request.form.get("recover") is not None:
            return _recover(token, village, state, sitting, person, open_vote)
        return _cast(token, village, sitting_id, person, open_vote)
    return _page(token, village, state, sitting, person, open_vote)


def _page(token: str, village: str, state: Any, sitting: Any, person: str, open_vote: Any,
          **typed: Any) -> Any:
    """The voter's page as it stands (``typed``: a recovery form answered with its mistake)."""
    sitting_id = sitting.id
    recorded, held, lost = None, None, False
    if open_vote is not None:
        if open_vote.secret:
            held = (_matching(village, sitting_id, person, open_vote)
                    if _tries_left(village, sitting_id, person) else None)
            recorded = open_vote.ballot_of(*held) if held else None
            # Took part, but this phone cannot show the ballot: say so, and how to change it.
            lost = recorded is None and person in open_vote.voters
            if recorded is None:
                held = None
        else:
            recorded = open_vote.voters.get(person)
    roster = sitting.roster
    why_not = None
    if person not in roster.attendees:
        why_not = "why_not_in_body"
    elif person not in roster.voters:
        why_not = "why_no_vote"
    elif person not in sitting.present:
        why_not = "why_absent"
    name = person_name(village, person)
    matter = state.matters.get(open_vote.matter) if open_vote else None
    return render_template("ballot/vote.html", token=token, sitting=sitting, vote=open_vote,
                           matter=matter, recorded=recorded, held=held, lost=lost,
                           why_not=why_not, person=name, Choice=Choice,
                           codes_open=request.args.get("new") == "1", **typed)


def _tries_left(village: str, sitting: str, person: str) -> bool:
    """Whether this link may still try a receipt and change code this hour (peeking: a try is
    counted only when it fails)."""
    return peek_key(("recover", village, sitting, person), _RECOVER_PER_HOUR)


def _cast(token: str, village: str, sitting: str, person: str, open_vote: Any) -> Any:
    choice = request.form.get("choice")
    if choice not in {ch.value for ch in Choice}:
        abort(400)
    receipt = code = None
    fresh = False
    if open_vote.secret:
        held = _matching(village, sitting, person, open_vote) if _tries_left(village, sitting, person) else None
        if person not in open_vote.voters:
            receipt, code, fresh = _code(), _code(), True  # a first ballot: new ones, always
        elif held is not None:
            receipt, code = held
        else:
            flash(t("ballot_lost_cookie"), "error")
            return redirect(url_for("ballot.vote", token=token))
    # Success needs no message (the page shows the recorded choice) and so no session.
    response = make_response(redirect(url_for("ballot.vote", token=token)))
    if run(village, c.CastBallot(sitting, open_vote.id, person, Choice(choice), receipt=receipt,
                                 change_code=code)) and fresh:
        # The codes are shown open once, right after the first ballot; later only on a tap, so
        # that a glance at the phone in the hall does not give them away.
        response = make_response(redirect(url_for("ballot.vote", token=token, new=1)))
        _keep(response, token, sitting, open_vote.id, receipt, code)
    return response


def _recover(token: str, village: str, state: Any, sitting: Any, person: str, open_vote: Any) -> Any:
    """Receipt and change code typed in (another phone, a lost cookie): kept on this phone if
    they match a ballot of this vote; otherwise the form again, with what was typed and one answer
    for any mismatch."""
    typed_receipt = (request.form.get("receipt") or "")[:40]
    typed_code = (request.form.get("code") or "")[:40]
    if not _tries_left(village, sitting.id, person):
        return _page(token, village, state, sitting, person, open_vote, recover_error="recover_limited",
                     typed_receipt=typed_receipt, typed_code=typed_code), 429
    receipt, code = _normal(typed_receipt), _normal(typed_code)
    if not (open_vote.secret and open_vote.ballot_of(receipt, code) is not None):
        allow_key(("recover", village, sitting.id, person), _RECOVER_PER_HOUR)
        return _page(token, village, state, sitting, person, open_vote, recover_error="recover_wrong",
                     typed_receipt=typed_receipt, typed_code=typed_code), 400
    response = make_response(redirect(url_for("ballot.vote", token=token)))
    _keep(response, token, sitting.id, open_vote.id, receipt, code)
    return response

"""A voter's phone page, reached by a signed link or QR code for one person and one sitting.

Three large buttons; after a tap the page says plainly which choice was recorded, and the voter
may change it until the vote closes. Repeating a request is safe (the core records a repeated
ballot once). For a secret vote, the phone keeps the voter's random receipt in a cookie — the
server never links the two.
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for

from deliberate import commands as c
from deliberate.procedure import SittingState
from deliberate.tally import Choice

from .i18n import t
from .security import cookie_secure
from .services import ledger, person_name, read_voter_token, run

__all__ = ["bp"]

bp = Blueprint("ballot", __name__, url_prefix="/b")
_RECEIPT_DAYS = 30


def _receipt_cookie(sitting: str, vote: str) -> str:
    return f"receipt.{sitting}.{vote}"


def _new_receipt() -> str:
    # Eight groups of easy-to-copy letters: 40 bits of randomness, no 0/O or 1/I.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    raw = "".join(secrets.choice(alphabet) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


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
        choice = request.form.get("choice")
        if choice not in {ch.value for ch in Choice}:
            abort(400)
        if open_vote is None or request.form.get("vote") != open_vote.id:
            flash(t("vote_closed_result"), "error")
            return redirect(url_for("ballot.vote", token=token))
        receipt = None
        new_receipt = False
        if open_vote.secret:
            receipt = request.cookies.get(_receipt_cookie(sitting_id, open_vote.id))
            if not receipt or person not in open_vote.voters:
                receipt, new_receipt = _new_receipt(), True
        # Success needs no message (the page shows the recorded choice) and so no session.
        response = make_response(redirect(url_for("ballot.vote", token=token)))
        if run(village, c.CastBallot(sitting_id, open_vote.id, person, Choice(choice),
                                     receipt=receipt)) and new_receipt:
            response.set_cookie(_receipt_cookie(sitting_id, open_vote.id), receipt,
                                max_age=_RECEIPT_DAYS * 86400, httponly=True, samesite="Lax",
                                secure=cookie_secure(), path=url_for("ballot.vote", token=token))
        return response
    recorded = None
    receipt = None
    if open_vote is not None:
        if open_vote.secret:
            receipt = request.cookies.get(_receipt_cookie(sitting_id, open_vote.id))
            recorded = open_vote.box.get(receipt) if receipt else None
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
                           matter=matter, recorded=recorded, receipt=receipt, why_not=why_not,
                           person=name, Choice=Choice)

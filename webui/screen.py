"""The projector: quorum, turnout and, when a vote closes, its result, in very large type.

One screen, nothing to click: screen.html replaces the header (no language links; ``?lang=`` picks
the language), and screen.css fits it to 1024×768, 1280×720 and 1920×1080. The page polls a
fragment every second. The fragment carries an ETag built from the village's
revision, so an unchanged sitting answers 304 with no body; a ballot shows up within a second or
two of being cast.
"""

from __future__ import annotations

import hashlib
from typing import Any

from flask import Blueprint, make_response, render_template

from deliberate import Tally
from deliberate.notice import percent
from deliberate.procedure import SittingState

from .address import phone_address
from .i18n import current_lang
from .pagecache import conditional, record_tag
from .services import sitting_or_404

__all__ = ["bp"]

bp = Blueprint("screen", __name__, url_prefix="/v/<village>/s/<sitting>/screen")


def _model(village: str, sitting_id: str) -> dict[str, Any]:
    state, sitting = sitting_or_404(village, sitting_id)
    attendance = sitting.attendance()
    return {"village": village, "sitting": sitting, "attendance": attendance,
            "quorum": sitting.rule.decide(attendance, Tally()), "vote": state.open_vote(sitting_id),
            "last": sitting.results[-1] if sitting.results else None,
            "state": state, "SittingState": SittingState,
            "percent": percent}  # the printed notice's shares: exact, rounded half up


@bp.get("")
def show(village: str, sitting: str) -> Any:
    return render_template("screen/screen.html", **_model(village, sitting))


@bp.get("/panel")
def panel(village: str, sitting: str) -> Any:
    # Read before the page: a tag is never newer than what it answers with.
    tag = f"{record_tag(village)}.{current_lang()}"
    model = _model(village, sitting)
    return conditional(tag, lambda: make_response(render_template("screen/panel.html", **model)))


@bp.get("/phones")
def phones(village: str, sitting: str) -> Any:
    """The corner with the address phones open and its QR code. Polled: when the laptop's address
    changes mid-sitting the projector shows the new one; unchanged, it answers 304."""
    _, found = sitting_or_404(village, sitting)
    shown = phone_address()
    tag = hashlib.sha256(f"{shown.base}|{shown.problem}|{current_lang()}".encode()).hexdigest()[:20]
    return conditional(tag, lambda: make_response(
        render_template("screen/_phones.html", village=village, sitting=found)))

"""Pages anyone can open. (The full public side — results, notices, objections — is its own
piece of work; this lists villages and their sittings.)"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from .services import ledger, store

__all__ = ["bp"]

bp = Blueprint("public", __name__)


@bp.get("/")
def index() -> Any:
    villages = []
    for village, name in store().villages():
        state = ledger(village).state
        sittings = sorted(state.sittings.values(), key=lambda s: s.scheduled_for, reverse=True)
        villages.append((village, name, sittings))
    return render_template("public/index.html", villages=villages)

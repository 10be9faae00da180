"""Objections during a notice period: anyone may lodge one; the supervisory committee answers.

Lodging is limited per address and per hour. An objection lands in the committee's queue with the
date its answer is due (the village's setting, 3 days by default); the answer is published with it
on the matter's page, and an upheld objection sends the matter back to the step it names.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import deque
from datetime import timedelta
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for

from deliberate import Stage
from deliberate import commands as c
from deliberate.procedure import Action

from .admin import village_settings
from .auth import current_account, require
from .i18n import t
from .services import ledger, now, run, store

__all__ = ["LODGE_PER_HOUR", "bp"]

bp = Blueprint("objections", __name__)
LODGE_PER_HOUR = 5


class _PerHour:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: dict[str, deque[float]] = {}

    def allow(self, key: str) -> bool:
        moment = time.monotonic()
        with self._lock:
            q = self._seen.setdefault(key, deque())
            while q and q[0] < moment - 3600:
                q.popleft()
            if len(q) >= LODGE_PER_HOUR:
                return False
            q.append(moment)
            return True


def _limiter() -> _PerHour:
    return current_app.extensions.setdefault("deliberate.objection_limiter", _PerHour())


@bp.post("/p/<village>/m/<matter>/objections")
def lodge(village: str, matter: str) -> Any:
    if village not in dict(store().villages()):
        abort(404)
    text = (request.form.get("text") or "").strip()[:5000]
    contact = (request.form.get("contact") or "").strip()[:200] or None
    back = redirect(url_for("public.matter_page", village=village, matter=matter))
    if not _limiter().allow(request.remote_addr or "-"):
        flash(t("objection_limited", count=LODGE_PER_HOUR), "error")
        return back, 429  # type: ignore[return-value]
    objection = f"o{now():%Y%m%d}-{secrets.token_hex(3)}"
    if run(village, c.LodgeObjection(matter, objection, now().date(), text, contact)):
        flash(t("objection_lodged"), "ok")
    return back


@bp.get("/v/<village>/objections")
@require("objections.answer")
def queue(village: str) -> Any:
    if village not in dict(store().villages()):
        abort(404)
    state = ledger(village).state
    days = village_settings(village)["objection_answer_days"]
    pending = [(m, o, o.lodged_on + timedelta(days=days)) for m in state.matters.values()
               for o in m.pending_objections()]
    pending.sort(key=lambda item: item[2])
    return render_template("objections/queue.html", village=village, pending=pending,
                           today=now().date())


@bp.post("/v/<village>/objections/<matter>/<objection>")
@require("objections.answer")
def answer(village: str, matter: str, objection: str) -> Any:
    upheld = request.form.get("upheld") == "1"
    to = request.form.get("return_to") or ""
    return_to = next((s for s in Stage if s.value == to), None) if upheld else None
    account = current_account()
    if run(village, c.AnswerObjection(matter, objection, now().date(),
                                      (request.form.get("answer") or "").strip()[:5000], upheld,
                                      by=account.person or account.username, return_to=return_to)):
        flash(t("done"), "ok")
    return redirect(url_for("objections.queue", village=village))


def return_targets(matter: Any) -> list[Stage]:
    """The steps an upheld objection on ``matter`` may send it back to."""
    try:
        return sorted(matter.procedure.targets(matter.stage, Action.UPHOLD_OBJECTION),
                      key=matter.procedure.stages.index)
    except Exception:
        return []

"""What the views share: the store, the ledger, the clock, voter links, and running a command.

Views parse the request and call :func:`run`; no rule lives in a view.
"""

from __future__ import annotations

import threading
import time
from contextlib import suppress
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import abort, current_app, flash, g, request
from itsdangerous import BadSignature, URLSafeSerializer

from deliberate import DeliberateError
from deliberate.errors import ChainBroken
from deliberate.record import Verification
from deliberate.usecases import Missing, SqlRepository, records

from .i18n import current_lang, t

__all__ = [
    "REFUSED",
    "attempt",
    "now",
    "person_name",
    "person_names",
    "personal_details",
    "read_voter_token",
    "record_check",
    "revision",
    "sitting_or_404",
    "snapshot",
    "state",
    "store",
    "village_or_404",
    "voter_token",
]


def store() -> SqlRepository:
    return current_app.extensions["deliberate"]


def village_or_404(village: str) -> str:
    """The village's name, or a 404 for an id no village has."""
    name = store().village_name(village)
    if name is None:
        abort(404)
    return name


def snapshot(village: str) -> tuple[Any, Any]:
    """(state, checkpoint) of ``village``, read once per request: the state and the head it
    reflects come from the same read, so an ETag made of the head describes the state."""
    cache = g.setdefault("snapshots", {})
    if village not in cache:
        cache[village] = store().snapshot(village)
        if not current_app.config.get("TESTING"):
            _recheck_when_due(village)
    return cache[village].state, cache[village].head


def state(village: str) -> Any:
    """The village's state as of this request's :func:`snapshot` (one read per request)."""
    return snapshot(village)[0]


def revision(village: str) -> int:
    """The store's revision of ``village`` in this request's :func:`snapshot`: it moves with every
    write, a secret ballot's included (which leaves the head alone), so ETags are made of it."""
    snapshot(village)
    return g.snapshots[village].revision


_RECHECK_SECONDS = 30  # a whole-record check at most this often per village, however busy
_BACKGROUND_SECONDS = 300  # and, while the village is in use, at least this often


def record_check(village: str) -> Verification:
    """The whole record checked — every hash and link, and every closed secret vote against who
    took part — as of a recent head: once per head, and no more often than every
    ``_RECHECK_SECONDS`` while the record moves (a vote adds an entry a second), so the public
    verification page cannot be made to read the log over and over.

    Catching up checks only the entries a process has not read; a row changed behind a running
    app's back is found here, and from then on the whole village is served as broken."""
    head = snapshot(village)[1]
    checks = current_app.extensions.setdefault("deliberate.checks", {})
    locks = current_app.extensions.setdefault("deliberate.checks.locks", {})
    with current_app.extensions.setdefault("deliberate.checks.lock", threading.Lock()):
        lock = locks.setdefault(village, threading.Lock())
    with lock:
        known = checks.get(village)
        if known is not None and (known[0] == head or time.monotonic() - known[2] < _RECHECK_SECONDS):
            return known[1]
        found = records.verify(store(), village)
        checks[village] = (head, found, time.monotonic())
    if not found.ok:
        store().mark_broken(village, ChainBroken(height=found.first_bad, reason=found.reason))
    return found


def _recheck_when_due(village: str) -> None:
    """Start a whole-record check in the background if the last is older than
    ``_BACKGROUND_SECONDS`` (no request waits for it)."""
    checks = current_app.extensions.setdefault("deliberate.checks", {})
    started = current_app.extensions.setdefault("deliberate.checks.started", {})
    moment = time.monotonic()
    known = checks.get(village)
    if (known is not None and moment - known[2] < _BACKGROUND_SECONDS) or \
            moment - started.get(village, -1e9) < _BACKGROUND_SECONDS:
        return
    started[village] = moment
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def check() -> None:
        with app.app_context(), suppress(Exception):  # a broken record is marked, not raised here
            record_check(village)

    threading.Thread(target=check, daemon=True, name=f"record-check-{village}").start()


def now() -> datetime:
    """The time commands are recorded at: ``CLOCK`` from the config if set (tests, replays of a
    paper sitting), else this computer's clock in the configured time zone."""
    clock = current_app.config.get("CLOCK")
    if clock is not None:
        return clock()
    return datetime.now(ZoneInfo(current_app.config["TIMEZONE"]))


class _Refused:
    """What :func:`attempt` returns when the use case was refused (its reason is flashed)."""

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "REFUSED"


REFUSED: Any = _Refused()


def attempt(use_case: Any, *args: Any, **kwargs: Any) -> Any:
    """Call ``use_case`` with the store first; on a refusal flash its reason in the user's language
    and return :data:`REFUSED` (which is false). A refused use case changes nothing."""
    try:
        return use_case(store(), *args, **kwargs)
    except Missing:
        raise  # the page the request names does not exist: 404 (create_app)
    except DeliberateError as refused:
        flash(refused.message(current_lang()), "error")
        return REFUSED


def personal_details(*fields: str) -> tuple[str | None, ...] | None:
    """The form's ``fields`` (a name, a contact: kept beside the public log, never in it), each
    stripped or None; or None with the reason flashed if one is over 200 characters or holds
    control characters. Nothing is cut short silently."""
    values = tuple((request.form.get(f) or "").strip() or None for f in fields)
    if any(v is not None and (len(v) > 200 or not v.isprintable()) for v in values):
        flash(t("bad_contact"), "error")
        return None
    return values


def sitting_or_404(village: str, sitting: str) -> tuple[Any, Any]:
    """(state, sitting) or a 404 (an unknown village has no sittings)."""
    read = state(village)
    found = read.sittings.get(sitting)
    if found is None:
        abort(404)
    return read, found


def person_names(village: str) -> dict[str, str]:
    """Everyone's name by id."""
    return records.person_names(store(), village)


def person_name(village: str, person: str) -> str:
    """One person's name, or the id."""
    return records.person_name(store(), village, person)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="deliberate.ballot")


def voter_token(village: str, sitting: str, person: str) -> str:
    """A signed link token for one person and one sitting (useless once the sitting ends)."""
    return _serializer().dumps([village, sitting, person])


def read_voter_token(token: str) -> tuple[str, str, str] | None:
    try:
        village, sitting, person = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not all(isinstance(x, str) for x in (village, sitting, person)):
        return None
    return village, sitting, person

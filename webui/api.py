"""The read-only JSON API for other systems, under ``/api/v1/``: villages, matters, sittings,
outcomes, notices, submissions and the log export, described at ``/api/v1/openapi.json``.

Every answer carries an ETag made of the village's record position (its chain height and the
store's revision, which also moves on secret ballots). A client that sends it back in
``If-None-Match`` gets ``304 Not Modified`` before any JSON is built: polling is cheap.
Words meant for people (stages, bodies, explanations) come in all three languages at once, so an
answer does not depend on the caller's language and one ETag serves everyone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request, stream_with_context

from deliberate.i18n import LANGS
from deliberate.record import to_jsonl
from deliberate.usecases import records

from .address import external_url
from .api_schema import openapi
from .i18n import WORDS
from .pagecache import cached_body, conditional, record_tag
from .services import snapshot, store

__all__ = ["MAX_HEIGHT", "bp", "error"]

bp = Blueprint("api", __name__, url_prefix="/api/v1")
MAX_HEIGHT = 10**12  # far beyond any village's record, and inside every database's integers

_MESSAGES = {
    "not_found": ("没有找到", "沒有找到", "not found"),
    "bad_request": ("请求无效", "請求無效", "bad request"),
    "method_not_allowed": ("不支持此方法", "不支援此方法", "method not allowed"),
}


def error(status: int, code: str) -> Response:
    """An error as JSON: a code for programs and a message for people, in every language."""
    response = jsonify({"error": {"code": code, "message": dict(zip(LANGS, _MESSAGES[code], strict=True))}})
    response.status_code = status
    return response


def record_broken(broken: Any) -> Response:
    """503 with the integrity alarm: the record fails its check at ``broken.height``, so nothing
    of it is served as the village's."""
    response = jsonify({"error": {"code": "record_broken", "height": broken.height,
                                  "message": {lang: WORDS.text("record_broken", lang, height=broken.height)
                                              for lang in LANGS}}})
    response.status_code = 503
    return response


def _words(speak: Callable[[str], str]) -> dict[str, str]:
    return {lang: speak(lang) for lang in LANGS}


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


class _Missing(Exception):
    pass


class _Book:
    """A village as one read: its state and the head it reflects (see services.snapshot)."""

    def __init__(self, village: str) -> None:
        self.village = village
        self.state, self.checkpoint = snapshot(village)

    def entries(self, start: int = 1) -> Iterator[Any]:
        return records.entries(store(), self.village, start)


def _village_state(village: str) -> tuple[str, _Book]:
    name = store().village_name(village)
    if name is None:
        raise _Missing
    return name, _Book(village)


def _tag(*books: Any) -> str:
    return "-".join(record_tag(b.village) for b in books) or "none"


def _answer(tag: str, build: Callable[[], Any]) -> Response:
    """304 when the caller already holds ``tag``; otherwise the JSON ``build`` returns."""
    return conditional(tag, lambda: Response(
        cached_body(tag, lambda: current_app.json.dumps(build()).encode() + b"\n"), mimetype="application/json"))


def _checkpoint(book: Any) -> dict[str, Any]:
    head = book.checkpoint
    return {"height": head.height, "hash": head.hash}


def _village(village: str, name: str, book: Any) -> dict[str, Any]:
    return {"id": village, "name": name, "checkpoint": _checkpoint(book),
            "page": external_url("public.village_page", village=village)}


def _matter_summary(village: str, m: Any) -> dict[str, Any]:
    return {"id": m.id, "title": m.title, "stage": m.stage.value, "stage_label": _words(m.stage.label),
            "procedure": m.procedure.name, "amount_fen": m.amount,
            "raised_at": m.history[0].at.isoformat(), "updated_at": m.history[-1].at.isoformat(),
            "page": external_url("public.matter_page", village=village, matter=m.id)}


def _tally(t: Any) -> dict[str, int]:
    return {"approve": t.approve, "oppose": t.oppose, "abstain": t.abstain}


def _outcome(r: Any) -> dict[str, Any]:
    a = r.attendance
    return {
        "sitting": r.sitting, "vote": r.vote, "matter": r.matter, "stage": r.stage.value,
        "body": r.body.value, "body_label": _words(r.body.label), "motion": r.motion,
        "secret": r.secret, "opened_at": r.opened_at.isoformat(), "closed_at": r.closed_at.isoformat(),
        "rule": {"name": r.rule.name, "title": _words(r.rule.title.text),
                 "citation": _words(r.rule.citation.text), "edition": r.rule.citation.edition,
                 "numbering": _words(r.rule.citation.numbering.text) if r.rule.citation.numbering
                 else None},
        "attendance": {"expected": a.expected, "present": a.present, "households": a.households,
                       "households_present": a.households_present, "members": a.members},
        "tally": _tally(r.tally), "cards": _tally(r.cards) if r.cards else None,
        "quorate": r.quorate, "passed": r.passed, "explanation": _words(r.explain),
        "receipts_digest": r.receipts_digest,
        "receipts": [{"receipt": b.receipt, "choice": b.choice.value} for b in r.ballots],
    }


def _notice(village: str, m: Any, n: Any) -> dict[str, Any]:
    return {"matter": m.id, "number": n.number, "stage": n.stage.value,
            "stage_label": _words(n.stage.label), "published_on": n.published_on.isoformat(),
            "first": n.period.first.isoformat(), "last": n.period.last.isoformat(),
            "contacts": n.contacts, "issued_by": n.issued_by,
            "page": external_url("public.notice", village=village, matter=m.id, number=n.number)}


def _matter(village: str, m: Any) -> dict[str, Any]:
    return {
        **_matter_summary(village, m),
        "description": m.description, "plan": m.plan, "origin": m.origin,
        "history": [{"stage": h.stage.value, "at": h.at.isoformat(), "action": h.action.value,
                     "reason": h.reason} for h in m.history],
        "notices": [_notice(village, m, n) for n in m.notices],
        # The objector's contact is not in the record at all; the text and the answer are public.
        "objections": [{"id": o.id, "notice": o.notice, "lodged_on": o.lodged_on.isoformat(),
                        "text": o.text, "answered_on": _iso(o.answered_on), "answer": o.answer,
                        "upheld": o.upheld} for o in m.objections],
        "progress": [{"entry": p.entry, "on": p.on.isoformat(), "description": p.description,
                      "spent_fen": p.spent,
                      "attachments": [{"name": a.name, "sha256": a.sha256,
                                       "url": external_url("public.file", village=village, sha256=a.sha256)}
                                      for a in p.attachments]} for p in m.progress],
        "spent_fen": m.spent, "completed_on": _iso(m.completed_on), "completion": m.completion,
        "submissions": list(m.submissions),
        "outcomes": [_outcome(r) for r in m.results],
    }


def _sitting(s: Any) -> dict[str, Any]:
    return {"id": s.id, "body": s.body.value, "body_label": _words(s.body.label),
            "rule": s.rule.name, "agenda": list(s.agenda), "scheduled_for": s.scheduled_for.isoformat(),
            "notice_date": s.notice_date.isoformat(), "place": s.place, "state": s.state.value,
            "state_label": _words(s.state.label), "opened_at": _iso(s.opened_at),
            "ended_at": _iso(s.ended_at), "adjourn_reason": s.adjourn_reason,
            "recordings": [{"reference": mi.recording_ref, "sha256": mi.recording_sha256,
                            "recorded_at": mi.at.isoformat()}
                           for mi in s.minutes if mi.recording_sha256],
            "outcomes": [_outcome(r) for r in s.results]}


def _submission(q: Any) -> dict[str, Any]:
    return {"id": q.id, "received_on": q.received_on.isoformat(), "text": q.text,
            "channel": q.channel.value, "status": q.status.value, "status_label": _words(q.status.label),
            "matter": q.matter, "settled_on": _iso(q.settled_on), "answer": q.answer}


@bp.errorhandler(_Missing)
def _missing(_: _Missing) -> Response:
    return error(404, "not_found")


@bp.get("/openapi.json")
def document() -> Response:
    return _answer("openapi-1", openapi)


@bp.get("/villages")
def villages() -> Response:
    books = [(v, name, _Book(v)) for v, name in records.villages(store())]
    return _answer(_tag(*(b for _, _, b in books)),
                   lambda: {"villages": [_village(v, name, b) for v, name, b in books]})


@bp.get("/villages/<village>")
def village(village: str) -> Response:
    name, book = _village_state(village)
    return _answer(_tag(book), lambda: _village(village, name, book))


@bp.get("/villages/<village>/matters")
def matters(village: str) -> Response:
    _, book = _village_state(village)

    def build() -> Any:
        rows = sorted(book.state.matters.values(), key=lambda m: m.history[-1].at, reverse=True)
        return {"checkpoint": _checkpoint(book), "matters": [_matter_summary(village, m) for m in rows]}
    return _answer(_tag(book), build)


@bp.get("/villages/<village>/matters/<matter>")
def matter(village: str, matter: str) -> Response:
    _, book = _village_state(village)
    found = book.state.matters.get(matter)
    if found is None:
        raise _Missing
    return _answer(_tag(book), lambda: _matter(village, found))


@bp.get("/villages/<village>/sittings")
def sittings(village: str) -> Response:
    _, book = _village_state(village)

    def build() -> Any:
        rows = sorted(book.state.sittings.values(), key=lambda s: s.scheduled_for, reverse=True)
        return {"checkpoint": _checkpoint(book), "sittings": [_sitting(s) for s in rows]}
    return _answer(_tag(book), build)


@bp.get("/villages/<village>/sittings/<sitting>")
def sitting(village: str, sitting: str) -> Response:
    _, book = _village_state(village)
    found = book.state.sittings.get(sitting)
    if found is None:
        raise _Missing
    return _answer(_tag(book), lambda: _sitting(found))


@bp.get("/villages/<village>/outcomes")
def outcomes(village: str) -> Response:
    _, book = _village_state(village)

    def build() -> Any:
        rows = sorted((r for s in book.state.sittings.values() for r in s.results),
                      key=lambda r: r.closed_at)
        return {"checkpoint": _checkpoint(book), "outcomes": [_outcome(r) for r in rows]}
    return _answer(_tag(book), build)


@bp.get("/villages/<village>/notices")
def notices(village: str) -> Response:
    _, book = _village_state(village)

    def build() -> Any:
        rows = sorted(((m, n) for m in book.state.matters.values() for n in m.notices),
                      key=lambda mn: (mn[1].published_on, mn[0].id, mn[1].number))
        return {"checkpoint": _checkpoint(book), "notices": [_notice(village, m, n) for m, n in rows]}
    return _answer(_tag(book), build)


@bp.get("/villages/<village>/submissions")
def submissions(village: str) -> Response:
    _, book = _village_state(village)

    def build() -> Any:
        rows = sorted(book.state.submissions.values(), key=lambda q: (q.received_on, q.id))
        return {"checkpoint": _checkpoint(book), "submissions": [_submission(q) for q in rows]}
    return _answer(_tag(book), build)


@bp.get("/villages/<village>/log")
def log(village: str) -> Response:
    """The chain as JSON Lines from height ``start`` (1 by default): fetch only what is new."""
    _, book = _village_state(village)
    start_text = request.args.get("start", "1")
    if not (start_text.isdecimal() and start_text.isascii() and len(start_text) <= 13
            and 1 <= int(start_text) <= MAX_HEIGHT):
        return error(400, "bad_request")
    start = int(start_text)
    def lines() -> Iterator[str]:
        for line in to_jsonl(book.entries(start)):
            yield line + "\n"
    return conditional(f"{_tag(book)}.from{start}",
                       lambda: Response(stream_with_context(lines()), mimetype="application/x-ndjson"))

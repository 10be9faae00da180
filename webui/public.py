"""Pages anyone can open, without logging in: each village's matters, a matter's steps and results,
its printable notices, and how to check that the record was not rewritten."""

from __future__ import annotations

import io
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    redirect,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)

from deliberate.notice import implementation_notice, percent, resolution_notice, yuan
from deliberate.procedure import Stage
from deliberate.record import Checkpoint, to_jsonl
from deliberate.story import story
from deliberate.tracking import parse_number
from deliberate.usecases import ballot, records, tracking

from .address import external_url
from .i18n import current_lang
from .pagecache import cached_page
from .qr import qr_svg
from .services import now, record_check, snapshot, state, store, village_or_404

__all__ = ["bp"]

bp = Blueprint("public", __name__)


@bp.get("/")
def index() -> Any:
    villages = []
    for village, name in records.villages(store()):
        sittings = sorted(state(village).sittings.values(), key=lambda s: s.scheduled_for, reverse=True)
        villages.append((village, name, sittings))
    return render_template("public/index.html", villages=villages)



@bp.get("/p/<village>")
@cached_page
def village_page(village: str) -> Any:
    name = village_or_404(village)
    state, checkpoint = snapshot(village)
    groups: dict[Stage, list[Any]] = {}
    for m in sorted(state.matters.values(), key=lambda m: m.history[-1].at, reverse=True):
        groups.setdefault(m.stage, []).append(m)
    order = [s for s in Stage if s in groups]
    return render_template("public/village.html", village=village, name=name, groups=groups,
                           order=order, checkpoint=checkpoint)


@bp.get("/p/<village>/m/<matter>")
@cached_page
def matter_page(village: str, matter: str) -> Any:
    name = village_or_404(village)
    found = state(village)
    m = found.matters.get(matter)
    if m is None:
        abort(404)
    return render_template("public/matter.html", village=village, name=name, m=m,
                           chapters=story(found, matter), percent=percent, yuan=yuan, Stage=Stage,
                           today=now().date(), submissions=found.submissions)


# A number is short; anything longer is refused before it is parsed, and said to be too long.
_LONGEST_NUMBER = 40


@bp.get("/p/<village>/lookup")
def lookup_form(village: str) -> Any:
    """The lookup form on the village's page: a number goes to its own page, to bookmark."""
    name = village_or_404(village)
    typed = (request.args.get("number") or "").strip()
    number = parse_number(typed)
    if number is not None:
        return redirect(url_for("public.lookup", village=village, number=str(number)))
    return render_template("public/lookup.html", village=village, name=name, typed=typed,
                           too_long=len(typed) > _LONGEST_NUMBER, lookup=None), 400 if typed else 200


@bp.get("/p/<village>/lookup/<path:number>")
def lookup(village: str, number: str) -> Any:
    """A submission's or objection's page by its number: what it says, when it is due, its answer."""
    name = village_or_404(village)
    if len(number) > _LONGEST_NUMBER:
        return render_template("public/lookup.html", village=village, name=name, typed="",
                               too_long=True, lookup=None), 400
    found = tracking.look_up(store(), village, number, state(village))
    status = 200 if found.found else 400 if found.miss is tracking.TrackingMiss.SHAPE else 404
    return render_template("public/lookup.html", village=village, name=name, typed=number,
                           too_long=False, lookup=found, wanted=parse_number(number),
                           today=now().date()), status


@bp.get("/p/<village>/m/<matter>/notice/<int:number>")
@cached_page
def notice(village: str, matter: str, number: int) -> Any:
    """A notice ready to print on one A4 page, with its QR code and the record's checkpoint."""
    name = village_or_404(village)
    state = snapshot(village)[0]
    m = state.matters.get(matter)
    if m is None or not 1 <= number <= len(m.notices):
        abort(404)
    published = [e for e in records.entries_of_type(store(), village, "notice_published")
                 if e.payload["matter"] == matter]
    entry = published[number - 1]
    checkpoint = Checkpoint(entry.height, entry.hash)
    url = external_url("public.matter_page", village=village, matter=matter)
    lang = current_lang()
    if m.notices[number - 1].stage is Stage.RESOLUTION_NOTICE:
        fields = resolution_notice(state, matter, village=name, checkpoint=checkpoint, url=url,
                                   number=number)
        title, lines, implementation = fields.title(lang), fields.lines(lang), None
    else:
        implementation = implementation_notice(state, matter, village=name, checkpoint=checkpoint,
                                               url=url, number=number)
        title, lines = implementation.title(lang), None
    return render_template("public/notice.html", village=village, name=name, m=m, title=title,
                           lines=lines, implementation=implementation, qr=qr_svg(url, title=True),
                           checkpoint=checkpoint, url=url, yuan=yuan,
                           notice=m.notices[number - 1])


@bp.get("/p/<village>/verify")
@cached_page
def verify_page(village: str) -> Any:
    name = village_or_404(village)
    state, checkpoint = snapshot(village)
    published = records.entries_of_type(store(), village, "notice_published")
    notices = [(e, state.matters[e.payload["matter"]]) for e in published
               if e.payload["matter"] in state.matters]
    typed = (request.args.get("receipt") or "").strip()
    lookup = ballot.look_up_receipt(state, typed) if typed else None
    return render_template("public/verify.html", village=village, name=name,
                           checkpoint=checkpoint, notices=notices, receipt=typed, lookup=lookup,
                           check=record_check(village), printed=_printed(village))


_HEX = frozenset("0123456789abcdef")


def _printed(village: str) -> dict[str, Any] | None:
    """A checkpoint typed from a printed notice (its entry number — "563" or "第563条" — and at
    least the first sixteen characters of its hash: fewer could be matched by a rewritten record
    tried over and over), compared with the record: what the page says about it, or None."""
    raw_height = (request.args.get("height") or "").strip().strip("第条條 ")
    raw_hash = "".join((request.args.get("hash") or "").split()).lower().rstrip(".…")
    if not raw_height and not raw_hash:
        return None
    typed = {"height": raw_height[:12], "hash": raw_hash[:64]}
    if not (raw_height.isascii() and raw_height.isdecimal()) or len(raw_height) > 12 \
            or not 16 <= len(raw_hash) <= 64 or not set(raw_hash) <= _HEX:
        return {**typed, "verdict": "printed_bad_input"}
    entry = records.entry(store(), village, int(raw_height))
    if entry is None:
        return {**typed, "verdict": "printed_missing"}
    if not entry.hash.startswith(raw_hash):
        return {**typed, "verdict": "printed_differs"}
    # The stored hash matches; it speaks for the record only if the whole record checks out.
    return {**typed, "verdict": "printed_match" if record_check(village).ok else "printed_unverified"}


@bp.get("/p/<village>/files/<sha256>")
def file(village: str, sha256: str) -> Response:
    """A file a progress entry names, served only because the record names it; anyone can hash
    the download and compare it with the SHA-256 in the notice and the log."""
    village_or_404(village)
    named = snapshot(village)[0].attachment_digests()
    stored = records.stored_file(store(), village, sha256) if sha256 in named else None
    if stored is None:
        abort(404)
    # Always a download, never rendered here: an uploaded page must not run as ours.
    response = send_file(io.BytesIO(stored.content), mimetype=stored.media_type,
                         as_attachment=True, download_name=stored.name, etag=stored.sha256,
                         max_age=365 * 24 * 3600)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/p/<village>/log.jsonl")
def log(village: str) -> Response:
    """The village's whole log, one entry per line, to check with ``deliberate verify``."""
    village_or_404(village)
    lines = (line + "\n" for line in to_jsonl(records.entries(store(), village)))
    response = Response(stream_with_context(lines), mimetype="application/x-ndjson")
    response.headers["Content-Disposition"] = f'attachment; filename="{village}.jsonl"'
    return response



"""Public pages and API answers kept per process until the record moves.

What anyone sees of a village depends only on its record (the head's height and the store's
revision), the language, and today's date (whether a notice is open for objections). So a page
rendered once is served again from memory, with an ETag, until one of those moves; a browser or
a system that sends the ETag back gets 304 without the page being built.

Absolute links (the notice's QR code, the API's ``page`` links) come from the public address
(``PUBLIC_URL``) or, when none is set, from the request's own address: the address they start
with (:func:`webui.address.link_base`) is part of every key, so a request with a forged ``Host``
gets — and fills — only its own copy, never the one everybody else is served.

Only anonymous, message-free GETs are cached: an official's pages show their name, and a page
carrying a one-time message (a flash) is rendered afresh. The public forms on cached pages carry
no per-session token (see create_app: they are anonymous, and carry no session's authority).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Response, current_app, request, session

from .address import link_base
from .auth import current_account
from .i18n import current_lang
from .services import now, revision, snapshot

__all__ = ["MAX_PAGES", "cached_body", "cached_page", "clear", "conditional", "record_tag"]

MAX_PAGES = 512  # per process; a village's public pages and their languages fit many times over



class _Pages:
    """One app's pages (each app has its own database, so its own pages), least recent out."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pages: OrderedDict[tuple[Any, ...], tuple[bytes, str]] = OrderedDict()

    def get(self, key: tuple[Any, ...]) -> tuple[bytes, str] | None:
        with self.lock:
            hit = self.pages.get(key)
            if hit is not None:
                self.pages.move_to_end(key)
            return hit

    def put(self, key: tuple[Any, ...], page: tuple[bytes, str]) -> None:
        with self.lock:
            self.pages[key] = page
            while len(self.pages) > MAX_PAGES:
                self.pages.popitem(last=False)


def _cache() -> _Pages:
    return current_app.extensions.setdefault("deliberate.pages", _Pages())


def clear() -> None:
    """Forget every page (the record moving already makes old ones unreachable)."""
    current_app.extensions["deliberate.pages"] = _Pages()


def record_tag(village: str) -> str:
    """Where ``village``'s record stands in this request's read: the head's height and the store's
    revision (which also moves on a secret ballot, which leaves the head alone)."""
    return f"{village}.{snapshot(village)[1].height}.{revision(village)}"


def conditional(tag: str, answer: Callable[[], Response]) -> Response:
    """Every conditional answer goes through here: 304 with no body when the caller already holds
    ``tag``, else what ``answer`` builds (not called on a 304); tagged, and to be asked again
    each time (the record moves; the ETag makes asking cheap). The tag must be read before the
    body is, so a tag is never newer than what it answers with."""
    response = Response(status=304) if tag in request.if_none_match else answer()
    response.set_etag(tag)
    response.headers["Cache-Control"] = "no-cache"
    return response


def cached_page(view: Callable[..., Any]) -> Callable[..., Any]:
    """Serve ``view`` (whose first argument is the village) from the cache when nothing it shows
    can have changed; answer 304 to a caller that holds the current ETag."""

    @wraps(view)
    def wrapper(village: str, **kwargs: Any) -> Any:
        if request.method != "GET" or "_flashes" in session or current_account() is not None:
            return view(village, **kwargs)
        tag = f"{record_tag(village)}.{current_lang()}.{now().date().isoformat()}"
        key = (request.endpoint, village, request.full_path, tag, link_base())
        pages = _cache()
        hit = pages.get(key)
        if hit is None:
            response = view(village, **kwargs)
            if not isinstance(response, Response):
                response = Response(response, mimetype="text/html")
            if response.status_code != 200 or response.is_streamed:
                return response
            hit = (response.get_data(), response.headers["Content-Type"])
            pages.put(key, hit)
        answer = conditional(tag, lambda: Response(hit[0], content_type=hit[1]))
        answer.vary.add("Cookie")  # the language may come from the session
        return answer

    return wrapper


def cached_body(tag: str, build: Callable[[], bytes]) -> bytes:
    """The body for this URL at ``tag`` (the API's answers, which do not depend on who asks)."""
    pages = _cache()
    key = (request.endpoint, request.full_path, tag, link_base())
    hit = pages.get(key)
    if hit is None:
        hit = (build(), "")
        pages.put(key, hit)
    return hit[0]

"""The site's public address, and every absolute link the app makes from it.

Absolute links — the printed notice's QR code and address, the voters' QR cards, the API's
``page`` links — are built from ``PUBLIC_URL`` (``DELIBERATE_PUBLIC_URL``) when it is set, so a
request's ``Host`` header never chooses them. Unset (a laptop, a quick trial), they follow the
request's own address; the page cache then keeps one copy per address (:func:`link_base` is part
of its keys), so a forged ``Host`` only ever reaches the forger.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app, request, url_for

__all__ = ["PUBLIC_URL_ENV", "external_url", "link_base", "parse_public_url"]

PUBLIC_URL_ENV = "DELIBERATE_PUBLIC_URL"


def parse_public_url(raw: str | None) -> str | None:
    """``raw`` without its trailing slash, or None when empty; ValueError unless it is an http(s)
    address with a host and at most a path (where the app is served), no query or fragment."""
    if not raw:
        return None
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment \
            or "#" in raw or "?" in raw or any(c.isspace() or not c.isprintable() for c in raw):
        raise ValueError(f"PUBLIC_URL ({PUBLIC_URL_ENV}) must look like https://host[/path], not {raw!r}")
    return raw.rstrip("/")


def link_base() -> str:
    """What this request's absolute links start with: the public address, or the request's own."""
    return current_app.config.get("PUBLIC_URL") or request.host_url.rstrip("/")


def external_url(endpoint: str, **values: Any) -> str:
    """The absolute address of ``endpoint``, on the public address when there is one."""
    base = current_app.config.get("PUBLIC_URL")
    if not base:
        return url_for(endpoint, _external=True, **values)
    path = url_for(endpoint, **values)
    # PUBLIC_URL names where the app is served, prefix included: do not repeat the prefix.
    root = request.script_root
    if root and path.startswith(root + "/"):
        path = path[len(root):]
    return base + path

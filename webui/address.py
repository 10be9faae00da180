"""The site's public address, and every absolute link the app makes from it.

Absolute links — the printed notice's QR code and address, the voters' QR cards, the API's
``page`` links, the projector's QR code — are built from ``PUBLIC_URL`` (``DELIBERATE_PUBLIC_URL``)
when it is set, so a request's ``Host`` header never chooses them. ``python -m webui`` always sets
it: to the hall's address on the local network (webui.hallnet), or to the one it is given. A
county server sets it to its public address (docs/deployment.md). Unset (``create_app()`` served
by hand without it), links follow the request's own address; the page cache then keeps one copy
per address (:func:`link_base` is part of its keys), so a forged ``Host`` only ever reaches the
forger. :func:`phone_address` tells the pages that show the address whether a phone can open it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, request, url_for

from .hallnet import is_loopback_host, problem_with

__all__ = ["PUBLIC_URL_ENV", "PhoneAddress", "external_url", "link_base", "parse_public_url", "phone_address"]

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


@dataclass(frozen=True)
class PhoneAddress:
    """The address phones open to reach the site, as the pages show it.

    ``base``: what absolute links start with (``http://192.168.137.1:8000``); ``shown``: the same
    without the scheme, short enough to type into a phone (``192.168.137.1:8000``); ``problem``: a
    webui.i18n key saying why phones cannot use it, or None."""

    base: str
    shown: str
    problem: str | None


def phone_address() -> PhoneAddress:
    """The address this request's absolute links and QR codes carry, and whether phones can open
    it. ``LISTEN_HOST`` (set by ``python -m webui``) tells a server that listens on this computer
    only: then no address will do."""
    base = link_base()
    problem = problem_with(base)
    if is_loopback_host(current_app.config.get("LISTEN_HOST") or ""):
        problem = "phones_listen_local"  # whatever the address, nothing from outside gets in
    return PhoneAddress(base=base, shown=base.split("://", 1)[-1], problem=problem)

"""What every response tells the browser, and when cookies are marked ``Secure``.

- ``Content-Security-Policy``: scripts and styles only from this site's files (no inline ones, no
  eval — htmx is told not to inject its indicator style), and ``frame-ancestors 'none'`` with
  ``X-Frame-Options: DENY``: no other site may frame the vote buttons.
- ``Referrer-Policy``: ``no-referrer`` on a voter's page, whose address is the voter's authority;
  ``same-origin`` elsewhere (the CSRF check over HTTPS needs the site's own Referer).
- ``X-Content-Type-Options: nosniff``.
- ``Cache-Control: no-store`` on voters' pages, the login, officials' pages and any page a
  logged-in browser gets (it shows their name); public pages keep their ETag caching.
- Cookies are ``Secure`` when the public address is https, or when this request came over HTTPS
  (behind a proxy, as reported through ``DELIBERATE_PROXY_HOPS``).
"""

from __future__ import annotations

from flask import Flask, Response, current_app, has_request_context, request, session
from flask.sessions import SecureCookieSessionInterface

__all__ = ["CSP", "cookie_secure", "install"]

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
       "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")

_PRIVATE_BLUEPRINTS = frozenset({"ballot", "auth"})


def cookie_secure() -> bool:
    """Whether a cookie set now must be ``Secure``."""
    return bool(current_app.config.get("SESSION_COOKIE_SECURE")) or (has_request_context() and request.is_secure)


class _Sessions(SecureCookieSessionInterface):
    def get_cookie_secure(self, app: Flask) -> bool:
        return cookie_secure()


def _private(response: Response) -> bool:
    """Whether this response is for one person only: a voter, an official, a login form."""
    if request.endpoint == "static":
        return False
    if request.blueprint in _PRIVATE_BLUEPRINTS:
        return True
    view = current_app.view_functions.get(request.endpoint or "")
    return getattr(view, "permission", None) is not None or "sid" in session


def _headers(response: Response) -> Response:
    headers = response.headers
    headers["Content-Security-Policy"] = CSP
    headers["X-Frame-Options"] = "DENY"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer" if request.blueprint == "ballot" else "same-origin"
    if _private(response):
        headers["Cache-Control"] = "no-store"
    return response


def install(app: Flask) -> None:
    app.session_interface = _Sessions()
    app.after_request(_headers)

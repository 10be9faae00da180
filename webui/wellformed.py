"""Requests carrying a NUL character are refused with a 400 before any view reads them.

PostgreSQL's text cannot hold NUL: a village id, a username or any other value that reaches a query
with one in it made the driver raise, and the request answered 500 (SQLite merely found nothing).
No form, link or cookie of ours ever carries NUL, so one in the path, the query, a form field, an
upload's file name or a cookie is a forged request: it is refused whole, in the user's language
(or as JSON under ``/api/``), the same on every database. The core refuses other control
characters in the texts it records, with its own message.
"""

from __future__ import annotations

from flask import Flask, abort, request

__all__ = ["refuse_nul"]


def _carries_nul() -> bool:
    if "\x00" in request.path:
        return True
    for pairs in (request.args, request.form, request.cookies):
        for key, values in pairs.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                return True
    return any("\x00" in (upload.filename or "") or "\x00" in key
               for key, upload in request.files.items(multi=True))


def refuse_nul(app: Flask) -> None:
    """Install the check; it must come after any hook that sets how large a form may be."""

    @app.before_request
    def _refuse_nul() -> None:
        if _carries_nul():
            abort(400)

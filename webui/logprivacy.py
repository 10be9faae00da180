"""No log line holds a voter's link, a receipt, an identity number, or a value a database
statement carried.

A voter's link (``/b/<token>``) is the voter's authority to vote, and a receipt, read against the
published list, tells a secret ballot's choice: whoever reads the server's logs must learn
neither. :func:`install` (called by ``create_app``) puts :class:`RedactingFilter` on every logger
that writes requests — the app's own, werkzeug's, waitress's (``python -m webui``) and gunicorn's
error and access logs, whatever their format — so the link is cut to ``/b/[redacted]``, and a
receipt (in a query or a cookie) or the login cookie to ``[redacted]``, before any handler writes
the line. The store's engine itself leaves statements' parameters (a ballot's choice, a receipt)
out of its errors (deliberate.store.engine). An identity number (身份证号码: 18 characters, or an
old one of 15 digits) is personal information the app never keeps (docs/security.md); should one
reach a log line — a URL typed by hand, a traceback quoting a roster file's cell — it is cut to
``[redacted]`` as well.
"""

from __future__ import annotations

import logging
import re

from flask import Flask

__all__ = ["LOGGERS", "RedactingFilter", "install", "redact"]

# Loggers that write request lines or errors about requests.
# (A filter acts only on its own logger's records, not on its children's: each is named.)
LOGGERS = ("werkzeug", "waitress", "waitress.queue", "gunicorn.error", "gunicorn.access")

# ``/b/`` (or ``%2Fb%2F`` inside a query or a Referer) and everything up to the end of the path.
_VOTER = re.compile(r"((?:/|%2F)b(?:/|%2F)+)[^\s?#&\"']+", re.IGNORECASE)
# A receipt in the verification page's query, a secret ballot's receipt and change code in the
# voter's cookie (``ballot.<sitting>.<vote>=``), the login cookie and a voter card's phone cookie
# (``phone=``), should a log format include the Cookie header, and a card's code should one be put
# in a query by hand (``code=``; the card's QR code carries it after ``#``, which no browser sends).
_SECRET = re.compile(r"((?:receipt[\w.\-]*|ballot\.[\w.\-]*|session|phone|code)=)[^\s;&#\"']+", re.IGNORECASE)


# An identity number: 17 digits and a check character, or an old one of 15 digits, standing alone.
_ID_NUMBER = re.compile(r"(?<![0-9])(?:[0-9]{17}[0-9Xx]|[0-9]{15})(?![0-9Xx])")


def redact(text: str) -> str:
    """``text`` with voters' link tokens, receipts, login cookies and identity numbers replaced
    by ``[redacted]``."""
    return _ID_NUMBER.sub("[redacted]", _SECRET.sub(r"\1[redacted]", _VOTER.sub(r"\1[redacted]", text)))


class RedactingFilter(logging.Filter):
    """Rewrites a record's message (and its traceback) with :func:`redact`; drops nothing."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return True


def _guard(logger: logging.Logger) -> None:
    if not any(isinstance(f, RedactingFilter) for f in logger.filters):
        logger.addFilter(RedactingFilter())


def install(app: Flask) -> None:
    for name in LOGGERS:
        _guard(logging.getLogger(name))
    _guard(app.logger)
    # The store's engine never quotes a statement's values in its errors (deliberate.store.engine).

"""How often one address may post to the public forms (objections, submissions).

Kept per application and per process (with gunicorn's two workers, at most twice the limit): it
stops a stuck button or a script from flooding the committee's queue, not a determined attacker
with many addresses. Behind a reverse proxy set ``DELIBERATE_PROXY_HOPS`` so the address counted
is the villager's, not the proxy's (docs/webui.md, "Production").
"""

from __future__ import annotations

import threading
import time
from collections import deque

from flask import current_app, request

__all__ = ["PER_HOUR", "allow", "allow_key", "peek_key", "per_hour"]

PER_HOUR = 5  # the default; ``PUBLIC_POSTS_PER_HOUR`` in the app's config overrides it


class _PerHour:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: dict[tuple[str, str], deque[float]] = {}

    def peek(self, key: tuple[str, ...], limit: int) -> bool:
        """Whether ``key`` is still under ``limit`` this hour, without counting this look."""
        moment = time.monotonic()
        with self._lock:
            q = self._seen.get(key, ())
            return sum(1 for t in q if t >= moment - 3600) < limit

    def allow(self, key: tuple[str, str], limit: int) -> bool:
        moment = time.monotonic()
        with self._lock:
            q = self._seen.setdefault(key, deque())
            while q and q[0] < moment - 3600:
                q.popleft()
            if len(q) >= limit:
                return False
            q.append(moment)
            return True


def allow(form: str) -> bool:
    """Whether this request's address may post ``form`` once more this hour (and count it)."""
    limiter = current_app.extensions.setdefault("deliberate.public_limiter", _PerHour())
    return limiter.allow((form, request.remote_addr or "-"), per_hour())


def per_hour() -> int:
    return int(current_app.config.get("PUBLIC_POSTS_PER_HOUR", PER_HOUR))


def allow_key(key: tuple[str, ...], limit: int) -> bool:
    """Whether ``key`` (e.g. one voter link's attempts at a form) may go once more this hour."""
    limiter = current_app.extensions.setdefault("deliberate.public_limiter", _PerHour())
    return limiter.allow(key, limit)  # type: ignore[arg-type]


def peek_key(key: tuple[str, ...], limit: int) -> bool:
    """Whether ``key`` may still go this hour; nothing is counted."""
    limiter = current_app.extensions.setdefault("deliberate.public_limiter", _PerHour())
    return limiter.peek(key, limit)

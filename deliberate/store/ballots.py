"""What the record says one person did in one closed vote: the ``ballot`` projection, read for
the voter's own page after the close (the closed result in the state keeps only the counts)."""

from __future__ import annotations

import threading
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, select

from .models import BallotRow

__all__ = ["closed_ballot_of"]

_B = BallotRow.__table__
_MAX = 16384  # answers per database; a village's voters over its last votes fit many times
_known: WeakKeyDictionary[Engine, dict[tuple[str, ...], tuple[bool, str | None]]] = WeakKeyDictionary()
_lock = threading.Lock()


def closed_ballot_of(engine: Engine, village: str, sitting: str, vote: str, person: str) -> tuple[bool, str | None]:
    """(took part, the choice) of ``person`` in the *closed* ``vote``; the choice is None for a
    secret vote (the projection holds only participation) or when they did not take part.

    Kept per process: a closed vote's rows never change again, and every phone in the hall asks
    every few seconds after the close (one query each time cost about half of each poll). Kept by
    the engine, weakly: a database, not its address, which tests reuse."""
    key = (village, sitting, vote, person)
    with _lock:
        known = _known.setdefault(engine, {})
        if key in known:
            return known[key]
    with engine.connect() as conn:
        row = conn.execute(select(_B.c.choice).where(
            _B.c.village == village, _B.c.sitting == sitting, _B.c.vote == vote, _B.c.voter == person)).first()
    answer = (False, None) if row is None else (True, row[0])
    with _lock:
        if len(known) >= _MAX:
            known.clear()
        known[key] = answer
    return answer

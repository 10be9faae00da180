"""What the record says one person did in one closed vote: the ``ballot`` projection, read for
the voter's own page after the close (the closed result in the state keeps only the counts)."""

from __future__ import annotations

from sqlalchemy import Engine, select

from .models import BallotRow

__all__ = ["ballot_of"]

_B = BallotRow.__table__


def ballot_of(engine: Engine, village: str, sitting: str, vote: str, person: str) -> tuple[bool, str | None]:
    """(took part, the choice) of ``person`` in ``vote``; the choice is None for a secret vote
    (the projection holds only participation) or when they did not take part. One row by key."""
    with engine.connect() as conn:
        row = conn.execute(select(_B.c.choice).where(
            _B.c.village == village, _B.c.sitting == sitting, _B.c.vote == vote, _B.c.voter == person)).first()
    return (False, None) if row is None else (True, row[0])

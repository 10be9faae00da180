"""Who the roster's ids are: names for the pages that show people (the store's own query, narrow
enough for the pages polled every second)."""

from __future__ import annotations

from sqlalchemy import Engine, select

from .models import PersonRow

__all__ = ["person_groups", "person_name", "person_names"]

_P = PersonRow.__table__


def person_names(engine: Engine, village: str) -> dict[str, str]:
    """Everyone's name by id: one narrow query, not the whole roster."""
    with engine.connect() as conn:
        return dict(conn.execute(select(_P.c.id, _P.c.name).where(_P.c.village == village)).all())


def person_groups(engine: Engine, village: str) -> dict[str, tuple[str, str | None]]:
    """Everyone's (name, villager group) by id: what the console counts and searches a crowd by
    (one narrow query, like :func:`person_names`)."""
    with engine.connect() as conn:
        rows = conn.execute(select(_P.c.id, _P.c.name, _P.c.group).where(_P.c.village == village))
        return {person: (name, group) for person, name, group in rows}


def person_name(engine: Engine, village: str, person: str) -> str | None:
    """One person's name (a voter's page: a thousand phones open it at once), or None."""
    with engine.connect() as conn:
        return conn.execute(select(_P.c.name).where(_P.c.village == village, _P.c.id == person)).scalar()

"""Voter cards and the phones they are bound to (the tables ``voter_card`` and ``card_phone``).

The store knows cards only by digests the use cases make (HMACs keyed by the site's secret): it
holds no card code and no phone cookie, so a copy of the database opens nothing.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, delete, exc, insert, select, update

from .models import CardPhoneRow, VoterCardRow

__all__ = ["CardRecord", "bind_phone", "bound_phone", "card_by_digest", "cards_of", "issue_cards",
           "phone_holds", "release_phone"]

_C = VoterCardRow.__table__
_B = CardPhoneRow.__table__


@dataclass(frozen=True)
class CardRecord:
    id: str
    village: str
    person: str
    issued_at: datetime
    revoked_at: datetime | None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


def _record(row: object) -> CardRecord:
    return CardRecord(row.id, row.village, row.person, row.issued_at, row.revoked_at)  # type: ignore[attr-defined]


def issue_cards(engine: Engine, village: str, cards: Iterable[tuple[str, str, str]], at: datetime) -> None:
    """Record new cards ``(id, person, digest)`` in one transaction; each person's earlier card
    is revoked, and the phone it was bound to released."""
    rows = [{"id": i, "village": village, "person": p, "digest": d, "issued_at": at, "revoked_at": None}
            for i, p, d in cards]
    if not rows:
        return
    people = [r["person"] for r in rows]
    with engine.connect().execution_options(write=True) as conn, conn.begin():
        for start in range(0, len(people), 500):  # a bound on a statement's parameters
            chunk = people[start:start + 500]
            old = select(_C.c.id).where(_C.c.village == village, _C.c.person.in_(chunk), _C.c.revoked_at.is_(None))
            conn.execute(delete(_B).where(_B.c.card.in_(old)))
            conn.execute(update(_C).where(_C.c.village == village, _C.c.person.in_(chunk),
                                          _C.c.revoked_at.is_(None)).values(revoked_at=at))
        conn.execute(insert(_C), rows)


def card_by_digest(engine: Engine, digest: str) -> CardRecord | None:
    """The card (of any village, current or revoked) whose code has ``digest``."""
    with engine.connect() as conn:
        row = conn.execute(select(_C).where(_C.c.digest == digest)).first()
    return None if row is None else _record(row)


def cards_of(engine: Engine, village: str) -> list[CardRecord]:
    """Every card of ``village``, current and revoked, oldest first."""
    with engine.connect() as conn:
        rows = conn.execute(select(_C).where(_C.c.village == village).order_by(_C.c.issued_at, _C.c.id)).all()
    return [_record(r) for r in rows]


def bind_phone(engine: Engine, village: str, sitting: str, person: str, card: str, phone: str,
               at: datetime) -> str:
    """Bind ``person``'s card for ``sitting`` to the phone of digest ``phone`` unless a phone is
    bound already; the digest of the phone bound (the first wins a race)."""
    try:
        with engine.connect().execution_options(write=True) as conn, conn.begin():
            conn.execute(insert(_B), {"village": village, "sitting": sitting, "person": person, "card": card,
                                      "phone": phone, "bound_at": at})
    except exc.IntegrityError:
        pass  # bound already (or by the other phone, a moment ago)
    found = bound_phone(engine, village, sitting, person)
    return found[1] if found is not None else ""


def bound_phone(engine: Engine, village: str, sitting: str, person: str) -> tuple[str, str] | None:
    """(card, phone digest) bound for ``person`` in ``sitting``, or None."""
    with engine.connect() as conn:
        row = conn.execute(select(_B.c.card, _B.c.phone).where(
            _B.c.village == village, _B.c.sitting == sitting, _B.c.person == person)).first()
    return None if row is None else (row.card, row.phone)


def phone_holds(engine: Engine, village: str, sitting: str, person: str, phone: str) -> bool:
    """Whether the phone of digest ``phone`` is the one bound for ``person`` in ``sitting``, by a
    card not revoked since (one query: a voter's page asks it on every request)."""
    with engine.connect() as conn:
        found = conn.execute(select(_B.c.phone).join(_C, _C.c.id == _B.c.card).where(
            _B.c.village == village, _B.c.sitting == sitting, _B.c.person == person,
            _C.c.revoked_at.is_(None))).scalar()
    return found is not None and hmac.compare_digest(found, phone)


def release_phone(engine: Engine, village: str, sitting: str, person: str) -> bool:
    """Forget the phone bound for ``person`` in ``sitting``; whether one was."""
    with engine.connect().execution_options(write=True) as conn, conn.begin():
        return conn.execute(delete(_B).where(_B.c.village == village, _B.c.sitting == sitting,
                                             _B.c.person == person)).rowcount > 0

"""The roster in the database: saved idempotently from a parsed file, loaded as a core Roster."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, and_, insert, select, update

from deliberate.roster import (
    Committee,
    Household,
    Kinship,
    PartyMembership,
    Person,
    Relation,
    Representation,
    Roster,
    Seat,
    Sex,
)
from deliberate.values import printable

from .models import (
    HouseholdRow,
    KinshipRow,
    PartyMembershipRow,
    PersonRow,
    RepresentationRow,
    SeatRow,
)

__all__ = ["ImportCounts", "load_roster", "save_roster"]


@dataclass
class ImportCounts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated)


def _person(village: str, p: Person) -> dict[str, Any]:
    return {"village": village, "id": p.id, "name": p.name, "birth_date": p.birth_date,
            "sex": p.sex.value, "household": p.household, "group": p.group, "grid": p.grid,
            "collective_member": p.collective_member, "full_capacity": p.full_capacity,
            "left_on": p.left_on}


def _household(village: str, h: Household) -> dict[str, Any]:
    return {"village": village, "id": h.id, "name": h.name, "group": h.group}


def _membership(village: str, m: PartyMembership) -> dict[str, Any]:
    return {"village": village, "person": m.person, "admitted_on": m.admitted_on,
            "full_on": m.full_on, "left_on": m.left_on}


def _seat(village: str, s: Seat) -> dict[str, Any]:
    return {"village": village, "person": s.person, "committee": s.committee.value,
            "start": s.start, "end": s.end, "role": s.role}


def _representation(village: str, r: Representation) -> dict[str, Any]:
    return {"village": village, "person": r.person, "start": r.start, "end": r.end,
            "households": json.dumps(sorted(r.households), ensure_ascii=False), "group": r.group}


def _kinship(village: str, k: Kinship) -> dict[str, Any]:
    return {"village": village, "a": k.a, "b": k.b, "relation": k.relation.value}


def _check_text(table: Any, rows: list[dict[str, Any]]) -> None:
    """Every name and id one line of printable text, as a roster file's rows are checked: the
    roster's ids go into the record, and its names onto ballots and notices."""
    for row in rows:
        for column, value in row.items():
            if isinstance(value, str) and column not in ("village", "households"):
                printable(f"{table.__tablename__}.{column}", value, one_line=True)
            elif column == "households":  # a representative's households, as JSON
                for household in json.loads(value):
                    printable(f"{table.__tablename__}.households", household, one_line=True)


def save_roster(engine: Engine, village: str, *, people: Iterable[Person] = (),
                households: Iterable[Household] = (), memberships: Iterable[PartyMembership] = (),
                seats: Iterable[Seat] = (), representations: Iterable[Representation] = (),
                kinships: Iterable[Kinship] = (),
                progress: Callable[[int], None] | None = None) -> ImportCounts:
    """Insert new records and update changed ones, all in one transaction; the same records
    saved twice change nothing the second time. A name or id with a control character or a
    bidirectional control raises InvalidInput and saves nothing."""
    counts = ImportCounts()
    plan: list[tuple[Any, list[dict[str, Any]]]] = [
        (HouseholdRow, [_household(village, h) for h in households]),
        (PersonRow, [_person(village, p) for p in people]),
        (PartyMembershipRow, [_membership(village, m) for m in memberships]),
        (SeatRow, [_seat(village, s) for s in seats]),
        (RepresentationRow, [_representation(village, r) for r in representations]),
        (KinshipRow, [_kinship(village, k) for k in kinships]),
    ]
    for table, rows in plan:
        _check_text(table, rows)
    with engine.connect().execution_options(write=True) as conn, conn.begin():
        for table, rows in plan:
            t = table.__table__
            keys = [c.name for c in t.primary_key.columns]
            existing = {tuple(getattr(r, k) for k in keys): r._asdict()
                        for r in conn.execute(select(t).where(t.c.village == village))}
            new, changed = [], []
            for row in rows:
                key = tuple(row[k] for k in keys)
                old = existing.get(key)
                if old is None:
                    new.append(row)
                elif any(old[k] != v for k, v in row.items()):
                    changed.append(row)
                else:
                    counts.unchanged += table is PersonRow
            if new:
                conn.execute(insert(t), new)
            for row in changed:
                conn.execute(update(t).where(and_(*(t.c[k] == row[k] for k in keys)))
                             .values({k: v for k, v in row.items() if k not in keys}))
            if table is PersonRow:
                counts.added, counts.updated = len(new), len(changed)
                if progress:
                    progress(len(rows))
    return counts


def load_roster(engine: Engine, village: str) -> Roster:
    """The village's roster as the core knows it."""
    def rows(table: Any) -> list[Any]:
        t = table.__table__
        return list(conn.execute(select(t).where(t.c.village == village)))

    with engine.connect() as conn:
        people = [Person(r.id, r.name, r.birth_date, Sex(r.sex), r.household, r.group, r.grid,
                         r.collective_member, r.full_capacity, r.left_on) for r in rows(PersonRow)]
        households = [Household(r.id, r.name, r.group) for r in rows(HouseholdRow)]
        memberships = [PartyMembership(r.person, r.admitted_on, r.full_on, r.left_on)
                       for r in rows(PartyMembershipRow)]
        seats = [Seat(r.person, Committee(r.committee), r.start, r.end, r.role)
                 for r in rows(SeatRow)]
        reps = [Representation(r.person, r.start, r.end, frozenset(json.loads(r.households)),
                               r.group) for r in rows(RepresentationRow)]
        kin = [Kinship(r.a, r.b, Relation(r.relation)) for r in rows(KinshipRow)]
    return Roster(people, households, memberships, seats, reps, kin)

"""A read roster as JSON, for the draft a preview keeps until it is confirmed (:mod:`..roster_drafts`).

Everything :class:`ParsedRoster` holds — which is everything the preview showed, and no identity
number, since no record carries one.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from deliberate.roster import (
    Committee,
    Household,
    Kinship,
    PartyMembership,
    Person,
    Relation,
    Representation,
    Seat,
    Sex,
)

from .result import ParsedRoster, RowError

__all__ = ["roster_from_data", "roster_to_data"]


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _date(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def roster_to_data(parsed: ParsedRoster) -> dict[str, Any]:
    """``parsed`` as JSON-ready data."""
    return {
        "people": [[p.id, p.name, p.birth_date.isoformat(), p.sex.value, p.household, p.group, p.grid,
                    p.collective_member, p.full_capacity, _day(p.left_on)] for p in parsed.people],
        "households": [[h.id, h.name, h.group] for h in parsed.households.values()],
        "memberships": [[m.person, _day(m.admitted_on), _day(m.full_on), _day(m.left_on)]
                        for m in parsed.memberships],
        "seats": [[s.person, s.committee.value, _day(s.start), _day(s.end), s.role] for s in parsed.seats],
        "representations": [[r.person, _day(r.start), _day(r.end), sorted(r.households), r.group]
                            for r in parsed.representations],
        "kinships": [[k.a, k.b, k.relation.value] for k in parsed.kinships],
        "errors": [[e.line, e.reason] for e in parsed.errors],
        "skipped": [[e.line, e.reason] for e in parsed.skipped],
        "rows": parsed.rows, "sheet": parsed.sheet, "header_line": parsed.header_line,
        "above": list(parsed.above), "ignored": list(parsed.ignored), "id_numbers": parsed.id_numbers,
        "legacy_id_numbers": parsed.legacy_id_numbers, "derived_ids": parsed.derived_ids,
        "households_inferred": parsed.households_inferred,
    }


def roster_from_data(data: dict[str, Any]) -> ParsedRoster:
    """The :class:`ParsedRoster` :func:`roster_to_data` made ``data`` of."""
    return ParsedRoster(
        people=[Person(i, n, date.fromisoformat(b), Sex(s), h, g, grid, c, f, _date(left))
                for i, n, b, s, h, g, grid, c, f, left in data["people"]],
        households={i: Household(i, n, g) for i, n, g in data["households"]},
        memberships=[PartyMembership(p, _date(a), _date(f), _date(left)) for p, a, f, left in data["memberships"]],
        seats=[Seat(p, Committee(c), _date(s), _date(e), r) for p, c, s, e, r in data["seats"]],
        representations=[Representation(p, _date(s), _date(e), frozenset(h), g)
                         for p, s, e, h, g in data["representations"]],
        kinships=[Kinship(a, b, Relation(r)) for a, b, r in data["kinships"]],
        errors=[RowError(line, reason) for line, reason in data["errors"]],
        skipped=[RowError(line, reason) for line, reason in data["skipped"]],
        rows=data["rows"], sheet=data["sheet"], header_line=data["header_line"], above=tuple(data["above"]),
        ignored=tuple(data["ignored"]), id_numbers=data["id_numbers"], legacy_id_numbers=data["legacy_id_numbers"],
        derived_ids=data["derived_ids"], households_inferred=data["households_inferred"])

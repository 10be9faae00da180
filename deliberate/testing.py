"""Helpers for tests and examples: a deterministic village roster of any size.

Other systems can use these to test their integration without real personal data. Nothing here is
random: the same arguments always give the same roster.

>>> from datetime import date
>>> roster = sample_roster(adults=40, households=12, on=date(2026, 5, 1))
>>> len(roster.adults(date(2026, 5, 1))), len(roster.households)
(40, 12)
"""

from __future__ import annotations

from datetime import date

from .roster import (
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

__all__ = ["person_id", "sample_roster"]

_SURNAMES = "陈林黄张李王吴刘蔡杨许郑谢郭洪邱曾廖赖徐周叶苏庄吕江何萧罗高"
_GIVEN = ["建国", "秀英", "桂兰", "志强", "海燕", "国华", "丽娟", "文斌", "春梅", "德明",
          "玉珍", "永福", "淑芬", "伟", "芳", "敏", "静", "磊", "洋", "勇"]


def person_id(n: int) -> str:
    """The id of the ``n``-th person of a sample roster (1-based): ``p0001``."""
    return f"p{n:04d}"


def sample_roster(*, adults: int, households: int, on: date, minors: int = 0,
                  party_full: int = 0, party_probationary: int = 0, branch: int = 0,
                  village_committee: int = 0, overlap: int = 0, supervisory: int = 0,
                  representatives: int = 0, groups: int = 1) -> Roster:
    """A roster of ``adults`` adults (and ``minors`` children) spread evenly over ``households``.

    Roles go to the first people in order: the branch committee takes persons 1..branch; the
    villagers' committee takes the last ``overlap`` of those plus the next ones (a person on both
    committees, as is common); the supervisory committee comes next; then the representatives;
    party members are counted from person 1 (the probationary ones after the full ones). Every
    other representative is a woman, so a roster with enough representatives meets 第25条.
    """
    if households < 1 or adults < households:
        raise ValueError("every household needs at least one adult")
    people, house = [], []
    for h in range(households):
        group = f"g{h % groups + 1}"
        house.append(Household(f"h{h + 1:03d}", f"{_SURNAMES[h % len(_SURNAMES)]}家", group))
    for n in range(1, adults + minors + 1):
        adult = n <= adults
        h = (n - 1) % households
        birth = date(on.year - (30 + n % 40 if adult else 5 + n % 10), 1 + n % 12, 1 + n % 28)
        sex = Sex.FEMALE if n % 2 == 0 else Sex.MALE
        name = _SURNAMES[h % len(_SURNAMES)] + _GIVEN[n % len(_GIVEN)]
        people.append(Person(person_id(n), name, birth, sex, house[h].id, house[h].group,
                             f"grid{h % 6 + 1}"))
    start = date(on.year - 3, 1, 1)
    memberships = [PartyMembership(person_id(n), date(on.year - 20, 7, 1),
                                   date(on.year - 19, 7, 1)) for n in range(1, party_full + 1)]
    memberships += [PartyMembership(person_id(n), date(on.year, 1, 1))
                    for n in range(party_full + 1, party_full + party_probationary + 1)]
    seats = [Seat(person_id(n), Committee.BRANCH, start, role="书记" if n == 1 else "委员")
             for n in range(1, branch + 1)]
    first_vc = branch - overlap + 1
    seats += [Seat(person_id(n), Committee.VILLAGE, start, role="主任" if n == first_vc else "委员")
              for n in range(first_vc, first_vc + village_committee)]
    next_free = max(branch, first_vc + village_committee - 1) + 1
    seats += [Seat(person_id(n), Committee.SUPERVISORY, start)
              for n in range(next_free, next_free + supervisory)]
    next_free += supervisory
    reps = []
    for i in range(representatives):
        n = next_free + i
        served = frozenset(house[(i * 8 + k) % households].id for k in range(8))
        reps.append(Representation(person_id(n), start, households=served))
    # Representatives alternate in sex so the women's share holds.
    people = [p if not any(r.person == p.id for r in reps) else
              Person(p.id, p.name, p.birth_date,
                     Sex.FEMALE if int(p.id[1:]) % 2 else Sex.MALE, p.household, p.group, p.grid)
              for p in people]
    kin = [Kinship(person_id(1), person_id(2), Relation.SPOUSE)] if adults >= 2 else []
    return Roster(people, house, memberships, seats, reps, kin)

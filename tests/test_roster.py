"""Who counts for each body on a given day; composition findings (组织法 第25、32条)."""

from __future__ import annotations

from datetime import date

import pytest

from deliberate import InvalidInput
from deliberate.bodies import Body
from deliberate.composition import representatives_findings, supervisory_findings
from deliberate.roster import (
    BodyRoster,
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
from deliberate.testing import person_id, sample_roster

D = date(2026, 6, 1)


def people(n, **kw):
    return [Person(f"p{i}", f"村民{i}", date(1970, 1, 1), Sex.MALE if i % 2 else Sex.FEMALE,
                   f"h{i % 3}", **kw) for i in range(1, n + 1)]


def test_adults_on_the_meeting_date():
    r = Roster([Person("a", "甲", date(2008, 6, 1), Sex.MALE, "h"),
                Person("b", "乙", date(2008, 6, 2), Sex.MALE, "h"),
                Person("c", "丙", date(1950, 1, 1), Sex.MALE, "h", left_on=date(2026, 5, 1))])
    assert r.adults(D) == {"a"}  # b turns 18 tomorrow; c has left the village
    assert r.adults(date(2026, 6, 2)) == {"a", "b"}


def test_party_members_meeting_probationary_attend_without_vote():
    r = Roster(people(4), memberships=[
        PartyMembership("p1", date(2000, 1, 1), date(2001, 1, 1)),
        PartyMembership("p2", date(2026, 1, 1)),  # probationary
        PartyMembership("p3", date(2025, 5, 1), date(2026, 6, 1)),  # full from today
        PartyMembership("p4", date(2000, 1, 1), date(2001, 1, 1), left_on=date(2020, 1, 1)),
    ], seats=[Seat("p4", Committee.SUPERVISORY, date(2024, 1, 1))])
    b = r.body(Body.PARTY_MEMBERS_MEETING, D)
    assert b.expected == b.voters == {"p1", "p3"}
    assert b.attendees == {"p1", "p2", "p3", "p4"}
    assert r.body(Body.PARTY_MEMBERS_MEETING, date(2026, 5, 31)).voters == {"p1"}


def test_party_members_may_be_excused_and_still_vote_if_they_come():
    r = Roster(people(3), memberships=[PartyMembership(f"p{i}", date(2000, 1, 1), date(2001, 1, 1))
                                       for i in (1, 2, 3)])
    b = r.body(Body.PARTY_MEMBERS_MEETING, D, excused=["p3"])
    assert b.expected == {"p1", "p2"} and "p3" in b.voters and b.members == 3
    with pytest.raises(InvalidInput):
        r.body(Body.PARTY_MEMBERS_MEETING, D, excused=["nobody"])


def test_two_committees_count_a_person_on_both_once():
    r = sample_roster(adults=30, households=10, on=D, branch=5, village_committee=5, overlap=2)
    b = r.body(Body.TWO_COMMITTEES, D)
    assert len(b.expected) == 8


def test_representatives_meeting_is_village_committee_plus_representatives():
    r = sample_roster(adults=80, households=30, on=D, branch=3, village_committee=3, overlap=0,
                      supervisory=3, representatives=12)
    b = r.body(Body.REPRESENTATIVES_MEETING, D)
    assert len(b.expected) == 15
    assert r.seated(Committee.SUPERVISORY, D) <= b.attendees - b.voters


def test_villager_group_meeting_needs_its_group():
    r = sample_roster(adults=60, households=20, on=D, groups=2)
    g1 = r.body(Body.VILLAGER_GROUP_MEETING, D, group="g1")
    assert g1.expected and all(r.people[p].group == "g1" for p in g1.expected)
    assert g1.household_total == 10
    with pytest.raises(InvalidInput):
        r.body(Body.VILLAGER_GROUP_MEETING, D)


def test_seats_end_and_body_rosters_round_trip():
    r = Roster(people(3), seats=[Seat("p1", Committee.BRANCH, date(2020, 1, 1), date(2026, 6, 1)),
                                 Seat("p2", Committee.BRANCH, date(2026, 6, 1))])
    assert r.seated(Committee.BRANCH, D) == {"p2"}
    b = r.body(Body.BRANCH_COMMITTEE, D)
    assert BodyRoster.from_data(b.to_data()) == b


def test_roster_refuses_unknown_and_duplicate_people():
    with pytest.raises(InvalidInput):
        Roster(people(2) + people(1))
    with pytest.raises(InvalidInput):
        Roster(people(2), seats=[Seat("ghost", Committee.BRANCH, D)])


def test_representatives_composition_boundaries():
    # 5 committee members (none a representative) + 20 reps = 25; 4/5 of 25 is 20: met.
    base = people(30)
    seats = [Seat(f"p{i}", Committee.VILLAGE, date(2024, 1, 1)) for i in range(1, 6)]
    reps = [Representation(f"p{i}", date(2024, 1, 1), households=frozenset(f"h{k}" for k in range(5)))
            for i in range(6, 26)]
    found = {f.code: f for f in representatives_findings(Roster(base, seats=seats,
                                                                representations=reps), D)}
    assert found["reps_share"].ok
    # Women: persons with even numbers among p6..p25 are women: 10 of 25 members, 1/3 needs 9.
    assert found["women_share"].ok
    # 19 representatives of 24 members: 19*5 = 95 < 96.
    found = {f.code: f for f in representatives_findings(Roster(base, seats=seats,
                                                                representations=reps[:19]), D)}
    assert not found["reps_share"].ok
    assert "至少20人" in found["reps_share"].text() or "至少" in found["reps_share"].text()


def test_households_per_representative_between_5_and_15():
    base = people(20)
    reps = [Representation("p1", D, households=frozenset({"a", "b", "c", "d"})),
            Representation("p2", D, households=frozenset("abcde")),
            Representation("p3", D, households=frozenset("abcdefghijklmno")),
            Representation("p4", D, households=frozenset("abcdefghijklmnop"))]
    found = [f for f in representatives_findings(Roster(base, representations=reps), D)
             if f.code == "households_per_rep"]
    assert [f.ok for f in found] == [False, True, True, False]


def test_supervisory_committee_findings():
    base = people(6)
    seats = [Seat("p1", Committee.VILLAGE, D), Seat("p2", Committee.SUPERVISORY, D),
             Seat("p3", Committee.SUPERVISORY, D), Seat("p1", Committee.SUPERVISORY, D)]
    kin = [Kinship("p2", "p1", Relation.SPOUSE), Kinship("p3", "p5", Relation.SIBLING)]
    found = supervisory_findings(Roster(base, [Household("h0", "户"), Household("h1", "户"),
                                               Household("h2", "户")], seats=seats, kinships=kin), D)
    codes = sorted((f.code, dict(f.fields)["person"]) for f in found)
    assert codes == [("sup_on_vc", "村民1"), ("sup_relative", "村民2")]
    assert all(not f.ok for f in found)
    relative = next(f for f in found if f.code == "sup_relative")
    assert "配偶" in relative.text()
    assert "spouse" in relative.text("en")


def test_sample_roster_meets_article_25():
    r = sample_roster(adults=300, households=90, on=D, village_committee=5, representatives=30)
    assert all(f.ok for f in representatives_findings(r, D))
    assert person_id(7) in r.people

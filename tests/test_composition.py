"""Composition findings at their boundaries (组织法 第25、32条), with the counts and citations
they report (issue 12 §5). More cases over realistic rosters are in tests/test_roster.py."""

from __future__ import annotations

from datetime import date

import pytest

from deliberate.composition import (
    HOUSEHOLDS_PER_REPRESENTATIVE,
    representatives_findings,
    supervisory_findings,
)
from deliberate.roster import Committee, Kinship, Person, Relation, Representation, Roster, Seat, Sex

D = date(2026, 6, 1)


def roster(committee: int, reps: int, women: int, households: int = 5) -> Roster:
    """``committee`` village committee members (men) and ``reps`` representatives, ``women`` of
    them women; each representative with ``households`` households."""
    people = [Person(f"c{i}", f"委员{i}", date(1970, 1, 1), Sex.MALE, "h") for i in range(committee)]
    people += [Person(f"r{i}", f"代表{i}", date(1970, 1, 1),
                      Sex.FEMALE if i < women else Sex.MALE, "h") for i in range(reps)]
    seats = [Seat(f"c{i}", Committee.VILLAGE, date(2024, 1, 1)) for i in range(committee)]
    representations = [Representation(f"r{i}", date(2024, 1, 1),
                                       households=frozenset(f"h{k}" for k in range(households)))
                       for i in range(reps)]
    return Roster(people, seats=seats, representations=representations)


def findings(r: Roster) -> dict[str, object]:
    return {f.code: f for f in representatives_findings(r, D)}


@pytest.mark.parametrize(("committee", "reps", "ok", "required"), [
    (2, 8, True, 8),   # 8 of 10 is exactly 五分之四以上
    (3, 7, False, 8),  # 7 of 10 is not
    (1, 9, True, 8),
    (0, 1, True, 1),
])
def test_four_fifths_of_the_members_are_representatives(committee, reps, ok, required):
    f = findings(roster(committee, reps, women=reps))["reps_share"]
    assert f.ok is ok
    fields = dict(f.fields)
    assert fields == {"reps": reps, "members": committee + reps, "required": required}
    assert f"村民代表{reps}人" in f.text() and f"组成人员{committee + reps}人" in f.text()
    assert f"至少{required}人" in f.text()
    assert f.text().endswith("已达到" if ok else "未达到")


def test_a_committee_member_who_is_also_a_representative_is_counted_once():
    r = roster(2, 8, women=3)
    both = Roster(list(r.people.values()), seats=[*r.seats, Seat("r0", Committee.VILLAGE, D)],
                  representations=r.representations)
    assert dict(findings(both)["reps_share"].fields)["members"] == 10


@pytest.mark.parametrize(("committee", "reps", "women", "ok", "required"), [
    (0, 9, 3, True, 3),   # 3 of 9 is exactly one third
    (0, 7, 2, False, 3),  # 2 of 7 is not (2*3 = 6 < 7)
    (0, 7, 3, True, 3),
    (1, 8, 3, True, 3),   # members include the committee: 3 of 9
    (2, 8, 3, False, 4),  # 3 of 10 is not
])
def test_women_are_at_least_one_third(committee, reps, women, ok, required):
    f = findings(roster(committee, reps, women))["women_share"]
    assert f.ok is ok
    assert dict(f.fields) == {"women": women, "members": committee + reps, "required": required}
    assert f"妇女村民代表{women}人" in f.text() and f"至少{required}人" in f.text()


def test_households_per_representative_bounds_are_five_and_fifteen():
    assert HOUSEHOLDS_PER_REPRESENTATIVE == (5, 15)
    for n, ok in ((4, False), (5, True), (15, True), (16, False)):
        (f,) = [f for f in findings(roster(0, 1, 1, households=n)).values()
                if f.code == "households_per_rep"]
        assert f.ok is ok and dict(f.fields) == {"person": "代表0", "households": n}
        assert f"联系{n}户" in f.text()


def test_a_representative_chosen_per_group_carries_no_household_finding():
    codes = [f.code for f in representatives_findings(roster(0, 3, 1, households=0), D)]
    assert codes == ["reps_share", "women_share"]


def test_composition_findings_cite_their_articles():
    for f in representatives_findings(roster(2, 8, 3), D):
        assert "第二十五条" in f.citation.text() and "art. 25" in f.citation.text("en")
        assert f.citation.edition == "2018"
    people = [Person(p, p, date(1970, 1, 1), Sex.MALE, "h") for p in ("a", "b")]
    seats = [Seat("a", Committee.VILLAGE, D), Seat("a", Committee.SUPERVISORY, D),
             Seat("b", Committee.SUPERVISORY, D)]
    found = supervisory_findings(Roster(people, seats=seats,
                                        kinships=[Kinship("b", "a", Relation.SIBLING)]), D)
    assert [f.code for f in found] == ["sup_on_vc", "sup_relative"]
    for f in found:
        assert not f.ok
        assert "第三十二条" in f.citation.text() and "art. 32" in f.citation.text("en")
    assert dict(found[1].fields) == {"person": "b", "other": "a", "relation": Relation.SIBLING}
    assert "兄弟姐妹" in found[1].text() and "sibling" in found[1].text("en")


def test_a_lawful_supervisory_committee_has_no_findings():
    people = [Person(p, p, date(1970, 1, 1), Sex.MALE, "h") for p in ("a", "b", "c")]
    seats = [Seat("a", Committee.VILLAGE, D), Seat("b", Committee.SUPERVISORY, D)]
    # c is b's sibling but sits on no committee; a is on the village committee but unrelated.
    r = Roster(people, seats=seats, kinships=[Kinship("b", "c", Relation.SIBLING)])
    assert supervisory_findings(r, D) == ()

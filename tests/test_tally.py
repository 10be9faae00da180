"""Tally and Attendance helpers on their own: a rule decides on these numbers, so a broken helper
must fail here, not pass every property vacuously (issue 12 §5)."""

from __future__ import annotations

import pytest

from deliberate import Attendance, Choice, InvalidNumbers, Tally
from deliberate.tally import check_count


def test_add_sums_each_choice_separately():
    total = Tally(1, 2, 3) + Tally(10, 20, 30)
    assert total == Tally(11, 22, 33)
    assert (total.approve, total.oppose, total.abstain) == (11, 22, 33)
    assert Tally() + Tally(0, 0, 1) == Tally(0, 0, 1)


def test_add_with_a_non_tally_is_not_implemented():
    assert Tally(1).__add__(1) is NotImplemented
    with pytest.raises(TypeError):
        Tally(1) + 1


@pytest.mark.parametrize(("choice", "expected"), [
    (Choice.APPROVE, Tally(3, 2, 1)),
    (Choice.OPPOSE, Tally(2, 3, 1)),
    (Choice.ABSTAIN, Tally(2, 2, 2)),
])
def test_adding_one_ballot_changes_only_its_choice(choice, expected):
    assert Tally(2, 2, 1).adding(choice) == expected
    assert Tally(2, 2, 1).adding(choice).cast == 6


def test_adding_several_or_fewer():
    assert Tally(2, 0, 0).adding(Choice.APPROVE, 3) == Tally(5, 0, 0)
    assert Tally(2, 0, 0).adding(Choice.APPROVE, -2) == Tally(0, 0, 0)
    with pytest.raises(InvalidNumbers) as info:
        Tally(0, 4, 0).adding(Choice.APPROVE, -1)
    assert info.value.key == "err_negative" and info.value.fields["field"] == "approve"


def test_cast_and_count():
    t = Tally(4, 2, 1)
    assert t.cast == 7
    assert [t.count(c) for c in Choice] == [4, 2, 1]
    assert t.as_dict() == {"approve": 4, "oppose": 2, "abstain": 1}


@pytest.mark.parametrize(("before", "after", "expected"), [
    (None, Choice.APPROVE, Tally(3, 2, 1)),
    (None, Choice.ABSTAIN, Tally(2, 2, 2)),
    (Choice.APPROVE, Choice.OPPOSE, Tally(1, 3, 1)),
    (Choice.OPPOSE, Choice.ABSTAIN, Tally(2, 1, 2)),
    (Choice.ABSTAIN, Choice.APPROVE, Tally(3, 2, 0)),
])
def test_moved(before, after, expected):
    assert Tally(2, 2, 1).moved(before, after) == expected


def test_of_counts_choices_and_refuses_others():
    assert Tally.of([Choice.OPPOSE, Choice.ABSTAIN, Choice.ABSTAIN]) == Tally(0, 1, 2)
    with pytest.raises(InvalidNumbers) as info:
        Tally.of([Choice.APPROVE, "approve"])
    assert info.value.key == "err_bad_value"
    with pytest.raises(InvalidNumbers) as info:  # several: the first in sorted order is named
        Tally.of([Choice.APPROVE, "yes", "abstain"])
    assert info.value.fields["detail"] == "not a Choice: 'abstain'"
    assert Tally.of_ballots([("a", Choice.APPROVE), ("b", Choice.OPPOSE),
                             ("a", Choice.ABSTAIN)]) == Tally(0, 1, 1)


@pytest.mark.parametrize(("value", "key"), [(-1, "err_negative"), (True, "err_not_int"),
                                            (1.0, "err_not_int"), ("1", "err_not_int")])
def test_check_count_refuses(value, key):
    with pytest.raises(InvalidNumbers) as info:
        check_count("n", value)
    assert info.value.key == key and info.value.fields["field"] == "n"


def test_check_count_accepts_zero_and_returns_the_value():
    assert check_count("n", 0) == 0
    assert check_count("n", 7) == 7


@pytest.mark.parametrize(("kwargs", "key", "field"), [
    (dict(expected=10, present=11), "err_exceeds", "present"),
    (dict(expected=10, present=5, households=4), "err_households_pair", None),
    (dict(expected=10, present=5, households_present=4), "err_households_pair", None),
    (dict(expected=10, present=5, households=-1, households_present=0), "err_negative", "households"),
    (dict(expected=10, present=5, households=4, households_present=-1), "err_negative",
     "households_present"),
    (dict(expected=10, present=5, households=4, households_present=5), "err_exceeds",
     "households_present"),
    (dict(expected=10, present=2, households=4, households_present=3), "err_exceeds",
     "households_present"),
    (dict(expected=10, present=5, members=9), "err_exceeds", "expected"),
    (dict(expected=10, present=5, members=-1), "err_negative", "members"),
])
def test_attendance_refusals(kwargs, key, field):
    with pytest.raises(InvalidNumbers) as info:
        Attendance(**kwargs)
    assert info.value.key == key
    if field:
        assert info.value.fields["field"] == field


def test_attendance_boundaries_are_allowed():
    a = Attendance(expected=10, present=10, households=4, households_present=4, members=10)
    assert (a.expected, a.present, a.households, a.households_present, a.members) == (10, 10, 4, 4, 10)
    assert Attendance(expected=10, present=3, households=3, households_present=3).households_present == 3
    assert Attendance(expected=0, present=0).members == 0
    assert Attendance(expected=7, present=1).members == 7
    assert Attendance(expected=7, present=1, members=9).members == 9


def test_check_tally_allows_every_present_person_and_no_more():
    a = Attendance(expected=10, present=5)
    a.check_tally(Tally(3, 1, 1))
    with pytest.raises(InvalidNumbers) as info:
        a.check_tally(Tally(3, 2, 1))
    assert info.value.key == "err_exceeds" and info.value.fields["value"] == 6


def test_choice_labels():
    assert Choice.APPROVE.label() == "赞成"
    assert Choice.OPPOSE.label("zh_Hant") == "反對"
    assert Choice.ABSTAIN.label("en") == "abstain"

"""Jurisdiction profiles."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

from deliberate import Attendance, InvalidRule, Tally, rules
from deliberate.profiles import NATIONAL, Profile
from deliberate.rules import Comparison, Count, PassRule, Threshold, Wording


def test_national_profile_is_the_presets():
    assert dict(NATIONAL.rules) == dict(rules.PRESETS)
    assert NATIONAL.notice_period_days == 7 and not NATIONAL.is_major(10**9)


def test_a_stricter_province_overrides_one_rule_and_round_trips():
    strict_rule = rules.preset("representatives_meeting").replace(
        passing=PassRule(Count.MEMBERS, Threshold(Fraction(2, 3), Comparison.AT_LEAST)))
    province = NATIONAL.with_rule(strict_rule, name="province", title=Wording("某省", "某省", "a province"),
                                  major_matter_threshold=5_000_000)
    att = Attendance(expected=30, present=24)
    assert NATIONAL.rule("representatives_meeting").decide(att, Tally(13)).passed
    assert not province.rule("representatives_meeting").decide(att, Tally(19)).passed
    assert province.rule("representatives_meeting").decide(att, Tally(20)).passed
    assert province.is_major(5_000_001) and not province.is_major(5_000_000)
    assert Profile.from_data(json.loads(json.dumps(province.to_data()))) == province


@pytest.mark.parametrize("bad", [
    dict(rules={}),
    dict(notice_period_days=0),
    dict(objection_answer_days=2.5),
    dict(major_matter_threshold=-1),
])
def test_bad_profiles_are_refused(bad):
    with pytest.raises(InvalidRule):
        Profile("x", Wording("x", "x", "x"), **bad)


def test_unknown_rules_are_refused():
    with pytest.raises(InvalidRule):
        NATIONAL.rule("council")
    with pytest.raises(InvalidRule):
        NATIONAL.with_rule(rules.preset("branch_committee").replace(name="ours"))
    with pytest.raises(InvalidRule):
        Profile.from_data({"name": "x"})

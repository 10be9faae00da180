"""Every preset at its boundaries: at the threshold, one below, one above.

The expected numbers are worked out by hand from the statutes (RULES.md), not from the code.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from deliberate import Attendance, InvalidNumbers, InvalidRule, Tally, rules
from deliberate.bodies import Body
from deliberate.rules import Citation, Comparison, Count, PassRule, QuorumClause, Rule, Threshold, Wording


def outcome(name, tally=(0, 0, 0), **attendance):
    return rules.preset(name).decide(Attendance(**attendance), Tally(*tally))


# (preset, attendance kwargs, quorate?) — each clause just below, at and above its line.
QUORUM_CASES = [
    # 组织法 第22条: 过半数 of 1200 adults is 601; 2/3 of 380 households is 254 (253*3=759 < 760).
    ("villagers_meeting", dict(expected=1200, present=600, households=380, households_present=253), False),
    ("villagers_meeting", dict(expected=1200, present=601, households=380, households_present=0), True),
    ("villagers_meeting", dict(expected=1200, present=602, households=380, households_present=0), True),
    ("villagers_meeting", dict(expected=1200, present=590, households=380, households_present=254), True),
    ("villagers_meeting", dict(expected=1200, present=590, households=380, households_present=255), True),
    # SCENARIOS.md 5: 590 adults and 250 households — neither branch holds.
    ("villagers_meeting", dict(expected=1200, present=590, households=380, households_present=250), False),
    # 第26条: 2/3 of 30 members is 20, inclusive.
    ("representatives_meeting", dict(expected=30, present=19), False),
    ("representatives_meeting", dict(expected=30, present=20), True),
    ("representatives_meeting", dict(expected=30, present=21), True),
    # 第28条: 2/3 of 90 adults is 60; 2/3 of 30 households is 20.
    ("villager_group_meeting", dict(expected=90, present=59, households=30, households_present=19), False),
    ("villager_group_meeting", dict(expected=90, present=60, households=30, households_present=0), True),
    ("villager_group_meeting", dict(expected=90, present=20, households=30, households_present=20), True),
    ("villager_group_meeting", dict(expected=90, present=61, households=30, households_present=21), True),
    # 党员大会: 半数以上 of 20 who should attend is 10, inclusive.
    ("party_members_meeting", dict(expected=20, present=9), False),
    ("party_members_meeting", dict(expected=20, present=10), True),
    ("party_members_meeting", dict(expected=20, present=11), True),
    # 支委会: half of 5 inclusive means 3 (2*2=4 < 5).
    ("branch_committee", dict(expected=5, present=2), False),
    ("branch_committee", dict(expected=5, present=3), True),
    ("branch_committee", dict(expected=4, present=2), True),
    # 两委: more than half of 8 is 5.
    ("two_committees", dict(expected=8, present=4), False),
    ("two_committees", dict(expected=8, present=5), True),
    ("two_committees", dict(expected=8, present=6), True),
    # Land contracting keeps the villagers' meeting quorum.
    ("land_contracting", dict(expected=300, present=150, households=90, households_present=59), False),
    ("land_contracting", dict(expected=300, present=151, households=90, households_present=0), True),
    ("land_contracting", dict(expected=300, present=60, households=90, households_present=60), True),
    ("land_contracting_representatives", dict(expected=30, present=19), False),
    ("land_contracting_representatives", dict(expected=30, present=20), True),
    # 集体经济组织法 第27条: 2/3 of 300 members is 200.
    ("collective_members_meeting", dict(expected=300, present=199), False),
    ("collective_members_meeting", dict(expected=300, present=200), True),
    ("collective_members_meeting", dict(expected=300, present=201), True),
]


@pytest.mark.parametrize(("name", "attendance", "quorate"), QUORUM_CASES)
def test_quorum_boundaries(name, attendance, quorate):
    assert outcome(name, **attendance).quorate is quorate


# (preset, attendance, approvals, passed) — approvals just below, at and above the line.
PASS_CASES = [
    # 到会人员的过半数: 590 present needs 296.
    ("villagers_meeting", dict(expected=1200, present=590, households=380, households_present=254), 295, False),
    ("villagers_meeting", dict(expected=1200, present=590, households=380, households_present=254), 296, True),
    ("villagers_meeting", dict(expected=1200, present=590, households=380, households_present=254), 297, True),
    # RULES.md: 9 present at a representatives' meeting, 4 approve / 5 abstain fails, 5 passes.
    ("representatives_meeting", dict(expected=12, present=9), 4, False),
    ("representatives_meeting", dict(expected=12, present=9), 5, True),
    ("representatives_meeting", dict(expected=12, present=9), 6, True),
    ("villager_group_meeting", dict(expected=90, present=60, households=30, households_present=20), 30, False),
    ("villager_group_meeting", dict(expected=90, present=60, households=30, households_present=20), 31, True),
    # 党员大会: counted against the 20 who should attend — 10 approvals fail even with 10 present.
    ("party_members_meeting", dict(expected=20, present=10), 10, False),
    ("party_members_meeting", dict(expected=20, present=15), 10, False),
    ("party_members_meeting", dict(expected=20, present=15), 11, True),
    ("party_members_meeting", dict(expected=20, present=15), 12, True),
    ("branch_committee", dict(expected=5, present=3), 2, False),
    ("branch_committee", dict(expected=5, present=3), 3, True),
    ("branch_committee", dict(expected=7, present=4), 3, False),
    ("branch_committee", dict(expected=7, present=5), 4, True),
    ("two_committees", dict(expected=8, present=6), 4, False),
    ("two_committees", dict(expected=8, present=6), 5, True),
    # 土地承包: two thirds of ALL 300 members = 200, whatever the attendance.
    ("land_contracting", dict(expected=300, present=260, households=90, households_present=80), 199, False),
    ("land_contracting", dict(expected=300, present=260, households=90, households_present=80), 200, True),
    ("land_contracting", dict(expected=300, present=260, households=90, households_present=80), 201, True),
    ("land_contracting", dict(expected=300, present=151, households=90, households_present=50), 151, False),
    ("land_contracting_representatives", dict(expected=30, present=25), 19, False),
    ("land_contracting_representatives", dict(expected=30, present=25), 20, True),
    ("collective_members_meeting", dict(expected=300, present=250), 199, False),
    ("collective_members_meeting", dict(expected=300, present=250), 200, True),
    ("collective_members_meeting", dict(expected=300, present=250), 201, True),
]


@pytest.mark.parametrize(("name", "attendance", "approve", "passed"), PASS_CASES)
def test_pass_boundaries(name, attendance, approve, passed):
    out = outcome(name, (approve, 0, 0), **attendance)
    assert out.quorate
    assert out.passed is passed


def test_every_preset_has_boundary_cases():
    covered = {c[0] for c in QUORUM_CASES} & {c[0] for c in PASS_CASES}
    assert covered == set(rules.names())


def test_land_contracting_counts_all_members_not_expected():
    # Members excused from the expected count still count for the two-thirds of all members.
    att = Attendance(expected=280, present=250, households=90, households_present=80, members=300)
    assert not rules.preset("land_contracting").decide(att, Tally(199)).passed
    assert rules.preset("land_contracting").decide(att, Tally(200)).passed


def test_not_quorate_never_passes():
    out = outcome("villagers_meeting", (590, 0, 0), expected=1200, present=590, households=380,
                  households_present=250)
    assert not out.quorate and not out.passed


def test_abstentions_and_silence_count_against():
    # 20 present, 10 approve, 10 silent: 10*2 is not more than 20.
    assert not outcome("representatives_meeting", (10, 0, 0), expected=25, present=20).passed
    assert not outcome("representatives_meeting", (10, 0, 10), expected=25, present=20).passed


def test_scenario_5_explanation_in_three_languages():
    out = outcome("villagers_meeting", (0, 0, 0), expected=1200, present=590, households=380,
                  households_present=250)
    zh = out.explain()
    assert "应到1200人，实到590人" in zh and "至少601人" in zh and "至少254户" in zh
    assert "不足法定人数" in zh and "第二十二条" in zh
    assert "不足法定人數" in out.explain("zh_Hant")
    en = out.explain("en")
    assert "not quorate" in en.lower() and "at least 601" in en and "art. 22" in en
    with pytest.raises(ValueError):
        out.explain("fr")


def test_explanation_of_a_pass_names_the_required_number():
    out = outcome("villagers_meeting", (296, 100, 0), expected=1200, present=590, households=380,
                  households_present=254)
    assert "至少296票" in out.explain() and out.explain().endswith("第二十二条（2018年文本条号）。")
    assert "passed" in out.explain("en")
    assert out.explain("en").endswith("art. 22 (article numbers of the 2018 text).")


def test_every_explanation_citing_the_village_law_says_its_numbers_are_the_2018_texts():
    """The 2025 amendment renumbered the village law's articles; its consolidated text is not at
    hand, so each explanation citing it says which numbering it uses — and a jurisdiction's
    profile may carry the corrected citation as data, which is then said instead."""
    from deliberate.profiles import NATIONAL, Profile
    from deliberate.rules.model import Citation, Wording

    for name in rules.names():
        rule = rules.preset(name)
        said = outcome(name, (3, 0, 0), expected=5, present=5, households=5, households_present=5,
                       ) if rule.needs_households else outcome(name, (3, 0, 0), expected=5, present=5)
        if "村民委员会组织法" in rule.citation.text():
            assert "（2018年文本条号）" in said.explain() and "2018 text" in said.explain("en"), name
        else:
            assert "2018年文本条号" not in said.explain(), name
    corrected = Citation(Wording("《中华人民共和国村民委员会组织法》（2025年修正）第二十四条",
                                 "《中華人民共和國村民委員會組織法》（2025年修正）第二十四條",
                                 "Organic Law (2025 amendment), art. 24"), "2025")
    data = NATIONAL.to_data()
    data["rules"]["villagers_meeting"]["citation"] = corrected.to_data()  # as a profile file holds it
    profile = Profile.from_data(data)
    out = profile.rule("villagers_meeting").decide(
        Attendance(expected=5, present=5, households=5, households_present=5), Tally(3, 0, 0))
    assert out.explain().endswith("（2025年修正）第二十四条。") and "2018年文本条号" not in out.explain()


@pytest.mark.parametrize(("attendance", "tally", "field"), [
    (dict(expected=-1, present=0), (0, 0, 0), "expected"),
    (dict(expected=10, present=-2), (0, 0, 0), "present"),
    (dict(expected=10, present=11), (0, 0, 0), "present"),
    (dict(expected=10, present=5, households=4, households_present=5), (0, 0, 0), "households_present"),
    (dict(expected=10, present=2, households=4, households_present=3), (0, 0, 0), "households_present"),
    (dict(expected=10, present=5, households=4), (0, 0, 0), "households"),
    (dict(expected=10, present=5, members=9), (0, 0, 0), "expected"),
    (dict(expected=10, present=5), (-1, 0, 0), "approve"),
    (dict(expected=10, present=5), (3, 2, 1), "present"),
    (dict(expected=10.0, present=5), (0, 0, 0), "expected"),
    (dict(expected=True, present=0), (0, 0, 0), "expected"),
])
def test_impossible_numbers_are_refused_naming_the_field(attendance, tally, field):
    with pytest.raises(InvalidNumbers) as info:
        rules.preset("representatives_meeting").decide(Attendance(**attendance), Tally(*tally))
    assert isinstance(info.value, ValueError)
    assert field in str(info.value) and field in info.value.message("en")


def test_household_rule_needs_households():
    with pytest.raises(InvalidNumbers, match="households"):
        outcome("villagers_meeting", expected=10, present=6)


def test_a_village_builds_its_own_rule_and_it_round_trips():
    two_thirds_present = rules.preset("representatives_meeting").replace(
        name="jinding_two_thirds_present",
        passing=PassRule(Count.PRESENT, Threshold(Fraction(2, 3), Comparison.AT_LEAST)),
        citation=Citation(Wording("金町村村规民约第十条", "金町村村規民約第十條", "Jinding village rules, art. 10"),
                          "2023"))
    att = Attendance(expected=30, present=21)
    assert not two_thirds_present.decide(att, Tally(13)).passed  # 13*3 = 39 < 42
    assert two_thirds_present.decide(att, Tally(14)).passed
    data = two_thirds_present.to_data()
    assert Rule.from_data(data) == two_thirds_present
    import json
    assert Rule.from_data(json.loads(json.dumps(data))) == two_thirds_present


@pytest.mark.parametrize("name", rules.names())
def test_every_preset_round_trips_and_carries_a_citation(name):
    rule = rules.preset(name)
    assert Rule.from_data(rule.to_data()) == rule
    assert rule.citation.edition and str(rule.citation)
    for lang in ("zh_Hans", "zh_Hant", "en"):
        assert rule.citation.text(lang) and rule.explain_text(lang)


@pytest.mark.parametrize("bad", [
    "not a mapping",
    {"name": "x"},
    {**rules.preset("branch_committee").to_data(), "quorum": [{"counted": "present", "base": "expected",
                                                               "share": "3/2", "comparison": ">"}]},
    {**rules.preset("branch_committee").to_data(), "quorum": [{"counted": "present", "base": "expected",
                                                               "share": 0.5, "comparison": ">"}]},
    {**rules.preset("branch_committee").to_data(), "quorum": [{"counted": "present", "base": "expected",
                                                               "share": "1/2", "comparison": "=="}]},
    {**rules.preset("branch_committee").to_data(), "quorum": []},
    {**rules.preset("branch_committee").to_data(), "passing": {"base": "households", "share": "1/2",
                                                               "comparison": ">"}},
    {**rules.preset("branch_committee").to_data(), "body": "parliament"},
    {**rules.preset("branch_committee").to_data(), "citation": {"zh_Hans": "x"}},
    {**rules.preset("branch_committee").to_data(), "notice_days": -3},
])
def test_malformed_rule_data_is_refused(bad):
    with pytest.raises(InvalidRule):
        Rule.from_data(bad)


def test_quorum_clause_pairs_households_with_households():
    with pytest.raises(InvalidRule):
        QuorumClause(Count.HOUSEHOLDS_PRESENT, Count.EXPECTED, rules.AT_LEAST_TWO_THIRDS)
    with pytest.raises(InvalidRule):
        QuorumClause(Count.PRESENT, Count.HOUSEHOLDS, rules.AT_LEAST_TWO_THIRDS)


def test_unknown_preset_lists_the_choices():
    with pytest.raises(InvalidRule, match="villagers_meeting"):
        rules.preset("village_assembly")


def test_presets_name_their_bodies():
    assert rules.preset("land_contracting").body is Body.VILLAGERS_MEETING
    assert rules.preset("villagers_meeting").notice_days == 10
    assert rules.preset("party_members_meeting").excusable


@pytest.mark.parametrize(("share", "comparison", "base", "required"), [
    (Fraction(1, 2), Comparison.MORE_THAN, 1200, 601),
    (Fraction(1, 2), Comparison.MORE_THAN, 1201, 601),
    (Fraction(1, 2), Comparison.AT_LEAST, 1201, 601),
    (Fraction(1, 2), Comparison.AT_LEAST, 1200, 600),
    (Fraction(2, 3), Comparison.AT_LEAST, 380, 254),
    (Fraction(2, 3), Comparison.AT_LEAST, 381, 254),
    (Fraction(2, 3), Comparison.MORE_THAN, 381, 255),
    (Fraction(4, 5), Comparison.AT_LEAST, 0, 0),
])
def test_threshold_required(share, comparison, base, required):
    t = Threshold(share, comparison)
    assert t.required(base) == required
    assert t.met(required, base) and (required == 0 or not t.met(required - 1, base))

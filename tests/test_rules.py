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
    # Members are not excusable unless a rule says so (the dataclass default).
    assert [n for n in rules.names() if rules.preset(n).excusable] == ["party_members_meeting"]
    bare = rules.preset("branch_committee")
    assert Rule(bare.name, bare.body, bare.title, bare.quorum, bare.passing,
                bare.citation).excusable is False


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


# --- Refusals and boundaries no other test pins (issue 12 §5) -----------------------------------
# Rules arrive as plain data from village settings: each refusal is tried through Rule.from_data
# and through the constructor, and the typed error's key and detail are checked.

def _data(**changes):
    return {**rules.preset("branch_committee").to_data(), **changes}


def _quorum(**changes):
    return _data(quorum=[{"counted": "present", "base": "expected", "share": "1/2",
                          "comparison": ">=", **changes}])


def _refused(build, detail):
    with pytest.raises(InvalidRule) as info:
        build()
    assert info.value.key == "err_bad_rule"
    assert detail in info.value.fields["detail"], info.value.fields["detail"]
    assert isinstance(info.value, ValueError)
    return info.value


@pytest.mark.parametrize(("share", "detail"), [
    ("0", "must be in (0, 1]"),
    (0, "must be in (0, 1]"),
    ("-1/2", "must be in (0, 1]"),
    (Fraction(-1, 3), "must be in (0, 1]"),
    ("3/2", "must be in (0, 1]"),
    (2, "must be in (0, 1]"),
    (True, "not bool"),
    (False, "not bool"),
    (0.5, "not float"),
    ("1/0", "is not a fraction"),
    ("half", "is not a fraction"),
    (None, "must be in (0, 1]"),
    ([1, 2], "must be in (0, 1]"),
])
def test_bad_shares_are_refused(share, detail):
    _refused(lambda: Rule.from_data(_quorum(share=share)), detail)
    _refused(lambda: Rule.from_data(_data(passing={"base": "present", "share": share,
                                                   "comparison": ">"})), detail)
    _refused(lambda: Threshold(share, Comparison.AT_LEAST), detail)


@pytest.mark.parametrize("share", ["1", 1, "1/1", Fraction(1), "1/3", Fraction(1, 10)])
def test_shares_up_to_and_including_one_are_accepted(share):
    t = Threshold(share, Comparison.AT_LEAST)
    assert 0 < t.share <= 1 and isinstance(t.share, Fraction)
    assert Rule.from_data(_quorum(share=share)).quorum[0].threshold == t


def test_a_share_of_all_reads_all():
    rule = rules.preset("branch_committee").replace(
        passing=PassRule(Count.EXPECTED, Threshold(1, Comparison.AT_LEAST)))
    assert rule.explain_text().endswith("赞成票达到应到人数的全部")
    assert rule.explain_text("en").endswith("approvals at least all of those expected")
    assert Threshold(1, Comparison.AT_LEAST).to_data() == {"share": "1/1", "comparison": ">="}


def test_a_comparison_must_be_a_comparison():
    _refused(lambda: Threshold(Fraction(1, 2), ">="), "comparison '>='")
    _refused(lambda: Threshold(Fraction(1, 2), None), "comparison None")
    _refused(lambda: Rule.from_data(_quorum(comparison="=>")), "quorum.comparison: '=>'")
    _refused(lambda: Rule.from_data(_data(passing={"base": "present", "share": "1/2",
                                                   "comparison": "more"})),
             "passing.comparison: 'more'")
    # Plain data names it by value.
    assert Rule.from_data(_quorum(comparison=">")).quorum[0].threshold.comparison is \
        Comparison.MORE_THAN


@pytest.mark.parametrize(("counted", "base"), [
    ("expected", "expected"), ("members", "expected"), ("households", "households"),
    ("present", "households"), ("households_present", "expected"),
    ("households_present", "present"),
])
def test_quorum_clauses_that_cannot_be(counted, base):
    with pytest.raises(InvalidRule) as info:
        Rule.from_data(_quorum(counted=counted, base=base))
    assert info.value.key == "err_bad_rule"
    with pytest.raises(InvalidRule):
        QuorumClause(Count(counted), Count(base), rules.AT_LEAST_TWO_THIRDS)


def test_quorum_clause_refusal_details():
    _refused(lambda: QuorumClause(Count.EXPECTED, Count.EXPECTED, rules.AT_LEAST_TWO_THIRDS),
             "a quorum counts present or households_present")
    _refused(lambda: QuorumClause(Count.PRESENT, Count.HOUSEHOLDS, rules.AT_LEAST_TWO_THIRDS),
             "households_present is counted against households, and only it")
    _refused(lambda: QuorumClause("attendees", Count.EXPECTED, rules.AT_LEAST_TWO_THIRDS),
             "quorum.counted: 'attendees'")
    _refused(lambda: QuorumClause(Count.PRESENT, "everyone", rules.AT_LEAST_TWO_THIRDS),
             "quorum.base: 'everyone'")


@pytest.mark.parametrize(("counted", "base", "households"), [
    ("present", "expected", False), ("present", "members", False), ("present", "present", False),
    ("households_present", "households", True),
])
def test_quorum_clauses_that_can_be(counted, base, households):
    clause = QuorumClause(counted, base, rules.AT_LEAST_TWO_THIRDS)
    assert clause.counted is Count(counted) and clause.base is Count(base)
    assert clause.needs_households is households
    assert clause.to_data() == {"counted": counted, "base": base, "share": "2/3",
                                "comparison": ">="}


@pytest.mark.parametrize("base", ["present", "expected", "members"])
def test_pass_rule_bases(base):
    assert PassRule(base, rules.MORE_THAN_HALF).base is Count(base)


@pytest.mark.parametrize("base", ["households", "households_present", "voters"])
def test_pass_rule_refuses_other_bases(base):
    with pytest.raises(InvalidRule) as info:
        PassRule(base, rules.MORE_THAN_HALF)
    assert info.value.key == "err_bad_rule"
    with pytest.raises(InvalidRule):
        Rule.from_data(_data(passing={"base": base, "share": "1/2", "comparison": ">"}))


def test_rule_constructor_refusals():
    good = rules.preset("branch_committee")
    _refused(lambda: good.replace(name=""), "a rule needs a name")
    _refused(lambda: good.replace(name="   "), "a rule needs a name")
    _refused(lambda: good.replace(name=7), "a rule needs a name")
    _refused(lambda: good.replace(quorum=()), "a rule needs at least one quorum clause")
    _refused(lambda: good.replace(quorum=(good.quorum[0], "present")),
             "a rule needs at least one quorum clause")
    _refused(lambda: good.replace(passing=good.quorum[0]), "passing must be a PassRule")
    _refused(lambda: good.replace(passing=None), "passing must be a PassRule")
    _refused(lambda: good.replace(notice_days=-1), "notice_days must be a whole number ≥ 0")
    _refused(lambda: good.replace(notice_days=True), "notice_days must be a whole number ≥ 0")
    _refused(lambda: good.replace(notice_days=2.0), "notice_days must be a whole number ≥ 0")
    _refused(lambda: good.replace(body="parliament"), "body: 'parliament'")
    assert good.replace(notice_days=0).notice_days == 0
    assert good.replace(quorum=[good.quorum[0]]).quorum == good.quorum  # a list becomes a tuple
    assert good.replace(body="villagers_meeting").body is Body.VILLAGERS_MEETING


@pytest.mark.parametrize(("changes", "detail"), [
    (dict(name=""), "a rule needs a name"),
    (dict(name=" "), "a rule needs a name"),
    (dict(quorum=[]), "a rule needs at least one quorum clause"),
    (dict(notice_days=-1), "notice_days must be a whole number ≥ 0"),
    (dict(notice_days="3"), "notice_days must be a whole number ≥ 0"),
    (dict(citation={**rules.preset("branch_committee").citation.to_data(), "edition": 2018}),
     "citation needs an edition"),
    (dict(citation={k: v for k, v in rules.preset("branch_committee").citation.to_data().items()
                    if k != "edition"}), "citation needs an edition"),
    (dict(citation="组织法"), "citation needs an edition"),
    (dict(notice_citation={"zh_Hans": "x", "zh_Hant": "x", "en": "x", "edition": 2018}),
     "notice_citation needs an edition"),
    (dict(title="党员大会"), "title must be a mapping of languages"),
    (dict(title={"zh_Hans": "会", "en": "meeting"}), "title lacks zh_Hant"),
    (dict(title={"zh_Hans": "会", "zh_Hant": "會", "en": " "}), "wording in en is empty"),
    (dict(title={"zh_Hans": "", "zh_Hant": "會", "en": "x"}), "wording in zh_Hans is empty"),
    (dict(title={"zh_Hans": "会", "zh_Hant": 3, "en": "x"}), "wording in zh_Hant is empty"),
    (dict(note={"zh_Hans": "注"}), "note lacks zh_Hant, en"),
])
def test_rule_data_refusals(changes, detail):
    _refused(lambda: Rule.from_data(_data(**changes)), detail)


@pytest.mark.parametrize("missing", ["name", "body", "title", "quorum", "passing", "citation"])
def test_rule_data_missing_a_required_key(missing):
    data = {k: v for k, v in _data().items() if k != missing}
    _refused(lambda: Rule.from_data(data), "missing or malformed")


def test_rule_data_not_a_mapping():
    _refused(lambda: Rule.from_data(["branch_committee"]), "a rule is a mapping")
    _refused(lambda: Rule.from_data(_data(quorum=[["present", "expected", "1/2", ">="]])),
             "missing or malformed")


def test_a_stored_rule_missing_optional_keys():
    data = {k: v for k, v in rules.preset("party_members_meeting").to_data().items()
            if k not in ("notice_days", "notice_citation", "excusable", "note")}
    rule = Rule.from_data(data)
    assert rule.excusable is False  # members are not excusable unless the rule says so
    assert rule.notice_days is None and rule.notice_citation is None and rule.note is None
    assert Rule.from_data(rules.preset("party_members_meeting").to_data()).excusable is True


def test_a_rule_round_trips_its_notice_citation_and_note():
    rule = rules.preset("villagers_meeting")
    assert rule.notice_citation is not None and rule.note is not None
    data = rule.to_data()
    assert data["notice_days"] == 10 and data["notice_citation"]["edition"] == "2018"
    back = Rule.from_data(data)
    assert back.notice_citation == rule.notice_citation and back.note == rule.note


def test_wording_and_citation():
    w = Wording("村规民约", "村規民約", "village rules")
    assert str(w) == "村规民约" and w.text("zh_Hant") == "村規民約" and w.text("en") == "village rules"
    assert w.to_data() == {"zh_Hans": "村规民约", "zh_Hant": "村規民約", "en": "village rules"}
    with pytest.raises(ValueError):
        w.text("fr")
    c = Citation(w, "2023")
    assert str(c) == "村规民约" and c.text("en") == "village rules"
    assert Citation.from_data(c.to_data()) == c and c.to_data()["edition"] == "2023"
    _refused(lambda: Citation.from_data({**w.to_data(), "edition": 2023}), "citation needs an edition")
    _refused(lambda: Citation.from_data("村规民约"), "citation needs an edition")
    _refused(lambda: Wording.from_data({"zh_Hans": "x"}), "wording lacks zh_Hant, en")
    _refused(lambda: Wording.from_data(None), "wording must be a mapping of languages")


def test_counts_and_comparisons_in_words():
    assert Comparison.AT_LEAST.label() == "达到" and Comparison.MORE_THAN.label("en") == "more than"
    assert Count.HOUSEHOLDS.unit_key == Count.HOUSEHOLDS_PRESENT.unit_key == "unit_households"
    assert Count.PRESENT.unit_key == Count.MEMBERS.unit_key == "unit_people"
    att = Attendance(expected=9, present=7, households=5, households_present=4, members=12)
    assert [c.of(att) for c in Count] == [7, 9, 12, 5, 4]
    assert Count.MEMBERS.label("en") == "all members"


@pytest.mark.parametrize(("name", "lang", "words"), [
    ("villagers_meeting", "zh_Hans",
     "法定人数：实到人数超过应到人数的二分之一，或到会户数达到总户数的三分之二；通过：赞成票超过实到人数的二分之一"),
    ("villagers_meeting", "zh_Hant",
     "法定人數：實到人數超過應到人數的二分之一，或到會戶數達到總戶數的三分之二；通過：贊成票超過實到人數的二分之一"),
    ("villagers_meeting", "en",
     "quorum: those present more than 1/2 of those expected or households present at least 2/3 of "
     "all households; approvals more than 1/2 of those present"),
    ("party_members_meeting", "zh_Hans",
     "法定人数：实到人数达到应到人数的二分之一；通过：赞成票超过应到人数的二分之一"),
])
def test_rules_in_words(name, lang, words):
    assert rules.preset(name).explain_text(lang) == words


def test_four_fifths_threshold():  # 五分之四以上, as composition findings use it
    t = rules.AT_LEAST_FOUR_FIFTHS
    assert t.required(10) == 8 and t.met(8, 10) and not t.met(7, 10)
    assert t.required(11) == 9 and t.met(9, 11) and not t.met(8, 11)
    assert t.to_data() == {"share": "4/5", "comparison": ">="}


@pytest.mark.parametrize(("share", "comparison", "count", "base", "met"), [
    (Fraction(1, 2), Comparison.MORE_THAN, 5, 10, False),
    (Fraction(1, 2), Comparison.MORE_THAN, 6, 10, True),
    (Fraction(1, 2), Comparison.AT_LEAST, 5, 10, True),
    (Fraction(1, 2), Comparison.AT_LEAST, 4, 10, False),
    (Fraction(2, 3), Comparison.AT_LEAST, 2, 3, True),
    (Fraction(2, 3), Comparison.MORE_THAN, 2, 3, False),
    (Fraction(1, 3), Comparison.AT_LEAST, 1, 3, True),
    (Fraction(1, 3), Comparison.AT_LEAST, 1, 4, False),
])
def test_threshold_met_exactly(share, comparison, count, base, met):
    assert Threshold(share, comparison).met(count, base) is met


# --- Outcomes in words --------------------------------------------------------------------------

LAND = dict(expected=280, present=250, households=90, households_present=80, members=300)


def test_an_explanation_with_members_households_and_silent_members():
    out = rules.preset("land_contracting").decide(Attendance(**LAND), Tally(200, 20, 10))
    assert out.explain() == (
        "应到280人，实到250人（全体成员300人）；应到90户，实到80户。"
        "法定人数（以下条件满足其一即可）："
        "实到人数须超过应到人数的二分之一（至少141人），实为250人：已达到；"
        "到会户数须达到总户数的三分之二（至少60户），实为80户：已达到。"
        "符合法定人数，会议有效。赞成200票，反对20票，弃权10票，未表决20人。"
        "赞成票须达到全体成员人数的三分之二（至少200票）：通过。"
        "依据：《中华人民共和国农村土地承包法》第十九条、第二十八条、第五十二条；"
        "《中华人民共和国土地管理法》第六十三条。")
    en = out.explain("en")
    assert en.startswith("Expected 280, present 250 (all members 300); households 90, present 80. "
                         "Quorum (any one of these suffices): those present must be more than 1/2")
    assert ". Quorate. Approve 200, oppose 20, abstain 10, not voting 20. Approvals must be " in en
    assert en.endswith(": passed. Under Rural Land Contracting Law arts. 19, 28, 52; "
                       "Land Administration Law art. 63.")
    assert out.shortfall() is None
    assert out.quorum_lines("en") == [
        "those present must be more than 1/2 of those expected (at least 141), actual 250: met",
        "households present must be at least 2/3 of all households (at least 60), actual 80: met"]


def test_an_explanation_of_a_sitting_that_is_not_quorate():
    out = rules.preset("representatives_meeting").decide(Attendance(expected=30, present=19),
                                                         Tally(10, 2, 1))
    assert out.explain() == (
        "应到30人，实到19人。法定人数：实到人数须达到全体成员人数的三分之二（至少20人），实为19人：未达到。"
        "不足法定人数，表决无效，须休会另行召开。赞成10票，反对2票，弃权1票，未表决6人。"
        "依据：《中华人民共和国村民委员会组织法》第二十六条（2018年文本条号）。")
    assert out.explain("en") == (
        "Expected 30, present 19. Quorum: those present must be at least 2/3 of all members "
        "(at least 20), actual 19: not met. Not quorate: the vote does not count; adjourn and meet "
        "again. Approve 10, oppose 2, abstain 1, not voting 6. Under Organic Law of the Villagers' "
        "Committees of the PRC, art. 26 (article numbers of the 2018 text).")
    assert out.shortfall() == (1, "present")
    assert not out.passed and out.approval.met  # 10 of 19 would pass; no quorum, no pass


def test_a_failed_vote_says_so():
    out = rules.preset("representatives_meeting").decide(Attendance(expected=30, present=20),
                                                         Tally(10, 10, 0))
    assert out.quorate and not out.passed
    assert out.explain().endswith("赞成票须超过实到人数的二分之一（至少11票）：未通过。"
                                  "依据：《中华人民共和国村民委员会组织法》第二十六条（2018年文本条号）。")
    assert "未表决0人" in out.explain()
    assert ": not passed. Under" in out.explain("en")


@pytest.mark.parametrize(("present", "households_present", "shortfall"), [
    (590, 250, (4, "households_present")),  # 4 households away, 11 people away
    (598, 200, (3, "present")),             # 3 people away, 54 households away
    (600, 253, (1, "present")),             # both one away: the first clause
])
def test_shortfall_names_the_nearest_clause(present, households_present, shortfall):
    out = outcome("villagers_meeting", expected=1200, present=present, households=380,
                  households_present=households_present)
    assert out.shortfall() == shortfall


def test_findings_carry_their_numbers():
    out = outcome("villagers_meeting", (296, 0, 0), expected=1200, present=590, households=380,
                  households_present=254)
    people, households = out.quorum
    assert (people.counted, people.base, people.actual, people.base_value, people.required,
            people.met) == ("present", Count.EXPECTED, 590, 1200, 601, False)
    assert (households.counted, households.actual, households.base_value, households.required,
            households.met) == ("households_present", 254, 380, 254, True)
    a = out.approval
    assert (a.counted, a.base, a.actual, a.base_value, a.required, a.met) == \
        ("approve", Count.PRESENT, 296, 590, 296, True)
    assert out.quorate and out.passed
    assert out.quorum_lines()[1] == "到会户数须达到总户数的三分之二（至少254户），实为254户：已达到"


def test_decide_refuses_what_is_not_an_attendance_and_a_tally():
    rule = rules.preset("representatives_meeting")
    for att, tally in ((dict(expected=10, present=5), Tally()),
                       (Attendance(expected=10, present=5), (1, 0, 0))):
        with pytest.raises(InvalidNumbers) as info:
            rule.decide(att, tally)
        assert info.value.key == "err_bad_value" and info.value.fields["field"] == "attendance/tally"


def test_a_household_rule_without_households_names_the_rule():
    with pytest.raises(InvalidNumbers) as info:
        outcome("villagers_meeting", expected=10, present=6)
    assert info.value.key == "err_rule_needs_households"
    assert info.value.fields["rule"] == "villagers_meeting"
    with pytest.raises(InvalidNumbers) as info:  # a household count without its pair
        outcome("villagers_meeting", expected=10, present=6, households=4)
    assert info.value.key == "err_households_pair"
    # A rule without a household clause does not need them.
    assert not rules.preset("representatives_meeting").needs_households
    assert rules.preset("villagers_meeting").needs_households


def test_more_ballots_than_present_is_refused_before_deciding():
    with pytest.raises(InvalidNumbers) as info:
        outcome("representatives_meeting", (3, 2, 1), expected=10, present=5)
    assert info.value.key == "err_exceeds"
    assert outcome("representatives_meeting", (3, 1, 1), expected=10, present=5).tally.cast == 5

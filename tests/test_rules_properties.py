"""Properties of rules and tallies, checked by hypothesis against a plain Fraction reference."""

from __future__ import annotations

from collections import Counter
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from deliberate import Attendance, Choice, Tally, rules
from deliberate.rules import Comparison, Count, PassRule, QuorumClause, Rule, Threshold

PRESETS = st.sampled_from(rules.names())


@st.composite
def sittings(draw, min_expected=1):
    """An attendance and a tally that can happen."""
    members = draw(st.integers(min_expected, 3000))
    expected = draw(st.integers(min_expected, members))
    present = draw(st.integers(0, expected))
    households = draw(st.integers(1, max(1, expected)))
    households_present = draw(st.integers(0, min(households, present)))
    approve = draw(st.integers(0, present))
    oppose = draw(st.integers(0, present - approve))
    abstain = draw(st.integers(0, present - approve - oppose))
    return (Attendance(expected, present, households, households_present, members),
            Tally(approve, oppose, abstain))


def reference_met(counted: int, base: int, share: Fraction, comparison: Comparison) -> bool:
    """The statute read literally with Fractions.

    With a base of zero (nobody present), "at least a share of nobody" holds vacuously and "more
    than a share of nobody" cannot; every quorum has a positive share of a base of at least one,
    so a sitting with nobody present is never quorate and this never passes a motion.
    """
    if base == 0:
        return comparison is Comparison.AT_LEAST
    ratio = Fraction(counted, base)
    return ratio > share if comparison is Comparison.MORE_THAN else ratio >= share


@given(PRESETS, sittings())
def test_outcome_agrees_with_a_fraction_reference(name, sitting):
    attendance, tally = sitting
    rule = rules.preset(name)
    out = rule.decide(attendance, tally)
    quorate = any(
        reference_met(getattr(attendance, c.counted.value), getattr(attendance, c.base.value),
                      c.threshold.share, c.threshold.comparison)
        for c in rule.quorum)
    approved = reference_met(tally.approve, getattr(attendance, rule.passing.base.value),
                             rule.passing.threshold.share, rule.passing.threshold.comparison)
    assert out.quorate is quorate
    assert out.passed is (quorate and approved)
    if attendance.present == 0:
        assert not out.quorate


@given(PRESETS, sittings(), st.sampled_from([Choice.OPPOSE, Choice.ABSTAIN, None]))
def test_one_more_approval_never_turns_a_pass_into_a_fail(name, sitting, source):
    attendance, tally = sitting
    rule = rules.preset(name)
    if not rule.decide(attendance, tally).passed:
        return
    if source is None:  # someone silent now approves
        if tally.cast == attendance.present:
            return
        more = tally.adding(Choice.APPROVE)
    else:  # someone who opposed or abstained now approves
        if tally.count(source) == 0:
            return
        more = tally.adding(source, -1).adding(Choice.APPROVE)
    # The helper really moved one ballot (a broken Tally.adding would make this vacuous).
    assert more.approve == tally.approve + 1
    assert more.cast == tally.cast + (1 if source is None else 0)
    assert rule.decide(attendance, more).passed


@given(PRESETS, sittings())
def test_one_more_person_present_never_loses_a_quorum(name, sitting):
    attendance, tally = sitting
    rule = rules.preset(name)
    if attendance.present == attendance.expected or not rule.decide(attendance, tally).quorate:
        return
    more = Attendance(attendance.expected, attendance.present + 1, attendance.households,
                      attendance.households_present, attendance.members)
    assert rule.decide(more, tally).quorate


@given(st.lists(st.sampled_from(list(Choice)), max_size=300), st.randoms())
def test_ballot_order_never_changes_a_tally(choices, random):
    shuffled = list(choices)
    random.shuffle(shuffled)
    counts = Counter(choices)
    expected = Tally(counts[Choice.APPROVE], counts[Choice.OPPOSE], counts[Choice.ABSTAIN])
    assert Tally.of(choices) == Tally.of(shuffled) == expected


@given(st.lists(st.tuples(st.integers(0, 30), st.sampled_from(list(Choice))), max_size=200))
def test_last_ballot_of_each_voter_counts(ballots):
    last = {}
    for voter, choice in ballots:
        last[voter] = choice
    tally = Tally.of_ballots(ballots)
    assert tally.cast == len(last)
    for choice in Choice:
        assert tally.count(choice) == sum(1 for c in last.values() if c is choice)


shares = st.fractions(min_value=Fraction(1, 20), max_value=1, max_denominator=20)
thresholds = st.builds(Threshold, shares, st.sampled_from(list(Comparison)))


@st.composite
def custom_rules(draw):
    clauses = draw(st.lists(st.one_of(
        st.builds(QuorumClause, st.just(Count.PRESENT),
                  st.sampled_from([Count.EXPECTED, Count.MEMBERS]), thresholds),
        st.builds(QuorumClause, st.just(Count.HOUSEHOLDS_PRESENT), st.just(Count.HOUSEHOLDS),
                  thresholds)), min_size=1, max_size=3))
    passing = PassRule(draw(st.sampled_from([Count.PRESENT, Count.EXPECTED, Count.MEMBERS])),
                       draw(thresholds))
    return rules.preset(draw(PRESETS)).replace(name="custom", quorum=tuple(clauses),
                                               passing=passing)


@settings(max_examples=200)
@given(custom_rules(), sittings())
def test_custom_rules_round_trip_and_agree_with_the_reference(rule, sitting):
    assert Rule.from_data(rule.to_data()) == rule
    attendance, tally = sitting
    out = rule.decide(attendance, tally)
    approved = reference_met(tally.approve, getattr(attendance, rule.passing.base.value),
                             rule.passing.threshold.share, rule.passing.threshold.comparison)
    assert out.passed is (out.quorate and approved)
    base = getattr(attendance, rule.passing.base.value)
    if base:  # the smallest count the reference accepts is the one the explanation quotes
        assert out.approval.required == min(
            n for n in range(0, base + 2)
            if reference_met(n, base, rule.passing.threshold.share, rule.passing.threshold.comparison))

"""The procedure table: totality over every (stage, action) pair, variants, and the diagrams."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deliberate import IllegalAction, InvalidInput, Stage
from deliberate.procedure import (
    PROCEDURES,
    REVIEWS,
    SITTING_TABLE,
    STATUTORY,
    Action,
    Procedure,
    SittingAction,
    SittingState,
    StepKind,
    sitting_next,
)

PROCS = st.sampled_from(list(PROCEDURES.values()))


@given(PROCS, st.sampled_from(list(Stage)), st.sampled_from(list(Action)))
def test_every_pair_moves_to_a_stage_of_the_procedure_or_raises(proc, stage, action):
    if (stage, action) in proc.table:
        targets = proc.targets(stage, action)
        assert targets and targets <= set(proc.stages)
        for target in targets:
            assert proc.next(stage, action, target) is target
    else:
        with pytest.raises(IllegalAction) as info:
            proc.next(stage, action)
        assert info.value.stage is stage and info.value.action is action
        assert stage.label() in str(info.value) and action.label() in str(info.value)
        assert stage.label("en") in info.value.message("en")


@given(st.sampled_from(list(SittingState)), st.sampled_from(list(SittingAction)))
def test_every_sitting_pair_moves_or_raises(state, action):
    if (state, action) in SITTING_TABLE:
        assert sitting_next(state, action) in SittingState
    else:
        with pytest.raises(IllegalAction):
            sitting_next(state, action)


@pytest.mark.parametrize("proc", PROCEDURES.values(), ids=PROCEDURES.keys())
def test_every_stage_is_reachable_and_done_is_reached(proc):
    reached, frontier = {Stage.NEW}, [Stage.NEW]
    while frontier:
        stage = frontier.pop()
        for (s, _), targets in proc.table.items():
            if s is stage:
                for t in targets - reached:
                    reached.add(t)
                    frontier.append(t)
    assert reached == set(proc.stages)


def test_terminal_stages_allow_nothing():
    for proc in PROCEDURES.values():
        assert not [pair for pair in proc.table if pair[0] in (Stage.DONE, Stage.WITHDRAWN)]


def test_statutory_steps_in_order_with_their_bodies():
    assert [(s.stage, s.number, s.rule) for s in STATUTORY.steps] == [
        (Stage.PROPOSAL, 1, "branch_committee"),
        (Stage.CONSULTATION, 2, "two_committees"),
        (Stage.REVIEW, 3, "party_members_meeting"),
        (Stage.RESOLUTION, 4, "villagers_meeting"),
        (Stage.RESOLUTION_NOTICE, 5, None),
        (Stage.IMPLEMENTATION, None, None),
        (Stage.IMPLEMENTATION_NOTICE, 6, None),
    ]


def test_variants():
    combined = PROCEDURES["combined_proposal"]
    assert combined.next(Stage.PROPOSAL, Action.ADOPT) is Stage.REVIEW
    assert combined.step(Stage.PROPOSAL).rule == "two_committees"
    township = PROCEDURES["township_review"]
    assert township.next(Stage.REVIEW, Action.ADOPT) is Stage.TOWNSHIP_REVIEW
    assert township.step(Stage.TOWNSHIP_REVIEW).kind is StepKind.EXTERNAL_REVIEW
    assert PROCEDURES["representatives"].step(Stage.RESOLUTION).rule == "representatives_meeting"
    assert PROCEDURES["land_contracting"].step(Stage.RESOLUTION).rule == "land_contracting"


@given(PROCS, st.sampled_from(list(Stage)), st.sampled_from(list(Action)))
def test_a_review_takes_a_pair_of_the_table_only_at_a_step_a_review_decides(proc, stage, action):
    step = proc.step(stage)
    reviewed = (step is not None and step.kind in REVIEWS and action in REVIEWS[step.kind].actions
                and (stage, action) in proc.table)
    assert ((stage, action) in proc.reviews) is reviewed
    if reviewed:
        for target in proc.targets(stage, action):
            assert proc.reviewed(stage, action, target) is target
    else:
        with pytest.raises(IllegalAction) as info:
            proc.reviewed(stage, action, next(iter(proc.table.get((stage, action), {None}))))
        assert info.value.stage is stage and info.value.action is action


def test_the_township_review_is_recorded_at_its_own_step_only():
    township = PROCEDURES["township_review"]
    assert township.reviews == {(Stage.TOWNSHIP_REVIEW, Action.ADOPT), (Stage.TOWNSHIP_REVIEW, Action.RETURN)}
    assert township.reviewed(Stage.TOWNSHIP_REVIEW, Action.ADOPT) is Stage.RESOLUTION
    assert township.reviewed(Stage.TOWNSHIP_REVIEW, Action.RETURN, Stage.CONSULTATION) is Stage.CONSULTATION
    # The table has adopt at a sitting step (a vote adopts), but no review may take it there.
    assert township.next(Stage.REVIEW, Action.ADOPT) is Stage.TOWNSHIP_REVIEW
    with pytest.raises(IllegalAction):
        township.reviewed(Stage.REVIEW, Action.ADOPT)
    assert not STATUTORY.reviews  # no step of the statutory procedure is decided from outside
    assert Procedure.from_data(township.to_data()).reviews == township.reviews


def test_every_review_names_whose_it_is_and_its_citation_in_three_languages():
    for review in REVIEWS.values():
        assert review.actions <= {Action.ADOPT, Action.RETURN}
        for lang in ("zh_Hans", "zh_Hant", "en"):
            assert review.by.text(lang).strip() and review.citation.text(lang).strip()


def test_returns_only_go_backwards_and_rehold_only_to_sittings():
    order = STATUTORY.stages
    for (stage, action), targets in STATUTORY.table.items():
        if action in (Action.RETURN, Action.REHOLD, Action.UPHOLD_OBJECTION) and stage is not Stage.REJECTED:
            assert all(order.index(t) < order.index(stage) for t in targets)
        if action is Action.REHOLD:
            assert all(STATUTORY.step(t).kind is StepKind.SITTING for t in targets)
    with pytest.raises(IllegalAction):
        STATUTORY.next(Stage.PROPOSAL, Action.RETURN, Stage.PROPOSAL)
    with pytest.raises(IllegalAction):
        STATUTORY.next(Stage.REVIEW, Action.RETURN, Stage.RESOLUTION)
    with pytest.raises(IllegalAction):  # several targets: one must be chosen
        STATUTORY.next(Stage.REVIEW, Action.RETURN)


@pytest.mark.parametrize("proc", PROCEDURES.values(), ids=PROCEDURES.keys())
def test_procedures_round_trip(proc):
    assert Procedure.from_data(proc.to_data()) == proc
    assert Procedure.from_data(proc.to_data()).table == proc.table


@pytest.mark.parametrize("bad", [
    {"name": "x", "title": {"zh_Hans": "x", "zh_Hant": "x", "en": "x"}, "steps": []},
    {"name": "x", "title": {"zh_Hans": "x", "zh_Hant": "x", "en": "x"},
     "steps": [{"stage": "resolution_notice", "kind": "notice"}]},
    {"name": "x", "title": {"zh_Hans": "x", "zh_Hant": "x", "en": "x"},
     "steps": [{"stage": "proposal", "kind": "sitting", "rule": "no_such_rule"}]},
    {"name": "x", "title": {"zh_Hans": "x", "zh_Hant": "x", "en": "x"},
     "steps": [{"stage": "proposal", "kind": "sitting", "rule": "branch_committee"},
               {"stage": "proposal", "kind": "sitting", "rule": "branch_committee"}]},
    {"name": "x", "steps": "nope"},
])
def test_malformed_procedures_are_refused(bad):
    with pytest.raises(InvalidInput):
        Procedure.from_data(bad)


def test_a_matter_sent_back_does_its_later_steps_again_on_every_page():
    """The timeline is one core query (the clerk's page showed the last date a step was reached,
    the public page the first): a step done shows when the matter last entered it, and a matter
    sent back to an earlier step has the steps after it to do once more."""
    from datetime import datetime, timedelta, timezone

    from deliberate.procedure import PROCEDURES, Action, Stage
    from deliberate.state import Matter, StageMark, StepStatus

    day = datetime(2026, 5, 1, 9, tzinfo=timezone(timedelta(hours=8)))
    at = [day + timedelta(days=i) for i in range(6)]
    procedure = PROCEDURES["four_deliberations_two_disclosures"]
    history = (StageMark(Stage.PROPOSAL, at[0], Action.RAISE),
               StageMark(Stage.CONSULTATION, at[1], Action.ADOPT),
               StageMark(Stage.REVIEW, at[2], Action.ADOPT),
               StageMark(Stage.CONSULTATION, at[3], Action.RETURN, "再议"),  # the members sent it back
               StageMark(Stage.REVIEW, at[4], Action.ADOPT))
    matter = Matter("m", "修路", "", procedure, Stage.REVIEW, "", "party_organisation", None, "clerk", history)
    line = {t.step.stage: t for t in matter.timeline()}
    assert [t.step for t in matter.timeline()] == list(procedure.steps)
    assert line[Stage.PROPOSAL].status is StepStatus.DONE and line[Stage.PROPOSAL].reached.at == at[0]
    assert line[Stage.CONSULTATION].status is StepStatus.DONE and line[Stage.CONSULTATION].reached.at == at[3]
    assert line[Stage.REVIEW].status is StepStatus.CURRENT and line[Stage.REVIEW].reached.at == at[4]
    assert all(line[s].status is StepStatus.TODO and line[s].reached is None
               for s in (Stage.RESOLUTION, Stage.RESOLUTION_NOTICE, Stage.IMPLEMENTATION))
    # Sent back from the review once more: the review it had passed is to do again.
    back = Matter("m", "修路", "", procedure, Stage.CONSULTATION, "", "party_organisation", None, "clerk",
                  (*history, StageMark(Stage.CONSULTATION, at[5], Action.RETURN, "再议")))
    line = {t.step.stage: t for t in back.timeline()}
    assert line[Stage.CONSULTATION].status is StepStatus.CURRENT and line[Stage.CONSULTATION].reached.at == at[5]
    assert line[Stage.REVIEW].status is StepStatus.TODO and line[Stage.REVIEW].reached is None


def test_every_procedure_has_the_party_organisation_discuss_first_as_the_2025_amendment_requires():
    """村民委员会组织法 (2025年修正): what the villagers' or representatives' meeting decides is first
    discussed by the village party organisation — the first step of every shipped procedure is a
    sitting of the branch committee (or of the two committees it leads), and the citation says
    where that comes from. A procedure that starts elsewhere is told apart."""
    from deliberate.bodies import Body
    from deliberate.procedure import PARTY_DISCUSSES_FIRST, PROCEDURES, Procedure, Step, StepKind
    from deliberate.rules.model import Wording

    for p in PROCEDURES.values():
        assert p.party_discusses_first, p.name
        assert p.steps[0].body in (Body.BRANCH_COMMITTEE, Body.TWO_COMMITTEES)
        assert p.steps[0].stage is Stage.PROPOSAL and p.steps[0].kind is StepKind.SITTING
    assert "先经村党组织研究讨论" in PARTY_DISCUSSES_FIRST.text() and PARTY_DISCUSSES_FIRST.edition == "2025"
    straight = Procedure("straight", Wording("直接表决", "直接表決", "straight"),
                         (Step(Stage.RESOLUTION, StepKind.SITTING, 4, "villagers_meeting"),))
    assert not straight.party_discusses_first

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

"""Totality at the aggregate: for a matter at every stage, every direct command is either accepted
(and moves the matter where the table says) or refused with a typed error that changes nothing; and
the dispatch tables of deliberate.village decide every command and apply every event, each by a
function named for it, in the module of its concern."""

from __future__ import annotations

import inspect
import re
from datetime import UTC, datetime, timedelta

import pytest
from helpers import CONTACTS, Village

from deliberate import DeliberateError, IllegalAction, InvalidInput, Stage, rules, village
from deliberate import commands as c
from deliberate import events as e
from deliberate.procedure import PROCEDURES, Action
from deliberate.state import EMPTY, Matter
from deliberate.village import matters, notices, requisitions, sittings, submissions, votes

STAGES = [s for s in Stage if s is not Stage.NEW]


def commands_for(v: Village, m: Matter) -> dict[Action, list]:
    """One or more concrete commands for each action a caller can ask for directly."""
    step = m.step
    rule = rules.preset(step.rule) if step and step.rule else rules.preset("branch_committee")
    meeting = v.now + timedelta(days=(rule.notice_days or 0) + 1)
    from helpers import ROSTER
    return {
        Action.AMEND_PLAN: [c.AmendPlan(m.id, "新方案", by="p1")],
        Action.CONVENE: [c.ConveneSitting("sx", rule, ROSTER.body(rule.body, meeting.date()), (m.id,),
                                          meeting, v.today, "议事厅", by="p1")],
        Action.RETURN: [c.ReturnMatter(m.id, t, "退回", by="p1") for t in m.procedure.stages]
        + [c.RecordTownshipReview(m.id, False, "退回", by="镇", return_to=t) for t in m.procedure.stages],
        Action.REHOLD: [c.RequireRehold(m.id, t, "重新议定", by="p0009") for t in m.procedure.stages],
        Action.WITHDRAW: [c.WithdrawMatter(m.id, "撤回", by="p1")],
        Action.ADOPT: [c.RecordTownshipReview(m.id, True, "审核", by="镇")],
        Action.PUBLISH_NOTICE: [c.PublishNotice(m.id, v.today, 7, CONTACTS, "村委会")],
        Action.LODGE_OBJECTION: [c.LodgeObjection(m.id, "ox", v.today + timedelta(days=1), "异议")],
        Action.ANSWER_OBJECTION: [c.AnswerObjection(m.id, "ox", v.today, "答复", False, by="p0009")],
        Action.UPHOLD_OBJECTION: [c.AnswerObjection(m.id, "ox", v.today, "成立", True, by="p0009",
                                                    return_to=t) for t in m.procedure.stages],
        Action.CLOSE_NOTICE: [c.CloseNotice(m.id, v.today + timedelta(days=60))],
        Action.RECORD_PROGRESS: [c.RecordProgress(m.id, "ex", v.today, "进展", 1)],
        Action.COMPLETE: [c.CompleteImplementation(m.id, v.today, "完成")],
    }


CASES = [(proc, stage) for proc in ("four_deliberations_two_disclosures", "township_review")
         for stage in STAGES if stage in PROCEDURES[proc].stages]


@pytest.mark.parametrize(("proc", "stage"), CASES, ids=[f"{p}-{s.value}" for p, s in CASES])
def test_every_direct_command_at_every_stage(proc, stage):
    procedure = PROCEDURES[proc]
    v = Village()
    v.to_stage("m1", stage, procedure)
    for action, cmds in commands_for(v, v.matter("m1")).items():
        for cmd in cmds:
            before, head = v.state, v.ledger.checkpoint
            target = getattr(cmd, "to", None) or getattr(cmd, "step", None) or getattr(cmd, "return_to", None)
            # A review's adopt and return are pairs of the table it may take only at its own step.
            pairs = procedure.reviews if isinstance(cmd, c.RecordTownshipReview) else procedure.table
            legal = (stage, action) in pairs and (
                target is None or target in procedure.table[stage, action])
            try:
                entries = v.ledger.handle(cmd, v.tick())
            except IllegalAction as err:
                assert not legal, (stage, action, err)
                assert v.state == before and v.ledger.checkpoint == head
                continue
            except DeliberateError as err:  # a guard: legal here, but not with these facts
                assert legal, (stage, action, err)
                assert v.state == before and v.ledger.checkpoint == head
                continue
            assert legal, (stage, action)
            assert entries
            moved = v.matter("m1").stage
            assert moved is stage or moved in procedure.table[stage, action]
            v = Village()  # start again from the same stage for the next command
            v.to_stage("m1", stage, procedure)


# --- the dispatch tables --------------------------------------------------------------------------

CONCERNS = (matters, sittings, votes, notices, submissions, requisitions)
COMMANDS = set(c.Command.__args__)
EVENTS = set(e.Event.__args__)


def _snake(cls: type) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", cls.__name__).lower()


def test_every_command_has_one_decider_and_every_event_one_applier():
    assert set(village.DECIDERS) == COMMANDS
    assert set(village.APPLIERS) == EVENTS
    assert sum(len(m.DECIDERS) for m in CONCERNS) == len(COMMANDS)  # no command in two modules
    assert sum(len(m.APPLIERS) for m in CONCERNS) == len(EVENTS)
    for m in CONCERNS:
        assert {k: village.DECIDERS[k] for k in m.DECIDERS} == dict(m.DECIDERS)
        assert {k: village.APPLIERS[k] for k in m.APPLIERS} == dict(m.APPLIERS)


def test_deciders_are_named_for_their_command_and_appliers_for_their_event():
    for kind, fn in village.DECIDERS.items():
        assert fn.__name__ == f"_{_snake(kind)}", (kind, fn.__name__)
    for kind, fn in village.APPLIERS.items():
        assert fn.__name__ == f"_{_snake(kind)}", (kind, fn.__name__)
        assert _snake(kind) in e.EVENT_TYPES  # the record's name for the event, the applier's too
    for m in (*CONCERNS, village):
        assert not hasattr(m, "_"), m.__name__


@pytest.mark.parametrize("module", CONCERNS, ids=lambda m: m.__name__)
def test_each_module_applies_the_events_its_deciders_cause(module):
    for fn in module.DECIDERS.values():
        caused = {getattr(e, n) for n in re.findall(r"\be\.([A-Z]\w+)\(", inspect.getsource(fn))} & EVENTS
        assert caused, fn.__name__
        assert caused <= set(module.APPLIERS), (fn.__name__, caused - set(module.APPLIERS))


def test_an_unknown_command_is_refused_and_dispatch_is_by_exact_class():
    now = datetime(2026, 3, 1, tzinfo=UTC)
    with pytest.raises(InvalidInput):
        village.decide(EMPTY, object(), now)

    class Raise(c.RaiseMatter):  # a lookalike is not the command: dispatch is a lookup on the class
        pass

    with pytest.raises(InvalidInput):
        village.decide(EMPTY, Raise("m1", "标题", PROCEDURES["four_deliberations_two_disclosures"], by="p1"), now)

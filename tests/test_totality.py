"""Totality at the aggregate: for a matter at every stage, every direct command is either accepted
(and moves the matter where the table says) or refused with a typed error that changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from helpers import CONTACTS, Village

from deliberate import DeliberateError, IllegalAction, Stage, rules
from deliberate import commands as c
from deliberate.procedure import PROCEDURES, Action
from deliberate.state import Matter

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
        Action.RETURN: [c.ReturnMatter(m.id, t, "退回", by="p1") for t in m.procedure.stages],
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
            legal = (stage, action) in procedure.table and (
                target is None or target in procedure.table[stage, action])
            try:
                entries = v.ledger.handle(cmd, v.tick())
            except IllegalAction as e:
                assert not legal or action is Action.ADOPT, (stage, action, e)
                assert v.state == before and v.ledger.checkpoint == head
                continue
            except DeliberateError as e:  # a guard: legal here, but not with these facts
                assert legal, (stage, action, e)
                assert v.state == before and v.ledger.checkpoint == head
                continue
            assert legal, (stage, action)
            assert entries
            moved = v.matter("m1").stage
            assert moved is stage or moved in procedure.table[stage, action]
            v = Village()  # start again from the same stage for the next command
            v.to_stage("m1", stage, procedure)

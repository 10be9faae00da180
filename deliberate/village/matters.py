"""A matter's own moves: raising it, amending its plan, returning it, withdrawing it, and the
township's review. Each decider sits beside the applier of the event it causes.

Every move is first looked up in the matter's procedure table (``procedure.next``), which raises
:class:`~deliberate.errors.IllegalAction` for a missing pair; the township's review is looked up in
the table's reviews (``procedure.reviewed``), so it is recorded only at a step a review decides.
:func:`move` is how every applier in the package moves a matter to its next stage.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from .. import commands as c
from .. import events as e
from ..chronology import Dated, Fact, local_date, not_before
from ..errors import AlreadyExists, InvalidInput
from ..procedure import Action, Procedure, Stage
from ..state import Matter, StageMark, VillageState
from ..tally import check_count
from ..values import updated as replace
from .checks import Applier, Decider, free_text, ident, idle, matter_of, of_type, since, text

__all__ = ["APPLIERS", "DECIDERS", "move", "put_matter"]


def put_matter(state: VillageState, matter: Matter) -> VillageState:
    return replace(state, matters=state.matters.set(matter.id, matter))


# The dated fact behind a move that carries no day of its own: it is dated by the record.
_MOVED_BY = {Action.ADOPT: Fact.DECISION, Action.REJECT: Fact.DECISION,
             Action.ADJOURN: Fact.DECISION, Action.RETURN: Fact.RETURN, Action.REHOLD: Fact.RETURN,
             Action.WITHDRAW: Fact.WITHDRAWAL, Action.UPHOLD_OBJECTION: Fact.ANSWER,
             Action.CLOSE_NOTICE: Fact.NOTICE_CLOSED, Action.COMPLETE: Fact.COMPLETION}


def move(matter: Matter, to: Stage, at: datetime, action: Action,
         reason: str | None = None, since: Dated | None = None, **changes: Any) -> Matter:
    if to is matter.stage:
        return replace(matter, **changes)
    # A matter that moves on is free of the sitting that held it at its old step.
    return replace(matter, stage=to, notice=None, sitting=None,
                   history=(*matter.history, StageMark(to, at, action, reason)),
                   since=since or Dated(_MOVED_BY[action], local_date(at)), **changes)


def _raise_matter(state: VillageState, cmd: c.RaiseMatter, now: datetime) -> tuple[Any, ...]:
    ident("matter", cmd.matter)
    if cmd.matter in state.matters:
        raise AlreadyExists("err_exists", kind="议题/matter", id=cmd.matter)
    proc = of_type("procedure", cmd.procedure, Procedure)
    to = proc.next(Stage.NEW, Action.RAISE)
    if cmd.amount is not None:
        check_count("amount", cmd.amount)
    return (e.MatterRaised(at=now, matter=cmd.matter, title=text("title", cmd.title, limit=500),
                           description=free_text("description", cmd.description),
                           procedure=proc, plan=free_text("plan", cmd.plan),
                           origin=ident("origin", cmd.origin), amount=cmd.amount,
                           by=ident("by", cmd.by), to_stage=to),)


def _matter_raised(state: VillageState, ev: e.MatterRaised) -> VillageState:
    return put_matter(state, Matter(
        id=ev.matter, title=ev.title, description=ev.description, procedure=ev.procedure,
        stage=ev.to_stage, plan=ev.plan, origin=ev.origin, amount=ev.amount, raised_by=ev.by,
        history=(StageMark(ev.to_stage, ev.at, Action.RAISE),),
        since=Dated(Fact.RAISED, local_date(ev.at))))


def _amend_plan(state: VillageState, cmd: c.AmendPlan, now: datetime) -> tuple[Any, ...]:
    matter = matter_of(state, cmd.matter)
    matter.procedure.next(matter.stage, Action.AMEND_PLAN)
    idle(matter)
    return (e.PlanAmended(at=now, matter=matter.id, plan=text("plan", cmd.plan),
                          by=ident("by", cmd.by)),)


def _plan_amended(state: VillageState, ev: e.PlanAmended) -> VillageState:
    return put_matter(state, replace(state.matters[ev.matter], plan=ev.plan))


def _return_matter(state: VillageState, cmd: c.ReturnMatter, now: datetime) -> tuple[Any, ...]:
    matter = matter_of(state, cmd.matter)
    to = matter.procedure.next(matter.stage, Action.RETURN, of_type("to", cmd.to, Stage))
    idle(matter)
    return (e.MatterReturned(at=now, matter=matter.id, action=Action.RETURN, to_stage=to,
                             reason=text("reason", cmd.reason), by=ident("by", cmd.by)),)


def _require_rehold(state: VillageState, cmd: c.RequireRehold, now: datetime) -> tuple[Any, ...]:
    matter = matter_of(state, cmd.matter)
    to = matter.procedure.next(matter.stage, Action.REHOLD, of_type("step", cmd.step, Stage))
    idle(matter)
    return (e.MatterReturned(at=now, matter=matter.id, action=Action.REHOLD, to_stage=to,
                             reason=text("reason", cmd.reason), by=ident("by", cmd.by)),)


def _matter_returned(state: VillageState, ev: e.MatterReturned) -> VillageState:
    return put_matter(state, move(state.matters[ev.matter], ev.to_stage, ev.at, ev.action, ev.reason))


def _withdraw_matter(state: VillageState, cmd: c.WithdrawMatter, now: datetime) -> tuple[Any, ...]:
    matter = matter_of(state, cmd.matter)
    to = matter.procedure.next(matter.stage, Action.WITHDRAW)
    idle(matter)
    return (e.MatterWithdrawn(at=now, matter=matter.id, reason=text("reason", cmd.reason),
                              by=ident("by", cmd.by), to_stage=to),)


def _matter_withdrawn(state: VillageState, ev: e.MatterWithdrawn) -> VillageState:
    return put_matter(state, move(state.matters[ev.matter], ev.to_stage, ev.at, Action.WITHDRAW,
                                  ev.reason))


def _record_township_review(state: VillageState, cmd: c.RecordTownshipReview,
                            now: datetime) -> tuple[Any, ...]:
    matter = matter_of(state, cmd.matter)
    if of_type("approved", cmd.approved, bool):
        action = Action.ADOPT
    else:
        if cmd.return_to is None:
            raise InvalidInput("err_upheld_needs_step")
        action = Action.RETURN
    # ADOPT and RETURN exist at sitting steps too; the table's reviews say where a review may
    # take them (only at a step a review decides).
    to = matter.procedure.reviewed(matter.stage, action, cmd.return_to if not cmd.approved else None)
    # The review is dated by the record: it cannot be dated before the sitting it reviews.
    not_before(Fact.TOWNSHIP_REVIEW, local_date(now), since(state, matter))
    return (e.TownshipReviewed(at=now, matter=matter.id, approved=cmd.approved,
                               reference=text("reference", cmd.reference, limit=500),
                               by=ident("by", cmd.by), to_stage=to),)


def _township_reviewed(state: VillageState, ev: e.TownshipReviewed) -> VillageState:
    action = Action.ADOPT if ev.approved else Action.RETURN
    return put_matter(state, move(state.matters[ev.matter], ev.to_stage, ev.at, action,
                                  ev.reference, Dated(Fact.TOWNSHIP_REVIEW, local_date(ev.at))))


DECIDERS: Mapping[type, Decider] = {
    c.RaiseMatter: _raise_matter,
    c.AmendPlan: _amend_plan,
    c.ReturnMatter: _return_matter,
    c.RequireRehold: _require_rehold,
    c.WithdrawMatter: _withdraw_matter,
    c.RecordTownshipReview: _record_township_review,
}
APPLIERS: Mapping[type, Applier] = {
    e.MatterRaised: _matter_raised,
    e.PlanAmended: _plan_amended,
    e.MatterReturned: _matter_returned,
    e.MatterWithdrawn: _matter_withdrawn,
    e.TownshipReviewed: _township_reviewed,
}

"""A sitting's life outside its votes: convening it, check-in and check-out, tellers, opening,
minutes, adjourning and closing. Each decider sits beside the applier of the event it causes.

Every sitting command is first looked up in the sitting's table (``sitting_next``), which raises
:class:`~deliberate.errors.IllegalAction` for a missing pair; convening also looks each matter on the
agenda up in its procedure's table. The guards here are the facts: the body and its roster, the
notice, who is present, who counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from .. import commands as c
from .. import events as e
from ..convening import check_notice
from ..errors import AlreadyExists, InvalidInput, NotEligible, ProcedureError, TellerError, WrongBody, WrongRule
from ..periods import HolidayCalendar
from ..procedure import Action, SittingAction, SittingState, StepKind, sitting_next
from ..rules.model import Rule
from ..state import Minutes, Sitting, VillageState
from ..values import updated as replace
from .checks import (
    Applier,
    Decider,
    aware,
    ident,
    matter_of,
    of_type,
    sha256,
    sitting_of,
    text,
    voter_counts,
    within_present,
)

__all__ = ["APPLIERS", "DECIDERS", "put_sitting"]


def put_sitting(state: VillageState, sitting: Sitting) -> VillageState:
    return replace(state, sittings=state.sittings.set(sitting.id, sitting))


def _convene_sitting(state: VillageState, cmd: c.ConveneSitting, now: datetime) -> tuple[Any, ...]:
    ident("sitting", cmd.sitting)
    if cmd.sitting in state.sittings:
        raise AlreadyExists("err_exists", kind="会议/sitting", id=cmd.sitting)
    rule = of_type("rule", cmd.rule, Rule)
    roster = cmd.roster
    if getattr(roster, "body", None) is not rule.body:
        raise InvalidInput("err_bad_value", field="roster", detail="the roster is for another body")
    if roster.excused and not rule.excusable:
        raise InvalidInput("err_not_excusable", body=rule.body)
    agenda = tuple(of_type("agenda", cmd.agenda, tuple))
    if not agenda or len(set(agenda)) != len(agenda):
        raise InvalidInput("err_bad_value", field="agenda", detail="one or more distinct matters")
    of_type("scheduled_for", cmd.scheduled_for, datetime)
    aware(cmd.scheduled_for)
    stages = []
    for matter_id in agenda:
        matter = matter_of(state, matter_id)
        matter.procedure.next(matter.stage, Action.CONVENE)
        step = matter.step
        assert step is not None and step.kind is StepKind.SITTING  # the table allows CONVENE
        needed = step.decides_by
        if step.body is not rule.body:
            raise WrongBody("err_wrong_body", stage=matter.stage, needed=step.body, body=rule.body,
                            needed_rule=needed.name, rule=rule.name)
        if rule != needed:
            # The same body under another quorum, majority or notice is not the law's sitting
            # (a land matter under the plain villagers' rule, or a tenth and no notice).
            raise WrongRule("err_wrong_rule", stage=matter.stage, needed=needed.title,
                            rule=rule.title, needed_rule=needed.name, rule_name=rule.name)
        if matter.sitting is not None:
            raise ProcedureError("err_matter_busy", matter=matter.id, sitting=matter.sitting)
        stages.append(matter.stage)
    if roster.on != cmd.scheduled_for.date():
        # Who is expected is counted on the meeting's day (RULES.md: the roster snapshot).
        raise InvalidInput("err_roster_date", roster_date=roster.on.isoformat(),
                           meeting_date=cmd.scheduled_for.date().isoformat())
    extended_by = cmd.notice_extended_by
    if extended_by is not None:
        of_type("notice_extended_by", extended_by, HolidayCalendar)
    check_notice(rule, cmd.notice_date, cmd.scheduled_for.date(), extended_by)
    return (e.SittingConvened(at=now, sitting=cmd.sitting, body=rule.body, rule=rule,
                              roster=roster, agenda=agenda, stages=tuple(stages),
                              scheduled_for=cmd.scheduled_for, notice_date=cmd.notice_date,
                              place=text("place", cmd.place, limit=500),
                              by=ident("by", cmd.by)),)


def _sitting_convened(state: VillageState, ev: e.SittingConvened) -> VillageState:
    sitting = Sitting(id=ev.sitting, body=ev.body, rule=ev.rule, roster=ev.roster,
                      agenda=ev.agenda, stages=ev.stages, scheduled_for=ev.scheduled_for,
                      notice_date=ev.notice_date, place=ev.place, convened_by=ev.by,
                      convened_at=ev.at)
    matters = state.matters
    for m in ev.agenda:
        matters = matters.set(m, replace(matters[m], sitting=ev.sitting))
    return replace(state, matters=matters, sittings=state.sittings.set(ev.sitting, sitting))


def _check_in(state: VillageState, cmd: c.CheckIn, now: datetime) -> tuple[Any, ...]:
    sitting = sitting_of(state, cmd.sitting)
    sitting_next(sitting.state, SittingAction.CHECK_IN)
    if cmd.person not in sitting.roster.attendees:
        raise NotEligible("err_not_attendee", person=cmd.person)
    if cmd.person in sitting.present:
        raise NotEligible("err_already_present", person=cmd.person)
    return (e.CheckedIn(at=now, sitting=sitting.id, person=cmd.person),)


def _checked_in(state: VillageState, ev: e.CheckedIn) -> VillageState:
    s = state.sittings[ev.sitting]
    roster, person = s.roster, ev.person
    changes: dict[str, Any] = {"present": s.present.set(person, True)}
    if person in roster.voters:
        changes["voters_present"] = s.voters_present + 1
        household = roster.households.get(person)
        if household is not None:
            changes["household_counts"] = s.household_counts.set(
                household, s.household_counts.get(household, 0) + 1)
        if person in roster.excused and person not in s.returned:
            changes["returned"] = s.returned | {person}  # came after all: counts as expected
    return put_sitting(state, replace(s, **changes))


def _check_out(state: VillageState, cmd: c.CheckOut, now: datetime) -> tuple[Any, ...]:
    sitting = sitting_of(state, cmd.sitting)
    sitting_next(sitting.state, SittingAction.CHECK_OUT)
    if cmd.person not in sitting.present:
        raise NotEligible("err_not_present", person=cmd.person)
    vote = state.votes.get(sitting.id)
    if vote is not None and cmd.person in sitting.roster.voters:
        if cmd.person in vote.voters:
            # Their ballot was taken while they were present; it stands, and so does their presence
            # until the vote closes, so ballots never exceed those present.
            raise NotEligible("err_voted_cannot_leave", person=cmd.person)
        within_present(*voter_counts(vote), sitting.voters_present - 1)
    return (e.CheckedOut(at=now, sitting=sitting.id, person=cmd.person),)


def _checked_out(state: VillageState, ev: e.CheckedOut) -> VillageState:
    s = state.sittings[ev.sitting]
    roster, person = s.roster, ev.person
    changes: dict[str, Any] = {"present": s.present.delete(person)}
    if person in roster.voters:
        changes["voters_present"] = s.voters_present - 1
        household = roster.households.get(person)
        if household is not None:
            left = s.household_counts[household] - 1
            changes["household_counts"] = (s.household_counts.set(household, left) if left
                                           else s.household_counts.delete(household))
    return put_sitting(state, replace(s, **changes))


def _appoint_tellers(state: VillageState, cmd: c.AppointTellers, now: datetime) -> tuple[Any, ...]:
    sitting = sitting_of(state, cmd.sitting)
    sitting_next(sitting.state, SittingAction.APPOINT_TELLERS)
    vote = state.open_vote(sitting.id)
    if vote is not None and (vote.cards is not None or vote.cards_seal is not None):
        # Up to the first card count the tellers can be fixed; after it, the count was entered
        # (and perhaps confirmed) by the tellers of record, and changing them would leave a count
        # nobody appointed stands behind.
        raise TellerError("err_tellers_after_count")
    counters = tuple(ident("counters", p) for p in of_type("counters", cmd.counters, tuple))
    scrutineers = tuple(ident("scrutineers", p)
                        for p in of_type("scrutineers", cmd.scrutineers, tuple))
    if not counters or not scrutineers:
        raise InvalidInput("err_empty", field="counters/scrutineers")
    if set(counters) & set(scrutineers):
        raise TellerError("err_same_teller")
    return (e.TellersAppointed(at=now, sitting=sitting.id, counters=counters,
                               scrutineers=scrutineers),)


def _tellers_appointed(state: VillageState, ev: e.TellersAppointed) -> VillageState:
    s = state.sittings[ev.sitting]
    return put_sitting(state, replace(s, counters=ev.counters, scrutineers=ev.scrutineers))


def _open_sitting(state: VillageState, cmd: c.OpenSitting, now: datetime) -> tuple[Any, ...]:
    sitting = sitting_of(state, cmd.sitting)
    sitting_next(sitting.state, SittingAction.OPEN)
    return (e.SittingOpened(at=now, sitting=sitting.id, by=ident("by", cmd.by)),)


def _sitting_opened(state: VillageState, ev: e.SittingOpened) -> VillageState:
    s = state.sittings[ev.sitting]
    return put_sitting(state, replace(s, state=SittingState.IN_SESSION, opened_at=ev.at))


def _record_minutes(state: VillageState, cmd: c.RecordMinutes, now: datetime) -> tuple[Any, ...]:
    sitting = sitting_of(state, cmd.sitting)
    sitting_next(sitting.state, SittingAction.RECORD_MINUTES)
    if (cmd.recording_ref is None) != (cmd.recording_sha256 is None):
        raise InvalidInput("err_recording_pair")
    if cmd.recording_sha256 is not None:
        sha256("recording_sha256", cmd.recording_sha256)
    speakers = tuple(text("speakers", s, limit=200)
                     for s in of_type("speakers", cmd.speakers, tuple))
    return (e.MinutesRecorded(at=now, sitting=sitting.id, clerk=ident("clerk", cmd.clerk),
                              summary=text("summary", cmd.summary), speakers=speakers,
                              recording_ref=text("recording_ref", cmd.recording_ref, limit=1000,
                                                 optional=True),
                              recording_sha256=cmd.recording_sha256),)


def _minutes_recorded(state: VillageState, ev: e.MinutesRecorded) -> VillageState:
    s = state.sittings[ev.sitting]
    minutes = Minutes(ev.at, ev.clerk, ev.summary, ev.speakers, ev.recording_ref,
                      ev.recording_sha256)
    return put_sitting(state, replace(s, minutes=(*s.minutes, minutes)))


def _end_sitting(village: VillageState, sitting_id: str, **changes: Any) -> VillageState:
    s = village.sittings[sitting_id]
    matters = village.matters
    for m in s.agenda:
        if matters[m].sitting == s.id:
            matters = matters.set(m, replace(matters[m], sitting=None))
    return replace(village, matters=matters,
                   sittings=village.sittings.set(s.id, replace(s, **changes)))


def _adjourn_sitting(state: VillageState, cmd: c.AdjournSitting, now: datetime) -> tuple[Any, ...]:
    sitting = sitting_of(state, cmd.sitting)
    sitting_next(sitting.state, SittingAction.ADJOURN)
    return (e.SittingAdjourned(at=now, sitting=sitting.id,
                               reason=text("reason", cmd.reason, limit=2000)),)


def _sitting_adjourned(state: VillageState, ev: e.SittingAdjourned) -> VillageState:
    return _end_sitting(state, ev.sitting, state=SittingState.ADJOURNED, ended_at=ev.at,
                        adjourn_reason=ev.reason)


def _close_sitting(state: VillageState, cmd: c.CloseSitting, now: datetime) -> tuple[Any, ...]:
    sitting = sitting_of(state, cmd.sitting)
    sitting_next(sitting.state, SittingAction.CLOSE)
    return (e.SittingClosed(at=now, sitting=sitting.id),)


def _sitting_closed(state: VillageState, ev: e.SittingClosed) -> VillageState:
    return _end_sitting(state, ev.sitting, state=SittingState.CLOSED, ended_at=ev.at)


DECIDERS: Mapping[type, Decider] = {
    c.ConveneSitting: _convene_sitting,
    c.CheckIn: _check_in,
    c.CheckOut: _check_out,
    c.AppointTellers: _appoint_tellers,
    c.OpenSitting: _open_sitting,
    c.RecordMinutes: _record_minutes,
    c.AdjournSitting: _adjourn_sitting,
    c.CloseSitting: _close_sitting,
}
APPLIERS: Mapping[type, Applier] = {
    e.SittingConvened: _sitting_convened,
    e.CheckedIn: _checked_in,
    e.CheckedOut: _checked_out,
    e.TellersAppointed: _tellers_appointed,
    e.SittingOpened: _sitting_opened,
    e.MinutesRecorded: _minutes_recorded,
    e.SittingAdjourned: _sitting_adjourned,
    e.SittingClosed: _sitting_closed,
}

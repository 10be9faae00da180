"""The steps after the vote: public notices with their objection windows, objections and their
answers, and the implementation's progress and completion. Each decider sits beside the applier
of the event it causes.

Every command is first looked up in the matter's procedure table; the guards are the dates (a
notice period, an objection inside it, nothing dated before what it follows or after today) and
the objections still waiting for an answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from .. import commands as c
from .. import events as e
from ..chronology import Dated, Fact, check_day, local_date, not_after_today, not_before
from ..errors import AlreadyExists, InvalidInput, NotFound, NoticeError
from ..periods import Period, notice_period
from ..procedure import Action
from ..state import Matter, Notice, Objection, Progress, VillageState
from ..tally import check_count
from ..values import updated as replace
from .checks import Applier, Decider, ident, idle, matter_of, of_type, sha256, since, text
from .matters import move, put_matter

__all__ = ["APPLIERS", "DECIDERS"]


def _current_notice(matter: Matter) -> Notice:
    if matter.notice is None:
        raise NoticeError("err_no_notice")
    return matter.notice


def _publish_notice(state: VillageState, cmd: c.PublishNotice, now: datetime) -> tuple[Any, ...]:
    matter = matter_of(state, cmd.matter)
    matter.procedure.next(matter.stage, Action.PUBLISH_NOTICE)
    if matter.notice is not None:
        raise NoticeError("err_notice_exists")
    posted = check_day("published_on", cmd.published_on)
    not_before(Fact.NOTICE_POSTED, posted, since(state, matter))
    not_after_today(Fact.NOTICE_POSTED, posted, now)
    # Objections on paper count from the day after the posting; online, the public sees the notice
    # only once it is recorded, so a notice recorded late still runs its full period from that day.
    period = notice_period(max(posted, local_date(now)), cmd.days, cmd.calendar)
    return (e.NoticePublished(at=now, matter=matter.id, stage=matter.stage,
                              published_on=posted, first=posted + timedelta(days=1),
                              last=period.last, contacts=text("contacts", cmd.contacts),
                              issued_by=text("issued_by", cmd.issued_by, limit=500)),)


def _notice_published(state: VillageState, ev: e.NoticePublished) -> VillageState:
    m = state.matters[ev.matter]
    notice = Notice(ev.stage, ev.published_on, Period(ev.first, ev.last), ev.contacts,
                    ev.issued_by, len(m.notices) + 1, local_date(ev.at))
    return put_matter(state, replace(m, notice=notice, notices=(*m.notices, notice)))


def _lodge_objection(state: VillageState, cmd: c.LodgeObjection, now: datetime) -> tuple[Any, ...]:
    matter = matter_of(state, cmd.matter)
    matter.procedure.next(matter.stage, Action.LODGE_OBJECTION)
    notice = _current_notice(matter)
    ident("objection", cmd.objection)
    if matter.objection(cmd.objection) is not None:
        raise AlreadyExists("err_exists", kind="异议/objection", id=cmd.objection)
    not_after_today(Fact.OBJECTION, check_day("lodged_on", cmd.lodged_on), now)
    if cmd.lodged_on not in notice.period:
        raise NoticeError("err_outside_period", on=cmd.lodged_on, first=notice.period.first,
                          last=notice.period.last)
    return (e.ObjectionLodged(at=now, matter=matter.id, objection=cmd.objection,
                              lodged_on=cmd.lodged_on, text=text("text", cmd.text, limit=5000)),)


def _objection_lodged(state: VillageState, ev: e.ObjectionLodged) -> VillageState:
    m = state.matters[ev.matter]
    assert m.notice is not None
    objection = Objection(ev.objection, m.notice.number, m.stage, ev.lodged_on, ev.text)
    return put_matter(state, replace(m, objections=(*m.objections, objection)))


def _answer_objection(state: VillageState, cmd: c.AnswerObjection, now: datetime) -> tuple[Any, ...]:
    matter = matter_of(state, cmd.matter)
    if of_type("upheld", cmd.upheld, bool):
        if cmd.return_to is None:
            raise InvalidInput("err_upheld_needs_step")
        to = matter.procedure.next(matter.stage, Action.UPHOLD_OBJECTION, cmd.return_to)
    else:
        to = matter.procedure.next(matter.stage, Action.ANSWER_OBJECTION)
    objection = matter.objection(cmd.objection)
    if objection is None or objection.stage is not matter.stage:
        raise NotFound("err_unknown", kind="异议/objection", id=cmd.objection)
    if not objection.pending:
        raise NoticeError("err_objection_answered", id=cmd.objection)
    idle(matter)
    answered_on = check_day("answered_on", cmd.answered_on)
    not_before(Fact.ANSWER, answered_on, Dated(Fact.OBJECTION, objection.lodged_on))
    not_after_today(Fact.ANSWER, answered_on, now)
    return (e.ObjectionAnswered(at=now, matter=matter.id, objection=objection.id,
                                answered_on=answered_on,
                                answer=text("answer", cmd.answer, limit=5000),
                                upheld=cmd.upheld, by=ident("by", cmd.by), to_stage=to),)


def _objection_answered(state: VillageState, ev: e.ObjectionAnswered) -> VillageState:
    m = state.matters[ev.matter]
    objections = tuple(
        replace(o, answered_on=ev.answered_on, answer=ev.answer, upheld=ev.upheld, by=ev.by)
        if o.id == ev.objection else o for o in m.objections)
    action = Action.UPHOLD_OBJECTION if ev.upheld else Action.ANSWER_OBJECTION
    return put_matter(state, move(m, ev.to_stage, ev.at, action, ev.answer,
                                  Dated(Fact.ANSWER, ev.answered_on), objections=objections))


def _close_notice(state: VillageState, cmd: c.CloseNotice, now: datetime) -> tuple[Any, ...]:
    matter = matter_of(state, cmd.matter)
    to = matter.procedure.next(matter.stage, Action.CLOSE_NOTICE)
    notice = _current_notice(matter)
    on = check_day("on", cmd.on)
    not_after_today(Fact.NOTICE_CLOSED, on, now)
    if not notice.period.over_on(on):
        raise NoticeError("err_period_running", last=notice.period.last, on=on)
    pending = matter.pending_objections()
    if pending:
        raise NoticeError("err_objections_pending", count=len(pending))
    return (e.NoticeClosed(at=now, matter=matter.id, on=on, to_stage=to),)


def _notice_closed(state: VillageState, ev: e.NoticeClosed) -> VillageState:
    return put_matter(state, move(state.matters[ev.matter], ev.to_stage, ev.at,
                                  Action.CLOSE_NOTICE, since=Dated(Fact.NOTICE_CLOSED, ev.on)))


def _record_progress(state: VillageState, cmd: c.RecordProgress, now: datetime) -> tuple[Any, ...]:
    matter = matter_of(state, cmd.matter)
    matter.procedure.next(matter.stage, Action.RECORD_PROGRESS)
    ident("entry", cmd.entry)
    if any(p.entry == cmd.entry for p in matter.progress):
        raise AlreadyExists("err_exists", kind="进展/progress", id=cmd.entry)
    on = check_day("on", cmd.on)
    not_before(Fact.PROGRESS, on, since(state, matter))
    not_after_today(Fact.PROGRESS, on, now)
    check_count("spent", cmd.spent)
    attachments = of_type("attachments", cmd.attachments, tuple)
    for a in attachments:
        of_type("attachment", a, c.Attachment)
        text("attachment.name", a.name, limit=500)
        sha256("attachment.sha256", a.sha256)
    return (e.ProgressRecorded(at=now, matter=matter.id, entry=cmd.entry, on=on,
                               description=text("description", cmd.description),
                               spent=cmd.spent, attachments=attachments),)


def _progress_recorded(state: VillageState, ev: e.ProgressRecorded) -> VillageState:
    m = state.matters[ev.matter]
    entry = Progress(ev.entry, ev.on, ev.description, ev.spent, ev.attachments)
    return put_matter(state, replace(m, progress=(*m.progress, entry)))


def _complete_implementation(state: VillageState, cmd: c.CompleteImplementation,
                             now: datetime) -> tuple[Any, ...]:
    matter = matter_of(state, cmd.matter)
    to = matter.procedure.next(matter.stage, Action.COMPLETE)
    on = check_day("on", cmd.on)
    not_before(Fact.COMPLETION, on, since(state, matter))
    if matter.progress:
        not_before(Fact.COMPLETION, on, Dated(Fact.PROGRESS, max(p.on for p in matter.progress)))
    not_after_today(Fact.COMPLETION, on, now)
    return (e.ImplementationCompleted(at=now, matter=matter.id, on=on,
                                      summary=text("summary", cmd.summary), to_stage=to),)


def _implementation_completed(state: VillageState, ev: e.ImplementationCompleted) -> VillageState:
    return put_matter(state, move(state.matters[ev.matter], ev.to_stage, ev.at,
                                  Action.COMPLETE, since=Dated(Fact.COMPLETION, ev.on),
                                  completed_on=ev.on, completion=ev.summary))


DECIDERS: Mapping[type, Decider] = {
    c.PublishNotice: _publish_notice,
    c.LodgeObjection: _lodge_objection,
    c.AnswerObjection: _answer_objection,
    c.CloseNotice: _close_notice,
    c.RecordProgress: _record_progress,
    c.CompleteImplementation: _complete_implementation,
}
APPLIERS: Mapping[type, Applier] = {
    e.NoticePublished: _notice_published,
    e.ObjectionLodged: _objection_lodged,
    e.ObjectionAnswered: _objection_answered,
    e.NoticeClosed: _notice_closed,
    e.ProgressRecorded: _progress_recorded,
    e.ImplementationCompleted: _implementation_completed,
}

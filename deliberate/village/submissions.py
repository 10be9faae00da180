"""Villagers' submissions (民情): lodging one, taking it up as a matter, answering it. Each decider
sits beside the applier of the event it causes.

A submission is settled once — taken up or answered — and never before the day it was received.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from .. import commands as c
from .. import events as e
from ..errors import AlreadyExists, InvalidInput, NotFound
from ..state import Submission, VillageState
from ..submission import Channel, SubmissionStatus
from ..values import updated as replace
from .checks import Applier, Decider, ident, matter_of, of_type, text
from .matters import put_matter

__all__ = ["APPLIERS", "DECIDERS"]


def _received(state: VillageState, submission: object) -> Submission:
    found = state.submissions.get(submission) if isinstance(submission, str) else None
    if found is None:
        raise NotFound("err_unknown", kind="民情/submission", id=submission)
    if found.status is not SubmissionStatus.RECEIVED:
        raise AlreadyExists("err_submission_settled", id=found.id,
                            status=found.status)
    return found


def _put_submission(state: VillageState, submission: Submission) -> VillageState:
    return replace(state, submissions=state.submissions.set(submission.id, submission))


def _lodge_submission(state: VillageState, cmd: c.LodgeSubmission, now: datetime) -> tuple[Any, ...]:
    ident("submission", cmd.submission)
    if cmd.submission in state.submissions:
        raise AlreadyExists("err_exists", kind="民情/submission", id=cmd.submission)
    channel = of_type("channel", cmd.channel, Channel)
    recorded_by = text("recorded_by", cmd.recorded_by, limit=200, optional=True)
    if (channel is Channel.CLERK) != (recorded_by is not None):
        # Whoever took a submission down answers for it; one sent online names no clerk.
        raise InvalidInput("err_recorded_by", channel=channel)
    return (e.SubmissionLodged(at=now, submission=cmd.submission,
                               received_on=of_type("received_on", cmd.received_on, date),
                               text=text("text", cmd.text, limit=5000), channel=channel,
                               recorded_by=recorded_by),)


def _submission_lodged(state: VillageState, ev: e.SubmissionLodged) -> VillageState:
    return _put_submission(state, Submission(ev.submission, ev.received_on, ev.text, ev.channel,
                                             ev.recorded_by))


def _take_up_submission(state: VillageState, cmd: c.TakeUpSubmission, now: datetime) -> tuple[Any, ...]:
    submission = _received(state, cmd.submission)
    matter = matter_of(state, cmd.matter)
    on = of_type("on", cmd.on, date)
    if on < submission.received_on:
        raise InvalidInput("err_before_received", on=on, received=submission.received_on)
    return (e.SubmissionTakenUp(at=now, submission=submission.id, matter=matter.id, on=on,
                                by=ident("by", cmd.by)),)


def _submission_taken_up(state: VillageState, ev: e.SubmissionTakenUp) -> VillageState:
    m = state.matters[ev.matter]
    state = put_matter(state, replace(m, submissions=(*m.submissions, ev.submission)))
    return _put_submission(state, replace(
        state.submissions[ev.submission], status=SubmissionStatus.TAKEN_UP, matter=ev.matter,
        settled_on=ev.on, by=ev.by))


def _answer_submission(state: VillageState, cmd: c.AnswerSubmission, now: datetime) -> tuple[Any, ...]:
    submission = _received(state, cmd.submission)
    on = of_type("answered_on", cmd.answered_on, date)
    if on < submission.received_on:
        raise InvalidInput("err_before_received", on=on, received=submission.received_on)
    return (e.SubmissionAnswered(at=now, submission=submission.id, answered_on=on,
                                 answer=text("answer", cmd.answer, limit=5000),
                                 by=ident("by", cmd.by)),)


def _submission_answered(state: VillageState, ev: e.SubmissionAnswered) -> VillageState:
    return _put_submission(state, replace(
        state.submissions[ev.submission], status=SubmissionStatus.ANSWERED,
        settled_on=ev.answered_on, answer=ev.answer, by=ev.by))


DECIDERS: Mapping[type, Decider] = {
    c.LodgeSubmission: _lodge_submission,
    c.TakeUpSubmission: _take_up_submission,
    c.AnswerSubmission: _answer_submission,
}
APPLIERS: Mapping[type, Applier] = {
    e.SubmissionLodged: _submission_lodged,
    e.SubmissionTakenUp: _submission_taken_up,
    e.SubmissionAnswered: _submission_answered,
}

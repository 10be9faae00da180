"""Deciding and applying: ``decide(state, command, now) -> events``, ``evolve(state, event) -> state``.

``decide`` is where every rule of the procedure is enforced. It first looks the (stage, action) or
(sitting state, action) pair up in :mod:`deliberate.procedure`'s tables — a missing pair raises
:class:`~deliberate.errors.IllegalAction` naming both — and then checks the guards that depend on
the facts: the body, the notice, the quorum, who may vote, whether counts exceed those present.
It never changes anything: a refused command leaves the state exactly as it was. ``evolve`` applies
an accepted event and trusts it; ``replay`` folds a whole record.

>>> from datetime import datetime, timezone
>>> from deliberate.commands import RaiseMatter
>>> from deliberate.procedure import STATUTORY
>>> now = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)
>>> events = decide(EMPTY, RaiseMatter("m1", "修建骨灰楼", STATUTORY, by="支部书记"), now)
>>> state = evolve(EMPTY, events[0])
>>> state.matters["m1"].stage
<Stage.PROPOSAL: 'proposal'>
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from enum import Enum
from typing import Any

from . import commands as c
from . import events as e
from .chronology import Dated, Fact, check_day, local_date, not_after_today, not_before
from .codec import canonical, encode
from .convening import check_notice
from .errors import (
    AlreadyExists,
    BallotBoxMismatch,
    BallotError,
    CountExceedsPresent,
    IllegalAction,
    InvalidInput,
    NotEligible,
    NotFound,
    NoticeError,
    NotQuorate,
    ProcedureError,
    TellerError,
    WrongBody,
)
from .i18n import DEFAULT_LANG, LANGS, check_lang
from .periods import Period, notice_period
from .procedure import Action, Procedure, SittingAction, SittingState, Stage, StepKind, sitting_next
from .rules.model import Rule
from .state import (
    EMPTY,
    Matter,
    Minutes,
    Notice,
    Objection,
    Progress,
    Sitting,
    StageMark,
    Submission,
    VillageState,
    Vote,
    VoteResult,
    change_code_digest,
)
from .submission import Channel, SubmissionStatus
from .tally import Choice, Tally, check_count
from .values import printable
from .values import updated as replace

__all__ = ["EMPTY", "TellerRole", "VillageState", "card_seal", "chained", "change_code_digest", "decide", "evolve",
           "receipts_digest", "replay"]

_MAX_TEXT = 20_000
_SHA256 = re.compile(r"[0-9a-f]{64}")


# --- small checks -----------------------------------------------------------------------------

def _text(field: str, value: object, *, limit: int = _MAX_TEXT, optional: bool = False) -> str:
    if optional and value is None:
        return value  # type: ignore[return-value]
    if not isinstance(value, str):
        raise InvalidInput("err_bad_value", field=field, detail=f"{value!r} is not text")
    if not value.strip():
        raise InvalidInput("err_empty", field=field)
    if len(value) > limit:
        raise InvalidInput("err_bad_value", field=field, detail=f"longer than {limit} characters")
    return _printable(field, value)


def _free_text(field: str, value: object) -> str:
    """Text that may be empty (a description, a first plan)."""
    if not isinstance(value, str) or len(value) > _MAX_TEXT:
        raise InvalidInput("err_bad_value", field=field, detail="text up to 20,000 characters")
    return _printable(field, value)


def _printable(field: str, value: str) -> str:
    # No control characters (NUL cannot be stored in PostgreSQL's text) and no bidirectional
    # controls: nothing in a notice anyone reads may hide or reorder what it says.
    return printable(field, value)


def _ident(field: str, value: object) -> str:
    return _text(field, value, limit=200)


def _now(now: object) -> datetime:
    if not isinstance(now, datetime) or now.tzinfo is None:
        raise InvalidInput("err_naive_time", value=now)
    return now


def _sha256(field: str, value: object) -> str:
    if not isinstance(value, str) or not _SHA256.fullmatch(value):
        raise InvalidInput("err_sha256", field=field)
    return value


def _isinstance(field: str, value: object, kind: type | tuple[type, ...]) -> Any:
    if not isinstance(value, kind):
        raise InvalidInput("err_bad_value", field=field, detail=f"{value!r}")
    return value


def _matter(state: VillageState, matter: object) -> Matter:
    found = state.matters.get(matter) if isinstance(matter, str) else None
    if found is None:
        raise NotFound("err_unknown", kind="议题/matter", id=matter)
    return found


def _sitting(state: VillageState, sitting: object) -> Sitting:
    found = state.sittings.get(sitting) if isinstance(sitting, str) else None
    if found is None:
        raise NotFound("err_unknown", kind="会议/sitting", id=sitting)
    return found


def _vote(state: VillageState, sitting: Sitting, vote: object) -> Vote:
    found = state.votes.get(sitting.id)
    if found is None or found.id != vote:
        raise NotFound("err_no_vote", id=vote)
    return found


def _idle(matter: Matter) -> None:
    """A matter with an open vote on it cannot be moved until the vote closes."""
    if matter.voting is not None:
        raise ProcedureError("err_vote_open")


def _since(state: VillageState, matter: Matter) -> Dated | None:
    """The dated fact the matter's next dated fact may not precede.

    A sitting's decision is dated by its vote's close, and no earlier than the day the sitting was
    called for: the printed notice names that day as the meeting's.
    """
    since = matter.since
    if since is not None and since.fact is Fact.DECISION and matter.results:
        sitting = state.sittings.get(matter.results[-1].sitting)
        if sitting is not None:
            return Dated(since.fact, max(since.on, local_date(sitting.scheduled_for)))
    return since


def receipts_digest(ballots: Iterable[e.Receipt]) -> str:
    """SHA-256 over the canonical JSON of the (receipt, choice) list, sorted by receipt."""
    return hashlib.sha256(canonical(encode(sorted(ballots, key=lambda b: b.receipt)))).hexdigest()


def card_seal(tally: Tally, nonce: str) -> str:
    """The seal of a secret vote's card count: SHA-256 over the count and a random nonce.

    The nonce makes the seal unguessable (there are few possible counts); both are published in
    the closing entry, so anyone can check that the count counted is the one entered."""
    return hashlib.sha256(canonical({"nonce": nonce, "tally": encode(tally)})).hexdigest()


def _voter_counts(vote: Vote) -> tuple[int, int]:
    """(electronic ballots, card ballots) for the present-voters check."""
    return len(vote.voters), vote.cards.cast if vote.cards else 0


def _check_within_present(electronic: int, cards: int, present: int) -> None:
    if electronic + cards > present:
        raise CountExceedsPresent("err_count_exceeds", electronic=electronic, cards=cards,
                                  present=present)


class TellerRole(Enum):
    """计票人 and 监票人, named in the errors about card counts."""

    COUNTER = ("计票人", "計票人", "counter")
    SCRUTINEER = ("监票人", "監票人", "scrutineer")

    def label(self, lang: str = DEFAULT_LANG) -> str:
        return self.value[LANGS.index(check_lang(lang))]


# --- decide -----------------------------------------------------------------------------------

Handler = Callable[[VillageState, Any, datetime], tuple[Any, ...]]
_HANDLERS: dict[type, Handler] = {}


def _handles(kind: type) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        _HANDLERS[kind] = fn
        return fn
    return register


def decide(state: VillageState, command: Any, now: datetime) -> tuple[Any, ...]:
    """The events ``command`` causes, or a typed error; ``state`` is never changed.

    An empty tuple means the command was accepted and changes nothing (a repeated ballot).
    """
    _now(now)
    handler = _HANDLERS.get(type(command))
    if handler is None:
        raise InvalidInput("err_bad_value", field="command", detail=type(command).__name__)
    return handler(state, command, now)


@_handles(c.RaiseMatter)
def _raise(state: VillageState, cmd: c.RaiseMatter, now: datetime) -> tuple[Any, ...]:
    _ident("matter", cmd.matter)
    if cmd.matter in state.matters:
        raise AlreadyExists("err_exists", kind="议题/matter", id=cmd.matter)
    proc = _isinstance("procedure", cmd.procedure, Procedure)
    to = proc.next(Stage.NEW, Action.RAISE)
    if cmd.amount is not None:
        check_count("amount", cmd.amount)
    return (e.MatterRaised(at=now, matter=cmd.matter, title=_text("title", cmd.title, limit=500),
                           description=_free_text("description", cmd.description),
                           procedure=proc, plan=_free_text("plan", cmd.plan),
                           origin=_ident("origin", cmd.origin), amount=cmd.amount,
                           by=_ident("by", cmd.by), to_stage=to),)


@_handles(c.AmendPlan)
def _amend(state: VillageState, cmd: c.AmendPlan, now: datetime) -> tuple[Any, ...]:
    matter = _matter(state, cmd.matter)
    matter.procedure.next(matter.stage, Action.AMEND_PLAN)
    _idle(matter)
    return (e.PlanAmended(at=now, matter=matter.id, plan=_text("plan", cmd.plan),
                          by=_ident("by", cmd.by)),)


@_handles(c.ConveneSitting)
def _convene(state: VillageState, cmd: c.ConveneSitting, now: datetime) -> tuple[Any, ...]:
    _ident("sitting", cmd.sitting)
    if cmd.sitting in state.sittings:
        raise AlreadyExists("err_exists", kind="会议/sitting", id=cmd.sitting)
    rule = _isinstance("rule", cmd.rule, Rule)
    roster = cmd.roster
    if getattr(roster, "body", None) is not rule.body:
        raise InvalidInput("err_bad_value", field="roster", detail="the roster is for another body")
    if roster.excused and not rule.excusable:
        raise InvalidInput("err_not_excusable", body=rule.body)
    agenda = tuple(_isinstance("agenda", cmd.agenda, tuple))
    if not agenda or len(set(agenda)) != len(agenda):
        raise InvalidInput("err_bad_value", field="agenda", detail="one or more distinct matters")
    _isinstance("scheduled_for", cmd.scheduled_for, datetime)
    _now(cmd.scheduled_for)
    stages = []
    for matter_id in agenda:
        matter = _matter(state, matter_id)
        matter.procedure.next(matter.stage, Action.CONVENE)
        step = matter.step
        assert step is not None and step.kind is StepKind.SITTING  # the table allows CONVENE
        if step.body is not rule.body:
            raise WrongBody("err_wrong_body", stage=matter.stage, needed=step.body, body=rule.body)
        if matter.sitting is not None:
            raise ProcedureError("err_matter_busy", matter=matter.id, sitting=matter.sitting)
        stages.append(matter.stage)
    check_notice(rule, cmd.notice_date, cmd.scheduled_for.date())
    return (e.SittingConvened(at=now, sitting=cmd.sitting, body=rule.body, rule=rule,
                              roster=roster, agenda=agenda, stages=tuple(stages),
                              scheduled_for=cmd.scheduled_for, notice_date=cmd.notice_date,
                              place=_text("place", cmd.place, limit=500),
                              by=_ident("by", cmd.by)),)


@_handles(c.CheckIn)
def _check_in(state: VillageState, cmd: c.CheckIn, now: datetime) -> tuple[Any, ...]:
    sitting = _sitting(state, cmd.sitting)
    sitting_next(sitting.state, SittingAction.CHECK_IN)
    if cmd.person not in sitting.roster.attendees:
        raise NotEligible("err_not_attendee", person=cmd.person)
    if cmd.person in sitting.present:
        raise NotEligible("err_already_present", person=cmd.person)
    return (e.CheckedIn(at=now, sitting=sitting.id, person=cmd.person),)


@_handles(c.CheckOut)
def _check_out(state: VillageState, cmd: c.CheckOut, now: datetime) -> tuple[Any, ...]:
    sitting = _sitting(state, cmd.sitting)
    sitting_next(sitting.state, SittingAction.CHECK_OUT)
    if cmd.person not in sitting.present:
        raise NotEligible("err_not_present", person=cmd.person)
    vote = state.votes.get(sitting.id)
    if vote is not None and cmd.person in sitting.roster.voters:
        if cmd.person in vote.voters:
            # Their ballot was taken while they were present; it stands, and so does their presence
            # until the vote closes, so ballots never exceed those present.
            raise NotEligible("err_voted_cannot_leave", person=cmd.person)
        _check_within_present(*_voter_counts(vote), sitting.voters_present - 1)
    return (e.CheckedOut(at=now, sitting=sitting.id, person=cmd.person),)


@_handles(c.AppointTellers)
def _tellers(state: VillageState, cmd: c.AppointTellers, now: datetime) -> tuple[Any, ...]:
    sitting = _sitting(state, cmd.sitting)
    sitting_next(sitting.state, SittingAction.APPOINT_TELLERS)
    counters = tuple(_ident("counters", p) for p in _isinstance("counters", cmd.counters, tuple))
    scrutineers = tuple(_ident("scrutineers", p)
                        for p in _isinstance("scrutineers", cmd.scrutineers, tuple))
    if not counters or not scrutineers:
        raise InvalidInput("err_empty", field="counters/scrutineers")
    if set(counters) & set(scrutineers):
        raise TellerError("err_same_teller")
    return (e.TellersAppointed(at=now, sitting=sitting.id, counters=counters,
                               scrutineers=scrutineers),)


@_handles(c.OpenSitting)
def _open_sitting(state: VillageState, cmd: c.OpenSitting, now: datetime) -> tuple[Any, ...]:
    sitting = _sitting(state, cmd.sitting)
    sitting_next(sitting.state, SittingAction.OPEN)
    return (e.SittingOpened(at=now, sitting=sitting.id, by=_ident("by", cmd.by)),)


@_handles(c.OpenVote)
def _open_vote(state: VillageState, cmd: c.OpenVote, now: datetime) -> tuple[Any, ...]:
    sitting = _sitting(state, cmd.sitting)
    sitting_next(sitting.state, SittingAction.OPEN_VOTE)
    _ident("vote", cmd.vote)
    if any(r.vote == cmd.vote for r in sitting.results):
        raise AlreadyExists("err_exists", kind="表决/vote", id=cmd.vote)
    if cmd.matter not in sitting.agenda:
        raise ProcedureError("err_not_on_agenda", matter=cmd.matter)
    matter = _matter(state, cmd.matter)
    if matter.stage is not sitting.stage_for(matter.id):
        raise ProcedureError("err_stage_moved", matter=matter.id)
    _isinstance("secret", cmd.secret, bool)
    attendance = sitting.attendance()
    # Quorum is checked on those present when the vote opens (and again when it closes).
    outcome = sitting.rule.decide(attendance, Tally())
    if not outcome.quorate:
        raise NotQuorate("err_not_quorate", explanation=outcome)
    return (e.VoteOpened(at=now, sitting=sitting.id, vote=cmd.vote, matter=matter.id,
                         motion=_text("motion", cmd.motion, limit=2000), secret=cmd.secret,
                         attendance=attendance),)


@_handles(c.CastBallot)
def _cast(state: VillageState, cmd: c.CastBallot, now: datetime) -> tuple[Any, ...]:
    sitting = _sitting(state, cmd.sitting)
    sitting_next(sitting.state, SittingAction.CAST_BALLOT)
    vote = _vote(state, sitting, cmd.vote)
    voter, roster = cmd.voter, sitting.roster
    if voter not in roster.attendees:
        raise NotEligible("err_not_in_body", person=voter)
    if voter not in roster.voters:
        raise NotEligible("err_no_vote_right", person=voter)
    if voter not in sitting.present:
        raise NotEligible("err_absent", person=voter)
    choice = _isinstance("choice", cmd.choice, Choice)
    first = voter not in vote.voters
    if first:
        _check_within_present(len(vote.voters) + 1, _voter_counts(vote)[1],
                              sitting.voters_present)
    if not vote.secret:
        if cmd.receipt is not None:
            raise BallotError("err_bad_value", field="receipt", detail="an open vote has none")
        if vote.voters.get(voter) is choice:
            return ()  # a double tap or a retried request: one ballot, nothing new
        return (e.BallotCast(at=now, sitting=sitting.id, vote=vote.id, voter=voter,
                             choice=choice),)
    receipt, code = cmd.receipt, cmd.change_code
    if not isinstance(receipt, str) or not receipt.strip() or len(receipt) > 128:
        raise BallotError("err_receipt_needed")
    if not isinstance(code, str) or not code.strip() or len(code) > 128:
        raise BallotError("err_change_code_needed")
    _printable("receipt", receipt)  # kept in the box and published: no control characters
    _printable("change_code", code)
    digest = change_code_digest(receipt, code)
    if first:
        if receipt in vote.box:
            raise BallotError("err_receipt_taken")
        return (e.TookPart(at=now, sitting=sitting.id, vote=vote.id, voter=voter),
                e.SecretBallotCast(at=now, sitting=sitting.id, vote=vote.id, receipt=receipt,
                                   choice=choice, code_digest=digest))
    # A change needs the receipt and the change code together. The receipt alone is public once
    # the vote closes and may be seen on a phone before; the code never leaves the voter's device.
    # One answer for an unknown receipt and a wrong code, checked before anything else, so the
    # refusal tells a guesser nothing (not even whether the choice would have changed).
    known = vote.codes.get(receipt)
    if known is None or not hmac.compare_digest(known, digest):
        raise BallotError("err_change_code_wrong")
    if vote.box[receipt] is choice:
        return ()
    return (e.SecretBallotCast(at=now, sitting=sitting.id, vote=vote.id, receipt=receipt,
                               choice=choice, code_digest=digest),)


@_handles(c.EnterCardCount)
def _enter_cards(state: VillageState, cmd: c.EnterCardCount, now: datetime) -> tuple[Any, ...]:
    sitting = _sitting(state, cmd.sitting)
    sitting_next(sitting.state, SittingAction.ENTER_CARD_COUNT)
    vote = _vote(state, sitting, cmd.vote)
    if cmd.counter not in sitting.counters:
        raise TellerError("err_not_teller", person=cmd.counter, role=TellerRole.COUNTER)
    tally = _isinstance("tally", cmd.tally, Tally)
    account = None if cmd.account is None else _ident("account", cmd.account)
    _check_within_present(len(vote.voters), tally.cast, sitting.voters_present)
    if not vote.secret:
        return (e.CardCountEntered(at=now, sitting=sitting.id, vote=vote.id, counter=cmd.counter,
                                   tally=tally, account=account),)
    # A secret vote's split stays sealed until the close: the record gets the seal, the count
    # itself is kept apart (and published with its nonce in the closing entry).
    nonce = cmd.nonce
    if not isinstance(nonce, str) or not 16 <= len(nonce) <= 128 or not nonce.isprintable():
        raise InvalidInput("err_bad_value", field="nonce", detail="16 to 128 random characters")
    return (e.CardCountEntered(at=now, sitting=sitting.id, vote=vote.id, counter=cmd.counter,
                               tally=None, seal=card_seal(tally, nonce), account=account),
            e.CardCountSealed(at=now, sitting=sitting.id, vote=vote.id, tally=tally, nonce=nonce))


@_handles(c.ConfirmCardCount)
def _confirm_cards(state: VillageState, cmd: c.ConfirmCardCount,
                   now: datetime) -> tuple[Any, ...]:
    sitting = _sitting(state, cmd.sitting)
    sitting_next(sitting.state, SittingAction.CONFIRM_CARD_COUNT)
    vote = _vote(state, sitting, cmd.vote)
    if cmd.scrutineer not in sitting.scrutineers:
        raise TellerError("err_not_teller", person=cmd.scrutineer, role=TellerRole.SCRUTINEER)
    if vote.cards is None:
        raise TellerError("err_no_card_count")
    if cmd.scrutineer == vote.counter:
        raise TellerError("err_same_teller")
    account = None if cmd.account is None else _ident("account", cmd.account)
    if account is not None and account == vote.counter_account:
        # Two people at one login are one pair of hands: the check is worth nothing then.
        raise TellerError("err_same_teller_account", account=account)
    if vote.scrutineer is not None:
        return ()  # already confirmed: confirming again changes nothing
    return (e.CardCountConfirmed(at=now, sitting=sitting.id, vote=vote.id,
                                 scrutineer=cmd.scrutineer, account=account),)


@_handles(c.CloseVote)
def _close_vote(state: VillageState, cmd: c.CloseVote, now: datetime) -> tuple[Any, ...]:
    sitting = _sitting(state, cmd.sitting)
    sitting_next(sitting.state, SittingAction.CLOSE_VOTE)
    vote = _vote(state, sitting, cmd.vote)
    if (vote.cards is not None or vote.cards_seal is not None) and vote.scrutineer is None:
        raise TellerError("err_unconfirmed_count")
    if vote.secret:
        _check_box(vote)
    matter = _matter(state, vote.matter)
    attendance = sitting.attendance()
    tally = vote.electronic + vote.cards if vote.cards else vote.electronic
    outcome = sitting.rule.decide(attendance, tally)
    action = (Action.ADJOURN if not outcome.quorate
              else Action.ADOPT if outcome.passed else Action.REJECT)
    to_stage = matter.procedure.next(matter.stage, action)
    ballots: tuple[e.Receipt, ...] = ()
    digest = None
    if vote.secret:
        ballots = tuple(e.Receipt(r, ch) for r, ch in sorted(vote.box.items()))
        digest = receipts_digest(ballots)
    return (e.VoteClosed(at=now, sitting=sitting.id, vote=vote.id, matter=matter.id,
                         electronic=vote.electronic, cards=vote.cards, attendance=attendance,
                         quorate=outcome.quorate, passed=outcome.passed, action=action,
                         to_stage=to_stage, ballots=ballots, receipts_digest=digest,
                         cards_nonce=vote.cards_nonce if vote.secret else None),)


def _check_box(vote: Vote) -> None:
    """A secret vote's box must hold exactly one ballot per person the record says took part,
    and its sealed card count must be the one entered. Ballots are kept apart from the chain, so
    rows slipped into the box (ballot stuffing) or a count changed behind the record's back would
    otherwise be counted; this refuses to close on them."""
    if len(vote.box) != len(vote.voters):
        raise BallotBoxMismatch("err_box_mismatch", vote=vote.id, ballots=len(vote.box),
                                participants=len(vote.voters))
    if vote.cards_seal is not None and (
            vote.cards is None or vote.cards_nonce is None
            or card_seal(vote.cards, vote.cards_nonce) != vote.cards_seal):
        raise BallotBoxMismatch("err_cards_seal", vote=vote.id)


@_handles(c.RecordMinutes)
def _minutes(state: VillageState, cmd: c.RecordMinutes, now: datetime) -> tuple[Any, ...]:
    sitting = _sitting(state, cmd.sitting)
    sitting_next(sitting.state, SittingAction.RECORD_MINUTES)
    if (cmd.recording_ref is None) != (cmd.recording_sha256 is None):
        raise InvalidInput("err_bad_value", field="recording",
                           detail="a recording needs both its reference and its SHA-256")
    if cmd.recording_sha256 is not None:
        _sha256("recording_sha256", cmd.recording_sha256)
    speakers = tuple(_text("speakers", s, limit=200)
                     for s in _isinstance("speakers", cmd.speakers, tuple))
    return (e.MinutesRecorded(at=now, sitting=sitting.id, clerk=_ident("clerk", cmd.clerk),
                              summary=_text("summary", cmd.summary), speakers=speakers,
                              recording_ref=_text("recording_ref", cmd.recording_ref, limit=1000,
                                                  optional=True),
                              recording_sha256=cmd.recording_sha256),)


@_handles(c.AdjournSitting)
def _adjourn(state: VillageState, cmd: c.AdjournSitting, now: datetime) -> tuple[Any, ...]:
    sitting = _sitting(state, cmd.sitting)
    sitting_next(sitting.state, SittingAction.ADJOURN)
    return (e.SittingAdjourned(at=now, sitting=sitting.id,
                               reason=_text("reason", cmd.reason, limit=2000)),)


@_handles(c.CloseSitting)
def _close_sitting(state: VillageState, cmd: c.CloseSitting, now: datetime) -> tuple[Any, ...]:
    sitting = _sitting(state, cmd.sitting)
    sitting_next(sitting.state, SittingAction.CLOSE)
    return (e.SittingClosed(at=now, sitting=sitting.id),)


@_handles(c.ReturnMatter)
def _return(state: VillageState, cmd: c.ReturnMatter, now: datetime) -> tuple[Any, ...]:
    matter = _matter(state, cmd.matter)
    to = matter.procedure.next(matter.stage, Action.RETURN, _isinstance("to", cmd.to, Stage))
    _idle(matter)
    return (e.MatterReturned(at=now, matter=matter.id, action=Action.RETURN, to_stage=to,
                             reason=_text("reason", cmd.reason), by=_ident("by", cmd.by)),)


@_handles(c.RequireRehold)
def _rehold(state: VillageState, cmd: c.RequireRehold, now: datetime) -> tuple[Any, ...]:
    matter = _matter(state, cmd.matter)
    to = matter.procedure.next(matter.stage, Action.REHOLD, _isinstance("step", cmd.step, Stage))
    _idle(matter)
    return (e.MatterReturned(at=now, matter=matter.id, action=Action.REHOLD, to_stage=to,
                             reason=_text("reason", cmd.reason), by=_ident("by", cmd.by)),)


@_handles(c.WithdrawMatter)
def _withdraw(state: VillageState, cmd: c.WithdrawMatter, now: datetime) -> tuple[Any, ...]:
    matter = _matter(state, cmd.matter)
    to = matter.procedure.next(matter.stage, Action.WITHDRAW)
    _idle(matter)
    return (e.MatterWithdrawn(at=now, matter=matter.id, reason=_text("reason", cmd.reason),
                              by=_ident("by", cmd.by), to_stage=to),)


@_handles(c.RecordTownshipReview)
def _township(state: VillageState, cmd: c.RecordTownshipReview,
              now: datetime) -> tuple[Any, ...]:
    matter = _matter(state, cmd.matter)
    if _isinstance("approved", cmd.approved, bool):
        action = Action.ADOPT
    else:
        if cmd.return_to is None:
            raise InvalidInput("err_upheld_needs_step")
        action = Action.RETURN
    # ADOPT and RETURN exist at sitting steps too; a township review is only recorded at its own.
    if matter.step is None or matter.step.kind is not StepKind.EXTERNAL_REVIEW:
        raise IllegalAction(stage=matter.stage, action=action)
    to = matter.procedure.next(matter.stage, action, cmd.return_to if not cmd.approved else None)
    # The review is dated by the record: it cannot be dated before the sitting it reviews.
    not_before(Fact.TOWNSHIP_REVIEW, local_date(now), _since(state, matter))
    return (e.TownshipReviewed(at=now, matter=matter.id, approved=cmd.approved,
                               reference=_text("reference", cmd.reference, limit=500),
                               by=_ident("by", cmd.by), to_stage=to),)


@_handles(c.PublishNotice)
def _publish(state: VillageState, cmd: c.PublishNotice, now: datetime) -> tuple[Any, ...]:
    matter = _matter(state, cmd.matter)
    matter.procedure.next(matter.stage, Action.PUBLISH_NOTICE)
    if matter.notice is not None:
        raise NoticeError("err_notice_exists")
    posted = check_day("published_on", cmd.published_on)
    not_before(Fact.NOTICE_POSTED, posted, _since(state, matter))
    not_after_today(Fact.NOTICE_POSTED, posted, now)
    # Objections on paper count from the day after the posting; online, the public sees the notice
    # only once it is recorded, so a notice recorded late still runs its full period from that day.
    period = notice_period(max(posted, local_date(now)), cmd.days, cmd.calendar)
    return (e.NoticePublished(at=now, matter=matter.id, stage=matter.stage,
                              published_on=posted, first=posted + timedelta(days=1),
                              last=period.last, contacts=_text("contacts", cmd.contacts),
                              issued_by=_text("issued_by", cmd.issued_by, limit=500)),)


def _current_notice(matter: Matter) -> Notice:
    if matter.notice is None:
        raise NoticeError("err_no_notice")
    return matter.notice


@_handles(c.LodgeObjection)
def _lodge(state: VillageState, cmd: c.LodgeObjection, now: datetime) -> tuple[Any, ...]:
    matter = _matter(state, cmd.matter)
    matter.procedure.next(matter.stage, Action.LODGE_OBJECTION)
    notice = _current_notice(matter)
    _ident("objection", cmd.objection)
    if matter.objection(cmd.objection) is not None:
        raise AlreadyExists("err_exists", kind="异议/objection", id=cmd.objection)
    not_after_today(Fact.OBJECTION, check_day("lodged_on", cmd.lodged_on), now)
    if cmd.lodged_on not in notice.period:
        raise NoticeError("err_outside_period", on=cmd.lodged_on, first=notice.period.first,
                          last=notice.period.last)
    return (e.ObjectionLodged(at=now, matter=matter.id, objection=cmd.objection,
                              lodged_on=cmd.lodged_on, text=_text("text", cmd.text, limit=5000)),)


@_handles(c.AnswerObjection)
def _answer(state: VillageState, cmd: c.AnswerObjection, now: datetime) -> tuple[Any, ...]:
    matter = _matter(state, cmd.matter)
    if _isinstance("upheld", cmd.upheld, bool):
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
    _idle(matter)
    answered_on = check_day("answered_on", cmd.answered_on)
    not_before(Fact.ANSWER, answered_on, Dated(Fact.OBJECTION, objection.lodged_on))
    not_after_today(Fact.ANSWER, answered_on, now)
    return (e.ObjectionAnswered(at=now, matter=matter.id, objection=objection.id,
                                answered_on=answered_on,
                                answer=_text("answer", cmd.answer, limit=5000),
                                upheld=cmd.upheld, by=_ident("by", cmd.by), to_stage=to),)


@_handles(c.CloseNotice)
def _close_notice(state: VillageState, cmd: c.CloseNotice, now: datetime) -> tuple[Any, ...]:
    matter = _matter(state, cmd.matter)
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


@_handles(c.RecordProgress)
def _progress(state: VillageState, cmd: c.RecordProgress, now: datetime) -> tuple[Any, ...]:
    matter = _matter(state, cmd.matter)
    matter.procedure.next(matter.stage, Action.RECORD_PROGRESS)
    _ident("entry", cmd.entry)
    if any(p.entry == cmd.entry for p in matter.progress):
        raise AlreadyExists("err_exists", kind="进展/progress", id=cmd.entry)
    on = check_day("on", cmd.on)
    not_before(Fact.PROGRESS, on, _since(state, matter))
    not_after_today(Fact.PROGRESS, on, now)
    check_count("spent", cmd.spent)
    attachments = _isinstance("attachments", cmd.attachments, tuple)
    for a in attachments:
        _isinstance("attachment", a, c.Attachment)
        _text("attachment.name", a.name, limit=500)
        _sha256("attachment.sha256", a.sha256)
    return (e.ProgressRecorded(at=now, matter=matter.id, entry=cmd.entry, on=on,
                               description=_text("description", cmd.description),
                               spent=cmd.spent, attachments=attachments),)


@_handles(c.CompleteImplementation)
def _complete(state: VillageState, cmd: c.CompleteImplementation,
              now: datetime) -> tuple[Any, ...]:
    matter = _matter(state, cmd.matter)
    to = matter.procedure.next(matter.stage, Action.COMPLETE)
    on = check_day("on", cmd.on)
    not_before(Fact.COMPLETION, on, _since(state, matter))
    if matter.progress:
        not_before(Fact.COMPLETION, on, Dated(Fact.PROGRESS, max(p.on for p in matter.progress)))
    not_after_today(Fact.COMPLETION, on, now)
    return (e.ImplementationCompleted(at=now, matter=matter.id, on=on,
                                      summary=_text("summary", cmd.summary), to_stage=to),)


def _received(state: VillageState, submission: object) -> Submission:
    found = state.submissions.get(submission) if isinstance(submission, str) else None
    if found is None:
        raise NotFound("err_unknown", kind="民情/submission", id=submission)
    if found.status is not SubmissionStatus.RECEIVED:
        raise AlreadyExists("err_submission_settled", id=found.id,
                            status=found.status)
    return found


@_handles(c.LodgeSubmission)
def _submit(state: VillageState, cmd: c.LodgeSubmission, now: datetime) -> tuple[Any, ...]:
    _ident("submission", cmd.submission)
    if cmd.submission in state.submissions:
        raise AlreadyExists("err_exists", kind="民情/submission", id=cmd.submission)
    channel = _isinstance("channel", cmd.channel, Channel)
    recorded_by = _text("recorded_by", cmd.recorded_by, limit=200, optional=True)
    if (channel is Channel.CLERK) != (recorded_by is not None):
        # Whoever took a submission down answers for it; one sent online names no clerk.
        raise InvalidInput("err_recorded_by", channel=channel)
    return (e.SubmissionLodged(at=now, submission=cmd.submission,
                               received_on=_isinstance("received_on", cmd.received_on, date),
                               text=_text("text", cmd.text, limit=5000), channel=channel,
                               recorded_by=recorded_by),)


@_handles(c.TakeUpSubmission)
def _take_up(state: VillageState, cmd: c.TakeUpSubmission, now: datetime) -> tuple[Any, ...]:
    submission = _received(state, cmd.submission)
    matter = _matter(state, cmd.matter)
    on = _isinstance("on", cmd.on, date)
    if on < submission.received_on:
        raise InvalidInput("err_before_received", on=on, received=submission.received_on)
    return (e.SubmissionTakenUp(at=now, submission=submission.id, matter=matter.id, on=on,
                                by=_ident("by", cmd.by)),)


@_handles(c.AnswerSubmission)
def _answer_submission(state: VillageState, cmd: c.AnswerSubmission,
                       now: datetime) -> tuple[Any, ...]:
    submission = _received(state, cmd.submission)
    on = _isinstance("answered_on", cmd.answered_on, date)
    if on < submission.received_on:
        raise InvalidInput("err_before_received", on=on, received=submission.received_on)
    return (e.SubmissionAnswered(at=now, submission=submission.id, answered_on=on,
                                 answer=_text("answer", cmd.answer, limit=5000),
                                 by=_ident("by", cmd.by)),)


# --- evolve -----------------------------------------------------------------------------------

Applier = Callable[[VillageState, Any], VillageState]
_APPLIERS: dict[type, Applier] = {}


def _applies(kind: type) -> Callable[[Applier], Applier]:
    def register(fn: Applier) -> Applier:
        _APPLIERS[kind] = fn
        return fn
    return register


def evolve(state: VillageState, event: Any) -> VillageState:
    """The state after ``event``. Events are facts: evolve trusts them and never refuses."""
    new = _APPLIERS[type(event)](state, event)
    return new if type(event) in _PRIVATE else replace(new, last_at=event.at)


def replay(events: Iterable[Any], state: VillageState = EMPTY) -> VillageState:
    """Fold ``events`` into a state (from the empty village by default)."""
    appliers = _APPLIERS
    last = state.last_at
    for event in events:
        kind = type(event)
        state = appliers[kind](state, event)
        if kind not in _PRIVATE:
            last = event.at
    return replace(state, last_at=last) if last is not state.last_at else state


_PRIVATE = e.PRIVATE_EVENTS


def apply_event(state: VillageState, event: Any) -> VillageState:
    """``event`` applied, leaving the record's clock to the caller (a store replaying entries it
    has checked one by one keeps the time itself, as :func:`replay` does)."""
    return _APPLIERS[type(event)](state, event)


def restore_private(state: VillageState, events: Iterable[Any]) -> VillageState:
    """``state`` with the private events kept apart from the chain (each the latest for its
    receipt, or for its vote's card count) applied to the votes still open; those of closed votes
    are already in their closing entries. Order does not matter, and the record's clock does not
    move."""
    appliers = _APPLIERS
    for event in events:
        vote = state.votes.get(event.sitting)
        if vote is not None and vote.id == event.vote:
            state = appliers[type(event)](state, event)
    return state


def chained(event: Any) -> bool:
    """Whether ``event`` goes into the hash chain. Secret ballots and a secret vote's card count
    are kept apart from it — and carry no time into the record: the record's clock (``last_at``)
    moves only with chained events, so nothing stored dates a secret ballot."""
    return type(event) not in _PRIVATE


def _put_matter(state: VillageState, matter: Matter) -> VillageState:
    return replace(state, matters=state.matters.set(matter.id, matter))


def _put_sitting(state: VillageState, sitting: Sitting) -> VillageState:
    return replace(state, sittings=state.sittings.set(sitting.id, sitting))


# The dated fact behind a move that carries no day of its own: it is dated by the record.
_MOVED_BY = {Action.ADOPT: Fact.DECISION, Action.REJECT: Fact.DECISION,
             Action.ADJOURN: Fact.DECISION, Action.RETURN: Fact.RETURN, Action.REHOLD: Fact.RETURN,
             Action.WITHDRAW: Fact.WITHDRAWAL, Action.UPHOLD_OBJECTION: Fact.ANSWER,
             Action.CLOSE_NOTICE: Fact.NOTICE_CLOSED, Action.COMPLETE: Fact.COMPLETION}


def _move(matter: Matter, to: Stage, at: datetime, action: Action,
          reason: str | None = None, since: Dated | None = None, **changes: Any) -> Matter:
    if to is matter.stage:
        return replace(matter, **changes)
    # A matter that moves on is free of the sitting that held it at its old step.
    return replace(matter, stage=to, notice=None, sitting=None,
                   history=(*matter.history, StageMark(to, at, action, reason)),
                   since=since or Dated(_MOVED_BY[action], local_date(at)), **changes)


@_applies(e.MatterRaised)
def _(state: VillageState, ev: e.MatterRaised) -> VillageState:
    return _put_matter(state, Matter(
        id=ev.matter, title=ev.title, description=ev.description, procedure=ev.procedure,
        stage=ev.to_stage, plan=ev.plan, origin=ev.origin, amount=ev.amount, raised_by=ev.by,
        history=(StageMark(ev.to_stage, ev.at, Action.RAISE),),
        since=Dated(Fact.RAISED, local_date(ev.at))))


@_applies(e.PlanAmended)
def _(state: VillageState, ev: e.PlanAmended) -> VillageState:
    return _put_matter(state, replace(state.matters[ev.matter], plan=ev.plan))


@_applies(e.SittingConvened)
def _(state: VillageState, ev: e.SittingConvened) -> VillageState:
    sitting = Sitting(id=ev.sitting, body=ev.body, rule=ev.rule, roster=ev.roster,
                      agenda=ev.agenda, stages=ev.stages, scheduled_for=ev.scheduled_for,
                      notice_date=ev.notice_date, place=ev.place, convened_by=ev.by,
                      convened_at=ev.at)
    matters = state.matters
    for m in ev.agenda:
        matters = matters.set(m, replace(matters[m], sitting=ev.sitting))
    return replace(state, matters=matters, sittings=state.sittings.set(ev.sitting, sitting))


@_applies(e.CheckedIn)
def _(state: VillageState, ev: e.CheckedIn) -> VillageState:
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
    return _put_sitting(state, replace(s, **changes))


@_applies(e.CheckedOut)
def _(state: VillageState, ev: e.CheckedOut) -> VillageState:
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
    return _put_sitting(state, replace(s, **changes))


@_applies(e.TellersAppointed)
def _(state: VillageState, ev: e.TellersAppointed) -> VillageState:
    s = state.sittings[ev.sitting]
    return _put_sitting(state, replace(s, counters=ev.counters, scrutineers=ev.scrutineers))


@_applies(e.SittingOpened)
def _(state: VillageState, ev: e.SittingOpened) -> VillageState:
    s = state.sittings[ev.sitting]
    return _put_sitting(state, replace(s, state=SittingState.IN_SESSION, opened_at=ev.at))


@_applies(e.VoteOpened)
def _(state: VillageState, ev: e.VoteOpened) -> VillageState:
    s = state.sittings[ev.sitting]
    vote = Vote(id=ev.vote, matter=ev.matter, motion=ev.motion, secret=ev.secret,
                opened_at=ev.at)
    state = _put_matter(state, replace(state.matters[ev.matter], voting=ev.vote))
    state = replace(state, votes=state.votes.set(s.id, vote))
    return _put_sitting(state, replace(s, state=SittingState.VOTING))


def _with_vote(state: VillageState, vote: Vote, sitting: str) -> VillageState:
    return replace(state, votes=state.votes.set(sitting, vote))


@_applies(e.BallotCast)
def _(state: VillageState, ev: e.BallotCast) -> VillageState:
    vote = state.votes[ev.sitting]
    voters = vote.voters
    electronic = vote.electronic.moved(voters.get(ev.voter), ev.choice)
    return _with_vote(state, replace(vote, voters=voters.set(ev.voter, ev.choice),
                                     electronic=electronic), ev.sitting)


@_applies(e.TookPart)
def _(state: VillageState, ev: e.TookPart) -> VillageState:
    vote = state.votes[ev.sitting]
    return _with_vote(state, replace(vote, voters=vote.voters.set(ev.voter, None)), ev.sitting)


@_applies(e.SecretBallotCast)
def _(state: VillageState, ev: e.SecretBallotCast) -> VillageState:
    vote = state.votes[ev.sitting]
    electronic = vote.electronic.moved(vote.box.get(ev.receipt), ev.choice)
    return _with_vote(state, replace(vote, box=vote.box.set(ev.receipt, ev.choice),
                                     codes=vote.codes.set(ev.receipt, ev.code_digest),
                                     electronic=electronic), ev.sitting)


@_applies(e.CardCountEntered)
def _(state: VillageState, ev: e.CardCountEntered) -> VillageState:
    vote = state.votes[ev.sitting]
    # A new count needs a new confirmation. A sealed one (secret vote) arrives with its count
    # kept apart, applied next; until then the vote has a seal and no count.
    return _with_vote(state, replace(vote, cards=ev.tally, counter=ev.counter, scrutineer=None,
                                     counter_account=ev.account, scrutineer_account=None,
                                     cards_seal=ev.seal, cards_nonce=None), ev.sitting)


@_applies(e.CardCountSealed)
def _(state: VillageState, ev: e.CardCountSealed) -> VillageState:
    vote = state.votes[ev.sitting]
    return _with_vote(state, replace(vote, cards=ev.tally, cards_nonce=ev.nonce), ev.sitting)


@_applies(e.CardCountConfirmed)
def _(state: VillageState, ev: e.CardCountConfirmed) -> VillageState:
    vote = state.votes[ev.sitting]
    return _with_vote(state, replace(vote, scrutineer=ev.scrutineer,
                                     scrutineer_account=ev.account), ev.sitting)


@_applies(e.VoteClosed)
def _(state: VillageState, ev: e.VoteClosed) -> VillageState:
    s = state.sittings[ev.sitting]
    vote = state.votes[ev.sitting]
    matter = state.matters[ev.matter]
    result = VoteResult(sitting=s.id, vote=ev.vote, matter=ev.matter, stage=matter.stage,
                        body=s.body, rule=s.rule, motion=vote.motion, secret=vote.secret,
                        opened_at=vote.opened_at, closed_at=ev.at, attendance=ev.attendance,
                        electronic=ev.electronic, cards=ev.cards, counter=vote.counter,
                        scrutineer=vote.scrutineer, quorate=ev.quorate, passed=ev.passed,
                        action=ev.action, ballots=ev.ballots, receipts_digest=ev.receipts_digest)
    matter = _move(matter, ev.to_stage, ev.at, ev.action, voting=None,
                   results=(*matter.results, result))
    state = replace(_put_matter(state, matter), votes=state.votes.delete(s.id))
    return _put_sitting(state, replace(s, state=SittingState.IN_SESSION,
                                       results=(*s.results, result)))


@_applies(e.MinutesRecorded)
def _(state: VillageState, ev: e.MinutesRecorded) -> VillageState:
    s = state.sittings[ev.sitting]
    minutes = Minutes(ev.at, ev.clerk, ev.summary, ev.speakers, ev.recording_ref,
                      ev.recording_sha256)
    return _put_sitting(state, replace(s, minutes=(*s.minutes, minutes)))


def _end_sitting(village: VillageState, sitting_id: str, **changes: Any) -> VillageState:
    s = village.sittings[sitting_id]
    matters = village.matters
    for m in s.agenda:
        if matters[m].sitting == s.id:
            matters = matters.set(m, replace(matters[m], sitting=None))
    return replace(village, matters=matters,
                   sittings=village.sittings.set(s.id, replace(s, **changes)))


@_applies(e.SittingAdjourned)
def _(state: VillageState, ev: e.SittingAdjourned) -> VillageState:
    return _end_sitting(state, ev.sitting, state=SittingState.ADJOURNED, ended_at=ev.at,
                        adjourn_reason=ev.reason)


@_applies(e.SittingClosed)
def _(state: VillageState, ev: e.SittingClosed) -> VillageState:
    return _end_sitting(state, ev.sitting, state=SittingState.CLOSED, ended_at=ev.at)


@_applies(e.MatterReturned)
def _(state: VillageState, ev: e.MatterReturned) -> VillageState:
    return _put_matter(state, _move(state.matters[ev.matter], ev.to_stage, ev.at, ev.action,
                                    ev.reason))


@_applies(e.MatterWithdrawn)
def _(state: VillageState, ev: e.MatterWithdrawn) -> VillageState:
    return _put_matter(state, _move(state.matters[ev.matter], ev.to_stage, ev.at,
                                    Action.WITHDRAW, ev.reason))


@_applies(e.TownshipReviewed)
def _(state: VillageState, ev: e.TownshipReviewed) -> VillageState:
    action = Action.ADOPT if ev.approved else Action.RETURN
    return _put_matter(state, _move(state.matters[ev.matter], ev.to_stage, ev.at, action,
                                    ev.reference, Dated(Fact.TOWNSHIP_REVIEW, local_date(ev.at))))


@_applies(e.NoticePublished)
def _(state: VillageState, ev: e.NoticePublished) -> VillageState:
    m = state.matters[ev.matter]
    notice = Notice(ev.stage, ev.published_on, Period(ev.first, ev.last), ev.contacts,
                    ev.issued_by, len(m.notices) + 1, local_date(ev.at))
    return _put_matter(state, replace(m, notice=notice, notices=(*m.notices, notice)))


@_applies(e.ObjectionLodged)
def _(state: VillageState, ev: e.ObjectionLodged) -> VillageState:
    m = state.matters[ev.matter]
    assert m.notice is not None
    objection = Objection(ev.objection, m.notice.number, m.stage, ev.lodged_on, ev.text)
    return _put_matter(state, replace(m, objections=(*m.objections, objection)))


@_applies(e.ObjectionAnswered)
def _(state: VillageState, ev: e.ObjectionAnswered) -> VillageState:
    m = state.matters[ev.matter]
    objections = tuple(
        replace(o, answered_on=ev.answered_on, answer=ev.answer, upheld=ev.upheld, by=ev.by)
        if o.id == ev.objection else o for o in m.objections)
    action = Action.UPHOLD_OBJECTION if ev.upheld else Action.ANSWER_OBJECTION
    return _put_matter(state, _move(m, ev.to_stage, ev.at, action, ev.answer,
                                    Dated(Fact.ANSWER, ev.answered_on), objections=objections))


@_applies(e.NoticeClosed)
def _(state: VillageState, ev: e.NoticeClosed) -> VillageState:
    return _put_matter(state, _move(state.matters[ev.matter], ev.to_stage, ev.at,
                                    Action.CLOSE_NOTICE, since=Dated(Fact.NOTICE_CLOSED, ev.on)))


@_applies(e.ProgressRecorded)
def _(state: VillageState, ev: e.ProgressRecorded) -> VillageState:
    m = state.matters[ev.matter]
    entry = Progress(ev.entry, ev.on, ev.description, ev.spent, ev.attachments)
    return _put_matter(state, replace(m, progress=(*m.progress, entry)))


def _put_submission(state: VillageState, submission: Submission) -> VillageState:
    return replace(state, submissions=state.submissions.set(submission.id, submission))


@_applies(e.SubmissionLodged)
def _(state: VillageState, ev: e.SubmissionLodged) -> VillageState:
    return _put_submission(state, Submission(ev.submission, ev.received_on, ev.text, ev.channel,
                                             ev.recorded_by))


@_applies(e.SubmissionTakenUp)
def _(state: VillageState, ev: e.SubmissionTakenUp) -> VillageState:
    m = state.matters[ev.matter]
    state = _put_matter(state, replace(m, submissions=(*m.submissions, ev.submission)))
    return _put_submission(state, replace(
        state.submissions[ev.submission], status=SubmissionStatus.TAKEN_UP, matter=ev.matter,
        settled_on=ev.on, by=ev.by))


@_applies(e.SubmissionAnswered)
def _(state: VillageState, ev: e.SubmissionAnswered) -> VillageState:
    return _put_submission(state, replace(
        state.submissions[ev.submission], status=SubmissionStatus.ANSWERED,
        settled_on=ev.answered_on, answer=ev.answer, by=ev.by))


@_applies(e.ImplementationCompleted)
def _(state: VillageState, ev: e.ImplementationCompleted) -> VillageState:
    return _put_matter(state, _move(state.matters[ev.matter], ev.to_stage, ev.at,
                                    Action.COMPLETE, since=Dated(Fact.COMPLETION, ev.on),
                                    completed_on=ev.on, completion=ev.summary))

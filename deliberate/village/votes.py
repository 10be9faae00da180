"""A vote in a sitting: opening it, ballots open and secret, card counts and their confirmation,
and closing it with its outcome. Each decider sits beside the applier of the events it causes.

Every command is first looked up in the sitting's table (``sitting_next``); closing a vote looks the
outcome's action up in the matter's procedure table. The guards are the facts: quorum when the vote
opens and closes, who may vote and is present, ballots and cards never more than those present, two
different tellers, and a secret vote's box holding one ballot per participant.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping
from datetime import datetime
from enum import Enum
from typing import Any

from .. import commands as c
from .. import events as e
from ..codec import canonical, encode
from ..errors import (
    AlreadyExists,
    BallotBoxMismatch,
    BallotError,
    InvalidInput,
    NotEligible,
    NotQuorate,
    ProcedureError,
    TellerError,
)
from ..i18n import DEFAULT_LANG, LANGS, check_lang
from ..procedure import Action, SittingAction, SittingState, sitting_next
from ..state import VillageState, Vote, VoteResult, change_code_digest
from ..tally import Choice, Tally
from ..values import printable
from ..values import updated as replace
from .checks import (
    Applier,
    Decider,
    ident,
    matter_of,
    of_type,
    sitting_of,
    text,
    vote_of,
    voter_counts,
    within_present,
)
from .matters import move, put_matter
from .sittings import put_sitting

__all__ = ["APPLIERS", "DECIDERS", "TellerRole", "card_seal", "receipts_digest"]


class TellerRole(Enum):
    """计票人 and 监票人, named in the errors about card counts."""

    COUNTER = ("计票人", "計票人", "counter")
    SCRUTINEER = ("监票人", "監票人", "scrutineer")

    def label(self, lang: str = DEFAULT_LANG) -> str:
        return self.value[LANGS.index(check_lang(lang))]


def receipts_digest(ballots: Iterable[e.Receipt]) -> str:
    """SHA-256 over the canonical JSON of the (receipt, choice) list, sorted by receipt."""
    return hashlib.sha256(canonical(encode(sorted(ballots, key=lambda b: b.receipt)))).hexdigest()


def card_seal(tally: Tally, nonce: str) -> str:
    """The seal of a secret vote's card count: SHA-256 over the count and a random nonce.

    The nonce makes the seal unguessable (there are few possible counts); both are published in
    the closing entry, so anyone can check that the count counted is the one entered."""
    return hashlib.sha256(canonical({"nonce": nonce, "tally": encode(tally)})).hexdigest()


def _with_vote(state: VillageState, vote: Vote, sitting: str) -> VillageState:
    return replace(state, votes=state.votes.set(sitting, vote))


def _open_vote(state: VillageState, cmd: c.OpenVote, now: datetime) -> tuple[Any, ...]:
    sitting = sitting_of(state, cmd.sitting)
    sitting_next(sitting.state, SittingAction.OPEN_VOTE)
    ident("vote", cmd.vote)
    if any(r.vote == cmd.vote for r in sitting.results):
        raise AlreadyExists("err_exists", kind="表决/vote", id=cmd.vote)
    if cmd.matter not in sitting.agenda:
        raise ProcedureError("err_not_on_agenda", matter=cmd.matter)
    matter = matter_of(state, cmd.matter)
    if matter.stage is not sitting.stage_for(matter.id):
        raise ProcedureError("err_stage_moved", matter=matter.id)
    of_type("secret", cmd.secret, bool)
    attendance = sitting.attendance()
    # Quorum is checked on those present when the vote opens (and again when it closes).
    outcome = sitting.rule.decide(attendance, Tally())
    if not outcome.quorate:
        more, counted = outcome.shortfall() or (0, "")
        households = counted.startswith("households")
        raise NotQuorate("err_not_quorate_households" if households else "err_not_quorate",
                         explanation=outcome, more=more)
    return (e.VoteOpened(at=now, sitting=sitting.id, vote=cmd.vote, matter=matter.id,
                         motion=text("motion", cmd.motion, limit=2000), secret=cmd.secret,
                         attendance=attendance),)


def _vote_opened(state: VillageState, ev: e.VoteOpened) -> VillageState:
    s = state.sittings[ev.sitting]
    vote = Vote(id=ev.vote, matter=ev.matter, motion=ev.motion, secret=ev.secret,
                opened_at=ev.at)
    state = put_matter(state, replace(state.matters[ev.matter], voting=ev.vote))
    state = replace(state, votes=state.votes.set(s.id, vote))
    return put_sitting(state, replace(s, state=SittingState.VOTING))


def _cast_ballot(state: VillageState, cmd: c.CastBallot, now: datetime) -> tuple[Any, ...]:
    sitting = sitting_of(state, cmd.sitting)
    ended = next((r for r in sitting.results if r.vote == cmd.vote), None)
    if ended is not None:
        # Said as the voter would hear it, not as the sitting's table would ("a sitting that is
        # in session cannot cast a ballot"): that vote is over.
        raise BallotError("err_vote_ended", vote=ended.motion, closed_at=f"{ended.closed_at:%H:%M}")
    sitting_next(sitting.state, SittingAction.CAST_BALLOT)
    vote = vote_of(state, sitting, cmd.vote)
    voter = cmd.voter
    barred = sitting.why_cannot_vote(voter)  # the rule a voter's page also asks
    if barred is not None:
        raise NotEligible(barred.value, person=voter)
    choice = of_type("choice", cmd.choice, Choice)
    first = voter not in vote.voters
    if first:
        within_present(len(vote.voters) + 1, voter_counts(vote)[1], sitting.voters_present)
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
    printable("receipt", receipt)  # kept in the box and published: no control characters
    printable("change_code", code)
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


def _ballot_cast(state: VillageState, ev: e.BallotCast) -> VillageState:
    vote = state.votes[ev.sitting]
    voters = vote.voters
    electronic = vote.electronic.moved(voters.get(ev.voter), ev.choice)
    return _with_vote(state, replace(vote, voters=voters.set(ev.voter, ev.choice),
                                     electronic=electronic), ev.sitting)


def _took_part(state: VillageState, ev: e.TookPart) -> VillageState:
    vote = state.votes[ev.sitting]
    return _with_vote(state, replace(vote, voters=vote.voters.set(ev.voter, None)), ev.sitting)


def _secret_ballot_cast(state: VillageState, ev: e.SecretBallotCast) -> VillageState:
    vote = state.votes[ev.sitting]
    electronic = vote.electronic.moved(vote.box.get(ev.receipt), ev.choice)
    return _with_vote(state, replace(vote, box=vote.box.set(ev.receipt, ev.choice),
                                     codes=vote.codes.set(ev.receipt, ev.code_digest),
                                     electronic=electronic), ev.sitting)


def _enter_card_count(state: VillageState, cmd: c.EnterCardCount, now: datetime) -> tuple[Any, ...]:
    sitting = sitting_of(state, cmd.sitting)
    sitting_next(sitting.state, SittingAction.ENTER_CARD_COUNT)
    vote = vote_of(state, sitting, cmd.vote)
    if cmd.counter not in sitting.counters:
        raise TellerError("err_not_teller", person=cmd.counter, role=TellerRole.COUNTER)
    tally = of_type("tally", cmd.tally, Tally)
    account = None if cmd.account is None else ident("account", cmd.account)
    within_present(len(vote.voters), tally.cast, sitting.voters_present)
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


def _card_count_entered(state: VillageState, ev: e.CardCountEntered) -> VillageState:
    vote = state.votes[ev.sitting]
    # A new count needs a new confirmation. A sealed one (secret vote) arrives with its count
    # kept apart, applied next; until then the vote has a seal and no count.
    return _with_vote(state, replace(vote, cards=ev.tally, counter=ev.counter, scrutineer=None,
                                     counter_account=ev.account, scrutineer_account=None,
                                     cards_seal=ev.seal, cards_nonce=None), ev.sitting)


def _card_count_sealed(state: VillageState, ev: e.CardCountSealed) -> VillageState:
    vote = state.votes[ev.sitting]
    return _with_vote(state, replace(vote, cards=ev.tally, cards_nonce=ev.nonce), ev.sitting)


def _confirm_card_count(state: VillageState, cmd: c.ConfirmCardCount,
                        now: datetime) -> tuple[Any, ...]:
    sitting = sitting_of(state, cmd.sitting)
    sitting_next(sitting.state, SittingAction.CONFIRM_CARD_COUNT)
    vote = vote_of(state, sitting, cmd.vote)
    if cmd.scrutineer not in sitting.scrutineers:
        raise TellerError("err_not_teller", person=cmd.scrutineer, role=TellerRole.SCRUTINEER)
    if vote.cards is None:
        raise TellerError("err_no_card_count")
    if cmd.scrutineer == vote.counter:
        raise TellerError("err_same_teller")
    account = None if cmd.account is None else ident("account", cmd.account)
    if account is not None and account == vote.counter_account:
        # Two people at one login are one pair of hands: the check is worth nothing then.
        raise TellerError("err_same_teller_account", account=account)
    if vote.scrutineer is not None:
        return ()  # already confirmed: confirming again changes nothing
    return (e.CardCountConfirmed(at=now, sitting=sitting.id, vote=vote.id,
                                 scrutineer=cmd.scrutineer, account=account),)


def _card_count_confirmed(state: VillageState, ev: e.CardCountConfirmed) -> VillageState:
    vote = state.votes[ev.sitting]
    return _with_vote(state, replace(vote, scrutineer=ev.scrutineer,
                                     scrutineer_account=ev.account), ev.sitting)


def _close_vote(state: VillageState, cmd: c.CloseVote, now: datetime) -> tuple[Any, ...]:
    sitting = sitting_of(state, cmd.sitting)
    sitting_next(sitting.state, SittingAction.CLOSE_VOTE)
    vote = vote_of(state, sitting, cmd.vote)
    if (vote.cards is not None or vote.cards_seal is not None) and vote.scrutineer is None:
        raise TellerError("err_unconfirmed_count")
    if vote.secret:
        _check_box(vote)
    matter = matter_of(state, vote.matter)
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


def _vote_closed(state: VillageState, ev: e.VoteClosed) -> VillageState:
    s = state.sittings[ev.sitting]
    vote = state.votes[ev.sitting]
    matter = state.matters[ev.matter]
    result = VoteResult(sitting=s.id, vote=ev.vote, matter=ev.matter, stage=matter.stage,
                        body=s.body, rule=s.rule, motion=vote.motion, secret=vote.secret,
                        opened_at=vote.opened_at, closed_at=ev.at, attendance=ev.attendance,
                        electronic=ev.electronic, cards=ev.cards, counter=vote.counter,
                        scrutineer=vote.scrutineer, quorate=ev.quorate, passed=ev.passed,
                        action=ev.action, ballots=ev.ballots, receipts_digest=ev.receipts_digest)
    matter = move(matter, ev.to_stage, ev.at, ev.action, voting=None,
                  results=(*matter.results, result))
    state = replace(put_matter(state, matter), votes=state.votes.delete(s.id))
    return put_sitting(state, replace(s, state=SittingState.IN_SESSION,
                                      results=(*s.results, result)))


DECIDERS: Mapping[type, Decider] = {
    c.OpenVote: _open_vote,
    c.CastBallot: _cast_ballot,
    c.EnterCardCount: _enter_card_count,
    c.ConfirmCardCount: _confirm_card_count,
    c.CloseVote: _close_vote,
}
APPLIERS: Mapping[type, Applier] = {
    e.VoteOpened: _vote_opened,
    e.BallotCast: _ballot_cast,
    e.TookPart: _took_part,
    e.SecretBallotCast: _secret_ballot_cast,
    e.CardCountEntered: _card_count_entered,
    e.CardCountSealed: _card_count_sealed,
    e.CardCountConfirmed: _card_count_confirmed,
    e.VoteClosed: _vote_closed,
}

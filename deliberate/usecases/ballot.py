"""A voter's phone: what the page shows, casting a ballot, and taking a secret ballot's codes to
another phone.

For a secret vote the phone makes a random receipt and a random change code (here, on its first
ballot) and keeps both; the record keeps only a digest of the two, and seeing or changing the
ballot needs both. The receipt alone, published at the close, opens nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum

from deliberate import commands as c
from deliberate.procedure import SittingState
from deliberate.state import Matter, NoVote, Sitting, VillageState, Vote, VoteResult
from deliberate.store import SqlRepository
from deliberate.store.ballots import closed_ballot_of
from deliberate.store.people import person_name
from deliberate.tally import Choice

from .common import handle, sitting_of

__all__ = ["Cast", "Counted", "ReceiptLookup", "ReceiptMiss", "VoterPage", "attempt_codes", "cast_ballot",
           "look_up_receipt", "normal_code", "recover", "voter_page"]

_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # easy to copy: no 0/O or 1/I
Codes = tuple[str, str]  # (receipt, change code)
_ENDED = (SittingState.CLOSED, SittingState.ADJOURNED)


def _code() -> str:
    # Eight letters in two groups: 40 bits, plenty against guessing through a limited form.
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def _spell(digest: bytes) -> str:
    raw = "".join(_ALPHABET[b % len(_ALPHABET)] for b in digest[:8])  # 32 letters: no bias
    return f"{raw[:4]}-{raw[4:]}"


def attempt_codes(key: bytes, attempt: str | None, scope: str) -> Codes | None:
    """The codes of a first secret ballot sent with the random ``attempt`` its page carried, or
    None for a missing or malformed one. The same attempt gives the same codes, so a tap sent
    again after a lost answer (a retry, a reload, a double tap) finds its own ballot instead of
    being told it voted from another phone and losing its receipt. Keyed with the site's secret
    and nothing is kept: the attempt lives only on the phone, like the codes it gives."""
    if not isinstance(attempt, str) or not 16 <= len(attempt) <= 64 or not attempt.isascii() \
            or not attempt.isalnum():
        return None
    digest = hmac.new(key, f"{scope}\x00{attempt}".encode(), hashlib.sha256).digest()
    return _spell(digest[:8]), _spell(digest[8:16])


def normal_code(typed: str | None) -> str:
    """A receipt or change code as typed: upper case, spaces dropped, the dash put back."""
    raw = "".join(ch for ch in (typed or "").upper() if ch.isalnum())
    return f"{raw[:4]}-{raw[4:]}" if len(raw) == 8 else raw


class ReceiptMiss(Enum):
    """Why a receipt typed on the public page was not found; the value is the message's key."""

    SHAPE = "receipt_shape"  # not letters and digits of a receipt's length
    VOTE_OPEN = "receipt_vote_open"  # a secret vote is still open: its receipts come at its close
    NOT_FOUND = "receipt_missing"  # well formed, but no closed secret vote here published it


@dataclass(frozen=True)
class ReceiptLookup:
    receipt: str  # as normalised: upper case, spaces dropped, the dash put back
    found: tuple[tuple[VoteResult, Choice], ...]
    miss: ReceiptMiss | None


def look_up_receipt(state: VillageState, typed: str) -> ReceiptLookup:
    """A receipt as a villager types it — in any case, with or without the dash or spaces — looked
    up in every closed secret vote of the village (a query on the state the page already read);
    if it is not found, why."""
    receipt = normal_code(typed)
    found = tuple((r, choice) for s in state.sittings.values() for r in s.results if r.secret
                  for choice in [r.receipt(receipt)] if choice is not None)
    if found:
        return ReceiptLookup(receipt, found, None)
    raw = receipt.replace("-", "")
    # A receipt is letters and digits — ours eight of them; a platform's own may be longer.
    if not (6 <= len(raw) <= 32 and raw.isascii() and raw.isalnum()):
        return ReceiptLookup(receipt, (), ReceiptMiss.SHAPE)
    if any(v.secret for v in state.votes.values()):
        return ReceiptLookup(receipt, (), ReceiptMiss.VOTE_OPEN)
    return ReceiptLookup(receipt, (), ReceiptMiss.NOT_FOUND)


@dataclass(frozen=True)
class Counted:
    """The sitting's last closed vote as one voter sees it: the result, whether they took part,
    and what was counted for them (a secret vote: found under the receipt this phone holds, in
    the receipts published at the close; None when the phone holds none)."""

    result: VoteResult
    took_part: bool
    choice: Choice | None
    receipt: str | None = None


@dataclass(frozen=True)
class VoterPage:
    """What a voter's page shows. ``ended``: the sitting is over (the link no longer works).
    ``recorded``: the choice this phone may see; ``held``: the codes that opened it (a secret
    vote); ``held_wrong``: the phone offered codes that open no ballot (a guess, to be counted
    against the hourly limit); ``lost``: took part, but this phone cannot show the ballot."""

    sitting: Sitting
    person: str
    name: str
    vote: Vote | None
    matter: Matter | None
    why_not: NoVote | None
    ended: bool
    recorded: Choice | None = None
    held: Codes | None = None
    held_wrong: bool = False
    lost: bool = False
    counted: Counted | None = None

    def phase(self) -> tuple[object, ...]:
        """Everything the page shows that can change while it is open, small enough to be the
        tag a polling phone sends back: the vote, this voter's ballot, the last result."""
        last = self.counted
        return (self.sitting.state.value, self.ended, self.why_not, self.vote.id if self.vote else None,
                self.recorded, self.held, self.lost,
                (last.result.vote, last.took_part, last.choice, last.receipt) if last else None)


def _counted(store: SqlRepository, village: str, found: Sitting, person: str,
             receipts: Mapping[str, str]) -> Counted | None:
    if not found.results:
        return None
    result = found.results[-1]
    took_part, choice = closed_ballot_of(store.engine, village, found.id, result.vote, person)
    if not result.secret:
        return Counted(result, took_part, Choice(choice) if choice else None)
    receipt = normal_code(receipts.get(result.vote))
    mine = result.receipt(receipt) if took_part and receipt else None
    return Counted(result, took_part, mine, receipt if mine is not None else None)


def voter_page(store: SqlRepository, village: str, sitting: str, person: str,
               held: Codes | None = None, receipts: Mapping[str, str] | None = None,
               named: bool = True) -> VoterPage:
    """The page of ``person`` in ``sitting``, with the codes this phone holds for the open vote
    (if any) and the receipts it holds by vote (for the last closed one). ``named``: look up the
    person's name (the polled part of the page does not show it)."""
    state, found = sitting_of(store, village, sitting)
    vote = state.open_vote(sitting)
    page = VoterPage(
        sitting=found, person=person,
        name=(person_name(store.engine, village, person) if named else None) or person,
        vote=vote, matter=state.matters.get(vote.matter) if vote else None,
        why_not=found.why_cannot_vote(person),
        ended=found.state in _ENDED)
    if vote is None:
        return _with(page, counted=_counted(store, village, found, person, receipts or {}))
    if not vote.secret:
        return _with(page, recorded=vote.voters.get(person))
    recorded = vote.ballot_of(*held) if held is not None else None
    return _with(page, recorded=recorded, held=held if recorded is not None else None,
                 held_wrong=held is not None and recorded is None,
                 lost=recorded is None and person in vote.voters)


def _with(page: VoterPage, **changes: object) -> VoterPage:
    return replace(page, **changes)


@dataclass(frozen=True)
class Cast:
    """A ballot's outcome: ``fresh`` — the codes made for a first secret ballot (to keep on the
    phone and show once); ``lost`` — a secret ballot already cast from a phone that no longer
    holds its codes (nothing was recorded: the voter types them in first); ``held_wrong`` — the
    phone offered codes that open no ballot (a guess, counted by the caller); ``closed`` — the
    vote the page showed is no longer open (nothing was recorded); ``ended`` — the sitting is over
    (the voter's link no longer works)."""

    fresh: Codes | None = None
    ended: bool = False
    lost: bool = False
    held_wrong: bool = False
    closed: bool = False


def cast_ballot(store: SqlRepository, village: str, sitting: str, person: str, vote: str,
                choice: Choice, held: Codes | None, at: datetime, attempt: Codes | None = None) -> Cast:
    """Cast or change ``person``'s ballot in ``vote``. ``held``: the codes this phone holds for
    a secret vote (None once the caller's limit on wrong tries is reached); ``attempt``: the codes
    of this page's attempt (:func:`attempt_codes`), used for a first secret ballot and recognised
    when that ballot is sent again without its answer having arrived."""
    state, found = sitting_of(store, village, sitting)
    if found.state in _ENDED:
        return Cast(ended=True)
    open_vote = state.open_vote(sitting)
    if open_vote is None or open_vote.id != vote:
        return Cast(closed=True)
    fresh = None
    receipt = code = None
    wrong = open_vote.secret and held is not None and open_vote.ballot_of(*held) is None
    if open_vote.secret and (held is None or wrong) and attempt is not None and person in open_vote.voters \
            and open_vote.ballot_of(*attempt) is not None:
        held, wrong, fresh = attempt, False, attempt  # this page's own first ballot, sent again
    if open_vote.secret:
        if person not in open_vote.voters:
            receipt, code = fresh = attempt or (_code(), _code())  # a first ballot: new codes
        elif held is not None and not wrong:
            receipt, code = held
        else:
            return Cast(lost=True, held_wrong=wrong)
    handle(store, village, c.CastBallot(sitting, vote, person, choice, receipt=receipt,
                                        change_code=code), at)
    return Cast(fresh=fresh, held_wrong=wrong)


def recover(store: SqlRepository, village: str, sitting: str, vote: str, receipt: str,
            code: str) -> Codes | None:
    """The codes typed in on another phone (or after the cookie was lost), normalised, if they
    open a ballot of the open secret ``vote``; else None (one answer for any mismatch)."""
    state, _ = sitting_of(store, village, sitting)
    open_vote = state.open_vote(sitting)
    receipt, code = normal_code(receipt), normal_code(code)
    if open_vote is None or open_vote.id != vote or not open_vote.secret:
        return None
    return (receipt, code) if open_vote.ballot_of(receipt, code) is not None else None

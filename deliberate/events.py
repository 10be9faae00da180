"""Events: the facts a village's record is made of.

Every accepted command becomes one event (a first secret ballot becomes two: that the voter took
part, in the chain, and the ballot itself, kept apart; a secret vote's card count likewise becomes a
sealed entry in the chain and the count itself, kept apart until the close). An event is a frozen value with the time
``at`` it happened; :mod:`deliberate.codec` turns it into the plain payload the hash chain stores
and back, so ``replay(record) == state`` for anyone holding the export.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from .bodies import Body
from .commands import Attachment
from .procedure import Action, Procedure, Stage
from .roster import BodyRoster
from .rules.model import Rule
from .submission import Channel
from .tally import Attendance, Choice, Tally

__all__ = [
    "EVENT_TYPES",
    "PRIVATE_EVENTS",
    "BallotCast",
    "CardCountConfirmed",
    "CardCountEntered",
    "CardCountSealed",
    "CheckedIn",
    "CheckedOut",
    "Event",
    "ImplementationCompleted",
    "MatterRaised",
    "MatterReturned",
    "MatterWithdrawn",
    "MinutesRecorded",
    "NoticeClosed",
    "NoticePublished",
    "ObjectionAnswered",
    "ObjectionLodged",
    "PlanAmended",
    "ProgressRecorded",
    "Receipt",
    "RequisitionRecorded",
    "SecretBallotCast",
    "SittingAdjourned",
    "SittingClosed",
    "SittingConvened",
    "SittingOpened",
    "SubmissionAnswered",
    "SubmissionLodged",
    "SubmissionTakenUp",
    "TellersAppointed",
    "TookPart",
    "TownshipReviewed",
    "VoteClosed",
    "VoteOpened",
]

_EVENT = {"frozen": True, "slots": True, "kw_only": True}


@dataclass(**_EVENT)
class MatterRaised:
    at: datetime
    matter: str
    title: str
    description: str
    procedure: Procedure
    plan: str
    origin: str
    amount: int | None
    by: str
    to_stage: Stage


@dataclass(**_EVENT)
class PlanAmended:
    at: datetime
    matter: str
    plan: str
    by: str


@dataclass(**_EVENT)
class SittingConvened:
    at: datetime
    sitting: str
    body: Body
    rule: Rule
    roster: BodyRoster
    agenda: tuple[str, ...]
    stages: tuple[Stage, ...]  # the step each agenda matter stood at
    scheduled_for: datetime
    notice_date: date
    place: str
    by: str


@dataclass(**_EVENT)
class CheckedIn:
    at: datetime
    sitting: str
    person: str


@dataclass(**_EVENT)
class CheckedOut:
    at: datetime
    sitting: str
    person: str


@dataclass(**_EVENT)
class TellersAppointed:
    at: datetime
    sitting: str
    counters: tuple[str, ...]
    scrutineers: tuple[str, ...]


@dataclass(**_EVENT)
class SittingOpened:
    at: datetime
    sitting: str
    by: str


@dataclass(**_EVENT)
class VoteOpened:
    at: datetime
    sitting: str
    vote: str
    matter: str
    motion: str
    secret: bool
    attendance: Attendance  # at the moment the vote opened (quorum is checked then)


@dataclass(**_EVENT)
class BallotCast:
    """An open (记名) ballot: who, and what."""

    at: datetime
    sitting: str
    vote: str
    voter: str
    choice: Choice


@dataclass(**_EVENT)
class TookPart:
    """A secret (无记名) vote: the voter took part. Their choice is not here."""

    at: datetime
    sitting: str
    vote: str
    voter: str


@dataclass(**_EVENT)
class SecretBallotCast:
    """A secret ballot, kept apart from the chain and from any voter id.

    ``code_digest`` is SHA-256 of the receipt and the change code only the voter's device holds
    (:func:`deliberate.village.change_code_digest`): the receipt is published at the close, the
    change code never, so knowing someone's receipt is not enough to change their ballot. The
    store keeps neither ``at`` nor any order: the time would link the ballot to its ``TookPart``.
    """

    at: datetime
    sitting: str
    vote: str
    receipt: str
    choice: Choice
    code_digest: str | None = None


@dataclass(frozen=True, slots=True)
class Receipt:
    receipt: str
    choice: Choice


@dataclass(**_EVENT)
class CardCountEntered:
    """A card count entered by a counter, from the account ``account``.

    For an open (记名) vote ``tally`` is the count. For a secret vote the count stays sealed until
    the close: ``tally`` is None and ``seal`` is SHA-256 over the count and a random nonce, both
    kept apart (:class:`CardCountSealed`) and published in the vote's closing entry, where anyone
    can check them against this seal.
    """

    at: datetime
    sitting: str
    vote: str
    counter: str
    tally: Tally | None
    seal: str | None = None
    account: str | None = None


@dataclass(**_EVENT)
class CardCountSealed:
    """A secret vote's card count, kept apart from the chain until the vote closes."""

    at: datetime
    sitting: str
    vote: str
    tally: Tally
    nonce: str


@dataclass(**_EVENT)
class CardCountConfirmed:
    at: datetime
    sitting: str
    vote: str
    scrutineer: str
    account: str | None = None


@dataclass(**_EVENT)
class VoteClosed:
    """The close of a vote: the counts, the attendance, and where the matter goes.

    For a secret vote, ``ballots`` lists every (receipt, choice) sorted by receipt and
    ``receipts_digest`` is the SHA-256 of their canonical JSON: the count can be checked and each
    voter can find their receipt, without linking a person to a choice; ``cards_nonce`` opens the
    seal of a secret vote's card count.
    """

    at: datetime
    sitting: str
    vote: str
    matter: str
    electronic: Tally
    cards: Tally | None
    attendance: Attendance
    quorate: bool
    passed: bool
    action: Action  # ADOPT, REJECT or ADJOURN
    to_stage: Stage
    ballots: tuple[Receipt, ...]
    receipts_digest: str | None
    cards_nonce: str | None = None  # a secret vote's card-count nonce, to check the seal


@dataclass(**_EVENT)
class MinutesRecorded:
    at: datetime
    sitting: str
    clerk: str
    summary: str
    speakers: tuple[str, ...]
    recording_ref: str | None
    recording_sha256: str | None


@dataclass(**_EVENT)
class SittingAdjourned:
    at: datetime
    sitting: str
    reason: str


@dataclass(**_EVENT)
class SittingClosed:
    at: datetime
    sitting: str


@dataclass(**_EVENT)
class MatterReturned:
    at: datetime
    matter: str
    action: Action  # RETURN (by the party organisation) or REHOLD (by the supervisory committee)
    to_stage: Stage
    reason: str
    by: str


@dataclass(**_EVENT)
class MatterWithdrawn:
    at: datetime
    matter: str
    reason: str
    by: str
    to_stage: Stage


@dataclass(**_EVENT)
class TownshipReviewed:
    at: datetime
    matter: str
    approved: bool
    reference: str
    by: str
    to_stage: Stage


@dataclass(**_EVENT)
class NoticePublished:
    at: datetime
    matter: str
    stage: Stage
    published_on: date
    first: date
    last: date
    contacts: str
    issued_by: str


@dataclass(**_EVENT)
class ObjectionLodged:
    at: datetime
    matter: str
    objection: str
    lodged_on: date
    text: str


@dataclass(**_EVENT)
class ObjectionAnswered:
    at: datetime
    matter: str
    objection: str
    answered_on: date
    answer: str
    upheld: bool
    by: str
    to_stage: Stage


@dataclass(**_EVENT)
class NoticeClosed:
    at: datetime
    matter: str
    on: date
    to_stage: Stage


@dataclass(**_EVENT)
class ProgressRecorded:
    at: datetime
    matter: str
    entry: str
    on: date
    description: str
    spent: int
    attachments: tuple[Attachment, ...]


@dataclass(**_EVENT)
class ImplementationCompleted:
    at: datetime
    matter: str
    on: date
    summary: str
    to_stage: Stage


@dataclass(**_EVENT)
class SubmissionLodged:
    at: datetime
    submission: str
    received_on: date
    text: str
    channel: Channel
    recorded_by: str | None


@dataclass(**_EVENT)
class SubmissionTakenUp:
    at: datetime
    submission: str
    matter: str
    on: date
    by: str


@dataclass(**_EVENT)
class SubmissionAnswered:
    at: datetime
    submission: str
    answered_on: date
    answer: str
    by: str


@dataclass(**_EVENT)
class RequisitionRecorded:
    at: datetime
    matter: str
    requisition: str
    kind: str
    received_on: date
    signers: tuple[str, ...]
    eligible: int
    by: str


Event = (MatterRaised | PlanAmended | SittingConvened | CheckedIn | CheckedOut | TellersAppointed
         | SittingOpened | VoteOpened | BallotCast | TookPart | SecretBallotCast | CardCountEntered
         | CardCountSealed | CardCountConfirmed | VoteClosed | MinutesRecorded | SittingAdjourned | SittingClosed
         | MatterReturned | MatterWithdrawn | TownshipReviewed | NoticePublished | ObjectionLodged
         | ObjectionAnswered | NoticeClosed | ProgressRecorded | ImplementationCompleted
         | SubmissionLodged | SubmissionTakenUp | SubmissionAnswered | RequisitionRecorded)

# The record's "type" field names each event by its snake_case name.
EVENT_TYPES: dict[str, type] = {
    "".join("_" + c.lower() if c.isupper() else c for c in cls.__name__).lstrip("_"): cls
    for cls in Event.__args__  # type: ignore[attr-defined]
}

# Events kept apart from the hash chain (and from any time or order that could link them to a
# person): a secret ballot, and a secret vote's card count until the close.
PRIVATE_EVENTS: frozenset[type] = frozenset({SecretBallotCast, CardCountSealed})

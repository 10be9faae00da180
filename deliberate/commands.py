"""Commands: what officials, tellers and villagers ask of a village's record.

A command is a request, not a fact: :func:`deliberate.village.decide` checks it against the state
and the procedure's table and either returns the events it causes or raises a typed error. Time is
not part of a command; it is passed to ``decide`` as ``now``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from .periods import HolidayCalendar
from .procedure import Procedure, Stage
from .roster import BodyRoster
from .rules.model import Rule
from .submission import Channel
from .tally import Choice, Tally

__all__ = [
    "AdjournSitting",
    "AmendPlan",
    "AnswerObjection",
    "AnswerSubmission",
    "AppointTellers",
    "Attachment",
    "CastBallot",
    "CheckIn",
    "CheckOut",
    "CloseNotice",
    "CloseSitting",
    "CloseVote",
    "Command",
    "CompleteImplementation",
    "ConfirmCardCount",
    "ConveneSitting",
    "EnterCardCount",
    "LodgeObjection",
    "LodgeSubmission",
    "OpenSitting",
    "OpenVote",
    "PublishNotice",
    "RaiseMatter",
    "RecordMinutes",
    "RecordProgress",
    "RecordRequisition",
    "RecordTownshipReview",
    "RequireRehold",
    "ReturnMatter",
    "TakeUpSubmission",
    "WithdrawMatter",
]


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file attached to a progress entry or minutes, known by its name and SHA-256."""

    name: str
    sha256: str


@dataclass(frozen=True, slots=True)
class RaiseMatter:
    matter: str
    title: str
    procedure: Procedure
    by: str
    description: str = ""
    plan: str = ""
    origin: str = "party_organisation"  # or villagers, village_committee, supervisory_committee...
    amount: int | None = None  # money involved, in fen (分)


@dataclass(frozen=True, slots=True)
class AmendPlan:
    matter: str
    plan: str
    by: str


@dataclass(frozen=True, slots=True)
class ConveneSitting:
    """Schedule a sitting of ``rule.body`` for the matters on ``agenda`` (each at a sitting step)."""

    sitting: str
    rule: Rule
    roster: BodyRoster
    agenda: tuple[str, ...]
    scheduled_for: datetime
    notice_date: date
    place: str
    by: str
    # The stricter reading of the notice period (periods.advance_notice_earliest): a calendar to
    # extend its end over rest days with; None, the default reading, extends nothing.
    notice_extended_by: HolidayCalendar | None = None


@dataclass(frozen=True, slots=True)
class CheckIn:
    sitting: str
    person: str


@dataclass(frozen=True, slots=True)
class CheckOut:
    sitting: str
    person: str


@dataclass(frozen=True, slots=True)
class AppointTellers:
    sitting: str
    counters: tuple[str, ...]
    scrutineers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class OpenSitting:
    sitting: str
    by: str


@dataclass(frozen=True, slots=True)
class OpenVote:
    sitting: str
    vote: str
    matter: str
    motion: str
    secret: bool = False


@dataclass(frozen=True, slots=True)
class CastBallot:
    """A ballot on a phone. A secret ballot carries a random ``receipt`` and a random
    ``change_code``, both made on the voter's side; to change it, the voter presents both again.
    The receipt is published at the close (so the voter can find their ballot); the change code
    never leaves the voter's device and the record keeps only its digest."""

    sitting: str
    vote: str
    voter: str
    choice: Choice
    receipt: str | None = None
    change_code: str | None = None


@dataclass(frozen=True, slots=True)
class EnterCardCount:
    """A counter's count of the raised cards. ``account`` is the login it was entered from (a
    front end passes it; the record keeps it). For a secret vote the count is sealed until the
    close, under a random ``nonce`` the caller makes (needed then)."""

    sitting: str
    vote: str
    counter: str
    tally: Tally
    account: str | None = None
    nonce: str | None = None


@dataclass(frozen=True, slots=True)
class ConfirmCardCount:
    """The scrutineer's confirmation, from the login ``account``: a different person, and a
    different account, from the counter's."""

    sitting: str
    vote: str
    scrutineer: str
    account: str | None = None


@dataclass(frozen=True, slots=True)
class CloseVote:
    sitting: str
    vote: str


@dataclass(frozen=True, slots=True)
class RecordMinutes:
    sitting: str
    clerk: str
    summary: str
    speakers: tuple[str, ...] = ()
    recording_ref: str | None = None
    recording_sha256: str | None = None


@dataclass(frozen=True, slots=True)
class AdjournSitting:
    sitting: str
    reason: str


@dataclass(frozen=True, slots=True)
class CloseSitting:
    sitting: str


@dataclass(frozen=True, slots=True)
class ReturnMatter:
    matter: str
    to: Stage
    reason: str
    by: str


@dataclass(frozen=True, slots=True)
class RequireRehold:
    """The supervisory committee requires a step already held to be held again."""

    matter: str
    step: Stage
    reason: str
    by: str


@dataclass(frozen=True, slots=True)
class WithdrawMatter:
    matter: str
    reason: str
    by: str


@dataclass(frozen=True, slots=True)
class RecordTownshipReview:
    matter: str
    approved: bool
    reference: str
    by: str
    return_to: Stage | None = None


@dataclass(frozen=True, slots=True)
class PublishNotice:
    matter: str
    published_on: date
    days: int
    contacts: str
    issued_by: str
    calendar: HolidayCalendar = field(default_factory=HolidayCalendar)


@dataclass(frozen=True, slots=True)
class LodgeObjection:
    matter: str
    objection: str
    lodged_on: date
    text: str


@dataclass(frozen=True, slots=True)
class AnswerObjection:
    matter: str
    objection: str
    answered_on: date
    answer: str
    upheld: bool
    by: str
    return_to: Stage | None = None


@dataclass(frozen=True, slots=True)
class CloseNotice:
    matter: str
    on: date


@dataclass(frozen=True, slots=True)
class RecordProgress:
    matter: str
    entry: str
    on: date
    description: str
    spent: int  # fen (分)
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True, slots=True)
class CompleteImplementation:
    matter: str
    on: date
    summary: str


@dataclass(frozen=True, slots=True)
class LodgeSubmission:
    """A villager's need or opinion (民情), sent online or taken down by a clerk.

    Who sent it and how to reach them are personal data and not part of the public record: the
    caller keeps them apart (the web UI's store does), keyed by ``submission``.
    """

    submission: str
    received_on: date
    text: str
    channel: Channel = Channel.ONLINE
    recorded_by: str | None = None  # the clerk who took it down (Channel.CLERK)


@dataclass(frozen=True, slots=True)
class TakeUpSubmission:
    """The submission became ``matter``: it is followed from then on as that matter."""

    submission: str
    matter: str
    on: date
    by: str


@dataclass(frozen=True, slots=True)
class AnswerSubmission:
    """The submission is settled without a matter (handled directly, or out of the village's
    remit); the answer is public."""

    submission: str
    answered_on: date
    answer: str
    by: str


@dataclass(frozen=True, slots=True)
class RecordRequisition:
    """A request to convene, signed by ``signers`` (people of the roster) of the ``eligible`` who
    could sign, received on ``received_on``, about ``matter`` (组织法 第21、26条: ``kind`` names a
    :data:`deliberate.convening.REQUISITIONS` entry)."""

    matter: str
    requisition: str
    kind: str
    received_on: date
    signers: tuple[str, ...]
    eligible: int
    by: str


Command = (RaiseMatter | AmendPlan | ConveneSitting | CheckIn | CheckOut | AppointTellers
           | OpenSitting | OpenVote | CastBallot | EnterCardCount | ConfirmCardCount | CloseVote
           | RecordMinutes | AdjournSitting | CloseSitting | ReturnMatter | RequireRehold
           | WithdrawMatter | RecordTownshipReview | PublishNotice | LodgeObjection
           | AnswerObjection | CloseNotice | RecordProgress | CompleteImplementation
           | LodgeSubmission | TakeUpSubmission | AnswerSubmission | RecordRequisition)


"""deliberate — village deliberation and voting under the 四议两公开 procedure.

The pure core: statutory rules with their citations, tallies, the procedure engine (a table),
the roster, and a hash-chained record. Standard library only; no I/O. See docs/ for the concepts
and the API.
"""

from . import commands, events, procedure, rules
from .bodies import Body
from .errors import (
    AlreadyExists,
    BallotError,
    ChainBroken,
    ConcurrencyConflict,
    CountExceedsPresent,
    DateOrderError,
    DeliberateError,
    IllegalAction,
    InvalidInput,
    InvalidNumbers,
    InvalidRule,
    MalformedEntry,
    NotEligible,
    NotFound,
    NoticeError,
    NoticeTooShort,
    NotQuorate,
    ProcedureError,
    RecordError,
    TellerError,
    WrongBody,
    WrongRule,
)
from .ledger import Ledger
from .notice import implementation_notice, resolution_notice
from .periods import HolidayCalendar, Period, notice_period
from .procedure import Action, Procedure, Stage
from .profiles import NATIONAL, Profile
from .record import Checkpoint, Entry, Verification, from_jsonl, to_jsonl, verify
from .repository import InMemoryRepository, Repository
from .roster import BodyRoster, Roster
from .state import VillageState
from .submission import Channel, SubmissionStatus
from .tally import Attendance, Choice, Tally
from .village import decide, evolve, replay

__version__ = "0.1.0"

__all__ = [
    "NATIONAL",
    "Action",
    "AlreadyExists",
    "Attendance",
    "BallotError",
    "Body",
    "BodyRoster",
    "ChainBroken",
    "Channel",
    "Checkpoint",
    "Choice",
    "ConcurrencyConflict",
    "CountExceedsPresent",
    "DateOrderError",
    "DeliberateError",
    "Entry",
    "HolidayCalendar",
    "IllegalAction",
    "InMemoryRepository",
    "InvalidInput",
    "InvalidNumbers",
    "InvalidRule",
    "Ledger",
    "MalformedEntry",
    "NotEligible",
    "NotFound",
    "NotQuorate",
    "NoticeError",
    "NoticeTooShort",
    "Period",
    "Procedure",
    "ProcedureError",
    "Profile",
    "RecordError",
    "Repository",
    "Roster",
    "Stage",
    "SubmissionStatus",
    "Tally",
    "TellerError",
    "Verification",
    "VillageState",
    "WrongBody",
    "WrongRule",
    "commands",
    "decide",
    "events",
    "evolve",
    "from_jsonl",
    "implementation_notice",
    "notice_period",
    "procedure",
    "replay",
    "resolution_notice",
    "rules",
    "to_jsonl",
    "verify",
]

"""The exceptions of deliberate: one tree, messages in the user's language.

::

    DeliberateError                    every error the library raises on purpose
    ├── InvalidInput (also ValueError) a value that cannot be: bad numbers, bad rule data
    │   ├── InvalidNumbers             negative counts, more ballots than people present, ...
    │   └── InvalidRule                a rule built or loaded from malformed data
    ├── ProcedureError                 a command the procedure refuses; nothing changes
    │   ├── IllegalAction              (stage, action) is not in the procedure's table
    │   ├── NotFound (also LookupError) no such matter, sitting, vote or objection
    │   ├── AlreadyExists              an id that is already taken
    │   ├── WrongRule                  a sitting under a rule the step does not name
    │   │   └── WrongBody              … of a body the step does not need
    │   ├── NoticeTooShort             the sitting is convened with too little notice
    │   ├── NotQuorate                 a vote cannot open without a quorum
    │   ├── NotEligible                absent, without a vote, or not in the body
    │   ├── CountExceedsPresent        ballots plus card counts would exceed those present
    │   ├── TellerError                counter/scrutineer rules for card counts
    │   ├── BallotError                receipts and changed ballots in a secret vote
    │   ├── NoticeError                notice periods, objections
    │   └── DateOrderError             a day before the fact it follows, or after the record's day
    └── RecordError                    the hash-chained log
        ├── ChainBroken                verification failed at a height
        ├── BallotBoxMismatch          a secret vote's box or sealed count disagrees with the record
        ├── MalformedEntry (ValueError) an exported line that is not an entry
        └── ConcurrencyConflict        the head moved while a command was decided

Every error carries a message ``key`` and its ``fields``; ``str(error)`` is the Simplified Chinese
message, ``error.message("en")`` or ``error.message("zh_Hant")`` the others. Messages name the
identifiers involved (``present=1300``), so a developer reading Chinese or English finds the field.
"""

from __future__ import annotations

from .i18n import DEFAULT_LANG, text

__all__ = [
    "AlreadyExists",
    "BallotBoxMismatch",
    "BallotError",
    "ChainBroken",
    "ConcurrencyConflict",
    "CountExceedsPresent",
    "DateOrderError",
    "DeliberateError",
    "IllegalAction",
    "InvalidInput",
    "InvalidNumbers",
    "InvalidRule",
    "MalformedEntry",
    "NotEligible",
    "NotFound",
    "NotQuorate",
    "NoticeError",
    "NoticeTooShort",
    "ProcedureError",
    "RecordError",
    "TellerError",
    "WrongBody", "WrongRule",
]


class DeliberateError(Exception):
    """Base of every error deliberate raises on purpose."""

    def __init__(self, key: str, /, **fields: object) -> None:
        self.key = key
        self.fields = fields
        super().__init__(self.message(DEFAULT_LANG))

    def message(self, lang: str = DEFAULT_LANG) -> str:
        """The message in ``lang`` (``zh_Hans``, ``zh_Hant`` or ``en``)."""
        return text(self.key, lang, **{k: _localise(v, lang) for k, v in self.fields.items()})


def _localise(value: object, lang: str) -> object:
    """Fields that know their own words (stages, bodies, citations) speak the message's language."""
    for method in ("label", "cited", "text", "explain"):
        speak = getattr(value, method, None)
        if callable(speak):
            return speak(lang)
    return value


class InvalidInput(DeliberateError, ValueError):
    """A value that cannot be; also a ``ValueError`` so generic handlers catch it."""


class InvalidNumbers(InvalidInput):
    """Counts that cannot be: negative, or more than the people they are drawn from."""


class InvalidRule(InvalidInput):
    """A rule built or loaded from malformed data."""


class ProcedureError(DeliberateError):
    """A command the procedure refuses. The state is left exactly as it was."""


class IllegalAction(ProcedureError):
    """The (stage, action) pair is not in the procedure's table."""

    def __init__(self, key: str = "err_illegal_action", /, **fields: object) -> None:
        super().__init__(key, **fields)
        self.stage = fields.get("stage", fields.get("state"))
        self.action = fields.get("action")


class NotFound(ProcedureError, LookupError):
    """No matter, sitting, vote or objection with that id."""


class AlreadyExists(ProcedureError):
    """The id is already taken."""


class WrongRule(ProcedureError):
    """The sitting is convened under a rule other than the one the matter's procedure names for
    its step (its quorum, majority or notice would not be the law's)."""


class WrongBody(WrongRule):
    """The step needs a sitting of another body."""


class NoticeTooShort(ProcedureError):
    """The sitting is convened with less notice than its rule requires."""


class NotQuorate(ProcedureError):
    """Too few are present to open a vote."""


class NotEligible(ProcedureError):
    """The person cannot vote (absent, no vote right, not in the body) or cannot attend."""


class CountExceedsPresent(ProcedureError):
    """Electronic ballots plus card counts would exceed the voters present."""


class TellerError(ProcedureError):
    """A card count entered or confirmed by the wrong person, or not confirmed."""


class BallotError(ProcedureError):
    """A secret ballot without a usable receipt."""


class NoticeError(ProcedureError):
    """A notice, objection or notice period refused."""


class DateOrderError(ProcedureError):
    """A dated fact before the fact it follows, or dated after the record's own day
    (:mod:`deliberate.chronology`); the message names both days."""


class RecordError(DeliberateError):
    """Problems with the hash-chained record."""


class ChainBroken(RecordError):
    """Verification failed; ``height`` is the first bad entry."""

    def __init__(self, key: str = "err_chain", /, **fields: object) -> None:
        super().__init__(key, **fields)
        self.height = fields.get("height")


class BallotBoxMismatch(RecordError):
    """A secret vote's ballots, kept apart from the chain, disagree with what the chain records:
    more or fewer ballots than people who took part, or a card count that is not the sealed one."""


class MalformedEntry(RecordError, ValueError):
    """An exported line that is not a record entry."""


class ConcurrencyConflict(RecordError):
    """Another writer appended first; decide again on the new state."""

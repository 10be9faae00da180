"""Choices, tallies and attendance: the counted numbers a rule decides on.

Counts are plain ``int``; a value that cannot be (a negative count, more present than expected)
raises :class:`~deliberate.errors.InvalidNumbers`, which is also a ``ValueError`` and names the
field that is wrong.

>>> Tally.of([Choice.APPROVE, Choice.OPPOSE, Choice.APPROVE])
Tally(approve=2, oppose=1, abstain=0)
>>> Attendance(expected=10, present=11)
Traceback (most recent call last):
  ...
deliberate.errors.InvalidNumbers: present=11 不能多于 expected=10
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from .errors import InvalidNumbers
from .i18n import DEFAULT_LANG, LANGS, check_lang

__all__ = ["Attendance", "Choice", "Tally", "check_count"]


class Choice(Enum):
    """赞成 / 反对 / 弃权."""

    APPROVE = "approve"
    OPPOSE = "oppose"
    ABSTAIN = "abstain"

    def label(self, lang: str = DEFAULT_LANG) -> str:
        return _CHOICE_LABELS[self][LANGS.index(check_lang(lang))]


_CHOICE_LABELS = {
    Choice.APPROVE: ("赞成", "贊成", "approve"),
    Choice.OPPOSE: ("反对", "反對", "oppose"),
    Choice.ABSTAIN: ("弃权", "棄權", "abstain"),
}


_INDEX = {Choice.APPROVE: 0, Choice.OPPOSE: 1, Choice.ABSTAIN: 2}


def check_count(field: str, value: object) -> int:
    """``value`` if it is a non-negative ``int`` (``bool`` is not a count); else InvalidNumbers."""
    if type(value) is not int:
        raise InvalidNumbers("err_not_int", field=field, value=value)
    if value < 0:
        raise InvalidNumbers("err_negative", field=field, value=value)
    return value


def _not_more(field: str, value: int, limit_field: str, limit: int) -> None:
    if value > limit:
        raise InvalidNumbers("err_exceeds", field=field, value=value, limit_field=limit_field,
                             limit=limit)


@dataclass(frozen=True, slots=True)
class Tally:
    """Ballots for each choice."""

    approve: int = 0
    oppose: int = 0
    abstain: int = 0

    def __post_init__(self) -> None:
        for name in ("approve", "oppose", "abstain"):
            check_count(name, getattr(self, name))

    @property
    def cast(self) -> int:
        """All ballots cast."""
        return self.approve + self.oppose + self.abstain

    def __add__(self, other: Tally) -> Tally:
        if not isinstance(other, Tally):
            return NotImplemented
        return Tally(self.approve + other.approve, self.oppose + other.oppose,
                     self.abstain + other.abstain)

    def count(self, choice: Choice) -> int:
        return getattr(self, choice.value)

    def adding(self, choice: Choice, n: int = 1) -> Tally:
        """This tally with ``n`` more (or, negative, fewer) ballots for ``choice``."""
        return Tally(**{**self.as_dict(), choice.value: self.count(choice) + n})

    def moved(self, before: Choice | None, after: Choice) -> Tally:
        """This tally after a ballot changes from ``before`` (None: a new ballot) to ``after``.

        The hot path of replaying a vote: it builds the result without re-validating counts that
        can only stay non-negative (a ballot is taken away only from the choice it was counted in).
        """
        counts = [self.approve, self.oppose, self.abstain]
        if before is not None:
            counts[_INDEX[before]] -= 1
        counts[_INDEX[after]] += 1
        new = object.__new__(Tally)
        object.__setattr__(new, "approve", counts[0])
        object.__setattr__(new, "oppose", counts[1])
        object.__setattr__(new, "abstain", counts[2])
        return new

    def as_dict(self) -> dict[str, int]:
        return {"approve": self.approve, "oppose": self.oppose, "abstain": self.abstain}

    @classmethod
    def of(cls, choices: Iterable[Choice]) -> Tally:
        """Count an iterable of choices (a Counter does the work: C speed, no per-item Python)."""
        counts = Counter(choices)
        unknown = set(counts) - set(Choice)
        if unknown:
            raise InvalidNumbers("err_bad_value", field="choice",
                                 detail=f"not a Choice: {sorted(map(repr, unknown))[0]}")
        return cls(counts[Choice.APPROVE], counts[Choice.OPPOSE], counts[Choice.ABSTAIN])

    @classmethod
    def of_ballots(cls, ballots: Iterable[tuple[object, Choice]]) -> Tally:
        """Tally (voter, choice) pairs in the order cast; a voter's last ballot is the one counted."""
        return cls.of(dict(ballots).values())


@dataclass(frozen=True, slots=True)
class Attendance:
    """Who counts (应到) and who came (实到) to a sitting.

    ``expected``: those the body counts — adults on the meeting date for a villagers' meeting, the
    members for a committee, the full members with voting rights who should attend for a party
    members' meeting. ``present``: those of them present when the vote is taken.
    ``households``/``households_present``: for the household branch of a villagers' (or group)
    meeting quorum. ``members``: all members, where a rule counts against everyone (land contracting)
    and some were excused from ``expected``; defaults to ``expected``.
    """

    expected: int
    present: int
    households: int | None = None
    households_present: int | None = None
    members: int | None = None

    def __post_init__(self) -> None:
        check_count("expected", self.expected)
        check_count("present", self.present)
        _not_more("present", self.present, "expected", self.expected)
        if (self.households is None) != (self.households_present is None):
            raise InvalidNumbers("err_households_pair")
        if self.households is not None:
            check_count("households", self.households)
            check_count("households_present", self.households_present)
            _not_more("households_present", self.households_present, "households",
                      self.households)
            # Each household present is present through at least one person.
            _not_more("households_present", self.households_present, "present", self.present)
        if self.members is None:
            object.__setattr__(self, "members", self.expected)
        else:
            check_count("members", self.members)
            _not_more("expected", self.expected, "members", self.members)

    def check_tally(self, tally: Tally) -> None:
        """Refuse a tally with more ballots than people present."""
        _not_more("approve+oppose+abstain", tally.cast, "present", self.present)

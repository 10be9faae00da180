"""The number a villager is given for a submission (民情) or an objection (异议), and the day by
which it will be answered.

A number is the year the record took it down and its place among that year's submissions and
objections in the record, ``2026-0007``: short enough to read out on the phone, and the same
every time the record is read, because the record only grows at its end. It says nothing about
who lodged it; what it leads to is already public (see :mod:`deliberate.submission`).

The answer is due a number of days after the day it was lodged (the village's setting for
objections, used for submissions too), counted as 民法典 第201、203条 count them
(:func:`deliberate.periods.period_end`): the day of lodging is not counted, and a last day that
is a rest day moves to the next working day.

>>> numbers = assign_numbers([("q1", date(2026, 3, 1)), ("o1", date(2026, 3, 2)),
...                           ("q2", date(2027, 1, 4))])
>>> [str(numbers[k]) for k in ("q1", "o1", "q2")]
['2026-0001', '2026-0002', '2027-0001']
>>> parse_number(" 2026-7 "), parse_number("第20260007号"), parse_number("abc")
(TrackingNumber(year=2026, seq=7), TrackingNumber(year=2026, seq=7), None)
>>> answer_by(date(2026, 3, 5), 3)  # Thursday + 3 days is Sunday: due Monday
datetime.date(2026, 3, 9)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import Enum

from .i18n import DEFAULT_LANG, LANGS, check_lang
from .periods import WEEKENDS, HolidayCalendar, period_end

__all__ = ["Kind", "TrackingNumber", "answer_by", "assign_numbers", "parse_number"]

# A number is typed by hand: refuse anything longer than a real one could be before parsing it.
_MAX_TYPED = 40
_FIRST_YEAR, _LAST_YEAR = 2000, 2999


class Kind(Enum):
    """What a number was given for."""

    SUBMISSION = "submission"
    OBJECTION = "objection"

    def label(self, lang: str = DEFAULT_LANG) -> str:
        return _LABELS[self][LANGS.index(check_lang(lang))]


_LABELS = {Kind.SUBMISSION: ("民情意见", "民情意見", "Submission"),
           Kind.OBJECTION: ("异议", "異議", "Objection")}


@dataclass(frozen=True, order=True, slots=True)
class TrackingNumber:
    """A submission's or objection's number in its village: the year and the place in it."""

    year: int
    seq: int

    def __str__(self) -> str:
        return f"{self.year}-{self.seq:04d}"


def assign_numbers(lodged: Iterable[tuple[str, date]]) -> dict[str, TrackingNumber]:
    """Numbers for ``lodged`` — (key, the day the record took it down) in the record's order —
    counted from 1 in each year. Keys are the caller's (they must tell kinds apart)."""
    counts: dict[int, int] = {}
    numbers: dict[str, TrackingNumber] = {}
    for key, day in lodged:
        counts[day.year] = counts.get(day.year, 0) + 1
        numbers[key] = TrackingNumber(day.year, counts[day.year])
    return numbers


def parse_number(typed: str | None) -> TrackingNumber | None:
    """A number as a villager types it — ``2026-0007``, ``2026-7``, ``20260007``, ``第2026-7号``,
    with spaces or full-width digits — or None if it cannot be one."""
    text = (typed or "").strip()
    if not text or len(text) > _MAX_TYPED:
        return None
    text = text.strip("第号號 ").replace("－", "-").replace("—", "-").replace(" ", "")
    digits = [ch for ch in text if ch != "-"]
    if not all(ch.isdecimal() for ch in digits) or text.count("-") > 1:
        return None
    plain = "".join(str(int(ch)) for ch in digits)  # full-width ０-９ read as 0-9
    year_part, _, seq_part = text.partition("-")
    year_digits = len(year_part) if seq_part else 4
    if year_digits != 4 or len(plain) <= 4 or len(plain) > 4 + 6:
        return None
    year, seq = int(plain[:4]), int(plain[4:])
    if not _FIRST_YEAR <= year <= _LAST_YEAR or seq < 1:
        return None
    return TrackingNumber(year, seq)


def answer_by(lodged_on: date, days: int, calendar: HolidayCalendar = WEEKENDS) -> date:
    """The last day for the answer to something lodged on ``lodged_on``, ``days`` days given."""
    return period_end(lodged_on, days, calendar)

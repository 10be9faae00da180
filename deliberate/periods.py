"""Counting days as 民法典 第201–203条 count them, with the holiday calendar passed in.

- 第201条: a period counted in days starts on the next day; the day of the event is not counted.
- 第202条: a period counted in months or years ends on the corresponding day of the last month;
  when that month has no such day, on its last day (so 29 February + 1 year is 28 February).
- 第203条: a period whose last day is a statutory rest day ends on the first day after it; the last
  day ends at 24:00.

The core holds no calendar of its own: the State Council publishes holidays and make-up working
days (调休) each year, so the caller passes a :class:`HolidayCalendar`.

>>> from datetime import date
>>> cal = HolidayCalendar(holidays={date(2026, 10, 1), date(2026, 10, 2)})
>>> notice_period(date(2026, 9, 24), 7, cal)  # ends 10-1, a holiday; then 10-2, a weekend
Period(first=datetime.date(2026, 9, 25), last=datetime.date(2026, 10, 5))
>>> add_years(date(2008, 2, 29), 18)
datetime.date(2026, 2, 28)
"""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from .errors import InvalidInput

__all__ = [
    "HolidayCalendar",
    "Period",
    "add_months",
    "add_years",
    "advance_notice_earliest",
    "advance_notice_ok",
    "notice_period",
    "period_end",
]


def _check_date(name: str, value: object) -> date:
    # datetime is a date subclass; a period counts whole days, so refuse it rather than guess.
    if type(value) is not date:
        raise InvalidInput("err_bad_value", field=name, detail=f"{value!r} is not a date")
    return value


def _check_days(name: str, value: object) -> int:
    if type(value) is not int or value < 0:
        raise InvalidInput("err_bad_value", field=name, detail=f"{value!r} is not a whole number ≥ 0")
    return value


@dataclass(frozen=True)
class HolidayCalendar:
    """Statutory rest days: weekends (unless made working days) and the listed holidays."""

    holidays: frozenset[date] = field(default_factory=frozenset)
    workdays: frozenset[date] = field(default_factory=frozenset)  # weekend days worked (调休)
    weekends_rest: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        object.__setattr__(self, "workdays", frozenset(self.workdays))
        for d in self.holidays | self.workdays:
            _check_date("holiday", d)

    def is_rest_day(self, day: date) -> bool:
        if day in self.holidays:
            return True
        if day in self.workdays:
            return False
        return self.weekends_rest and day.weekday() >= 5

    def merged(self, other: HolidayCalendar) -> HolidayCalendar:
        """The days either calendar rests (a rest day of either wins over a working day of the
        other: a village's own holiday on a national make-up working day rests)."""
        holidays = self.holidays | other.holidays
        return HolidayCalendar(holidays, (self.workdays | other.workdays) - holidays,
                               self.weekends_rest and other.weekends_rest)

    def to_data(self) -> dict[str, object]:
        return {"holidays": sorted(d.isoformat() for d in self.holidays),
                "workdays": sorted(d.isoformat() for d in self.workdays),
                "weekends_rest": self.weekends_rest}

    @classmethod
    def from_data(cls, data: dict[str, object]) -> HolidayCalendar:
        def days(key: str) -> Iterable[date]:
            return (date.fromisoformat(d) for d in data.get(key, ()))  # type: ignore[union-attr]

        return cls(frozenset(days("holidays")), frozenset(days("workdays")),
                   bool(data.get("weekends_rest", True)))


# Without a calendar, weekends are still rest days (法定休假日 includes the weekly rest days).
WEEKENDS = HolidayCalendar()


@dataclass(frozen=True, slots=True)
class Period:
    """A period from ``first`` to ``last``, both days included; it ends at 24:00 of ``last``."""

    first: date
    last: date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.first <= day <= self.last

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def over_on(self, day: date) -> bool:
        """Whether the period has run out by the start of ``day``."""
        return day > self.last


def period_end(start: date, days: int, calendar: HolidayCalendar = WEEKENDS) -> date:
    """The last day of a period of ``days`` days after the event on ``start`` (第201、203条)."""
    _check_date("start", start)
    _check_days("days", days)
    last = start + timedelta(days=days)
    while calendar.is_rest_day(last):
        last += timedelta(days=1)
    return last


def notice_period(published_on: date, days: int,
                  calendar: HolidayCalendar = WEEKENDS) -> Period:
    """The 公示期 of a notice posted on ``published_on``: from the next day for ``days`` days."""
    if _check_days("days", days) == 0:
        raise InvalidInput("err_bad_value", field="days", detail="a notice period lasts ≥ 1 day")
    return Period(published_on + timedelta(days=1), period_end(published_on, days, calendar))


def advance_notice_earliest(notice_date: date, days: int,
                            extended_by: HolidayCalendar | None = None) -> date:
    """The earliest meeting day for ``days`` days' notice given on ``notice_date``.

    The notice day is not counted (第201条) and the period runs to 24:00 of its last day
    (第203条), so the meeting falls on the day after the period at the earliest: ten days' notice
    given on 1 November allows a meeting on 12 November. By default no rest-day extension applies
    — 第203条 moves the end of a period in which something must be done, and here nothing is due
    on the last day. This is the reading that leaves no doubt that the full notice was given.

    ``extended_by``: the stricter reading a village may choose (its profile's
    ``notice_extends_over_rest_days``): 第203条第1款 applied to the notice period too, so a
    period whose last day rests under that calendar ends on the next working day, and the meeting
    falls the day after that.
    """
    _check_date("notice_date", notice_date)
    _check_days("days", days)
    if extended_by is not None:
        return period_end(notice_date, days, extended_by) + timedelta(days=1)
    return notice_date + timedelta(days=days + 1)


def advance_notice_ok(notice_date: date, meeting_date: date, days: int,
                      extended_by: HolidayCalendar | None = None) -> bool:
    """Whether a meeting on ``meeting_date`` had ``days`` days' notice given on ``notice_date``."""
    return _check_date("meeting_date", meeting_date) >= advance_notice_earliest(
        notice_date, days, extended_by)


def add_months(start: date, months: int) -> date:
    """The corresponding day ``months`` later, or that month's last day (第202条)."""
    _check_date("start", start)
    y, m = divmod(start.month - 1 + months, 12)
    year, month = start.year + y, m + 1
    return date(year, month, min(start.day, _calendar.monthrange(year, month)[1]))


def add_years(start: date, years: int) -> date:
    """``years`` years after ``start`` (第202条): the birthday an age is reached on."""
    return add_months(start, 12 * years)

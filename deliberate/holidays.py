"""The State Council's holidays and make-up working days (调休), as data, each year with its source.

A period's last day that falls on a statutory rest day moves to the next working day (民法典
第二百零三条), and which days rest is not a rule of weekdays alone: each year the General Office
of the State Council publishes the year's arrangement — the public holidays of the 全国年节及纪念日
放假办法, the weekend days moved next to them, and the weekend days that are worked instead. This
module carries those arrangements, copied from the published notices, for the years at hand; a
year not listed counts weekends only, and :func:`covers` says so, so a page can warn rather than
silently count wrong. A village adds its own rest days (a provincial holiday, say) to its profile
(:class:`deliberate.profiles.Profile`); the calendar its periods are counted with is this one with
those added (:func:`national` and :meth:`HolidayCalendar.merged`).

>>> from datetime import date
>>> calendar = national()
>>> calendar.is_rest_day(date(2026, 10, 8)), calendar.is_rest_day(date(2026, 10, 10))
(False, False)
>>> calendar.is_rest_day(date(2026, 2, 23)), calendar.is_rest_day(date(2026, 2, 28))
(True, False)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from types import MappingProxyType

from .periods import HolidayCalendar
from .rules.model import Citation, Wording

__all__ = ["STATE_COUNCIL", "Arrangement", "covers", "national"]


def _span(first: date, last: date) -> tuple[date, ...]:
    return tuple(first + timedelta(days=i) for i in range((last - first).days + 1))


@dataclass(frozen=True)
class Arrangement:
    """One year's arrangement: the rest days it makes (holidays and the weekend days moved next
    to them, listed in full) and the weekend days it makes working days, with its source."""

    year: int
    rest: tuple[date, ...]
    working: tuple[date, ...]
    source: Citation

    def __post_init__(self) -> None:
        if any(d.year != self.year for d in self.rest + self.working):
            raise ValueError(f"{self.year}: a day of another year")
        if set(self.rest) & set(self.working):
            raise ValueError(f"{self.year}: a day both rests and works")
        if any(d.weekday() < 5 for d in self.working):
            raise ValueError(f"{self.year}: a make-up working day that is not a weekend day")


def _d(year: int, month: int, day: int) -> date:
    return date(year, month, day)


_2025 = Arrangement(
    2025,
    rest=(_d(2025, 1, 1), *_span(_d(2025, 1, 28), _d(2025, 2, 4)), *_span(_d(2025, 4, 4), _d(2025, 4, 6)),
          *_span(_d(2025, 5, 1), _d(2025, 5, 5)), *_span(_d(2025, 5, 31), _d(2025, 6, 2)),
          *_span(_d(2025, 10, 1), _d(2025, 10, 8))),
    working=(_d(2025, 1, 26), _d(2025, 2, 8), _d(2025, 4, 27), _d(2025, 9, 28), _d(2025, 10, 11)),
    source=Citation(Wording(
        "《国务院办公厅关于2025年部分节假日安排的通知》（国办发明电〔2024〕12号，2024年11月12日）",
        "《國務院辦公廳關於2025年部分節假日安排的通知》（國辦發明電〔2024〕12號，2024年11月12日）",
        "General Office of the State Council, Notice on the 2025 holiday arrangements "
        "(Guobanfamingdian [2024] No. 12, 12 November 2024)"), "2024-11-12"),
)

_2026 = Arrangement(
    2026,
    rest=(*_span(_d(2026, 1, 1), _d(2026, 1, 3)), *_span(_d(2026, 2, 15), _d(2026, 2, 23)),
          *_span(_d(2026, 4, 4), _d(2026, 4, 6)), *_span(_d(2026, 5, 1), _d(2026, 5, 5)),
          *_span(_d(2026, 6, 19), _d(2026, 6, 21)), *_span(_d(2026, 9, 25), _d(2026, 9, 27)),
          *_span(_d(2026, 10, 1), _d(2026, 10, 7))),
    working=(_d(2026, 1, 4), _d(2026, 2, 14), _d(2026, 2, 28), _d(2026, 5, 9), _d(2026, 9, 20),
             _d(2026, 10, 10)),
    source=Citation(Wording(
        "《国务院办公厅关于2026年部分节假日安排的通知》（2025年11月4日）",
        "《國務院辦公廳關於2026年部分節假日安排的通知》（2025年11月4日）",
        "General Office of the State Council, Notice on the 2026 holiday arrangements "
        "(4 November 2025)"), "2025-11-04"),
)

# The years at hand. The notice for a year is published in November or December before it; add
# it here, with its source, when it is (docs/rules.md, "Holidays").
STATE_COUNCIL: Mapping[int, Arrangement] = MappingProxyType({a.year: a for a in (_2025, _2026)})


def _calendar(chosen: Iterable[Arrangement]) -> HolidayCalendar:
    chosen = list(chosen)
    return HolidayCalendar(frozenset(d for a in chosen for d in a.rest),
                           frozenset(d for a in chosen for d in a.working))


_ALL = _calendar(STATE_COUNCIL.values())  # made once: every village's calendar starts from it


def national(years: Iterable[int] | None = None) -> HolidayCalendar:
    """The calendar of the State Council's arrangements (of ``years``, or all at hand): their rest
    days and make-up working days, weekends resting otherwise."""
    if years is None:
        return _ALL
    return _calendar(STATE_COUNCIL[y] for y in years if y in STATE_COUNCIL)


def covers(first: date, last: date) -> bool:
    """Whether every year from ``first`` to ``last`` has its arrangement here (else its periods
    count weekends and the village's own days only)."""
    return all(y in STATE_COUNCIL for y in range(first.year, last.year + 1))

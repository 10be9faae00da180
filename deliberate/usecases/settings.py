"""A village's settings, as the :class:`~deliberate.profiles.Profile` it lives under: the national
rules, and the periods and the threshold local rules fix (the notice period, the days to answer an
objection, the amount above which a matter is major)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from deliberate.errors import InvalidRule
from deliberate.holidays import STATE_COUNCIL, Arrangement
from deliberate.periods import HolidayCalendar
from deliberate.profiles import NATIONAL, Profile
from deliberate.rules.model import Wording
from deliberate.store import SqlRepository

from .common import village_name

__all__ = ["LIMITS", "MAX_OWN_DAYS", "CalendarYear", "calendar_years", "save_calendar", "save_settings",
           "village_profile"]

# What the admin page may set, and within which bounds (days; yuan).
LIMITS = {"notice_period_days": (1, 90), "objection_answer_days": (1, 60),
          "major_matter_threshold_yuan": (0, 10**10)}
_NAMES = {"notice_period_days": Wording("公示期（天）", "公示期（天）", "the notice period (days)"),
          "objection_answer_days": Wording("异议答复期限（天）", "異議答覆期限（天）",
                                           "the days to answer an objection"),
          "major_matter_threshold_yuan": Wording("重大事项金额（元）", "重大事項金額（元）",
                                                 "the amount of a major matter (yuan)")}


MAX_OWN_DAYS = 400  # a village's own rest and working days, together
_OWN_DAYS = Wording("本村自己的休息日和调休上班日（天数）", "本村自己的休息日和調休上班日（天數）",
                    "the village's own rest and working days (how many)")


def _profile(saved: dict[str, Any]) -> Profile:
    # Saved before settings were a profile: the threshold in yuan, and a "procedure" never read.
    yuan = saved.get("major_matter_threshold_yuan")
    threshold = saved.get("major_matter_threshold", yuan * 100 if isinstance(yuan, int) else None)
    return replace(NATIONAL, notice_period_days=saved.get("notice_period_days", 7),
                   objection_answer_days=saved.get("objection_answer_days", 3),
                   major_matter_threshold=threshold,
                   own_days=HolidayCalendar.from_data(saved.get("own_days") or {}),
                   notice_extends_over_rest_days=bool(saved.get("notice_extends_over_rest_days")))


def village_profile(store: SqlRepository, village: str) -> Profile:
    """The profile ``village`` lives under (the national one, with its saved periods)."""
    return _profile(store.settings(village))


def save_settings(store: SqlRepository, village: str, *, notice_period_days: int,
                  objection_answer_days: int, major_matter_threshold_yuan: int | None,
                  own_rest_days: Sequence[date] | None = None,
                  own_working_days: Sequence[date] | None = None,
                  notice_extends_over_rest_days: bool | None = None) -> Profile:
    """Save the village's periods, threshold, own rest and working days and its reading of the
    advance notice (None: keep what is saved); InvalidRule (naming the setting and its bounds)
    for a value out of bounds, and nothing is saved."""
    village_name(store, village)
    before = village_profile(store, village)
    own = before.own_days
    if own_rest_days is not None or own_working_days is not None:
        rest = frozenset(own.holidays if own_rest_days is None else own_rest_days)
        working = frozenset(own.workdays if own_working_days is None else own_working_days)
        if len(rest) + len(working) > MAX_OWN_DAYS:
            # Every period of the village is counted with these: a year's worth of dates is
            # already more than any province has; thousands would be a typing accident or worse.
            raise InvalidRule("err_setting", name=_OWN_DAYS, low=0, high=MAX_OWN_DAYS)
        if rest & working:
            raise InvalidRule("err_own_day_twice", day=min(rest & working).isoformat())
        if any(d.weekday() < 5 for d in working):
            day = min(d for d in working if d.weekday() < 5)
            raise InvalidRule("err_working_day_not_weekend", day=day.isoformat())
        own = HolidayCalendar(rest, working)
    extends = (before.notice_extends_over_rest_days if notice_extends_over_rest_days is None
               else notice_extends_over_rest_days)
    given = {"notice_period_days": notice_period_days, "objection_answer_days": objection_answer_days,
             "major_matter_threshold_yuan": major_matter_threshold_yuan}
    for name, value in given.items():
        low, high = LIMITS[name]
        if value is None and name == "major_matter_threshold_yuan":
            continue
        if type(value) is not int or not low <= value <= high:
            raise InvalidRule("err_setting", name=_NAMES[name], low=low, high=high)
    profile = replace(NATIONAL, notice_period_days=notice_period_days,
                      objection_answer_days=objection_answer_days,
                      major_matter_threshold=None if major_matter_threshold_yuan is None
                      else major_matter_threshold_yuan * 100,
                      own_days=own, notice_extends_over_rest_days=extends)
    store.save_settings(village, {"profile": profile.name,
                                  "notice_period_days": profile.notice_period_days,
                                  "objection_answer_days": profile.objection_answer_days,
                                  "major_matter_threshold": profile.major_matter_threshold,
                                  "own_days": own.to_data(),
                                  "notice_extends_over_rest_days": extends})
    return profile


def save_calendar(store: SqlRepository, village: str, *, own_rest_days: Sequence[date],
                  own_working_days: Sequence[date], notice_extends_over_rest_days: bool) -> Profile:
    """Save the village's own rest and working days and its reading of the advance notice,
    keeping its other settings."""
    now = village_profile(store, village)
    threshold = now.major_matter_threshold
    return save_settings(store, village, notice_period_days=now.notice_period_days,
                         objection_answer_days=now.objection_answer_days,
                         major_matter_threshold_yuan=None if threshold is None else threshold // 100,
                         own_rest_days=own_rest_days, own_working_days=own_working_days,
                         notice_extends_over_rest_days=notice_extends_over_rest_days)


@dataclass(frozen=True)
class CalendarYear:
    """One year of the calendar a village's periods are counted with, as its settings page shows
    it: the State Council's arrangement (None if not at hand) and the village's own days."""

    year: int
    arrangement: Arrangement | None
    own_rest: tuple[date, ...]
    own_working: tuple[date, ...]


def calendar_years(store: SqlRepository, village: str, around: date) -> tuple[CalendarYear, ...]:
    """The calendar of ``village`` for the year of ``around`` and the next: what its periods are
    counted with, and for a year with no arrangement at hand, the fact (weekends only)."""
    own = village_profile(store, village).own_days
    return tuple(CalendarYear(y, STATE_COUNCIL.get(y),
                              tuple(sorted(d for d in own.holidays if d.year == y)),
                              tuple(sorted(d for d in own.workdays if d.year == y)))
                 for y in (around.year, around.year + 1))

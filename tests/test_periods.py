"""Day counting per 民法典 第201–203条, and ages per 第202条."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deliberate import InvalidInput
from deliberate.periods import (
    HolidayCalendar,
    Period,
    add_months,
    add_years,
    advance_notice_earliest,
    advance_notice_ok,
    notice_period,
    period_end,
)

# National Day 2026 (illustrative calendar passed in, as callers do).
NATIONAL_DAY = HolidayCalendar(holidays=frozenset(date(2026, 10, d) for d in range(1, 8)),
                               workdays=frozenset({date(2026, 9, 27), date(2026, 10, 10)}))


def test_the_start_day_is_not_counted():  # 第201条
    assert period_end(date(2026, 3, 2), 7, HolidayCalendar(weekends_rest=False)) == date(2026, 3, 9)
    assert notice_period(date(2026, 3, 2), 7, HolidayCalendar(weekends_rest=False)) == \
        Period(date(2026, 3, 3), date(2026, 3, 9))


def test_a_last_day_on_a_holiday_moves_to_the_next_working_day():  # 第203条
    # 24 Sep + 7 = 1 Oct, a holiday; the holidays run to 7 Oct; 8 Oct is a Thursday.
    assert period_end(date(2026, 9, 24), 7, NATIONAL_DAY) == date(2026, 10, 8)


def test_a_last_day_on_a_weekend_moves_to_monday():
    # 2026-03-14 is a Saturday.
    assert period_end(date(2026, 3, 7), 7) == date(2026, 3, 16)
    assert period_end(date(2026, 3, 6), 7) == date(2026, 3, 13)  # a Friday stays


def test_a_make_up_working_day_on_a_weekend_ends_a_period():
    # 2026-10-10 is a Saturday worked in lieu (调休): a period may end on it.
    assert period_end(date(2026, 10, 3), 7, NATIONAL_DAY) == date(2026, 10, 10)


def test_notice_period_contains_its_days():
    p = notice_period(date(2026, 3, 2), 7, HolidayCalendar(weekends_rest=False))
    assert date(2026, 3, 2) not in p and date(2026, 3, 3) in p and date(2026, 3, 9) in p
    assert date(2026, 3, 10) not in p and p.over_on(date(2026, 3, 10)) and not p.over_on(date(2026, 3, 9))
    assert p.days == 7


@pytest.mark.parametrize(("meeting", "ok"), [
    (date(2026, 11, 11), False),  # the tenth day itself: the period runs to 24:00
    (date(2026, 11, 12), True),
    (date(2026, 11, 13), True),
])
def test_ten_days_notice_given_on_1_november(meeting, ok):  # 组织法 第21条 with 第201、203条
    assert advance_notice_earliest(date(2026, 11, 1), 10) == date(2026, 11, 12)
    assert advance_notice_ok(date(2026, 11, 1), meeting, 10) is ok


def test_eighteenth_birthday_counts_and_29_february_maps_to_28_february():  # 第202条
    assert add_years(date(2008, 6, 2), 18) == date(2026, 6, 2)
    assert add_years(date(2008, 2, 29), 18) == date(2026, 2, 28)
    assert add_years(date(2008, 2, 29), 16) == date(2024, 2, 29)
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 12, 15), 2) == date(2027, 2, 15)


@pytest.mark.parametrize("bad", [-1, 1.5, "7", None])
def test_bad_day_counts_are_refused(bad):
    with pytest.raises(InvalidInput):
        period_end(date(2026, 1, 1), bad)


def test_a_notice_period_lasts_at_least_a_day():
    with pytest.raises(InvalidInput):
        notice_period(date(2026, 1, 1), 0)


def test_dates_must_be_dates():
    from datetime import datetime
    with pytest.raises(InvalidInput):
        period_end(datetime(2026, 1, 1, 9), 3)


def test_calendar_round_trips():
    assert HolidayCalendar.from_data(NATIONAL_DAY.to_data()) == NATIONAL_DAY


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 1, 1)), st.integers(1, 60))
def test_period_end_is_the_first_working_day_at_or_after_start_plus_days(start, days):
    end = period_end(start, days, NATIONAL_DAY)
    assert end >= start + timedelta(days=days)
    assert not NATIONAL_DAY.is_rest_day(end)
    day = start + timedelta(days=days)
    while day < end:
        assert NATIONAL_DAY.is_rest_day(day)
        day += timedelta(days=1)


def test_zero_days_is_the_event_day_itself_and_minus_one_is_refused():
    # 2026-03-04 is a Wednesday; 2026-03-07 a Saturday.
    assert period_end(date(2026, 3, 4), 0) == date(2026, 3, 4)
    assert period_end(date(2026, 3, 7), 0) == date(2026, 3, 9)
    assert advance_notice_earliest(date(2026, 11, 1), 0) == date(2026, 11, 2)
    assert advance_notice_ok(date(2026, 11, 1), date(2026, 11, 2), 0)
    assert not advance_notice_ok(date(2026, 11, 1), date(2026, 11, 1), 0)
    for refuse in (lambda: period_end(date(2026, 3, 4), -1),
                   lambda: advance_notice_earliest(date(2026, 11, 1), -1),
                   lambda: notice_period(date(2026, 3, 4), -1)):
        with pytest.raises(InvalidInput) as info:
            refuse()
        assert info.value.key == "err_bad_value" and info.value.fields["field"] == "days"
    with pytest.raises(InvalidInput):
        period_end(date(2026, 3, 4), True)


def test_a_one_day_notice_period():
    assert notice_period(date(2026, 3, 4), 1) == Period(date(2026, 3, 5), date(2026, 3, 5))
    assert notice_period(date(2026, 3, 4), 1).days == 1


def test_weekdays_and_weekends():
    cal = HolidayCalendar()
    friday, saturday, sunday, monday = (date(2026, 3, d) for d in (6, 7, 8, 9))
    assert [cal.is_rest_day(d) for d in (friday, saturday, sunday, monday)] == [False, True, True,
                                                                               False]
    no_weekends = HolidayCalendar(weekends_rest=False)
    assert not no_weekends.is_rest_day(saturday)
    assert HolidayCalendar(holidays={friday}, workdays={saturday}).is_rest_day(friday)
    assert HolidayCalendar(holidays={friday}, workdays={saturday}).is_rest_day(saturday) is False
    # A day listed as both is a holiday (the holiday list is read first).
    assert HolidayCalendar(holidays={monday}, workdays={monday}).is_rest_day(monday)


def test_a_stored_calendar_missing_keys_still_rests_on_weekends():
    cal = HolidayCalendar.from_data({})
    assert cal == HolidayCalendar() and cal.weekends_rest
    assert cal.is_rest_day(date(2026, 3, 7))
    only = HolidayCalendar.from_data({"holidays": ["2026-03-04"]})
    assert only.holidays == {date(2026, 3, 4)} and only.workdays == frozenset()
    assert only.is_rest_day(date(2026, 3, 4)) and only.is_rest_day(date(2026, 3, 8))
    assert not HolidayCalendar.from_data({"weekends_rest": False}).is_rest_day(date(2026, 3, 7))
    assert NATIONAL_DAY.to_data()["workdays"] == ["2026-09-27", "2026-10-10"]
    assert NATIONAL_DAY.to_data()["weekends_rest"] is True


def test_a_calendar_refuses_what_is_not_a_date():
    with pytest.raises(InvalidInput):
        HolidayCalendar(holidays={"2026-10-01"})
    with pytest.raises(InvalidInput):
        HolidayCalendar(workdays={date(2026, 10, 1), 5})


def test_period_bounds_and_length():
    p = Period(date(2026, 3, 3), date(2026, 3, 3))
    assert p.days == 1 and date(2026, 3, 3) in p
    assert date(2026, 3, 2) not in p and date(2026, 3, 4) not in p
    assert "2026-03-03" not in p
    assert not p.over_on(date(2026, 3, 3)) and p.over_on(date(2026, 3, 4))


def test_months_carry_into_years_and_shorter_months():
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2026, 1, 15), 12) == date(2027, 1, 15)
    assert add_months(date(2026, 1, 15), 11) == date(2026, 12, 15)
    assert add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)
    assert add_months(date(2026, 3, 30), 1) == date(2026, 4, 30)
    assert add_years(date(2000, 2, 29), 1) == date(2001, 2, 28)
    with pytest.raises(InvalidInput):
        add_months("2026-01-01", 1)


def test_merged_calendars_rest_on_either_and_a_rest_day_wins_over_a_working_day():
    from deliberate.periods import HolidayCalendar

    national = HolidayCalendar(frozenset({date(2026, 10, 1)}), frozenset({date(2026, 10, 10)}))
    own = HolidayCalendar(frozenset({date(2026, 10, 10), date(2026, 6, 22)}), frozenset({date(2026, 12, 5)}))
    merged = national.merged(own)
    assert merged.holidays == {date(2026, 10, 1), date(2026, 10, 10), date(2026, 6, 22)}
    assert merged.workdays == {date(2026, 12, 5)}  # 10 October rests: the village's holiday wins
    assert merged.weekends_rest
    assert not national.merged(HolidayCalendar(weekends_rest=False)).weekends_rest
    assert not HolidayCalendar(weekends_rest=False).merged(national).weekends_rest
    assert merged.is_rest_day(date(2026, 10, 10)) and not merged.is_rest_day(date(2026, 12, 5))


def test_the_stricter_reading_ends_the_notice_on_a_working_day_and_meets_the_day_after():
    """Ten days' notice given Monday 21 September 2026 with 1–7 October resting: the period's
    last day, 1 October, moves to 8 October, so the meeting is on the 9th at the earliest; by
    the default reading it is on 2 October. A last day that is a working day moves nothing."""
    from deliberate.periods import HolidayCalendar, advance_notice_earliest, advance_notice_ok

    rest = HolidayCalendar(frozenset(date(2026, 10, d) for d in range(1, 8)))
    given = date(2026, 9, 21)
    assert advance_notice_earliest(given, 10) == date(2026, 10, 2)
    assert advance_notice_earliest(given, 10, rest) == date(2026, 10, 9)
    assert advance_notice_earliest(date(2026, 9, 1), 10, rest) == date(2026, 9, 12)  # 11 Sept: a Friday
    assert advance_notice_ok(given, date(2026, 10, 9), 10, rest)
    assert not advance_notice_ok(given, date(2026, 10, 8), 10, rest)
    assert advance_notice_ok(given, date(2026, 10, 8), 10)

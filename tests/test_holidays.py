"""The State Council's holiday arrangements as data (deliberate.holidays), the calendar a village's
periods are counted with (its profile), and every path that counts a period using it: the notice
period, the answer to an objection, and a meeting's advance notice under either reading."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from helpers import CST, ROSTER, Village

from deliberate import NoticeTooShort, Stage, rules
from deliberate import commands as c
from deliberate.errors import InvalidRule
from deliberate.holidays import STATE_COUNCIL, Arrangement, covers, national
from deliberate.periods import WEEKENDS, HolidayCalendar, advance_notice_earliest, notice_period
from deliberate.profiles import NATIONAL, Profile
from deliberate.usecases import matters, open_store, settings


def test_each_years_arrangement_is_the_published_one():
    """Spot checks against the notices' text, and the shape every arrangement must have."""
    y25, y26 = STATE_COUNCIL[2025], STATE_COUNCIL[2026]
    assert "国办发明电〔2024〕12号" in y25.source.text("zh_Hans")
    assert "2026年部分节假日安排" in y26.source.text("zh_Hans")
    assert len([d for d in y25.rest if d.month in (1, 2) and d >= date(2025, 1, 28)]) == 8  # 春节 8 天
    assert len([d for d in y26.rest if d.month == 2]) == 9  # 2026 春节: 2月15日至23日，共9天
    assert date(2026, 10, 8) not in y26.rest and date(2025, 10, 8) in y25.rest  # 7 天 / 8 天
    assert y26.working == (date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9),
                           date(2026, 9, 20), date(2026, 10, 10))
    for a in STATE_COUNCIL.values():
        assert all(d.weekday() >= 5 for d in a.working)
        assert len(set(a.rest)) == len(a.rest)
    assert covers(date(2025, 3, 1), date(2026, 12, 31)) and not covers(date(2026, 12, 1), date(2027, 1, 5))


def test_an_arrangement_that_cannot_be_is_refused():
    source = STATE_COUNCIL[2026].source
    with pytest.raises(ValueError, match="not a weekend"):
        Arrangement(2026, (), (date(2026, 10, 9),), source)  # a Friday "made" a working day
    with pytest.raises(ValueError, match="another year"):
        Arrangement(2026, (date(2025, 12, 31),), (), source)
    with pytest.raises(ValueError, match="both"):
        Arrangement(2026, (date(2026, 10, 10),), (date(2026, 10, 10),), source)


def test_a_notice_period_ending_in_the_national_day_holiday_runs_to_the_next_working_day():
    """Posted 29 September 2026 for 7 days: the 7th day, 6 October, rests (国庆节 1–7 October), and
    so does the 7th; the period ends on Thursday 8 October. Counted with weekends only it would
    end on Tuesday 6 October, which is what the web UI did before."""
    assert notice_period(date(2026, 9, 29), 7, national()).last == date(2026, 10, 8)
    assert notice_period(date(2026, 9, 29), 7, WEEKENDS).last == date(2026, 10, 6)
    # A make-up working day (Saturday 10 October) is a working day: nothing moves past it.
    assert notice_period(date(2026, 10, 3), 7, national()).last == date(2026, 10, 10)
    assert notice_period(date(2026, 10, 3), 7, WEEKENDS).last == date(2026, 10, 12)


def test_a_villages_own_days_join_the_national_calendar_and_win_over_its_working_days():
    own = HolidayCalendar(frozenset({date(2026, 6, 22), date(2026, 10, 10)}), frozenset({date(2026, 12, 5)}))
    calendar = national().merged(own)
    assert calendar.is_rest_day(date(2026, 6, 22))  # a Monday: the province's own holiday
    assert calendar.is_rest_day(date(2026, 10, 10))  # the village rests on a national make-up day
    assert not calendar.is_rest_day(date(2026, 12, 5))  # a Saturday the village works
    profile = Profile("local", NATIONAL.title, own_days=own, notice_extends_over_rest_days=True)
    assert profile.calendar == calendar and profile.notice_extended_by == calendar
    assert Profile.from_data(profile.to_data()) == profile
    assert NATIONAL.notice_extended_by is None
    # A profile saved before calendars were kept has none: the national one, default reading.
    data = {k: v for k, v in NATIONAL.to_data().items()
            if k not in ("own_days", "notice_extends_over_rest_days")}
    assert Profile.from_data(data) == NATIONAL
    with pytest.raises(InvalidRule):
        Profile.from_data({**NATIONAL.to_data(), "own_days": {"holidays": ["2026-02-30"]}})
    with pytest.raises(InvalidRule):
        Profile("x", NATIONAL.title, notice_extends_over_rest_days="yes")


def test_the_stricter_reading_of_advance_notice_extends_over_rest_days():
    """Ten days' notice given 21 September 2026: the 10th day is 1 October. Default reading: the
    meeting may be held on 2 October. Stricter reading: the period ends on 8 October, the first
    working day after the holiday, and the meeting falls on the 9th at the earliest."""
    given = date(2026, 9, 21)
    assert advance_notice_earliest(given, 10) == date(2026, 10, 2)
    assert advance_notice_earliest(given, 10, national()) == date(2026, 10, 9)
    assert advance_notice_earliest(given, 0, national()) == date(2026, 9, 22)
    with pytest.raises(Exception, match="days"):
        advance_notice_earliest(given, -1, national())


def test_the_core_refuses_a_meeting_the_stricter_reading_does_not_allow():
    v = Village()
    v.to_stage("m1", Stage.RESOLUTION)
    v.now = datetime(2026, 9, 21, 9, tzinfo=CST)
    rule = rules.preset("villagers_meeting")
    meeting = datetime(2026, 10, 5, 9, tzinfo=CST)  # 14 days on: fine by the default reading

    def convene(sitting, extended_by):
        return c.ConveneSitting(sitting, rule, ROSTER.body(rule.body, meeting.date()), ("m1",), meeting,
                                date(2026, 9, 21), "广场", by="p1", notice_extended_by=extended_by)

    with pytest.raises(NoticeTooShort, match="2026-10-09"):
        v.do(convene("s8", national()))
    v.do(convene("s9", None))


@pytest.fixture
def village(tmp_path):
    """A village on a real store, its matter at the resolution notice step."""
    store = open_store(f"sqlite:///{tmp_path / 'v.sqlite3'}")
    store.create_village("v", "试验村")
    driver = Village("v", store)
    driver.to_stage("m1", Stage.RESOLUTION_NOTICE)
    return store, driver


def test_the_notice_published_through_the_use_case_is_counted_with_the_villages_calendar(village):
    """The clerk's page and the API publish through this use case: the period it records is
    counted with the village's calendar (its own rest day here), not with weekends only."""
    store, driver = village
    today = driver.today
    own_rest = today + timedelta(days=7)
    while own_rest.weekday() >= 5:
        own_rest += timedelta(days=1)
    days = (own_rest - today).days
    settings.save_calendar(store, "v", own_rest_days=[own_rest], own_working_days=[],
                           notice_extends_over_rest_days=False)
    matters.publish_notice(store, "v", "m1", published_on=today, days=days, contacts="村委会 0000",
                           issued_by="村民委员会", at=driver.now)
    state = settings.village_profile(store, "v")
    assert state.own_days.holidays == {own_rest}
    notice = driver.ledger.__class__("v", store).state.matters["m1"].notice
    expected = own_rest + timedelta(days=1)
    while national().is_rest_day(expected):
        expected += timedelta(days=1)
    assert notice.period.last == expected > own_rest


def test_saving_a_calendar_that_cannot_be_changes_nothing(village):
    store, _ = village
    before = store.settings("v")
    with pytest.raises(InvalidRule, match="2026-12-07"):
        settings.save_calendar(store, "v", own_rest_days=[], own_working_days=[date(2026, 12, 7)],
                               notice_extends_over_rest_days=True)  # a Monday is no make-up day
    with pytest.raises(InvalidRule):
        settings.save_calendar(store, "v", own_rest_days=[date(2026, 12, 5)],
                               own_working_days=[date(2026, 12, 5)], notice_extends_over_rest_days=True)
    assert store.settings("v") == before
    years = settings.calendar_years(store, "v", date(2026, 12, 4))
    assert [(y.year, y.arrangement is not None) for y in years] == [(2026, True), (2027, False)]


def test_a_calendar_of_thousands_of_own_days_is_refused(village):
    """Every period of the village is counted with its own days: more than a year's worth (a
    pasted list gone wrong, or an attempt to slow every page) is refused, naming the bound."""
    store, _ = village
    before = store.settings("v")
    days = [date(2026, 1, 1) + timedelta(days=i) for i in range(settings.MAX_OWN_DAYS + 1)]
    with pytest.raises(InvalidRule, match=str(settings.MAX_OWN_DAYS)):
        settings.save_calendar(store, "v", own_rest_days=days, own_working_days=[],
                               notice_extends_over_rest_days=False)
    assert store.settings("v") == before


def test_exactly_the_bound_of_own_days_is_kept(village):
    store, _ = village
    days = [date(2026, 1, 1) + timedelta(days=i) for i in range(settings.MAX_OWN_DAYS)]
    saved = settings.save_calendar(store, "v", own_rest_days=days, own_working_days=[],
                                   notice_extends_over_rest_days=False)
    assert len(saved.own_days.holidays) == settings.MAX_OWN_DAYS == 400

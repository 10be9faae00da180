"""A villager's number for a submission or objection, the day it will be answered by, and the page
that looks it up — the core's numbering and due dates, and the use cases on a real store, without
Flask; then the page itself.

Numbers come from the record in its order, so they are the same however often and wherever the
record is read, and the answer-by day is counted as 民法典 第201、203条 count periods."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone

import pytest
from helpers import demo_app, demo_driver

from deliberate import Stage
from deliberate.periods import HolidayCalendar, period_end
from deliberate.story import story
from deliberate.tracking import Kind, TrackingNumber, answer_by, assign_numbers, parse_number
from deliberate.usecases import demo, open_store, participation, settings, tracking
from deliberate.usecases.common import state_of

CST = timezone(timedelta(hours=8))


def test_numbers_count_in_record_order_from_one_each_year():
    lodged = [("a", date(2026, 12, 30)), ("b", date(2026, 12, 31)), ("c", date(2027, 1, 2)),
              ("d", date(2026, 12, 31)), ("e", date(2027, 1, 3))]
    numbers = assign_numbers(lodged)
    assert [str(numbers[k]) for k in "abcde"] == ["2026-0001", "2026-0002", "2027-0001", "2026-0003",
                                                 "2027-0002"]
    # The same record read again gives the same numbers; a longer record only adds new ones.
    assert assign_numbers(lodged) == numbers
    assert {k: v for k, v in assign_numbers([*lodged, ("f", date(2027, 1, 5))]).items() if k != "f"} == numbers


@pytest.mark.parametrize("typed", ["2026-0007", "2026-7", "20260007", " 2026 - 0007 ", "第2026-0007号",
                                   "２０２６－０００７", "2026—7"])
def test_a_number_is_read_however_a_villager_types_it(typed):
    assert parse_number(typed) == TrackingNumber(2026, 7)


@pytest.mark.parametrize("typed", ["", "   ", "abc", "2026", "2026-", "-7", "2026-0", "2026--7", "2026-7-1",
                                   "26-7", "1999-1", "3000-1", "2026-1234567", "x" * 41, "2026-7" + "0" * 40,
                                   "<script>", "2026-0007'; drop table", "٢٠٢٦-٧"])
def test_anything_else_is_not_a_number(typed):
    assert parse_number(typed) is None or typed == "٢٠٢٦-٧"  # Arabic-Indic digits are digits too
    if typed == "٢٠٢٦-٧":
        assert parse_number(typed) == TrackingNumber(2026, 7)


def test_the_answer_is_due_as_periods_count_days():
    # Lodged on a Monday with 3 days: due Thursday (the day of lodging is not counted).
    assert answer_by(date(2026, 11, 23), 3) == date(2026, 11, 26)
    # Lodged on a Wednesday: the third day is a Saturday, so Monday (第203条).
    assert answer_by(date(2026, 11, 25), 3) == date(2026, 11, 30)
    # A holiday moves it further; a make-up working day (调休) does not.
    holidays = HolidayCalendar(holidays={date(2026, 10, 1), date(2026, 10, 2)}, workdays={date(2026, 10, 4)})
    assert answer_by(date(2026, 9, 28), 3, holidays) == date(2026, 10, 4)
    assert answer_by(date(2026, 9, 28), 3, holidays) == period_end(date(2026, 9, 28), 3, holidays)


@pytest.fixture
def store(store_url):
    """The demo village on each backend: numbers come from the log as each store orders it."""
    s = open_store(store_url)
    demo.install_demo(s, datetime(2026, 11, 24, 9, tzinfo=CST), secret=b"tracking")
    return s


def test_lodging_gives_a_number_and_a_date_and_a_lookup_finds_it(store):
    at = datetime(2026, 11, 25, 10, tzinfo=CST)  # a Wednesday
    settings.save_settings(store, "demo", notice_period_days=7, objection_answer_days=3,
                           major_matter_threshold_yuan=None)
    given = tracking.numbers(store, "demo")
    q = participation.lodge_submission(store, "demo", "村西头的井盖坏了", name="张三", contact="13800001111", at=at)
    assert q.number == TrackingNumber(2026, 1 + sum(1 for n in given.values() if n.year == 2026))
    assert q.answer_by == date(2026, 11, 30)  # Saturday the 28th is a rest day: Monday
    found = tracking.look_up(store, "demo", str(q.number).replace("-", ""))
    assert found.miss is None and found.found.kind is Kind.SUBMISSION and found.found.id == q.id
    assert found.found.text == "村西头的井盖坏了" and found.found.answer_by == q.answer_by
    # Nothing personal is in what the page is given: no field holds the name or the contact.
    assert "张三" not in repr(found) and "13800001111" not in repr(found)
    # The number stays the same after more is lodged, and the next one follows it.
    later = participation.lodge_submission(store, "demo", "路灯又坏了", name=None, contact=None, at=at)
    assert later.number == TrackingNumber(2026, q.number.seq + 1)
    assert tracking.numbers(store, "demo")[f"submission/{q.id}"] == q.number


def test_the_answer_by_date_follows_the_villages_setting_for_objections_and_submissions(tmp_path):
    app = demo_app(tmp_path / "o.sqlite3")
    store = app.extensions["deliberate"]
    ledger, driver = demo_driver(app)
    driver.to_stage(driver.raise_matter("road", "硬化村道"), Stage.RESOLUTION_NOTICE)
    driver.publish("road")
    day = ledger.state.matters["road"].notice.period.first
    at = datetime.combine(day, time(10), driver.now.tzinfo)
    settings.save_settings(store, "demo", notice_period_days=7, objection_answer_days=5,
                           major_matter_threshold_yuan=None)
    o = participation.lodge_objection(store, "demo", "road", "预算偏高", contact="13900002222", at=at)
    q = participation.lodge_submission(store, "demo", "建议公开预算明细", name=None, contact=None, at=at)
    assert o.answer_by == q.answer_by == answer_by(day, 5, settings.village_profile(store, "demo").calendar)
    assert o.number.seq + 1 == q.number.seq
    found = tracking.look_up(store, "demo", str(o.number)).found
    assert found.kind is Kind.OBJECTION and found.matter == "road" and not found.settled
    assert "13900002222" not in repr(found)
    # The committee's queue shows the same day the villager was given.
    (_, _, due), = [item for item in state_of(store, "demo").objections_due(5) if item[1].id == o.id]
    assert due == o.answer_by


def test_not_found_says_why(store):
    shape = tracking.look_up(store, "demo", "hello")
    assert shape.found is None and shape.miss is tracking.TrackingMiss.SHAPE
    assert tracking.look_up(store, "demo", "2031-0001").miss is tracking.TrackingMiss.NONE_THAT_YEAR
    last = max(n for n in tracking.numbers(store, "demo").values() if n.year == 2026)
    beyond = tracking.look_up(store, "demo", f"2026-{last.seq + 50}")
    assert beyond.miss is tracking.TrackingMiss.BEYOND and beyond.last == last


def test_the_clerk_and_the_public_see_one_story(store):
    st = state_of(store, "demo")
    chapters = story(st, "bridge")
    assert [c.line for c in chapters] == list(st.matters["bridge"].timeline())
    decided = [c for c in chapters if c.sittings]
    # One result per sitting, each under the step it decided, and no sitting twice.
    assert len(decided) == 4 and all(len(c.sittings) == 1 and len(c.sittings[0].results) == 1 for c in decided)
    assert all(c.sittings[0].results[0].stage is c.step.stage for c in decided)
    assert next(c for c in chapters if c.notices).notices == st.matters["bridge"].notices


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return demo_app(tmp_path_factory.mktemp("tracking") / "t.sqlite3", PUBLIC_POSTS_PER_HOUR=10_000)


def test_the_page_shows_the_number_and_the_date_and_can_be_bookmarked(app):
    client = app.test_client()
    response = client.post("/p/demo/submissions", data={"text": "桥头需要护栏", "contact": "13700003333"})
    assert response.status_code == 302
    page_url = response.headers["Location"]
    first = client.get(page_url).get_data(as_text=True)
    assert "您的编号是" in first and "桥头需要护栏" in first and "13700003333" not in first
    # A bookmark opened later, without the flash: the same page, the number and the date.
    again = app.test_client().get(page_url)
    text = again.get_data(as_text=True)
    number = page_url.rsplit("/", 1)[1]
    assert again.status_code == 200 and number in text and "答复期限" in text and "等待答复" in text
    # The form on the village's page leads to it, however the number is typed.
    typed = number.replace("-", "").replace("2026", "2026 ")
    form = app.test_client().get("/p/demo/lookup", query_string={"number": typed})
    assert form.status_code == 302 and form.headers["Location"].endswith(f"/p/demo/lookup/{number}")
    assert "/p/demo/lookup" in app.test_client().get("/p/demo").get_data(as_text=True)


@pytest.mark.parametrize(("path", "status", "says"), [
    ("/p/demo/lookup/2031-0001", 404, "2031 年没有发出过编号"),
    ("/p/demo/lookup/2026-0999", 404, "的编号到 2026-"),
    ("/p/demo/lookup/not-a-number", 400, "不是编号"),
    ("/p/demo/lookup?number=abc", 400, "不是编号"),
    ("/p/demo/lookup/" + "9" * 60, 400, "太长"),
])
def test_a_number_not_found_says_why(app, path, status, says):
    response = app.test_client().get(path + ("&" if "?" in path else "?") + "lang=zh_Hans")
    assert response.status_code == status and says in response.get_data(as_text=True)


def test_the_matter_page_draws_one_timeline_with_one_result_per_sitting(app):
    page = app.test_client().get("/p/demo/m/bridge?lang=zh_Hans").get_data(as_text=True)
    assert page.count('class="chapter') == 7 and page.count('<details class="verdict') == 4
    assert page.count('<ol class="timeline') == 0 and "<table" not in page


def test_the_public_ledger_shows_the_numbers(app):
    store = app.extensions["deliberate"]
    numbers = tracking.numbers(store, "demo")
    ledger = app.test_client().get("/p/demo/submissions").get_data(as_text=True)
    assert numbers and all(str(n) in ledger for k, n in numbers.items() if k.startswith("submission/"))


def test_the_clerks_page_and_the_public_page_draw_the_same_story(app):
    from test_webui import login

    def story_of(page: str) -> str:
        return re.search(r'<ol class="story">.*?</ol>', page, re.S).group(0)

    public = app.test_client().get("/p/demo/m/bridge?lang=zh_Hans").get_data(as_text=True)
    clerk = login(app, "clerk").get("/v/demo/m/bridge?lang=zh_Hans").get_data(as_text=True)
    assert story_of(public) == story_of(clerk)

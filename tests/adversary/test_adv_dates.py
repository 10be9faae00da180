"""Attacks with dates on the public's say (issue 9, section 3).

The attacker is an official who may record notices, reviews, progress and completion (a clerk with
the ``matters.manage`` role on the web UI, or a program calling ``Ledger.handle``): they type the
dates, and the record's clock is not theirs. Each test performs the attack through the library's
public API and/or the web UI and asserts the secure outcome: a typed refusal naming both dates
that changes nothing (a 4xx page that keeps what was typed, on the web), and at the boundary —
the same day, where the order is ≤ — acceptance.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, time, timedelta

import pytest
from helpers import CONTACTS, Village, demo_app, demo_driver
from test_webui import csrf, login

from deliberate import DateOrderError, NoticeError, Stage, notice_period, replay
from deliberate import commands as c
from deliberate.i18n import LANGS
from deliberate.procedure import PROCEDURES
from deliberate.record import events_of, from_jsonl, to_jsonl
from deliberate.tally import Choice

DAY = timedelta(days=1)


def refused(v: Village, command, error=DateOrderError):
    """``command`` raises ``error`` and leaves the state and the record exactly as they were."""
    before, head = v.state, v.ledger.checkpoint
    with pytest.raises(error) as info:
        v.do(command)
    assert v.state == before and v.ledger.checkpoint == head
    return info.value


def names_both(error, first: date, second: date) -> None:
    """The message names both days, in every language."""
    for lang in LANGS:
        text = error.message(lang)
        assert first.isoformat() in text and second.isoformat() in text, (lang, text)


def decided(v: Village, mid: str = "m1") -> date:
    """The day of the vote that brought the matter to its notice (Beijing time)."""
    return v.matter(mid).results[-1].closed_at.date()


def publish(mid: str, on: date, days: int = 7):
    return c.PublishNotice(mid, on, days, CONTACTS, "村民委员会")


# --- the library ------------------------------------------------------------------------------

def test_a_resolution_notice_cannot_be_posted_before_the_decision():
    v = Village()
    v.to_stage("m1", Stage.RESOLUTION_NOTICE)
    vote = decided(v)
    error = refused(v, publish("m1", vote - timedelta(days=30)))
    names_both(error, vote - timedelta(days=30), vote)
    assert "会议决定" in error.message("zh_Hans") and "會議決定" in error.message("zh_Hant")
    assert "decision" in error.message("en")
    names_both(refused(v, publish("m1", vote - DAY)), vote - DAY, vote)  # the day before
    v.do(publish("m1", vote))  # the day of the vote itself: allowed
    assert v.matter("m1").notice.published_on == vote


def test_a_backdated_notice_closed_the_next_day_skips_nothing():
    """The finding: a notice dated before the decision, closed the day after it is recorded."""
    v = Village()
    v.to_stage("m1", Stage.RESOLUTION_NOTICE)
    vote = decided(v)
    refused(v, publish("m1", vote - timedelta(days=20)))
    # Posted properly today, then "closed" with a day after the period, before that day came.
    v.publish("m1")
    last = v.matter("m1").notice.period.last
    error = refused(v, c.CloseNotice("m1", last + DAY))
    names_both(error, last + DAY, v.today)
    v.days(1)
    refused(v, c.CloseNotice("m1", v.today), NoticeError)  # the period runs
    v.days((last - v.today).days)
    refused(v, c.CloseNotice("m1", last), NoticeError)  # its last day still runs
    v.days(1)
    v.do(c.CloseNotice("m1", last + DAY))  # the day after it ends, on that day
    assert v.matter("m1").stage is Stage.IMPLEMENTATION


def test_a_notice_recorded_late_runs_its_full_period_from_the_day_it_was_recorded():
    v = Village()
    v.to_stage("m1", Stage.RESOLUTION_NOTICE)
    vote = decided(v)
    v.days(10)  # the clerk puts it on the record ten days after the vote, dated the vote's day
    recorded = v.today
    v.do(publish("m1", vote))
    notice = v.matter("m1").notice
    assert notice.period.first == vote + DAY  # objections on paper count from the posting
    assert notice.period.last == notice_period(recorded, 7).last  # online: seven days from now
    assert notice.recorded_on == recorded
    paper_period_end = notice_period(vote, 7).last
    assert paper_period_end < recorded
    # Old code let it close at once: the posting's period had run out before it was recorded.
    refused(v, c.CloseNotice("m1", v.today), NoticeError)
    v.days(5)
    v.do(c.LodgeObjection("m1", "o1", v.today, "网上看到公示才知道"))  # online, within the period
    v.do(c.AnswerObjection("m1", "o1", v.today, "已答复", False, by="p0009"))
    v.days((notice.period.last - v.today).days + 1)
    v.do(c.CloseNotice("m1", v.today))
    assert v.matter("m1").stage is Stage.IMPLEMENTATION
    # The days the rules need are derived from the events: the record replays to the same state.
    assert v.ledger.rebuild() == v.state
    assert replay(events_of(from_jsonl(to_jsonl(v.ledger.entries())))).matters == v.state.matters


def test_progress_and_completion_cannot_precede_the_close_or_each_other():
    v = Village()
    v.to_stage("m1", Stage.IMPLEMENTATION)
    closed = v.matter("m1").history[-1].at.date()  # the driver closes the notice on the day
    assert closed == v.today
    years_before = closed.replace(year=closed.year - 3)
    error = refused(v, c.RecordProgress("m1", "e0", years_before, "早已开工", 100))
    names_both(error, years_before, closed)
    assert "公示结束" in error.message("zh_Hans") and "closing the notice" in error.message("en")
    refused(v, c.RecordProgress("m1", "e0", closed - DAY, "前一天", 100))
    refused(v, c.CompleteImplementation("m1", years_before, "早已完工"))
    v.do(c.RecordProgress("m1", "e1", closed, "当天开工", 100))  # the day of the close: allowed
    v.days(30)
    v.do(c.RecordProgress("m1", "e2", v.today, "主体完工", 200))
    last = v.today
    v.days(5)
    error = refused(v, c.CompleteImplementation("m1", last - DAY, "完工"))
    names_both(error, last - DAY, last)
    v.do(c.CompleteImplementation("m1", last, "完工"))  # the day of the last progress: allowed
    # The implementation notice follows completion.
    error = refused(v, publish("m1", last - DAY))
    names_both(error, last - DAY, last)
    v.do(publish("m1", last))
    assert v.matter("m1").stage is Stage.IMPLEMENTATION_NOTICE


def test_nothing_is_dated_after_the_record_s_day():
    v = Village()
    v.to_stage("m1", Stage.RESOLUTION_NOTICE)
    tomorrow = v.today + DAY
    names_both(refused(v, publish("m1", tomorrow)), tomorrow, v.today)
    v.publish("m1")
    refused(v, c.LodgeObjection("m1", "o1", tomorrow + DAY, "明天的异议"))
    v.days(1)
    v.do(c.LodgeObjection("m1", "o1", v.today, "今天的异议"))
    refused(v, c.AnswerObjection("m1", "o1", v.today + DAY, "明天的答复", False, by="p0009"))
    v.do(c.AnswerObjection("m1", "o1", v.today, "今天答复", False, by="p0009"))
    v.close_notice("m1")
    refused(v, c.RecordProgress("m1", "e1", v.today + DAY, "明天的进展", 1))
    refused(v, c.CompleteImplementation("m1", v.today + DAY, "明天完工"))
    v.do(c.RecordProgress("m1", "e1", v.today, "今天的进展", 1))
    v.do(c.CompleteImplementation("m1", v.today, "今天完工"))


def test_the_record_s_day_is_beijing_time_whatever_the_caller_s_clock_says():
    v = Village()
    v.to_stage("m1", Stage.RESOLUTION_NOTICE)
    # 23:30 UTC is 07:30 the next morning in the village: that day's notice may be recorded.
    late = datetime.combine(v.today, time(23, 30), UTC)
    v.ledger.handle(publish("m1", v.today + DAY), late)
    assert v.matter("m1").notice.recorded_on == v.today + DAY


def test_an_answer_cannot_precede_its_objection():
    v = Village()
    v.to_stage("m1", Stage.RESOLUTION_NOTICE)
    v.publish("m1")
    v.days(3)
    lodged = v.today
    v.do(c.LodgeObjection("m1", "o1", lodged, "异议"))
    names_both(refused(v, c.AnswerObjection("m1", "o1", lodged - DAY, "答复", False, by="p0009")),
               lodged - DAY, lodged)
    v.do(c.AnswerObjection("m1", "o1", lodged, "当天答复", False, by="p0009"))


def _held_before_its_day(v: Village, mid: str, days_ahead: int) -> date:
    """Hold the sitting the matter's step needs, called for ``days_ahead`` days from now, today."""
    matter = v.matter(mid)
    from deliberate import rules

    rule = rules.preset(matter.step.rule)
    meeting = v.now + timedelta(days=days_ahead)
    v.do(c.ConveneSitting("early", rule, v.roster.body(rule.body, meeting.date()), (mid,), meeting,
                          v.today, "议事厅", by="p0001"))
    voters = sorted(v.state.sittings["early"].roster.voters)
    for person in voters:
        v.do(c.CheckIn("early", person))
    v.do(c.OpenSitting("early", by="p0001"))
    v.do(c.OpenVote("early", "v1", mid, "表决"))
    for person in voters:
        v.do(c.CastBallot("early", "v1", person, Choice.APPROVE))
    v.do(c.CloseVote("early", "v1"))
    v.do(c.CloseSitting("early"))
    return meeting.date()


def test_a_township_review_is_not_dated_before_the_sitting_it_reviews():
    v = Village()
    proc = PROCEDURES["township_review"]
    v.to_stage("m1", Stage.REVIEW, proc)
    day = _held_before_its_day(v, "m1", 30)
    assert v.matter("m1").stage is Stage.TOWNSHIP_REVIEW
    error = refused(v, c.RecordTownshipReview("m1", True, "镇审〔2026〕3号", by="镇人民政府"))
    names_both(error, v.today, day)
    assert "乡镇审核" in error.message("zh_Hans") and "township" in error.message("en")
    v.days((day - v.today).days)  # on the day the sitting was called for: allowed
    v.do(c.RecordTownshipReview("m1", True, "镇审〔2026〕3号", by="镇人民政府"))
    assert v.matter("m1").stage is Stage.RESOLUTION


def test_a_resolution_notice_is_not_posted_before_the_day_its_sitting_was_called_for():
    v = Village()
    v.to_stage("m1", Stage.RESOLUTION)
    day = _held_before_its_day(v, "m1", 12)
    names_both(refused(v, publish("m1", v.today)), v.today, day)


# --- the web UI --------------------------------------------------------------------------------

@pytest.fixture
def web(tmp_path):
    app = demo_app(tmp_path / "d.sqlite3")
    ledger, driver = demo_driver(app)
    clock = {"at": driver.now}
    app.config["CLOCK"] = lambda: clock["at"]

    def sync():
        clock["at"] = driver.now + timedelta(minutes=5)
    return app, ledger, driver, clock, sync


def _post(client, path, **data):
    return client.post(path, data={**data, "csrf_token": csrf(client, "/v/demo/m")})


def test_web_a_notice_dated_before_the_vote_or_tomorrow_is_refused_with_what_was_typed(web):
    app, ledger, driver, clock, sync = web
    driver.to_stage(driver.raise_matter("road", "硬化村道"), Stage.RESOLUTION_NOTICE)
    sync()
    vote = ledger.state.matters["road"].results[-1].closed_at.date()
    clerk = login(app, "clerk")
    before, head = ledger.state, ledger.checkpoint
    for day in (vote - timedelta(days=15), clock["at"].date() + DAY):
        response = _post(clerk, "/v/demo/m/road/notice", published_on=day.isoformat(), days="7",
                         contacts="监委会：王主任 13800000000", issued_by="金町村民委员会")
        page = response.get_data(as_text=True)
        assert response.status_code == 422, page
        assert 'class="flash error"' in page and day.isoformat() in page
        assert "监委会：王主任 13800000000" in page and "金町村民委员会" in page  # kept
        assert ledger.state == before and ledger.checkpoint == head
    english = clerk.get("/v/demo/m/road?lang=en")
    assert english.status_code == 200
    response = _post(clerk, "/v/demo/m/road/notice", published_on=(vote - DAY).isoformat(), days="7",
                     contacts="x", issued_by="y")
    assert response.status_code == 422 and "is before the date of" in response.get_data(as_text=True)
    ok = _post(clerk, "/v/demo/m/road/notice", published_on=vote.isoformat(), days="7",
               contacts="监委会", issued_by="村民委员会")
    assert ok.status_code == 302 and ledger.state.matters["road"].notice.published_on == vote


def test_web_a_late_notice_cannot_be_closed_at_once_and_the_public_objects_online(web):
    app, ledger, driver, clock, sync = web
    driver.to_stage(driver.raise_matter("road", "硬化村道"), Stage.RESOLUTION_NOTICE)
    vote = ledger.state.matters["road"].results[-1].closed_at.date()
    driver.days(12)
    sync()
    clerk = login(app, "clerk")
    _post(clerk, "/v/demo/m/road/notice", published_on=vote.isoformat(), days="7",
          contacts="监委会", issued_by="村民委员会")
    notice = ledger.state.matters["road"].notice
    assert notice is not None and notice.published_on == vote
    # The period counted from the posting ran out before anyone could see it online: closing now
    # would skip every day of online objection.
    refused = _post(clerk, "/v/demo/m/road/notice/close")
    assert refused.status_code == 422 and "届满" in refused.get_data(as_text=True)
    assert ledger.state.matters["road"].stage is Stage.RESOLUTION_NOTICE
    clock["at"] += timedelta(days=6)
    public = app.test_client()
    page = public.get("/p/demo/m/road")
    assert page.status_code == 200 and 'name="text"' in page.get_data(as_text=True)  # the form
    lodged = public.post("/p/demo/m/road/objections",
                         data={"text": "公示才贴出来", "csrf_token": csrf(public, "/login")})
    assert lodged.status_code == 302
    assert [o.text for o in ledger.state.matters["road"].objections] == ["公示才贴出来"]
    api = public.get("/api/v1/villages/demo/matters/road")
    assert api.status_code == 200
    assert api.get_json()["notices"][-1]["last"] == notice.period.last.isoformat()


def test_web_progress_and_completion_out_of_order_are_refused_with_what_was_typed(web):
    app, ledger, driver, clock, sync = web
    driver.to_stage(driver.raise_matter("road", "硬化村道"), Stage.IMPLEMENTATION)
    closed = driver.today
    driver.days(3)
    sync()
    clerk = login(app, "clerk")
    early = closed - DAY
    response = clerk.post("/v/demo/m/road/progress", content_type="multipart/form-data", data={
        "on": early.isoformat(), "description": "提前采购水泥", "spent": "1,000.50",
        "files": [(io.BytesIO(b"invoice before the decision"), "发票.pdf", "application/pdf")],
        "csrf_token": csrf(clerk, "/v/demo/m/road")})
    page = response.get_data(as_text=True)
    assert response.status_code == 422, page
    assert early.isoformat() in page and closed.isoformat() in page
    assert "提前采购水泥" in page and "1,000.50" in page  # kept
    assert ledger.state.matters["road"].progress == ()
    from hashlib import sha256

    from deliberate.store.private import load_file
    assert load_file(app.extensions["deliberate"].engine, "demo",
                     sha256(b"invoice before the decision").hexdigest()) is None
    ok = _post(clerk, "/v/demo/m/road/progress", on=clock["at"].date().isoformat(),
               description="采购水泥", spent="10")
    assert ok.status_code == 302 and len(ledger.state.matters["road"].progress) == 1
    response = _post(clerk, "/v/demo/m/road/complete", on=closed.isoformat(), summary="全部完工")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "全部完工" in page and closed.isoformat() in page
    assert ledger.state.matters["road"].stage is Stage.IMPLEMENTATION
    done = _post(clerk, "/v/demo/m/road/complete", on=clock["at"].date().isoformat(), summary="全部完工")
    assert done.status_code == 302
    assert ledger.state.matters["road"].stage is Stage.IMPLEMENTATION_NOTICE
    assert app.test_client().get("/p/demo/m/road").status_code == 200


def test_web_a_township_review_before_the_sitting_it_reviews_is_refused(web):
    app, ledger, driver, clock, sync = web
    driver.to_stage(driver.raise_matter("fee", "调整水费", PROCEDURES["township_review"]), Stage.REVIEW,
                    PROCEDURES["township_review"])
    day = _held_before_its_day(driver, "fee", 20)
    sync()
    clerk = login(app, "clerk")
    response = _post(clerk, "/v/demo/m/fee/township", approved="1", reference="镇审〔2026〕7号",
                     by="马宫街道办事处")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and day.isoformat() in page
    assert "镇审〔2026〕7号" in page and "马宫街道办事处" in page  # kept
    assert ledger.state.matters["fee"].stage is Stage.TOWNSHIP_REVIEW
    clock["at"] = datetime.combine(day, time(9), clock["at"].tzinfo)
    ok = _post(clerk, "/v/demo/m/fee/township", approved="1", reference="镇审〔2026〕7号", by="镇")
    assert ok.status_code == 302 and ledger.state.matters["fee"].stage is Stage.RESOLUTION

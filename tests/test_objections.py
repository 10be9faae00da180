"""Objections through the web: lodged by anyone during the notice period (limited per hour),
answered by the supervisory committee, published with the matter; upheld ones send it back."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
from helpers import demo_app, demo_driver
from test_webui import csrf, login

from deliberate import Stage
from deliberate.periods import period_end
from deliberate.usecases.settings import village_profile
from webui.objections import LODGE_PER_HOUR


@pytest.fixture
def village(tmp_path):
    """A fresh demo, plus a matter whose resolution notice is posted, and a clock in its period."""
    app = demo_app(tmp_path / "o.sqlite3")
    ledger, driver = demo_driver(app)
    driver.to_stage(driver.raise_matter("road", "硬化村道"), Stage.RESOLUTION_NOTICE)
    driver.publish("road")
    period = ledger.state.matters["road"].notice.period
    moment = datetime.combine(period.first, time(10), driver.now.tzinfo)
    app.config["CLOCK"] = lambda: moment
    return app, ledger, period


def _lodge(client, text="路面宽度不够", contact=None):
    token = csrf(client, "/login")  # any page of the session will do
    data = {"text": text, "csrf_token": token, **({"contact": contact} if contact else {})}
    return client.post("/p/demo/m/road/objections", data=data)


def test_lodge_answer_and_publish(village):
    app, ledger, period = village
    public = app.test_client()
    page = public.get("/p/demo/m/road").get_data(as_text=True)
    assert "提出异议" in page and str(period.first) in page
    response = _lodge(public, contact="13800000000")
    # The villager lands on the objection's own page: its number and the day it is answered by.
    landed = public.get(response.headers["Location"]).get_data(as_text=True)
    objection = ledger.state.matters["road"].objections[0]
    due = period_end(objection.lodged_on, 3, village_profile(app.extensions["deliberate"], "demo").calendar)
    assert "您的编号是" in landed and "路面宽度不够" in landed and str(due) in landed
    assert "13800000000" not in landed
    assert objection.pending
    # The contact is kept apart from the public log, which anyone may download.
    assert "13800000000" not in public.get("/p/demo/log.jsonl").get_data(as_text=True)
    supervisor = login(app, "supervisor")
    queue = supervisor.get("/v/demo/objections").get_data(as_text=True)
    due = period_end(objection.lodged_on, 3, village_profile(app.extensions["deliberate"], "demo").calendar)
    assert "路面宽度不够" in queue and str(due) in queue and "13800000000" in queue
    token = csrf(supervisor, "/v/demo/objections")
    supervisor.post(f"/v/demo/objections/road/{objection.id}",
                    data={"answer": "宽度符合规划，异议不成立", "csrf_token": token})
    assert not ledger.state.matters["road"].objections[0].pending
    published = public.get("/p/demo/m/road").get_data(as_text=True)
    assert "宽度符合规划，异议不成立" in published
    assert "13800000000" not in published  # the contact goes to the committee, not the public
    assert "暂无待答复的异议" in supervisor.get("/v/demo/objections").get_data(as_text=True)


def test_an_upheld_objection_sends_the_matter_back(village):
    app, ledger, _ = village
    _lodge(app.test_client())
    objection = ledger.state.matters["road"].objections[0]
    supervisor = login(app, "supervisor")
    token = csrf(supervisor, "/v/demo/objections")
    supervisor.post(f"/v/demo/objections/road/{objection.id}",
                    data={"answer": "表决时未达到法定人数，须重新表决", "upheld": "1",
                          "return_to": "resolution", "csrf_token": token})
    assert ledger.state.matters["road"].stage is Stage.RESOLUTION


def test_outside_the_period_and_empty_objections_are_refused(village):
    app, ledger, period = village
    client = app.test_client()
    refused = _lodge(client, text="   ")
    assert refused.status_code == 400 and re.search(r'class="flash error"', refused.get_data(as_text=True))
    app.config["CLOCK"] = lambda: datetime.combine(period.last + timedelta(days=1), time(10),
                                                   ledger.state.last_at.tzinfo)
    late = _lodge(client, text="过期的异议")
    assert late.status_code == 400 and "不在公示期" in late.get_data(as_text=True)
    assert ledger.state.matters["road"].objections == ()
    assert "提出异议" not in client.get("/p/demo/m/road").get_data(as_text=True)  # no form


def test_lodging_is_limited_per_address_and_hour(village):
    app, ledger, _ = village
    client = app.test_client()
    for i in range(LODGE_PER_HOUR):
        assert _lodge(client, text=f"异议{i}").status_code == 302
    limited = _lodge(client, text="再一条")
    assert limited.status_code == 429 and "再一条" in limited.get_data(as_text=True)
    assert len(ledger.state.matters["road"].objections) == LODGE_PER_HOUR


def test_only_the_supervisory_committee_answers(village):
    app, _, _ = village
    assert login(app, "chair").get("/v/demo/objections").status_code == 403
    assert app.test_client().get("/v/demo/objections").status_code == 302


def test_the_answer_is_due_by_the_villages_calendar_and_the_admin_sets_it(village):
    """The committee's queue counts the days to answer with the village's calendar: a day the
    village rests (set on the admin page, e.g. a provincial holiday) moves the date on. A date the
    admin mistypes is refused with its reason, and nothing is saved."""
    app, ledger, _ = village
    _lodge(app.test_client())
    objection = ledger.state.matters["road"].objections[0]
    plain = period_end(objection.lodged_on, 3, village_profile(app.extensions["deliberate"], "demo").calendar)
    admin = login(app, "admin")
    token = csrf(admin, "/v/demo/admin")
    bad = admin.post("/v/demo/admin/calendar", data={"own_rest_days": f"{plain} 2026-13-01",
                                                     "csrf_token": token})
    assert bad.status_code == 400 and "“2026-13-01”不是日期" in bad.get_data(as_text=True)
    assert village_profile(app.extensions["deliberate"], "demo").own_days.holidays == frozenset()
    weekday = admin.post("/v/demo/admin/calendar", data={"own_working_days": "2026-12-07",
                                                         "csrf_token": token})
    assert weekday.status_code == 422 and "调休上班日只能是周六或周日" in weekday.get_data(as_text=True)
    saved = admin.post("/v/demo/admin/calendar", data={"own_rest_days": str(plain), "notice_extends": "1",
                                                       "csrf_token": token})
    assert saved.status_code == 302
    profile = village_profile(app.extensions["deliberate"], "demo")
    assert profile.own_days.holidays == {plain} and profile.notice_extends_over_rest_days
    page = admin.get("/v/demo/admin").get_data(as_text=True)
    assert "国务院办公厅关于2026年部分节假日安排的通知" in page and str(plain) in page
    queue = login(app, "supervisor").get("/v/demo/objections").get_data(as_text=True)
    moved = period_end(objection.lodged_on, 3, profile.calendar)
    assert moved > plain and str(moved) in queue and f"应于{plain}前答复" not in queue
    # The scheduling page says which reading of the advance notice applies.
    clerk = login(app, "clerk")
    driver_matter = next(m for m in ledger.state.matters.values() if m.step and m.step.kind.value == "sitting"
                         and m.sitting is None)
    shown = clerk.get(f"/v/demo/m/{driver_matter.id}").get_data(as_text=True)
    assert "通知期按从严读法计算" in shown and "本步骤按" in shown

"""Objections through the web: lodged by anyone during the notice period (limited per hour),
answered by the supervisory committee, published with the matter; upheld ones send it back."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
from helpers import demo_app, demo_driver
from test_webui import csrf, login

from deliberate import Stage
from deliberate.tracking import answer_by
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
    assert "您的编号是" in landed and "路面宽度不够" in landed and str(answer_by(objection.lodged_on, 3)) in landed
    assert "13800000000" not in landed
    assert objection.pending
    # The contact is kept apart from the public log, which anyone may download.
    assert "13800000000" not in public.get("/p/demo/log.jsonl").get_data(as_text=True)
    supervisor = login(app, "supervisor")
    queue = supervisor.get("/v/demo/objections").get_data(as_text=True)
    due = answer_by(objection.lodged_on, 3)
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

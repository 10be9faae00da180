"""Submissions (民情) through the web: the public form and ledger, the clerk's form, taking one up
as a matter or answering it; personal details stay out of public view; bad input changes nothing."""

from __future__ import annotations

import pytest
from helpers import demo_app
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_webui import csrf, login

from deliberate import Channel, Ledger, SubmissionStatus
from webui import create_app


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return demo_app(tmp_path_factory.mktemp("q") / "q.sqlite3", PUBLIC_POSTS_PER_HOUR=10_000)


def state(app):
    return Ledger("demo", app.extensions["deliberate"]).state


def lodge(client, **form):
    """The public form carries no CSRF token: it is anonymous, and its page is cached."""
    return client.post("/p/demo/submissions", data=form)


def test_the_public_ledger_shows_status_and_the_matter_each_became(app):
    page = app.test_client().get("/p/demo/submissions").get_data(as_text=True)
    assert "村道晚上太黑" in page and "已转为议题" in page and "修缮村道路灯" in page
    assert "已与保洁员约定每天下午清运一次" in page and "已受理" in page
    only_answered = app.test_client().get("/p/demo/submissions?status=answered").get_data(as_text=True)
    assert "垃圾桶" in only_answered and "村道晚上太黑" not in only_answered
    # The matter names the submission it came from.
    matter = app.test_client().get("/p/demo/m/lights").get_data(as_text=True)
    assert "来自村民反映" in matter and "q1" in matter


def test_a_villager_submits_online_and_keeps_their_details_private(app):
    client = app.test_client()
    response = lodge(client, text="希望在村小学门口设减速带", name="李秀英", contact="13912345678")
    assert response.status_code == 302
    new = [q for q in state(app).submissions.values() if q.text == "希望在村小学门口设减速带"]
    assert len(new) == 1 and new[0].channel is Channel.ONLINE and new[0].status is SubmissionStatus.RECEIVED
    # The villager lands on their submission's own page: its number, and the day it is answered by.
    assert "/p/demo/lookup/" in response.headers["Location"]
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "您的编号是" in shown and "希望在村小学门口设减速带" in shown and "答复期限" in shown
    for public_view in (shown, client.get("/p/demo/log.jsonl").get_data(as_text=True)):
        assert "李秀英" not in public_view and "13912345678" not in public_view
    clerk_view = login(app, "clerk").get("/v/demo/submissions").get_data(as_text=True)
    assert "李秀英" in clerk_view and "13912345678" in clerk_view


def test_a_clerk_takes_one_down_takes_it_up_as_a_new_matter_and_answers_another(app):
    clerk = login(app, "clerk")
    token = csrf(clerk, "/v/demo/submissions")
    clerk.post("/v/demo/submissions", data={"text": "五组的机耕路雨后无法通行", "name": "王大伯",
                                            "received_on": "2026-11-20", "csrf_token": token})
    road = next(q for q in state(app).submissions.values() if q.text == "五组的机耕路雨后无法通行")
    assert road.channel is Channel.CLERK and road.recorded_by and str(road.received_on) == "2026-11-20"
    clerk.post("/v/demo/m", data={"title": "硬化五组机耕路", "description": road.text,
                                  "procedure": "four_deliberations_two_disclosures",
                                  "submission": road.id, "csrf_token": token})
    road = state(app).submissions[road.id]
    assert road.status is SubmissionStatus.TAKEN_UP
    assert state(app).matters[road.matter].submissions == (road.id,)
    assert state(app).matters[road.matter].origin == "villagers"
    # q4 (a health check for the elderly) is answered directly.
    clerk.post("/v/demo/submissions/q4/answer", data={"answer": "已联系镇卫生院，每年十月上门体检",
                                                      "csrf_token": token})
    assert state(app).submissions["q4"].status is SubmissionStatus.ANSWERED
    # Settled ones cannot be settled again; the refusal says why and changes nothing.
    before = state(app)
    response = clerk.post("/v/demo/submissions/q4/take-up", data={"matter": "channel", "csrf_token": token},
                          follow_redirects=True)
    assert "已处理" in response.get_data(as_text=True) and state(app) == before


def test_taking_up_into_an_existing_matter(app):
    client = app.test_client()
    lodge(client, text="水渠旁边的便道也一起修一下")
    q = next(q for q in state(app).submissions.values() if q.text == "水渠旁边的便道也一起修一下")
    clerk = login(app, "clerk")
    clerk.post(f"/v/demo/submissions/{q.id}/take-up",
               data={"matter": "channel", "csrf_token": csrf(clerk, "/v/demo/submissions")})
    assert state(app).submissions[q.id].matter == "channel"
    assert q.id in state(app).matters["channel"].submissions


@pytest.mark.parametrize("who, status", [(None, 302), ("counter", 403), ("supervisor", 403), ("clerk", 200)])
def test_only_officials_who_manage_matters_see_the_clerks_ledger(app, who, status):
    client = login(app, who) if who else app.test_client()
    assert client.get("/v/demo/submissions").status_code == status


def test_the_public_form_is_limited_per_address_and_hour(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'l.sqlite3'}", "SECRET_KEY": "l",
                      "TESTING": True, "PUBLIC_POSTS_PER_HOUR": 2})
    app.extensions["deliberate"].create_village("demo", "示范村")
    client = app.test_client()
    assert [lodge(client, text=f"第{i}条").status_code for i in range(3)] == [302, 302, 429]
    page = lodge(client, text="第四条").get_data(as_text=True)
    assert "每小时最多提交2条" in page and "第四条" in page  # what was typed is kept
    assert len(state(app).submissions) == 2


FIELD = st.one_of(st.text(max_size=300), st.just(""), st.just(" \n "), st.text(min_size=5001, max_size=5100),
                  st.text(alphabet="\x00\x01\x1b\x7f", min_size=1, max_size=3).map(lambda s: "路灯" + s),
                  st.just("<script>alert(1)</script>"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(form=st.fixed_dictionaries({}, optional={"text": FIELD, "name": FIELD, "contact": FIELD}))
def test_bad_submissions_get_a_4xx_with_a_message_and_change_nothing(app, form):
    client = app.test_client()
    before = state(app)
    response = lodge(client, **form)
    assert response.status_code in (302, 400), form
    after = state(app)
    if response.status_code == 400:
        assert after == before
        assert 'class="flash error"' in response.get_data(as_text=True)
    else:
        added = [q for q in after.submissions.values() if q.id not in before.submissions]
        assert len(added) == 1 and added[0].text == form["text"].strip()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(form=st.fixed_dictionaries({}, optional={"text": FIELD, "contact": FIELD}),
       matter=st.sampled_from(["bridge", "lights", "nope", "bridge%00"]))
def test_bad_objections_get_a_4xx_and_change_nothing(app, form, matter):
    """The bridge's notice period is long over by the demo's clock, so nothing may be lodged:
    every input, good or bad, must be refused with a message, never a 500."""
    client = app.test_client()
    before = state(app)
    response = client.post(f"/p/demo/m/{matter}/objections", data=form)
    assert 400 <= response.status_code < 500, (form, response.status_code)
    assert state(app) == before


def test_behind_a_proxy_each_villager_has_their_own_limit(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}", "SECRET_KEY": "x",
                      "TESTING": True, "PUBLIC_POSTS_PER_HOUR": 1, "PROXY_HOPS": 1})
    app.extensions["deliberate"].create_village("demo", "示范村")
    client = app.test_client()

    def post(villager):
        return client.post("/p/demo/submissions", data={"text": f"来自{villager}"},
                           headers={"X-Forwarded-For": villager}, environ_base={"REMOTE_ADDR": "10.0.0.1"})

    assert [post("1.1.1.1").status_code, post("2.2.2.2").status_code, post("1.1.1.1").status_code] == \
        [302, 302, 429]

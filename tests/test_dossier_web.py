"""The dossier and the sign-in sheet through Flask's test client: officials only, another
village's matter is not found, and no telephone or ID number is ever printed."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from deliberate.procedure import STATUTORY
from deliberate.usecases import matters
from webui import create_app
from webui.auth import add_account
from webui.demo import DEMO_PASSWORD, ensure_demo

CST = timezone(timedelta(hours=8))
DOSSIER = "/v/demo/m/lights/dossier"
LIVE_SHEET = "/v/demo/s/live/sign-in"
_PHONE = re.compile(r"0660|(?<!\d)1[3-9]\d{9}(?!\d)|(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])")


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    path = tmp_path_factory.mktemp("dossier") / "web.sqlite3"
    app = create_app({"DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "test-secret", "TESTING": True,
                      "WTF_CSRF_ENABLED": True, "PUBLIC_URL": "https://cun.example.cn"})
    store = app.extensions["deliberate"]
    ensure_demo(store)
    store.create_village("other", "邻村")
    matters.raise_matter(store, "other", title="邻村的事", procedure=STATUTORY, by="x",
                         by_person="x", at=datetime.now(CST))
    add_account(store, "other-clerk", DEMO_PASSWORD, {"clerk"}, "邻村文书", village="other")
    return app


def login(app, username):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/login", data={"username": username, "password": DEMO_PASSWORD,
                                       "csrf_token": token}).status_code == 302
    return client


def test_nobody_logged_in_is_sent_to_the_login_page(app):
    client = app.test_client()
    for path in (DOSSIER, LIVE_SHEET):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["clerk", "chair", "supervisor", "counter"])
def test_every_official_of_the_village_may_print_them(app, role):
    client = login(app, role)
    for path in (DOSSIER, LIVE_SHEET):
        response = client.get(path)
        assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"


def test_the_dossier_prints_every_step_the_tellers_the_objection_and_the_checkpoint(app):
    page = login(app, "clerk").get(DOSSIER).get_data(as_text=True)
    store = app.extensions["deliberate"]
    state, head = store.load("demo")
    m = state.matters["lights"]
    assert "修缮村道路灯" in page and "“四议两公开”事项登记表" in page
    for result in m.results:
        a = result.attendance
        assert f"应到{a.expected}人，实到{a.present}人，到会率100.0%" in page
        assert result.rule.citation.text() in page
    assert "应到96户，实到96户" in page
    assert "赞成299票，反对0票，弃权21票" in page
    assert "计票人：陈秀英" in page and "监票人：林建国" in page
    assert "路灯选址是否覆盖三组？" in page and "异议不成立" in page
    assert "52,000.00" in page and "83,000.00" in page
    assert page.count("主持人（签字）") == len(state.sittings_for("lights"))
    assert page.count("乡镇（街道）包村干部（签字）") == len(state.sittings_for("lights"))
    assert str(head) in page
    # The QR code and its caption carry the public address, never the loopback one.
    assert "https://cun.example.cn/p/demo/m/lights" in page and "127.0.0.1" not in page and "localhost" not in page


def test_a_failed_vote_is_printed_as_not_passed(app):
    page = login(app, "clerk").get("/v/demo/m/hall/dossier").get_data(as_text=True)
    assert "未通过" in page and "反对8票" in page


def test_the_sign_in_sheet_lists_who_may_attend_with_blank_signatures(app):
    store = app.extensions["deliberate"]
    sitting = store.load("demo")[0].sittings["live"]
    page = login(app, "clerk").get(LIVE_SHEET).get_data(as_text=True)
    assert page.count('<td class="signature"></td>') == len(sitting.roster.attendees)
    assert f"应到{len(sitting.roster.expected)}人，实到0人" in page


def test_the_villagers_meeting_sheet_has_the_household_column(app):
    store = app.extensions["deliberate"]
    sitting = store.load("demo")[0].sittings_for("lights")[-1]
    page = login(app, "clerk").get(f"/v/demo/s/{sitting.id}/sign-in").get_data(as_text=True)
    assert ">户</th>" in page and "应到96户，实到96户" in page
    assert page.count('<td class="signature"></td>') == 320


def test_no_telephone_or_id_number_is_printed(app):
    client = login(app, "clerk")
    store = app.extensions["deliberate"]
    state = store.load("demo")[0]
    assert "0660" in state.matters["lights"].notices[0].contacts  # the record has one to leak
    paths = [f"/v/demo/m/{m}/dossier" for m in state.matters] + \
        [f"/v/demo/s/{s}/sign-in" for s in state.sittings]
    for path in paths:
        page = client.get(path).get_data(as_text=True)
        assert _PHONE.search(page) is None, (path, _PHONE.search(page))


def test_another_villages_matter_and_sitting_are_not_found(app):
    client = login(app, "clerk")
    other = next(iter(app.extensions["deliberate"].load("other")[0].matters))
    assert client.get(f"/v/demo/m/{other}/dossier").status_code == 404
    assert client.get("/v/demo/m/nothing/dossier").status_code == 404
    assert client.get("/v/demo/s/nothing/sign-in").status_code == 404
    # And another village's official may not print the demo's.
    neighbour = login(app, "other-clerk")
    assert neighbour.get(DOSSIER).status_code == 403 and neighbour.get(LIVE_SHEET).status_code == 403
    assert neighbour.get(f"/v/other/m/{other}/dossier").status_code == 200


def test_the_matter_page_and_the_console_link_to_them(app):
    client = login(app, "clerk")
    assert 'href="/v/demo/m/lights/dossier"' in client.get("/v/demo/m/lights").get_data(as_text=True)
    console = client.get("/v/demo/s/live/hall").get_data(as_text=True)
    assert 'href="/v/demo/s/live/sign-in"' in console

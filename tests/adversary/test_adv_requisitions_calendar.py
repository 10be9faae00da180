"""Attacks on the two POST endpoints issue 12 added: recording a requisition on a matter
(``/v/<village>/m/<matter>/requisitions``) and saving a village's own calendar
(``/v/<village>/admin/calendar``).

- An official of another village posts to this village's endpoints (and this village's to the
  other's): 403, nothing recorded or saved.
- A forged request without the CSRF token: 400, nothing changes.
- A replayed requisition (a double tap, the same form sent again): refused, counted once.
- Bad input of every kind — an unknown kind, a future or malformed date, signers nobody bears,
  signed twice, NUL and control characters, thousands of lines, an unknown matter, dates that are
  not dates, a weekday made a working day, more than 400 days: a 4xx with the reason in Chinese,
  never a 500, and nothing changes.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from helpers import demo_app, demo_driver

from deliberate import Ledger
from webui.auth import add_account
from webui.demo import DEMO_PASSWORD


@pytest.fixture
def site(tmp_path):
    app = demo_app(tmp_path / "a.sqlite3")
    ledger, driver = demo_driver(app)
    driver.raise_matter("road", "硬化村道")
    store = app.extensions["deliberate"]
    store.create_village("hill", "山村")
    add_account(store, "hill-clerk", "hill-password", {"clerk", "admin"}, "山村文书", village="hill")
    return app, ledger, driver


def _login(app, username, password=DEMO_PASSWORD):
    client = app.test_client()
    token = _token(client, "/login")
    done = client.post("/login", data={"username": username, "password": password, "csrf_token": token})
    assert done.status_code == 302
    return client


def _token(client, path):
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True))[1]


def _reps(app, driver):
    from deliberate.store.roster import load_roster

    roster = load_roster(app.extensions["deliberate"].engine, "demo")
    return sorted(r.person for r in roster.representatives(driver.today))


def _state(app):
    return Ledger("demo", app.extensions["deliberate"]).state


def test_another_villages_official_and_a_forged_request_change_nothing(site):
    app, _, driver = site
    store = app.extensions["deliberate"]
    form = {"kind": "representatives_meeting_by_representatives", "received_on": str(driver.today),
            "signers": "\n".join(_reps(app, driver))}
    hill = _login(app, "hill-clerk", "hill-password")
    token = _token(hill, "/v/hill/admin")
    assert hill.post("/v/demo/m/road/requisitions", data={**form, "csrf_token": token}).status_code == 403
    assert hill.post("/v/demo/admin/calendar", data={"own_rest_days": "2026-12-07",
                                                     "csrf_token": token}).status_code == 403
    clerk = _login(app, "clerk")
    token = _token(clerk, "/v/demo/m/road")
    assert clerk.post("/v/hill/m/road/requisitions", data={**form, "csrf_token": token}).status_code == 403
    # Forged: the right session, no token.
    assert clerk.post("/v/demo/m/road/requisitions", data=form).status_code == 400
    admin = _login(app, "admin")
    assert admin.post("/v/demo/admin/calendar", data={"own_rest_days": "2026-12-07"}).status_code == 400
    assert _state(app).matters["road"].requisitions == ()
    assert "own_days" not in store.settings("demo")


def test_a_replayed_requisition_counts_once(site):
    app, _, driver = site
    clerk = _login(app, "clerk")
    token = _token(clerk, "/v/demo/m/road")
    form = {"kind": "representatives_meeting_by_representatives", "received_on": str(driver.today),
            "signers": "\n".join(_reps(app, driver)), "csrf_token": token}
    assert clerk.post("/v/demo/m/road/requisitions", data=form).status_code == 302
    again = clerk.post("/v/demo/m/road/requisitions", data=form)
    assert again.status_code == 422 and "这份联名提议已经记录过了" in again.get_data(as_text=True)
    assert len(_state(app).matters["road"].requisitions) == 1


@pytest.mark.parametrize("change", [
    {"kind": "by_anyone"}, {"kind": ""}, {"received_on": "2026-13-45"}, {"received_on": ""},
    {"received_on": "2099-01-01"}, {"signers": "查无此人"}, {"signers": ""}, {"signers": "SAME\nSAME"},
    {"signers": "p\x00001"}, {"signers": "\u202e" + "p0001"}, {"signers": "x\n" * 5000},
    {"signers": "a" * 300},
])
def test_bad_requisitions_are_refused_with_a_reason_never_a_500(site, change):
    app, _, driver = site
    clerk = _login(app, "clerk")
    reps = _reps(app, driver)
    form = {"kind": "representatives_meeting_by_representatives", "received_on": str(driver.today),
            "signers": "\n".join(reps), "csrf_token": _token(clerk, "/v/demo/m/road"), **change}
    if form["signers"] == "SAME\nSAME":
        form["signers"] = f"{reps[0]}\n{reps[0]}"
    answer = clerk.post("/v/demo/m/road/requisitions", data=form)
    assert 400 <= answer.status_code < 500, answer.status_code
    assert _state(app).matters["road"].requisitions == ()
    unknown = clerk.post("/v/demo/m/nope/requisitions", data=form)
    assert 400 <= unknown.status_code < 500


@pytest.mark.parametrize("form", [
    {"own_rest_days": "2026-02-30"}, {"own_rest_days": "tomorrow"}, {"own_rest_days": "2026-12-07\x00"},
    {"own_working_days": "2026-12-07"},  # a Monday cannot be "made" a working day
    {"own_rest_days": "2026-12-05", "own_working_days": "2026-12-05"},
    {"own_rest_days": "\n".join(f"2026-01-01 {i}" for i in range(3))},
    {"own_rest_days": " ".join(str(date(2026, 1, 1) + timedelta(days=i)) for i in range(401))},
])
def test_a_bad_calendar_is_refused_with_a_reason_never_a_500(site, form):
    app, _, _ = site
    admin = _login(app, "admin")
    answer = admin.post("/v/demo/admin/calendar", data={**form, "csrf_token": _token(admin, "/v/demo/admin")})
    assert 400 <= answer.status_code < 500, answer.status_code
    assert "own_days" not in app.extensions["deliberate"].settings("demo")

"""Attacks on the lookup page (``/p/<village>/lookup/<number>``), where anyone may follow a
submission or objection by its number.

- Numbers are short and sequential, so anyone can walk them all: every page reached that way shows
  what the public ledger already shows, never the name or contact the villager left for officials.
- A number of another village, typed on this village's page, finds nothing of the other village
  (and says the number is not this village's), and the other way round.
- Whatever is typed — in the path or the form — is answered with a page and a 4xx, never a 500,
  and what was typed is shown escaped.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from helpers import demo_app
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deliberate.usecases import participation, tracking

CST = timezone(timedelta(hours=8))
SECRETS = {"name": "欧阳秘密", "contact": "13312345678"}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    app = demo_app(tmp_path_factory.mktemp("adv-tracking") / "t.sqlite3", PUBLIC_POSTS_PER_HOUR=10_000)
    store = app.extensions["deliberate"]
    store.create_village("hill", "山村")
    at = datetime.now(CST)
    for i in range(3):
        participation.lodge_submission(store, "demo", f"示范村的事{i}", at=at, **SECRETS)
    participation.lodge_submission(store, "hill", "山村的事，只在山村", name="山村人", contact="13999990000", at=at)
    return app


def test_walking_every_number_shows_no_name_and_no_contact(app):
    store = app.extensions["deliberate"]
    given_numbers = sorted(tracking.numbers(store, "demo").values())
    assert len(given_numbers) >= 3
    client = app.test_client()
    seen = 0
    for year in sorted({n.year for n in given_numbers}):
        last = max(n.seq for n in given_numbers if n.year == year)
        for seq in range(1, last + 4):
            response = client.get(f"/p/demo/lookup/{year}-{seq:04d}")
            text = response.get_data(as_text=True)
            assert response.status_code in (200, 404)
            seen += response.status_code == 200
            for secret in (*SECRETS.values(), "13999990000", "山村人"):
                assert secret not in text
    assert seen == len(given_numbers)


def test_another_villages_number_finds_nothing_of_that_village(app):
    store = app.extensions["deliberate"]
    (hill_number,) = tracking.numbers(store, "hill").values()
    on_hill = app.test_client().get(f"/p/hill/lookup/{hill_number}").get_data(as_text=True)
    assert "山村的事，只在山村" in on_hill
    demo_count = sum(1 for n in tracking.numbers(store, "demo").values() if n.year == hill_number.year)
    # Hill's first number is a number demo gave too — to its own submission, never hill's.
    on_demo = app.test_client().get(f"/p/demo/lookup/{hill_number}").get_data(as_text=True)
    assert "山村的事" not in on_demo
    # A number hill never reached, on hill's page: not found, saying where hill's numbers stop.
    missing = app.test_client().get(f"/p/hill/lookup/{hill_number.year}-{demo_count:04d}?lang=zh_Hans")
    assert missing.status_code == 404 and f"编号到 {hill_number}" in missing.get_data(as_text=True)
    assert "示范村的事" not in missing.get_data(as_text=True)
    # A village that does not exist: not found, not an error.
    assert app.test_client().get(f"/p/nowhere/lookup/{hill_number}").status_code == 404


@pytest.mark.parametrize("path", [
    "/p/demo/lookup/%00", "/p/demo/lookup/..%2F..%2Fetc%2Fpasswd", "/p/demo/lookup/2026-00001%0A",
    "/p/demo/lookup/" + "1" * 5000, "/p/demo/lookup/<script>alert(1)</script>", "/p/demo/lookup/2026-7/x",
    "/p/demo/lookup?number=%00", "/p/demo/lookup?number=" + "２" * 200, "/p/demo/lookup?number=2026-99999999999",
    "/p/demo/lookup/%E2%80%AE2026-1", "/p/demo/lookup/99999999999999999999999-1",
])
def test_malformed_numbers_get_a_4xx_page(app, path):
    response = app.test_client().get(path)
    assert 400 <= response.status_code < 500, (path, response.status_code)
    assert "<script>alert" not in response.get_data(as_text=True)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(typed=st.text(max_size=60))
def test_anything_typed_in_the_form_is_never_a_500(app, typed):
    response = app.test_client().get("/p/demo/lookup", query_string={"number": typed})
    assert response.status_code in (200, 302, 400), (typed, response.status_code)
    if response.status_code == 302:
        assert re.fullmatch(r"/p/demo/lookup/\d{4}-\d{4,6}", response.headers["Location"].split("?")[0])
        assert app.test_client().get(response.headers["Location"]).status_code in (200, 404)

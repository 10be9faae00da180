"""Attacks on the voter card (选民卡, docs/security.md §"The voter card"): a cadre holding the
database, a guesser, a finder of a lost card, a card of another village, a second phone, a card
used before its holder's check-in or after the sitting closed, and the server's logs."""

from __future__ import annotations

import re
import secrets
import sqlite3

import pytest
from helpers import demo_app
from sqlalchemy import inspect, text

from deliberate import Ledger
from deliberate.usecases import cards, demo
from webui import create_app
from webui.demo import DEMO_PASSWORD
from webui.limits import CARD_MISSES_PER_HOUR
from webui.logprivacy import redact

VILLAGE, SITTING = "demo", "live"
HALL = f"/v/{VILLAGE}/s/{SITTING}/hall"


def _csrf(client, path="/login"):
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


def _login(app, username):
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": DEMO_PASSWORD,
                                           "csrf_token": _csrf(client)})
    assert response.status_code == 302
    return client


def _post(client, path, data=None, page=HALL):
    return client.post(path, data={**(data or {}), "csrf_token": _csrf(client, page)})


def _flashes(client):
    return " ".join(re.findall(r'class="flash[^"]*"[^>]*>([^<]*)<', client.get(HALL).get_data(as_text=True)))


def _alert(response):
    return re.search(r'role="alert">([^<]*)<', response.get_data(as_text=True)).group(1)


def _issue(clerk, person=None):
    """Cards made on the clerk's page: {person: code}, read off the print page."""
    page = _post(clerk, f"/v/{VILLAGE}/cards/print", {"person": person} if person else {},
                 page=f"/v/{VILLAGE}/cards").get_data(as_text=True)
    found = re.findall(r'data-person="([^"]+)">.*?class="card-code">[^<]*<span>([A-Z0-9-]+)<',
                       page, re.S)
    return dict(found)


def _voters(app):
    return sorted(Ledger(VILLAGE, app.extensions["deliberate"]).state.sittings[SITTING].roster.voters)


def _names(app):
    from deliberate.usecases import records
    return records.person_names(app.extensions["deliberate"], VILLAGE)


@pytest.fixture(scope="module")
def hall(tmp_path_factory):
    """The demo's live sitting open, 30 voters checked in by name, every adult holding a card."""
    app = demo_app(tmp_path_factory.mktemp("card") / "web.sqlite3", WTF_CSRF_ENABLED=True)
    chair, clerk = _login(app, "chair"), _login(app, "clerk")
    voters = _voters(app)
    for person in voters[1:31]:
        _post(clerk, f"{HALL}/check-in", {"who": person})
    _post(chair, f"{HALL}/open")
    codes = _issue(clerk)
    assert len(codes) >= 300
    return app, clerk, chair, codes


def _holder(app, codes, n):
    person = _voters(app)[n]
    return person, codes[person]


def test_the_database_holds_no_card_code_and_a_copy_of_it_opens_nothing(hall, tmp_path):
    app, _clerk, _, codes = hall
    engine = app.extensions["deliberate"].engine
    dump = []
    with engine.connect() as conn:
        for table in inspect(engine).get_table_names():
            dump += [repr(tuple(row)) for row in conn.execute(text(f'SELECT * FROM "{table}"'))]
    whole = "\n".join(dump)
    for code in codes.values():
        assert code not in whole and code.replace("-", "") not in whole
    # A cadre copies the database and runs the app with a secret of their own: even a real card's
    # code opens nothing there, and no address made there votes here.
    copy = tmp_path / "copy.sqlite3"
    source = sqlite3.connect(app.config["DATABASE_URL"].removeprefix("sqlite:///"))
    with sqlite3.connect(copy) as target:
        source.backup(target)
    source.close()
    stolen = create_app({"DATABASE_URL": f"sqlite:///{copy}", "SECRET_KEY": "the cadre's own", "TESTING": True})
    _person, code = _holder(app, codes, 1)
    assert cards.open_card(stolen.extensions["deliberate"], b"the cadre's own", code, None,
                           _now()).refusal is cards.CardRefusal.UNKNOWN
    response = stolen.test_client().post("/card", data={"code": code})
    assert response.status_code == 404 and "没有这张卡" in _alert(response)


def _now():
    from datetime import datetime, timedelta, timezone
    return datetime(2026, 11, 24, 9, tzinfo=timezone(timedelta(hours=8)))


def test_guessed_codes_open_nothing_and_guessing_is_stopped(tmp_path):
    app = demo_app(tmp_path / "guess.sqlite3")
    guesser = app.test_client()
    for _ in range(CARD_MISSES_PER_HOUR):
        guess = "".join(secrets.choice(cards.ALPHABET) for _ in range(16))
        response = guesser.post("/card", data={"code": guess})
        assert response.status_code == 404 and "没有这张卡" in _alert(response)
    response = guesser.post("/card", data={"code": "ABCD" * 4})
    assert response.status_code == 429 and "尝试次数过多" in _alert(response)
    assert "phone" not in {ck.key for ck in guesser._cookies.values()}  # no phone was bound


def test_a_card_before_check_in_opens_nothing_and_binds_no_phone(hall):
    app, clerk, _, codes = hall
    _person, code = _holder(app, codes, 32)
    early = app.test_client()
    response = early.post("/card", data={"code": code})
    assert response.status_code == 403 and "您还没有签到" in _alert(response)
    _post(clerk, f"{HALL}/check-in", {"who": code})
    assert "签到成功" in _flashes(clerk)
    holder = app.test_client()  # the holder's own phone is still the first to be bound
    assert holder.post("/card", data={"code": code}).status_code == 302


def test_a_second_phone_is_refused_even_with_the_first_ones_address(hall):
    app, clerk, _, codes = hall
    person, code = _holder(app, codes, 33)
    _post(clerk, f"{HALL}/check-in", {"who": f"http://hall/card#{code}"})
    first = app.test_client()
    address = first.post("/card", data={"code": code}).headers["Location"]
    assert first.get(address).status_code == 200
    second = app.test_client()
    response = second.post("/card", data={"code": code})
    assert response.status_code == 409 and "另一部手机" in _alert(response)
    # The voting address copied from the first phone, and a phone cookie made up: refused.
    assert second.get(address).status_code == 403
    second.set_cookie("phone", secrets.token_urlsafe(32))
    assert second.get(address).status_code == 403
    assert second.post(address, data={"vote": "v1", "choice": "approve"}).status_code == 403
    # Released by the clerk, the card moves to the second phone and leaves the first.
    _post(clerk, f"/v/{VILLAGE}/s/{SITTING}/cards/release", {"who": person})
    assert "已解除" in _flashes(clerk)
    moved = second.post("/card", data={"code": code}).headers["Location"]
    assert second.get(moved).status_code == 200
    assert first.get(address).status_code == 403


def test_a_revoked_card_is_refused_on_the_phone_and_named_at_the_door(hall):
    app, clerk, _, codes = hall
    person, old = _holder(app, codes, 34)
    _post(clerk, f"{HALL}/check-in", {"who": old})
    finder = app.test_client()
    address = finder.post("/card", data={"code": old}).headers["Location"]
    new = _issue(clerk, person)[person]
    assert new != old
    response = finder.post("/card", data={"code": old})
    assert response.status_code == 410 and "挂失作废" in _alert(response)
    assert finder.get(address).status_code == 403  # the phone bound to the lost card votes no more
    _post(clerk, f"{HALL}/check-in", {"who": old})
    assert f"这是{_names(app)[person]}已挂失作废的旧卡" in _flashes(clerk)
    assert app.test_client().post("/card", data={"code": new}).status_code == 302


def test_another_villages_card_is_named_at_the_door(hall):
    app, clerk, _, _ = hall
    store = app.extensions["deliberate"]
    demo.install_demo(store, _now(), village="east", name="东村", secret=b"east")
    with app.app_context():
        from webui.cards import _key
        theirs = cards.issue_cards(store, _key(), "east", ["p0005"], _now())[0]
    before = len(Ledger(VILLAGE, store).state.sittings[SITTING].present)
    _post(clerk, f"{HALL}/check-in", {"who": theirs.code})
    assert "这是东村的选民卡，不是本村的" in _flashes(clerk)
    assert len(Ledger(VILLAGE, store).state.sittings[SITTING].present) == before


def test_nothing_of_a_card_reaches_the_logs():
    # The QR code's code is after "#": a browser never sends it. Should a code or the phone's
    # cookie be put in a request line or header by hand, the log line is redacted.
    line = 'GET /card?code=ABCDEFGHJKLMNPQR HTTP/1.1 Cookie: phone=lwDLaK0b1u322eLNkMak; x=1'
    assert "ABCDEFGHJKLMNPQR" not in redact(line) and "lwDLaK0b1u322eLNkMak" not in redact(line)


def test_a_card_after_the_sitting_closed_opens_nothing(tmp_path):
    app = demo_app(tmp_path / "closed.sqlite3", WTF_CSRF_ENABLED=True)
    chair, clerk = _login(app, "chair"), _login(app, "clerk")
    voters = _voters(app)
    for person in voters[1:31]:
        _post(clerk, f"{HALL}/check-in", {"who": person})
    _post(chair, f"{HALL}/open")
    person = voters[0]
    code = _issue(clerk, person)[person]
    _post(clerk, f"{HALL}/check-in", {"who": code})
    phone = app.test_client()
    address = phone.post("/card", data={"code": code}).headers["Location"]
    _post(chair, f"{HALL}/close", {"confirm": "1"})
    assert phone.get(address).status_code == 410
    response = phone.post("/card", data={"code": code})
    assert response.status_code == 409 and "没有正在召开的会议" in _alert(response)

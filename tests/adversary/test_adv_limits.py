"""Attacks on the limits: a script that floods the villagers' public forms, or guesses a secret
ballot's change code, spread over the server's worker processes — or waiting for a restart. Every
limit is counted in the database (deliberate.store.limits), not in one process's memory, so two
workers (two apps on one database here) and a restarted server count the same attempts."""

from __future__ import annotations

import re

from helpers import demo_app
from sqlalchemy import text

from deliberate import Ledger
from webui import create_app
from webui.demo import DEMO_PASSWORD
from webui.services import voter_token

VILLAGE, SITTING = "demo", "live"


def _workers(tmp_path, **config):
    """Two worker processes of one server: two apps on one database, sharing its secret key."""
    first = demo_app(tmp_path / "w.sqlite3", **config)
    second = create_app({**first.config, "TESTING": True})
    return first, second


def test_a_public_form_flood_spread_over_workers_and_a_restart_is_still_limited(tmp_path):
    first, second = _workers(tmp_path, PUBLIC_POSTS_PER_HOUR=3)
    answers = []
    for i in range(6):
        app = (first, second)[i % 2]
        answers.append(app.test_client().post(f"/p/{VILLAGE}/submissions", data={"text": f"路灯坏了{i}"}).status_code)
    assert answers == [302, 302, 302, 429, 429, 429]
    restarted = create_app({**first.config, "TESTING": True})
    assert restarted.test_client().post(f"/p/{VILLAGE}/submissions", data={"text": "又来"}).status_code == 429
    # Another address is not held back by the flood.
    other = restarted.test_client().post(f"/p/{VILLAGE}/submissions", data={"text": "路灯"},
                                         environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert other.status_code == 302


def _csrf(client, path):
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


def _official(app, username):
    client = app.test_client()
    assert client.post("/login", data={"username": username, "password": DEMO_PASSWORD,
                                       "csrf_token": _csrf(client, "/login")}).status_code == 302
    return client


def test_guessing_a_change_code_over_two_workers_is_cut_off_and_the_table_names_no_voter(tmp_path):
    first, second = _workers(tmp_path, WTF_CSRF_ENABLED=True)
    store = first.extensions["deliberate"]
    hall = f"/v/{VILLAGE}/s/{SITTING}/hall"
    chair, clerk = _official(first, "chair"), _official(first, "clerk")
    chair.post(f"{hall}/open", data={"csrf_token": _csrf(chair, hall)})
    voters = sorted(Ledger(VILLAGE, store).state.sittings[SITTING].roster.voters)
    for who in voters[:40]:  # a quorum
        clerk.post(f"{hall}/check-in", data={"who": who, "csrf_token": _csrf(clerk, hall)})
    person = voters[0]
    chair.post(f"{hall}/vote/open", data={"matter": "channel", "motion": "无记名表决：修建水渠", "secret": "1",
                                          "csrf_token": _csrf(chair, hall)})
    vote = Ledger(VILLAGE, store).state.open_vote(SITTING)
    assert vote is not None and vote.secret
    with first.app_context():
        url = f"/b/{voter_token(VILLAGE, SITTING, person)}"
    answers = []
    for i in range(14):
        app = (first, second)[i % 2]
        answers.append(app.test_client().post(url, data={"receipt": "AAAAA-AAAAA", "code": f"GUESS-{i:05d}",
                                                         "vote": vote.id, "recover": "1"}).status_code)
    assert answers[:10] == [400] * 10 and answers[10:] == [429] * 4
    with store.engine.connect() as conn:
        rows = conn.execute(text("SELECT subject, address FROM attempt WHERE kind = 'recover'")).all()
    assert len(rows) == 10
    assert all(person not in row.subject and SITTING not in row.subject and row.address == "" for row in rows)

"""Attacks on officials' accounts and the login, through the HTTP app (Flask's test client).

- A village's admin tries to take over another village's (or the county's, or a colleague's)
  account by "creating" it again with a password of their choosing.
- Anyone types five wrong passwords for the chair's username to lock the chair out on meeting day;
  the chair must still get in from their own address. The limits hold across worker processes
  (two apps on one database) and under a burst of parallel guesses.
- A crafted ``next`` sends a freshly logged-in official off-site, or breaks the Location header.

Storage-dependent attacks run on SQLite and PostgreSQL (the ``store_url`` fixture).
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

import pytest
from helpers import demo_app_at
from sqlalchemy import func, select

from deliberate.store.models import AccountRow
from webui import create_app
from webui.auth import add_account
from webui.demo import DEMO_PASSWORD

CST = timezone(timedelta(hours=8))


def make_app(url: str, **config):
    """The demo village, a second village ``hill`` with its own chair-and-admin, and a county
    account that serves every village."""
    app = demo_app_at(url, SECRET_KEY="adv-accounts", **config)
    store = app.extensions["deliberate"]
    store.create_village("hill", "山村")
    add_account(store, "hill-chair", "hill-password", {"chair", "admin"}, "山村主任", village="hill")
    add_account(store, "county", "county-password", {"admin"}, "县民政局", village=None)
    return app


def csrf(client, path="/login"):
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def try_login(app_or_client, username, password, address="192.0.2.1", next_=None):
    client = app_or_client.test_client() if hasattr(app_or_client, "test_client") else app_or_client
    token = csrf(client)
    path = "/login" if next_ is None else "/login?" + next_
    response = client.post(path, data={"username": username, "password": password, "csrf_token": token},
                           environ_base={"REMOTE_ADDR": address})
    return client, response


def account_row(app, username):
    t = AccountRow.__table__
    with app.extensions["deliberate"].engine.connect() as conn:
        return conn.execute(select(t).where(t.c.username == username)).first()


# --- 1. Taking over an account by creating it again -----------------------------------------------

def test_an_admin_cannot_take_over_an_existing_account_by_creating_it(store_url):
    app = make_app(store_url)
    admin, ok = try_login(app, "admin", DEMO_PASSWORD)
    assert ok.status_code == 302
    victims = {"hill-chair": "hill-password", "county": "county-password", "chair": DEMO_PASSWORD}
    for victim, password in victims.items():
        before = account_row(app, victim)
        token = csrf(admin, "/v/demo/admin")
        response = admin.post("/v/demo/admin/accounts", data={
            "username": victim, "password": "taken-over-1", "roles": ["admin", "chair"],
            "display_name": "攻击者", "csrf_token": token})
        assert 400 <= response.status_code < 500, (victim, response.status_code)
        assert "该用户名已被使用" in response.get_data(as_text=True)
        after = account_row(app, victim)
        assert after == before, victim  # password hash, roles, village, name: all untouched
        assert try_login(app, victim, password)[1].status_code == 302, victim
        assert try_login(app, victim, "taken-over-1")[1].status_code == 401, victim
    # The refusal speaks the user's language.
    token = csrf(admin, "/v/demo/admin")
    for lang, words in (("zh_Hant", "該使用者名稱已被使用"), ("en", "already taken")):
        response = admin.post(f"/v/demo/admin/accounts?lang={lang}", data={
            "username": "county", "password": "taken-over-1", "roles": "admin", "csrf_token": token})
        assert response.status_code == 409 and words in response.get_data(as_text=True)
    # A new username is still created, in the admin's own village.
    response = admin.post("/v/demo/admin/accounts", data={
        "username": "li", "password": "longenough1", "roles": "clerk", "csrf_token": token})
    assert response.status_code == 302
    assert account_row(app, "li").village == "demo"
    assert try_login(app, "li", "longenough1")[1].status_code == 302


def test_an_admin_acts_only_on_accounts_of_its_own_village(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'own.sqlite3'}")
    admin, _ = try_login(app, "admin", DEMO_PASSWORD)
    token = csrf(admin, "/v/demo/admin")
    for victim in ("hill-chair", "county"):
        before = account_row(app, victim)
        admin.post(f"/v/demo/admin/accounts/{victim}/deactivate", data={"csrf_token": token})
        response = admin.post(f"/v/demo/admin/accounts/{victim}/password",
                              data={"password": "taken-over-1", "csrf_token": token})
        assert response.status_code == 404, victim
        assert account_row(app, victim) == before
    # Its own accounts: a bad password or a forged request (no CSRF token) changes nothing.
    before = account_row(app, "clerk")
    short = admin.post("/v/demo/admin/accounts/clerk/password", data={"password": "x", "csrf_token": token})
    assert short.status_code == 422 and "密码" in short.get_data(as_text=True)
    assert admin.post("/v/demo/admin/accounts/clerk/password", data={"password": "a-new-secret"}).status_code == 400
    assert account_row(app, "clerk") == before
    # The other village's admin pages are closed to this admin altogether.
    assert admin.get("/v/hill/admin").status_code == 403
    assert admin.post("/v/hill/admin/accounts/hill-chair/password",
                      data={"password": "taken-over-1", "csrf_token": token}).status_code == 403
    hill = try_login(app, "hill-chair", "hill-password")[0]
    assert hill.get("/v/demo/admin").status_code == 403


# --- 2. Locking the chair out -----------------------------------------------------------------------

def test_wrong_passwords_from_one_address_never_lock_the_owner_out_elsewhere(store_url):
    app = make_app(store_url)
    attacker = "203.0.113.66"
    for _ in range(5):
        assert try_login(app, "chair", "guess", address=attacker)[1].status_code == 401
    blocked = try_login(app, "chair", DEMO_PASSWORD, address=attacker)[1]
    assert blocked.status_code == 429 and "登录尝试过多" in blocked.get_data(as_text=True)
    # The chair, at the meeting hall's address, logs in as usual.
    chair, response = try_login(app, "chair", DEMO_PASSWORD, address="198.51.100.7")
    assert response.status_code == 302
    assert chair.get("/v/demo/s/live/hall").status_code == 200


def test_one_address_is_limited_across_usernames(store_url):
    app = make_app(store_url)
    attacker = "203.0.113.77"
    users = ["chair", "clerk", "counter", "scrutineer", "supervisor", "admin"]
    codes = [try_login(app, users[i % len(users)], f"guess{i}", address=attacker)[1].status_code
             for i in range(20)]
    assert codes == [401] * 20
    assert try_login(app, "nobody", "x", address=attacker)[1].status_code == 429
    assert try_login(app, "clerk", DEMO_PASSWORD, address=attacker)[1].status_code == 429
    assert try_login(app, "clerk", DEMO_PASSWORD, address="198.51.100.8")[1].status_code == 302


def test_the_limit_holds_across_worker_processes(store_url):
    """gunicorn's workers are separate processes: two apps on one database stand for them."""
    first = make_app(store_url)
    second = create_app({"DATABASE_URL": store_url, "SECRET_KEY": "adv-accounts", "TESTING": True})
    attacker = "203.0.113.88"
    for i in range(5):
        worker = (first, second)[i % 2]
        assert try_login(worker, "chair", "guess", address=attacker)[1].status_code == 401
    for worker in (first, second):
        assert try_login(worker, "chair", DEMO_PASSWORD, address=attacker)[1].status_code == 429


def test_a_burst_of_parallel_guesses_gets_no_more_than_the_limit(store_url):
    first = make_app(store_url)
    second = create_app({"DATABASE_URL": store_url, "SECRET_KEY": "adv-accounts", "TESTING": True})
    attacker = "203.0.113.99"
    clients = []
    for i in range(12):
        client = (first, second)[i % 2].test_client()
        clients.append((client, csrf(client)))

    def guess(pair):
        client, token = pair
        return client.post("/login", data={"username": "chair", "password": "guess", "csrf_token": token},
                           environ_base={"REMOTE_ADDR": attacker}).status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        codes = list(pool.map(guess, clients))
    assert codes.count(401) <= 5 and codes.count(401) + codes.count(429) == 12, codes


def test_failures_expire_and_old_ones_are_pruned(store_url):
    moment = [datetime(2026, 3, 2, 9, 0, tzinfo=CST)]
    app = make_app(store_url, AUTH_CLOCK=lambda: moment[0])
    attacker = "203.0.113.55"
    for _ in range(5):
        try_login(app, "clerk", "guess", address=attacker)
    assert try_login(app, "clerk", DEMO_PASSWORD, address=attacker)[1].status_code == 429
    moment[0] += timedelta(minutes=16)
    try_login(app, "counter", "guess", address="203.0.113.56")  # any new failure prunes the table
    from deliberate.store.models import AttemptRow

    t = AttemptRow.__table__
    with app.extensions["deliberate"].engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(t)).scalar() == 1
    assert try_login(app, "clerk", DEMO_PASSWORD, address=attacker)[1].status_code == 302


def test_ipv6_neighbours_count_as_one_address(tmp_path):
    """Whoever holds an IPv6 /64 holds billions of addresses: they count as one."""
    app = make_app(f"sqlite:///{tmp_path / 'v6.sqlite3'}")
    for i in range(5):
        try_login(app, "chair", "guess", address=f"2001:db8:1:2::{i + 1:x}")
    assert try_login(app, "chair", DEMO_PASSWORD, address="2001:db8:1:2::ffff")[1].status_code == 429
    assert try_login(app, "chair", DEMO_PASSWORD, address="2001:db8:1:3::1")[1].status_code == 302


# --- 3. Where a login sends the official --------------------------------------------------------------

OFF_SITE = [
    "next=/%09/evil.example/x",        # a browser drops the tab: //evil.example/x
    "next=/%0A/evil.example/x",        # a newline in the Location header
    "next=/%0D%0ASet-Cookie:%20x=1",   # header injection
    "next=//evil.example/x",
    "next=/%5Cevil.example/x",         # /\evil.example: a browser reads \ as /
    "next=%5C%5Cevil.example",
    "next=https://evil.example/",
    "next=http:/evil.example",
    "next=javascript:alert(1)",
    "next=%20//evil.example",          # a browser strips leading spaces
    "next=%09//evil.example",
    "next=/%00/evil.example",
]


@pytest.mark.parametrize("query", OFF_SITE)
def test_login_never_sends_the_official_off_site(tmp_path, query):
    app = make_app(f"sqlite:///{tmp_path / 'next.sqlite3'}")
    _, response = try_login(app, "chair", DEMO_PASSWORD, next_=query)
    if "%00" in query:  # NUL anywhere in a request is refused before any page code runs
        assert response.status_code == 400 and "Location" not in response.headers
        return
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_login_follows_a_same_site_path(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'next.sqlite3'}")
    _, response = try_login(app, "chair", DEMO_PASSWORD, next_="next=/v/demo/s/live/hall%3Flang%3Den")
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert not location.netloc and location.path == "/v/demo/s/live/hall" and location.query == "lang=en"

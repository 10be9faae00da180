"""It keeps answering: no request, refused or not, and no number of threads can hold the database's
connection pool (issue 9, section 5).

The attacker holds one voter's link (or any link, or none) and can send as many requests as they
like; a busy server has more worker threads than the pool has connections. A command that keeps
its connection — in a thread-local between commands, or in a traceback until a garbage collection
— leaves one connection fewer for everyone; 15 of them and every page waits 30 s for a 500.
"""

from __future__ import annotations

import gc
import http.client
import threading
import time
import urllib.parse
import weakref
from contextlib import contextmanager

import pytest
import workers
from helpers import demo_app_at, open_demo_vote
from werkzeug.serving import make_server

from deliberate import DeliberateError, Ledger
from deliberate import commands as c
from deliberate.store import open_store
from deliberate.tally import Choice

# More than SQLAlchemy's default pool holds (5 connections and 10 more on demand).
MORE_THAN_THE_POOL = 25


@contextmanager
def _served(app):
    """The app on 127.0.0.1 as ``python -m webui`` serves it: Werkzeug, a thread per request."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        thread.join(timeout=10)


def _request(port, method, path, form=None, timeout=5.0):
    """(status, seconds); status None when no answer came within ``timeout``."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    start = time.monotonic()
    try:
        body = urllib.parse.urlencode(form) if form is not None else None
        conn.request(method, path, body, {"Content-Type": "application/x-www-form-urlencoded"}
                     if form is not None else {})
        response = conn.getresponse()
        response.read()
        return response.status, time.monotonic() - start
    except TimeoutError:
        return None, time.monotonic() - start
    finally:
        conn.close()


def _checked_out_settles_to_zero(engine, within=2.0):
    """The pool's checked-out count, once it is 0 or ``within`` seconds have passed (a request's
    thread may still be finishing after its answer was sent)."""
    deadline = time.monotonic() + within
    while engine.pool.checkedout() and time.monotonic() < deadline:
        time.sleep(0.02)
    return engine.pool.checkedout()


def test_refused_ballots_from_one_link_do_not_exhaust_the_pool(store_url):
    app = demo_app_at(store_url)
    store = app.extensions["deliberate"]
    _, absent = open_demo_vote(store, present=20)
    from webui.services import voter_token

    with app.app_context():
        link = f"/b/{voter_token('demo', 'live', absent[0])}"  # a real link; its owner is absent
    before = Ledger("demo", store).checkpoint
    # Connections that only a garbage collection returns are the attack: the collector runs when
    # it likes, so it is held off here, as it is between two of its runs in a server.
    gc.disable()
    try:
        with _served(app) as port:
            for _ in range(MORE_THAN_THE_POOL):
                status, _ = _request(port, "POST", link, {"choice": "approve", "vote": "v1"})
                assert status == 302  # refused, with the reason flashed on the voter's page
            assert _checked_out_settles_to_zero(store.engine) == 0
            status, seconds = _request(port, "GET", "/p/demo")
            assert status == 200 and seconds < 2.0, (status, seconds)
            status, _ = _request(port, "GET", link)
            assert status == 200
    finally:
        gc.enable()
    assert Ledger("demo", store).checkpoint == before  # nothing was recorded
    assert store.engine.pool.checkedout() == 0
    store.close()


def test_more_long_lived_threads_than_the_pool_each_write_once(store_url):
    """A server's threads live as long as the server; one that kept a connection per thread would
    leave the sixteenth with none."""
    voters = workers.open_sitting(store_url, "v", MORE_THAN_THE_POOL)
    store = open_store(store_url, migrate=False)
    ledger = Ledger("v", store)
    stay, threads, errors = threading.Event(), [], []

    def thread_life(voter, done):
        try:
            ledger.handle(c.CastBallot("s", "v", voter, workers.choice_for(voter)), workers.VOTING)
        except Exception as exc:  # reported below, with the thread's number
            errors.append((voter, exc))
        finally:
            done.set()
        stay.wait(60)  # alive, like a server's worker thread, until the test ends

    try:
        for n, voter in enumerate(voters, 1):
            done = threading.Event()
            thread = threading.Thread(target=thread_life, args=(voter, done), daemon=True)
            thread.start()
            threads.append(thread)
            assert done.wait(10), f"thread {n} still waits for a connection after 10 s"
        assert errors == []
        assert store.engine.pool.checkedout() == 0  # while every thread is still alive
    finally:
        stay.set()
        for thread in threads:
            thread.join(timeout=10)
    tally = ledger.state.open_vote("s").electronic
    assert tally.cast == len(voters)
    store.close()


def test_a_refused_command_leaves_no_cycle_for_the_garbage_collector(store_url):
    """Why connections used to wait for the collector: the refusal's traceback held the ledger's
    frames, and through them the job, which held the refusal — a cycle only the collector breaks,
    keeping the writer and its connection alive meanwhile."""
    voters = workers.open_sitting(store_url, "v", 3)
    store = open_store(store_url, migrate=False)
    ledger = Ledger("v", store)
    gc.collect()
    gc.disable()
    try:
        try:
            ledger.handle(c.CastBallot("s", "v", "p9999", Choice.APPROVE), workers.VOTING)  # not a voter
        except DeliberateError as refused:
            ref = weakref.ref(refused)
        else:
            pytest.fail("a stranger's ballot was accepted")
        assert ref() is None, gc.get_referrers(ref())
    finally:
        gc.enable()
    assert ledger.state.open_vote("s").electronic.cast == 0
    assert voters  # the sitting was there to refuse it
    store.close()


NUL_REQUESTS = [  # found by tests/adversary/test_adv_fuzz.py: each answered 500 on PostgreSQL
    ("GET", "/p/%00", None),
    ("GET", "/p/demo%00", None),
    ("GET", "/api/v1/villages/%00", None),
    ("GET", "/api/v1/villages/demo/matters/%00", None),
    ("GET", "/p/demo/m/channel?lang=%00", None),
    ("POST", "/login", {"username": "chair\x00", "password": "x"}),
    ("POST", "/p/demo/submissions", {"text": "修路", "name": "李\x00四", "contact": ""}),
    ("POST", "/p/demo/m/bridge/objections", {"text": "反对\x00", "contact": ""}),
]



def test_a_nul_character_anywhere_is_a_400_not_a_500(store_url):
    """PostgreSQL's text cannot hold NUL; one in an id or a form field made the query fail."""
    import re

    app = demo_app_at(store_url)
    store = app.extensions["deliberate"]
    before = Ledger("demo", store).checkpoint
    for method, path, form in NUL_REQUESTS:
        client = app.test_client()
        if path == "/login":
            page = client.get("/login").get_data(as_text=True)
            form = {**form, "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)}
        response = client.open(path, method=method, data=form)
        assert response.status_code == 400, (method, path, form, response.status_code)
        if path.startswith("/api/"):
            assert response.get_json()["error"]["code"] == "bad_request"
        else:
            assert "请求无效" in response.get_data(as_text=True)
    assert Ledger("demo", store).checkpoint == before
    store.close()


@pytest.mark.parametrize("store_url", ["postgresql"], indirect=True)  # SQLite has no server
def test_connections_the_server_closed_while_idle_are_replaced_not_used(store_url):
    """Without a ping on every checkout, a connection the server closed while it idled in the pool
    (a restart, an idle timeout) is pinged before use and replaced, as pool_pre_ping did."""
    import psycopg

    from deliberate.store.engine import PING_AFTER_IDLE

    voters = workers.open_sitting(store_url, "v", 3)
    store = open_store(store_url, migrate=False)
    ledger = Ledger("v", store)
    ledger.handle(c.CastBallot("s", "v", voters[0], Choice.APPROVE), workers.VOTING)
    assert store.engine.pool.checkedin() >= 1
    database = store.engine.url.database
    with psycopg.connect(store_url.replace("postgresql+psycopg://", "postgresql://"),
                         autocommit=True) as admin:
        killed = admin.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                               "WHERE datname = %s AND pid <> pg_backend_pid()", (database,)).fetchone()[0]
    assert killed >= 1
    time.sleep(PING_AFTER_IDLE + 0.2)
    ledger.handle(c.CastBallot("s", "v", voters[1], Choice.OPPOSE), workers.VOTING)
    assert Ledger("v", open_store(store_url, migrate=False)).state.open_vote("s").electronic.cast == 2
    store.close()

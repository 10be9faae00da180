"""Voters' links, receipts and secret choices never reach a log.

A voter's link (``/b/<token>``) is the voter's authority to vote; whoever reads the server's logs
must not be able to vote in their place, nor tie a receipt (published with its choice) to an
address. The real servers are started on 127.0.0.1 the ways the docs give — gunicorn as documented
(no access log), with its access log on (the default format, and one with every field, cookies
included), and ``python -m webui`` — a voter's link is opened, and their output is read back.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
RECEIPT = "ABCD-EFGH"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def instance(tmp_path_factory):
    """An instance folder with the demo village, and a voter's link signed with its key."""
    folder = tmp_path_factory.mktemp("logs-instance")
    env = {**os.environ, "DELIBERATE_INSTANCE": str(folder), "PYTHONPATH": str(ROOT)}
    env.pop("DELIBERATE_DATABASE_URL", None)
    code = ("from webui import create_app\nfrom webui.demo import ensure_demo\n"
            "from webui.services import voter_token\napp = create_app()\n"
            "ensure_demo(app.extensions['deliberate'])\n"
            "with app.app_context():\n    print(voter_token('demo', 'live', 'p0001'))")
    token = subprocess.run([sys.executable, "-c", code], cwd=folder, env=env, check=True, timeout=120,
                           capture_output=True, text=True).stdout.strip()
    assert len(token) > 20
    return folder, env, token


def _serve_and_vote(argv: list[str], folder: Path, env: dict[str, str], token: str, log: Path) -> str:
    """Start the server, open the voter's page and vote, look a receipt up; return its output."""
    port = _free_port()
    argv = [a.replace("{port}", str(port)) for a in argv]
    with log.open("w") as out:
        proc = subprocess.Popen(argv, cwd=folder, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                    break
                except OSError:
                    if time.monotonic() > deadline or proc.poll() is not None:
                        raise AssertionError("the server did not start: " + log.read_text()) from None
                    time.sleep(0.2)
            voter = f"{base}/b/{token}"
            requests = [
                urllib.request.Request(f"{voter}?lang=zh_Hans",
                                       headers={"Cookie": f"receipt.live.v1={RECEIPT}; "
                                                          f"ballot.live.v1={RECEIPT}~{RECEIPT}"}),
                urllib.request.Request(voter, data=urllib.parse.urlencode(
                    {"choice": "oppose", "vote": "v1"}).encode(), method="POST"),
                urllib.request.Request(f"{base}/static/style.css", headers={"Referer": voter}),
                urllib.request.Request(f"{base}/b/{token}/nothing-here"),
                urllib.request.Request(f"{base}/p/demo/verify?receipt={RECEIPT}"),
            ]
            for request in requests:
                # A 404 is fine: what matters is what the log says.
                with contextlib.suppress(urllib.error.HTTPError):
                    urllib.request.urlopen(request, timeout=10).read()
            time.sleep(0.5)  # let the workers write their lines
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
    return log.read_text(errors="replace")


GUNICORN = [sys.executable, "-m", "gunicorn", "-w", "2", "-b", "127.0.0.1:{port}"]
EVERY_FIELD = "%(h)s %(r)s %(U)s %(q)s %(f)s %({referer}i)s %({cookie}i)s"
SERVERS = {
    # The documented command (docs/webui.md, "Production"): gunicorn keeps no access log by default.
    "gunicorn-documented": ([*GUNICORN, "webui:create_app()"], False),
    # The operator turns the access log on: the lines are there, the link is not.
    "gunicorn-access-log": ([*GUNICORN, "--access-logfile", "-", "webui:create_app()"], True),
    # ... with a format that logs every part of the request, cookies included.
    "gunicorn-access-log-every-field": ([*GUNICORN, "--access-logfile", "-", "--access-logformat", EVERY_FIELD,
                                         "webui:create_app()"], True),
    # The hall's laptop: waitress keeps no access log; its error log is filtered all the same.
    "python-m-webui": ([sys.executable, "-m", "webui", "--port", "{port}"], False),
}


@pytest.mark.parametrize("server", sorted(SERVERS))
def test_a_voters_link_never_reaches_the_servers_log(instance, tmp_path, server):
    folder, env, token = instance
    argv, logs_requests = SERVERS[server]
    output = _serve_and_vote(argv, folder, env, token, tmp_path / "server.log")
    signature = token.rsplit(".", 1)[-1]
    assert token not in output and signature not in output, output
    assert RECEIPT not in output, output
    if logs_requests:
        assert "/b/" in output and "/static/style.css" in output, output  # the requests were logged


def test_the_apps_own_log_holds_no_token_and_no_sql_values(tmp_path, caplog, monkeypatch):
    """An unexpected failure while a voter's page is built is logged — without the link's token
    or any value the failing statement carried (which, for the ballot box, is a choice)."""
    from helpers import demo_app
    from sqlalchemy import text

    from deliberate.usecases import ballot
    from webui.services import voter_token

    app = demo_app(tmp_path / "log.sqlite3")
    with app.app_context():
        token = voter_token("demo", "live", "p0001")
    engine = app.extensions["deliberate"].engine

    def failing_name(engine_: object, village: str, person: str) -> str:
        with engine.connect() as conn:
            conn.execute(text("INSERT INTO no_such_table (receipt, choice) VALUES (:r, :c)"),
                         {"r": RECEIPT, "c": "secret-choice-oppose"})
        return person

    monkeypatch.setattr(ballot, "person_name", failing_name)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.testing = False
    with caplog.at_level(logging.DEBUG):
        response = app.test_client().get(f"/b/{token}")
    assert response.status_code == 500
    logged = "\n".join(r.getMessage() + "\n" + (logging.Formatter().formatException(r.exc_info)
                                               if r.exc_info else "") for r in caplog.records)
    assert "unhandled error" in logged and "no_such_table" in logged  # the failure is logged
    assert token not in logged and token.rsplit(".", 1)[-1] not in logged
    assert RECEIPT not in logged and "secret-choice-oppose" not in logged

"""Phones reach the laptop (issue 11 §1): ``python -m webui`` serves the hall's network with a
production server, prints the address phones open with its QR code, puts that address in every QR
code and link, and warns when phones cannot open it.

Every request goes to 127.0.0.1; finding the laptop's address sends no packet at all (checked on
a network interface of a namespace this test makes itself).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import textwrap
import threading
import typing

import pytest
import segno
from hall_server import Client, console_matrix, free_port, hall_server, listening_addresses, voter_tokens
from helpers import demo_app

from webui.hallnet import HOTSPOT_ADDRESSES, console_qr, hall_url, is_loopback_host, lan_addresses, problem_with
from webui.i18n import WORDS
from webui.qr import qr_svg

HALL = "/v/demo/s/live/hall"
SCREEN = "/v/demo/s/live/screen"


def login(app, username: str, **where):
    client = app.test_client()
    page = client.get("/login", **where).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"username": username, "password": "demo1234", "csrf_token": token},
                           **where)
    assert response.status_code == 302
    return client


def expected_matrix(url: str, border: int = 2) -> list[list[int]]:
    return [list(row) for row in segno.make_qr(url, error="m").matrix_iter(scale=1, border=border)]


def assert_console_shows(text: str, url: str) -> None:
    """``text`` holds ``url`` as a QR code, module for module."""
    want = expected_matrix(url)
    rows = console_matrix(text)
    assert rows[:len(want)] == want, text
    assert all(not any(row) for row in rows[len(want):])  # at most a light padding row


# --- Which address phones can open ---------------------------------------------------------------


@pytest.mark.parametrize(("url", "problem"), [
    ("http://127.0.0.1:8000", "phones_loopback"),
    ("http://127.3.4.5", "phones_loopback"),
    ("http://localhost:8000/", "phones_loopback"),
    ("http://LOCALHOST./", "phones_loopback"),
    ("http://hall.localhost:8000", "phones_loopback"),
    ("http://[::1]:8000", "phones_loopback"),
    ("http://[::ffff:127.0.0.1]:8000", "phones_loopback"),
    ("http://169.254.10.20:8000", "phones_link_local"),
    ("http://[fe80::1]:8000", "phones_link_local"),
    ("http://0.0.0.0:8000", "phones_unspecified"),
    ("http://[::]:8000", "phones_unspecified"),
    (None, "phones_no_address"),
    ("", "phones_no_address"),
    ("http://192.168.137.1:8000", None),
    ("http://10.42.0.1:8000", None),
    ("https://yishi.example.gov.cn/cun", None),
    ("http://[fd00::2]:8000", None),
])
def test_phones_cannot_open_loopback_link_local_or_unspecified(url, problem):
    assert problem_with(url) == problem
    if problem:
        assert WORDS.text(problem, "zh_Hans", address="x") and WORDS.text(problem, "en", address="x")


def test_the_laptops_own_hotspot_comes_first_then_private_networks():
    routes = {"10.254.254.254": "100.64.3.4",       # the default route: a carrier-grade NAT address
              "192.168.137.254": "192.168.137.1",   # Windows' mobile hotspot is on
              "192.168.1.254": "192.168.1.23",      # the hall's Wi-Fi
              "192.168.0.254": "169.254.7.7",       # an interface that got no address
              "172.31.255.254": "127.0.0.1"}        # nonsense: never offered
    found = lan_addresses(routes.get, probes=[*routes, "10.42.0.254"])
    assert found == ("192.168.137.1", "192.168.1.23", "100.64.3.4")
    assert "192.168.137.1" in HOTSPOT_ADDRESSES
    assert lan_addresses(lambda target: None) == ()  # no network at all


def test_addresses_and_hosts():
    assert hall_url("192.168.137.1", 8000) == "http://192.168.137.1:8000"
    assert hall_url("192.168.137.1", 80) == "http://192.168.137.1"
    assert hall_url("fd00::2", 8000) == "http://[fd00::2]:8000"
    assert all(is_loopback_host(h) for h in ("127.0.0.1", "::1", "[::1]", "localhost", "127.9.9.9"))
    assert not any(is_loopback_host(h) for h in ("0.0.0.0", "192.168.1.2", "yishi.example.cn", ""))


@pytest.mark.skipif(sys.platform != "linux" or os.geteuid() != 0 or not shutil.which("unshare")
                    or not shutil.which("ip"), reason="needs Linux, root, unshare and ip (CI has them)")
def test_finding_the_address_sends_no_packet(tmp_path):
    """In a network namespace of its own (gone when the test ends) with two private networks on
    veth pairs — a default route and a Windows-style hotspot — the addresses are found, and the
    peers' receive counters do not move: no datagram, no ARP. A raw frame sent on purpose (no IP
    address in it, inside the namespace) does move them, so the counters are live."""
    script = tmp_path / "probe.py"
    script.write_text(textwrap.dedent("""
        import json, socket, sys
        from pathlib import Path
        from webui.hallnet import lan_addresses

        def received():  # /proc/net/dev is this namespace's (/sys would be the host's)
            rows = [line.split(":", 1) for line in Path("/proc/net/dev").read_text().splitlines()[2:]]
            return {name.strip(): int(stats.split()[1]) for name, stats in rows if name.strip() in ("lan1", "hot1")}

        before = received()
        found = lan_addresses()
        after = received()
        with socket.socket(socket.AF_PACKET, socket.SOCK_RAW) as raw:  # the control: one frame
            raw.bind(("lan0", 0))
            raw.send(b"\\xff" * 6 + b"\\x02" * 6 + b"\\x88\\xb5" + b"deliberate" * 5)
        import time; time.sleep(0.2)
        json.dump({"found": found, "before": before, "after": after, "control": received()}, sys.stdout)
    """))
    setup = " && ".join([
        "sysctl -qw net.ipv6.conf.all.disable_ipv6=1", "sysctl -qw net.ipv6.conf.default.disable_ipv6=1",
        "ip link set lo up",
        "ip link add lan0 type veth peer name lan1", "ip link add hot0 type veth peer name hot1",
        "ip addr add 192.168.1.23/24 dev lan0", "ip addr add 192.168.137.1/24 dev hot0",
        "ip link set lan0 up", "ip link set lan1 up", "ip link set hot0 up", "ip link set hot1 up",
        "ip route add default via 192.168.1.1",
        f"{sys.executable} {script}",
    ])
    if subprocess.run(["unshare", "--net", "true"], capture_output=True, timeout=30).returncode != 0:
        pytest.skip("this sandbox allows no network namespace (unshare --net)")
    run = subprocess.run(["unshare", "--net", "sh", "-c", setup], capture_output=True, text=True, timeout=60,
                         env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert run.returncode == 0, run.stderr
    import json

    result = json.loads(run.stdout)
    assert result["found"] == ["192.168.137.1", "192.168.1.23"]  # the hotspot first
    assert result["after"] == result["before"], result
    assert result["control"]["lan1"] > result["after"]["lan1"], result


# --- The console ---------------------------------------------------------------------------------


@pytest.mark.parametrize("style", ["plain", "ansi", "ansi_compact"])
def test_the_console_qr_code_is_the_address(style):
    url = "http://192.168.137.1:8000/"
    assert_console_shows(console_qr(url, style), url)
    if style == "plain":
        assert "\x1b" not in console_qr(url, style)  # a log or a pipe gets no escape codes


def test_the_hall_listens_on_every_network_prints_its_address_and_its_qr_code(tmp_path):
    found = lan_addresses()
    with hall_server(tmp_path) as server:
        assert listening_addresses(server.port) == {"0.0.0.0"}
        client = Client(server.port)
        assert "<title>" in client.get("/")
        _, headers, _ = client.request("GET", "/")
        assert headers.get("Server") == "deliberate"  # waitress, not the development server
        output = server.output
    assert WORDS.text("console_started", "zh_Hans") in output
    assert f"http://127.0.0.1:{server.port}/" in output  # for the chair's and the projector's browser
    if not found:  # a machine with no network: it says so, and shows no code
        assert WORDS.text("phones_no_address", "zh_Hans") in output
        assert console_matrix(output) == []
        return
    phones = f"http://{found[0]}:{server.port}/"
    assert WORDS.text("console_phones", "zh_Hans", url=phones) in output
    assert WORDS.text("console_phones", "en", url=phones) in output
    assert_console_shows(output, phones)
    assert WORDS.text("phones_warning", "zh_Hans") not in output
    assert WORDS.text("console_demo_open", "zh_Hans") in output  # the published demo password, on a network


def test_the_hall_warns_when_it_listens_on_this_computer_only(tmp_path):
    with hall_server(tmp_path, "--host", "127.0.0.1") as server:
        assert listening_addresses(server.port) == {"127.0.0.1"}
        client = Client(server.port)
        client.login("chair")
        console = client.get(f"{HALL}?lang=zh_Hans")
        output = server.output
    assert WORDS.text("phones_warning", "zh_Hans") in output
    assert WORDS.text("phones_listen_local", "zh_Hans") in output
    assert console_matrix(output) == []  # no code for an address phones cannot open
    # The chair's console says the same.
    assert WORDS.text("phones_warning", "zh_Hans") in console
    assert WORDS.text("phones_listen_local", "zh_Hans") in console


def test_a_given_address_is_used_and_checked(tmp_path):
    with hall_server(tmp_path, "--url", "http://169.254.1.2:8000") as server:
        output = server.output
    assert WORDS.text("phones_link_local", "zh_Hans", address="http://169.254.1.2:8000") in output
    bad = subprocess.run([sys.executable, "-m", "webui", "--url", "192.168.1.2:8000"], capture_output=True,
                         text=True, timeout=60, env={**os.environ, "DELIBERATE_INSTANCE": str(tmp_path / "x")})
    assert bad.returncode == 2 and "--url" in bad.stdout


def test_a_busy_port_is_said_plainly(tmp_path):
    port = free_port()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        run = subprocess.run([sys.executable, "-m", "webui", "--host", "127.0.0.1", "--port", str(port),
                              "--no-demo"], capture_output=True, text=True, timeout=60,
                             env={**os.environ, "DELIBERATE_INSTANCE": str(tmp_path / "busy")})
    assert run.returncode == 2, run.stdout + run.stderr
    assert f"无法在端口{port}上启动" in run.stdout and "Traceback" not in run.stderr


def test_the_console_follows_a_new_address(monkeypatch, capsys):
    """The laptop's address changes mid-sitting (another Wi-Fi, a new DHCP lease): links follow,
    and the console says what changed and shows the new code."""
    import webui.__main__ as hall

    addresses = iter([("192.168.1.23",), ("192.168.1.23",), ("10.42.0.1",), ()])
    monkeypatch.setattr(hall, "lan_addresses", lambda: next(addresses, ()))
    monkeypatch.setattr(hall, "WATCH_SECONDS", 0.01)

    class App:
        config: typing.ClassVar[dict[str, str]] = {"PUBLIC_URL": "http://192.168.1.23:8000"}

    stop = threading.Event()
    seen = []

    def watch():
        hall._watch(App, 8000, stop)

    thread = threading.Thread(target=watch)
    thread.start()
    for _ in range(500):
        if App.config["PUBLIC_URL"] not in seen:
            seen.append(App.config["PUBLIC_URL"])
        if App.config["PUBLIC_URL"].startswith("http://127.0.0.1"):
            break
        threading.Event().wait(0.01)
    stop.set()
    thread.join(timeout=5)
    output = capsys.readouterr().out
    assert "http://10.42.0.1:8000" in seen
    assert WORDS.text("console_changed", "zh_Hans", old="http://192.168.1.23:8000", new="http://10.42.0.1:8000") \
        in output
    assert_console_shows(output.split("http://10.42.0.1:8000。")[1], "http://10.42.0.1:8000/")
    assert WORDS.text("phones_no_address", "zh_Hans") in output  # and then the network is gone


# --- Every QR code and link carries the hall's address -------------------------------------------


def test_voters_cards_the_notice_and_the_projector_carry_the_hall_address(tmp_path):
    """The clerk prints the cards at the laptop, reaching it as 127.0.0.1: the cards still lead
    phones to the hall's address. So do the notice, the projector and the API."""
    found = lan_addresses()
    with hall_server(tmp_path) as server:
        base = f"http://{found[0]}:{server.port}" if found else f"http://127.0.0.1:{server.port}"
        clerk = Client(server.port)
        clerk.login("clerk")
        cards = clerk.get(f"{HALL}/links")
        people = sorted(set(re.findall(r"· (p\d{4})</figcaption>", cards)))
        tokens = voter_tokens(server.instance, "demo", "live", people)
        notice = clerk.get("/p/demo/m/lights/notice/1")
        screen = clerk.get(f"{SCREEN}?lang=zh_Hans")
        api = clerk.get("/api/v1/villages/demo/matters/lights")
    assert len(people) >= 30
    for person, token in tokens.items():
        assert qr_svg(f"{base}/b/{token}") in cards, person
    assert qr_svg(f"{base}/p/demo/m/lights", title=True) in notice
    assert qr_svg(f"{base}/p/demo", scale=5) in screen
    assert f'"page":"{base}/p/demo/m/lights"' in api.replace(" ", "")
    for page in (cards, notice, screen, api):
        assert "127.0.0.1" not in page or not found


def test_the_chairs_console_and_the_projector_show_the_address(tmp_path):
    app = demo_app(tmp_path / "hall.sqlite3", PUBLIC_URL="http://192.168.137.1:8000")
    client = login(app, "chair")
    console = client.get(f"{HALL}?lang=zh_Hans").get_data(as_text=True)
    assert "192.168.137.1:8000" in console and qr_svg("http://192.168.137.1:8000/") in console
    assert WORDS.text("phones_warning", "zh_Hans") not in console
    screen = client.get(f"{SCREEN}?lang=zh_Hans").get_data(as_text=True)
    assert qr_svg("http://192.168.137.1:8000/p/demo", scale=5) in screen and "192.168.137.1:8000" in screen
    # The projector's corner follows the address: unchanged it answers 304, changed the new code.
    corner = client.get(f"{SCREEN}/phones")
    assert corner.status_code == 200 and "192.168.137.1:8000" in corner.get_data(as_text=True)
    assert client.get(f"{SCREEN}/phones", headers={"If-None-Match": corner.headers["ETag"]}).status_code == 304
    app.config["PUBLIC_URL"] = "http://10.42.0.1:8000"
    moved = client.get(f"{SCREEN}/phones", headers={"If-None-Match": corner.headers["ETag"]})
    assert moved.status_code == 200 and qr_svg("http://10.42.0.1:8000/p/demo", scale=5) in moved.get_data(as_text=True)
    assert client.get("/v/demo/s/nosuch/screen/phones").status_code == 404
    # An address phones cannot open: a warning, and no code, on the console and the projector.
    app.config["PUBLIC_URL"] = "http://127.0.0.1:8000"
    for path in (f"{HALL}?lang=zh_Hans", f"{SCREEN}?lang=zh_Hans", f"{HALL}/links?lang=zh_Hans"):
        page = client.get(path).get_data(as_text=True)
        assert WORDS.text("phones_loopback", "zh_Hans", address="127.0.0.1:8000") in page, path
        assert qr_svg("http://127.0.0.1:8000/") not in page and 'class="qr"' not in page, path


def test_a_server_without_a_public_address_warns_the_chair_on_loopback(tmp_path):
    """``create_app()`` served without DELIBERATE_PUBLIC_URL, opened at localhost: its cards would
    carry localhost, and the console says phones cannot open that."""
    app = demo_app(tmp_path / "bare.sqlite3")
    client = login(app, "chair")
    console = client.get(f"{HALL}?lang=zh_Hans").get_data(as_text=True)
    assert WORDS.text("phones_loopback", "zh_Hans", address="localhost") in console
    lan = {"base_url": "http://192.168.1.23:8000"}
    reached = login(app, "chair", **lan).get(f"{HALL}?lang=zh_Hans", **lan).get_data(as_text=True)
    assert WORDS.text("phones_warning", "zh_Hans") not in reached and "192.168.1.23:8000" in reached


def test_the_waitress_log_is_redacted():
    import logging

    from webui.logprivacy import LOGGERS, RedactingFilter

    for name in ("waitress", "waitress.queue"):
        assert name in LOGGERS
    record = logging.LogRecord("waitress", logging.ERROR, __file__, 1, "Exception while serving /b/%s",
                               ("abc.def.ghi",), None)
    RedactingFilter().filter(record)
    assert "abc.def" not in record.getMessage()

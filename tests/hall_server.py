"""``python -m webui`` as a hall runs it, in a subprocess: listening on every network (0.0.0.0) on a
free port, and reached by the tests only through 127.0.0.1 — no test sends anything to another
address. A small HTTP client with cookies (an official logs in), whose requests may carry any
Host header an attacker likes."""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Client", "HallServer", "console_matrix", "free_port", "hall_server", "listening_addresses",
           "voter_tokens"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class HallServer:
    port: int
    instance: Path
    process: subprocess.Popen
    lines: list[str] = field(default_factory=list)

    @property
    def output(self) -> str:
        return "".join(self.lines)


@contextmanager
def hall_server(tmp_path: Path, *args: str, env: dict[str, str] | None = None, wait_for: str = "Ctrl+C"):
    """The hall server with the demo village, its console output read as it comes. Starts when
    the banner is out (``wait_for``) and the port answers on 127.0.0.1.

    The instance's database starts as a copy of the demo (tests/helpers.py), which the server
    finds there as on any restart — the same banner, and seconds less per server; the install
    into an empty instance is what tests/test_browser.py's server and test_cli's demo run."""
    from helpers import demo_database

    instance = tmp_path / "hall-instance"
    instance.mkdir(exist_ok=True)
    database = instance / "deliberate.sqlite3"
    if "--no-demo" not in args and "DELIBERATE_DATABASE_URL" not in (env or {}) and not database.exists():
        demo_database(database)
    port = free_port()
    environment = {**os.environ, "DELIBERATE_INSTANCE": str(instance), **(env or {})}
    environment.pop("DELIBERATE_DATABASE_URL", None)
    if "DELIBERATE_PUBLIC_URL" not in (env or {}):
        environment.pop("DELIBERATE_PUBLIC_URL", None)
    proc = subprocess.Popen([sys.executable, "-m", "webui", "--port", str(port), *args], cwd=instance,
                            env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            encoding="utf-8")
    server = HallServer(port, instance, proc)
    reader = threading.Thread(target=lambda: server.lines.extend(iter(proc.stdout.readline, "")), daemon=True)
    reader.start()
    deadline = time.monotonic() + 60
    try:
        while wait_for not in server.output:
            if proc.poll() is not None or time.monotonic() > deadline:
                reader.join(timeout=5)
                raise AssertionError("the hall server did not start:\n" + server.output)
            time.sleep(0.1)
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError("the hall server does not answer:\n" + server.output) from None
                time.sleep(0.1)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        reader.join(timeout=5)


def listening_addresses(port: int) -> set[str]:
    """The local addresses with a TCP socket listening on ``port``, read from the kernel's table
    (Linux: /proc/net/tcp and tcp6) — no connection is made."""
    found = set()
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            local, state = row.split()[1], row.split()[3]
            address, hexport = local.split(":")
            if state == "0A" and int(hexport, 16) == port:  # 0A: LISTEN
                raw = bytes.fromhex(address)
                if width == 8:
                    found.add(socket.inet_ntop(socket.AF_INET, raw[::-1]))
                else:  # four little-endian 32-bit words
                    words = b"".join(raw[i:i + 4][::-1] for i in range(0, 16, 4))
                    found.add(socket.inet_ntop(socket.AF_INET6, words))
    return found


class Client:
    """HTTP to 127.0.0.1 only, with cookies; ``headers`` go with every request (a forged Host)."""

    def __init__(self, port: int, headers: dict[str, str] | None = None) -> None:
        self.port, self.headers, self.cookies = port, dict(headers or {}), {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, dict, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        headers = dict(self.headers)
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body, headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key] = rest.split(";", 1)[0]
            return response.status, dict(response.getheaders()), text
        finally:
            conn.close()

    def get(self, path: str) -> str:
        status, _, text = self.request("GET", path)
        assert status == 200, (path, status, text[:500])
        return text

    def login(self, username: str, password: str = "demo1234") -> None:
        page = self.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        status, _, text = self.request("POST", "/login", {"username": username, "password": password,
                                                          "csrf_token": token})
        assert status == 302, text[:500]


def voter_tokens(instance: Path, village: str, sitting: str, people) -> dict[str, str]:
    """The voters' link tokens the server signs, made here with the instance's own secret key."""
    from webui import create_app
    from webui.services import voter_token

    app = create_app({"DATABASE_URL": f"sqlite:///{instance / 'deliberate.sqlite3'}",
                      "SECRET_KEY": (instance / "secret_key").read_text(encoding="ascii").strip()})
    with app.app_context():
        return {person: voter_token(village, sitting, person) for person in people}


def console_matrix(text: str) -> list[list[int]]:
    """The QR code printed on a console, back as rows of modules (1 dark, 0 light): the plain
    style (``██`` light, two spaces dark), the ANSI style (two spaces on a black or white
    background) or the compact one (``▀``, upper module in the foreground colour, lower one in the
    background colour)."""
    rows: list[list[int]] = []
    if "▀" in text:
        for line in text.splitlines():
            cells = re.findall(r"\x1b\[(30|97)m\x1b\[(40|107)m▀", line)
            if cells:
                rows.append([1 if top == "30" else 0 for top, _ in cells])
                rows.append([1 if bottom == "40" else 0 for _, bottom in cells])
        return rows
    if "\x1b[" in text:
        for line in text.splitlines():
            cells = re.findall(r"\x1b\[(40|107)m  ", line)
            if cells:
                rows.append([1 if c == "40" else 0 for c in cells])
        return rows
    for line in text.splitlines():
        if line and set(line) <= {"█", " "} and "█" in line and len(line) % 2 == 0:
            rows.append([1 if line[i:i + 2] == "  " else 0 for i in range(0, len(line), 2)])
    return rows

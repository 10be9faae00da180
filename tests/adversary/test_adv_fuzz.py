"""It keeps answering under a storm: gunicorn (2 workers × 32 threads) on 127.0.0.1, a demo village
with a vote open, and for a bounded time a mix of valid and invalid requests to every endpoint —
public pages and the API, voter links valid and forged, ballots valid and refused, logins, and
officials' forms with and without a session or a CSRF token (issue 9, section 5).

Asserted: no answer is a 500 and every request is answered; every ballot answered as accepted is
the one counted (each voter's last accepted choice, against the open vote and, after the chair
closes it, against the record); no refused ballot is counted; a public page answers within 1 s
afterwards. ``DELIBERATE_FUZZ_SECONDS`` sets the storm's length (20 s by default); the figures
are printed (``-s``) and recorded in docs/performance.md.
"""

from __future__ import annotations

import http.client
import os
import random
import re
import secrets
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path

from helpers import demo_app_at, open_demo_vote

from deliberate import Ledger
from webui.auth import ROLES, add_account
from webui.services import voter_token

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from web_bench import free_port, serve  # noqa: E402 - bench/ is not a package

SECONDS = float(os.environ.get("DELIBERATE_FUZZ_SECONDS") or 20)
MAX_REQUESTS = 40_000
PHONES, FUZZERS = 10, 38  # client threads: voters tapping, and everything else
PRESENT = 30
HALL = "/v/demo/s/live/hall"
CHOICES = ("approve", "oppose", "abstain")
# Nothing here names a person, a matter or a count: sent with an official's session and CSRF
# token, these are refused, so the vote's accounting holds. (tests/test_webui.py checks with
# random text that junk changes nothing; here it is about answering under load.)
JUNK = ("", " ", "x", "-1", "1e3", "9" * 40, "<script>alert(1)</script>", "' OR 1=1 --",
        "\x00", "é" * 300, "../../etc/passwd", "%s%s%s", "null", "[]", "{}", "v1 ", "p-1")
FIELDS = ("who", "person", "matter", "motion", "secret", "approve", "oppose", "abstain", "summary",
          "recording_ref", "recording_sha256", "speakers", "text", "name", "contact", "title",
          "username", "password", "roles", "answer", "reason", "counter", "scrutineer", "date")
# Forms that act without input (close the vote, the sitting…) or where any text is a valid
# request: with a session and CSRF token they would change the sitting, so they get none.
NO_INPUT = {"hall.open_sitting", "hall.close_vote", "hall.close", "hall.adjourn",
            "hall.confirm_cards", "auth.logout", "hall.tellers"}
ANY_TEXT = {"submissions.lodge", "submissions.take_down", "objections.lodge"}
MATTERS = ("bridge", "channel", "columbarium", "hall", "lights", "pavilion", "nope", "..", "%00")


class Client:
    """One browser or program: its cookies, a new connection per request (as a phone has)."""

    def __init__(self, port: int) -> None:
        self.port, self.cookies = port, {}

    def send(self, method: str, path: str, form: dict | None = None, *, keep: bool = True,
             timeout: float = 60) -> tuple[int | str, dict, str]:
        """(status or the error's name, set cookies, body)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body, headers)
            response = conn.getresponse()
            text = response.read().decode(errors="replace")
            status = response.status
            set_cookies = {}
            for key, value in response.getheaders():
                if key.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    set_cookies[name] = rest.split(";")[0]
        except (OSError, http.client.HTTPException) as exc:
            return type(exc).__name__, {}, ""
        finally:
            conn.close()
        if keep:
            self.cookies.update(set_cookies)
        return status, set_cookies, text


def _csrf(text: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', text).group(1)


class Storm:
    """The requests, their answers, and the ballots answered as accepted."""

    def __init__(self, port, links, official, post_rules, seed) -> None:
        self.port, self.links, self.official, self.post_rules = port, links, official, post_rules
        self.seed = seed
        self.lock = threading.Lock()
        self.statuses: Counter = Counter()
        self.by_kind: dict[str, Counter] = {}
        self.sent = 0
        self.failures: list[tuple] = []  # 500s and unanswered requests
        self.accepted: dict[str, str] = {}  # voter -> last choice answered as accepted
        self.refused_valid: list[tuple] = []
        self.absent_accepted: list[str] = []
        self.deadline = 0.0

    def count(self, kind: str, method: str, path: str, status) -> bool:
        """Count an answer; False once the storm is over."""
        with self.lock:
            self.sent += 1
            self.statuses[status] += 1
            self.by_kind.setdefault(kind, Counter())[status] += 1
            if not isinstance(status, int) or status >= 500:
                self.failures.append((kind, method, path[:120], status))
            return self.sent < MAX_REQUESTS and time.monotonic() < self.deadline

    # -- a voter's phone: one thread per group of voters, so each voter's taps are in order ---

    def phone(self, voters: list[str], n: int) -> None:
        rng = random.Random(f"{self.seed}-phone-{n}")
        going = True
        while going:
            voter = rng.choice(voters)
            path = self.links["present"][voter]
            client = Client(self.port)
            if rng.random() < 0.2:
                status, _, _ = client.send("GET", path)
                going = self.count("voter page", "GET", path, status)
                continue
            choice = rng.choice(CHOICES)
            status, cookies, _ = client.send("POST", path, {"vote": "v1", "choice": choice})
            # Accepted: redirected to the page without a message. A refusal flashes its reason,
            # which sets the session cookie.
            if status == 302 and "session" not in cookies:
                self.accepted[voter] = choice
            else:
                with self.lock:
                    self.refused_valid.append((voter, choice, status))
            going = self.count("ballot", "POST", path, status)

    # -- everything else ------------------------------------------------------------------

    def fuzzer(self, n: int) -> None:
        rng = random.Random(f"{self.seed}-fuzz-{n}")
        kinds = [(self.public_get, 30), (self.api_get, 20), (self.voter_link, 20), (self.login, 4),
                 (self.official_post, 20), (self.anonymous_post, 3), (self.heavy_get, 1)]
        makers, weights = zip(*kinds, strict=True)
        going = True
        while going:
            going = rng.choices(makers, weights)[0](rng)

    def public_get(self, rng) -> bool:
        m = rng.choice(MATTERS)
        path = rng.choice(["/", "/p/demo", f"/p/demo/m/{m}", f"/p/demo/m/{m}/notice/{rng.randint(0, 4)}",
                           "/p/demo/submissions", f"/p/demo/files/{secrets.token_hex(32)}",
                           "/p/nowhere", f"/p/{rng.choice(JUNK)}", "/static/style.css",
                           "/v/demo/s/live/screen", "/v/demo/s/live/screen/panel",
                           "/v/demo/s/nope/screen/panel", f"/p/demo/m/{m}?lang={rng.choice(JUNK)}"])
        path = urllib.parse.quote(path, safe="/?=&%")
        status, _, _ = Client(self.port).send("GET", path)
        return self.count("public page", "GET", path, status)

    def heavy_get(self, rng) -> bool:
        path = rng.choice(["/p/demo/verify", "/p/demo/log.jsonl", "/api/v1/villages/demo/log"])
        status, _, _ = Client(self.port).send("GET", path)
        return self.count("public page", "GET", path, status)

    def api_get(self, rng) -> bool:
        m = rng.choice(MATTERS)
        base = "/api/v1/villages/" + rng.choice(["demo", "demo", "demo", "nowhere"])
        path = rng.choice(["/api/v1/openapi.json", "/api/v1/villages", base, f"{base}/matters",
                           f"{base}/matters/{m}", f"{base}/notices", f"{base}/outcomes",
                           f"{base}/sittings", f"{base}/sittings/live", f"{base}/sittings/nope",
                           f"{base}/submissions",
                           f"{base}/log?start={rng.choice(['1', '500', '0', '-1', 'x', '9' * 20])}",
                           f"/api/v1/{rng.choice(JUNK)}"])
        path = urllib.parse.quote(path, safe="/?=&%")
        status, _, _ = Client(self.port).send("GET", path)
        return self.count("api", "GET", path, status)

    def voter_link(self, rng) -> bool:
        """Links that must not count a ballot: forged, for another sitting, an absent voter's, or
        a present voter's with a bad choice or the wrong vote."""
        present = rng.choice(list(self.links["present"].values()))
        absent = rng.choice(list(self.links["absent"].values()))
        forged = present[:-3] + ("AAA" if not present.endswith("AAA") else "BBB")
        path = rng.choice([present, absent, forged, self.links["closed"], self.links["elsewhere"],
                           self.links["no_sitting"], "/b/" + rng.choice(JUNK), "/b/x" * 50])
        path = urllib.parse.quote(path, safe="/?=&%")
        client = Client(self.port)
        if rng.random() < 0.3 or path == present:
            method, form = "GET", None
            if path == present:
                method = "GET" if rng.random() < 0.5 else "POST"
                form = {"vote": rng.choice(["v1", "v2", *JUNK]), "choice": rng.choice(JUNK)}
                if method == "POST" and form["vote"] == "v1" and form["choice"] in CHOICES:
                    form["choice"] = "maybe"  # a valid ballot here would race the voter's own
        else:
            method, form = "POST", {"vote": rng.choice(["v1", "v1", *JUNK]),
                                    "choice": rng.choice([*CHOICES, *JUNK])}
        status, cookies, _ = client.send(method, path, form if method == "POST" else None)
        if path == absent and method == "POST" and status == 302 and "session" not in cookies \
                and form["vote"] == "v1" and form["choice"] in CHOICES:
            with self.lock:
                self.absent_accepted.append(path)
        return self.count("voter link", method, path, status)

    def login(self, rng) -> bool:
        client = Client(self.port)
        status, _, text = client.send("GET", "/login")
        going = self.count("login", "GET", "/login", status)
        form = {"username": rng.choice(["nobody", "chair", *JUNK]), "password": rng.choice(JUNK)}
        if status == 200 and rng.random() < 0.6:
            form["csrf_token"] = _csrf(text)
        status, _, _ = client.send("POST", "/login", form)
        return self.count("login", "POST", "/login", status) and going

    def official_post(self, rng) -> bool:
        rule, endpoint = rng.choice(self.post_rules)
        path = rule
        for arg in re.findall(r"<(?:\w+:)?(\w+)>", rule):
            value = {"village": "demo", "sitting": "live", "matter": rng.choice(MATTERS)}.get(
                arg, rng.choice(["x", "o1", "q1", "admin", "nobody"]))
            path = re.sub(rf"<(?:\w+:)?{arg}>", urllib.parse.quote(value, safe=""), path)
        form = {rng.choice(FIELDS): rng.choice(JUNK) for _ in range(rng.randint(0, 6))}
        client = Client(self.port)
        safe = endpoint not in NO_INPUT | ANY_TEXT
        mode = rng.choice(["session+csrf", "session+csrf", "session", "csrf only", "none"])
        if mode == "session+csrf" and not safe:
            mode = "session"  # never a real request to close the vote or the sitting
        if mode.startswith("session"):
            client.cookies = dict(self.official["cookies"])
        if "csrf" in mode:
            form["csrf_token"] = self.official["csrf"]
        status, _, _ = client.send("POST", path, form)
        return self.count(f"official POST ({mode})", "POST", path, status)

    def anonymous_post(self, rng) -> bool:
        """A villager's submission or objection: anonymous, a real write (until rate-limited)."""
        if rng.random() < 0.5:
            path, form = "/p/demo/submissions", {"text": f"希望村里修一条路 {rng.random()}",
                                                 "name": rng.choice(["", "李四"]), "contact": ""}
        else:
            path, form = "/p/demo/m/bridge/objections", {"text": f"反对 {rng.random()}",
                                                         "contact": rng.choice(JUNK[:4])}
        status, _, _ = Client(self.port).send("POST", path, form)
        return self.count("anonymous POST", "POST", path, status)


def _storm(store_url, tmp_path) -> dict:
    instance = tmp_path / "instance"
    instance.mkdir()
    secret = secrets.token_hex(32)
    (instance / "secret_key").write_text(secret, encoding="ascii")
    url = store_url if store_url.startswith("postgresql") else f"sqlite:///{instance / 'deliberate.sqlite3'}"
    app = demo_app_at(url, SECRET_KEY=secret)
    store = app.extensions["deliberate"]
    present, absent = open_demo_vote(store, PRESENT)
    add_account(store, "everyone", "everyone-pw", set(ROLES), "全体角色", village="demo",
                person="p0009")
    with app.app_context():
        links = {"present": {p: f"/b/{voter_token('demo', 'live', p)}" for p in present},
                 "absent": {p: f"/b/{voter_token('demo', 'live', p)}" for p in absent},
                 "closed": f"/b/{voter_token('demo', 's1', present[0])}",
                 "elsewhere": f"/b/{voter_token('nowhere', 'live', present[0])}",
                 "no_sitting": f"/b/{voter_token('demo', 'nope', present[0])}"}
    post_rules = sorted((r.rule, r.endpoint) for r in app.url_map.iter_rules()
                        if "POST" in r.methods and r.endpoint not in {"ballot.vote", "auth.login"})
    env = {**os.environ, "DELIBERATE_INSTANCE": str(instance), "DELIBERATE_DATABASE_URL": url,
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    port = free_port()
    log = tmp_path / "gunicorn.log"
    server = serve("webui:create_app()", port, env, instance, workers=2, threads=32, log=log)
    try:
        official = Client(port)
        _, _, text = official.send("GET", "/login")
        status, _, _ = official.send("POST", "/login", {"username": "everyone", "password": "everyone-pw",
                                                        "csrf_token": _csrf(text)})
        assert status == 302
        _, _, text = official.send("GET", HALL)
        storm = Storm(port, links, {"cookies": official.cookies, "csrf": _csrf(text)}, post_rules,
                      seed=os.environ.get("DELIBERATE_FUZZ_SEED", "availability"))
        groups = [present[i::PHONES] for i in range(PHONES)]
        threads = [threading.Thread(target=storm.phone, args=(g, i)) for i, g in enumerate(groups)]
        threads += [threading.Thread(target=storm.fuzzer, args=(i,)) for i in range(FUZZERS)]
        start = time.monotonic()
        storm.deadline = start + SECONDS
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=SECONDS + 120)
        duration = time.monotonic() - start
        hung = [thread.name for thread in threads if thread.is_alive()]

        # Afterwards, a public page answers at once.
        begin = time.monotonic()
        status_after, _, _ = Client(port).send("GET", "/p/demo", timeout=5)
        after = time.monotonic() - begin
        figures = {"duration_s": round(duration, 1), "sent": storm.sent,
                   "per_s": round(storm.sent / duration),
                   "by_status": dict(sorted(storm.statuses.items(), key=lambda kv: str(kv[0]))),
                   "voters_with_accepted_ballots": len(storm.accepted),
                   "public_page_after_s": round(after, 3),
                   "by_kind": {k: dict(v) for k, v in sorted(storm.by_kind.items())}}
        print(f"\nfuzz {url.split(':', 1)[0]}: {figures}")
        assert hung == [], "a client never got its answer"
        assert storm.failures == [], (storm.failures[:20], log.read_text(errors="replace")[-5000:])
        assert status_after == 200 and after < 1.0, (status_after, after)
        assert storm.refused_valid == [], storm.refused_valid[:20]
        assert storm.absent_accepted == []

        # Every ballot answered as accepted is the one counted, and only those.
        expected = dict(storm.accepted)
        vote = Ledger("demo", store).state.open_vote("live")
        assert {v: ch.value for v, ch in vote.voters.items()} == expected
        # The chair closes the vote; the record's result and ballots say the same.
        _, _, text = official.send("GET", HALL)
        status, _, _ = official.send("POST", f"{HALL}/vote/close", {"csrf_token": _csrf(text)})
        assert status == 302
        ledger = Ledger("demo", store)
        assert ledger.state.open_vote("live") is None
        (result,) = [r for r in ledger.state.sittings["live"].results if r.vote == "v1"]
        counts = Counter(expected.values())
        assert (result.electronic.approve, result.electronic.oppose, result.electronic.abstain) == (
            counts["approve"], counts["oppose"], counts["abstain"])
        last = {}
        for entry in ledger.entries():
            if entry.type == "ballot_cast" and entry.payload["sitting"] == "live":
                last[entry.payload["voter"]] = entry.payload["choice"]
        assert last == expected
        assert ledger.verify().ok
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:  # a worker stuck in a request: do not leave it running
            server.kill()
            server.wait(timeout=30)
        store.close()
    return figures


def test_a_storm_of_valid_and_invalid_requests_under_gunicorn(store_url, tmp_path):
    figures = _storm(store_url, tmp_path)
    assert figures["sent"] > 1000  # it really was a storm

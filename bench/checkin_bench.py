"""Check-ins per minute at the door, on the chair's console, with 1,500 people present (issue 11 §3).

    python bench/checkin_bench.py [--people 1500] [--checkins 100] [--seconds 120]

In process, through Flask's test client (no network at all), on a fresh SQLite file holding the
crowd village of tests/crowd.py: 1,500 adults in 10 villager groups, a villagers' meeting
convened. All but ``--checkins`` attendees are checked in beforehand; then the clerk's console
checks the rest in one after another, as a scanner at the door types each roster number and
presses Enter, until everyone is present. Two ways, timed separately, each on its own village:

- ``page``: the form posted without JavaScript — the POST, then the console it redirects to
  (what every check-in cost before issue 11: the console listed everyone present);
- ``htmx``: the form as the console's script posts it (``HX-Request``) — the POST answers with
  only the new counts and the message.

Reported: check-ins per minute for each, the console's size in bytes with everyone present, and
the answer's size. Bounded: ``--checkins`` check-ins per way and ``--seconds`` in all.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from crowd import ACCOUNTS, PASSWORD, SITTING, VILLAGE, check_in_all, crowd_app  # noqa: E402

from deliberate import Ledger  # noqa: E402

HALL = f"/v/{VILLAGE}/s/{SITTING}/hall"


def run(way: str, folder: Path, people: int, checkins: int, deadline: float) -> dict[str, float]:
    app = crowd_app(folder / f"{way}.sqlite3", WTF_CSRF_ENABLED=False)
    store = app.extensions["deliberate"]
    attendees = sorted(Ledger(VILLAGE, store).state.sittings[SITTING].roster.attendees)[:people]
    check_in_all(store, attendees[:-checkins])
    client = app.test_client()
    assert client.post("/login", data={"username": ACCOUNTS[1][0], "password": PASSWORD}).status_code == 302
    headers = {"HX-Request": "true"} if way == "htmx" else {}
    done, answer, started = 0, 0, time.perf_counter()
    for person in attendees[-checkins:]:
        if time.perf_counter() > deadline:
            break
        response = client.post(f"{HALL}/check-in", data={"who": person}, headers=headers)
        if response.status_code == 302:  # no script: the console again, as the browser follows
            response = client.get(response.headers["Location"])
        assert response.status_code == 200, response.status_code
        answer = len(response.get_data())
        done += 1
    elapsed = time.perf_counter() - started
    present = len(Ledger(VILLAGE, store).state.sittings[SITTING].present)
    console = len(client.get(HALL).get_data())
    return {"checkins": done, "per_minute": done * 60 / elapsed, "answer_bytes": answer,
            "console_bytes": console, "present": present}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=1500)
    parser.add_argument("--checkins", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--ways", default="page,htmx")
    args = parser.parse_args()
    if not (0 < args.checkins <= args.people <= 1500):
        parser.error("need 0 < --checkins <= --people <= 1500")
    deadline = time.perf_counter() + args.seconds
    with tempfile.TemporaryDirectory() as folder:
        for way in args.ways.split(","):
            r = run(way, Path(folder), args.people, args.checkins, deadline)
            print(f"{way:5}: {r['checkins']} check-ins up to {r['present']} present: "
                  f"{r['per_minute']:,.0f}/min; answer {r['answer_bytes']:,} B; "
                  f"console {r['console_bytes']:,} B")


if __name__ == "__main__":
    main()

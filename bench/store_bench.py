"""Ballots per second through the store, against raw single-row transactions in the same run.

    python bench/store_bench.py                       # SQLite (a file in a temporary folder)
    python bench/store_bench.py --pg postgresql+psycopg://user:pw@127.0.0.1/db   # and PostgreSQL

Ours: one voter after another casts a ballot through ``Ledger.handle`` on the SQL repository — the
village row locked, the state caught up, the ballot decided, its entry hashed, the village row,
the log, the ballot projection written and committed. Baseline: the same driver with the same
settings (SQLite: WAL, ``synchronous=FULL``; PostgreSQL: its defaults) committing one
``INSERT`` of a (voter, choice) row per transaction. Target: at least 50% of the baseline's rate.
Each rate is the best of three runs of 1,500 ballots, alternating with the baseline.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from deliberate import Ledger, rules
from deliberate import commands as c
from deliberate.bodies import Body
from deliberate.procedure import Procedure, Stage, Step, StepKind
from deliberate.rules.model import Wording
from deliberate.store import open_store
from deliberate.tally import Choice
from deliberate.testing import sample_roster

CST = timezone(timedelta(hours=8))
N = 1500
ONE_STEP = Procedure("bench", Wording("基准", "基準", "bench"),
                     (Step(Stage.PROPOSAL, StepKind.SITTING, 1, "villagers_meeting"),))
BODY = sample_roster(adults=N, households=N // 3, on=date(2026, 6, 1)).body(
    Body.VILLAGERS_MEETING, date(2026, 6, 1))
VOTERS = sorted(BODY.voters)
T0 = datetime(2026, 5, 1, 8, tzinfo=CST)


def prepare(url: str) -> Ledger:
    """A sitting of N adults, all checked in, a vote open (not timed)."""
    ledger = Ledger("bench", open_store(url))
    ledger.handle(c.RaiseMatter("m", "基准", ONE_STEP, by="p"), T0)
    ledger.handle(c.ConveneSitting("s", rules.preset("villagers_meeting"), BODY, ("m",),
                                   datetime(2026, 6, 1, 9, tzinfo=CST), date(2026, 5, 1), "场",
                                   by="p"), T0)
    for p in VOTERS:
        ledger.handle(c.CheckIn("s", p), T0)
    ledger.handle(c.OpenSitting("s", by="p"), T0)
    ledger.handle(c.OpenVote("s", "v", "m", "表决"), T0)
    return ledger


def ours(url: str) -> float:
    ledger = prepare(url)
    now = T0 + timedelta(days=31)
    start = time.perf_counter()
    for p in VOTERS:
        ledger.handle(c.CastBallot("s", "v", p, Choice.APPROVE), now)
    elapsed = time.perf_counter() - start
    assert ledger.state.open_vote("s").electronic.approve == N
    ledger.repository.close()
    return N / elapsed


def raw_sqlite(path: Path) -> float:
    conn = sqlite3.connect(path, isolation_level=None, timeout=60)
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON", "busy_timeout=60000"):
        conn.execute(f"PRAGMA {pragma}")
    conn.execute("CREATE TABLE raw_ballot (voter TEXT PRIMARY KEY, choice TEXT NOT NULL)")
    start = time.perf_counter()
    for p in VOTERS:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO raw_ballot VALUES (?, ?)", (p, "approve"))
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return N / elapsed


def raw_pg(url: str) -> float:
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        conn.execute("CREATE TABLE raw_ballot (voter TEXT PRIMARY KEY, choice TEXT NOT NULL)")
        conn.commit()
        start = time.perf_counter()
        for p in VOTERS:
            conn.execute("INSERT INTO raw_ballot VALUES (%s, %s)", (p, "approve"))
            conn.commit()
        elapsed = time.perf_counter() - start
    return N / elapsed


def pg_database(admin: str):  # type: ignore[no-untyped-def]
    """A fresh database on the server of ``admin``; returns (url, drop)."""
    import psycopg

    plain = admin.replace("postgresql+psycopg://", "postgresql://")
    name = f"deliberate_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    base = admin.rsplit("/", 1)[0]
    return f"{base}/{name}", drop


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pg", metavar="URL", help="also PostgreSQL, creating databases on URL's server")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    results = {}
    backends = ["sqlite"] + (["postgresql"] if args.pg else [])
    for backend in backends:
        our_rates, raw_rates = [], []
        for _ in range(args.repeat):
            if backend == "sqlite":
                with tempfile.TemporaryDirectory() as tmp:
                    raw_rates.append(raw_sqlite(Path(tmp) / "raw.sqlite3"))
                    our_rates.append(ours(f"sqlite:///{tmp}/ours.sqlite3"))
            else:
                url, drop = pg_database(args.pg)
                try:
                    raw_rates.append(raw_pg(url))
                    our_rates.append(ours(url))
                finally:
                    drop()
        results[backend] = {"ours_per_s": max(our_rates), "raw_per_s": max(raw_rates),
                            "ratio": max(our_rates) / max(raw_rates)}
    print(f"{'backend':12} {'ours/s':>9} {'raw/s':>9} {'ratio':>7}  target ≥ 50%")
    for backend, r in results.items():
        ok = "ok" if r["ratio"] >= 0.5 else "MISSED"
        print(f"{backend:12} {r['ours_per_s']:9.0f} {r['raw_per_s']:9.0f} {r['ratio']:7.0%}  {ok}")
    print(json.dumps(results))
    return 0 if all(r["ratio"] >= 0.5 for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())

"""Group commit on a slow disk: ballots per second from many threads through ``Ledger.handle``,
with the store's group commit and without it, as ratios measured in the same run.

    python bench/group_commit_bench.py [--threads 4 16] [--fsync-ms 0 2 5] [--ballots 600] [--repeat 3]

SQLite as deployed: WAL mode, ``synchronous=FULL``, a file on this machine's disk. A slow disk (a
laptop's, where a commit waits milliseconds for the flash) is simulated: the driver connection's
``commit()`` sleeps ``--fsync-ms`` before it sends COMMIT — a ``sqlite3.Connection`` subclass given
to ``sqlite3.connect`` as its factory — while the transaction still holds SQLite's write lock, which
is where the real fsync of the write-ahead log happens; like the driver waiting for fsync, the
sleep releases the GIL. ``0`` adds nothing: the machine's own disk, whose fsync time the script
measures and prints.

For each (threads, fsync) pair: a villagers' meeting of ``--ballots`` voters with a vote open
(untimed), then every voter's ballot from a pool of threads at once; ballots/s with group commit
(``SqlRepository(engine)``) and without (``group_commit=False``: each command its own transaction,
the threads still queueing in the writer's lane), best of ``--repeat`` runs each, taken
alternately; the ratio is with / without. Also shown: ballots per commit with group commit.
Target: group commit earns its complexity if it is at least 1.5x as fast on every slow disk row.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from sqlalchemy import event  # noqa: E402
from workers import VOTING, choice_for, open_sitting_on  # noqa: E402

from deliberate import Ledger  # noqa: E402
from deliberate import commands as c  # noqa: E402
from deliberate.store import SqlRepository, make_engine, upgrade  # noqa: E402

TARGET = 1.5


class _Disk:
    """The simulated disk: how long a commit waits, and how many commits there were."""

    fsync = 0.0
    commits = 0
    lock = threading.Lock()


class SlowCommit(sqlite3.Connection):
    """A driver connection whose commit waits as a slow disk's fsync would, holding the lock."""

    def commit(self) -> None:
        if self.in_transaction:
            with _Disk.lock:
                _Disk.commits += 1
            if _Disk.fsync:
                time.sleep(_Disk.fsync)
        super().commit()


def disk_fsync_ms(folder: str, n: int = 200) -> float:
    """This machine's fsync of a small write, in milliseconds (median)."""
    path = Path(folder) / "fsync.probe"
    times = []
    with open(path, "wb") as f:
        for _ in range(n):
            f.write(b"x" * 4096)
            f.flush()
            began = time.perf_counter()
            os.fsync(f.fileno())
            times.append(time.perf_counter() - began)
    path.unlink()
    return sorted(times)[n // 2] * 1000


def run(folder: str, group_commit: bool, threads: int, ballots: int, fsync_ms: float) -> tuple[float, int]:
    """(ballots per second, commits) for one burst."""
    engine = make_engine(f"sqlite:///{folder}/g{time.monotonic_ns()}.sqlite3")

    @event.listens_for(engine, "do_connect")
    def _slow(_dialect, _record, _cargs, cparams) -> None:  # type: ignore[no-untyped-def]
        cparams["factory"] = SlowCommit

    upgrade(engine)
    store = SqlRepository(engine, group_commit=group_commit)
    ledger = Ledger("v", store)
    voters = open_sitting_on(ledger, ballots)

    def cast(voter: str) -> None:
        ledger.handle(c.CastBallot("s", "v", voter, choice_for(voter)), VOTING)

    _Disk.fsync, _Disk.commits = fsync_ms / 1000, 0
    with ThreadPoolExecutor(threads) as pool:
        began = time.perf_counter()
        list(pool.map(cast, voters))
        elapsed = time.perf_counter() - began
    commits, _Disk.fsync = _Disk.commits, 0.0
    assert ledger.state.open_vote("s").electronic.cast == ballots
    store.close()
    return ballots / elapsed, commits


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, nargs="+", default=[4, 16])
    parser.add_argument("--fsync-ms", type=float, nargs="+", default=[0.0, 2.0, 5.0])
    parser.add_argument("--ballots", type=int, default=600)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        disk = disk_fsync_ms(folder)
        for fsync_ms in args.fsync_ms:
            for threads in args.threads:
                grouped, single, per_commit = [], [], []
                for _ in range(args.repeat):
                    rate, commits = run(folder, True, threads, args.ballots, fsync_ms)
                    grouped.append(rate)
                    per_commit.append(args.ballots / commits)
                    single.append(run(folder, False, threads, args.ballots, fsync_ms)[0])
                rows.append({"fsync_ms": fsync_ms, "threads": threads, "group_per_s": max(grouped),
                             "single_per_s": max(single), "ratio": max(grouped) / max(single),
                             "ballots_per_commit": sorted(per_commit)[len(per_commit) // 2]})
    print(f"this machine's disk: fsync {disk:.2f} ms (median of 200); ballots per run {args.ballots}")
    print(f"{'added fsync':>11} {'threads':>7} {'group/s':>8} {'single/s':>8} {'ratio':>6} "
          f"{'per commit':>10}  target ≥ {TARGET}x on a slow disk")
    for r in rows:
        slow = r["fsync_ms"] > 0
        mark = ("ok" if r["ratio"] >= TARGET else "MISSED") if slow else ""
        print(f"{r['fsync_ms']:9.1f}ms {r['threads']:7d} {r['group_per_s']:8.0f} {r['single_per_s']:8.0f} "
              f"{r['ratio']:5.2f}x {r['ballots_per_commit']:10.1f}  {mark}")
    print(json.dumps({"disk_fsync_ms": disk, "rows": rows}))
    return 0 if all(r["ratio"] >= TARGET for r in rows if r["fsync_ms"] > 0) else 1


if __name__ == "__main__":
    sys.exit(main())

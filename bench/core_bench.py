"""Benchmarks of the core, each a ratio to a baseline measured in the same run.

    python bench/core_bench.py            # full sizes (1,000,000 ballots; 100,000 entries)
    python bench/core_bench.py --quick    # a tenth of that, for a smoke run

1. Tallying ballots: ``Tally.of`` over a million choices, and ``Tally.of_ballots`` over a million
   (voter, choice) pairs where the last ballot counts — against ``collections.Counter`` over the
   same million choices. Target: at most 3×.
2. Verifying a 100,000-entry chain: ``deliberate.verify`` — against canonical JSON + SHA-256 over
   the same payloads. Target: at most 2×.
3. Replaying 100,000 events: decoding every entry and folding it into the state
   (``replay(events_of(entries))``) — against the verify time of (2). Target: at most 2×.
4. For information (no target): 1,500 ballots handled one by one through ``Ledger.handle``
   (decide, hash the entry, evolve, append in memory), against hashing the same entries alone.

Each figure is the best of several runs (the machines are noisy; the minimum is the least
disturbed), measured interleaved with its baseline. Results print as a table and as JSON.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from village_log import generate

from deliberate import Tally, verify
from deliberate.codec import canonical
from deliberate.record import events_of
from deliberate.tally import Choice
from deliberate.village import replay


def best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def paired(fn: Callable[[], object], baseline: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Best times of ``fn`` and ``baseline``, run alternately so drift hits both alike."""
    a, b = [], []
    for _ in range(repeat):
        b.append(best(baseline, 1))
        a.append(best(fn, 1))
    return min(a), min(b)


def engine_ballots(n: int, repeat: int) -> tuple[float, float]:
    """Best time for ``n`` ballots through ``Ledger.handle`` on a fresh sitting (set-up untimed),
    and best time to hash the very entries those ballots produced."""
    from datetime import date, datetime, timedelta, timezone

    from deliberate import Ledger, rules
    from deliberate import commands as c
    from deliberate.bodies import Body
    from deliberate.procedure import Procedure, Stage, Step, StepKind
    from deliberate.record import entry_hash
    from deliberate.rules.model import Wording
    from deliberate.testing import sample_roster

    cst = timezone(timedelta(hours=8))
    on = date(2026, 6, 1)
    body = sample_roster(adults=n, households=n // 3, on=on).body(Body.VILLAGERS_MEETING, on)
    # A one-step procedure whose only step is a villagers' meeting: the sitting is all we measure.
    proc = Procedure("bench", Wording("基准", "基準", "bench"),
                     (Step(Stage.PROPOSAL, StepKind.SITTING, 1, "villagers_meeting"),))
    t = datetime(2026, 5, 1, 8, tzinfo=cst)
    cmds = [c.CastBallot("s", "v", p, Choice.APPROVE) for p in sorted(body.voters)]
    engine, hashing = [], []
    for _ in range(repeat):
        ledger = Ledger("bench")
        ledger.handle(c.RaiseMatter("m", "基准", proc, by="p"), t)
        ledger.handle(c.ConveneSitting("s", rules.preset("villagers_meeting"), body, ("m",),
                                       datetime(2026, 6, 1, 9, tzinfo=cst), date(2026, 5, 1), "场",
                                       by="p"), t)
        for p in sorted(body.voters):
            ledger.handle(c.CheckIn("s", p), t)
        ledger.handle(c.OpenSitting("s", by="p"), t)
        ledger.handle(c.OpenVote("s", "v", "m", "表决"), t)
        start = time.perf_counter()
        for cmd in cmds:
            ledger.handle(cmd, t)
        engine.append(time.perf_counter() - start)
        entries = list(ledger.entries())[-n:]
        start = time.perf_counter()
        for e in entries:
            entry_hash(e.height, e.parent_hash, e.type, e.payload, e.time)
        hashing.append(time.perf_counter() - start)
    return min(engine), min(hashing)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the sizes")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    scale = 10 if args.quick else 1
    ballots_n, entries_n = 1_000_000 // scale, 100_000 // scale
    results = {"python": platform.python_version(), "machine": platform.machine(),
               "ballots": ballots_n, "entries": entries_n}

    choices = [(Choice.APPROVE, Choice.OPPOSE, Choice.ABSTAIN, Choice.APPROVE)[i % 4]
               for i in range(ballots_n)]
    pairs = [(f"p{i % (ballots_n // 2)}", c) for i, c in enumerate(choices)]
    last = dict(pairs)
    assert Tally.of(choices).cast == ballots_n and Tally.of_ballots(pairs).cast == len(last)
    t_of, t_counter = paired(lambda: Tally.of(choices), lambda: Counter(choices), args.repeat)
    # The same million choices for the baseline; of_ballots also keeps each voter's last ballot.
    t_pairs, t_counter2 = paired(lambda: Tally.of_ballots(pairs), lambda: Counter(choices),
                                 args.repeat)
    results["tally_of"] = {"seconds": t_of, "baseline": t_counter, "ratio": t_of / t_counter}
    results["tally_of_ballots"] = {"seconds": t_pairs, "baseline": t_counter2,
                                   "ratio": t_pairs / t_counter2}

    entries, _ = generate(entries_n)
    payloads = [e.payload for e in entries]

    def baseline_hash() -> None:
        for p in payloads:
            hashlib.sha256(canonical(p)).hexdigest()

    assert verify(entries).ok
    t_verify, t_hash = paired(lambda: verify(entries), baseline_hash, args.repeat)
    results["verify"] = {"seconds": t_verify, "baseline": t_hash, "ratio": t_verify / t_hash}
    final = replay(events_of(entries))
    assert final.sittings
    t_replay = best(lambda: replay(events_of(entries)), args.repeat)
    results["replay"] = {"seconds": t_replay, "baseline": t_verify, "ratio": t_replay / t_verify}

    voters_n = 1500
    t_engine, t_hashes = engine_ballots(voters_n, args.repeat)
    results["engine_ballot"] = {"seconds": t_engine, "baseline": t_hashes,
                                "ratio": t_engine / t_hashes,
                                "per_ballot_us": t_engine / voters_n * 1e6}

    rows = [("tally: Tally.of vs Counter", "tally_of", 3), ("tally: Tally.of_ballots vs Counter",
            "tally_of_ballots", 3), ("verify vs JSON+SHA-256", "verify", 2),
            ("replay vs verify", "replay", 2)]
    print(f"{'benchmark':40} {'seconds':>9} {'baseline':>9} {'ratio':>6} {'target':>7}")
    for label, key, target in rows:
        r = results[key]
        ok = "ok" if r["ratio"] <= target else "MISSED"
        print(f"{label:40} {r['seconds']:9.3f} {r['baseline']:9.3f} {r['ratio']:6.2f} ≤{target}× {ok}")
    e = results["engine_ballot"]
    print(f"{'engine: 1,500 ballots via Ledger.handle':40} {e['seconds']:9.3f} {e['baseline']:9.3f} "
          f"{e['ratio']:6.2f}  (info: {e['per_ballot_us']:.0f} µs a ballot)")
    print(json.dumps(results))
    return 0 if all(results[k]["ratio"] <= t for _, k, t in rows) else 1


if __name__ == "__main__":
    sys.exit(main())

"""What checking the chain costs when the store catches a village up, as a ratio to plain replay.

    python bench/catch_up_bench.py            # 100,000 entries
    python bench/catch_up_bench.py --quick    # 10,000

The store replays the entries it reads (a new process, or what other workers appended) and checks
each one on the way: its height, its parent's hash, and its own hash over the stored text
(``deliberate.store.writer._checked_replay``). The baseline is what it did before the check:
the same rows, parsed, decoded and applied (``json.loads`` + ``decode_event`` + the applier), no
hashing. Both start from the rows as the database driver returns them, so the figure is the cost
of the check itself. Target: at most 1.3×. Best of several interleaved runs.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from village_log import generate

from deliberate.codec import canonical, decode_event
from deliberate.record import GENESIS, Checkpoint
from deliberate.state import EMPTY
from deliberate.store.writer import _Cached, _checked_replay
from deliberate.village import apply_event, replay

TARGET = 1.3


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    n = 10_000 if args.quick else 100_000
    entries, _ = generate(n)
    rows = [(e.height, e.parent_hash, e.type, canonical(e.payload).decode(), e.time, e.hash)
            for e in entries]
    head = Checkpoint(entries[-1].height, entries[-1].hash)
    start = _Cached(EMPTY, GENESIS, 0, -1)

    def plain() -> object:
        state, last = EMPTY, None
        for _height, _parent, type_, payload, time_, _hash in rows:
            event = decode_event(type_, json.loads(payload), datetime.fromisoformat(time_))
            state = apply_event(state, event)
            last = event.at
        return state, last

    def checked() -> object:
        return _checked_replay(rows, start, head)

    assert checked() == replay(e.event() for e in entries)
    t_plain, t_checked = [], []
    for _ in range(args.repeat):
        for fn, times in ((plain, t_plain), (checked, t_checked)):
            began = time.perf_counter()
            fn()
            times.append(time.perf_counter() - began)
    ratio = min(t_checked) / min(t_plain)
    result = {"python": platform.python_version(), "entries": n, "checked_s": min(t_checked),
              "plain_s": min(t_plain), "ratio": ratio, "target": TARGET}
    print(f"catch-up of {n:,} entries: checked {min(t_checked):.3f} s, plain replay "
          f"{min(t_plain):.3f} s, ratio {ratio:.2f} (target ≤ {TARGET}) "
          f"{'ok' if ratio <= TARGET else 'MISSED'}")
    print(json.dumps(result))
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())

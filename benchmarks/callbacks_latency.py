"""How long the Callbacks queries take on a busy rep's book: what the tray menu pays each time it
opens ("Callbacks (N due)") and what the Callbacks window pays to load.

Builds a generated book (benchmarks/_book.py) in a temporary directory with a year of calls:
`--calls` attempts spread over the contacts, a mix of missed calls, voicemails left, talks and
callback windows. Times `count_due` and `load_callbacks` on a warm connection.

At 20,000 contacts and 20,000 calls (2026-12, 2 shared cores): count_due 13 ms median (3,100
due; partial indexes, nothing loaded), load_callbacks 207 ms for 1,500 entries (500 per section,
the cap), most of it phonenumbers finding each number's zones; a rep's few dozen entries cost a
few ms. With three calls in ten from 2,000 numbers nobody has (--unknown 0.3, which wait in
Callbacks too), count_due 4.7 -> 6.7 ms and load_callbacks 90 -> 96 ms (2,000 entries).

    .venv/bin/python benchmarks/callbacks_latency.py [--contacts 20000] [--calls 20000]
        [--samples 30]

Figures only; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._book import build_book
from desktop.adapters.callbacks import count_due, load_callbacks
from desktop.adapters.store import Store
from desktop.core.business_hours import BusinessHours

MIX = [("in", "missed"), ("in", "talked"), ("out", "voicemail"), ("out", "no_answer"),
       ("out", "talked")]  # fmt: skip


def add_calls(store: Store, numbers: list[str], calls: int, seed: int = 11,
              unknown: float = 0.0) -> None:  # fmt: skip
    """`unknown`: the share of calls from numbers nobody has (incoming, 2,000 numbers, named
    by their caller ID or not)."""
    rng = random.Random(seed)
    now = int(time.time())
    rows = []
    for i in range(calls):
        if rng.random() < unknown:
            at = now - rng.randrange(365 * 86400)
            rows.append((None, f"+1415555{rng.randrange(2000):04d}", "in", at,
                         rng.choice(["missed", "talked"]), "bench", f"b{i}", None, None))
            continue
        cid = rng.randrange(1, len(numbers) + 1)
        direction, outcome = rng.choice(MIX)
        at = now - rng.randrange(365 * 86400)
        window = (at + 86400, at + 86400 + 3 * 3600) if rng.random() < 0.05 else (None, None)
        rows.append((cid, numbers[cid - 1], direction, at, outcome, "bench", f"b{i}", *window))
    with store.transaction():
        store.connection.executemany(
            "INSERT INTO attempts(contact_id, number_e164, direction, at, outcome, source, "
            "call_key, callback_from, callback_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )


def timed(fn: object, samples: int) -> dict[str, float]:
    assert callable(fn)
    fn()  # warm
    times = []
    for _ in range(samples):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {"median_ms": round(statistics.median(times), 2),
            "p95_ms": round(times[int(len(times) * 0.95) - 1], 2)}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contacts", type=int, default=20_000)
    parser.add_argument("--calls", type=int, default=20_000)
    parser.add_argument("--samples", type=int, default=30)
    parser.add_argument("--unknown", type=float, default=0.0,
                        help="share of calls from numbers nobody has (0.3: three in ten)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "callercard.sqlite3"
        numbers = build_book(path, args.contacts)
        store = Store.open(path)
        add_calls(store, numbers, args.calls, unknown=args.unknown)
        now = datetime.now().astimezone()
        entries = load_callbacks(store, now, BusinessHours(), "24h")
        report = {
            "contacts": args.contacts, "calls": args.calls, "unknown": args.unknown,
            "entries": len(entries),
            "due": count_due(store, now),
            "count_due": timed(lambda: count_due(store, now), args.samples),
            "load_callbacks": timed(
                lambda: load_callbacks(store, now, BusinessHours(), "24h"), args.samples),
        }  # fmt: skip
        store.close()
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

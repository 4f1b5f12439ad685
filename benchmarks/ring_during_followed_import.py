"""Rings while the app re-imports a followed file: does the card still pop at once?

The app re-imports a followed file in a child process it starts (importing/follow_child.py;
on a thread of the app the import shared the GIL with the GUI thread). Real processes:
`callercard import --follow` of a generated CSV (default 50,000 rows), the app (offscreen,
`--trace`), then this script rings 10 times, saves the CSV again with every number changed (a
temporary file renamed over it, as spreadsheet programs save) and, until the app's trace says
the re-import is done:

* every 250 ms sends a hook ring (`Ring` over the instance socket) and its end;
* every 10 ms sends a harmless `End` and times the ack (the GUI thread's longest stall).

Prints the re-import's time (save to done, including the 0.8 s settle), each ring's
read-to-shown time from the trace, and the probe's round trips, before and during the
re-import. Figures only; nothing here asserts a time.

    .venv/bin/python benchmarks/ring_during_followed_import.py [--rows 50000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from import_throughput import people, write_csv
from import_vs_calls import Prober, read_trace

from desktop.adapters.instance_address import instance_address
from desktop.adapters.instance_client import deliver
from desktop.core.ipc import End, Ring


def wait_trace(trace: Path, app: subprocess.Popen[str], stage: str, after: int,
               timeout: float = 120.0, **fields: object) -> int:  # fmt: skip
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        records = read_trace(trace)
        for index, record in enumerate(records[after:], start=after):
            if record["stage"] == stage and all(record.get(k) == v for k, v in fields.items()):
                return index
        if app.poll() is not None:
            raise SystemExit(f"benchmark: the app exited waiting for {stage}")
        time.sleep(0.02)
    raise SystemExit(f"benchmark: no {stage} within {timeout} s")


def ring(address: str, key: str, serial: int) -> None:
    """A hook ring from an unknown number, its card on screen for 250 ms, then its end."""
    deliver(address, Ring(f"+1212555{3000 + serial:04d}", "Hook", "hook", key,
                          time.monotonic_ns()))  # fmt: skip
    time.sleep(0.25)
    deliver(address, End(call_key=key))


def summary(values: list[float]) -> str:
    if not values:
        return "n=0"
    return f"n={len(values)}, median {statistics.median(values):.1f} ms, max {max(values):.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    args = parser.parse_args()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    with tempfile.TemporaryDirectory(prefix="ring-during-followed-") as tmp_name:
        tmp = Path(tmp_name)
        data, trace, book = tmp / "data", tmp / "trace.jsonl", tmp / "book.csv"
        rows = people(args.rows)
        write_csv(book, rows)
        started = time.monotonic()
        subprocess.run([sys.executable, "-m", "desktop", "import", "--follow", str(book),
                        "--data-dir", str(data), "--region", "US"],
                       env=env, check=True, stdout=subprocess.DEVNULL)  # fmt: skip
        print(f"import --follow of {args.rows} rows: {time.monotonic() - started:.1f} s")
        app = subprocess.Popen(
            [sys.executable, "-m", "desktop", "--data-dir", str(data), "--region", "US",
             "--background", "--trace", str(trace)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            wait_trace(trace, app, "ready", 0)
            mark = wait_trace(trace, app, "followed", 0, changed=False) + 1
            address = instance_address(data)
            keys_sent: list[str] = []
            prober = Prober(address)
            prober.start()
            idle_keys = [f"idle-ring-{n}" for n in range(10)]
            for key in idle_keys:
                ring(address, key, len(keys_sent))
                keys_sent.append(key)
            baseline = list(prober.round_trips_ms)

            changed = tmp / ".~book.csv.tmp"
            write_csv(changed, [[cell.replace("555", "556") for cell in row] for row in rows])
            probes_before = len(prober.round_trips_ms)
            saved = time.monotonic()
            os.replace(changed, book)
            keys: list[str] = []
            while not any(r["stage"] == "followed" and r.get("changed")
                          for r in read_trace(trace)[mark:]):  # fmt: skip
                key = f"bench-ring-{len(keys)}"
                ring(address, key, len(keys_sent))
                keys.append(key)
                keys_sent.append(key)
                if app.poll() is not None:
                    raise SystemExit("benchmark: the app exited")
            reimport_s = time.monotonic() - saved
            prober.stop.set()
            prober.join()
            during = prober.round_trips_ms[probes_before:]
            records = read_trace(trace)
        finally:
            app.terminate()
            app.wait(15)
        done = next(r for r in records[mark:] if r["stage"] == "followed" and r.get("changed"))
        read_at = {r["call_key"]: int(r["t_ns"]) for r in records if r["stage"] == "read"}  # type: ignore[call-overload]
        shown_ms = {
            str(r["call_key"]): (int(r["t_ns"]) - read_at[r["call_key"]]) / 1e6  # type: ignore[call-overload]
            for r in records
            if r["stage"] == "shown" and r["call_key"] in read_at
        }
        idle_ms = [ms for key, ms in shown_ms.items() if key.startswith("idle-ring")]
        busy_ms = [ms for key, ms in shown_ms.items() if key.startswith("bench-ring")]
        print(f"re-import after the save: {reimport_s:.1f} s (problem: {done['problem']!r}, "
              f"replaced batch {done['replaced']} by {done['batch']})")
        print(f"rings before it: read->shown {summary(idle_ms)}")
        print(f"rings during it: {len(keys)} sent, read->shown {summary(busy_ms)}")
        print(f"GUI thread probe before: {summary(baseline)}")
        print(f"GUI thread probe during: {summary(during)}")


if __name__ == "__main__":
    main()

"""Calls during a big import: does the app keep recording calls and answering hooks while
`callercard import` holds the contact database's write lock for the whole file?

Real processes: the app (`python -m desktop --watch microsip:… --trace …`, offscreen), a CLI
import of a generated CSV (default 300,000 rows) in another process, and this script, which
while the import runs:

* every second writes a missed call into the watched microsip.ini (a ring line, then the same
  key rewritten as missed), and sends a hook ring (`Ring` over the instance socket, 1 s
  timeout, as `callercard ring` does) followed by its end;
* every 10 ms sends a harmless `End` for an unknown call and times the ack: the GUI thread
  answers it, so the longest round trip is the longest the GUI thread was stuck.

Afterwards it waits for the missed calls to reach the call history and prints: calls recorded
N of N, hook rings acked, the longest and median ack round trip, and each hook ring's
read-to-shown time from the trace. Figures only; nothing here asserts a time.

    .venv/bin/python benchmarks/import_vs_calls.py [--rows 300000]
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from import_throughput import people, write_csv

from desktop.adapters.instance_address import instance_address
from desktop.adapters.instance_client import SendStatus, deliver
from desktop.adapters.paths import resolve_paths
from desktop.core.ipc import End, Ring

INI_HEAD = (
    "[Settings]\r\naccountId=1\r\ncallsLastKey=0\r\n[Account1]\r\nusername=1001\r\n"
    "domain=pbx.example.com\r\n[Calls]\r\n"
)


def ini_bytes(lines: list[str]) -> bytes:
    return b"\xff\xfe" + (INI_HEAD + "".join(lines)).encode("utf-16-le")


def rewrite(path: Path, lines: list[str]) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(ini_bytes(lines))
    os.replace(tmp, path)


def read_trace(path: Path) -> list[dict[str, object]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


class Prober(threading.Thread):
    """Times the GUI thread's answer to a harmless message, every 10 ms."""

    def __init__(self, address: str) -> None:
        super().__init__(daemon=True)
        self.address = address
        self.round_trips_ms: list[float] = []
        self.unanswered = 0
        self.stop = threading.Event()

    def run(self) -> None:
        n = 0
        while not self.stop.is_set():
            n += 1
            start = time.monotonic()
            result = deliver(self.address, End(call_key=f"probe-{n}"), timeout=10.0)
            if result.status is SendStatus.DELIVERED:
                self.round_trips_ms.append((time.monotonic() - start) * 1000)
            else:
                self.unanswered += 1
            self.stop.wait(0.01)


def recorded_missed(database: Path) -> int:
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=10)
    try:
        row = conn.execute(
            "SELECT count(*) FROM attempts WHERE source = 'microsip' AND outcome = 'missed'"
        ).fetchone()
        return int(row[0])
    finally:
        conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--max-calls", type=int, default=60, help="stop calling after this many")
    args = parser.parse_args()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    with tempfile.TemporaryDirectory(prefix="import-vs-calls-") as tmp_name:
        tmp = Path(tmp_name)
        data, ini, trace = tmp / "data", tmp / "microsip.ini", tmp / "trace.jsonl"
        csv_path = tmp / "big.csv"
        t0 = time.monotonic()
        write_csv(csv_path, people(args.rows))
        print(f"wrote {args.rows} rows in {time.monotonic() - t0:.1f} s")
        ini.write_bytes(ini_bytes([]))
        database = resolve_paths(data).database
        app = subprocess.Popen(
            [sys.executable, "-m", "desktop", "--data-dir", str(data), "--region", "US",
             "--background", "--watch", f"microsip:{ini}", "--trace", str(trace)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while not any(r["stage"] == "ready" for r in read_trace(trace)):
            if time.monotonic() > deadline or app.poll() is not None:
                raise SystemExit("benchmark: the app did not get ready")
            time.sleep(0.05)
        address = instance_address(data)
        prober = Prober(address)
        prober.start()
        time.sleep(1.0)  # a baseline before the import starts
        started = time.monotonic()
        importer = subprocess.Popen(
            [sys.executable, "-m", "desktop", "import", str(csv_path), "--data-dir", str(data)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        lines: list[str] = []
        hooks: list[tuple[str, str, float]] = []  # (call key, status, ack ms)
        calls = 0
        while importer.poll() is None and calls < args.max_calls:
            time.sleep(1.0)
            calls += 1
            number, stamp = f"+1415555{2000 + calls:04d}", int(time.time())
            lines.append(f"{calls}={number};Missed {calls};1;{stamp};0;\r\n")
            rewrite(ini, lines)
            key = f"bench-hook-{calls}"
            sent = time.monotonic()
            result = deliver(address, Ring(f"+1212555{3000 + calls:04d}", "Hook", "hook", key,
                                           time.monotonic_ns()))  # fmt: skip
            hooks.append((key, result.status.value, (time.monotonic() - sent) * 1000))
            time.sleep(0.2)
            lines[-1] = f"{calls}={number};Missed {calls};2;{stamp};0;Missed Call\r\n"
            rewrite(ini, lines)
            deliver(address, End(call_key=key))
        importer.wait()
        import_s = time.monotonic() - started
        _, import_err = importer.communicate()
        deadline = time.monotonic() + 30
        while recorded_missed(database) < calls and time.monotonic() < deadline:
            time.sleep(0.2)
        prober.stop.set()
        prober.join()
        recorded = recorded_missed(database)
        records = read_trace(trace)
        app.terminate()
        app.wait(15)
        read_at = {r["call_key"]: int(r["t_ns"]) for r in records if r["stage"] == "read"}  # type: ignore[call-overload]
        shown_ms = sorted(
            (int(r["t_ns"]) - read_at[r["call_key"]]) / 1e6  # type: ignore[call-overload]
            for r in records
            if r["stage"] == "shown" and str(r["call_key"]).startswith("bench-hook")
        )
        acked = [ms for _key, status, ms in hooks if status == SendStatus.DELIVERED.value]
        print(f"import: {args.rows} rows in {import_s:.1f} s (exit {importer.returncode})"
              + (f": {import_err.strip()[-200:]}" if importer.returncode else ""))
        print(f"missed calls recorded: {recorded} of {calls}")
        print(f"hook rings acked within 1 s: {len(acked)} of {len(hooks)}; "
              f"ack max {max(acked, default=float('nan')):.0f} ms; "
              f"cards shown {len(shown_ms)}, read->shown max "
              f"{max(shown_ms, default=float('nan')):.0f} ms")
        rtts = prober.round_trips_ms
        print(f"GUI thread (ack of a probe every 10 ms, n={len(rtts)}, unanswered "
              f"{prober.unanswered}): median {statistics.median(rtts):.1f} ms, "
              f"max {max(rtts):.0f} ms")


if __name__ == "__main__":
    main()

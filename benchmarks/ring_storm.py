"""Ring storms: is every ring delivered, and does the app give its memory back?

Runs the real app (offscreen unless --xvfb) in a private temporary home and reports:

* rings delivered out of 1,000 when 32 `callercard ring` processes run in parallel (exit 0 =
  acked, 3 = sent but not confirmed, 1 = not delivered), and how many the app read once;
* the app's RSS at start, after 5,000 rings (each ended) written to its socket, with 1,000
  calls ringing at once, and after those 1,000 calls ended.

Figures only; nothing here asserts.

    .venv/bin/python benchmarks/ring_storm.py [--hooks 32] [--hook-rings 1000]
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psutil

from desktop.adapters.child_process import end_child
from desktop.adapters.instance_client import deliver
from desktop.core.ipc import End, Ring


def number(i: int) -> str:
    return f"+1415{i:07d}"


class App:
    def __init__(self, home: Path) -> None:
        self.home = home
        self.data = home / "data"
        self.trace = home / "trace.jsonl"
        (home / "run").mkdir(mode=0o700)
        self.env = {
            **os.environ,
            "HOME": str(home),
            "XDG_RUNTIME_DIR": str(home / "run"),
            "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_CACHE_HOME": str(home / "cache"),
            "XDG_DATA_HOME": str(home / "share"),
            "QT_QPA_PLATFORM": "offscreen",
            "PYTHONPATH": str(Path(__file__).resolve().parents[1]),
        }
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "desktop", "--data-dir", str(self.data), "--region", "US",
             "--background", "--trace", str(self.trace)],
            env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        self._read = 0
        self._counts: dict[str, collections.Counter[str]] = collections.defaultdict(
            collections.Counter
        )
        self.wait(lambda: self._counts["ready"], "the app")
        time.sleep(2)  # idle warm-up (number metadata, place index) settles
        found = list((home / "run" / "callercard").glob("*.sock"))
        self.address = str(found[0])

    def _update(self) -> None:
        if not self.trace.exists():
            return
        with self.trace.open("rb") as f:
            f.seek(self._read)
            chunk = f.read()
        end = chunk.rfind(b"\n") + 1
        self._read += end
        for line in chunk[:end].splitlines():
            record = json.loads(line)
            self._counts[record["stage"]][record["caller_id"]] += 1

    def count(self, stage: str) -> collections.Counter[str]:
        self._update()
        return self._counts[stage]

    def wait(self, done: object, what: str, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while True:
            self._update()
            if callable(done) and done():
                return
            if self.proc.poll() is not None:
                raise SystemExit(f"ring_storm: the app exited waiting for {what}")
            if time.monotonic() > deadline:
                raise SystemExit(f"ring_storm: timed out waiting for {what}")
            time.sleep(0.2)

    def rss_mib(self) -> float:
        return float(psutil.Process(self.proc.pid).memory_info().rss) / 2**20

    def stop(self) -> None:
        end_child(self.proc, 20)


def parallel_hooks(app: App, hooks: int, rings: int, first: int) -> dict[int, int]:
    """`callercard ring` processes, `hooks` at a time; exit code -> how many."""
    codes: collections.Counter[int] = collections.Counter()
    lock = threading.Lock()
    todo = iter(range(first, first + rings))

    def hook() -> None:
        while True:
            with lock:
                i = next(todo, None)
            if i is None:
                return
            result = subprocess.run(
                [sys.executable, "-m", "desktop", "ring", "--source", "storm",
                 "--data-dir", str(app.data), "--", number(i)],
                env=app.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60,
            )  # fmt: skip
            with lock:
                codes[result.returncode] += 1

    threads = [threading.Thread(target=hook) for _ in range(hooks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return dict(codes)


def socket_rings(app: App, numbers: list[str], *, end: bool, senders: int = 4) -> int:
    """Rings (and their ends) written to the socket by `senders` threads; how many not acked."""
    missed = 0
    lock = threading.Lock()

    def send(share: list[str]) -> None:
        nonlocal missed
        for caller in share:
            messages = [Ring(caller, source="storm")] + ([End(caller_id=caller)] if end else [])
            for message in messages:
                if not deliver(app.address, message, timeout=10).ok:
                    with lock:
                        missed += 1

    threads = [threading.Thread(target=send, args=(numbers[n::senders],)) for n in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return missed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hooks", type=int, default=32)
    parser.add_argument("--hook-rings", type=int, default=1000)
    parser.add_argument("--soak-rings", type=int, default=5000)
    parser.add_argument("--open-cards", type=int, default=1000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="callercard-storm-") as tmp:
        app = App(Path(tmp))
        try:
            start = app.rss_mib()
            print(f"app RSS at start: {start:.0f} MiB")

            t0 = time.monotonic()
            codes = parallel_hooks(app, args.hooks, args.hook_rings, 0)
            took = time.monotonic() - t0
            hooked = [number(i) for i in range(args.hook_rings)]
            # Rings that got through are read within seconds; wait that long, not for lost ones.
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                read = app.count("read")
                if all(read[n] for n in hooked):
                    break
                time.sleep(0.5)
            read = app.count("read")
            once = sum(1 for n in hooked if read[n] == 1)
            print(f"{args.hooks} parallel hooks, {args.hook_rings} rings in {took:.1f} s: "
                  f"exit codes {dict(sorted(codes.items()))}; "
                  f"{codes.get(0, 0)} acked, {once} read exactly once, "
                  f"{sum(1 for n in hooked if read[n] == 0)} never read")  # fmt: skip
            for caller in hooked:
                deliver(app.address, End(caller_id=caller), timeout=10)
            print(f"app RSS after the hook storm: {app.rss_mib():.0f} MiB")

            soak = [number(100_000 + i) for i in range(args.soak_rings)]
            t0 = time.monotonic()
            missed = socket_rings(app, soak, end=True)
            app.wait(lambda: all(app.count("ended")[n] for n in soak), "the soak's ends")
            print(f"{args.soak_rings} rings (each ended) through the socket in "
                  f"{time.monotonic() - t0:.1f} s, {missed} messages not acked; "
                  f"app RSS after: {app.rss_mib():.0f} MiB")  # fmt: skip

            cards = [number(200_000 + i) for i in range(args.open_cards)]
            t0 = time.monotonic()
            missed = socket_rings(app, cards, end=False)
            app.wait(lambda: all(app.count("matched")[n] for n in cards), "the open cards")
            print(f"{args.open_cards} calls ringing at once ({time.monotonic() - t0:.1f} s, "
                  f"{missed} not acked): app RSS {app.rss_mib():.0f} MiB")  # fmt: skip
            for caller in cards:
                deliver(app.address, End(caller_id=caller), timeout=10)
            app.wait(lambda: all(app.count("ended")[n] for n in cards), "the cards to end")
            time.sleep(3)
            print(f"app RSS after those {args.open_cards} calls ended: {app.rss_mib():.0f} MiB "
                  f"(start: {start:.0f} MiB)")  # fmt: skip
        finally:
            app.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

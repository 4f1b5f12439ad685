"""A ring while a worker thread runs Python: how long until the card is painted?

The app's windows and loops do their heavy work on worker threads (a team directory sync
reading vCards, the Duplicates scan, undoing an import, the history writer), and those threads
share CPython's interpreter lock with the GUI thread that paints the card. This runs the app's
real card stack and lookup (a generated book, 100,000 contacts by default) in one process,
on X11 (a private Xvfb unless $DISPLAY is given) and rings it:

- with no worker running, then with a worker thread reading 2,000 vCards over and over with
  the importer's own reader (as a directory sync does, in the thread);
- each ring alternately at CPython's default switch interval (5 ms) and at the app's
  (desktop/adapters/thread_turns.py), so the two are measured in the same run, ring by ring.

Each figure is caller ID in → card painted (lookup, fill, show, paint). Figures only; nothing
here asserts a time.

    .venv/bin/python benchmarks/ring_during_worker.py [--rings 120] [--contacts 100000]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _book import build_book
from ring_latency import pct, start_xvfb

from desktop.adapters.thread_turns import GUI_SWITCH_INTERVAL_S

PYTHON_DEFAULT_S = 0.005
VCARDS = 2000


def vcard_texts(count: int) -> dict[str, tuple[str, str]]:
    """href -> (ETag, text), as a CardDAV multiget hands them to the directory sync."""
    rng = random.Random(3)
    out = {}
    for i in range(count):
        number = f"+1617555{rng.randrange(10**4):04d}"
        text = (f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:bench-{i}\r\nFN:Person {i} Example\r\n"
                f"N:Example;Person {i};;;\r\nORG:Team Directory Inc\r\nTITLE:Account Exec\r\n"
                f"TEL;TYPE=WORK:{number}\r\nEMAIL:p{i}@example.com\r\n"
                f"NOTE:Met at the {i % 7} o'clock demo\\, wants pricing\r\n"
                "END:VCARD\r\n")  # fmt: skip
        out[f"/dav/team/{i}.vcf"] = (f'"{i}"', text)
    return out


class Worker:
    """A thread running the directory sync's vCard reading until stopped."""

    def __init__(self) -> None:
        from desktop.adapters.directories.syncing import read_cards
        from desktop.core.numbers import NumberPolicy

        self._texts = vcard_texts(VCARDS)
        self._policy = NumberPolicy("US")
        self._read = read_cards
        self._stop = threading.Event()
        self.rounds = 0
        self._thread = threading.Thread(target=self._run, name="bench-worker", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._read(self._texts, self._policy, workers=0)
            self.rounds += 1


def ring_all(stack, lookup, numbers: list[str], rings: int, worker: bool):  # type: ignore[no-untyped-def]
    """Ring `rings` times, switching the interval every ring; ms per ring by interval."""
    from PySide6.QtCore import QEventLoop, QTimer

    rng = random.Random(11)
    plan = [numbers[rng.randrange(len(numbers))] for _ in range(rings)]
    out: dict[float, list[float]] = {PYTHON_DEFAULT_S: [], GUI_SWITCH_INTERVAL_S: []}
    busy = Worker() if worker else None
    loop = QEventLoop()
    started: dict[str, tuple[int, float]] = {}
    state = {"i": 0}

    def painted(key: str, t_ns: int) -> None:
        begun, interval = started.pop(key)
        out[interval].append((t_ns - begun) / 1e6)
        QTimer.singleShot(150, lambda: stack.close_for_call(key))

    def ring() -> None:
        i = state["i"]
        if i >= len(plan):
            loop.quit()
            return
        state["i"] = i + 1
        interval = PYTHON_DEFAULT_S if i % 2 == 0 else GUI_SWITCH_INTERVAL_S
        sys.setswitchinterval(interval)
        key = f"k{i}"
        started[key] = (time.monotonic_ns(), interval)
        card = lookup.card_for(plan[i], "Bench Caller", candidates=False)
        stack.show(card, key)
        QTimer.singleShot(rng.randint(250, 450), ring)

    stack.painted.connect(painted)
    if busy is not None:
        busy.start()
    QTimer.singleShot(500, ring)
    loop.exec()
    stack.painted.disconnect(painted)
    if busy is not None:
        busy.stop()
        print(f"  (the worker read {busy.rounds * VCARDS:,} vCards meanwhile)")
    sys.setswitchinterval(PYTHON_DEFAULT_S)
    return out


def report(label: str, values: list[float]) -> None:
    print(f"  {label:<34} n={len(values):3d}  median {statistics.median(values):6.2f}  "
          f"p90 {pct(values, 0.9):6.2f}  p99 {pct(values, 0.99):6.2f}  "
          f"max {max(values):6.2f} ms")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rings", type=int, default=120)
    parser.add_argument("--contacts", type=int, default=100_000)
    args = parser.parse_args()
    xvfb = None
    if not os.environ.get("DISPLAY"):
        xvfb, display = start_xvfb()
        if display is None:
            print("no DISPLAY and no Xvfb: nothing measured")
            return 1
        os.environ["DISPLAY"] = display
    os.environ.setdefault("QT_QPA_PLATFORM", "xcb")
    with tempfile.TemporaryDirectory(prefix="callercard-bench-") as work:
        book = Path(work) / "callercard.sqlite3"
        numbers = build_book(book, args.contacts)
        from PySide6.QtWidgets import QApplication

        from desktop.adapters.bundled import default_opener_templates
        from desktop.adapters.lookup import CallerLookup
        from desktop.adapters.store import Store
        from desktop.core.numbers import NumberPolicy
        from desktop.qt.popup_stack import PopupStack

        app = QApplication.instance() or QApplication([])
        assert app is not None
        store = Store.open(book, cache_mb=64)
        lookup = CallerLookup(store, NumberPolicy("US"), default_opener_templates())
        stack = PopupStack()
        stack.warm_up()
        try:
            for worker in (False, True):
                what = "a worker thread reading vCards" if worker else "no worker running"
                print(f"\nCaller ID → card painted, {args.rings} rings, {args.contacts:,} "
                      f"contacts, {what}:")  # fmt: skip
                out = ring_all(stack, lookup, numbers, args.rings, worker)
                report("switch interval 5 ms (CPython's)", out[PYTHON_DEFAULT_S])
                report(f"switch interval {GUI_SWITCH_INTERVAL_S * 1000:g} ms (the app's)",
                       out[GUI_SWITCH_INTERVAL_S])  # fmt: skip
                ratio = statistics.median(out[PYTHON_DEFAULT_S]) / statistics.median(
                    out[GUI_SWITCH_INTERVAL_S])
                print(f"  median at 5 ms / median at the app's interval: {ratio:.2f}×")
        finally:
            store.close()
            if xvfb is not None:
                xvfb.terminate()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""A rep's week in one process: does the app grow with every round of a day's work?

A tray app is left running from Monday to Friday. This builds the real app in this process
(offscreen, a private data folder, its real store, writer, loops and card stack) and repeats
what a rep does all day, round after round:

- open and close Search, Recent calls, Callbacks, Duplicates, Import history, Settings,
  a contact view and Who is it? (a number nobody has);
- open Import, choose a small CSV (20 new people), import it, take it back with Undo (so the
  book stays its size), close the window; open Import again and cancel;
- ring a known number (answered), an unknown one (answered), a missed one (its card kept,
  then closed), each ended; open the wrap-ups that came up and close them (a skip).

After each round it counts what the process holds: top-level widgets, all widgets, the
QObjects reachable from the top-level windows, Python objects the collector tracks, threads,
open file descriptors, SQLite connections (Python objects), resident memory and the round's
time. It prints every Nth round's figures and, at the end, the growth per round over the
second half (the first rounds build what is then reused: the windows, caches, the warm-up).
What grows with the rep's data is expected: Recent calls lists up to 200 calls (three more a
round until then), Import history one row (four cells and an Undo button) per import.

Figures only; nothing here asserts anything.

    .venv/bin/python benchmarks/week_soak.py [--rounds 200] [--every 10]
"""

from __future__ import annotations

import argparse
import gc
import os
import sqlite3
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

KNOWN = "+14155550142"
UNKNOWN = "+12125550199"
MISSED = "+13125550123"


def rss_kb() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def counts() -> dict[str, int]:
    from PySide6.QtCore import QObject
    from PySide6.QtWidgets import QApplication

    gc.collect()
    tops = QApplication.topLevelWidgets()
    reachable = sum(len(w.findChildren(QObject)) + 1 for w in tops)
    return {
        "top": len(tops),
        "widgets": len(QApplication.allWidgets()),
        "qobjects": reachable,
        "pyobjects": len(gc.get_objects()),
        "threads": threading.active_count(),
        "fds": len(os.listdir("/proc/self/fd")),
        "sqlite": sum(isinstance(o, sqlite3.Connection) for o in gc.get_objects()),
        "rss_kb": rss_kb(),
    }


def top_kinds() -> Counter[str]:
    from PySide6.QtWidgets import QApplication

    return Counter(type(w).__name__ for w in QApplication.topLevelWidgets())


class Week:
    """The app, built as a test builds it, and one round of a rep's day."""

    def __init__(self, root: Path) -> None:
        from desktop.adapters.instance_address import instance_address
        from desktop.adapters.paths import resolve_paths
        from desktop.adapters.store import NewContact, Store
        from desktop.cli import build_parser
        from desktop.core.models import StoredNumber
        from desktop.qt.app import CallerCardApp
        from desktop.qt.single_instance import SingleInstance

        self.root = root
        args = build_parser().parse_args(["--data-dir", str(root / "data"), "--region", "US",
                                          "--background"])  # fmt: skip
        paths = resolve_paths(args.data_dir)
        paths.ensure()
        store = Store.open(paths.database)
        with store.transaction():
            store.add_contact(NewContact(name="Mike Kowalski",
                                         numbers=(StoredNumber("+1 415 555 0142", KNOWN),)))
            store.add_contact(NewContact(name="Michael Kowalski", company="Acme",
                                         numbers=(StoredNumber("+1 415 555 0143",
                                                               "+14155550143"),)))  # fmt: skip
        store.close()
        self.csv = root / "prospects.csv"
        self.imports = 0
        self.last_ring = 0.0
        self.instance = SingleInstance(instance_address(paths.data_dir))
        assert self.instance.acquire()
        self.app = CallerCardApp(args, paths, self.instance, demo=False)
        self.app.start(None)
        self.wait(400)  # start-up's own timers and the warm-up thread
        [(contact, _)] = self.app.store.contacts_for_number(KNOWN)
        self.mike = contact.id

    @staticmethod
    def wait(ms: int) -> None:
        from PySide6.QtCore import QDeadlineTimer, QEvent
        from PySide6.QtWidgets import QApplication

        deadline = QDeadlineTimer(ms)
        while not deadline.hasExpired():
            QApplication.processEvents()
            # Outside an event loop, processEvents leaves deleteLater's work undone.
            QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
            time.sleep(0.002)

    def wait_until(self, done: Callable[[], bool], ms: int = 5000) -> bool:
        from PySide6.QtWidgets import QApplication

        end = time.monotonic() + ms / 1000
        while time.monotonic() < end:
            QApplication.processEvents()
            if done():
                return True
            time.sleep(0.005)
        return False

    def close_all(self, *windows: Any) -> None:
        for window in windows:
            if window is not None:
                window.close()
        self.wait(20)

    def round(self) -> None:
        from desktop.core.ipc import End, EndOutcome, Ring

        app = self.app
        app.open_search("kowalski")
        app.open_calls()
        app.open_callbacks()
        app.open_duplicates()
        app.open_import_history()
        app.open_settings()
        app.show_contact(self.mike)
        app.who_is_it(UNKNOWN)
        self.wait(30)
        windows = app.windows
        self.close_all(windows.search_window, windows.call_list, app.callbacks.window,
                       windows.duplicates, windows.import_history, app.settings_opening.window,
                       windows.who_is_it_window, windows.contact_views.get(self.mike))  # fmt: skip
        self.import_once()
        # A hook's call is stored by number and start second: the same numbers ringing again
        # within the second would be the same calls.
        self.wait(max(0, int(1000 * (self.last_ring + 1.1 - time.monotonic()))))
        self.last_ring = time.monotonic()
        rung_at = datetime.now(UTC)
        app.on_message(Ring(KNOWN, "M KOWALSKI"))
        app.on_message(End(caller_id=KNOWN, outcome=EndOutcome.ANSWERED))
        app.on_message(Ring(UNKNOWN, "NEW YORK NY"))
        app.on_message(End(caller_id=UNKNOWN, outcome=EndOutcome.ANSWERED))
        app.on_message(Ring(MISSED, ""))
        app.on_message(End(caller_id=MISSED, outcome=EndOutcome.MISSED))
        self.wait_until(lambda: len(app.store.calls(since=rung_at)) >= 3)
        app.popups.dismiss_all()
        talked = next(c for c in app.store.calls() if c.contact is not None)
        app.wrap_ups.asked(talked.id)
        # The rep goes through each wrap-up that came up (the answered calls'), skipping.
        self.close_all(*(app.wrap_ups.window_for(c.id) for c in app.store.calls(limit=6)))
        self.wait(30)

    def import_once(self) -> None:
        from desktop.qt.import_action import ImportAction

        app = self.app
        first = self.imports * 20 % 10_000  # new people each time, as a new file has
        self.imports += 1
        rows = "".join(f"Person {n},+1 617 555 {n:04d},Acme {n % 7}\n"
                       for n in range(first, first + 20))
        self.csv.write_text("Name,Phone,Company\n" + rows, encoding="utf-8")
        app.open_import()  # Import… from the tray
        importer = app.windows.importer
        assert isinstance(importer, ImportAction) and importer.window is not None
        window = importer.window
        window.load(self.csv)  # as its Choose… does with the file the rep picked
        if self.wait_until(lambda: window.import_button.isEnabled()):
            done: list[object] = []
            importer.finished.connect(done.append)
            window.start_import()
            self.wait_until(lambda: bool(done))
            # Taken back with the window's Undo: the book stays the size it was, so what grows
            # from round to round is not the rep's data.
            window.undo_last()
            self.wait_until(lambda: len(done) == 2)
            importer.finished.disconnect(done.append)
        window.close()
        app.open_import()  # again, and the rep thinks better of it
        window.close()
        self.wait(20)

    def close(self) -> None:
        from PySide6.QtWidgets import QApplication

        self.app.popups.dismiss_all()
        QApplication.sendPostedEvents()
        self.app.bridge.blockSignals(True)
        self.app.shutdown()
        self.instance.release()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--every", type=int, default=10, help="print every Nth round")
    opts = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    qapp = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory(prefix="week-soak-") as tmp:
        root = Path(tmp)
        os.environ["HOME"] = str(root / "home")
        os.environ["XDG_CONFIG_HOME"] = str(root / "home" / ".config")
        (root / "home").mkdir()
        week = Week(root)
        rows: list[dict[str, int]] = []
        started = time.monotonic()
        for n in range(1, opts.rounds + 1):
            began = time.monotonic()
            week.round()
            rows.append({**counts(), "round_ms": round(1000 * (time.monotonic() - began))})
            if n == 1 or n % opts.every == 0 or n == opts.rounds:
                print(f"round {n:4d}", "  ".join(f"{k}={v}" for k, v in rows[-1].items()),
                      flush=True)  # fmt: skip
        seconds = time.monotonic() - started
        kinds = top_kinds()
        week.close()
    del qapp
    half = len(rows) // 2
    if len(rows) >= 4:
        first, last = rows[half], rows[-1]
        span = len(rows) - 1 - half
        print(f"\n{opts.rounds} rounds in {seconds:.1f} s; growth per round over rounds "
              f"{half + 1}-{len(rows)}:")  # fmt: skip
        for key in first:
            print(f"  {key:10s} {(last[key] - first[key]) / span:+9.2f}"
                  f"   ({first[key]} -> {last[key]})")
    print("top-level widgets at the end:", dict(kinds.most_common()))


if __name__ == "__main__":
    main()

"""Callbacks with an unknown caller and Search's Calls group on a real X display: screenshots
to look at.

    python -m tests.qt.show_calls_demo OUT_DIR [PREFIX]

Fills a throw-away book (the search tests' people, a rep's week of calls with two unknown
callers whose caller ID gave a name, one that gave none and a withheld one), opens Callbacks
and Search for "mike", and saves OUT_DIR/PREFIX-callbacks.png and OUT_DIR/PREFIX-search.png
grabbed from the X server (PREFIX: "calls"). Run it with QT_SCALE_FACTOR=2 for a 2x screen.
Prints one JSON report.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QWidget

from desktop.adapters.callbacks import load_callbacks
from desktop.adapters.people_search import search_calls, search_people
from desktop.adapters.store import Store
from desktop.core.business_hours import BusinessHours
from desktop.core.models import Attempt, Direction, Outcome
from desktop.qt.callbacks_window import CallbacksWindow
from desktop.qt.search_window import SearchWindow
from tests.qt.test_search_window import fill

MIKE_CELL = "+14155550177"


def log_week(store: Store, now: datetime) -> None:
    """Calls nobody in the book made, and one out to a Mike who is."""
    m, d = timedelta(minutes=1), timedelta(days=1)
    calls = [
        (None, MIKE_CELL, Direction.IN, 2 * d + 15 * m, Outcome.MISSED, "MIKE CELL"),
        (None, MIKE_CELL, Direction.IN, 3 * 60 * m, Outcome.MISSED, "MIKE CELL"),
        (None, "+12125550190", Direction.IN, 9 * d, Outcome.MISSED, "MIKHAIL O"),
        (None, "+12065550123", Direction.IN, 30 * m, Outcome.MISSED, "NORTHWIND HLTH"),
        (None, "+13125550199", Direction.IN, 80 * m, Outcome.MISSED, ""),
        (None, None, Direction.IN, 50 * m, Outcome.MISSED, ""),  # withheld: never listed
    ]
    for i, (cid, number, direction, ago, outcome, name) in enumerate(calls):
        attempt = Attempt(direction, now - ago, outcome, number_e164=number, caller_name=name)
        store.record_call(cid, attempt, "demo", f"demo:{i}")


def pump(seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        QCoreApplication.processEvents()
        time.sleep(0.01)


def grab(app: QApplication, window: QWidget, path: Path) -> QImage:
    frame = window.frameGeometry()
    image = app.primaryScreen().grabWindow(
        0, frame.x(), frame.y(), frame.width(), frame.height()
    ).toImage()
    image.save(str(path))
    return image


def colours(image: QImage) -> int:
    return len({image.pixel(x, y) for x in range(0, image.width(), 4)
                for y in range(0, image.height(), 4)})  # fmt: skip


def main() -> int:
    out = Path(sys.argv[1])
    prefix = sys.argv[2] if len(sys.argv) > 2 else "calls"
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(Path(folder) / "callercard.sqlite3")
        now = datetime.now().astimezone()
        fill(store)
        log_week(store, now)
        callbacks = CallbacksWindow(lambda: load_callbacks(store, now, BusinessHours(), "24h"))
        callbacks.resize(820, 420)
        callbacks.move(30, 30)
        callbacks.open()
        pump(0.6)
        callbacks_shot = grab(app, callbacks, out / f"{prefix}-callbacks.png")
        waiting = callbacks.table.topLevelItem(0)
        callbacks_rows = [[waiting.child(i).text(c) for c in range(4)]
                          for i in range(waiting.childCount())] if waiting else []  # fmt: skip
        callbacks.close()

        search = SearchWindow(lambda q: search_people(store, q, now=now),
                              calls=lambda q, hits: search_calls(store, q, hits, now=now))
        search.move(30, 30)
        search.open("mike")
        pump(0.6)
        search_shot = grab(app, search, out / f"{prefix}-search.png")
        report = {
            "platform": app.platformName(),
            "callbacks_rows": callbacks_rows,
            "callbacks_colours": colours(callbacks_shot),
            "people": len(search.result_ids()),
            "calls_heading": search.calls_heading(),
            "calls": search.call_rows(),
            "search_colours": colours(search_shot),
            "call_button": search.call.isVisible(),
        }
        search.close()
        store.close()
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

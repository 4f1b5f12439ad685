"""The Callbacks view on a real X display: a screenshot to look at.

Run by tests/qt/test_callbacks_window.py in a child process (DISPLAY set, QT_QPA_PLATFORM=xcb):

    python -m tests.qt.show_callbacks_demo OUT_DIR

Fills a throw-away book with a rep's week (a missed call, voicemails left, a promised window,
one that passed), shows the window and saves OUT_DIR/callbacks.png grabbed from the X server.
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
from PySide6.QtWidgets import QApplication

from desktop.adapters.callbacks import load_callbacks
from desktop.adapters.store import NewContact, Store
from desktop.core.business_hours import BusinessHours
from desktop.core.models import Attempt, Direction, Outcome, StoredNumber
from desktop.qt.callbacks_window import CallbacksWindow


def fill_book(store: Store, now: datetime) -> None:
    """A rep's week: who waits for whom, a window ahead and one that went by."""
    h, d = timedelta(hours=1), timedelta(days=1)

    def person(name: str, company: str, number: str) -> int:
        return store.add_contact(NewContact(name, company=company,
                                            numbers=(StoredNumber(number, number),)))  # fmt: skip

    Window = tuple[datetime, datetime]

    def call(cid: int, number: str, direction: Direction, ago: timedelta, outcome: Outcome,
             message: str = "", window: Window | None = None) -> None:  # fmt: skip
        attempt = Attempt(direction, now - ago, outcome, message, number_e164=number)
        key = f"demo:{number}@{int(attempt.at.timestamp())}"
        attempt_id = store.record_call(cid, attempt, "demo", key)
        assert attempt_id is not None
        if window is not None:
            store.save_wrap_up(attempt_id, outcome, message, "", window)

    dana = person("Dana Whitfield", "Contoso", "+14155550100")
    call(dana, "+14155550100", Direction.IN, 40 * timedelta(minutes=1), Outcome.MISSED)
    yuki = person("Yuki Tanaka", "Sakura Trading", "+81312345678")
    call(yuki, "+81312345678", Direction.IN, 5 * h, Outcome.MISSED)
    mike = person("Mike Kowalski", "Harbor Freight Logistics", "+14155550142")
    call(mike, "+14155550142", Direction.OUT, 3 * d, Outcome.VOICEMAIL,
         "Left my direct line; the freight-audit proposal")  # fmt: skip
    toll = person("Help desk <b>bold?</b>", "Acme (toll-free)", "+18005550199")
    call(toll, "+18005550199", Direction.OUT, 26 * h, Outcome.VOICEMAIL)
    anna = person("Anna Berg", "Nordic AB", "+46812345678")
    tomorrow = (now + d).replace(hour=9, minute=0, second=0, microsecond=0)
    call(anna, "+46812345678", Direction.OUT, 2 * h, Outcome.TALKED,
         window=(tomorrow, tomorrow + 3 * h))  # fmt: skip
    raj = person("Raj Patel", "Contoso", "+442079460958")
    yesterday = (now - d).replace(hour=14, minute=0, second=0, microsecond=0)
    call(raj, "+442079460958", Direction.OUT, 2 * d, Outcome.VOICEMAIL,
         window=(yesterday, yesterday + 2 * h))  # fmt: skip


def pump(seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        QCoreApplication.processEvents()
        time.sleep(0.01)


def main() -> int:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(Path(folder) / "callercard.sqlite3")
        now = datetime.now().astimezone()
        fill_book(store, now)
        window = CallbacksWindow(lambda: load_callbacks(store, now, BusinessHours(), "24h"))
        window.resize(900, 460)
        window.move(40, 40)
        window.open()
        pump(0.8)
        frame = window.frameGeometry()
        grab = app.primaryScreen().grabWindow(
            0, frame.x(), frame.y(), frame.width(), frame.height()
        ).toImage()
        grab.save(str(out / "callbacks.png"))
        report = {
            "platform": app.platformName(),
            "visible": window.isVisible(),
            "rows": window.table.topLevelItemCount(),
            "status": window.status.text(),
            "grab_colours": len({grab.pixel(x, y) for x in range(0, grab.width(), 4)
                                 for y in range(0, grab.height(), 4)}),
        }  # fmt: skip
        window.close()
        store.close()
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Recent calls on a real X display, with unknown callers whose caller ID gave a name: a
screenshot to look at.

Run by tests/qt/test_caller_name_in_calls.py in a child process (DISPLAY set,
QT_QPA_PLATFORM=xcb):

    python -m tests.qt.show_recent_calls_demo OUT_DIR

Logs a morning's calls through the call history (a contact's, two unknown callers that gave a
name, one that gave none, a withheld one), shows the window and saves OUT_DIR/recent_calls.png
grabbed from the X server. Prints one JSON report.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication

from desktop.adapters.bundled import default_opener_templates
from desktop.adapters.call_history import CallHistory
from desktop.adapters.lookup import CallerLookup
from desktop.adapters.store import NewContact, Store
from desktop.core.dialects.end_of_call import history_event
from desktop.core.events import CallEvent, CallState
from desktop.core.models import Direction, StoredNumber
from desktop.core.numbers import NumberPolicy
from desktop.qt.call_list import CallList


def log_calls(store: Store, now: datetime) -> None:
    """A contact's call, unknown callers with and without a caller ID name, a withheld one."""
    store.add_contact(NewContact("Dana Whitfield", company="Contoso",
                                 numbers=(StoredNumber("+14155550100", "+14155550100"),)))
    history = CallHistory(store, CallerLookup(store, NumberPolicy("US"),
                                              default_opener_templates()))  # fmt: skip

    def call(number: str, name: str, minutes_ago: int, *, answered: bool) -> None:
        at = now - timedelta(minutes=minutes_ago)
        history.record(history_event(
            source="microsip", direction=Direction.IN, answered=answered, number=number,
            name=name, started=at, ended=at + timedelta(seconds=40), key=f"k{minutes_ago}",
            where="microsip.ini [Calls]"))  # fmt: skip

    call("+14155550100", "DANA W", 180, answered=True)
    call("+13125550178", "", 120, answered=False)
    call("Anonymous", "Anonymous", 95, answered=False)
    call("+14155550177", "MIKE CELL", 40, answered=False)
    # A hook's ring whose end never came (Jitsi), with the name the hook passed (--name).
    history.record(CallEvent("jitsi", Direction.IN, CallState.RINGING, "+12065550123",
                             "NORTHWIND HLTH", now - timedelta(minutes=5),
                             call_key="hook:+12065550123", hook=True))  # fmt: skip


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
        now = datetime.now(UTC).replace(second=0, microsecond=0)
        log_calls(store, now)
        window = CallList(store.calls)
        window.resize(680, 300)
        window.move(40, 40)
        window.open()
        pump(0.8)
        frame = window.frameGeometry()
        grab = app.primaryScreen().grabWindow(
            0, frame.x(), frame.y(), frame.width(), frame.height()
        ).toImage()
        grab.save(str(out / "recent_calls.png"))
        rows = []
        for i in range(window.table.topLevelItemCount()):
            item = window.table.topLevelItem(i)
            if item is not None:
                rows.append([item.text(c) for c in range(1, 5)])
        report = {"platform": app.platformName(), "visible": window.isVisible(), "rows": rows}
        window.close()
        store.close()
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

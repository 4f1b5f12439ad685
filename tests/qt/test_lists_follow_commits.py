"""Callbacks and Recent calls left open follow what is written meanwhile: a stranger called
back with `callercard log-call` in a terminal leaves Callbacks (it stayed until the window was
reopened), and a call that rings while Recent calls is open is listed in it (it was not)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pytestqt.qtbot import QtBot

from desktop.core.ipc import End, EndOutcome, Ring
from desktop.core.models import Attempt, Direction, Outcome
from desktop.qt.call_list import CallList
from desktop.qt.callbacks_window import CallbacksWindow
from tests.qt.test_ring_pipeline import MIKE, Running, start_app  # noqa: F401 (fixture)

STRANGER = "+15035550177"  # in nobody's book


def _rows(window: CallbacksWindow) -> list[str]:
    """Who is under Waiting for us; a section with nobody in it has no heading."""
    for j in range(window.table.topLevelItemCount()):
        heading = window.table.topLevelItem(j)
        if heading is not None and heading.text(0).startswith("Waiting for us"):
            return [c.text(0) for i in range(heading.childCount()) if (c := heading.child(i))]
    return []


def test_a_stranger_called_back_from_a_terminal_leaves_the_open_window(
    qtbot: QtBot, start_app: Callable[..., Running]  # noqa: F811
) -> None:
    running = start_app()
    app = running.app
    at = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)
    missed = Attempt(Direction.IN, at, Outcome.MISSED, number_e164=STRANGER,
                     caller_name="PDX WIRELESS")  # fmt: skip
    assert app.store.record_call(None, missed, "zoiper", "k1") is not None
    app.open_callbacks()
    window = app.callbacks.window
    assert isinstance(window, CallbacksWindow)
    qtbot.waitUntil(window.isVisible)
    assert _rows(window) == ["PDX WIRELESS (caller ID)"]
    assert window.status.text() == "1 due"

    result = subprocess.run(
        [sys.executable, "-m", "desktop", "--data-dir", str(app.paths.data_dir), "--region",
         "US", "log-call", STRANGER, "--outcome", "talked", "--message", "a cab company"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    qtbot.waitUntil(lambda: _rows(window) == [], timeout=10_000)
    assert window.status.text() == "Nothing due"
    running.close()


def test_calls_made_while_recent_calls_is_open_are_listed_in_it(
    qtbot: QtBot, start_app: Callable[..., Running]  # noqa: F811
) -> None:
    running = start_app()
    app = running.app
    app.open_calls()
    window = app.windows.call_list
    assert isinstance(window, CallList)
    qtbot.waitUntil(window.isVisible)
    assert window.table.topLevelItemCount() == 0

    app.on_message(Ring(MIKE, "M KOWALSKI"))  # a hook's ring, missed: written by the writer
    app.on_message(End(caller_id=MIKE, outcome=EndOutcome.MISSED))
    qtbot.waitUntil(lambda: window.status.text() == "1 call · 1 missed", timeout=10_000)
    result = subprocess.run(
        [sys.executable, "-m", "desktop", "--data-dir", str(app.paths.data_dir), "--region",
         "US", "log-call", STRANGER, "--outcome", "voicemail"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    qtbot.waitUntil(lambda: window.table.topLevelItemCount() == 2, timeout=10_000)
    newest = window.table.topLevelItem(0)
    assert newest is not None and (newest.text(1), newest.text(3)) == ("Out", "+1 503-555-0177")
    # The rep was on Mike's missed call: the new row does not move them off it.
    current = window.table.currentItem()
    assert current is not None and (current.text(1), current.text(2)) == ("Missed",
                                                                          "Mike Kowalski")
    running.close()


def test_recent_calls_says_when_it_lists_only_the_newest(qtbot: QtBot, tmp_path: Path) -> None:
    """With 1,000 strangers' calls logged it said "200 calls · 198 missed", read as all."""
    from desktop.adapters.store import Store
    from desktop.adapters.store.calls import CALLS_LIMIT

    store = Store.open(tmp_path / "cc.sqlite3")
    now = datetime.now(UTC).replace(microsecond=0)
    with store.transaction():
        for i in range(CALLS_LIMIT + 3):
            outcome = Outcome.TALKED if i % 2 else Outcome.MISSED
            call = Attempt(Direction.IN, now - timedelta(minutes=i), outcome,
                           number_e164=f"+1415555{i:04d}")  # fmt: skip
            store.record_call(None, call, "test", f"k{i}")
    window = CallList(store.calls)
    qtbot.addWidget(window)
    window.open()
    assert window.status.text() == f"the newest {CALLS_LIMIT} calls · {CALLS_LIMIT // 2} missed"
    window.views.button(3).setChecked(True)  # Missed
    assert window.status.text() == (
        f"{CALLS_LIMIT // 2} of the newest {CALLS_LIMIT} calls · {CALLS_LIMIT // 2} missed")
    store.close()

"""Callbacks left open follows what other processes write: a stranger called back with
`callercard log-call` in a terminal leaves the list (it stayed until the window was reopened),
and the count with it."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from pytestqt.qtbot import QtBot

from desktop.core.models import Attempt, Direction, Outcome
from desktop.qt.callbacks_window import CallbacksWindow
from tests.qt.test_ring_pipeline import Running, start_app  # noqa: F401 (fixture)

STRANGER = "+15035550177"  # in nobody's book


def _rows(window: CallbacksWindow) -> list[str]:
    heading = window.table.topLevelItem(0)  # Waiting for us
    assert heading is not None
    return [c.text(0) for i in range(heading.childCount()) if (c := heading.child(i))]


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
    window = app._callbacks
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

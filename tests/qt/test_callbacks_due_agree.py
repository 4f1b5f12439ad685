"""The menu's "Callbacks (N due)" and the Callbacks window's "N due" say one number. The
window follows the clock (a promised window that ran out makes a follow-up due) and the menu
said the number of the last call or commit: "4 due" beside "Callbacks (3 due)"."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from desktop.qt.clock_tick import TICK_MS


def tick(window: QWidget) -> None:
    """What the half-minute clock does while `window` is shown, now."""
    [timer] = [t for t in window.findChildren(QTimer) if t.interval() == TICK_MS]
    assert timer.isActive(), "it ticks while shown"
    timer.timeout.emit()


def test_the_menu_says_what_the_callbacks_window_says_as_the_clock_runs(
    qtbot: QtBot, tmp_path: Path
) -> None:
    from desktop.adapters.instance_address import instance_address
    from desktop.adapters.paths import resolve_paths
    from desktop.adapters.store import NewContact
    from desktop.cli import build_parser
    from desktop.core.models import Attempt, Direction, Outcome, StoredNumber
    from desktop.qt.app import CallerCardApp
    from desktop.qt.callbacks_window import CallbacksWindow
    from desktop.qt.single_instance import SingleInstance

    args = build_parser().parse_args(
        ["--data-dir", str(tmp_path / "data"), "--background", "--region", "US"])
    paths = resolve_paths(args.data_dir)
    paths.ensure()
    instance = SingleInstance(instance_address(paths.data_dir))
    assert instance.acquire()
    app = CallerCardApp(args, paths, instance, demo=False)
    # A prospect we left a voicemail, told "I'm in until ...": a moment from now. Three
    # seconds, not one: the window must be open and read before the promise runs out, and
    # with `now` cut to the second one second left 0-1 s, less than a start under load takes.
    now = datetime.now(UTC).replace(microsecond=0)
    end = now + timedelta(seconds=3)
    number = "+14155550170"
    contact = app.store.add_contact(NewContact("Prospect", numbers=(StoredNumber(number, number),)))
    attempt = app.store.record_call(contact, Attempt(
        Direction.OUT, now - timedelta(hours=1), Outcome.VOICEMAIL, number_e164=number),
        "test", "k1")  # fmt: skip
    assert attempt is not None
    app.store.save_wrap_up(attempt, Outcome.VOICEMAIL, "", "", (now - timedelta(hours=1), end))
    menu = app.tray.fallback.callbacks
    try:
        app.start(None)
        app.tray.offer_window()  # no tray: the window with the menu
        app.open_callbacks()
        window = app.callbacks.window
        assert isinstance(window, CallbacksWindow)
        qtbot.waitUntil(lambda: menu.text() == "Callbacks…")
        assert window.status.text() == "Nothing due · waiting for 1"

        while time.time() < end.timestamp() + 1:  # the promised window is over: call them
            qtbot.wait(100)
        tick(window)
        assert window.status.text() == "1 due · waiting for 1"
        assert (menu.text(), app.tray.callbacks_action.text()) == ("Callbacks (1 due)…",) * 2

        # With the Callbacks window closed, the menu (always open here) follows the clock too.
        window.close()
        app.tray.set_callbacks_due(0)  # as it said before the window ran out
        tick(app.tray.fallback)
        assert menu.text() == "Callbacks (1 due)…"
    finally:
        app.tray.fallback.close()
        app.shutdown()
        instance.release()

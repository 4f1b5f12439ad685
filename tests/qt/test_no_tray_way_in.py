"""A login start (--background) on a desktop without a tray keeps quiet; launching CallerCard
again must then give the rep its menu window, not only Search."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.core.ipc import Show
from tests.conftest import PYTHON, REPO, private_x_server, python_env

MENU_WINDOW_ON_SCREEN = """
import json
from PySide6.QtCore import QPoint
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPushButton
from desktop.qt.icons import app_icon
from desktop.qt.tray import TrayMenu

app = QApplication([])
menu = TrayMenu(app_icon(), False)
menu.set_callbacks_due(12)
window = menu.fallback
window.show()
QTest.qWait(200)
screen = window.screen().availableGeometry()
off = [b.text() for b in window.findChildren(QPushButton)
       if b.isVisible() and b.mapToGlobal(QPoint(b.width(), 0)).x() > screen.right() + 1]
print(json.dumps({"off_screen": off, "screen_width": screen.width()}))
"""


def test_launching_again_without_a_tray_brings_the_menu_window(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """The log said "keeping the CallerCard window" while none was ever shown: Settings,
    Import and Quit were out of reach after a login start."""
    from desktop.adapters.instance_address import instance_address
    from desktop.adapters.paths import resolve_paths
    from desktop.cli import build_parser
    from desktop.qt.app import CallerCardApp
    from desktop.qt.single_instance import SingleInstance

    args = build_parser().parse_args(["--data-dir", str(tmp_path / "data"), "--background"])
    paths = resolve_paths(args.data_dir)
    paths.ensure()
    instance = SingleInstance(instance_address(paths.data_dir))
    assert instance.acquire()
    app = CallerCardApp(args, paths, instance, demo=False)
    try:
        app.start(None)
        assert not app.tray.has_tray, "offscreen has no tray host"
        assert not app.tray.fallback.isVisible(), "a login start keeps quiet"
        app.on_message(Show())  # what a second launch sends
        assert app.tray.fallback.isVisible()
        qtbot.wait(200)  # start()'s first count of callbacks, before the store closes
    finally:
        for window in (app.windows.search_window, app.tray.fallback):
            if window is not None:
                window.close()
        app.shutdown()
        instance.release()


@pytest.mark.xvfb
def test_the_menu_window_fits_a_small_screen_at_2x() -> None:
    """At 2× on a 1024×600 screen the one row of eight buttons ran past the right edge:
    Settings, Getting started and Quit could not be clicked."""
    with private_x_server("1024x600x24") as display:
        done = subprocess.run([PYTHON, "-c", MENU_WINDOW_ON_SCREEN], cwd=REPO,
                              capture_output=True, text=True, timeout=60, check=False,
                              env=python_env(DISPLAY=display, QT_QPA_PLATFORM="xcb",
                                             QT_SCALE_FACTOR="2"))  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.splitlines()[-1])
    assert report["screen_width"] == 512
    assert report["off_screen"] == []


def test_the_no_tray_windows_callbacks_due_follows_calls_logged_elsewhere(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """The tray counts callbacks as its menu opens; the no-tray window's menu is always open,
    and it went on saying "Callbacks (1 due)" after the rep called back from a terminal."""
    from datetime import UTC, datetime, timedelta

    from desktop.adapters.instance_address import instance_address
    from desktop.adapters.paths import resolve_paths
    from desktop.adapters.store import NewContact, Store
    from desktop.cli import build_parser
    from desktop.core.models import Attempt, Direction, Outcome, StoredNumber
    from desktop.qt.app import CallerCardApp
    from desktop.qt.single_instance import SingleInstance

    args = build_parser().parse_args(["--data-dir", str(tmp_path / "data")])
    paths = resolve_paths(args.data_dir)
    paths.ensure()
    instance = SingleInstance(instance_address(paths.data_dir))
    assert instance.acquire()
    app = CallerCardApp(args, paths, instance, demo=False)
    elsewhere = Store.open(paths.database)  # a terminal's callercard, a hook
    try:
        app.start(None)
        button = app.tray.fallback.callbacks
        assert app.tray.fallback.isVisible()
        qtbot.waitUntil(lambda: button.text() == "Callbacks…")
        number = "+14155550142"
        maya = elsewhere.add_contact(NewContact("Maya", numbers=(StoredNumber(number, number),)))
        missed = Attempt(Direction.IN, datetime.now(UTC) - timedelta(minutes=5), Outcome.MISSED,
                         number_e164=number)  # fmt: skip
        assert elsewhere.record_call(maya, missed, "hook", "hook:1") is not None
        qtbot.waitUntil(lambda: button.text() == "Callbacks (1 due)…")
        elsewhere.add_attempt(maya, Attempt(Direction.OUT, datetime.now(UTC), Outcome.TALKED,
                                            number_e164=number))  # fmt: skip
        qtbot.waitUntil(lambda: button.text() == "Callbacks…")
    finally:
        elsewhere.close()
        app.tray.fallback.close()
        app.shutdown()
        instance.release()


def test_the_menu_window_keeps_its_rows_together_when_a_line_goes(qtbot: QtBot) -> None:
    """"Open waiting wrap-ups" showed, grew the window, then went once the wrap-up opened:
    the spare height spread between the rows (a blank band under the title, the buttons
    apart) instead of staying below them."""
    from desktop.qt.icons import app_icon
    from desktop.qt.tray import TrayMenu

    menu = TrayMenu(app_icon(), paused=False)
    window = menu.fallback
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    first_row = window.callbacks.geometry().top()
    menu.set_wrap_ups_waiting(1)
    window.resize(window.width(), window.height() + 80)  # as it grew for the line
    menu.set_wrap_ups_waiting(0)
    QApplication.processEvents()
    assert window.callbacks.geometry().top() == first_row
    menu.hide()


def test_the_menu_window_told_things_while_hidden_shows_them_whole(qtbot: QtBot) -> None:
    """Paused and redacting before the window was ever shown (start-up no longer lays a hidden
    window out): once shown, the paused line and the screen-share note are all there, the
    intro and the buttons unsquashed."""
    from desktop.qt.icons import app_icon
    from desktop.qt.tray import TrayMenu

    menu = TrayMenu(app_icon(), paused=True)
    menu.set_paused(True, "Popups paused until 15:42 (click to resume)")
    menu.set_screen_share(True, "Do Not Disturb is on: cards show the company only")
    window = menu.fallback
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    layout = window.layout()
    assert layout is not None
    assert window.height() >= layout.totalHeightForWidth(window.width())
    for line in (window.paused_label, window.screen_share_note, window.status):
        assert line.geometry().bottom() <= window.height()
    assert window.paused_label.isVisible() and window.screen_share_note.isVisible()
    menu.hide()


def test_calls_missed_while_closed_are_said_beside_the_callbacks_button(qtbot: QtBot) -> None:
    """No tray to show the message in (nor to click it): the menu window says it, with
    Callbacks a click away, and the app sends it to the desktop's notifications too."""
    from desktop.core.missed_while_closed import missed_while_closed_text
    from desktop.qt.icons import app_icon
    from desktop.qt.tray import TrayMenu

    menu = TrayMenu(app_icon(), paused=False)
    window = menu.fallback
    qtbot.addWidget(window)
    opened: list[bool] = []
    menu.callbacks_requested.connect(lambda: opened.append(True))
    said = missed_while_closed_text(3)
    assert menu.tell_opening_callbacks("CallerCard", said) is False  # the app notifies too
    # Nothing there to click but the Callbacks button beside it.
    assert window.status.text().endswith(f"{said}: they wait in Callbacks.")
    window.show()
    qtbot.waitExposed(window)
    window.callbacks.click()
    assert opened == [True]
    menu.hide()

"""Wrap-ups kept off a shared screen (desktop/qt/wrap_up_gate.py): excluded from captures
like the cards on Windows and macOS; on Linux, while cards are redacted, held back (told
without a name), opened when the protection ends or when the rep asks from the tray.

The last test runs the real app with Do Not Disturb on a private session bus, a real
`callercard ring` / `end` hook pair for an answered call, and reads its --trace file."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.core.models import Attempt, Contact, Direction, Outcome
from desktop.core.redaction import Protection
from desktop.qt.capture_exclusion import WDA_EXCLUDEFROMCAPTURE, NoExclusion, WindowsDisplayAffinity
from desktop.qt.icons import app_icon
from desktop.qt.popup_stack import PopupStack
from desktop.qt.screen_share import ScreenShareGuard
from desktop.qt.tray import TrayMenu
from desktop.qt.wrap_up import WrapUp
from desktop.qt.wrap_up_gate import WAITING_TEXT, WrapUpGate
from tests.adapters.test_do_not_disturb import NotificationDaemon
from tests.qt.test_app_e2e import RunningApp
from tests.qt.test_screen_share import AffinityRecorder

pytestmark = pytest.mark.qt_log_ignore(
    r"This plugin does not support (raise|propagateSizeHints)\(\)"
)

NOW = datetime.now(UTC)
DANA = Contact(id=7, name="Dana Whitfield", company="Harbor Freight Lines")


@pytest.fixture
def stack(qapp: QApplication) -> Iterator[PopupStack]:
    popups = PopupStack(prebuilt=1, max_cards=2)
    yield popups
    popups.dismiss_all()
    for card in [*popups._pool, popups.more_entry()]:
        card.close()
        card.deleteLater()
    QApplication.sendPostedEvents()


class Opened:
    """The app's side: wrap-ups by attempt id, opened as open_wrap_up(asked=True) does."""

    def __init__(self, qtbot: QtBot) -> None:
        self.qtbot = qtbot
        self.windows: dict[int, WrapUp] = {}
        self.asked: list[int] = []
        self.told: list[str] = []

    def build(self, attempt_id: int) -> WrapUp:
        attempt = Attempt(Direction.IN, NOW - timedelta(minutes=3), Outcome.TALKED,
                          number_e164="+14155550142")  # fmt: skip
        window = WrapUp(attempt_id, DANA, attempt, now=NOW)
        self.qtbot.addWidget(window)
        return window

    def open(self, attempt_id: int) -> None:
        self.asked.append(attempt_id)
        window = self.build(attempt_id)
        window.reveal()
        self.windows[attempt_id] = window

    def gate(self, guard: ScreenShareGuard) -> WrapUpGate:
        return WrapUpGate(guard, self.open, lambda: self.windows, self.told.append)

    def offer(self, gate: WrapUpGate, attempt_id: int) -> WrapUp | None:
        """What open_wrap_up does for a call that just ended."""
        window = self.build(attempt_id)
        if not gate.admit(attempt_id, window):
            return None
        window.reveal()
        self.windows[attempt_id] = window
        return window


def test_on_linux_a_wrap_up_waits_while_cards_are_redacted_and_opens_when_it_ends(
    qtbot: QtBot, stack: PopupStack
) -> None:
    guard = ScreenShareGuard(stack, NoExclusion(), keep_out=True)
    opened = Opened(qtbot)
    gate = opened.gate(guard)
    assert guard.protection() is Protection.REDACTED
    assert opened.offer(gate, 41) is None, "nothing pops up on the shared screen"
    assert opened.offer(gate, 42) is None
    assert gate.waiting() == [41, 42]
    assert opened.told == [WAITING_TEXT], "told once, and never who it was"
    assert "Dana" not in WAITING_TEXT
    guard.set_keep_out(False)  # the presentation is over
    assert gate.waiting() == [] and opened.asked == [41, 42]
    assert all(w.isVisible() for w in opened.windows.values())


def test_the_rep_can_open_waiting_wrap_ups_from_the_tray_while_still_protected(
    qtbot: QtBot, stack: PopupStack
) -> None:
    guard = ScreenShareGuard(stack, NoExclusion(), keep_out=True)
    opened = Opened(qtbot)
    gate = opened.gate(guard)
    menu = TrayMenu(app_icon(), paused=False)
    qtbot.addWidget(menu.fallback)
    gate.waiting_changed.connect(menu.set_wrap_ups_waiting)
    menu.wrap_ups_requested.connect(gate.open_waiting)
    assert not menu.wrap_ups_action.isVisible()
    opened.offer(gate, 41)
    assert menu.wrap_ups_action.isVisible()
    assert menu.wrap_ups_action.text() == "Open waiting wrap-ups (1)"
    assert menu.fallback.wrap_ups.text() == "Open waiting wrap-ups (1)"
    menu.wrap_ups_action.trigger()
    assert opened.asked == [41] and opened.windows[41].isVisible()
    assert not menu.wrap_ups_action.isVisible()
    menu.hide()



def test_the_tray_window_stops_saying_a_wrap_up_waits_once_it_has_opened(
    qtbot: QtBot, stack: PopupStack
) -> None:
    """Without a tray, "A wrap-up is waiting" stays in the window until it is over: the
    protection ends (or the rep opens it from the menu) and the wrap-up is on screen."""
    guard = ScreenShareGuard(stack, NoExclusion(), keep_out=True)
    opened = Opened(qtbot)
    menu = TrayMenu(app_icon(), paused=False)
    qtbot.addWidget(menu.fallback)
    gate = WrapUpGate(guard, opened.open, lambda: opened.windows,
                      lambda text: menu.notify("CallerCard", text),
                      over=menu.problem_over)  # fmt: skip
    opened.offer(gate, 41)
    assert menu.fallback.status.text().endswith(WAITING_TEXT)
    guard.set_keep_out(False)
    assert opened.windows[41].isVisible()
    assert menu.fallback.status.text() == ""
    guard.set_keep_out(True)
    opened.offer(gate, 42)
    assert menu.fallback.status.text().endswith(WAITING_TEXT)
    gate.open_waiting()  # "Open waiting wrap-ups" while still protected
    assert menu.fallback.status.text() == ""
    menu.hide()

def test_an_untouched_open_wrap_up_steps_aside_when_a_share_starts_one_in_use_stays(
    qtbot: QtBot, stack: PopupStack
) -> None:
    guard = ScreenShareGuard(stack, NoExclusion(), keep_out=False)
    opened = Opened(qtbot)
    gate = opened.gate(guard)
    idle = opened.offer(gate, 41)
    typing = opened.offer(gate, 42)
    assert idle is not None and typing is not None
    qtbot.mouseClick(typing.message, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    assert typing.accepts_focus()
    guard.set_do_not_disturb(True)  # KDE turns it on as the share starts
    assert not idle.isVisible() and typing.isVisible()
    assert gate.waiting() == [41]
    guard.set_do_not_disturb(False)
    assert idle.isVisible() and gate.waiting() == []
    assert opened.asked == [], "the same window comes back, with what it held"


def test_on_windows_the_wrap_up_is_excluded_from_captures_like_the_cards(
    qtbot: QtBot, stack: PopupStack
) -> None:
    recorder = AffinityRecorder()
    guard = ScreenShareGuard(stack, WindowsDisplayAffinity(recorder), keep_out=True)
    opened = Opened(qtbot)
    gate = opened.gate(guard)
    window = opened.offer(gate, 41)
    assert window is not None and window.isVisible()
    assert (int(window.winId()), WDA_EXCLUDEFROMCAPTURE) in recorder.calls
    assert gate.waiting() == [] and opened.told == []


def test_a_windows_that_refuses_to_exclude_the_wrap_up_holds_it(
    qtbot: QtBot, stack: PopupStack
) -> None:
    recorder = AffinityRecorder()
    guard = ScreenShareGuard(stack, WindowsDisplayAffinity(recorder), keep_out=True)
    recorder.succeeds = False
    opened = Opened(qtbot)
    gate = opened.gate(guard)
    assert opened.offer(gate, 41) is None
    assert guard.protection() is Protection.REDACTED and gate.waiting() == [41]


def test_the_app_holds_the_wrap_up_of_an_answered_call_during_do_not_disturb(
    tmp_path: Path, session_bus: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    daemon = NotificationDaemon(session_bus, inhibited=True)
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", session_bus)
    monkeypatch.setenv("XDG_CURRENT_DESKTOP", "KDE")
    app = RunningApp(tmp_path)
    try:
        app.wait_for(lambda r: r["stage"] == "screen_share" and r["protection"] == "redacted",
                     "Do Not Disturb, read")  # fmt: skip
        mike = "+14155550142"  # in the demo book
        for args in (("ring", mike), ("end", mike, "--answered")):
            assert app.cli(*args).returncode == 0
        recorded = app.wait_for(lambda r: r["stage"] == "recorded" and r["wrap_up"],
                                "the answered call, logged")  # fmt: skip
        waiting = app.wait_for(lambda r: r["stage"] == "wrap_ups_waiting", "the held wrap-up")
        assert waiting["waiting"] == 1
        assert not [r for r in app.records() if r["stage"] == "wrap_up_shown"]
        daemon.say("off")
        shown = app.wait_for(lambda r: r["stage"] == "wrap_up_shown", "the wrap-up, at last")
        assert shown["attempt"] == recorded["attempt"]
    finally:
        app.stop()
        daemon.stop()


def test_wrap_ups_owed_from_while_closed_wait_for_the_rep_not_for_the_screen(
    qtbot: QtBot, stack: PopupStack
) -> None:
    """h-rep6: a call taken that ended while CallerCard was closed had no wrap-up and nothing
    said one was owed. At the next start it waits in the menu, told once; nothing opens by
    itself (the protection ending opens only what it held), the rep's click opens it."""
    guard = ScreenShareGuard(stack, NoExclusion(), keep_out=True)
    opened = Opened(qtbot)
    gate = opened.gate(guard)
    counts: list[int] = []
    gate.waiting_changed.connect(counts.append)
    assert opened.offer(gate, 41) is None  # held off the shared screen

    gate.owe([50], "1 call you took ended while CallerCard was closed: …")
    gate.owe([50], "again")  # the same call again: nothing new to say
    assert gate.waiting() == [41, 50] and counts == [1, 2]
    assert opened.told == [WAITING_TEXT, "1 call you took ended while CallerCard was closed: …"]
    guard.set_keep_out(False)  # the share is over: only what it held opens
    assert opened.asked == [41] and gate.waiting() == [50] and counts[-1] == 1

    gate.open_waiting()  # the rep's Open waiting wrap-ups (1)
    assert opened.asked == [41, 50] and gate.waiting() == [] and counts[-1] == 0
    assert opened.windows[50].isVisible()

"""Presentation-safe cards: redacted on Linux while Do Not Disturb or the setting is on, kept
out of captures on Windows and macOS.

Linux is tested for real: a private session bus with a notification daemon in a child
process (tests/adapters/fake_notifications_daemon.py) that turns KDE's `Inhibited` on and
off. Windows and macOS cannot run here; their one OS call each is replaced by a recorder,
and the tests check what the code asks of the OS.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.adapters.do_not_disturb import NotificationsInhibited
from desktop.adapters.settings import Settings
from desktop.core.redaction import Protection, redact
from desktop.qt.capture_exclusion import (
    NS_WINDOW_SHARING_NONE,
    NS_WINDOW_SHARING_READ_ONLY,
    WDA_EXCLUDEFROMCAPTURE,
    WDA_NONE,
    MacSharingType,
    NoExclusion,
    WindowsDisplayAffinity,
    capture_exclusion_for,
)
from desktop.qt.icons import app_icon
from desktop.qt.popup import Popup
from desktop.qt.popup_stack import PopupStack
from desktop.qt.screen_share import ScreenShareGuard
from desktop.qt.settings_window import SettingsWindow
from desktop.qt.tray import TrayMenu
from tests.adapters.test_do_not_disturb import NotificationDaemon
from tests.conftest import PYTHON, REPO, python_env
from tests.qt.show_popup_demo import exact_card, switchboard_card, unknown_card
from tests.qt.test_app_e2e import RunningApp
from tests.qt.test_popup import full, label, shown, visible_texts

pytestmark = pytest.mark.qt_log_ignore(
    r"This plugin does not support (raise|propagateSizeHints)\(\)"
)

COMPANY = "Harbor Freight Logistics"
SHOTS = REPO / "artifacts" / "screenshots"


@pytest.fixture
def cold_stack(qapp: QApplication) -> Iterator[PopupStack]:
    """As the app builds it: its guard is set up before the cards are warmed up."""
    popups = PopupStack(prebuilt=2, max_cards=3)
    yield popups
    popups.dismiss_all()
    for card in [*popups._pool, popups.more_entry()]:
        card.close()
        card.deleteLater()
    QApplication.sendPostedEvents()


@pytest.fixture
def stack(cold_stack: PopupStack) -> PopupStack:
    cold_stack.warm_up()
    return cold_stack


def shows_whole(popup: Popup) -> bool:
    return full(popup, "name") == "Mike Kowalski" and label(popup, "opener").isVisible()


def shows_redacted(popup: Popup) -> bool:
    return visible_texts(popup) == ["Callback", COMPANY, "Dismiss"]


# ---- the redacted card ------------------------------------------------------------------------


def test_a_redacted_card_shows_the_company_and_callback_and_nothing_the_last_card_said(
    qtbot: QtBot,
) -> None:
    popup = Popup()
    qtbot.addWidget(popup)
    shown(popup, qtbot, switchboard_card())  # every row filled: people, story, opener
    shown(popup, qtbot, redact(exact_card()))
    assert visible_texts(popup) == ["Callback", COMPANY, "Dismiss"]
    assert popup.accessibleName() == f"Callback: {COMPANY}"
    shown(popup, qtbot, redact(unknown_card()))  # no company: the label, once
    assert visible_texts(popup) == ["Callback", "Dismiss"]
    assert full(popup, "name") == "Callback"
    shown(popup, qtbot, exact_card())  # and back: the whole card again
    assert label(popup, "tierChip").text() == "Exact number"
    assert shows_whole(popup)
    assert "Mike Kowalski" in visible_texts(popup)


# ---- Linux: Do Not Disturb from a real notification daemon -----------------------------------


def test_kde_do_not_disturb_redacts_the_card_on_screen_and_lifting_it_restores_it(
    qtbot: QtBot, stack: PopupStack, session_bus: str
) -> None:
    daemon = NotificationDaemon(session_bus)
    guard = ScreenShareGuard(stack, NoExclusion(), keep_out=False)
    try:
        popup = stack.show(exact_card(), "call-1")
        assert popup is not None and shows_whole(popup)
        guard.watch_do_not_disturb({}, lambda _env: NotificationsInhibited(session_bus))
        daemon.say("on")
        qtbot.waitUntil(lambda: shows_redacted(popup), timeout=5000)
        assert guard.protection() is Protection.REDACTED
        assert guard.describe() == "Do Not Disturb is on: cards show the company only"
        # A call that rings meanwhile is redacted from its first paint.
        second = stack.show(exact_card(), "call-2")
        assert second is not None and shows_redacted(second)
        daemon.say("off")
        # Two whole cards may not fit this screen: the older then waits in "+N more" (cards
        # never overlap), and comes back whole.
        qtbot.waitUntil(lambda: shows_whole(second)
                        and (shows_whole(popup) or stack.popup_for("call-1") is None),
                        timeout=5000)  # fmt: skip
        first = stack.bring_up("call-1")
        assert first is not None and shows_whole(first)
        assert guard.protection() is Protection.NONE
    finally:
        guard.close()
        daemon.stop()


def test_on_linux_the_setting_redacts_cards_whatever_do_not_disturb_says(
    qtbot: QtBot, stack: PopupStack
) -> None:
    guard = ScreenShareGuard(stack, NoExclusion(), keep_out=True)
    popup = stack.show(exact_card(), "call-1")
    assert popup is not None and shows_redacted(popup)
    assert guard.protection() is Protection.REDACTED
    assert guard.describe() == "Cards show the company only (Linux cannot hide windows)"
    guard.set_keep_out(False)
    assert shows_whole(popup)
    # Overflowing calls wait in "+N more", whose entries are redacted too.
    guard.set_keep_out(True)
    for i in range(2, 6):
        stack.show(switchboard_card(), f"call-{i}")
    assert stack.collapsed_count() > 0
    entries = [action.text() for action in stack.more_entry().menu().actions()]
    assert entries and all(text.startswith("Contoso Ltd · rang ") or
                           text.startswith(f"{COMPANY} · rang ") for text in entries)  # fmt: skip


# ---- Windows and macOS: what is asked of the OS -----------------------------------------------


class AffinityRecorder:
    def __init__(self, succeeds: bool = True) -> None:
        self.calls: list[tuple[int, int]] = []
        self.succeeds = succeeds

    def __call__(self, hwnd: int, affinity: int) -> bool:
        self.calls.append((hwnd, affinity))
        return self.succeeds


def test_on_windows_every_card_window_is_excluded_from_capture_and_the_card_stays_whole(
    qtbot: QtBot, cold_stack: PopupStack
) -> None:
    stack = cold_stack
    recorder = AffinityRecorder()
    guard = ScreenShareGuard(stack, WindowsDisplayAffinity(recorder), keep_out=False)
    guard.set_keep_out(True)
    assert recorder.calls == []  # no card window exists yet
    stack.warm_up()
    prebuilt = [int(p.winId()) for p in stack._pool]
    assert len(prebuilt) == 2
    assert recorder.calls == [(hwnd, WDA_EXCLUDEFROMCAPTURE) for hwnd in prebuilt]
    assert WDA_EXCLUDEFROMCAPTURE == 0x11
    # The pool grows in idle time; the card window built then is excluded before any use.
    qtbot.waitUntil(lambda: stack.built_count() == 3, timeout=3000)
    later = int(stack._pool[2].winId())
    assert recorder.calls[2:] == [(later, WDA_EXCLUDEFROMCAPTURE)]
    card = stack.show(exact_card(), "call-1")
    assert card is not None and shows_whole(card)
    assert guard.protection() is Protection.EXCLUDED
    recorder.calls.clear()
    guard.set_keep_out(False)
    assert recorder.calls == [(int(p.winId()), WDA_NONE) for p in stack._pool]


def test_on_windows_nothing_is_asked_of_the_os_until_the_rep_turns_it_on(
    qtbot: QtBot, stack: PopupStack
) -> None:
    recorder = AffinityRecorder()
    ScreenShareGuard(stack, WindowsDisplayAffinity(recorder), keep_out=False)
    stack.show(exact_card(), "call-1")
    assert recorder.calls == []


def test_a_windows_that_refuses_the_exclusion_gets_redacted_cards(
    qtbot: QtBot, stack: PopupStack
) -> None:
    guard = ScreenShareGuard(stack, WindowsDisplayAffinity(AffinityRecorder(succeeds=False)),
                             keep_out=True)  # fmt: skip
    popup = stack.show(exact_card(), "call-1")
    assert popup is not None and shows_redacted(popup)
    assert guard.protection() is Protection.REDACTED
    assert guard.describe() == "The system refused to hide cards: they show the company only"


class ObjcRecorder:
    """The Objective-C runtime as far as the code uses it: [view window], [window
    setSharingType:], [window sharingType]."""

    WINDOW_BASE = 0x7000_0000

    def __init__(self) -> None:
        self.calls: list[tuple[object, ...]] = []
        self.sharing: dict[int, int] = {}

    def __call__(self, receiver: int, selector: str, *args: int) -> int:
        self.calls.append((receiver, selector, *args))
        if selector == "window":
            return self.WINDOW_BASE + receiver % 0x1000_0000
        if selector == "setSharingType:":
            self.sharing[receiver] = args[0]
            return 0
        if selector == "sharingType":
            return self.sharing.get(receiver, NS_WINDOW_SHARING_READ_ONLY)
        raise AssertionError(f"unexpected selector {selector}")


def test_on_macos_each_card_windows_sharing_type_is_set_to_none(
    qtbot: QtBot, stack: PopupStack
) -> None:
    objc = ObjcRecorder()
    guard = ScreenShareGuard(stack, MacSharingType(objc), keep_out=True)
    first = stack._pool[0]
    view = int(first.winId())
    window = ObjcRecorder.WINDOW_BASE + view % 0x1000_0000
    assert objc.calls[:3] == [(view, "window"), (window, "setSharingType:", NS_WINDOW_SHARING_NONE),
                              (window, "sharingType")]  # fmt: skip
    assert len(objc.calls) == 3 * len(stack._pool)
    popup = stack.show(exact_card(), "call-1")
    assert popup is not None and shows_whole(popup)
    assert guard.protection() is Protection.EXCLUDED
    guard.set_keep_out(False)
    assert objc.sharing[window] == NS_WINDOW_SHARING_READ_ONLY


def test_the_platform_decides_which_os_call_is_used() -> None:
    assert isinstance(capture_exclusion_for("win32"), WindowsDisplayAffinity)
    assert isinstance(capture_exclusion_for("darwin"), MacSharingType)
    linux = capture_exclusion_for("linux")
    assert isinstance(linux, NoExclusion) and not linux.supported


# ---- the switch: tray and settings ----------------------------------------------------------


def test_the_tray_toggle_and_the_settings_checkbox(qtbot: QtBot) -> None:
    menu = TrayMenu(app_icon(), paused=False)
    qtbot.addWidget(menu.fallback)
    action = menu.screen_share_action
    assert action.isCheckable() and not action.isChecked()
    with qtbot.waitSignal(menu.screen_share_toggled) as blocker:
        action.trigger()
    assert blocker.args == [True]
    assert not menu.screen_share_note.isVisible()
    menu.set_screen_share(False, "Do Not Disturb is on: cards show the company only")
    assert not action.isChecked()
    assert menu.screen_share_note.isVisible() and not menu.screen_share_note.isEnabled()
    assert menu.screen_share_note.text() == "Do Not Disturb is on: cards show the company only"
    note = menu.fallback.screen_share_note
    assert note.text() == "Do Not Disturb is on: cards show the company only"
    assert not note.isHidden()
    menu.set_screen_share(True)
    assert action.isChecked() and not menu.screen_share_note.isVisible()
    # Without a tray, the fallback window has the same switch.
    assert menu.fallback.screen_share.isChecked()
    with qtbot.waitSignal(menu.screen_share_toggled) as blocker:
        menu.fallback.screen_share.click()
    assert blocker.args == [False]
    menu.hide()

    window = SettingsWindow(Settings(keep_out_of_screen_shares=True), {}, "US")
    qtbot.addWidget(window)
    assert window.keep_out_of_screen_shares.isChecked()
    window.keep_out_of_screen_shares.setChecked(False)
    assert window.current().keep_out_of_screen_shares is False
    saved = Settings.from_json(json.loads(json.dumps(
        Settings(keep_out_of_screen_shares=True).to_json())))  # fmt: skip
    assert saved.keep_out_of_screen_shares is True
    assert Settings.from_json({"version": 1}).keep_out_of_screen_shares is False


def test_the_app_follows_do_not_disturb_and_the_setting(
    tmp_path: Path, session_bus: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The running app: Do Not Disturb on the desktop's bus redacts its cards (traced)."""
    daemon = NotificationDaemon(session_bus, inhibited=True)
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", session_bus)
    monkeypatch.setenv("XDG_CURRENT_DESKTOP", "KDE")
    app = RunningApp(tmp_path)
    try:
        app.wait_for(lambda r: r["stage"] == "screen_share" and r["do_not_disturb"]
                     and r["protection"] == "redacted", "Do Not Disturb, read")  # fmt: skip
        daemon.say("off")
        app.wait_for(lambda r: r["stage"] == "screen_share" and not r["do_not_disturb"]
                     and r["protection"] == "none", "Do Not Disturb, lifted")  # fmt: skip
    finally:
        app.stop()
        daemon.stop()


def test_the_app_started_with_the_setting_on_redacts_from_the_first_card(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    data = tmp_path / "data"
    data.mkdir()
    (data / "settings.json").write_text(
        json.dumps({"version": 1, "keep_out_of_screen_shares": True})
    )
    app = RunningApp(tmp_path)
    try:
        app.wait_for(lambda r: r["stage"] == "ready", "the app to be ready")
        stages = [r["stage"] for r in app.records()]
        first = next(r for r in app.records() if r["stage"] == "screen_share")
        assert (first["protection"], first["do_not_disturb"]) == ("redacted", False)
        assert stages.index("screen_share") < stages.index("ready")  # before any ring
    finally:
        app.stop()


@pytest.mark.xvfb
def test_on_a_real_display_the_redacted_card_and_the_menu_are_drawn(xvfb_display: str) -> None:
    result = subprocess.run(
        [PYTHON, "-m", "tests.qt.show_screen_share_demo", str(SHOTS)],
        env=python_env(DISPLAY=xvfb_display, QT_QPA_PLATFORM="xcb"),
        cwd=REPO, capture_output=True, text=True, timeout=90, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["platform"] == "xcb"
    assert report["card_texts"] == ["Callback", COMPANY, "Dismiss"]
    assert report["card_colours"] > 10  # drawn, not a blank grab
    menu = report["menu"]
    at = menu.index("Keep cards out of screen shares")
    assert menu[at + 1] == "Do Not Disturb is on: cards show the company only"
    assert report["menu_checked"] is False
    assert report["menu_width"] < report["screen_width"]
    assert (SHOTS / "screen_share_card.png").stat().st_size > 2000

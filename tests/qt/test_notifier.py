"""When a card would be hidden, the user still hears of the call through the platform."""

from __future__ import annotations

import json
import logging
import subprocess
import threading
from pathlib import Path
from typing import Any

import pytest
from jeepney import HeaderFields, new_method_return
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection
from pytestqt.qtbot import QtBot

from desktop.qt.icons import app_icon
from desktop.qt.notifier import (
    Channel,
    DesktopNotifications,
    Notifier,
    PopupObstacles,
    windows_obstacle,
)
from desktop.qt.tray import TrayMenu
from tests.conftest import PYTHON, REPO, python_env

APP_ID = "io.callercard.CallerCard"


class FakeNotificationDaemon(threading.Thread):
    """Takes Notify calls only with the signature GLib-based daemons insist on."""

    def __init__(self, address: str) -> None:
        super().__init__(daemon=True)
        self.conn = open_dbus_connection(address)
        self.conn.send_and_get_reply(message_bus.RequestName("org.freedesktop.Notifications"))
        self.received: list[tuple[Any, ...]] = []
        self.got_one = threading.Event()

    def run(self) -> None:
        msg = self.conn.receive(timeout=30)
        while msg.header.fields.get(HeaderFields.member) != "Notify":
            msg = self.conn.receive(timeout=30)
        assert msg.header.fields[HeaderFields.signature] == "susssasa{sv}i"
        self.received.append(msg.body)
        self.conn.send(new_method_return(msg, "u", (42,)))
        self.got_one.set()
        self.conn.close()


def tray_menu(qtbot: QtBot) -> TrayMenu:
    menu = TrayMenu(app_icon(), paused=False)
    qtbot.addWidget(menu.fallback)
    return menu


def test_without_tray_or_session_bus_the_call_is_logged_and_nothing_crashes(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    caplog.set_level(logging.INFO)
    menu = tray_menu(qtbot)
    notifier = Notifier(menu.tray, in_thread=False)
    assert notifier.notify("Mike Kowalski", "Why we called: pricing") is Channel.LOG
    assert "notifier: using the log only (no system tray; D-Bus: cannot reach" in caplog.text
    assert "notification: Mike Kowalski: Why we called: pricing" in caplog.text
    menu.hide()


def test_a_session_without_a_notification_daemon_falls_back_to_the_log(
    qtbot: QtBot, session_bus: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    notifier = Notifier(None, DesktopNotifications(session_bus), in_thread=False)
    assert notifier.notify("Mike Kowalski", "ringing") is Channel.LOG
    assert "no notification daemon on the session bus" in caplog.text


def test_with_a_notification_daemon_the_call_is_announced_as_plain_text(
    qtbot: QtBot, session_bus: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    daemon = FakeNotificationDaemon(session_bus)
    daemon.start()
    notifier = Notifier(None, DesktopNotifications(session_bus), in_thread=False)
    channel = notifier.notify("<b>Mike</b> & Co", "Why we called: <i>pricing</i>")
    assert channel is Channel.DBUS
    assert daemon.got_one.wait(10)
    [(app, replaces, icon, title, body, actions, hints, timeout)] = daemon.received
    assert (app, replaces, icon, actions, timeout) == ("CallerCard", 0, APP_ID, [], -1)
    assert title == "<b>Mike</b> & Co"  # summaries are never markup
    assert body == "Why we called: &lt;i&gt;pricing&lt;/i&gt;"  # bodies may be: escaped
    assert hints["desktop-entry"] == ("s", APP_ID)
    assert "notifier: using a desktop notification (org.freedesktop.Notifications)" in caplog.text


def test_the_choice_is_logged_once_until_it_changes(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    caplog.set_level(logging.INFO, logger="desktop.qt.notifier")
    notifier = Notifier(None, in_thread=False)
    for _ in range(3):
        notifier.notify("a", "b")
    assert caplog.text.count("notifier: using") == 1


def test_in_a_thread_the_gui_is_not_held_up_and_the_fallback_is_still_logged(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    caplog.set_level(logging.INFO)
    Notifier(None).notify("Mike", "ringing")
    qtbot.waitUntil(lambda: "notification: Mike: ringing" in caplog.text, timeout=5000)


def test_windows_says_when_it_holds_notifications_back() -> None:
    assert windows_obstacle(2) == "a full-screen application is in front"
    assert windows_obstacle(3) == "a full-screen Direct3D application is running"
    assert windows_obstacle(4) == "presentation mode is on"
    assert windows_obstacle(5) == ""  # QUNS_ACCEPTS_NOTIFICATIONS
    assert PopupObstacles("windows", windows_state=lambda: 2).check() == (
        "a full-screen application is in front"
    )


def test_offscreen_nothing_is_in_the_way(qtbot: QtBot) -> None:
    assert PopupObstacles("offscreen").check() == ""


FULLSCREEN_CHILD = """
import json, sys
from PySide6.QtWidgets import QApplication, QWidget
from desktop.qt.notifier import PopupObstacles

app = QApplication(sys.argv[:1])
obstacles = PopupObstacles(app.platformName())
report = {"platform": app.platformName(), "before": obstacles.check()}

def wait(condition):
    for _ in range(300):
        app.processEvents()
        if condition():
            return True
        import time; time.sleep(0.01)
    return False

game = QWidget()
game.setWindowTitle("a full-screen game")
game.showFullScreen()
report["fullscreen_seen"] = wait(lambda: obstacles.check() != "")
report["during"] = obstacles.check()
game.showNormal()
report["normal_seen"] = wait(lambda: obstacles.check() == "")
report["after"] = obstacles.check()
game.close()
obstacles.close()
print(json.dumps(report))
"""


@pytest.mark.xvfb
def test_a_full_screen_window_in_front_is_noticed_on_x11(
    desktop_with_wm: str, tmp_path: Path
) -> None:
    script = tmp_path / "fullscreen_child.py"
    script.write_text(FULLSCREEN_CHILD, encoding="utf-8")
    result = subprocess.run(
        [PYTHON, str(script)], cwd=REPO, capture_output=True, text=True, timeout=60,
        env=python_env(DISPLAY=desktop_with_wm, QT_QPA_PLATFORM="xcb"),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report == {
        "platform": "xcb",
        "before": "",
        "fullscreen_seen": True,
        "during": "a full-screen window is in front",
        "normal_seen": True,
        "after": "",
    }

"""Do Not Disturb as each Linux desktop keeps it, followed for real: a private session bus
with a notification daemon in a child process (KDE), gsettings with its keyfile backend
(GNOME)."""

from __future__ import annotations

import queue
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.adapters.do_not_disturb import (
    GNOME_KEY,
    GNOME_SCHEMA,
    MonitoredSetting,
    NotificationsInhibited,
    choose_watcher,
    gnome_banners,
)
from tests.conftest import PYTHON, stop_process

DAEMON = Path(__file__).with_name("fake_notifications_daemon.py")
WAIT_S = 10


class NotificationDaemon:
    """The fake daemon's child process, driven through its stdin."""

    def __init__(self, bus: str, inhibited: bool = False) -> None:
        self.proc = subprocess.Popen(
            [PYTHON, str(DAEMON), bus, "on" if inhibited else "off"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert self.read() == "ready"

    def read(self) -> str:
        assert self.proc.stdout is not None
        return self.proc.stdout.readline().strip()

    def say(self, command: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        assert self.read() == "done"

    def stop(self) -> None:
        stop_process(self.proc)
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None:
                pipe.close()


@pytest.fixture
def daemon(session_bus: str) -> Iterator[NotificationDaemon]:
    started = NotificationDaemon(session_bus)
    yield started
    started.stop()


class Reports:
    def __init__(self) -> None:
        self._queue: queue.Queue[bool] = queue.Queue()

    def __call__(self, on: bool) -> None:
        self._queue.put(on)

    def next(self) -> bool:
        return self._queue.get(timeout=WAIT_S)

    def none_pending(self) -> bool:
        return self._queue.empty()


def test_kde_do_not_disturb_is_followed_as_plasma_announces_it(
    session_bus: str, daemon: NotificationDaemon
) -> None:
    watcher = NotificationsInhibited(session_bus)
    reports = Reports()
    watcher.start(reports)
    try:
        assert reports.next() is False  # read at start
        daemon.say("on")
        assert reports.next() is True
        daemon.say("off")
        assert reports.next() is False
        # A daemon may announce only that the value changed: it is read again.
        daemon.say("invalidate on")
        assert reports.next() is True
    finally:
        watcher.stop()


def test_a_notification_daemon_that_goes_away_lifts_do_not_disturb_and_a_new_one_is_read(
    session_bus: str,
) -> None:
    first = NotificationDaemon(session_bus, inhibited=True)
    watcher = NotificationsInhibited(session_bus)
    reports = Reports()
    watcher.start(reports)
    try:
        assert reports.next() is True
        first.stop()
        assert reports.next() is False
        second = NotificationDaemon(session_bus, inhibited=True)
        try:
            assert reports.next() is True
        finally:
            second.stop()
    finally:
        watcher.stop()


def test_without_a_notification_daemon_or_a_bus_do_not_disturb_is_off(
    session_bus: str, tmp_path: Path
) -> None:
    reports = Reports()
    watcher = NotificationsInhibited(session_bus)
    watcher.start(reports)
    assert reports.next() is False
    watcher.stop()
    unreachable = NotificationsInhibited(f"unix:path={tmp_path}/no-bus")
    unreachable.start(reports)
    assert reports.next() is False
    unreachable.stop()


def test_stopping_the_watcher_ends_its_thread(session_bus: str, daemon: NotificationDaemon) -> None:
    watcher = NotificationsInhibited(session_bus)
    reports = Reports()
    watcher.start(reports)
    assert reports.next() is False
    watcher.stop()
    assert watcher._thread is not None and not watcher._thread.is_alive()
    daemon.say("on")  # after stop, nothing more is reported
    assert reports.none_pending()


@pytest.fixture
def gsettings(monkeypatch: pytest.MonkeyPatch) -> str:
    tool = shutil.which("gsettings")
    if tool is None:
        pytest.fail("gsettings is missing; scripts/bootstrap installs libglib2.0-bin")
    # The keyfile backend stores under XDG_CONFIG_HOME (the test's own) and tells other
    # processes of changes through the file, as dconf does on a desktop.
    monkeypatch.setenv("GSETTINGS_BACKEND", "keyfile")
    return tool


def _set_banners(tool: str, shown: bool) -> None:
    subprocess.run([tool, "set", GNOME_SCHEMA, GNOME_KEY, "true" if shown else "false"],
                   check=True)  # fmt: skip


def test_gnome_do_not_disturb_is_followed_through_show_banners(gsettings: str) -> None:
    watcher = gnome_banners(gsettings)
    reports = Reports()
    watcher.start(reports)
    try:
        assert reports.next() is False  # banners shown: DND off
        _set_banners(gsettings, False)
        assert reports.next() is True
        _set_banners(gsettings, True)
        assert reports.next() is False
    finally:
        watcher.stop()


def test_a_desktop_tool_that_is_not_there_means_off(tmp_path: Path) -> None:
    missing = str(tmp_path / "xfconf-query")
    watcher = MonitoredSetting("Xfce", [missing], [missing, "-m"], lambda text: text == "true")
    reports = Reports()
    watcher.start(reports)
    assert reports.next() is False
    watcher.stop()


@pytest.mark.parametrize(
    ("desktop", "chosen"),
    [
        ("ubuntu:GNOME", "GNOME show-banners (gsettings)"),
        ("KDE", "org.freedesktop.Notifications Inhibited (KDE)"),
        ("", "org.freedesktop.Notifications Inhibited (KDE)"),
    ],
)
def test_the_watcher_follows_the_desktop_in_use(
    desktop: str, chosen: str, gsettings: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO")
    watcher = choose_watcher({"XDG_CURRENT_DESKTOP": desktop})
    assert watcher.name == chosen
    assert f"following {chosen}" in caplog.text

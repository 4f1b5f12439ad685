"""A second `callercard` with the app already running hands over to it before Qt starts, so
it needs no display of its own: from a terminal without one it used to abort in QApplication
("could not connect to display") instead of bringing up the running app's Search window."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import python_env
from tests.qt.test_ring_sources_e2e import WatchingApp
from tests.traced_app import TracedApp


def test_a_second_launch_without_a_display_hands_over_to_the_running_app(
    tmp_path: Path,
) -> None:
    ini = tmp_path / "microsip.ini"
    ini.write_bytes(b"")
    app = WatchingApp(tmp_path, f"microsip:{ini}")
    try:
        env = python_env()
        for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
            env.pop(name, None)
        second = subprocess.run(
            [sys.executable, "-m", "desktop", "--data-dir", str(app.data)],
            env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert second.returncode == 0, second.stderr
        assert "already running; handed over to it" in second.stderr
        assert app.proc is not None and app.proc.poll() is None
    finally:
        app.stop()


def test_a_second_launch_with_watch_says_the_running_app_does_not_take_it(
    tmp_path: Path,
) -> None:
    # The README's `callercard --watch baresip:…` typed while CallerCard already runs (it
    # starts at login) was dropped with "handed over" and exit 0: the rep waited for cards
    # that never came.
    ini = tmp_path / "microsip.ini"
    ini.write_bytes(b"")
    app = WatchingApp(tmp_path, f"microsip:{ini}")
    try:
        second = subprocess.run(
            [sys.executable, "-m", "desktop", "--data-dir", str(app.data),
             "--watch", "baresip:127.0.0.1:4444"],
            env=python_env(), capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert second.returncode == 1, second.stderr
        assert "baresip:127.0.0.1:4444 not watched" in second.stderr
        assert "Settings → Softphones" in second.stderr
        once = subprocess.run(
            [sys.executable, "-m", "desktop", "--data-dir", str(app.data),
             "--watch-once", "baresip:127.0.0.1:4444"],
            env=python_env(), capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert once.returncode == 1, once.stderr  # the one-off test run is not taken either
        assert "baresip:127.0.0.1:4444 not watched" in once.stderr
        assert app.proc is not None and app.proc.poll() is None
    finally:
        app.stop()


def test_a_second_launch_with_another_region_says_the_running_app_does_not_take_it(
    tmp_path: Path,
) -> None:
    """`callercard --region GB` typed while CallerCard runs in the US was 'handed over' and
    exit 0, and numbers still parsed as American; the region it runs in already is no news."""
    ini = tmp_path / "microsip.ini"
    ini.write_bytes(b"")
    app = WatchingApp(tmp_path, f"microsip:{ini}")  # started with --region US, kept
    try:
        def second(*region: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [sys.executable, "-m", "desktop", "--data-dir", str(app.data), *region],
                env=python_env(), capture_output=True, text=True, timeout=60,
            )  # fmt: skip

        same = second("--region", "us")
        assert same.returncode == 0, same.stderr
        other = second("--region", "GB")
        assert other.returncode == 1, other.stderr
        assert "--region GB not applied" in other.stderr
        assert "Settings → General" in other.stderr
        once = second("--region-once", "US")
        assert once.returncode == 1 and "--region-once US not applied" in once.stderr
        assert app.proc is not None and app.proc.poll() is None
    finally:
        app.stop()


class AppOnDisplay(TracedApp):
    """The tray app on a real X display, started into the tray as a hook or the login does."""

    def __init__(self, tmp: Path, display: str) -> None:
        self.trace = tmp / "trace.jsonl"
        self.data = tmp / "data"
        self.display = display
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "desktop", "--data-dir", str(self.data), "--region", "US",
             "--background", "--trace", str(self.trace)],
            env=python_env(QT_QPA_PLATFORM="xcb", DISPLAY=display),
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        self.wait_for(lambda r: r["stage"] == "ready", "the app")

    def launch(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "desktop", "--data-dir", str(self.data), *args],
            env=python_env(QT_QPA_PLATFORM="xcb", DISPLAY=self.display),
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip

    def search_windows(self, wait: float) -> list[str]:
        """The Search windows on screen, once one shows or `wait` seconds have passed."""
        deadline = time.monotonic() + wait
        while True:
            found = subprocess.run(
                ["xdotool", "search", "--onlyvisible", "--name", "CallerCard — Search"],
                env={**os.environ, "DISPLAY": self.display}, capture_output=True, text=True,
                timeout=20, check=False,
            )  # fmt: skip
            if found.stdout.split() or time.monotonic() > deadline:
                return found.stdout.split()
            time.sleep(0.2)


@pytest.mark.xvfb
def test_a_refused_second_launch_opens_no_window(tmp_path: Path, xvfb_display: str) -> None:
    """`callercard --watch-once microsip:…` typed while CallerCard runs said it was not watched
    and exited 1, and the running app opened its Search window all the same, as if it had
    taken the launch; the advice said `--watch`, which keeps the log for every start."""
    if shutil.which("xdotool") is None:
        pytest.fail("xdotool is missing; scripts/bootstrap installs it")
    app = AppOnDisplay(tmp_path, xvfb_display)
    try:
        once = app.launch("--watch-once", "microsip:/tmp/ms/microsip.ini")
        assert once.returncode == 1, once.stderr
        assert "microsip:/tmp/ms/microsip.ini not watched" in once.stderr
        assert "again with --watch-once microsip:/tmp/ms/microsip.ini" in once.stderr
        kept = app.launch("--watch", "microsip:/tmp/ms/microsip.ini")
        assert "again with --watch microsip:/tmp/ms/microsip.ini" in kept.stderr
        region = app.launch("--region-once", "GB")
        assert region.returncode == 1 and "again with --region-once GB" in region.stderr
        quiet = app.launch("--background")
        assert quiet.returncode == 0 and "already running" in quiet.stderr
        assert app.search_windows(wait=3) == [], "nobody asked for a window"
        # What a plain launch asks for still comes: the Search window.
        plain = app.launch()
        assert plain.returncode == 0, plain.stderr
        assert app.search_windows(wait=15), "a plain launch brings Search up"
        assert app.proc is not None and app.proc.poll() is None
    finally:
        app.terminate()

"""A second `callercard` with the app already running hands over to it before Qt starts, so
it needs no display of its own: from a terminal without one it used to abort in QApplication
("could not connect to display") instead of bringing up the running app's Search window."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import python_env
from tests.qt.test_ring_sources_e2e import WatchingApp


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
        assert once.returncode == 1 and "--region US not applied" in once.stderr
        assert app.proc is not None and app.proc.poll() is None
    finally:
        app.stop()

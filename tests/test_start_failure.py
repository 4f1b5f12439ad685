"""A contact database the app cannot open: started from the menu, the rep is shown why in a
window (not one line on a stderr nobody reads), and a full disk does not flood stderr with
logging's tracebacks. The real app, on a real damaged file and a real full disk."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop.adapters.store import Store
from tests.conftest import python_env, stop_process


def damaged_database(data: Path) -> Path:
    """A real contact database whose header was written over, as a failing disk or a bad
    copy leaves one."""
    database = data / "callercard.sqlite3"
    Store.open(database).close()
    with database.open("r+b") as file:
        file.write(b"not what SQLite wrote here" * 4)
    return database


def start_app(data: Path, *extra: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "desktop", "--data-dir", str(data), "--region", "US", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=python_env(**env),
    )  # fmt: skip


def said(stderr: str) -> list[str]:
    """The app's own lines (the offscreen platform adds one about the no-tray window)."""
    return [line for line in stderr.splitlines() if not line.startswith("This plugin ")]


def window_ids(display: str, title: str) -> list[str]:
    found = subprocess.run(["xdotool", "search", "--name", title], capture_output=True,
                           text=True, env=python_env(DISPLAY=display), check=False)  # fmt: skip
    return found.stdout.split()


@pytest.mark.xvfb
def test_a_damaged_database_is_shown_in_a_window_and_ok_ends_the_app(
    tmp_path: Path, desktop_with_wm: str
) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    database = damaged_database(data)
    proc = start_app(data, DISPLAY=desktop_with_wm, QT_QPA_PLATFORM="xcb")
    try:
        deadline = time.monotonic() + 30
        while not (shown := window_ids(desktop_with_wm, "CallerCard cannot start")):
            assert proc.poll() is None, proc.communicate()  # gone without a word: the bug
            assert time.monotonic() < deadline, "no window says why CallerCard did not start"
            time.sleep(0.1)
        assert proc.poll() is None, "the app must wait for the rep to read why"
        subprocess.run(["xdotool", "windowactivate", "--sync", shown[0], "key", "Return"],
                       env=python_env(DISPLAY=desktop_with_wm), check=True,
                       capture_output=True, timeout=10)  # fmt: skip
        _, err = proc.communicate(timeout=30)
    finally:
        stop_process(proc)
    assert proc.returncode == 1
    assert err == (f"callercard: {database}: the file is not a CallerCard database or is "
                   "damaged (file is not a database)\n")  # fmt: skip
    log = (data / "callercard.log").read_text("utf-8")
    assert (f"cannot start: The contact database {database} is damaged (file is not a "
            "database). Restore it from a backup, or move the file away") in log  # fmt: skip
    assert database.read_bytes().startswith(b"not what SQLite")  # nothing was changed


@pytest.mark.xvfb
@pytest.mark.parametrize("how", ["offscreen", "background"])
def test_without_anyone_to_see_a_window_the_reason_is_logged_and_the_app_exits(
    tmp_path: Path, how: str, xvfb_display: str
) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    database = damaged_database(data)
    # A --background start (a softphone hook, the login autostart) waits for no one even on
    # a real display.
    extra = ("--background",) if how == "background" else ()
    platform = "xcb" if how == "background" else "offscreen"
    env = {"QT_QPA_PLATFORM": platform, "DISPLAY": xvfb_display}
    proc = start_app(data, *extra, **env)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 1
    assert said(err) == [
        f"callercard: {database}: the file is not a CallerCard database or is damaged "
        "(file is not a database)"
    ]
    assert f"cannot start: The contact database {database} is damaged" in (
        data / "callercard.log"
    ).read_text("utf-8")


def test_a_full_disk_says_so_once_instead_of_a_traceback_per_log_line(tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    disk.mkdir()
    data = disk / "data"
    # A private mount namespace with a 512 KiB tmpfs as the data folder's disk, filled up
    # before the app starts: a real ENOSPC for the log and for the new database.
    script = (
        'mount -t tmpfs -o size=512k tmpfs "$1" && '
        '{ dd if=/dev/zero of="$1/filler" bs=4k 2>/dev/null; shift; exec "$@"; }'
    )
    command = [sys.executable, "-m", "desktop", "--data-dir", str(data), "--region", "US"]
    result = subprocess.run(
        ["unshare", "-rm", "sh", "-c", script, "sh", str(disk), *command],
        capture_output=True, text=True, env=python_env(QT_QPA_PLATFORM="offscreen"),
        timeout=60,
    )  # fmt: skip
    assert result.returncode == 1
    assert said(result.stderr) == [
        f"callercard: cannot write the log {data / 'callercard.log'} (No space left on "
        "device); log lines are dropped while it cannot",
        f"callercard: {data / 'callercard.sqlite3'}: the disk is full (database or disk is "
        "full); nothing was changed",
    ]

"""`callercard quit` sent while the app starts, before it listens: the app quits, it does not
come up anyway (a logout script, or a rep who quits right after login)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop.adapters.instance_address import instance_address, instance_lock_path
from tests.conftest import python_env
from tests.test_tray_first import finish, records

# The real app as `callercard` starts it, held just before Qt is imported (where it looks for
# an app already running) until the test creates GO: nothing listens meanwhile.
PROBE = """
import os, sys, time
import desktop.qt.start_up as start_up_module

WAITING, GO = sys.argv.pop(1), sys.argv.pop(1)
handed_to_running = start_up_module._handed_to_running

def held_before_qt(*args):
    open(WAITING, "w").close()
    deadline = time.monotonic() + 30
    while not os.path.exists(GO) and time.monotonic() < deadline:
        time.sleep(0.01)
    return handed_to_running(*args)

start_up_module._handed_to_running = held_before_qt
from desktop.cli import main
sys.exit(main(sys.argv[1:]))
"""


def quit_command(data: Path) -> list[str]:
    return [sys.executable, "-m", "desktop", "quit", "--data-dir", str(data)]


def test_a_quit_sent_before_the_app_listens_quits_it_once_it_does(tmp_path: Path) -> None:
    data, trace = tmp_path / "data", tmp_path / "trace.jsonl"
    waiting, go = tmp_path / "waiting", tmp_path / "go"
    app = subprocess.Popen(
        [sys.executable, "-c", PROBE, str(waiting), str(go), "--data-dir", str(data),
         "--region", "US", "--background", "--trace", str(trace)],
        env=python_env(QT_QPA_PLATFORM="offscreen"),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while not waiting.exists() and app.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert waiting.exists(), finish(app)[1]

    quitter = subprocess.Popen(quit_command(data), env=python_env(), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)  # fmt: skip
    with contextlib.suppress(subprocess.TimeoutExpired):
        quitter.wait(timeout=2)  # it used to find nothing listening and give up at once
    if quitter.poll() is not None:
        app.kill()
        app.communicate()
        pytest.fail("`callercard quit` gave up before the starting app listened")
    go.touch()
    _, app_err = finish(app, timeout=30)  # the app ends by itself: nothing else stops it
    _, quit_err = quitter.communicate(timeout=30)

    assert quitter.returncode == 0, quit_err
    assert app.returncode == 0, app_err
    stages = [r["stage"] for r in records(trace)]
    assert "tray" in stages and "ready" not in stages  # quit at once, not built first
    log = (data / "callercard.log").read_text("utf-8")
    assert "quit: asked by `callercard quit` while starting" in log
    lock = instance_lock_path(instance_address(data))
    assert not [p for p in lock.parent.iterdir() if p.name.startswith(f"{lock.name}.starting")]


def test_the_mark_of_a_start_that_died_is_not_waited_for(tmp_path: Path) -> None:
    """A start killed before it listened leaves its mark: quit finds nothing alive behind it,
    says nothing, and clears the mark."""
    data = tmp_path / "data"
    data.mkdir()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    lock = instance_lock_path(instance_address(data))
    mark = lock.with_name(f"{lock.name}.starting-{dead.pid}")
    mark.write_text(str(dead.pid), "ascii")
    try:
        result = subprocess.run(quit_command(data), env=python_env(), capture_output=True,
                                text=True, timeout=60)  # fmt: skip
        assert (result.returncode, result.stderr) == (0, "")
        assert not mark.exists()
    finally:
        if mark.exists():
            os.unlink(mark)

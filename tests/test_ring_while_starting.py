"""A second call's ring while the app the first call's ring launched is still starting (a cold
login takes seconds to listen): the hook waits for that app and hands it the ring, as an end
does (desktop.adapters.starting_mark); it launched a second app, a second Python and Qt
start competing with the first for the CPU, which then found the first listening and handed
the ring over (or, first to the lock, made the first one hand over to it). Real hooks, the
real app they launch, Xvfb."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from desktop.adapters.instance_address import instance_address, instance_lock_path
from desktop.adapters.starting_mark import app_starting
from desktop.cli_ring import RING_START_WAIT_S
from tests.conftest import python_env
from tests.test_end_while_starting import softphone_hook
from tests.test_hook_without_app import calls

FIRST = "+12125550147"
SECOND = "+12125550183"


class Launches:
    """The pids of every app started to deliver a call on `data`, seen in /proc as they run
    (a launched app that only hands its call over lives for a second or so). A hook starts
    its app in a session of its own; a child the app forks shows its command line too until
    it runs another program, and is not one."""

    def __init__(self, data: Path) -> None:
        self._marker = f"--data-dir\0{data.absolute()}\0--deliver\0"
        self.pids: list[int] = []
        self.argv: dict[int, str] = {}
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._done.is_set():
            for name in os.listdir("/proc"):
                if not name.isdigit() or int(name) in self.pids:
                    continue
                try:
                    argv = Path("/proc", name, "cmdline").read_text("utf-8", "replace")
                except OSError:
                    continue
                if self._marker in argv and _session_leader(name):
                    self.pids.append(int(name))
                    self.argv[int(name)] = argv.replace("\0", " ")
            time.sleep(0.01)

    def stop(self) -> None:
        self._done.set()
        self._thread.join()


def _session_leader(pid: str) -> bool:
    try:
        stat = Path("/proc", pid, "stat").read_text("ascii", "replace")
    except OSError:
        return False
    fields = stat.rpartition(")")[2].split()  # state, ppid, pgrp, session, ...
    return len(fields) > 3 and fields[3] == pid


def launched_app(data: Path) -> int:
    """The app the first ring's hook launched: the mark it left for it, read as it returns,
    a few ms into that app's start."""
    lock = instance_lock_path(instance_address(data))
    [mark] = [n for n in os.listdir(lock.parent) if n.startswith(f"{lock.name}.starting-")]
    return int(mark.rpartition("-")[2])


# Nothing went wrong: the app is starting, and pops the card from the hooks' inbox.
KEPT = (f"callercard: CallerCard is still starting: the call from {SECOND} is kept and its "
        "card will show when it is ready\n")


@pytest.mark.xvfb
@pytest.mark.parametrize(
    "start_s", [1.0, RING_START_WAIT_S + 2], ids=["listens-meanwhile", "starts-later"]
)
def test_a_ring_while_the_app_a_ring_launched_starts_launches_no_second_app(
    tmp_path: Path, xvfb_display: str, start_s: float
) -> None:
    """Listening within RING_START_WAIT_S, the app takes the ring as any ring; later, it
    finds it in the hooks' inbox as it starts and pops its card from there."""
    data = tmp_path / "data"
    launches = Launches(data)
    try:
        rang = softphone_hook(data, xvfb_display, "ring", FIRST, "ROBERT")
        assert (rang.returncode, rang.stderr) == (0, "")
        app = launched_app(data)
        os.kill(app, signal.SIGSTOP)  # a slow start: a cold login, a loaded machine
        try:
            # Still starting, not listening: else the ring below tests nothing.
            assert app_starting(instance_address(data))
            assert not Path(instance_address(data)).exists()
            second = subprocess.Popen(
                [sys.executable, "-m", "desktop", "--data-dir", str(data), "--region", "US",
                 "ring", SECOND, "BO"],
                env=python_env(QT_QPA_PLATFORM="xcb", DISPLAY=xvfb_display),
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            )  # fmt: skip
            time.sleep(start_s)
        finally:
            os.kill(app, signal.SIGCONT)
        _, err = second.communicate(timeout=30)
        # Taken by the app once it listened, or kept for it (a loaded machine may take the
        # first path past its wait): never a second app.
        assert (second.returncode, err) in ((0, ""), (4, KEPT))
        if start_s > RING_START_WAIT_S:
            assert (second.returncode, err) == (4, KEPT)

        log = data / "callercard.log"
        deadline = time.monotonic() + 20
        while f"card shown for hook:{SECOND}" not in _text(log) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)  # a second card would be shown by now
        assert _text(log).count(f"card shown for hook:{SECOND}") == 1
        assert _text(log).count(f"card shown for hook:{FIRST}") == 1
    finally:
        quit_app = softphone_hook(data, xvfb_display, "quit")
        launches.stop()
        assert quit_app.returncode == 0, quit_app.stderr

    assert launches.pids == [app], [launches.argv[p][-150:] for p in launches.pids]  # one app
    rows = {c["number"]: c["caller_name"] for c in calls(data) if c["number"] in (FIRST, SECOND)}
    assert rows == {FIRST: "ROBERT", SECOND: "BO"}
    assert len([c for c in calls(data) if c["number"] == SECOND]) == 1


def _text(path: Path) -> str:
    try:
        return path.read_text("utf-8", "replace")
    except OSError:
        return ""

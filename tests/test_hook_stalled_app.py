"""A hook's line that the running app does not read: the hook waits for it while the app is
working (a storm of rings keeps its main thread busy for seconds, and acks them all), and
leaves the call in the hooks' inbox as soon as it sees the main thread doing nothing (blocked:
a deadlock, a wait that never ends), as when it is stopped. The softphone waits for the hook
all that time (MicroSIP holds back "180 Ringing"). A stand-in app in a process of its own
holds the instance's address and lock as the real one does."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop.adapters.hook_inbox import HookInbox
from desktop.adapters.instance_address import instance_address
from desktop.adapters.paths import AppPaths
from desktop.core.ipc_line import HOOK_WAIT_S, OK_ACK_LINE
from tests.conftest import python_env
from tests.test_hook_without_app import NUMBER, hook

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="/proc")

# The stand-in: takes the lock, listens, then keeps its main thread busy (CPU) or blocked
# (asleep) for HOLD_S before it reads the line and acks it.
STAND_IN = """
import os, socket, sys, time
address, how, hold = sys.argv[1], sys.argv[2], float(sys.argv[3])
with open(address + ".lock", "w") as lock:
    lock.write(f"{os.getpid()}\\n")
server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
server.bind(address)
server.listen(8)
print("listening", flush=True)
peer, _ = server.accept()
until = time.monotonic() + hold
if how == "busy":
    while time.monotonic() < until:
        pass
else:
    time.sleep(hold)
peer.recv(65536)
try:
    peer.sendall(sys.argv[4].encode())
except OSError:
    pass
"""
HOLD_S = 2.0


def stand_in(data: Path, how: str) -> subprocess.Popen[str]:
    address = instance_address(data)
    proc = subprocess.Popen(
        [sys.executable, "-c", STAND_IN, address, how, str(HOLD_S), OK_ACK_LINE.decode()],
        env=python_env(), stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert proc.stdout is not None and proc.stdout.readline() == "listening\n"
    return proc


def stop(proc: subprocess.Popen[str]) -> None:
    proc.kill()
    proc.wait()
    assert proc.stdout is not None
    proc.stdout.close()


def test_a_hook_leaves_its_call_in_the_inbox_once_it_sees_the_app_blocked(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    app = stand_in(data, "blocked")
    try:
        start = time.monotonic()
        rang = hook(data, "ring", "--", NUMBER)
        took_s = time.monotonic() - start
    finally:
        stop(app)
    assert rang.returncode == 4, rang.stderr
    assert took_s < HOLD_S, took_s  # it waited 3 s, then opened the database
    [kept] = HookInbox(AppPaths(data).hook_inbox).read().lines
    assert kept.event is not None and kept.event.number == NUMBER


def test_a_hook_waits_for_an_app_busy_with_other_rings(tmp_path: Path) -> None:
    data = tmp_path / "data"
    app = stand_in(data, "busy")
    try:
        start = time.monotonic()
        rang = hook(data, "ring", "--", NUMBER)
        took_s = time.monotonic() - start
    finally:
        stop(app)
    assert (rang.returncode, rang.stderr) == (0, "")  # acked: its card is the app's to show
    assert HOLD_S <= took_s < HOOK_WAIT_S + 1, took_s
    assert not AppPaths(data).hook_inbox.exists()

"""A hook whose app cannot take its line goes to the hooks' inbox (or records the call) as soon
as it can tell nobody will accept it, instead of trying to connect for its whole wait while
the softphone holds back the call (MicroSIP sends no "180 Ringing" until its hook returns):
an app stopped with its listen queue full (its main thread accepts nothing), and a socket file
left by an app that died whose lock names a pid that lives again (a process that is no
starting CallerCard). Real hooks in child processes; the real app on Xvfb."""

from __future__ import annotations

import signal
import socket
import subprocess
from pathlib import Path

import pytest

from desktop.adapters.instance_address import instance_address, instance_lock_path
from desktop.core.ipc_line import HOOK_WAIT_S
from tests.test_hook_hung_app import KEPT, NOT_ANSWERING, App, calls, timed_hook
from tests.test_hook_inbox_app import full_listen_queue
from tests.test_hook_without_app import NOT_RUNNING, NUMBER

# It tried to connect for its whole 3 s wait (3.3 s measured), then went to the inbox; a hook
# started by a Python interpreter takes a few hundred ms more on a loaded machine.
AT_ONCE_S = 2.0


@pytest.mark.xvfb
def test_a_ring_to_a_stopped_app_with_a_full_queue_is_kept_without_the_whole_wait(
    tmp_path: Path, xvfb_display: str
) -> None:
    data = tmp_path / "data"
    app = App(tmp_path, xvfb_display)
    try:
        assert app.proc is not None
        app.proc.send_signal(signal.SIGSTOP)
        with full_listen_queue(instance_address(data)):
            rang, took_s = timed_hook(data, "ring", "--source", "microsip", "--", NUMBER)
        app.proc.send_signal(signal.SIGCONT)
        app.stage("inbox_ring", call_key=f"hook:{NUMBER}")
    finally:
        app.terminate()

    assert (rang.returncode, rang.stderr) == (
        4, f"{NOT_ANSWERING}call from {NUMBER} {KEPT}; its card may still appear\n"
    )  # fmt: skip
    assert took_s < AT_ONCE_S, took_s
    [call] = calls(data)  # the woken app recorded it from the inbox
    assert call["source"] == "microsip"


def test_a_ring_to_a_socket_left_by_a_dead_app_whose_pid_lives_again_is_recorded_at_once(
    tmp_path: Path,
) -> None:
    """The dead app's lock names a pid another process has now: that one accepts nothing,
    and the hook waited 3 s for it twice (6.5 s measured), in its fast path and its full way."""
    data = tmp_path / "data"
    address = instance_address(data)
    Path(address).parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    left = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    left.bind(address)  # the file stays when the socket goes, as a killed app leaves it
    left.close()
    other = subprocess.Popen(["sleep", "60"])
    try:
        instance_lock_path(address).write_text(f"{other.pid}\ncallercard\nhost\n", "ascii")
        rang, took_s = timed_hook(data, "ring", "--source", "microsip", "--", NUMBER)
    finally:
        other.kill()
        other.wait()

    assert (rang.returncode, rang.stderr) == (
        4, NOT_RUNNING + "call from +1 415-555-0123 recorded; no card shown\n"
    )  # fmt: skip
    # Not even one whole wait (it made a new book too: its first write costs most of this).
    assert took_s < HOOK_WAIT_S, took_s

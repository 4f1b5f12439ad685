"""A hook's end that reaches the app while the ring's own hook is still writing the ring (the
ring's line never reached the app) must still say how the call went, not leave it "outcome
unknown"; and a ring the app read too late (desktop.core.late_ring), which the app and its hook
both record, is one row whichever writes it first. The real app (Xvfb) and real hook processes
on one data dir; the hook's write is made to land after the app's, as the race has it."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop.adapters.hook_inbox import HookInbox
from desktop.adapters.instance_address import instance_address
from desktop.adapters.instance_client import SendStatus, deliver
from desktop.adapters.paths import AppPaths
from desktop.cli_ring import hook_message
from desktop.core.ipc import Ring
from tests.conftest import python_env
from tests.test_hook_hung_app import KEY, App, calls
from tests.test_hook_without_app import NUMBER, hook

# What `callercard ring` does once the app answered it read the ring too late: it records the
# ring, stamped when it rang (the stamp is the machine's monotonic clock, as the hook's is).
RECORD_AS_THE_HOOK = """
import sys
from desktop.core.ipc import Ring
from desktop.hook_record import record_unanswered
data, caller_id, t_ns = sys.argv[1], sys.argv[2], int(sys.argv[3])
ring = Ring(caller_id=caller_id, name="", source="hook", call_key="", t_ns=t_ns)
sys.exit(record_unanswered(data, "US", ring, 3))
"""


def wait_for_log(log: Path, text: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log.exists() and text in log.read_text("utf-8"):
            return
        time.sleep(0.02)
    pytest.fail(f"{text!r} never in {log}")


@pytest.mark.xvfb
def test_a_late_ring_the_app_recorded_and_ended_is_not_recorded_again_by_its_hook(
    tmp_path: Path, xvfb_display: str
) -> None:
    data = tmp_path / "data"
    app = App(tmp_path, xvfb_display)
    try:
        t_ns = time.monotonic_ns() - 3_000_000_000  # rang 3 s ago: the app was hung meanwhile
        ring = hook_message("ring", caller_id=NUMBER, environ={}, t_ns=t_ns)
        assert isinstance(ring, Ring)
        late = deliver(instance_address(data), ring)
        assert late.status is SendStatus.LATE
        app.stage("late_ring", call_key=KEY)
        app.stage("recorded", call_key=KEY, outcome="")  # its hook had not written it yet

        ended = hook(data, "end", "--answered", "--", NUMBER)
        assert (ended.returncode, ended.stderr) == (0, "")
        app.stage("recorded", call_key=KEY, outcome="talked")

        recorded = subprocess.run(
            [sys.executable, "-c", RECORD_AS_THE_HOOK, str(data), NUMBER, str(t_ns)],
            env=python_env(), capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert recorded.returncode == 4, recorded.stderr
    finally:
        app.terminate()
    [call] = calls(data)  # not a second row, "outcome unknown", from the hook's late write
    assert (call["number"], call["outcome"]) == (NUMBER, "talked")


@pytest.mark.xvfb
def test_an_end_done_before_the_hook_wrote_its_ring_still_finishes_the_call(
    tmp_path: Path, xvfb_display: str
) -> None:
    """The ring's line never reached the app (its queue was full): its hook records it, a
    moment after the end's hook, which the app took, asked the app to finish it."""
    data = tmp_path / "data"
    app = App(tmp_path, xvfb_display)
    try:
        t_ns = time.monotonic_ns() - 3_000_000_000
        ended = hook(data, "end", "--answered", "--", NUMBER)
        assert (ended.returncode, ended.stderr) == (0, "")
        wait_for_log(data / "callercard.log", f"{KEY} ended, but its ring")

        recorded = subprocess.run(
            [sys.executable, "-c", RECORD_AS_THE_HOOK, str(data), NUMBER, str(t_ns)],
            env=python_env(), capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert recorded.returncode == 4, recorded.stderr

        deadline = time.monotonic() + 15
        while [c["outcome"] for c in calls(data)] != ["talked"] and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        app.terminate()
    [call] = calls(data)
    assert (call["number"], call["outcome"]) == (NUMBER, "talked")  # not "" (rang, unknown)


@pytest.mark.xvfb
def test_an_end_waiting_for_its_ring_survives_the_app_being_killed(
    tmp_path: Path, xvfb_display: str
) -> None:
    """The same race, and the app dies (SIGKILL) while the end waits to be tried again: the
    end was kept on disk, so the next start finishes the call the hook recorded meanwhile."""
    data = tmp_path / "data"
    app = App(tmp_path, xvfb_display)
    try:
        t_ns = time.monotonic_ns() - 3_000_000_000
        ended = hook(data, "end", "--missed", "--", NUMBER)
        assert (ended.returncode, ended.stderr) == (0, "")
        wait_for_log(data / "callercard.log", f"{KEY} ended, but its ring")
        assert app.proc is not None
        app.proc.kill()
        app.proc.wait(timeout=30)
    finally:
        app.terminate()

    recorded = subprocess.run(
        [sys.executable, "-c", RECORD_AS_THE_HOOK, str(data), NUMBER, str(t_ns)],
        env=python_env(), capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert recorded.returncode == 4, recorded.stderr
    assert calls(data) == []  # the ring waits in the hooks' inbox, the end in the journal
    assert len(HookInbox(AppPaths(data).hook_inbox).read().lines) == 1

    (tmp_path / "app.jsonl").unlink()  # the next start's trace alone
    again = App(tmp_path, xvfb_display)
    try:
        deadline = time.monotonic() + 15
        while [c["outcome"] for c in calls(data)] != ["missed"] and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        again.terminate()
    [call] = calls(data)
    assert (call["number"], call["outcome"]) == (NUMBER, "missed")

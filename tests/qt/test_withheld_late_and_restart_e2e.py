"""Two withheld callers at once (hook keys "hook:" and "hook:~2", desktop.core.withheld_calls)
when the app cannot keep them apart by itself: a ring it read too late, which its hook recorded
under the plain key, and calls that rang before the app was restarted. Each end still says how
a call went: none is left "rang, outcome unknown". Real `callercard ring` / `end` processes
against the app in a child process, read back with `callercard calls`."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop.adapters.instance_address import instance_address
from desktop.adapters.instance_client import SendStatus, deliver
from desktop.cli_ring import hook_message
from desktop.core.ipc import Ring
from tests.conftest import python_env
from tests.qt.test_app_e2e import RunningApp
from tests.qt.test_missed_card_e2e import end_of, hook
from tests.qt.test_withheld_calls_e2e import cards_shown, withheld_calls
from tests.test_late_ring_end import RECORD_AS_THE_HOOK


def outcomes_become(app: RunningApp, wanted: list[str]) -> list[str]:
    """The withheld calls' outcomes once they are `wanted`, or as they stand 10 s on."""
    deadline = time.monotonic() + 10
    while True:
        got = sorted(str(c["outcome"]) for c in withheld_calls(app))
        if got == wanted or time.monotonic() > deadline:
            return got
        time.sleep(0.2)


@pytest.mark.parametrize("late_s", [15, 3], ids=["rang 15 s before", "rang 3 s before"])
def test_a_late_withheld_ring_recorded_by_its_hook_is_finished_by_its_end(
    tmp_path: Path, late_s: int
) -> None:
    """15 s: the hook logged it and its end, mapped to "hook:~2", did not find it. 3 s: the
    hook took it for the other withheld call, still ringing, and logged nothing."""
    app = RunningApp(tmp_path)
    try:
        mark = len(app.records())
        hook(app, "ring", "anonymous")  # the rep answers this one
        app.wait_for(lambda r: r["stage"] == "shown", "the first withheld card", after=mark)

        # A second withheld caller whose ring the app read only after its hook gave up waiting
        # (the app was busy): the hook records that call itself, under the only key it knows,
        # "hook:".
        t_ns = time.monotonic_ns() - late_s * 1_000_000_000
        ring = hook_message("ring", caller_id="", environ={}, t_ns=t_ns)
        assert isinstance(ring, Ring)
        assert deliver(instance_address(app.data), ring).status is SendStatus.LATE
        app.wait_for(lambda r: len(cards_shown(app, mark)) == 2, "the late card", after=mark)
        first, second = cards_shown(app, mark)
        recorded = subprocess.run(
            [sys.executable, "-c", RECORD_AS_THE_HOOK, str(app.data), "", str(t_ns)],
            env=python_env(), capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert recorded.returncode == 4, recorded.stderr

        mark = len(app.records())
        hook(app, "end", "", "--missed")  # the late caller gives up
        assert end_of(app, second, mark)["kept"] is True
        hook(app, "end", "anonymous")  # the rep's call with the first is over
        assert end_of(app, first, mark)["closed"] is True

        assert outcomes_become(app, ["missed", "talked"]) == ["missed", "talked"]
    finally:
        app.stop()


def test_withheld_calls_that_rang_before_a_restart_are_finished_by_their_ends(
    tmp_path: Path,
) -> None:
    app = RunningApp(tmp_path)
    try:
        mark = len(app.records())
        hook(app, "ring", "anonymous")
        app.wait_for(lambda r: r["stage"] == "shown", "the first withheld card", after=mark)
        hook(app, "ring", "")
        app.wait_for(lambda r: len(cards_shown(app, mark)) == 2, "a second card", after=mark)
        app.wait_for(lambda r: len([x for x in app.records()[mark:]
                                    if x["stage"] == "recorded"]) >= 2,
                     "both rings logged", after=mark)  # fmt: skip
    finally:
        app.stop()

    app = RunningApp(tmp_path)  # the same data: its history, not its cards
    try:
        hook(app, "end", "", "--missed")  # the second caller gives up (newest first)
        hook(app, "end", "anonymous")
        assert outcomes_become(app, ["missed", "talked"]) == ["missed", "talked"]
    finally:
        app.stop()

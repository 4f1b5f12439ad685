"""A ring whose line never reached the running app (its listen queue full while it was
stopped a moment) reaches it by the hooks' inbox: while its call may still ring (no end for
it, rung less than late_ring.STALE_RING_S ago) its card pops, late, as a ring's would; the rep
may still be on the phone. Once, whichever way the ring came. The real app (Xvfb) and real
hooks in child processes on one data dir."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest

from desktop.adapters.instance_address import instance_address
from desktop.adapters.paths import AppPaths
from desktop.core.ipc_line import LATE_RING_S
from tests.test_hook_hung_app import KEPT, KEY, NOT_ANSWERING, App, calls, stopped_ring
from tests.test_hook_inbox_app import full_listen_queue
from tests.test_hook_without_app import NUMBER, hook


@pytest.mark.xvfb
def test_a_ring_that_reached_only_the_inbox_pops_its_card_while_it_still_rings(
    tmp_path: Path, xvfb_display: str
) -> None:
    """Before, the app recorded it as history only: the rep answered a call with no card."""
    data = tmp_path / "data"
    app = App(tmp_path, xvfb_display)
    try:
        assert app.proc is not None
        app.proc.send_signal(signal.SIGSTOP)
        with full_listen_queue(instance_address(data)):
            rang = hook(data, "ring", "--source", "microsip", "--", NUMBER)
        app.proc.send_signal(signal.SIGCONT)
        inbox = app.stage("inbox_ring", call_key=KEY)
        app.stage("shown", call_key=KEY)
        ended = hook(data, "end", "--missed", "--", NUMBER)  # the app answers again
        closed = app.stage("ended", call_key=KEY)
        app.stage("recorded", call_key=KEY, outcome="missed")
    finally:
        app.terminate()

    assert (rang.returncode, rang.stderr) == (
        4, f"{NOT_ANSWERING}call from {NUMBER} {KEPT}; its card may still appear\n"
    )  # fmt: skip
    assert inbox["card"] is True
    assert (ended.returncode, ended.stderr) == (0, "")
    assert (closed["missed"], closed["kept"]) == (True, True)  # the end reached the card
    assert app.shown() == [KEY]
    [call] = calls(data)
    assert (call["number"], call["outcome"], call["source"]) == (NUMBER, "missed", "microsip")
    assert not AppPaths(data).hook_inbox.exists()


@pytest.mark.xvfb
def test_its_end_by_the_inbox_too_closes_the_card_the_inbox_ring_popped(
    tmp_path: Path, xvfb_display: str
) -> None:
    """The app stopped again after the card popped, and the end's line never reached it
    either: the end comes by the inbox, and the card must not ring on for good."""
    data = tmp_path / "data"
    app = App(tmp_path, xvfb_display)
    try:
        assert app.proc is not None
        address = instance_address(data)
        app.proc.send_signal(signal.SIGSTOP)
        with full_listen_queue(address):
            hook(data, "ring", "--source", "microsip", "--", NUMBER)
        app.proc.send_signal(signal.SIGCONT)
        app.stage("shown", call_key=KEY)
        app.proc.send_signal(signal.SIGSTOP)
        with full_listen_queue(address):
            ended = hook(data, "end", "--missed", "--", NUMBER)
        app.proc.send_signal(signal.SIGCONT)
        closed = app.stage("ended", call_key=KEY)
        app.stage("recorded", call_key=KEY, outcome="missed")
    finally:
        app.terminate()

    assert ended.returncode == 4, ended.stderr
    assert (closed["missed"], closed["kept"]) == (True, True)  # its missed card, Call back
    assert app.shown() == [KEY]
    [call] = calls(data)
    assert call["outcome"] == "missed"


@pytest.mark.xvfb
@pytest.mark.parametrize("late", [True, False], ids=["read-late", "read-soon-after"])
def test_a_ring_both_read_from_the_socket_and_left_in_the_inbox_pops_one_card(
    tmp_path: Path, xvfb_display: str, late: bool
) -> None:
    """The line went out but the app, stopped, did not ack it in time: the hook left the call
    in the inbox too. The woken app reads both; one card, once."""
    data = tmp_path / "data"
    app = App(tmp_path, xvfb_display)
    try:
        stopped_ring(app, data)
        if late:
            time.sleep(LATE_RING_S)
        assert app.proc is not None
        app.proc.send_signal(signal.SIGCONT)
        app.stage("inbox_ring", call_key=KEY)
        app.stage("shown", call_key=KEY)
        time.sleep(1)  # a second card would be shown by now
        up = len([r for r in app.records() if r["stage"] == "matched"])
    finally:
        app.terminate()

    assert app.shown() == [KEY]
    assert up == 1  # looked up and shown once, not built again over itself
    [call] = calls(data)
    assert call["number"] == NUMBER

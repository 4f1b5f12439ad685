"""A call whose ring waited in the hooks' inbox (its line never reached the app: stopped, its
listen queue full) and whose `end --missed` reached the app over its socket before the app read
that inbox: the end pairs with the ring the app reads afterwards. The call is recorded missed,
once, and its missed card shows, as when the ring comes first. Before, the inbox's ring was
taken for a call over already (its end had come) and the end for one with no card: neither
left the missed card. The real app (Xvfb) and real hooks in child processes on one data dir."""

from __future__ import annotations

import fcntl
import os
import signal
import time
from pathlib import Path

import pytest

from desktop.adapters.hook_inbox import HookInbox
from desktop.adapters.instance_address import instance_address
from desktop.adapters.paths import AppPaths
from tests.test_hook_hung_app import KEPT, KEY, NOT_ANSWERING, App, calls
from tests.test_hook_inbox_app import full_listen_queue
from tests.test_hook_without_app import NUMBER, hook


@pytest.mark.xvfb
def test_a_missed_end_that_outruns_its_inbox_ring_leaves_the_missed_card(
    tmp_path: Path, xvfb_display: str
) -> None:
    data = tmp_path / "data"
    inbox = HookInbox(AppPaths(data).hook_inbox)
    app = App(tmp_path, xvfb_display)
    held = -1
    try:
        assert app.proc is not None
        app.proc.send_signal(signal.SIGSTOP)
        with full_listen_queue(instance_address(data)):
            rang = hook(data, "ring", "--source", "microsip", "--", NUMBER)
        assert (rang.returncode, rang.stderr) == (
            4, f"{NOT_ANSWERING}call from {NUMBER} {KEPT}; its card may still appear\n"
        )  # fmt: skip
        # A hook stopped in the middle of adding another call holds the inbox: the woken app
        # cannot read the ring yet, while the end's hook reaches it over the socket.
        held = os.open(inbox.lock_path, os.O_RDONLY)
        fcntl.flock(held, fcntl.LOCK_EX)
        app.proc.send_signal(signal.SIGCONT)
        ended = hook(data, "end", "--missed", "--", NUMBER)
        assert (ended.returncode, ended.stderr) == (0, "")  # the app took it
        app.stage("ended", call_key=KEY)  # no card of its call to leave as the missed card
        time.sleep(1)
        fcntl.flock(held, fcntl.LOCK_UN)
        os.close(held)
        held = -1
        read = app.stage("inbox_ring", call_key=KEY)
        missed_card = app.stage("missed_card", caller_id=NUMBER)
        app.stage("recorded", call_key=KEY, outcome="missed")
        time.sleep(1)  # a second missed card would be up by now
    finally:
        if held >= 0:
            os.close(held)
        app.terminate()

    assert read["card"] is False  # over: no ringing card pops for it
    assert app.shown() == []
    assert missed_card["call_back"] is True
    assert len([r for r in app.records() if r["stage"] == "missed_card"]) == 1
    [call] = calls(data)
    assert (call["number"], call["outcome"], call["source"]) == (NUMBER, "missed", "microsip")
    assert not inbox.path.exists()

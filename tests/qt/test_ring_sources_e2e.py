"""Linphone's database and baresip's event stream, each driving the real app end to end.

The app runs as a child process (offscreen Qt) watching the source through --watch, as a user
sets it up; what it did is read from its --trace file.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop.core.dialects.linphone import CallStatus
from tests.adapters.test_baresip_source import CtrlTcpPeer, frame
from tests.conftest import python_env
from tests.softphone_writers import LinphoneLikeWriter
from tests.traced_app import TracedApp

MIKE_URI = "sip:+14155550142@sip.example.com;user=phone"  # in the demo book


class WatchingApp(TracedApp):
    def __init__(self, tmp: Path, watch: str) -> None:
        self.trace = tmp / "trace.jsonl"
        self.data = tmp / "data"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "desktop", "--data-dir", str(self.data), "--region", "US",
             "--background", "--watch", watch, "--trace", str(self.trace)],
            env=python_env(QT_QPA_PLATFORM="offscreen"), stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        self.wait_for(lambda r: r["stage"] == "ready", "the app")

    def stop(self) -> None:
        self.terminate()


@pytest.mark.parametrize("mode", ["delete", "wal"])
def test_a_linphone_ring_pops_the_card_and_its_missed_end_keeps_it_as_missed(
    tmp_path: Path, mode: str
) -> None:
    db = tmp_path / "linphone" / "linphone.db"
    db.parent.mkdir()
    writer = LinphoneLikeWriter(db, journal_mode=mode)
    old = writer.ring("sip:+14155550100@sip.example.com", "Talking before the app started")
    writer.answer(old)  # a call still ringing at start pops (tests/test_ring_at_start.py)
    app = WatchingApp(tmp_path, f"linphone:{db}")
    try:
        row = writer.ring(MIKE_URI, "MIKE K")
        shown = app.wait_for(lambda r: r["stage"] == "shown", "the card")
        matched = next(r for r in app.records() if r["stage"] == "matched")
        assert shown["caller_id"] == matched["caller_id"] == MIKE_URI
        assert matched["match"] == "exact"
        writer.end(row, CallStatus.MISSED)
        ended = app.wait_for(lambda r: r["stage"] == "ended", "the end of the call")
        # Nobody answered: the ringing card turns into a missed call's, with Call back.
        assert (ended["missed"], ended["kept"], ended["closed"]) == (True, True, False)
        writer.end(old, duration=40)
        time.sleep(0.3)
        read = [r["caller_id"] for r in app.records() if r["stage"] == "read"]
        assert read == [MIKE_URI], "a call taken before the start does not pop"
    finally:
        app.stop()
        writer.close()


def test_a_baresip_ring_pops_the_card_and_its_missed_end_keeps_it_as_missed(tmp_path: Path) -> None:
    peer = CtrlTcpPeer()
    app = WatchingApp(tmp_path, f"baresip:127.0.0.1:{peer.port}")
    try:
        peer.send(frame("CALL_INCOMING", "b1", peeruri=MIKE_URI, peerdisplayname="MIKE K"))
        matched = app.wait_for(lambda r: r["stage"] == "matched", "the lookup")
        assert (matched["caller_id"], matched["match"]) == (MIKE_URI, "exact")
        app.wait_for(lambda r: r["stage"] == "shown", "the card")
        peer.send(frame("CALL_CLOSED", "b1", peeruri=MIKE_URI, param="Request Terminated"))
        ended = app.wait_for(lambda r: r["stage"] == "ended", "the end of the call")
        # Never answered: the ringing card turns into a missed call's, with Call back.
        assert (ended["call_key"], ended["kept"], ended["closed"]) == ("baresip:b1", True, False)
    finally:
        app.stop()
        peer.quit()


MIKE = "+14155550142"


def hook(app: WatchingApp, verb: str, number: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "desktop", verb, number, "--data-dir", str(app.data)],
        env=python_env(), capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("first", ["log", "hook"])
def test_a_call_reported_by_the_hook_and_the_call_log_is_one_card_either_end_closes(
    tmp_path: Path, first: str
) -> None:
    """A rep who set up MicroSIP's cmdIncomingCall hook and also lets CallerCard watch
    microsip.ini: each ring arrives twice, under two call keys. Before, that was two cards
    for one call, and the hook's `end` left the call log's card on screen."""
    from desktop.core.dialects.microsip import CallType
    from tests.softphone_writers import encode_ini, render_call, render_ini

    ini = tmp_path / "MicroSIP" / "microsip.ini"
    ini.parent.mkdir()
    ini.write_bytes(encode_ini(render_ini({"callsLastKey": "0"}, {})))
    app = WatchingApp(tmp_path, f"microsip:{ini}")
    try:
        stamp = int(time.time())

        def log_ring() -> None:
            ring = render_call(MIKE, "MIKE K", CallType.INCOMING, stamp)
            ini.write_bytes(encode_ini(render_ini({"callsLastKey": "1"}, {1: ring})))

        steps = [log_ring, lambda: hook(app, "ring", MIKE)]
        one, other = steps if first == "log" else steps[::-1]
        one()
        app.wait_for(lambda r: r["stage"] == "shown", "the card")
        other()
        app.wait_for(lambda r: r["stage"] == "same_call", "the second report of the call")
        hook(app, "end", MIKE)
        ended = app.wait_for(lambda r: r["stage"] == "ended", "the end of the call")
        assert ended["closed"] is True
        shown = [r for r in app.records() if r["stage"] == "shown"]
        assert len(shown) == 1, shown
    finally:
        app.stop()

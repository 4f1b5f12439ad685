"""A softphone set up with the ring hook alone (MicroSIP with no end command, Jitsi) while
CallerCard also follows its call log: the real app in a child process, a real `callercard
ring` hook, and MicroSIP's microsip.ini written as MicroSIP writes it. When the log's first
word on the call is its end (the ring and the end written between two reads), the card the
hook rang folds to the missed card all the same instead of ringing on until dismissed."""

from __future__ import annotations

from pathlib import Path

from tests.qt.test_app_e2e import RunningApp, append_ini, now
from tests.qt.test_missed_card_e2e import hook

DANA = "+14155550178"


def test_a_ring_only_hooks_card_folds_to_missed_when_microsip_logs_the_call_missed(
    tmp_path: Path,
) -> None:
    app = RunningApp(tmp_path)
    try:
        mark = len(app.records())
        hook(app, "ring", DANA)
        app.wait_for(lambda r: r["stage"] == "shown", "Dana's card", after=mark)
        # Type 2 with its info filled in: missed and over, in one write.
        append_ini(app.ini, f"2={DANA};Dana;2;{now()};0;Missed call\r\n")
        ended = app.wait_for(
            lambda r: r["stage"] == "ended" and str(r["call_key"]).startswith("microsip:"),
            "the log's end of the call", after=mark,
        )  # fmt: skip
        assert (ended["as_call"], ended["missed"], ended["kept"]) == (f"hook:{DANA}", True, True)
        missed = app.wait_for(lambda r: r["stage"] == "missed_card", "the missed card",
                              after=mark)  # fmt: skip
        assert missed["call_back"] is True
    finally:
        app.stop()

"""MicroSIP gives the [Calls] key of a call still ringing to a new call (its 1000-entry ring
buffer wrapped; the old call's end was never written, MicroSIP crashed during the ring): the
old call's card goes, and the call is kept as one whose outcome is not known. The real app in
a child process, a real microsip.ini rewritten in place, Xvfb."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from desktop.core.dialects.microsip import CallType
from tests.softphone_writers import render_call
from tests.test_hook_without_app import calls
from tests.test_ring_at_start import OLD, App, write

pytestmark = [pytest.mark.xvfb]


def test_a_ringing_key_given_to_a_new_call_takes_the_old_card_down(
    tmp_path: Path, xvfb_display: str
) -> None:
    ini = tmp_path / "microsip.ini"
    ring_buffer = {0: OLD}
    write(ini, ring_buffer)
    app = App(tmp_path, ini, xvfb_display, "reuse")
    try:
        rang = int(time.time()) - 5
        ring_buffer[1] = render_call("+14155550123", "Jane", CallType.INCOMING, rang)
        write(ini, ring_buffer)
        old_key = f"microsip:1:{rang}"
        app.wait_for(lambda r: r["stage"] == "shown" and r["call_key"] == old_key, "Jane's card")

        ring_buffer[1] = render_call("+14155550142", "Dana", CallType.INCOMING, rang + 3)
        write(ini, ring_buffer)
        new_key = f"microsip:1:{rang + 3}"
        ended = app.wait_for(lambda r: r["stage"] == "ended" and r["call_key"] == old_key,
                             "the end of Jane's call")  # fmt: skip
        app.wait_for(lambda r: r["stage"] == "shown" and r["call_key"] == new_key, "Dana's card")
        app.wait_for(lambda r: r["stage"] == "recorded" and r["call_key"] == old_key,
                     "Jane's call recorded")  # fmt: skip
    finally:
        app.terminate()

    assert (ended["closed"], ended["missed"]) == (True, False)
    jane = [c for c in calls(tmp_path / "data") if c["number"] == "+14155550123"]
    assert [(c["outcome"], c["source"]) for c in jane] == [("", "microsip")]  # outcome unknown

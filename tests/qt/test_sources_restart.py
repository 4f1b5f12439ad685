"""Settings applied (a pause, a new region...) restart the call-log sources while a call may be
ringing: the card the rep already dismissed must not pop again, though a call ringing at the
app's own start does pop."""

from __future__ import annotations

import time
from pathlib import Path

from pytestqt.qtbot import QtBot

from desktop.core.dialects.microsip import CallType
from tests.qt.in_process_app import app_in_process
from tests.softphone_writers import encode_ini, render_call, render_ini


def test_a_ring_popped_at_start_and_dismissed_stays_down_when_settings_restart_the_sources(
    qtbot: QtBot, tmp_path: Path
) -> None:
    ini = tmp_path / "microsip.ini"
    started = int(time.time()) - 2  # rang while the app was starting up
    calls = {0: render_call("+14155550142", "", CallType.INCOMING, started)}
    ini.write_bytes(encode_ini(render_ini({"callsLastKey": "0"}, calls)))
    key = f"microsip:0:{started}"
    with app_in_process(tmp_path, "--watch", f"microsip:{ini}") as app:
        app.start(None)
        popup = app.popups.popup_for(key)
        assert popup is not None, "the call ringing at start pops"
        popup.dismiss()
        qtbot.waitUntil(lambda: not app.popups.has_popup(key))

        app.apply_settings(app.settings.with_changes(my_name="Alex"))
        qtbot.wait(100)
        assert not app.popups.has_popup(key)

        calls[1] = render_call("+14155550178", "", CallType.INCOMING, int(time.time()))
        ini.write_bytes(encode_ini(render_ini({"callsLastKey": "1"}, calls)))
        qtbot.waitUntil(lambda: app.popups.has_popup(f"microsip:1:{calls[1].split(';')[3]}"))

"""baresip followed over ctrl_tcp by the running app (no tray: the window with the menu):
"cannot connect" goes once baresip is there, and when baresip goes away while a call rings,
the call's card closes, the call is logged (outcome unknown, so it waits in Callbacks) and the
window says what happened."""

from __future__ import annotations

import socket
from pathlib import Path

from pytestqt.qtbot import QtBot

from tests.adapters.test_baresip_source import frame
from tests.qt.in_process_app import app_in_process

CALLER = "+14155550177"


def test_baresip_gone_mid_ring_as_a_rep_sees_it(qtbot: QtBot, tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = client = None
    with app_in_process(tmp_path, "--watch", f"baresip:127.0.0.1:{port}") as app:
        status = app.tray.fallback.status
        try:
            app.start(None)
            assert not app.tray.has_tray, "offscreen has no tray host"
            qtbot.waitUntil(lambda: "cannot connect" in status.text())

            server = socket.create_server(("127.0.0.1", port))  # baresip started
            server.settimeout(5)
            client, _ = server.accept()
            qtbot.waitUntil(lambda: status.text() == "")

            client.sendall(frame("CALL_INCOMING", "gone-1", peeruri=f"sip:{CALLER}@127.0.0.1",
                                 peerdisplayname="MIKE CELL"))  # fmt: skip
            qtbot.waitUntil(lambda: app.popups.has_popup("baresip:gone-1"))
            client.close()  # baresip crashed: its CALL_CLOSED never comes
            server.close()
            qtbot.waitUntil(lambda: not app.popups.has_popup("baresip:gone-1"))
            qtbot.waitUntil(lambda: "baresip went away during a call" in status.text())
            assert "a call that was ringing is logged with the outcome unknown" in status.text()

            def logged() -> list[tuple[object, ...]]:
                return app.store.connection.execute(
                    "SELECT direction, outcome, number_e164 FROM attempts WHERE source = 'baresip'"
                ).fetchall()

            qtbot.waitUntil(lambda: logged() == [("in", "", CALLER)])
        finally:
            for sock in (client, server):
                if sock is not None:
                    sock.close()

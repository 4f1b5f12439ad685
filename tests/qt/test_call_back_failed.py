"""A missed card's Call back that baresip could not place (the far end answered "404 Not
Found" before it rang) brings the card back, "call back failed", with Call back to try again;
a call back that goes through takes it away for good.

The app runs in this process over a real store, following a baresip played by a local peer
that speaks ctrl_tcp as baresip does: the Call back button's dial goes to it over the app's own
connection, and it answers the dial and reports the call out and its failure in either order
(the dial's answer and the events race to the GUI thread in the real app)."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.core.dialects.baresip import NetstringDecoder
from desktop.core.dialers import netstring
from desktop.qt.popup import Popup
from desktop.qt.popup_stack import CALL_BACK_FAILED
from tests.adapters.test_baresip_source import frame
from tests.qt.test_popup import button, full, label
from tests.qt.test_ring_pipeline import MIKE, Running, start_app  # noqa: F401 (fixture)

pytestmark = pytest.mark.qt_log_ignore(
    r"This plugin does not support (raise|propagateSizeHints)\(\)"
)

MIKE_URI = f"sip:{MIKE}@127.0.0.1"
ALWAYS_OPEN = {"business_start_hour": 0, "business_end_hour": 24, "business_weekends": True}


class Baresip:
    """ctrl_tcp of a baresip whose dials are played from `dials`: one list of steps per
    `dial` command, each "answer" (the command's ok) or an event frame."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.client: socket.socket | None = None
        self.connected = threading.Event()
        self.dials: list[list[bytes | str]] = []
        self.dialled: list[str] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        try:
            client, _ = self.server.accept()
        except OSError:
            return
        self.client = client
        self.connected.set()
        decoder = NetstringDecoder()
        while data := _recv(client):
            for item in decoder.feed(data):
                command = json.loads(getattr(item, "payload", b"{}"))
                body = {"response": True, "ok": True, "data": "", "token": command.get("token")}
                answer = netstring(json.dumps(body).encode())
                if command.get("command") != "dial":
                    client.sendall(answer)  # callstat on connecting: no call
                    continue
                self.dialled.append(str(command.get("params")))
                for step in self.dials.pop(0):
                    client.sendall(answer if step == "answer" else step)  # type: ignore[arg-type]

    def send(self, data: bytes) -> None:
        assert self.connected.wait(5) and self.client is not None
        self.client.sendall(data)

    def close(self) -> None:
        # Shut down first: a socket closed here does not wake the thread blocked on it.
        for sock in (self.client, self.server):
            if sock is not None:
                with contextlib.suppress(OSError):  # the app hung up first
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
        self._thread.join(5)


def _recv(client: socket.socket) -> bytes:
    try:
        return client.recv(4096)
    except OSError:
        return b""


@pytest.fixture
def baresip() -> Iterator[Baresip]:
    peer = Baresip()
    yield peer
    peer.close()


def outgoing(call_id: str) -> bytes:
    return frame("CALL_OUTGOING", call_id, direction="outgoing", peeruri=MIKE_URI,
                 peerdisplayname="")  # fmt: skip


def closed(call_id: str, param: str) -> bytes:
    return frame("CALL_CLOSED", call_id, direction="outgoing", peeruri=MIKE_URI,
                 peerdisplayname="", param=param)  # fmt: skip


def missed_card(running: Running, baresip: Baresip, qtbot: QtBot) -> Popup:
    """Mike rang through baresip and nobody answered: his missed card, with Call back."""
    qtbot.waitUntil(baresip.connected.is_set)
    baresip.send(frame("CALL_INCOMING", "in-1", peeruri=MIKE_URI, peerdisplayname="MIKE"))
    qtbot.waitUntil(lambda: running.app.popups.has_popup("baresip:in-1"))
    baresip.send(frame("CALL_CLOSED", "in-1", peeruri=MIKE_URI, param="Connection reset"))
    qtbot.waitUntil(lambda: running.app.popups.missed_keys() != [])
    [popup] = running.app.popups.popups()
    assert popup.offers_call_back()
    return popup


def outcomes(running: Running) -> list[tuple[str, str]]:
    return running.app.store.connection.execute(
        "SELECT direction, outcome FROM attempts ORDER BY id").fetchall()


@pytest.mark.parametrize("order", ["answered first", "failure first"])
def test_a_call_back_that_fails_brings_the_missed_card_back_to_try_again(
    baresip: Baresip, start_app: Callable[..., Running], qtbot: QtBot, order: str,  # noqa: F811
) -> None:
    # baresip first: torn down last, once the app has quit (its close now hangs up for real).
    running = start_app("--watch", f"baresip:127.0.0.1:{baresip.port}",
                        settings={"dialer": "baresip", **ALWAYS_OPEN})  # fmt: skip
    app = running.app
    app.start(None)
    popup = missed_card(running, baresip, qtbot)
    refused = closed("out-1", "404 Not Found")
    baresip.dials.append([outgoing("out-1"), "answer", refused] if order == "answered first"
                         else [outgoing("out-1"), refused, "answer"])  # fmt: skip

    qtbot.mouseClick(button(popup, "callBack"), Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: bool(running.records("dialed")))
    assert baresip.dialled == [MIKE]
    # Logged failed, the rep told (as before), and now the card too:
    qtbot.waitUntil(lambda: outcomes(running) == [("in", "missed"), ("out", "failed")])
    qtbot.waitUntil(lambda: "baresip could not place the call to +1 415-555-0142: 404 Not "
                    "Found" in app.tray.fallback.status.text())  # fmt: skip
    # The card the rep pressed Call back on is up again, saying the call did not go through.
    [back] = [p for p in app.popups.popups() if p.isVisible()]
    assert app.popups.missed_keys() == [back.call_key]
    chip = label(back, "tierChip").text()
    assert chip.startswith("Missed call · ") and chip.endswith(f" · {CALL_BACK_FAILED}"), chip
    assert full(back, "name") == "Mike Kowalski" and back.offers_call_back()
    # What the softphone said, in words a rep can act on (a wrong number, not a busy line).
    reason = label(back, "promise")
    assert reason.isVisible()
    assert reason.text() == "Call back did not go through: the number was not found (404)"
    due = app.store.missed_not_returned(datetime.now(UTC))  # still due, as the card says
    assert [c.attempt.number_e164 for c in due] == [MIKE]
    # The commits of the failed call do not take the card back away.
    qtbot.wait(300)
    assert back.isVisible() and app.popups.missed_keys() == [back.call_key]

    # Tried again, the call goes through: the card goes, and stays gone when the call ends.
    baresip.dials.append([outgoing("out-2"), "answer"])
    qtbot.mouseClick(button(back, "callBack"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(running.records("dialed")) == 2)
    assert app.popups.missed_keys() == [] and app.popups.visible_count() == 0
    baresip.send(frame("CALL_ANSWERED", "out-2", direction="outgoing", peeruri=MIKE_URI))
    baresip.send(closed("out-2", ""))
    qtbot.waitUntil(lambda: outcomes(running) == [("in", "missed"), ("out", "failed"),
                                                  ("out", "")])  # its wrap-up says how it went
    assert app.popups.visible_count() == 0 and app.popups.missed_keys() == []


def test_a_failure_reported_before_the_card_was_taken_says_so_on_it_and_a_retry_takes_it(
    qtbot: QtBot,
) -> None:
    """A baresip without CALL_OUTGOING reports the failure before the Call button's answer:
    the card, still up, says the call back failed; that answer (asked before the failure) leaves
    it, a call asked afterwards takes it."""
    import time

    from tests.qt.show_popup_demo import exact_card
    from tests.qt.test_missed_card import close, make_stack

    stack = make_stack()
    try:
        asked = time.monotonic_ns()
        popup = stack.show(exact_card(), f"hook:{MIKE}")
        assert popup is not None
        key = stack.keep_missed(f"hook:{MIKE}")
        assert stack.restore_missed(MIKE) == key
        assert label(popup, "tierChip").text().endswith(f" · {CALL_BACK_FAILED}")
        assert stack.set_aside_missed_for(MIKE, asked) == 0
        assert popup.isVisible() and popup.offers_call_back()
        assert stack.set_aside_missed_for(MIKE, time.monotonic_ns()) == 1
        assert not popup.isVisible() and stack.missed_keys() == []
    finally:
        close(stack)


def test_a_call_back_to_a_busy_line_brings_the_missed_card_back_and_stays_due(
    baresip: Baresip, start_app: Callable[..., Running], qtbot: QtBot,  # noqa: F811
) -> None:
    """It rang at Mike's end, then "486 Busy Here": logged "Called" it counted as a return
    that reached him, and the card the rep had pressed Call back on was gone for good."""
    running = start_app("--watch", f"baresip:127.0.0.1:{baresip.port}",
                        settings={"dialer": "baresip", **ALWAYS_OPEN})  # fmt: skip
    app = running.app
    app.start(None)
    popup = missed_card(running, baresip, qtbot)
    rang = frame("CALL_RINGING", "out-1", direction="outgoing", peeruri=MIKE_URI,
                 peerdisplayname="")  # fmt: skip
    baresip.dials.append([outgoing("out-1"), "answer", rang, closed("out-1", "486 Busy Here")])

    qtbot.mouseClick(button(popup, "callBack"), Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: outcomes(running) == [("in", "missed"), ("out", "no_answer")])
    qtbot.waitUntil(lambda: app.popups.missed_keys() != [])
    [back] = [p for p in app.popups.popups() if p.isVisible()]
    assert label(back, "promise").text() == "Call back did not go through: the line was busy (486)"
    assert back.offers_call_back()
    due = app.store.missed_not_returned(datetime.now(UTC))
    assert [c.attempt.number_e164 for c in due] == [MIKE]
    qtbot.wait(300)  # the no-answer call's commits do not take the card away again
    assert back.isVisible() and app.popups.missed_keys() == [back.call_key]

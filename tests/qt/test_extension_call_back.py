"""A colleague who called from their internal extension (Ana, 'x3103', no phone number) is
called back on it: the missed card offers Call back and the softphone dials '3103' on the
office PBX; Callbacks says 'x3103', copies '3103', logs a call made from another phone and
calls back. Before, the card had no Call back and Callbacks' Number was empty with Copy
number, Log a call… and Call back greyed: the missed call stayed due forever.

The app runs in this process over a real store, following a baresip played by a local peer
that speaks ctrl_tcp (tests/qt/test_call_back_failed.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from desktop.adapters.store import NewContact
from desktop.core.models import Attempt, Direction, Outcome, StoredNumber
from desktop.qt.callbacks_window import CallbacksWindow
from desktop.qt.popup import Popup
from tests.adapters.test_baresip_source import frame
from tests.qt.test_call_back_failed import ALWAYS_OPEN, Baresip, baresip  # noqa: F401
from tests.qt.test_popup import button
from tests.qt.test_ring_pipeline import Running, start_app  # noqa: F401 (fixture)
from tests.test_hook_without_app import hook

pytestmark = pytest.mark.qt_log_ignore(
    r"This plugin does not support (raise|propagateSizeHints)\(\)"
)

ANA_URI = "sip:3103@127.0.0.1"


def with_ana(running: Running) -> int:
    store = running.app.store
    extension = StoredNumber("x3103", None, "3103")
    with store.transaction():
        return store.add_contact(NewContact(name="Ana Lopez", company="Our Team",
                                            numbers=(extension,)))  # fmt: skip


def calls_of(running: Running) -> list[tuple[str, str, int | None, str | None, str]]:
    return running.app.store.connection.execute(
        "SELECT direction, outcome, contact_id, number_e164, caller_id FROM attempts "
        "ORDER BY id").fetchall()  # fmt: skip


def ana_missed_card(running: Running, peer: Baresip, qtbot: QtBot) -> Popup:
    """Ana rang from her extension through baresip and nobody answered: her missed card."""
    app = running.app
    qtbot.waitUntil(peer.connected.is_set)
    peer.send(frame("CALL_INCOMING", "in-1", peeruri=ANA_URI, peerdisplayname="Ana"))
    qtbot.waitUntil(lambda: app.popups.has_popup("baresip:in-1"))
    peer.send(frame("CALL_CLOSED", "in-1", peeruri=ANA_URI, param="Connection reset"))
    qtbot.waitUntil(lambda: app.popups.missed_keys() != [])
    [popup] = app.popups.popups()
    return popup


def test_the_missed_card_of_an_extension_calls_it_back(
    baresip: Baresip, start_app: Callable[..., Running], qtbot: QtBot,  # noqa: F811
) -> None:
    running = start_app("--watch", f"baresip:127.0.0.1:{baresip.port}",
                        settings={"dialer": "baresip", **ALWAYS_OPEN})  # fmt: skip
    ana = with_ana(running)
    app = running.app
    app.start(None)
    popup = ana_missed_card(running, baresip, qtbot)
    assert popup.offers_call_back()
    baresip.dials.append([frame("CALL_OUTGOING", "out-1", direction="outgoing",
                                peeruri=ANA_URI, peerdisplayname=""), "answer"])  # fmt: skip

    qtbot.mouseClick(button(popup, "callBack"), Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: bool(running.records("dialed")))
    assert baresip.dialled == ["3103"]  # the PBX connects the extension
    assert app.popups.missed_keys() == [] and app.popups.visible_count() == 0
    qtbot.waitUntil(lambda: len(calls_of(running)) == 2)
    qtbot.wait(300)  # the dial's row and baresip's report of it: one call, either first
    [called, back] = calls_of(running)
    assert called == ("in", "missed", ana, None, ANA_URI)
    assert back[:4] == ("out", "", ana, None) and back[4] in ("3103", ANA_URI)
    assert app.store.missed_not_returned(datetime.now(UTC)) == []  # called back: settled


def ana_in_callbacks(running: Running) -> tuple[int, CallbacksWindow]:
    """Ana's missed call from her extension, her row chosen in Callbacks."""
    ana = with_ana(running)
    app = running.app
    missed = Attempt(Direction.IN, datetime.now(UTC) - timedelta(minutes=5), Outcome.MISSED,
                     caller_id="3103")  # fmt: skip
    assert app.store.record_call(ana, missed, "hook", "hook:ana") is not None
    app.open_callbacks()
    callbacks = app.callbacks.window
    assert isinstance(callbacks, CallbacksWindow)
    waiting = callbacks.table.topLevelItem(0)
    assert waiting is not None and waiting.childCount() == 1
    row = waiting.child(0)
    assert (row.text(0), row.text(1)) == ("Ana Lopez · Our Team", "x3103")
    callbacks.table.setCurrentItem(row)
    assert callbacks.copy.isEnabled() and callbacks.call.isEnabled()
    assert callbacks.log_button.isEnabled()
    return ana, callbacks


def test_callbacks_copy_and_call_a_colleague_back_on_their_extension(
    baresip: Baresip, start_app: Callable[..., Running], qtbot: QtBot,  # noqa: F811
) -> None:
    running = start_app("--watch", f"baresip:127.0.0.1:{baresip.port}",
                        settings={"dialer": "baresip", **ALWAYS_OPEN})  # fmt: skip
    running.app.start(None)
    ana, callbacks = ana_in_callbacks(running)

    qtbot.mouseClick(callbacks.copy, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == "3103"  # what the rep dials

    qtbot.waitUntil(baresip.connected.is_set)
    baresip.dials.append(["answer"])
    qtbot.mouseClick(callbacks.call, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: baresip.dialled == ["3103"])
    qtbot.waitUntil(lambda: len(calls_of(running)) == 2)  # the call out, on her
    assert calls_of(running)[1] == ("out", "", ana, None, "3103")
    callbacks.reload()
    assert callbacks.status.text() == "Nothing due"


def test_callbacks_log_a_call_to_a_colleagues_extension(
    start_app: Callable[..., Running], qtbot: QtBot,  # noqa: F811
) -> None:
    """The rep reached Ana from the desk phone: logged on her, kept as '3103', settled."""
    from desktop.qt.wrap_up import WrapUp

    running = start_app()
    ana, callbacks = ana_in_callbacks(running)
    app = running.app

    qtbot.mouseClick(callbacks.log_button, Qt.MouseButton.LeftButton)

    [(by_hand, whose, dialled)] = app.store.connection.execute(
        "SELECT id, contact_id, caller_id FROM attempts WHERE source = 'by hand'").fetchall()
    assert (whose, dialled) == (ana, "3103")
    assert isinstance(app.wrap_ups.window_for(by_hand), WrapUp)  # how it went: asked now
    callbacks.reload()
    assert callbacks.status.text() == "Nothing due"


def test_the_missed_card_of_an_extension_goes_when_a_terminal_logs_the_call_back(
    baresip: Baresip, start_app: Callable[..., Running], qtbot: QtBot,  # noqa: F811
    tmp_path: Path,
) -> None:
    """The rep called Ana from the desk phone and a script logged it (log-call x3103): her
    card goes, as a number's does when another process logs a call back to it."""
    running = start_app("--watch", f"baresip:127.0.0.1:{baresip.port}",
                        settings={"dialer": "baresip", **ALWAYS_OPEN})  # fmt: skip
    with_ana(running)
    running.app.start(None)
    ana_missed_card(running, baresip, qtbot)
    qtbot.wait(1100)  # a call back counts from the second after the card was kept

    logged = hook(tmp_path / "data", "log-call", "--outcome", "talked", "x3103")
    assert logged.returncode == 0, logged.stderr

    qtbot.waitUntil(lambda: running.app.popups.missed_keys() == [])


def test_a_missed_card_of_an_extension_called_back_while_the_app_was_down_stays_gone(
    start_app: Callable[..., Running], qtbot: QtBot,  # noqa: F811
) -> None:
    """Ana's card was up at quit; the rep called her back from the desk phone and a script
    logged it (log-call x3103) before the app started again: it does not come back."""
    from desktop.adapters.missed_cards_file import OpenMissedCard

    running = start_app()
    ana = with_ana(running)
    app = running.app
    rang = datetime.now(UTC) - timedelta(minutes=20)
    assert app.pipeline.reopen_missed(OpenMissedCard("3103", "Ana", rang, 1)) is not None
    app.popups.dismiss_all()
    called = Attempt(Direction.OUT, rang + timedelta(minutes=5), Outcome.TALKED,
                     caller_id="3103")  # fmt: skip
    assert app.store.record_call(ana, called, "by hand", "desk-phone") is not None

    assert app.pipeline.reopen_missed(OpenMissedCard("3103", "Ana", rang, 1)) is None
    assert app.popups.missed_keys() == []

"""The Call buttons: one ClickToCall behind Recent calls, Callbacks and the contact view, a
question (never a blocking one) outside their business hours, and a visible message, with the
number on the clipboard, when no softphone can place the call."""

from __future__ import annotations

import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox, QToolButton
from pytestqt.qtbot import QtBot

from desktop.adapters.bundled import default_opener_templates
from desktop.adapters.dialing import DialPlacer
from desktop.adapters.lookup import CallerLookup
from desktop.adapters.store import NewContact, Store
from desktop.core.business_hours import BusinessHours, TheirClock, their_clock
from desktop.core.dialers import Dialer
from desktop.core.models import Attempt, Direction, Outcome, StoredNumber
from desktop.core.numbers import NumberPolicy
from desktop.qt.call_list import CallList
from desktop.qt.click_to_call import ClickToCall, PlacedCall
from desktop.qt.contact_view import ContactView
from tests.adapters.test_dialing import NOWHERE, CtrlTcpAnswerer
from tests.conftest import PYTHON, REPO, python_env

DANA = "+14155550142"
NOW = datetime.now(UTC).replace(microsecond=0)
DAYTIME = TheirClock("10:30", "", several_zones=False)
NIGHT = TheirClock("23:40", "outside business hours there (after 18:00)", several_zones=False,
                   problem="after 18:00")  # fmt: skip
SHOTS = REPO / "artifacts" / "screenshots"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(tmp_path / "callercard.sqlite3")
    numbers = (StoredNumber("(415) 555-0142", DANA),)
    dana = store.add_contact(NewContact("Dana Whitfield", company="Harbor Freight Lines",
                                        numbers=numbers))  # fmt: skip
    store.record_call(dana, Attempt(Direction.IN, NOW - timedelta(minutes=20), Outcome.MISSED,
                                    number_e164=DANA), "twinkle", "k1")  # fmt: skip
    yield store
    store.close()


def nothing_can_call(tmp_path: Path) -> DialPlacer:
    """This machine as a rep's laptop with no softphone at all: nothing on PATH, no baresip."""
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    return DialPlacer(home=tmp_path, search_path=NOWHERE, baresip_address=("127.0.0.1", port),
                      platform="linux")  # fmt: skip


def shown_messages(calls: ClickToCall) -> list[QMessageBox]:
    return [box for box in calls.messages if box.isVisible()]


def recent_calls(qtbot: QtBot, store: Store, calls: ClickToCall) -> CallList:
    window = CallList(store.calls)
    qtbot.addWidget(window)
    window.placer = calls
    window.open()
    window.table.setCurrentItem(window.table.topLevelItem(0))
    return window


def test_no_softphone_shows_why_and_copies_the_number(
    qtbot: QtBot, store: Store, tmp_path: Path
) -> None:
    calls = ClickToCall(nothing_can_call(tmp_path), lambda: Dialer.AUTOMATIC, lambda _: DAYTIME)
    placed: list[object] = []
    calls.placed.connect(placed.append)
    window = recent_calls(qtbot, store, calls)
    QGuiApplication.clipboard().setText("something else")

    qtbot.mouseClick(window.call, Qt.MouseButton.LeftButton)

    [box] = shown_messages(calls)
    assert box.windowTitle() == "CallerCard — Call not placed"
    assert box.textFormat() is Qt.TextFormat.PlainText
    assert box.windowModality() is Qt.WindowModality.NonModal, "the rep can go on working"
    first, tried, copied = box.text().split("\n\n")
    assert first == "No softphone could place the call."
    assert tried.startswith("baresip is not listening on 127.0.0.1:")
    assert "no application is set to open tel: links" in tried
    assert copied == "+1 415-555-0142 is on the clipboard: dial it on your phone."
    assert window.status.text() == "No softphone could place the call. Number copied."
    assert QGuiApplication.clipboard().text() == DANA
    assert placed == [], "nothing was placed, so nothing is logged"
    SHOTS.mkdir(parents=True, exist_ok=True)
    box.grab().save(str(SHOTS / "click_to_call_not_placed.png"))
    box.close()


def test_a_placed_call_is_announced_for_the_log(qtbot: QtBot, store: Store) -> None:
    baresip = CtrlTcpAnswerer()
    try:
        placer = DialPlacer(search_path=NOWHERE, baresip_address=("127.0.0.1", baresip.port))
        calls = ClickToCall(placer, lambda: Dialer.BARESIP, lambda _: DAYTIME)
        placed: list[object] = []
        calls.placed.connect(placed.append)
        window = recent_calls(qtbot, store, calls)
        qtbot.mouseClick(window.call, Qt.MouseButton.LeftButton)
    finally:
        baresip.close()
    [call] = placed
    assert isinstance(call, PlacedCall) and call.e164 == DANA
    assert call.result.dialer is Dialer.BARESIP and call.result.follows_up
    assert [c["params"] for c in baresip.commands] == [DANA]
    assert window.status.text() == "Calling with baresip: +1 415-555-0142"
    assert shown_messages(calls) == []


def test_outside_their_hours_the_call_waits_for_call_anyway(qtbot: QtBot, store: Store) -> None:
    baresip = CtrlTcpAnswerer()
    try:
        placer = DialPlacer(search_path=NOWHERE, baresip_address=("127.0.0.1", baresip.port))
        calls = ClickToCall(placer, lambda: Dialer.BARESIP, lambda _: NIGHT)
        window = recent_calls(qtbot, store, calls)
        assert window.call.toolTip() == ("Call +1 415-555-0142 with baresip\nTheir time: 23:40 — "
                                         "outside business hours there (after 18:00)")  # fmt: skip
        qtbot.mouseClick(window.call, Qt.MouseButton.LeftButton)
        [question] = shown_messages(calls)
        assert question.windowTitle() == "CallerCard — Outside business hours"
        assert question.text() == ("It is 23:40 at +1 415-555-0142: outside business hours "
                                   "there (after 18:00).")  # fmt: skip
        assert question.windowModality() is Qt.WindowModality.NonModal
        # Asked from a card's Call back too: never under the always-on-top cards.
        assert question.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
        assert baresip.commands == [], "not placed before the rep says so"
        [call_anyway] = [b for b in question.buttons() if b.text() == "Call anyway"]
        qtbot.mouseClick(call_anyway, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: bool(baresip.commands))
    finally:
        baresip.close()
    assert [c["params"] for c in baresip.commands] == [DANA]


def test_on_their_weekend_the_question_names_the_day(qtbot: QtBot) -> None:
    """It said "It is 11:12 AM at …: outside business hours there (weekend)": which day?"""
    saturday = datetime(2026, 12, 5, 19, 12, tzinfo=UTC)  # 11:12 AM in San Francisco
    calls = ClickToCall(DialPlacer(search_path=NOWHERE), lambda: Dialer.AUTOMATIC,
                        lambda n: their_clock(n, saturday, BusinessHours(), "12h"))  # fmt: skip
    calls.call(DANA, None)
    [question] = shown_messages(calls)
    assert question.text() == ("It is Saturday 11:12 AM at +1 415-555-0142: outside business "
                               "hours there (weekend).")  # fmt: skip
    question.close()


ESCAPE_ON_THE_QUESTION = """
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from desktop.adapters.dialing import DialPlacer
from desktop.core.business_hours import BusinessHours, TheirClock, their_clock
from desktop.core.dialers import Dialer
from desktop.qt.click_to_call import ClickToCall

app = QApplication([])
view = QWidget()
view.show()
night = TheirClock("11:15 AM", "outside business hours there (weekend)", several_zones=False)
calls = ClickToCall(DialPlacer(), lambda: Dialer.AUTOMATIC, lambda _: night)
placed = []
calls.placed.connect(placed.append)
calls.call("+14155550142", view)
[question] = calls.messages
QTest.qWait(50)
QTest.keyClick(question, Qt.Key.Key_Escape)
QTest.qWait(50)
print(len(calls.messages), len(placed))
"""


def test_escape_on_the_question_cancels_without_crashing_the_app() -> None:
    """Escape on "Outside business hours" pressed the Ok its buttons had replaced after it
    was shown: a segfault that took the whole tray app down. In a child, so a crash fails
    this test instead of the suite."""
    done = subprocess.run([PYTHON, "-c", ESCAPE_ON_THE_QUESTION], capture_output=True,
                          text=True, timeout=60, check=False, cwd=REPO,
                          env=python_env(QT_QPA_PLATFORM="offscreen"))  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["0", "0"], "the question went and nothing was dialled"


def test_the_contact_views_call_button_goes_through_the_same_place(
    qtbot: QtBot, store: Store, tmp_path: Path
) -> None:
    calls = ClickToCall(nothing_can_call(tmp_path), lambda: Dialer.TWINKLE, lambda _: DAYTIME)
    lookup = CallerLookup(store, NumberPolicy("US"), default_opener_templates())
    view = ContactView(lookup, 1, placer=calls)
    qtbot.addWidget(view)
    view.open()
    [call] = [b for b in view.findChildren(QToolButton) if b.text() == "Call"]
    assert call.toolTip() == "Call +1 415-555-0142 with Twinkle\nTheir time: 10:30"

    qtbot.mouseClick(call, Qt.MouseButton.LeftButton)

    [box] = shown_messages(calls)
    assert box.text().startswith("Twinkle is not installed.\n\nStart it, or choose how calls")
    assert view.status.text() == "Twinkle is not installed. Number copied."
    box.close()
    QApplication.processEvents()


def test_a_call_from_a_contact_s_view_is_placed_for_that_contact(
    qtbot: QtBot, store: Store, tmp_path: Path
) -> None:
    """On a number several contacts share, the history files the call under the contact
    whose view placed it (desktop.core.callee), so the view says whom it was for."""
    from desktop.qt.click_to_call import PlacedCall
    from tests.qt.test_missed_card import twinkle

    calls = ClickToCall(twinkle(tmp_path), lambda: Dialer.TWINKLE, lambda _: DAYTIME)
    placed: list[object] = []
    calls.placed.connect(placed.append)
    lookup = CallerLookup(store, NumberPolicy("US"), default_opener_templates())
    view = ContactView(lookup, 1, placer=calls)
    qtbot.addWidget(view)
    view.open()
    [call] = [b for b in view.findChildren(QToolButton) if b.text() == "Call"]

    qtbot.mouseClick(call, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: bool(placed))
    [done] = placed
    assert isinstance(done, PlacedCall) and (done.e164, done.contact_id) == ("+14155550142", 1)


def test_settings_offer_each_way_to_place_calls_and_keep_the_choice(qtbot: QtBot) -> None:
    from desktop.adapters.settings import Settings
    from desktop.qt.settings_window import SettingsWindow

    window = SettingsWindow(Settings(dialer="linphone"), {}, "US")
    qtbot.addWidget(window)
    offered = [window.dialer.itemData(i) for i in range(window.dialer.count())]
    assert offered == ["automatic", "baresip", "twinkle", "linphone", "microsip", "system"]
    texts = [window.dialer.itemText(i) for i in range(window.dialer.count())]
    assert [t.removesuffix(" (not found)") for t in texts] == [d.label for d in Dialer]
    assert texts[0] == "Automatic", "always possible: it says what it tried"
    assert window.dialer.currentData() == "linphone"
    window.dialer.setCurrentIndex(window.dialer.findData("baresip"))
    saved: list[object] = []
    window.saved.connect(saved.append)
    window._save()
    [settings] = saved
    assert isinstance(settings, Settings) and settings.dialer == "baresip"


def test_a_softphone_slow_to_answer_never_freezes_the_app(qtbot: QtBot, store: Store) -> None:
    """baresip's ctrl_tcp takes the dial and never answers: the app asks from a worker, so the
    window says "Calling…" at once, the event loop keeps running (a card could still pop), a
    second click does not dial twice, and after the wait the rep is told and gets the number."""
    from desktop.qt.bridge import ThreadBridge

    silent = socket.create_server(("127.0.0.1", 0))
    received: list[bytes] = []

    def swallow() -> None:
        client, _ = silent.accept()
        with client:
            while data := client.recv(4096):
                received.append(data)

    threading.Thread(target=swallow, daemon=True).start()
    bridge = ThreadBridge()
    try:
        placer = DialPlacer(search_path=NOWHERE,
                            baresip_address=("127.0.0.1", silent.getsockname()[1]))  # fmt: skip
        calls = ClickToCall(placer, lambda: Dialer.BARESIP, lambda _: DAYTIME,
                            on_main=bridge.call_from_thread)  # fmt: skip
        window = recent_calls(qtbot, store, calls)
        ticks: list[float] = []
        timer = QTimer()
        timer.timeout.connect(lambda: ticks.append(time.monotonic()))
        timer.start(50)
        started = time.monotonic()
        qtbot.mouseClick(window.call, Qt.MouseButton.LeftButton)
        assert time.monotonic() - started < 1.0, "the click returned before baresip answered"
        assert window.status.text() == "Calling +1 415-555-0142…"
        qtbot.mouseClick(window.call, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: bool(shown_messages(calls)), timeout=10_000)
        timer.stop()
    finally:
        silent.close()
    [box] = shown_messages(calls)
    assert box.text().startswith("baresip (ctrl_tcp at 127.0.0.1:")
    assert "did not place the call: baresip did not answer." in box.text()
    assert QGuiApplication.clipboard().text() == DANA
    assert len([t for t in ticks if t > started + 0.5]) >= 10, "the event loop kept running"
    assert b"".join(received).count(b'"dial"') == 1, "the second click dialled nothing"
    box.close()

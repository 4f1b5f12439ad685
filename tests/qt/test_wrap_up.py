"""The wrap-up after an outbound call: prefilled, quick to answer by mouse or keyboard, saved
into the store, and never in the way of what the rep is typing."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QKeySequence, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from desktop.adapters.store import NewContact, Store
from desktop.core.localtime import HourCycle
from desktop.core.models import Attempt, Contact, Direction, Outcome, StoredNumber
from desktop.qt.wrap_up import MAX_OPEN, WrapUp, WrapUpResult, call_line
from tests.adapters.test_call_history import asterisk_line
from tests.conftest import PYTHON, REPO, python_env
from tests.traced_app import TracedApp

NOW = datetime(2026, 3, 10, 16, 30, tzinfo=UTC)
SHOTS = REPO / "artifacts" / "screenshots"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(tmp_path / "callercard.sqlite3")
    yield store
    store.close()


def jane(store: Store) -> tuple[Contact, int, Attempt]:
    """A contact with a call just recorded against her, as CallHistory leaves it."""
    contact_id = store.add_contact(
        NewContact(
            "Jane Doe",
            company="Acme",
            reason="Asked for the Q3 pricing sheet",
            numbers=(StoredNumber("+14155550123", "+14155550123"),),
        )
    )
    attempt = Attempt(
        Direction.OUT,
        NOW - timedelta(minutes=2),
        reason="Asked for the Q3 pricing sheet",
        number_e164="+14155550123",
    )
    attempt_id = store.record_call(contact_id, attempt, "twinkle", "twinkle:1@1")
    assert attempt_id is not None
    contact = store.contact(contact_id)
    assert contact is not None
    return contact, attempt_id, attempt


def open_wrap_up(qtbot: QtBot, store: Store, outcome: Outcome = Outcome.UNKNOWN) -> WrapUp:
    contact, attempt_id, attempt = jane(store)
    if outcome is not Outcome.UNKNOWN:
        attempt = Attempt(attempt.direction, attempt.at, outcome, reason=attempt.reason,
                          number_e164=attempt.number_e164)  # fmt: skip
    window = WrapUp(attempt_id, contact, attempt, now=NOW)
    qtbot.addWidget(window)
    window.saved.connect(lambda r: store.save_wrap_up(r.attempt_id, r.outcome, r.message, r.reason))
    window.reveal()
    return window


def stored(store: Store) -> tuple[object, ...]:
    row = store.connection.execute(
        "SELECT a.outcome, a.message, a.reason, c.reason FROM attempts a "
        "JOIN contacts c ON c.id = a.contact_id"
    ).fetchone()
    return tuple(row)


def test_it_is_prefilled_with_why_we_called_and_saves_with_three_clicks(
    qtbot: QtBot, store: Store
) -> None:
    window = open_wrap_up(qtbot, store)
    assert window.reason.text() == "Asked for the Q3 pricing sheet"
    assert window.call.text() == "Called +1 415-555-0123, today 16:28"
    assert not window.save_button.isEnabled()  # nothing picked yet
    assert window.hint.isVisible()

    qtbot.mouseClick(window.buttons[Outcome.VOICEMAIL], Qt.MouseButton.LeftButton)
    window.message.setPlainText("Left my direct line; will send the sheet")
    window.reason.setText("Pricing sheet, then a demo")
    with qtbot.waitSignal(window.saved) as saved:
        qtbot.mouseClick(window.save_button, Qt.MouseButton.LeftButton)

    assert saved.args == [
        WrapUpResult(window.attempt_id, Outcome.VOICEMAIL,
                     "Left my direct line; will send the sheet", "Pricing sheet, then a demo")
    ]  # fmt: skip
    message, reason = "Left my direct line; will send the sheet", "Pricing sheet, then a demo"
    assert stored(store) == ("voicemail", message, reason, reason)
    assert not window.isVisible()


def test_a_company_with_no_person_is_named_by_its_company(qtbot: QtBot, store: Store) -> None:
    """A switchboard imported as a company alone: "(no name) · Kestrel Logistics Ltd" in the
    wrap-up, where Recent calls and Search say "Kestrel Logistics Ltd"."""
    number = "+442079460321"
    contact_id = store.add_contact(NewContact(
        "", company="Kestrel Logistics Ltd", numbers=(StoredNumber(number, number),)))  # fmt: skip
    attempt = Attempt(Direction.IN, NOW - timedelta(minutes=2), Outcome.TALKED,
                      number_e164=number)  # fmt: skip
    attempt_id = store.record_call(contact_id, attempt, "hook", "hook:1")
    contact = store.contact(contact_id)
    assert attempt_id is not None and contact is not None
    window = WrapUp(attempt_id, contact, attempt, now=NOW)
    qtbot.addWidget(window)
    assert window.who.text() == "Kestrel Logistics Ltd"
    assert window.windowTitle() == "Wrap-up — Kestrel Logistics Ltd"


def test_an_unanswered_call_comes_preselected(qtbot: QtBot, store: Store) -> None:
    window = open_wrap_up(qtbot, store, Outcome.NO_ANSWER)
    assert window.outcome() is Outcome.NO_ANSWER
    assert window.save_button.isEnabled()

    window.reason.setFocus()
    with qtbot.waitSignal(window.saved):
        qtbot.keyClick(window.reason, Qt.Key.Key_Return)
    assert stored(store)[0] == "no_answer"


def test_the_keyboard_reaches_everything(qtbot: QtBot, store: Store) -> None:
    window = open_wrap_up(qtbot, store)
    assert not window.accepts_focus()
    qtbot.mouseClick(window.who, Qt.MouseButton.LeftButton)  # the rep clicked into it
    assert window.accepts_focus()
    qtbot.waitUntil(window.isActiveWindow)

    # Alt+letter picks an outcome (a mnemonic each; QTest cannot press them, a person can)
    keys = [QKeySequence.mnemonic(b.text()).toString() for b in window.buttons.values()]
    assert keys == ["Alt+V", "Alt+N", "Alt+G", "Alt+T"]
    # Tab walks from the outcomes to the message, the reason and the buttons
    window.buttons[Outcome.VOICEMAIL].setFocus()
    visited = []
    for _ in range(8):
        focused = QApplication.focusWidget()
        visited.append(focused)
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
    assert {window.message, window.reason, window.skip_button} <= set(visited)
    window.buttons[Outcome.TALKED].setFocus()
    qtbot.keyClick(window.buttons[Outcome.TALKED], Qt.Key.Key_Space)
    assert window.outcome() is Outcome.TALKED
    with qtbot.waitSignal(window.saved):
        qtbot.keyClick(window.message, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert stored(store)[0] == "talked"


def test_the_callback_window_is_read_as_typed_and_saved(qtbot: QtBot, store: Store) -> None:
    from zoneinfo import ZoneInfo

    from desktop.core.callbacks import Window

    contact, attempt_id, attempt = jane(store)
    here = ZoneInfo("America/New_York")
    window = WrapUp(attempt_id, contact, attempt, now=NOW.astimezone(here))  # 12:30 there
    qtbot.addWidget(window)
    window.reveal()
    qtbot.mouseClick(window.buttons[Outcome.VOICEMAIL], Qt.MouseButton.LeftButton)
    qtbot.keyClicks(window.callback_field, "soonish")
    assert not window.save_button.isEnabled()
    assert window.hint.text().startswith("Callback window: say when")
    window.callback_field.clear()
    qtbot.keyClicks(window.callback_field, "tomorrow 9-12")
    assert window.save_button.isEnabled()
    assert window.hint.text() == "You'll be in 9–12 tomorrow"
    with qtbot.waitSignal(window.saved) as saved:
        qtbot.keyClick(window.callback_field, Qt.Key.Key_Return)
    result = saved.args[0]
    assert result.callback == Window(datetime(2026, 3, 11, 9, tzinfo=here),
                                     datetime(2026, 3, 11, 12, tzinfo=here))  # fmt: skip


@pytest.mark.parametrize(("cycle", "placeholder", "refused"), [
    ("24h", "e.g. 9-12, tomorrow 9–12, Fri 14-16, by 17:00",
     'Callback window: say when, e.g. "9-12", "tomorrow 9–12", "Fri 14-16" or "by 17:00"'),
    ("12h", "e.g. 9-12, tomorrow 9–12, Fri 2-4pm, by 5pm",
     'Callback window: say when, e.g. "9-12", "tomorrow 9–12", "Fri 2-4pm" or "by 5pm"'),
])  # fmt: skip
def test_the_callback_examples_follow_the_reps_clock(
    qtbot: QtBot, store: Store, cycle: HourCycle, placeholder: str, refused: str
) -> None:
    """A 24-hour desktop was shown "Fri 2-4pm" as the example."""
    contact, attempt_id, attempt = jane(store)
    window = WrapUp(attempt_id, contact, attempt, now=NOW, hour_cycle=cycle)
    qtbot.addWidget(window)
    assert window.callback_field.placeholderText() == placeholder
    qtbot.mouseClick(window.buttons[Outcome.VOICEMAIL], Qt.MouseButton.LeftButton)
    qtbot.keyClicks(window.callback_field, "soonish")
    assert window.hint.text() == refused


def test_escape_or_closing_skips_and_changes_nothing(qtbot: QtBot, store: Store) -> None:
    window = open_wrap_up(qtbot, store)
    skipped: list[object] = []
    window.skipped.connect(skipped.append)

    qtbot.keyClick(window, Qt.Key.Key_Escape)
    window.close()

    assert skipped == [window.attempt_id]
    assert stored(store) == ("", "", "Asked for the Q3 pricing sheet",
                             "Asked for the Q3 pricing sheet")  # fmt: skip


def test_escape_after_typing_a_note_asks_before_dropping_it(qtbot: QtBot, store: Store) -> None:
    """Used as a rep: a note typed into an answered call's wrap-up, then one stray Esc, and the
    window was gone with the note: nothing stored, nothing said."""
    window = open_wrap_up(qtbot, store, Outcome.TALKED)
    skipped: list[object] = []
    window.skipped.connect(skipped.append)
    qtbot.keyClicks(window.message, "Wants 3 quotes by Friday")

    qtbot.keyClick(window.message, Qt.Key.Key_Escape)
    assert window.isVisible() and skipped == []
    assert window.hint.text() == "Esc again drops what you typed; Ctrl+Enter saves it."
    qtbot.keyClicks(window.message, ", and a demo")  # typing on: the next Esc asks again
    qtbot.keyClick(window.message, Qt.Key.Key_Escape)
    assert window.isVisible() and skipped == []

    with qtbot.waitSignal(window.saved) as saved:
        qtbot.mouseClick(window.save_button, Qt.MouseButton.LeftButton)
    assert saved.args[0].message == "Wants 3 quotes by Friday, and a demo"


def test_a_second_escape_drops_what_was_typed(qtbot: QtBot, store: Store) -> None:
    window = open_wrap_up(qtbot, store)
    skipped: list[object] = []
    window.skipped.connect(skipped.append)
    qtbot.keyClicks(window.message, "Nobody there")
    qtbot.keyClick(window.message, Qt.Key.Key_Escape)
    qtbot.keyClick(window.message, Qt.Key.Key_Escape)
    assert skipped == [window.attempt_id] and not window.isVisible()
    assert stored(store)[1] == ""


def test_caller_text_is_shown_as_plain_text(qtbot: QtBot) -> None:
    contact = Contact(id=1, name="<b>Bob</b> & Sons", company="<i>Evil</i> Ltd",
                      reason="<script>x</script>")  # fmt: skip
    window = WrapUp(1, contact, Attempt(Direction.OUT, NOW), now=NOW)
    qtbot.addWidget(window)
    assert window.who.textFormat() is Qt.TextFormat.PlainText
    assert window.who.text() == "<b>Bob</b> & Sons · <i>Evil</i> Ltd"
    assert window.reason.text() == "<script>x</script>"


def test_it_appears_without_taking_the_keyboard(qtbot: QtBot, store: Store) -> None:
    window = open_wrap_up(qtbot, store)
    assert window.testAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
    assert window.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    assert not window.isModal()
    assert QApplication.activeWindow() is not window


def test_the_call_line_names_the_day_when_it_was_not_today() -> None:
    attempt = Attempt(Direction.OUT, NOW - timedelta(days=1), number_e164="+442079460321")
    assert call_line(attempt, NOW) == "Called +44 20 7946 0321, Mon 9 Mar 16:30"


@pytest.mark.xvfb
def test_on_a_real_display_it_keeps_the_typists_focus_and_looks_right(
    xvfb_display: str,
) -> None:
    result = subprocess.run(
        [PYTHON, "-m", "tests.qt.show_wrap_up_demo", str(SHOTS)],
        env=python_env(DISPLAY=xvfb_display, QT_QPA_PLATFORM="xcb"),
        cwd=REPO, capture_output=True, text=True, timeout=90, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])

    assert report["platform"] == "xcb"
    assert report["editor_active_before"] is True
    assert report["editor_active_after"] is True
    assert report["wrap_up_active"] is False
    assert report["typed"] == "typed after the call"
    x, y, width, height = report["geometry"]
    screen_width, _screen_height = report["screen"]
    assert x + width <= screen_width and y >= 0  # top-right, on screen
    assert x > screen_width / 2
    assert 250 <= height <= 420  # everything fits without a cramped or towering window
    assert report["reason"] == "Asked for the Q3 pricing sheet after the webinar"
    assert report["save_enabled"] is True
    assert report["dark_save_enabled"] is False
    assert report["hint_visible_when_nothing_picked"] is True
    # After an incoming call: typing elsewhere goes on; one click and the note takes the keys.
    assert report["inbound_typed"] == "typed after the call and after the next"
    assert report["inbound_active_before_click"] is False
    if shutil.which("xprop"):
        assert "Client accepts input or input focus: False" in report["inbound_xprop"]
    assert report["inbound_active_after_click"] is True
    assert report["inbound_focus_in_note"] is True
    assert report["inbound_note"] == "Wants a demo"
    assert 250 <= report["inbound_height"] <= 420
    assert (SHOTS / "wrap_up_inbound.png").stat().st_size > 5000
    assert (SHOTS / "wrap_up.png").stat().st_size > 5000
    assert shutil.which("Xvfb")


# --- the whole loop, in the real app ---------------------------------------------------------


class HistoryApp(TracedApp):
    """The app as a child process (offscreen) watching an Asterisk log, with Jane in its book."""

    def __init__(self, tmp: Path) -> None:
        self.data = tmp / "data"
        self.log = tmp / "cdr-csv" / "Master.csv"
        self.trace = tmp / "trace.jsonl"
        self.proc: subprocess.Popen[str] | None = None

    def start(self) -> None:
        self.trace.unlink(missing_ok=True)
        self.proc = subprocess.Popen(
            [PYTHON, "-m", "desktop", "--data-dir", str(self.data), "--region", "US",
             "--background", "--watch", f"asterisk:{self.log}", "--trace", str(self.trace)],
            env=python_env(QT_QPA_PLATFORM="offscreen"), cwd=REPO,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        self.wait_for(lambda r: r["stage"] == "ready", "ready")

    def stop(self) -> None:
        self.terminate()
        self.proc = None

    def wait(self, done: Callable[[], bool], what: str, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if done():
                return
            if self.proc is not None and self.proc.poll() is not None:
                pytest.fail(f"the app exited waiting for {what}: {self.proc.communicate()[1]}")
            time.sleep(0.05)
        pytest.fail(f"timed out waiting for {what}")

    def app_log(self) -> str:
        path = self.data / "callercard.log"
        return path.read_text(encoding="utf-8") if path.exists() else ""

    def calls(self) -> list[tuple[object, ...]]:
        conn = sqlite3.connect(f"file:{self.data / 'callercard.sqlite3'}?mode=ro", uri=True)
        try:
            return conn.execute(
                "SELECT c.name, a.direction, a.outcome, a.number_e164 FROM attempts a "
                "LEFT JOIN contacts c ON c.id = a.contact_id WHERE a.source = 'asterisk' "
                "ORDER BY a.at"
            ).fetchall()
        finally:
            conn.close()

    def append(self, line: bytes) -> None:
        with self.log.open("ab") as handle:
            handle.write(line)


def cdr(n: int, src: str, dst: str, context: str, minutes_ago: float, answered: bool) -> bytes:
    return asterisk_line(n, src, dst, context, time.time() - minutes_ago * 60, answered)


@pytest.fixture
def history_app(tmp_path: Path) -> Iterator[HistoryApp]:
    app = HistoryApp(tmp_path)
    app.data.mkdir(parents=True)
    store = Store.open(app.data / "callercard.sqlite3")
    jane(store)
    store.close()
    app.log.parent.mkdir(parents=True)
    app.log.write_bytes(cdr(1, "+14155550100", "1001", "from-trunk", 120, True))
    yield app
    app.stop()


def test_the_app_records_calls_asks_for_the_wrap_up_and_catches_up_after_a_restart(
    history_app: HistoryApp,
) -> None:
    app = history_app
    app.start()
    app.append(cdr(2, "1001", "+14155550123", "from-internal", 1, True))  # we call Jane
    app.append(cdr(3, "+14155550177", "1001", "from-trunk", 0.5, False))  # a stranger, missed

    app.wait(lambda: "wrap-up shown for attempt" in app.app_log(), "the wrap-up")
    app.wait(lambda: len(app.calls()) == 2, "two calls in the history")
    app.stop()

    app.append(cdr(4, "+14155550123", "1001", "from-trunk", 0.2, False))  # Jane, while down
    app.start()
    app.wait(lambda: len(app.calls()) == 3, "the call that came while the app was down")
    app.stop()
    app.start()
    time.sleep(1.0)
    app.stop()

    assert app.calls() == [
        ("Jane Doe", "out", "", "+14155550123"),
        (None, "in", "missed", "+14155550177"),
        ("Jane Doe", "in", "missed", "+14155550123"),
    ]
    assert app.app_log().count("wrap-up shown for attempt") == 1  # none for the catch-up


# --- after an incoming call ------------------------------------------------------------------


def test_after_an_answered_incoming_call_it_asks_for_a_note_and_when_to_call_back(
    qtbot: QtBot, store: Store
) -> None:
    contact, _attempt_id, _out = jane(store)
    inbound = Attempt(Direction.IN, NOW - timedelta(minutes=6), Outcome.TALKED,
                      number_e164="+14155550123")  # fmt: skip
    attempt_id = store.record_call(contact.id, inbound, "twinkle", "twinkle:2@2")
    assert attempt_id is not None
    window = WrapUp(attempt_id, contact, inbound, now=NOW)
    qtbot.addWidget(window)
    window.reveal()

    assert window.call.text() == "They called from +1 415-555-0123, today 16:24"
    assert [b.text() for b in window.buttons.values()] == [
        "&Talked", "Their &gatekeeper", "They left &voicemail"]  # fmt: skip
    assert window.outcome() is Outcome.TALKED and window.save_button.isEnabled()
    labels = {label.text() for label in window.findChildren(QLabel)}
    assert {"Note", "What it was about", "Call them back by"} <= labels
    assert not window.accepts_focus() and QApplication.activeWindow() is not window

    window.message.setPlainText("Wants the pricing sheet by Friday")
    window.callback_field.setText("by 17:00")
    window.callback_field.textEdited.emit("by 17:00")
    assert window.hint.text() == "Call them back by 17:00 today"
    with qtbot.waitSignal(window.saved) as saved:
        qtbot.mouseClick(window.save_button, Qt.MouseButton.LeftButton)
    result = saved.args[0]
    assert (result.outcome, result.message) == (Outcome.TALKED, "Wants the pricing sheet by Friday")
    assert result.callback is not None and result.callback.end == NOW.replace(hour=17, minute=0)


def test_call_them_back_by_takes_a_bare_time_as_the_rep_types_it(
    qtbot: QtBot, store: Store
) -> None:
    """"tomorrow 5pm" in "Call them back by" was refused as no window, and Save stayed grey."""
    contact, _attempt_id, _out = jane(store)
    inbound = Attempt(Direction.IN, NOW, Outcome.TALKED, number_e164="+14155550123")
    attempt_id = store.record_call(contact.id, inbound, "twinkle", "twinkle:3@3")
    assert attempt_id is not None
    window = WrapUp(attempt_id, contact, inbound, now=NOW)
    qtbot.addWidget(window)
    window.reveal()

    qtbot.keyClicks(window.callback_field, "tomorrow 5pm")
    assert window.hint.text() == "Call them back by 17:00 tomorrow"
    assert window.save_button.isEnabled()
    window.callback_field.clear()
    qtbot.keyClicks(window.callback_field, "soonish")
    assert window.hint.text().startswith("Call them back by: say by when")
    assert not window.save_button.isEnabled()


def test_a_german_rep_types_call_them_back_by_in_german(
    qtbot: QtBot, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """"morgen 14 Uhr" was refused ("say by when"), where "tomorrow 2pm" was read: on a
    German desktop (LC_ALL de_DE) the wrap-up reads the rep's own words."""
    from desktop.qt.system_clock import time_language

    monkeypatch.setenv("LC_ALL", "de_DE.UTF-8")
    assert time_language() == "de"
    contact, _attempt_id, _out = jane(store)
    inbound = Attempt(Direction.IN, NOW, Outcome.TALKED, number_e164="+14155550123")
    attempt_id = store.record_call(contact.id, inbound, "twinkle", "twinkle:5@5")
    assert attempt_id is not None
    window = WrapUp(attempt_id, contact, inbound, now=NOW, language=time_language())
    qtbot.addWidget(window)
    window.reveal()
    assert window.callback_field.placeholderText() == (
        "e.g. 17 Uhr, morgen 14 Uhr, Fr bis 12")  # fmt: skip
    qtbot.keyClicks(window.callback_field, "morgen 14 Uhr")
    assert window.hint.text() == "Call them back by 14:00 tomorrow"
    assert window.save_button.isEnabled()


def test_what_the_callback_field_reads_as_has_a_line_of_its_own(
    qtbot: QtBot, store: Store
) -> None:
    """Used as a rep: the line beside Skip and Save had a third of the window, so "Call them
    back by 12:00 tomorrow" took two lines and a refusal three, grey, against the bottom
    edge; the window jumped a few pixels each time it came or went."""
    contact, _attempt_id, _out = jane(store)
    inbound = Attempt(Direction.IN, NOW, Outcome.TALKED, number_e164="+14155550123")
    attempt_id = store.record_call(contact.id, inbound, "twinkle", "twinkle:4@4")
    assert attempt_id is not None
    window = WrapUp(attempt_id, contact, inbound, now=NOW)
    qtbot.addWidget(window)
    window.reveal()
    talked = window.buttons[Outcome.TALKED]
    top = talked.mapTo(window, talked.rect().topLeft())
    assert not window.hint.isVisible()  # talked is picked, nothing typed: nothing to say

    qtbot.keyClicks(window.callback_field, "tomorrow 12")
    assert window.hint.text() == "Call them back by 12:00 tomorrow"
    qtbot.wait(50)  # laid out again
    line = window.hint.fontMetrics().lineSpacing()
    wrapped = window.hint.fontMetrics().boundingRect(
        QRect(0, 0, window.hint.width(), 0), Qt.TextFlag.TextWordWrap, window.hint.text())
    assert wrapped.height() < 2 * line, "one line"
    hint_bottom = window.hint.mapTo(window, window.hint.rect().bottomLeft()).y()
    assert hint_bottom < window.save_button.mapTo(window, window.save_button.rect().topLeft()).y()
    assert talked.mapTo(window, talked.rect().topLeft()) == top, "the rows stay where they were"

    window.callback_field.clear()
    qtbot.keyClicks(window.callback_field, "soonish")
    assert window.hint.text().startswith("Call them back by: say by when")
    assert window.hint.foregroundRole() is QPalette.ColorRole.WindowText  # not a grey hint
    qtbot.wait(50)
    assert window.hint.height() <= 2 * line + 2, "two lines at most, the whole width"


def test_save_stays_where_it_was_while_the_rep_types_when_to_call_back(qtbot: QtBot) -> None:
    """Used as a rep: "Call them back by 17:00 tomorrow" appeared under the field as it was
    typed and pushed Skip and Save down 14 px, so a click aimed at Save hit nothing and the
    promise stayed unsaved. The line under the field is kept from the start, two lines of it
    (a refusal takes two): nothing under a field the rep types in moves."""
    inbound = Attempt(Direction.IN, NOW, Outcome.TALKED, number_e164="+14155550122",
                      caller_name="Dana W")  # fmt: skip
    window = WrapUp(3, None, inbound, now=NOW)
    qtbot.addWidget(window)
    window.reveal()
    qtbot.wait(50)

    def where() -> tuple[int, int, int]:
        save = window.save_button.mapTo(window, QPoint(0, 0)).y()
        skip = window.skip_button.mapTo(window, QPoint(0, 0)).y()
        return save, skip, window.height()

    before = where()
    said = set()
    keys = [*"tomorrow 17:00"] + [Qt.Key.Key_Backspace] * len("tomorrow 17:00")
    for key in keys:
        if isinstance(key, str):
            qtbot.keyClicks(window.callback_field, key)
        else:
            qtbot.keyClick(window.callback_field, key)
        qtbot.wait(20)  # laid out again
        said.add(window.hint.text())
        assert where() == before, f"at {window.callback_field.text()!r} ({window.hint.text()!r})"
    assert window.hint.text() == "" and not window.hint.isVisible()
    assert "Call them back by 17:00 tomorrow" in said
    assert any(text.startswith("Call them back by: say by when") for text in said)


def test_a_refusal_on_two_lines_grows_the_window_instead_of_piling_up_its_rows(
    qtbot: QtBot, store: Store
) -> None:
    """Used as a rep: "Thursday at 2" in the callback window was refused on two lines, and
    the window, as tall as before, squeezed its rows: "Why we called" sat on the bottom edge
    of the message box."""
    window = open_wrap_up(qtbot, store, Outcome.VOICEMAIL)
    qtbot.keyClicks(window.message, "Left VM about Q1 pricing")
    qtbot.keyClicks(window.callback_field, "Thursday at 2")
    assert window.hint.text().startswith("Callback window: say when")
    qtbot.wait(50)  # laid out again
    line = window.hint.fontMetrics().lineSpacing()
    assert window.hint.height() >= 2 * line, "the refusal takes two lines here"

    def box(widget: QWidget) -> QRect:
        return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())

    shown = [w for w in window.findChildren(QWidget)
             if w.isVisible() and w.parent() is window]  # fmt: skip
    for i, first in enumerate(shown):
        for second in shown[i + 1:]:
            assert not box(first).intersects(box(second)), (
                f"{first.objectName() or type(first).__name__} "
                f"{getattr(first, 'text', lambda: '')()!r} overlaps "
                f"{second.objectName() or type(second).__name__} "
                f"{getattr(second, 'text', lambda: '')()!r}"
            )


def test_a_strangers_call_gets_a_wrap_up_under_their_number(qtbot: QtBot) -> None:
    inbound = Attempt(Direction.IN, NOW, Outcome.TALKED, number_e164="+442079460321")
    window = WrapUp(9, None, inbound, now=NOW)
    qtbot.addWidget(window)
    assert window.who.text() == "+44 20 7946 0321"
    # Once: the line under it said "They called from +44 20 7946 0321, today 16:30" too.
    assert window.call.text() == "They called, today 16:30"
    assert window.reason.text() == ""


def test_a_strangers_wrap_up_names_them_as_their_caller_id_did(qtbot: QtBot) -> None:
    """Used as a rep: the wrap-up after MIKE ROSS's call said only "+1 415-555-0177", and the
    rep could not tell which of the morning's strangers it was."""
    inbound = Attempt(Direction.IN, NOW, Outcome.TALKED, number_e164="+14155550177",
                      caller_name="MIKE ROSS")  # fmt: skip
    window = WrapUp(9, None, inbound, now=NOW)
    qtbot.addWidget(window)
    assert window.who.text() == "MIKE ROSS (caller ID) · +1 415-555-0177"


def test_the_app_asks_for_a_wrap_up_after_an_answered_incoming_call_not_a_missed_one(
    history_app: HistoryApp,
) -> None:
    app = history_app
    app.start()
    app.append(cdr(2, "+14155550123", "1001", "from-trunk", 0.5, False))  # Jane, missed
    app.wait(lambda: len(app.calls()) == 1, "the missed call in the history")
    app.append(cdr(3, "+14155550123", "1001", "from-trunk", 0.3, True))  # Jane, answered
    app.wait(lambda: "wrap-up shown for attempt" in app.app_log(), "the wrap-up")
    app.stop()

    assert app.calls() == [
        ("Jane Doe", "in", "missed", "+14155550123"),
        ("Jane Doe", "in", "talked", "+14155550123"),
    ]
    shown = [line for line in app.app_log().splitlines() if "wrap-up shown for attempt" in line]
    assert len(shown) == 1 and "(in, contact " in shown[0]


def test_a_burst_of_calls_opens_at_most_three_wrap_ups(history_app: HistoryApp) -> None:
    app = history_app
    app.start()
    for n in range(5):  # five strangers answered back to back (a hunt group, a call storm)
        app.append(cdr(10 + n, f"+1415555018{n}", "1001", "from-trunk", 1 - n * 0.1, True))
    app.wait(lambda: app.app_log().count("wrap-up not shown") == 2, "the capped wrap-ups")
    app.stop()
    assert app.app_log().count("wrap-up shown for attempt") == MAX_OPEN == 3
    assert len(app.calls()) == 5  # every call is in the history all the same


def test_a_wrap_up_stands_beside_a_stack_of_cards_that_reaches_the_top(qtbot: QtBot) -> None:
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QGuiApplication

    screen = QGuiApplication.primaryScreen()
    assert screen is not None
    area = screen.availableGeometry()
    window = WrapUp(1, None, Attempt(Direction.IN, NOW, number_e164="+14155550100"), now=NOW)
    qtbot.addWidget(window)
    window.reveal(0)
    alone = window.frameGeometry()
    assert alone.right() > area.center().x()  # top-right, as ever, with no cards up
    # Four cards stacked from the bottom-right corner up to the top of the screen.
    cards = QRect(area.right() - 16 - 300, area.top() + 8, 300, area.height() - 24)
    window.hide()
    window.reveal(0, cards)
    beside = window.frameGeometry()
    assert not beside.intersects(cards) and beside.top() == alone.top()
    assert area.contains(beside)

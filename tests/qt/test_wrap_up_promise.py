"""The wrap-up of a contact's next call shows the "call them back by" still open from an
earlier one, kept unless the rep says it is done; and after a call out its fields are worded
for the outcome chosen."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from desktop.adapters.callbacks import load_callbacks
from desktop.adapters.store import NewContact, Store
from desktop.core.business_hours import BusinessHours
from desktop.core.callbacks import parse_window
from desktop.core.models import Attempt, Direction, Outcome, StoredNumber
from desktop.qt.wrap_up import WrapUp, WrapUpResult

NOW = datetime(2026, 3, 10, 10, 30, tzinfo=ZoneInfo("Europe/London"))
MIKE = "+14155550110"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(tmp_path / "callercard.sqlite3")
    yield store
    store.close()


def next_call_wrap_up(qtbot: QtBot, store: Store) -> WrapUp:
    """Mike's wrap-up promised "tomorrow 10:00"; he calls again about something else."""
    mike = store.add_contact(NewContact("Mike K", numbers=(StoredNumber(MIKE, MIKE),)))
    first = Attempt(Direction.IN, NOW - timedelta(hours=1), Outcome.TALKED, number_e164=MIKE)
    first_id = store.record_call(mike, first, "hook", "hook:1")
    by = parse_window("tomorrow 10:00", NOW, deadline=True)
    assert first_id is not None and by is not None
    store.save_wrap_up(first_id, Outcome.TALKED, "Wants 3-year pricing by Friday", "",
                       (by.start, by.end))  # fmt: skip
    second = Attempt(Direction.IN, NOW, Outcome.TALKED, number_e164=MIKE)
    second_id = store.record_call(mike, second, "hook", "hook:2")
    contact = store.contact(mike)
    assert second_id is not None and contact is not None
    window = WrapUp(second_id, contact, second, now=NOW,
                    promise=store.open_promise(second_id))  # fmt: skip
    qtbot.addWidget(window)
    window.saved.connect(lambda r: store.save_wrap_up(
        r.attempt_id, r.outcome, r.message, r.reason,
        (r.callback.start, r.callback.end) if r.callback else None,
        promise_done=r.promise_done))  # fmt: skip
    window.reveal()
    return window


def listed(store: Store) -> list[str]:
    return [e.item.detail for e in load_callbacks(store, NOW, BusinessHours(), "24h")]


def test_the_next_calls_wrap_up_shows_the_open_promise_kept_by_default(
    qtbot: QtBot, store: Store
) -> None:
    window = next_call_wrap_up(qtbot, store)
    assert window.promise is not None and window.keep_promise is not None
    assert window.promise.text() == (
        "Call them back by 10:00 tomorrow · Wants 3-year pricing by Friday")
    assert window.promise.textFormat() is Qt.TextFormat.PlainText
    assert window.keep_promise.isChecked()

    window.message.setPlainText("Asked about the invoice")
    with qtbot.waitSignal(window.saved) as saved:
        qtbot.mouseClick(window.save_button, Qt.MouseButton.LeftButton)
    assert not saved.args[0].promise_done
    assert listed(store) == ["Call them back by 10:00 tomorrow"]


def test_done_takes_the_promise_out_of_callbacks(qtbot: QtBot, store: Store) -> None:
    window = next_call_wrap_up(qtbot, store)
    assert window.promise_done is not None
    done = window.promise_done
    qtbot.mouseClick(done, Qt.MouseButton.LeftButton, pos=QPoint(6, done.height() // 2))
    with qtbot.waitSignal(window.saved) as saved:
        qtbot.mouseClick(window.save_button, Qt.MouseButton.LeftButton)
    assert saved.args[0] == WrapUpResult(window.attempt_id, Outcome.TALKED, "", "", None, True)
    assert listed(store) == []


def test_no_promise_open_no_promise_row(qtbot: QtBot, store: Store) -> None:
    mike = store.add_contact(NewContact("Mike K", numbers=(StoredNumber(MIKE, MIKE),)))
    call = Attempt(Direction.IN, NOW, Outcome.TALKED, number_e164=MIKE)
    call_id = store.record_call(mike, call, "hook", "hook:1")
    assert call_id is not None and store.open_promise(call_id) is None
    window = WrapUp(call_id, store.contact(mike), call, now=NOW)
    qtbot.addWidget(window)
    assert window.promise is None


@pytest.mark.parametrize(
    ("outcome", "message", "hint", "callback"),
    [
        (Outcome.TALKED, "Note", "What they said, what you agreed",
         "They'll call you back, you'll be in"),
        (Outcome.VOICEMAIL, "Message left", "What you said on their voicemail",
         "You'll be in for their callback"),
        (Outcome.GATEKEEPER, "Message left", "What you told the gatekeeper",
         "You'll be in for their callback"),
        (Outcome.NO_ANSWER, "Note", "Anything to remember about this try",
         "You'll be in if they call back"),
    ],
)  # fmt: skip
def test_an_outgoing_calls_fields_follow_the_outcome_chosen(
    qtbot: QtBot, store: Store, outcome: Outcome, message: str, hint: str, callback: str
) -> None:
    mike = store.add_contact(NewContact("Mike K", numbers=(StoredNumber(MIKE, MIKE),)))
    call = Attempt(Direction.OUT, NOW, number_e164=MIKE)
    call_id = store.record_call(mike, call, "hook", "hook:1")
    assert call_id is not None
    window = WrapUp(call_id, store.contact(mike), call, now=NOW)
    qtbot.addWidget(window)
    window.reveal()
    assert window.message_label.text() == "Message left"  # nothing chosen yet
    button = window.buttons[outcome]  # on its circle: a radio's wide cell past its text is no hit
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(6, button.height() // 2))
    assert window.outcome() is outcome
    assert (window.message_label.text(), window.message.placeholderText(),
            window.window_label.text()) == (message, hint, callback)  # fmt: skip


def test_a_reopened_wrap_up_of_a_talked_call_is_worded_for_talked(
    qtbot: QtBot, store: Store
) -> None:
    mike = store.add_contact(NewContact("Mike K", numbers=(StoredNumber(MIKE, MIKE),)))
    call = Attempt(Direction.OUT, NOW, Outcome.TALKED, number_e164=MIKE)
    call_id = store.record_call(mike, call, "hook", "hook:1")
    assert call_id is not None
    window = WrapUp(call_id, store.contact(mike), call, now=NOW)
    qtbot.addWidget(window)
    assert window.message_label.text() == "Note"
    assert window.window_label.text() == "They'll call you back, you'll be in"


def test_callbacks_says_a_promise_for_tomorrow_is_for_later_not_due(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """Used as a rep: "Callbacks (1 due)" for a callback promised for tomorrow."""
    from desktop.adapters.callbacks import count_due
    from desktop.qt.callbacks_window import CallbacksWindow

    book = Store.open(tmp_path / "book.sqlite3")
    mike = book.add_contact(NewContact("Mike K", numbers=(StoredNumber(MIKE, MIKE),)))
    call = Attempt(Direction.IN, NOW - timedelta(hours=1), Outcome.TALKED, number_e164=MIKE)
    call_id = book.record_call(mike, call, "hook", "hook:1")
    by = parse_window("tomorrow 10:00", NOW, deadline=True)
    assert call_id is not None and by is not None
    book.save_wrap_up(call_id, Outcome.TALKED, "", "", (by.start, by.end))
    window = CallbacksWindow(lambda: load_callbacks(book, NOW, BusinessHours(), "24h"))
    qtbot.addWidget(window)
    window.open()
    assert window.status.text() == "Nothing due · 1 to call back later"
    assert count_due(book, NOW) == 0
    book.close()


def test_esc_after_picking_done_asks_before_dropping_it(qtbot: QtBot, store: Store) -> None:
    """Done picked, then one stray Esc: the wrap-up went and the promise stayed open."""
    window = next_call_wrap_up(qtbot, store)
    assert window.promise_done is not None
    qtbot.mouseClick(window.promise_done, Qt.MouseButton.LeftButton)
    skipped: list[int] = []
    window.skipped.connect(skipped.append)
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert window.isVisible() and skipped == []
    assert window.hint.text() == "Esc again drops Done, the promise kept; Ctrl+Enter saves it."
    with qtbot.waitSignal(window.saved) as saved:
        qtbot.mouseClick(window.save_button, Qt.MouseButton.LeftButton)
    assert saved.args[0].promise_done
    assert listed(store) == []

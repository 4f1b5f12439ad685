"""Fixing a contact from its view: numbers added, changed, relabelled and removed (calls then
match the new number and not the old), a wrong number refused with a sentence, a locked
database waited out, a contact deleted and brought back.

Also runnable as a child process for the screenshot on a real X display:
    python -m tests.qt.test_contact_fixes screenshot OUT.png
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton
from pytestqt.qtbot import QtBot

from desktop.adapters.bundled import default_opener_templates
from desktop.adapters.lookup import CallerLookup
from desktop.adapters.store import NewContact, Store
from desktop.core.callbacks import by_text, parse_window
from desktop.core.models import Attempt, Direction, Outcome, StoredNumber
from desktop.core.numbers import NumberPolicy
from desktop.qt.app import GUI_WRITE_WAIT_MS
from desktop.qt.contact_view import ContactView
from desktop.qt.system_clock import hour_cycle
from tests.conftest import PYTHON, REPO, python_env
from tests.qt.test_contact_view import NOW, SHOTS, mike


@pytest.fixture
def lookup(tmp_path: Path) -> Iterator[CallerLookup]:
    store = Store.open(tmp_path / "cc.sqlite3")
    store.set_busy_timeout(GUI_WRITE_WAIT_MS)  # as the app's GUI connection has it
    yield CallerLookup(store, NumberPolicy("US"), default_opener_templates(), my_name="Sam")
    store.close()


@pytest.fixture
def view(qtbot: QtBot, lookup: CallerLookup) -> ContactView:
    v = ContactView(lookup, mike(lookup.store), clock=lambda: NOW)
    qtbot.addWidget(v)
    v.open()
    return v


def who_calls(lookup: CallerLookup, number: str) -> list[str]:
    """The card a call from this number would pop, read through a second connection."""
    other = Store.open(lookup.store.path)
    try:
        card = CallerLookup(other, NumberPolicy("US"), {}).card_for(number, candidates=False)
        return [c.name for c in card.contacts]
    finally:
        other.close()


def numbers_shown(view: ContactView) -> list[str]:
    texts = []
    for row in range(view.numbers.rowCount()):
        item = view.numbers.itemAtPosition(row, 0)
        if item is not None and item.widget() is not None:
            texts.append(item.widget().text())  # type: ignore[attr-defined]
    return texts


def edit_button(view: ContactView, row: int) -> QToolButton:
    button = view.findChild(QToolButton, f"editNumber{row}")
    assert button is not None
    return button


def type_number(qtbot: QtBot, view: ContactView, text: str, label: str) -> None:
    editor = view.number_editor
    editor.number.clear()
    qtbot.keyClicks(editor.number, text)
    editor.label.setCurrentText(label)
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)


def test_add_edit_relabel_and_remove_a_number(qtbot: QtBot, view: ContactView,
                                              lookup: CallerLookup) -> None:  # fmt: skip
    assert who_calls(lookup, "+1 415 555 0177") == []
    qtbot.mouseClick(view.add_number_button, Qt.MouseButton.LeftButton)
    assert view.number_editor.isVisible()
    type_number(qtbot, view, "415-555-0177", "direct")
    assert not view.number_editor.isVisible()
    assert view.status.text() == "Added +1 415-555-0177."
    assert who_calls(lookup, "+1 415 555 0177") == ["Mike Kowalski"]
    assert numbers_shown(view) == ["+1 415-555-0142", "+1 415-555-0199", "+1 415-555-0177"]

    # The work number was wrong: fix it.
    qtbot.mouseClick(edit_button(view, 0), Qt.MouseButton.LeftButton)
    assert view.number_editor.number.text() == "(415) 555-0142"
    type_number(qtbot, view, "(415) 555-0143", "work")
    assert view.status.text() == "Changed +1 415-555-0142 to +1 415-555-0143."
    assert who_calls(lookup, "4155550143") == ["Mike Kowalski"]
    assert who_calls(lookup, "4155550142") == [], "the old number no longer pops his card"
    assert lookup.store.search_simple("5550142") == []

    # Relabel the mobile.
    qtbot.mouseClick(edit_button(view, 1), Qt.MouseButton.LeftButton)
    view.number_editor.label.setCurrentText("assistant")
    qtbot.mouseClick(view.number_editor.save_button, Qt.MouseButton.LeftButton)
    assert view.status.text() == "+1 415-555-0199 is now labelled assistant."
    contact = lookup.store.contact(view.contact_id)
    assert contact is not None and contact.numbers[1].label == "assistant"

    # Remove it.
    qtbot.mouseClick(edit_button(view, 1), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(view.number_editor.remove_button, Qt.MouseButton.LeftButton)
    assert view.status.text() == "Removed +1 415-555-0199."
    assert who_calls(lookup, "+14155550199") == []
    assert numbers_shown(view) == ["+1 415-555-0143", "+1 415-555-0177"]


def dana(store: Store) -> int:
    return store.add_contact(NewContact("Dana Whitfield", numbers=(
        StoredNumber("415 555 0122", "+14155550122", label="mobile"),)))  # fmt: skip


def test_a_number_another_contact_has_is_named_before_it_is_saved(
    qtbot: QtBot, view: ContactView, lookup: CallerLookup
) -> None:
    """Used as a rep: Mike's work number changed to 415 555 0122, Dana's mobile, by a typo;
    it saved without a word and Dana's next call popped Mike's card."""
    dana(lookup.store)
    qtbot.mouseClick(edit_button(view, 0), Qt.MouseButton.LeftButton)
    type_number(qtbot, view, "415 555 0122", "work")
    editor = view.number_editor
    assert editor.isVisible() and editor.message.isVisible()
    assert editor.message.text().startswith("+1 415-555-0122 is Dana Whitfield's mobile.")
    assert editor.save_button.text() == "Save anyway"
    assert who_calls(lookup, "+14155550122") == ["Dana Whitfield"], "nothing saved yet"
    assert numbers_shown(view)[0] == "+1 415-555-0142"

    # The typo fixed: the number nobody has saves at once.
    type_number(qtbot, view, "415 555 0123", "work")
    assert not editor.isVisible()
    assert view.status.text() == "Changed +1 415-555-0142 to +1 415-555-0123."
    assert who_calls(lookup, "+14155550122") == ["Dana Whitfield"]


def test_a_shared_line_is_kept_once_the_rep_says_so(
    qtbot: QtBot, view: ContactView, lookup: CallerLookup
) -> None:
    """A switchboard both work behind: adding it asks first, Save anyway keeps it."""
    dana(lookup.store)
    qtbot.mouseClick(view.add_number_button, Qt.MouseButton.LeftButton)
    type_number(qtbot, view, "+1 415 555 0122", "main")
    editor = view.number_editor
    assert "Dana Whitfield's mobile" in editor.message.text()
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert not editor.isVisible()
    assert view.status.text() == "Added +1 415-555-0122."
    assert sorted(who_calls(lookup, "+14155550122")) == ["Dana Whitfield", "Mike Kowalski"]


def test_what_a_change_said_stays_after_the_view_reads_the_contact_again(
    qtbot: QtBot, view: ContactView, lookup: CallerLookup
) -> None:
    """Used as a rep: "Added +1 646-555-0100." was never seen; the view read the contact
    again on its own commit and the line went back to "Changes are saved as you type."."""
    qtbot.mouseClick(view.add_number_button, Qt.MouseButton.LeftButton)
    type_number(qtbot, view, "415-555-0177", "direct")
    assert view.status.text() == "Added +1 415-555-0177."
    view.load()  # as its book watch does on the commit it just made
    assert view.status.text() == "Added +1 415-555-0177."
    name = view.editors["name"]
    qtbot.keyClicks(name, " Jr.")
    view.load()
    assert view.status.text() == "Saved."


def test_a_number_nobody_could_call_is_refused_and_kept_for_fixing(
    qtbot: QtBot, view: ContactView, lookup: CallerLookup
) -> None:
    qtbot.mouseClick(view.add_number_button, Qt.MouseButton.LeftButton)
    type_number(qtbot, view, "415 555 01", "")
    editor = view.number_editor
    assert editor.isVisible(), "stays open with the text, to be fixed"
    assert editor.number.text() == "415 555 01"
    assert editor.message.text().startswith("Not saved: ")
    assert editor.message.textFormat() == Qt.TextFormat.PlainText
    contact = lookup.store.contact(view.contact_id)
    assert contact is not None and len(contact.numbers) == 2


def test_a_locked_database_is_waited_out_without_losing_the_number(
    qtbot: QtBot, view: ContactView, lookup: CallerLookup
) -> None:
    view.number_editor._retry.timer.setInterval(30)
    blocker = sqlite3.connect(lookup.store.path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        qtbot.mouseClick(view.add_number_button, Qt.MouseButton.LeftButton)
        type_number(qtbot, view, "+44 20 7946 0958", "London")
        assert view.number_editor.waiting
        assert view.number_editor.message.text().startswith("The contacts are busy")
        assert view.number_editor.number.text() == "+44 20 7946 0958"
    finally:
        blocker.execute("COMMIT")
        blocker.close()
    qtbot.waitUntil(lambda: not view.number_editor.waiting, timeout=3000)
    assert view.status.text() == "Added +44 20 7946 0958."
    assert who_calls(lookup, "+442079460958") == ["Mike Kowalski"]


def test_delete_a_contact_and_bring_it_back(qtbot: QtBot, view: ContactView,
                                            lookup: CallerLookup) -> None:  # fmt: skip
    contact_id = view.contact_id
    qtbot.mouseClick(view.delete_button, Qt.MouseButton.LeftButton)
    assert view.delete_bar.text.text() == (
        "Delete Mike Kowalski and their numbers? Their 6 calls stay in Recent calls."
    )
    qtbot.mouseClick(view.delete_bar.confirm_button, Qt.MouseButton.LeftButton)
    assert view.status.text() == "Deleted Mike Kowalski."
    assert who_calls(lookup, "+14155550142") == []
    assert not view.editors["notes"].isEnabled()
    qtbot.mouseClick(view.delete_bar.undo_button, Qt.MouseButton.LeftButton)
    assert view.status.text() == "Brought back Mike Kowalski."
    assert view.contact_id == contact_id
    assert who_calls(lookup, "+14155550142") == ["Mike Kowalski"]
    assert view.history.topLevelItemCount() == 6
    assert view.editors["notes"].isEnabled()


def test_a_deletion_waits_out_a_locked_database(qtbot: QtBot, view: ContactView,
                                                lookup: CallerLookup) -> None:  # fmt: skip
    view.delete_bar._retry.timer.setInterval(30)
    qtbot.mouseClick(view.delete_button, Qt.MouseButton.LeftButton)
    blocker = sqlite3.connect(lookup.store.path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        qtbot.mouseClick(view.delete_bar.confirm_button, Qt.MouseButton.LeftButton)
        assert view.delete_bar.text.text().startswith("The contacts are busy")
        assert who_calls(lookup, "+14155550142") == ["Mike Kowalski"]
    finally:
        blocker.execute("COMMIT")
        blocker.close()
    qtbot.waitUntil(lambda: view.status.text() == "Deleted Mike Kowalski.", timeout=3000)
    assert who_calls(lookup, "+14155550142") == []


def test_a_view_of_a_contact_merged_elsewhere_says_so(qtbot: QtBot, lookup: CallerLookup) -> None:
    from desktop.adapters import duplicates

    store = lookup.store
    surname = store.add_contact(NewContact("Lindqvist", company="Northwind Traders"))
    full = store.add_contact(NewContact("Astrid Lindqvist", company="Northwind Traders"))
    view = ContactView(lookup, surname, clock=lambda: NOW)
    qtbot.addWidget(view)
    view.open()
    duplicates.merge(store, full, surname)
    assert not view.load()
    assert view.status.text() == (
        "Merged Lindqvist into Astrid Lindqvist: this contact is no longer here."
    )
    assert not view.add_number_button.isEnabled() and not view.delete_button.isEnabled()


def test_screenshot_while_editing_a_number(xvfb_display: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    out = SHOTS / "contact_view_editing_number.png"
    done = subprocess.run(
        [PYTHON, "-m", "tests.qt.test_contact_fixes", "screenshot", str(out)],
        cwd=REPO, env=python_env(DISPLAY=xvfb_display, QT_QPA_PLATFORM="xcb"),
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["message"].startswith("Not saved: ")
    assert out.stat().st_size > 10_000


def _screenshot(out: Path) -> int:
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "cc.sqlite3")
        lookup = CallerLookup(store, NumberPolicy("US"), default_opener_templates(),
                              my_name="Sam")  # fmt: skip
        view = ContactView(lookup, mike(store), clock=lambda: NOW)
        view.move(40, 40)
        view.open()
        edit = view.findChild(QToolButton, "editNumber0")
        assert edit is not None
        edit.click()
        view.number_editor.number.setText("(415) 555-01")
        view.number_editor.save()
        for _ in range(50):
            app.processEvents()
        view.grab().save(str(out))
        print(json.dumps({"message": view.number_editor.message.text()}))
        view.close()
        store.close()
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "screenshot":
        raise SystemExit(_screenshot(Path(sys.argv[2])))
    raise SystemExit(__doc__)


def test_one_call_is_said_in_the_singular(qtbot: QtBot, view: ContactView) -> None:
    """Seen using the app: "Their 1 call stay in Recent calls." """
    view.delete_bar.ask(view.contact_id, "Bo Li", 1)
    assert view.delete_bar.text.text() == (
        "Delete Bo Li and their numbers? Their call stays in Recent calls.")


def test_the_delete_question_says_their_promise_stays_under_the_number(
    qtbot: QtBot, view: ContactView, lookup: CallerLookup
) -> None:
    """A rep deleting a contact lost "call them back by Friday" without a word: it now stays
    in Callbacks under the number, and the question says so."""
    now = NOW.astimezone()
    call = lookup.store.record_call(
        view.contact_id, Attempt(Direction.IN, now - timedelta(hours=1), Outcome.TALKED,
                                 number_e164="+14155550142"), "test", "test:promise")  # fmt: skip
    by = parse_window("tomorrow 17:00", now, deadline=True)
    assert call is not None and by is not None
    assert lookup.store.save_wrap_up(call, Outcome.TALKED, "Send the audit summary", "",
                                     (by.start, by.end))  # fmt: skip
    view.load()
    qtbot.mouseClick(view.delete_button, Qt.MouseButton.LeftButton)
    assert view.delete_bar.text.text() == (
        "Delete Mike Kowalski and their numbers? Their 7 calls stay in Recent calls. Your "
        f"promise to call them back {by_text(by, now, hour_cycle())} stays in Callbacks, "
        "under +1 415-555-0142.")


def test_the_delete_question_stands_above_the_caller_cards_until_answered(
    qtbot: QtBot, view: ContactView
) -> None:
    """Used as a rep at 2x: the always-on-top cards covered the question's Delete and Keep,
    and the window had to be dragged off the screen to reach them. While it asks, the view
    stands above the cards (no card moves); answered, it goes back among ordinary windows."""
    from desktop.qt.above_cards import above_cards

    assert not above_cards(view.window())
    qtbot.mouseClick(view.delete_button, Qt.MouseButton.LeftButton)
    assert view.delete_bar.isVisible() and above_cards(view.window())
    handle = view.window().windowHandle()
    assert handle is not None and handle.flags() & Qt.WindowType.WindowStaysOnTopHint
    assert view.isVisible(), "raised on the live window, not hidden and made again"
    qtbot.mouseClick(view.delete_bar.keep_button, Qt.MouseButton.LeftButton)
    assert not above_cards(view.window())

    qtbot.mouseClick(view.delete_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(view.delete_bar.confirm_button, Qt.MouseButton.LeftButton)
    assert view.delete_bar.undo_button.isVisible() and above_cards(view.window()), (
        "its Undo too, right after")
    qtbot.mouseClick(view.delete_bar.undo_button, Qt.MouseButton.LeftButton)
    assert not above_cards(view.window())


def test_the_delete_question_names_who_gets_a_promise_on_a_shared_number(
    qtbot: QtBot, lookup: CallerLookup
) -> None:
    """Dana promised to call the Acme switchboard back; Raj has that number too. Deleting
    Dana hands the call and its promise to Raj: the question said it stayed "under +1
    415-555-0100", as for a number nobody keeps, and it does, with Raj."""
    store = lookup.store
    board = StoredNumber("+1 415 555 0100", "+14155550100", label="work")
    dana = store.add_contact(NewContact("Dana Whitfield", company="Acme Corp", numbers=(board,)))
    store.add_contact(NewContact("Raj Patel", company="Acme Corp", numbers=(board,)))
    call = store.record_call(dana, Attempt(Direction.IN, NOW - timedelta(hours=1), Outcome.TALKED,
                                           number_e164="+14155550100"), "test", "t:1")  # fmt: skip
    by = parse_window("tomorrow 17:00", NOW, deadline=True, cycle=hour_cycle())
    assert call is not None and by is not None
    assert store.save_wrap_up(call, Outcome.TALKED, "Quote", "", (by.start, by.end))
    view = ContactView(lookup, dana, clock=lambda: NOW)
    qtbot.addWidget(view)
    view.open()

    qtbot.mouseClick(view.delete_button, Qt.MouseButton.LeftButton)

    assert view.delete_bar.text.text().endswith(
        f"Your promise to call them back {by_text(by, NOW, hour_cycle())} stays in Callbacks, "
        "under Raj Patel, who has +1 415-555-0100 too.")
    qtbot.mouseClick(view.delete_bar.confirm_button, Qt.MouseButton.LeftButton)
    assert [c.contact.name if c.contact else None for c in store.calls(limit=5)] == ["Raj Patel"]

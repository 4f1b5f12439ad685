"""Undoing an import whose contacts carry the rep's calls or edits says so before it acts:
Import history asks, `callercard import --undo N` prints it first.

Used as a rep (h-rep, h_undo_import.sh): after a day of calls with Mike Kowalski, undoing the
import that brought him removed him with no word, and his calls showed as "Unknown" after.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from desktop.adapters.store import Store
from desktop.core.models import Attempt, Direction, Outcome, StoredNumber
from desktop.qt.import_history_window import ImportHistoryWindow
from tests.test_cli import cc

BOOK = ("First Name,Last Name,Company,Phone\n"
        "Mike,Kowalski,Acme Robotics,+1 415 555 0110\n"
        "Michael,Brandt,Harbor Foods,+1 212 555 0123\n"
        "Dana,Whitfield,Sunpeak Energy,+1 310 555 0198\n")  # fmt: skip
MIKE, BRANDT = "+14155550110", "+12125550123"
CALLS = ("1 of the 3 contacts it added has calls: the calls stay, under their numbers, as calls "
         "from a number nobody has.")  # fmt: skip


def imported(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    book = tmp_path / "book.csv"
    book.write_text(BOOK)
    done = cc("import", str(book), "--region", "US", data_dir=data)
    assert done.returncode == 0, done.stderr
    return data


def talked_with_mike(data: Path) -> None:
    done = cc("log-call", MIKE, "--outcome", "talked", "--message", "wants 3-year pricing",
              "--region", "US", data_dir=data)  # fmt: skip
    assert done.returncode == 0, done.stderr


def test_the_terminal_says_which_contacts_had_calls_before_it_undoes(tmp_path: Path) -> None:
    data = imported(tmp_path)
    talked_with_mike(data)
    undone = cc("import", "--undo", "1", data_dir=data)
    assert undone.returncode == 0, undone.stderr
    assert undone.stdout.splitlines()[0] == CALLS
    assert undone.stdout.splitlines()[1].startswith("Removed 3 contacts imported from book.csv")
    calls = cc("calls", data_dir=data).stdout
    assert "Unknown · +1 415-555-0110" in calls and "wants 3-year pricing" in calls


def test_the_terminal_says_nothing_more_when_nobody_was_called(tmp_path: Path) -> None:
    data = imported(tmp_path)
    undone = cc("import", "--undo", "1", "--json", data_dir=data)
    said = json.loads(undone.stdout)
    assert (said["contacts_with_calls"], said["contacts_changed"], said["warning"]) == (0, 0, "")
    assert said["contacts_removed"] == 3


def test_a_number_linked_by_hand_counts_as_a_change_that_goes(tmp_path: Path) -> None:
    data = imported(tmp_path)
    store = Store.open(data / "callercard.sqlite3")
    try:
        [(brandt, _)] = store.contacts_for_number(BRANDT)
        store.link_number(brandt.id, StoredNumber("+1 212 555 0199", "+12125550199"))
        check = store.undo_import_check(1)
        assert (check.contacts, check.with_calls, check.changed) == (3, 0, 1)
        assert check.warning() == (
            "1 of the 3 contacts it added was changed since the import (a field saved, what a "
            "call was about, a number typed or linked): the changes go with it."
        )
        store.undo_import(1)
        assert store.undo_import_check(1).warning() == ""  # undone: nothing left to lose
    finally:
        store.close()


def history(qtbot: QtBot, store: Store) -> tuple[ImportHistoryWindow, QPushButton]:
    window = ImportHistoryWindow(store)
    qtbot.addWidget(window)
    window.open()
    undo = window.findChild(QPushButton, "undo1")
    assert undo is not None
    return window, undo


def test_import_history_asks_before_undoing_contacts_with_calls(
    qtbot: QtBot, tmp_path: Path
) -> None:
    data = imported(tmp_path)
    store = Store.open(data / "callercard.sqlite3")
    try:
        [(mike, _)] = store.contacts_for_number(MIKE)
        store.record_call(mike.id, Attempt(Direction.IN, datetime.now(UTC), Outcome.MISSED,
                                           number_e164=MIKE), "hook", "hook:1")  # fmt: skip
        window, undo = history(qtbot, store)
        qtbot.mouseClick(undo, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.asking is not None and window.asking.isVisible())
        box = window.asking
        assert box.windowFlags() & Qt.WindowType.WindowStaysOnTopHint, "above the cards"
        assert box.text() == "Undo the import of book.csv?"
        assert box.informativeText() == CALLS
        # Not "Looking at what book.csv added…": the look is over, the question waits.
        assert window.status.text() == "Undo book.csv? Answer the question to go on."

        box.reject()  # Cancel
        qtbot.waitUntil(lambda: window.asking is None)
        assert store.count_contacts() == 3
        assert window.status.text() == "book.csv stays imported; nothing was changed."

        qtbot.mouseClick(undo, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.asking is not None and window.asking.isVisible())
        box = window.asking
        [go] = [b for b in box.buttons() if b.text() == "Undo import"]
        with qtbot.waitSignal(window.changed, timeout=10_000):
            go.click()
        assert store.count_contacts() == 0
        assert window.status.text().startswith("Removed 3 contacts imported from book.csv")
        # The undo's own commit, seen by the window's watch, reloads the list: what the undo
        # did stays said (the hint took its place within a second).
        qtbot.wait(800)
        assert window.status.text().startswith("Removed 3 contacts imported from book.csv")
        [call] = store.calls()
        assert call.contact is None and call.attempt.number_e164 == MIKE  # the call stays
    finally:
        store.close()


def test_import_history_undoes_at_once_when_nothing_of_the_reps_goes(
    qtbot: QtBot, tmp_path: Path
) -> None:
    data = imported(tmp_path)
    store = Store.open(data / "callercard.sqlite3")
    try:
        window, undo = history(qtbot, store)
        with qtbot.waitSignal(window.changed, timeout=10_000):
            qtbot.mouseClick(undo, Qt.MouseButton.LeftButton)
        assert window.asking is None and store.count_contacts() == 0
    finally:
        store.close()


def test_the_import_windows_own_undo_asks_when_the_contacts_have_calls(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """The Import window left open after an import, calls taken meanwhile: its Undo asks too."""
    from desktop.adapters.store import UndoResult
    from desktop.core.numbers import NumberPolicy
    from desktop.qt.import_window import ImportWindow
    from tests.qt.test_import_window import import_and_wait, load

    book = tmp_path / "book.csv"
    book.write_text(BOOK)
    window = ImportWindow(tmp_path / "cc.sqlite3", lambda: NumberPolicy("US"))
    qtbot.addWidget(window)
    window.show()
    load(qtbot, window, book)
    import_and_wait(qtbot, window)
    said = window.summary.text()
    store = Store.open(tmp_path / "cc.sqlite3")
    try:
        [(mike, _)] = store.contacts_for_number(MIKE)
        store.record_call(mike.id, Attempt(Direction.IN, datetime.now(UTC), Outcome.MISSED,
                                           number_e164=MIKE), "hook", "hook:1")  # fmt: skip
        window.undo_button.click()
        qtbot.waitUntil(lambda: window.asking is not None and window.asking.isVisible())
        assert window.asking.informativeText() == CALLS
        window.asking.reject()
        qtbot.waitUntil(lambda: window.asking is None)
        assert store.count_contacts() == 3 and window.summary.text() == said
        assert window.undo_button.isVisible()

        window.undo_button.click()
        qtbot.waitUntil(lambda: window.asking is not None and window.asking.isVisible())
        [go] = [b for b in window.asking.buttons() if b.text() == "Undo import"]
        with qtbot.waitSignal(window.imported, timeout=10_000) as blocker:
            go.click()
        assert isinstance(blocker.args[0], UndoResult)
        assert store.count_contacts() == 0
    finally:
        store.close()


def test_a_note_typed_after_the_import_counts_as_a_change_that_goes(tmp_path: Path) -> None:
    import time

    data = imported(tmp_path)
    store = Store.open(data / "callercard.sqlite3")
    try:
        time.sleep(1.1)  # the book keeps whole seconds: a change is one after the import's
        [(brandt, _)] = store.contacts_for_number(BRANDT)
        store.update_contact_field(brandt.id, "notes", "Met at the Boston expo")
        check = store.undo_import_check(1)
        assert (check.with_calls, check.changed) == (0, 1)
    finally:
        store.close()

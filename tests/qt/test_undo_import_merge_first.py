"""Import history's undo in words: who stays, said before and after (finding 1), and an
import that a merge blocks from being undone says so before asking anything, and the
Import history window points to the Duplicates window's Undo merge, which can take that merge
back even when it was made in another session; the terminal keeps its command.

Used as a rep (h-rep3 finding 7): Import history's Undo asked "… the changes go with them"
[Undo import], then refused: "Take that merge back first (callercard undo-merge 4)", a
terminal command for a rep who has none, and a merge the Duplicates window, opened again,
offered no way to take back.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from desktop.adapters import duplicates
from desktop.adapters.store import NewContact, Store
from desktop.adapters.system_locale import system_hour_cycle
from desktop.core.models import Attempt, Direction, Outcome, StoredNumber
from desktop.core.numbers import NumberPolicy
from desktop.qt.duplicates_window import DuplicatesWindow
from desktop.qt.import_history_window import ImportHistoryWindow
from desktop.qt.import_window import ImportWindow
from desktop.qt.system_clock import hour_cycle
from tests.adapters.test_contact_fixes import everything
from tests.adapters.test_undo_keeps_shared import ANDROID
from tests.adapters.test_undo_keeps_shared import imported as imported_samples
from tests.qt.test_undo_names_every_merge import made_words
from tests.test_cli import cc

BOOK = "First Name,Last Name,Company,Phone\nJürgen,Schäfer,Kaffee GmbH,+49 89 7654321\n"
TOLD = ("Jürgen Schäfer (Kaffee GmbH, +49 30 1234567) into Jürgen Schäfer (Kaffee GmbH, "
        "+49 89 7654321)")


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """crm.csv imported, a call logged with its Jürgen, and the rep's own Jürgen (typed in
    before) merged into the imported one: undoing crm.csv would delete the rep's contact."""
    data = tmp_path / "data"
    (tmp_path / "crm.csv").write_text(BOOK, encoding="utf-8")
    assert cc("import", str(tmp_path / "crm.csv"), "--region", "DE", data_dir=data).returncode == 0
    assert cc("log-call", "+49897654321", "--outcome", "talked", data_dir=data).returncode == 0
    store = Store.open(data / "callercard.sqlite3")
    try:
        own = store.add_contact(NewContact("Jürgen Schäfer", company="Kaffee GmbH", numbers=(
            StoredNumber("+49 30 1234567", "+49301234567"),)))  # fmt: skip
        [(imported, _)] = store.contacts_for_number("+49897654321")
        duplicates.merge(store, imported.id, own)
    finally:
        store.close()
    return data


@pytest.fixture
def store(data: Path) -> Iterator[Store]:
    s = Store.open(data / "callercard.sqlite3")
    yield s
    s.close()


def test_the_terminal_refuses_before_it_warns(data: Path) -> None:
    undone = cc("import", "--undo", "1", data_dir=data)
    assert undone.returncode == 1
    assert undone.stdout == "", "nothing said about calls or changes going: nothing goes"
    store = Store.open(data / "callercard.sqlite3")
    try:
        made = made_words(store, 1, system_hour_cycle())
    finally:
        store.close()
    assert undone.stderr == (
        "callercard: Undoing crm.csv would delete Jürgen Schäfer too, merged since into a "
        f"contact it brought: {TOLD}, {made}. Take that merge back first (callercard "
        "undo-merge 1), then undo the import.\n"
    )


def test_import_history_refuses_without_asking_and_points_to_the_duplicates_window(
    qtbot: QtBot, store: Store
) -> None:
    before = everything(store)
    window = ImportHistoryWindow(store)
    qtbot.addWidget(window)
    window.open()
    undo = window.findChild(QPushButton, "undo1")
    assert undo is not None
    qtbot.mouseClick(undo, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.busy, timeout=10_000)
    assert window.asking is None, "no question for an undo that would refuse"
    assert window.status.text() == (
        "Could not undo crm.csv: Undoing crm.csv would delete Jürgen Schäfer too, merged since "
        f"into a contact it brought: {TOLD}, {made_words(store, 1, hour_cycle())}. Take that "
        "merge back first with Undo that merge, then undo the import. Nothing was changed."
    )
    assert everything(store) == before
    assert window.merge_button.isVisible(), "Undo that merge, here"

    # The Duplicates window, opened now, offers that merge of an earlier session
    duplicates_window = DuplicatesWindow(store)
    qtbot.addWidget(duplicates_window)
    with qtbot.waitSignal(duplicates_window.loaded, timeout=10_000):
        duplicates_window.open()
    button = duplicates_window.undo_button
    assert button.isVisible() and button.text() == "Undo merge"
    assert f"(Merged {TOLD})" in button.toolTip()
    with qtbot.waitSignal(duplicates_window.loaded, timeout=10_000):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert not button.isVisible()
    assert len(store.contacts_for_number("+49301234567")) == 1, "the rep's Jürgen is back"

    with qtbot.waitSignal(window.changed, timeout=10_000):
        qtbot.mouseClick(undo, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.asking is not None, timeout=10_000)
        [go] = [b for b in window.asking.buttons() if b.text() == "Undo import"]
        go.click()
    assert store.contacts_for_number("+49897654321") == []
    assert [c.name for c, _ in store.contacts_for_number("+49301234567")] == ["Jürgen Schäfer"]


def test_the_import_windows_undo_refuses_without_asking_too(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")  # a US desktop: the merge's time on its clock
    window = ImportWindow(tmp_path / "cc.sqlite3", lambda: NumberPolicy("DE"))
    qtbot.addWidget(window)
    window.show()
    (tmp_path / "crm.csv").write_text(BOOK, encoding="utf-8")
    with qtbot.waitSignal(window.previewed, timeout=30_000):
        window.load(tmp_path / "crm.csv")
    with qtbot.waitSignal(window.imported, timeout=30_000):
        window.import_button.click()
    store = Store.open(tmp_path / "cc.sqlite3")
    try:
        [(imported, _)] = store.contacts_for_number("+49897654321")
        call = Attempt(Direction.IN, datetime.now(UTC), Outcome.TALKED,
                       number_e164="+49897654321")  # fmt: skip
        store.record_call(imported.id, call, "hook", "hook:1")
        own = store.add_contact(NewContact("Jürgen Schäfer", company="Kaffee GmbH"))
        duplicates.merge(store, imported.id, own)
        before = everything(store)
        window.undo_button.click()
        qtbot.waitUntil(lambda: window.summary.text().startswith("Could not undo"), timeout=10_000)
        assert window.asking is None
        assert made_words(store, 1, "12h") in window.summary.text()
        assert window.summary.text().endswith(
            "Take that merge back first in the Duplicates window (Undo merge, or Undo an "
            "earlier merge), then undo the import.")  # fmt: skip
        assert everything(store) == before
    finally:
        store.close()


def test_import_history_says_who_stays_before_and_after(
    qtbot: QtBot, samples: Path, tmp_path: Path
) -> None:
    """h-rep3 finding 1 in the window: the question and the result name who stays and why."""
    data = imported_samples(samples, tmp_path)
    store = Store.open(data / "callercard.sqlite3")
    try:
        window = ImportHistoryWindow(store)
        qtbot.addWidget(window)
        window.open()
        undo = window.findChild(QPushButton, "undo1")
        assert undo is not None
        qtbot.mouseClick(undo, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.asking is not None and window.asking.isVisible(),
                        timeout=10_000)  # fmt: skip
        stays = (f"Maya Okafor stays: {ANDROID} also has this contact. "
                 f"Ελένη Παππά stays: {ANDROID} also has this contact.")  # fmt: skip
        assert window.asking.informativeText() == stays
        [go] = [b for b in window.asking.buttons() if b.text() == "Undo import"]
        with qtbot.waitSignal(window.changed, timeout=10_000):
            go.click()
        assert window.status.text().endswith(
            "removed 1 number only it had from the contacts that stay. " + stays)
        assert [c.name for c, _ in store.contacts_for_number("+14155550190")] == ["Maya Okafor"]
    finally:
        store.close()

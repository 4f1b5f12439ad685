"""The Duplicates window takes back the merge the rep means, not only the newest.

An import's undo that a merge blocks sends the rep to the Duplicates window; its Undo merge
took back only the newest merge, so a rep who had merged other, unrelated contacts since had
to take those back first. Undo an earlier merge lists the others, with when each was made, and
takes back the one chosen, unless a later merge of the same contact started from it: that one
is named, to take back first, and nothing changes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from desktop.adapters import duplicates
from desktop.adapters.store import NewContact, Store
from desktop.core.models import StoredNumber
from desktop.qt.duplicates_window import DuplicatesWindow
from desktop.qt.import_history_window import ImportHistoryWindow
from desktop.qt.system_clock import hour_cycle
from tests.adapters.test_contact_fixes import everything
from tests.qt.test_undo_names_every_merge import made_words
from tests.test_cli import cc

BOOK = "First Name,Last Name,Company,Phone\nJürgen,Schäfer,Kaffee GmbH,+49 89 7654321\n"
BLOCKING = "Merged the two Jürgen Schäfer contacts"
# The blocking merge as the rep can tell it from another of the same names
TOLD = "Jürgen Schäfer (+49 30 1234567) into Jürgen Schäfer (Kaffee GmbH, +49 89 7654321)"
LOPEZ = "Merged A. Lopez (+1 415-555-0102) into Ana Lopez (+1 415-555-0101)"


def _own(store: Store, name: str, e164: str) -> int:
    return store.add_contact(NewContact(name, numbers=(StoredNumber(e164, e164),)))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """crm.csv imported and the rep's own Jürgen merged into its Jürgen (which blocks the
    import's undo), then two of the rep's own Ana Lopez merged, unrelated and newer."""
    data = tmp_path / "data"
    (tmp_path / "crm.csv").write_text(BOOK, encoding="utf-8")
    assert cc("import", str(tmp_path / "crm.csv"), "--region", "DE", data_dir=data).returncode == 0
    s = Store.open(data / "callercard.sqlite3")
    [(imported, _)] = s.contacts_for_number("+49897654321")
    duplicates.merge(s, imported.id, _own(s, "Jürgen Schäfer", "+49301234567"))
    duplicates.merge(s, _own(s, "Ana Lopez", "+14155550101"), _own(s, "A. Lopez", "+14155550102"))
    yield s
    s.close()


def _opened(qtbot: QtBot, store: Store) -> DuplicatesWindow:
    window = DuplicatesWindow(store)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.loaded, timeout=10_000):
        window.open()
    return window


def _names(store: Store, e164: str) -> list[str]:
    return [c.name for c, _ in store.contacts_for_number(e164)]


def test_the_merge_an_import_waits_on_is_taken_back_leaving_a_newer_one(
    qtbot: QtBot, store: Store
) -> None:
    window = _opened(qtbot, store)
    assert window.undo_button.isVisible()
    assert f"({LOPEZ})" in window.undo_button.toolTip()
    earlier = window.earlier_button
    assert earlier.isVisible() and earlier.text() == "Undo an earlier merge"
    [action] = earlier.menu().actions()
    assert action.text().startswith(f"Merged {TOLD}  ·  ")  # then "7 Dec, 14:05"
    assert any(c.isdigit() for c in action.text().rsplit("·", 1)[1])
    window.grab().save(str(Path("/tmp/h-undo2/duplicates_earlier.png")))

    with qtbot.waitSignal(window.loaded, timeout=10_000):
        action.trigger()
    assert _names(store, "+49301234567") == ["Jürgen Schäfer"], "the rep's Jürgen is back"
    assert _names(store, "+14155550102") == ["Ana Lopez"], "the newer merge stays"
    assert not earlier.isVisible()
    assert f"({LOPEZ})" in window.undo_button.toolTip()

    # The import's undo is no longer blocked: it asks nothing and goes
    history = ImportHistoryWindow(store)
    qtbot.addWidget(history)
    history.open()
    undo = history.findChild(QPushButton, "undo1")
    assert undo is not None
    with qtbot.waitSignal(history.changed, timeout=10_000):
        qtbot.mouseClick(undo, Qt.MouseButton.LeftButton)
    assert store.contacts_for_number("+49897654321") == []


def test_a_merge_a_later_one_of_the_same_contact_started_from_waits_for_it(
    qtbot: QtBot, store: Store
) -> None:
    [(imported, _)] = store.contacts_for_number("+49897654321")
    duplicates.merge(store, imported.id, _own(store, "J. Schäfer", "+49301234568"))
    window = _opened(qtbot, store)
    texts = [a.text().split("  ·  ")[0] for a in window.earlier_button.menu().actions()]
    assert texts == [LOPEZ, f"Merged {TOLD}"]
    before = everything(store)

    window.earlier_button.menu().actions()[1].trigger()
    assert window.status.text() == (
        "Not done: “Merged J. Schäfer into Jürgen Schäfer” came after this merge, on the same "
        "contact: take it back first, then this one. Nothing was changed."
    )
    assert everything(store) == before
    assert len(window.earlier_button.menu().actions()) == 2, "both are still offered"


def test_import_history_offers_to_undo_the_merge_that_blocks_the_import(
    qtbot: QtBot, store: Store
) -> None:
    history = ImportHistoryWindow(store)
    qtbot.addWidget(history)
    history.show()
    history.open()
    undo = history.findChild(QPushButton, "undo1")
    assert undo is not None
    qtbot.mouseClick(undo, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not history.busy, timeout=10_000)
    assert history.status.text().endswith(
        f": {TOLD}, {made_words(store, 1, hour_cycle())}. Take that merge back first with Undo "
        "that merge, then undo the import. Nothing was changed.")  # fmt: skip
    button = history.merge_button
    assert button.isVisible() and button.text() == "Undo that merge"
    assert "Takes back:\n" + TOLD.replace(" into ", "\n    into ") in button.toolTip()
    history.grab().save("/tmp/h-undo2/history_offers_merge.png")

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert history.status.text() == (
        "Separated the two Jürgen Schäfer contacts again. Undo crm.csv again to take the "
        "import back.")  # fmt: skip
    assert not button.isVisible()
    assert _names(store, "+49301234567") == ["Jürgen Schäfer"], "the rep's Jürgen is back"
    assert _names(store, "+14155550102") == ["Ana Lopez"], "the newer, unrelated merge stays"

    with qtbot.waitSignal(history.changed, timeout=10_000):
        qtbot.mouseClick(undo, Qt.MouseButton.LeftButton)
    assert store.contacts_for_number("+49897654321") == []
    assert _names(store, "+49301234567") == ["Jürgen Schäfer"]

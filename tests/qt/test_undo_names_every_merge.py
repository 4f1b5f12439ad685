"""An import several merges keep from being undone names all of them at once, each told apart
from the others (who into whom, their companies and numbers, when), in Import history, on the
command line and in the Duplicates window's Undo an earlier merge (h-merge3 items 1 and 2).

Used as a rep: the refusal named one merge; the rep took it back, pressed Undo again and heard
of the next. And two "Merged the two Mike Brandt contacts" read alike, in the refusal and in
Undo an earlier merge, so the rep could not tell which was which.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from desktop.adapters import duplicates
from desktop.adapters.store import NewContact, Store, StoreError
from desktop.adapters.store.times import from_epoch
from desktop.adapters.system_locale import system_hour_cycle
from desktop.core.import_history import when
from desktop.core.localtime import HourCycle
from desktop.core.models import StoredNumber
from desktop.qt.duplicates_window import DuplicatesWindow
from desktop.qt.import_history_window import ImportHistoryWindow
from desktop.qt.system_clock import hour_cycle
from tests.adapters.test_contact_fixes import everything
from tests.test_cli import cc

CRM = ("Name,Company,Phone\nMike Brandt,Acme,+1 415 555 0150\n"
       "Mike Brandt,Initech,+1 415 555 0151\n")  # fmt: skip
GLOBEX = "Mike Brandt (Globex, +1 212-555-0199) into Mike Brandt (Acme, +1 415-555-0150)"
HOOLI = "Mike Brandt (Hooli, +1 212-555-0198) into Mike Brandt (Initech, +1 415-555-0151)"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """crm.csv's two Mike Brandts, and the rep's own two, each merged into one of them: two
    merges of the same two names, both in the way of undoing crm.csv."""
    data = tmp_path / "data"
    (tmp_path / "crm.csv").write_text(CRM, encoding="utf-8")
    assert cc("import", str(tmp_path / "crm.csv"), "--region", "US", data_dir=data).returncode == 0
    store = Store.open(data / "callercard.sqlite3")
    try:
        for crm_number, company, own_number in (("+14155550150", "Globex", "+12125550199"),
                                                ("+14155550151", "Hooli", "+12125550198")):
            [(imported, _)] = store.contacts_for_number(crm_number)
            own = store.add_contact(NewContact("Mike Brandt", company=company, numbers=(
                StoredNumber(own_number, own_number),)))  # fmt: skip
            done = duplicates.merge(store, imported.id, own)
            assert done.summary == "Merged the two Mike Brandt contacts."
    finally:
        store.close()
    return data


@pytest.fixture
def store(data: Path) -> Iterator[Store]:
    s = Store.open(data / "callercard.sqlite3")
    yield s
    s.close()


def made_words(store: Store, undo_id: int, cycle: HourCycle) -> str:
    """When merge `undo_id` was made, as the windows and the terminal say it."""
    (at,) = store.connection.execute(
        "SELECT created_at FROM contact_undo WHERE id = ?", (undo_id,)).fetchone()  # fmt: skip
    return when(from_epoch(int(at)), datetime.now().astimezone(), cycle)


def test_the_terminal_names_every_merge_in_the_way_with_its_command(
    data: Path, store: Store
) -> None:
    undone = cc("import", "--undo", "1", data_dir=data)
    assert undone.returncode == 1
    cycle = system_hour_cycle()
    assert undone.stderr == (
        "callercard: Undoing crm.csv would delete 2 of your contacts too, merged since into "
        f"contacts it brought: {HOOLI}, {made_words(store, 2, cycle)} (callercard undo-merge 2); "
        f"{GLOBEX}, {made_words(store, 1, cycle)} (callercard undo-merge 1). Take those 2 merges "
        "back first in that order, then undo the import.\n"
    )
    before = everything(store)
    with pytest.raises(StoreError, match=r"2 of your contacts too.*undo-merge 2\);.*undo-merge 1"):
        store.undo_import(1)
    assert everything(store) == before


def test_import_history_names_both_and_takes_both_back(qtbot: QtBot, store: Store) -> None:
    history = ImportHistoryWindow(store)
    qtbot.addWidget(history)
    history.show()
    history.open()
    undo = history.findChild(QPushButton, "undo1")
    assert undo is not None
    qtbot.mouseClick(undo, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not history.busy, timeout=10_000)
    cycle = hour_cycle()
    assert history.status.text() == (
        "Could not undo crm.csv: Undoing crm.csv would delete 2 of your contacts too, merged "
        f"since into contacts it brought: {HOOLI}, {made_words(store, 2, cycle)}; {GLOBEX}, "
        f"{made_words(store, 1, cycle)}. Take those 2 merges back first with Undo those 2 merges, "
        "then undo the import. Nothing was changed.")  # fmt: skip
    button = history.merge_button
    assert button.isVisible() and button.text() == "Undo those 2 merges"
    assert "white-space:pre\"" in button.toolTip(), "no line of it wraps"
    for told in (HOOLI, GLOBEX):
        assert told.replace(" into ", "\n    into ") in button.toolTip()
    history.grab().save("/tmp/h-merge3/history_two_merges.png")

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert history.status.text() == (
        f"Took back 2 merges: {HOOLI}; {GLOBEX}. Undo crm.csv again to take the import back.")
    assert not button.isVisible()
    for own in ("+12125550199", "+12125550198"):
        assert [c.name for c, _ in store.contacts_for_number(own)] == ["Mike Brandt"]

    with qtbot.waitSignal(history.changed, timeout=10_000):
        qtbot.mouseClick(undo, Qt.MouseButton.LeftButton)
    assert store.contacts_for_number("+14155550150") == []
    assert [c.company for c, _ in store.contacts_for_number("+12125550199")] == ["Globex"]


def test_undo_an_earlier_merge_tells_the_two_mike_brandt_merges_apart(
    qtbot: QtBot, store: Store
) -> None:
    window = DuplicatesWindow(store)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.loaded, timeout=10_000):
        window.open()
    [earlier] = window.earlier_button.menu().actions()
    assert earlier.text() == f"Merged {GLOBEX}  ·  {made_words(store, 1, hour_cycle())}"
    assert f"(Merged {HOOLI})" in window.undo_button.toolTip()
    window.show()
    window.grab().save("/tmp/h-merge3/duplicates_two_mike_brandts.png")
    with qtbot.waitSignal(window.loaded, timeout=10_000):
        earlier.trigger()
    assert [c.company for c, _ in store.contacts_for_number("+12125550199")] == ["Globex"]
    assert [c.company for c, _ in store.contacts_for_number("+12125550198")] == ["Initech"]

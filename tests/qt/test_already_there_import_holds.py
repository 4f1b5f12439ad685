"""A file whose every row is already in the contacts, as another file's, is an import of its
own: recorded ("0 added, 2 already there"), and holding the contacts it names, so undoing
the other file leaves them (h-merge3 item 4).

Used as a rep: team.csv, all already there from crm.csv, left no trace (no batch, so it held
nothing); undoing crm.csv then removed Ann and Bo, whom team.csv, still imported as far as the
rep knew, has too. The same file imported again still changes nothing and records nothing.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from desktop.adapters.store import Store
from desktop.qt.import_history_window import ImportHistoryWindow
from tests.test_cli import cc

CRM = ("Name,Company,Phone\nAnn Lee,Acme,+1 415 555 0144\nBo Kim,Acme,+1 415 555 0145\n"
       "Cy Day,Acme,+1 415 555 0146\n")  # fmt: skip
TEAM = "Name,Company,Phone\nAnn Lee,Acme,+1 415 555 0144\nBo Kim,Acme,+1 415 555 0145\n"


def _names(store: Store) -> list[str]:
    return sorted(str(n) for (n,) in store.connection.execute("SELECT name FROM contacts"))


def test_a_file_all_already_there_holds_its_contacts(qtbot: QtBot, tmp_path: Path) -> None:
    data = tmp_path / "data"
    (tmp_path / "crm.csv").write_text(CRM, encoding="utf-8")
    (tmp_path / "team.csv").write_text(TEAM, encoding="utf-8")
    for name in ("crm.csv", "team.csv", "team.csv"):
        done = cc("import", str(tmp_path / name), "--region", "US", data_dir=data)
        assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("team.csv: 0 imported, 0 merged, 2 already there, 0 rejected "
                                  "(nothing changed)"), "the same file again records nothing"
    listed = cc("import", "--list", data_dir=data).stdout.splitlines()
    assert len(listed) == 3, listed  # two imports and the Undo hint
    assert listed[1].startswith("    2  team.csv")
    assert listed[1].endswith("0 added, 2 already there")

    store = Store.open(data / "callercard.sqlite3")
    try:
        history = ImportHistoryWindow(store)
        qtbot.addWidget(history)
        history.open()
        assert history.table.rowCount() == 2
        assert [history.table.item(r, 2).text() for r in range(2)] == [
            "0 added, 2 already there", "3 added"]
        assert isinstance(history.table.cellWidget(0, 3), QPushButton), "team.csv has Undo"
    finally:
        store.close()

    undone = cc("import", "--undo", "1", data_dir=data)
    assert undone.returncode == 0, undone.stderr
    assert undone.stdout.count("Ann Lee stays: team.csv also has this contact.") == 1, "said once"
    store = Store.open(data / "callercard.sqlite3")
    try:
        assert _names(store) == ["Ann Lee", "Bo Kim"], "Cy was crm.csv's alone"
    finally:
        store.close()

    undone = cc("import", "--undo", "2", data_dir=data)
    assert undone.returncode == 0, undone.stderr
    assert undone.stdout.startswith("Removed 2 contacts imported from team.csv")
    store = Store.open(data / "callercard.sqlite3")
    try:
        assert _names(store) == []
    finally:
        store.close()

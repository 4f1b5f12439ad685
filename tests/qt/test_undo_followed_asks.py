"""Undoing a followed file's import says before it acts that CallerCard stops following the
file: only the result said so ('team.csv is no longer followed'), after the rep had chosen,
and an import nobody had worked on was undone without a question at all.

Import history's real window and its real question; the CLI as a child process.
"""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from desktop.adapters.followed_list import followed_files
from desktop.adapters.importing import ImportOptions
from desktop.adapters.importing.following import follow
from desktop.adapters.store import Store
from desktop.core.numbers import NumberPolicy
from desktop.qt.import_history_window import ImportHistoryWindow
from tests.test_cli import cc

TEAM = ("Name,Company,Phone\n"
        "Dana Whitfield,Sunpeak Energy,+1 310 555 0198\n"
        "Sam Ortiz,Harbor Foods,+1 212 555 0123\n")  # fmt: skip
STOPS = "CallerCard will also stop following team.csv; later saves are not imported."


def followed_team(tmp_path: Path) -> tuple[Path, Path]:
    data = tmp_path / "data"
    team = tmp_path / "team.csv"
    team.write_text(TEAM, encoding="utf-8")
    store = Store.open(data / "callercard.sqlite3")
    try:
        follow(store, team, ImportOptions(NumberPolicy("US")))
    finally:
        store.close()
    return data, team


def test_import_history_says_the_file_stops_being_followed_before_it_undoes(
    qtbot: QtBot, tmp_path: Path
) -> None:
    data, _team = followed_team(tmp_path)
    store = Store.open(data / "callercard.sqlite3")
    try:
        window = ImportHistoryWindow(store)
        qtbot.addWidget(window)
        window.open()
        undo = window.findChild(QPushButton, "undo1")
        assert undo is not None

        qtbot.mouseClick(undo, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.asking is not None and window.asking.isVisible())
        box = window.asking
        assert box.text() == "Undo the import of team.csv?"
        assert box.informativeText() == STOPS, "asked although nobody had worked on them"
        box.reject()  # Cancel
        qtbot.waitUntil(lambda: window.asking is None)
        assert [f.path.name for f in followed_files(store)] == ["team.csv"], "still followed"
        assert store.count_contacts() == 2

        qtbot.mouseClick(undo, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.asking is not None and window.asking.isVisible())
        [go] = [b for b in window.asking.buttons() if b.text() == "Undo import"]
        with qtbot.waitSignal(window.changed, timeout=10_000):
            go.click()
        assert followed_files(store) == [] and store.count_contacts() == 0
        assert "team.csv is no longer followed" in window.status.text()
    finally:
        store.close()


def test_the_question_names_the_reps_calls_and_the_follow_together(
    tmp_path: Path,
) -> None:
    data, _team = followed_team(tmp_path)
    logged = cc("log-call", "+13105550198", "--outcome", "talked", "--region", "US",
                data_dir=data)  # fmt: skip
    assert logged.returncode == 0, logged.stderr
    store = Store.open(data / "callercard.sqlite3")
    try:
        warning = store.undo_import_check(1).warning()
    finally:
        store.close()
    assert warning.startswith("1 of the 2 contacts Undo removes has calls"), warning
    assert warning.endswith(STOPS), warning


def test_the_terminal_says_the_file_stops_being_followed_before_it_undoes(
    tmp_path: Path,
) -> None:
    data, _team = followed_team(tmp_path)
    undone = cc("import", "--undo", "1", data_dir=data)
    assert undone.returncode == 0, undone.stderr
    lines = undone.stdout.splitlines()
    assert lines[0] == STOPS, undone.stdout
    assert lines[1].startswith("Removed 2 contacts imported from team.csv"), undone.stdout


def test_an_import_no_longer_followed_does_not_say_it(tmp_path: Path) -> None:
    data, team = followed_team(tmp_path)
    assert cc("import", "--unfollow", str(team), data_dir=data).returncode == 0
    undone = cc("import", "--undo", "1", "--json", data_dir=data)
    assert undone.returncode == 0, undone.stderr
    said = json.loads(undone.stdout)
    assert (said["warning"], said["unfollowed"]) == ("", "")


def test_the_import_windows_undo_of_a_followed_import_says_so_too(
    qtbot: QtBot, tmp_path: Path
) -> None:
    from desktop.qt.import_window import ImportWindow

    database = tmp_path / "data" / "cc.sqlite3"
    team = tmp_path / "team.csv"
    team.write_text(TEAM, encoding="utf-8")
    window = ImportWindow(database, lambda: NumberPolicy("US"))
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.previewed, timeout=30_000):
        window.load(team)
    window.keep_following.setChecked(True)
    with qtbot.waitSignal(window.imported, timeout=30_000):
        window.import_button.click()

    window.undo_button.click()
    qtbot.waitUntil(lambda: window.asking is not None and window.asking.isVisible())
    assert window.asking.informativeText() == STOPS
    [go] = [b for b in window.asking.buttons() if b.text() == "Undo import"]
    with qtbot.waitSignal(window.imported, timeout=10_000):
        go.click()
    store = Store.open(database)
    try:
        assert followed_files(store) == [] and store.count_contacts() == 0
    finally:
        store.close()

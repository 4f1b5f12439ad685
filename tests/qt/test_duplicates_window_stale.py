"""Possible duplicates after a pair was merged elsewhere (`callercard merge` from a shell while
the window is open): Merge says so and the list is read again, without the stale pair."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from desktop.adapters import duplicates
from desktop.adapters.store import Store
from tests.adapters.test_contact_fixes import two_priyas
from tests.qt.test_duplicates_window import lindqvists, opened, select


def test_a_pair_merged_elsewhere_leaves_the_list(qtbot: QtBot, tmp_path: Path) -> None:
    """The pair stayed listed with "Not done: One of these contacts no longer exists", and
    Merge kept failing on it."""
    store = Store.open(tmp_path / "cc.sqlite3")
    try:
        two_priyas(store)
        surname, full = lindqvists(store)
        window = opened(qtbot, store)
        assert len(window.pairs) == 2
        select(window, "Astrid Lindqvist")
        shell = Store.open(tmp_path / "cc.sqlite3")  # another process's connection
        try:
            duplicates.merge(shell, full, surname)
        finally:
            shell.close()
        with qtbot.waitSignal(window.loaded, timeout=10_000):
            window.merge()
        assert window.status.text().startswith("Not done: One of these contacts no longer")
        assert [p.first.name for p in window.pairs] == ["Priya Raman"]
    finally:
        store.close()


def test_a_merge_elsewhere_is_followed_while_the_window_is_open(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """The window kept the merged pair until Merge was pressed on it ("no longer exists"); it
    now reads the list again as the other connection commits, and the chosen pair stays
    chosen. A merge made in the window itself is not read back as news."""
    store = Store.open(tmp_path / "cc.sqlite3")
    try:
        two_priyas(store)
        surname, full = lindqvists(store)
        window = opened(qtbot, store)
        select(window, "Priya Raman")
        shell = Store.open(tmp_path / "cc.sqlite3")  # `callercard merge` in a terminal
        try:
            with qtbot.waitSignal(window.loaded, timeout=10_000):
                duplicates.merge(shell, full, surname)
        finally:
            shell.close()
        assert [p.first.name for p in window.pairs] == ["Priya Raman"]
        assert window.list.currentRow() == 0 and window.plan is not None
        assert window.status.text() == "1 possible duplicate."

        window.merge()  # the pair that is left, merged here
        said = window.status.text()
        with qtbot.assertNotEmitted(window.loaded, wait=600):
            pass
        assert window.pairs == [] and window.status.text() == said
    finally:
        store.close()

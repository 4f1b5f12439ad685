"""Windows on screen follow what the rep changes in another window: the Search window's
results after an edit in the contact view, and after an import run in a terminal."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.qt.test_ring_pipeline import MIKE, Running, start_app  # noqa: F401 (fixture)


def test_search_results_follow_an_edit_made_in_the_contact_view(
    qtbot: QtBot, start_app: Callable[..., Running]  # noqa: F811
) -> None:
    from desktop.qt.contact_view import ContactView
    from desktop.qt.search_window import SearchWindow

    running = start_app()
    app = running.app
    [(mike, _)] = app.store.contacts_for_number(MIKE)
    app.open_search("kowalski")
    search = app.windows.search_window
    assert isinstance(search, SearchWindow)
    qtbot.waitUntil(lambda: search.result_ids() == [mike.id])
    assert "freight audit" not in search.results.item(0).data(Qt.ItemDataRole.UserRole + 2)

    app.show_contact(mike.id)
    view = app.windows.contact_views[mike.id]
    assert isinstance(view, ContactView)
    qtbot.keyClicks(view.editors["reason"], "the freight audit")
    # The result on screen says it, without the rep typing the search again.
    qtbot.waitUntil(lambda: "freight audit" in str(
        search.results.item(0).data(Qt.ItemDataRole.UserRole + 2)), timeout=5000)  # fmt: skip
    running.close()


def test_search_results_follow_an_import_run_in_a_terminal(
    qtbot: QtBot, tmp_path: Path, start_app: Callable[..., Running]  # noqa: F811
) -> None:
    """The rep searched "mike", then imports a sheet from a terminal: the new Mike is listed
    without typing again (the import commits through a process of its own)."""
    from desktop.qt.search_window import SearchWindow
    from tests.test_cli import cc

    running = start_app()
    app = running.app
    app.open_search("mike")
    search = app.windows.search_window
    assert isinstance(search, SearchWindow)
    qtbot.waitUntil(lambda: len(search.result_ids()) == 1)
    sheet = tmp_path / "more.csv"
    sheet.write_text("Name,Company,Phone\nMike Adler,Adler Bau,+1 415 555 0199\n",
                     encoding="utf-8")  # fmt: skip
    done = cc("import", str(sheet), "--region", "US", data_dir=app.paths.data_dir)
    assert done.returncode == 0, done.stderr
    qtbot.waitUntil(lambda: len(search.result_ids()) == 2, timeout=10_000)
    assert search.status.text() == "2 found"
    running.close()

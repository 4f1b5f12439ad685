"""Windows on screen follow what the rep changes in another window: the Search window's
results after an edit in the contact view."""

from __future__ import annotations

from collections.abc import Callable

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
    search = app._search_window
    assert isinstance(search, SearchWindow)
    qtbot.waitUntil(lambda: search.result_ids() == [mike.id])
    assert "freight audit" not in search.results.item(0).data(Qt.ItemDataRole.UserRole + 2)

    app.show_contact(mike.id)
    view = app._contact_views[mike.id]
    assert isinstance(view, ContactView)
    qtbot.keyClicks(view.editors["reason"], "the freight audit")
    # The result on screen says it, without the rep typing the search again.
    qtbot.waitUntil(lambda: "freight audit" in str(
        search.results.item(0).data(Qt.ItemDataRole.UserRole + 2)), timeout=5000)  # fmt: skip
    running.close()

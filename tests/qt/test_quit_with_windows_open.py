"""Quitting with windows open: each window that follows the book (a contact view, Search,
Duplicates, Import history) is closed before the app closes its database, so a commit made
afterwards by a terminal or a hook reads nothing through a closed connection.

Seen in the suite under load: a contact view left open read the store closed by shutdown
("Cannot operate on a closed database") when the BookWatch saw the next commit.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import closing

from pytestqt.qtbot import QtBot

from desktop.adapters.store import Store
from tests.qt.test_ring_pipeline import MIKE, Running, start_app  # noqa: F401 (fixture)


def test_windows_left_open_at_quit_read_nothing_after_it(
    qtbot: QtBot, start_app: Callable[..., Running]  # noqa: F811
) -> None:
    running = start_app()
    app = running.app
    [(mike, _)] = app.store.contacts_for_number(MIKE)
    app.show_contact(mike.id)
    app.open_search("kowalski")
    app.open_duplicates()
    view = app.windows.contact_views[mike.id]
    qtbot.waitExposed(view)
    path = app.store.path

    running.close()  # the app's quit: its store is closed
    assert not view.isVisible()
    # `callercard log-call` from a terminal:
    with closing(Store.open(path)) as terminal, terminal.transaction():
        terminal.update_contact_field(mike.id, "reason", "Quoted the freight audit")
    qtbot.wait(400)  # the watches' turn: an open window would read the closed store now

"""Import history's Undo that merge, with the app's real windows open: the contact view, the
Search window's results and Callbacks show the two contacts as they are once the merge is
taken back, not as the merge had made them (h-merge3 item 3).

The rep typed in their own Mike Brandt (Globex), whose call they missed, then merged him into
the Mike Brandt crm.csv brought (Acme) while both contact views were open. Undoing crm.csv is
refused for that merge; Undo that merge separates them again, and the rep's Mike's view, which
said he was merged, is his again and can be edited.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot

from desktop.adapters.paths import resolve_paths
from desktop.adapters.store import NewContact, Store
from desktop.core.models import Attempt, Direction, Outcome, StoredNumber
from desktop.qt.contact_view import ContactView
from tests.qt.test_ring_pipeline import Running, start_app  # noqa: F401 (fixture)
from tests.test_cli import cc

CRM = "Name,Company,Phone\nMike Brandt,Acme,+1 415 555 0150\n"
ACME = "+14155550150"
GLOBEX = "+12125550199"


def _book(tmp_path: Path) -> tuple[int, int]:
    """crm.csv imported, and the rep's own Mike Brandt with a missed call."""
    data = tmp_path / "data"
    (tmp_path / "crm.csv").write_text(CRM, encoding="utf-8")
    done = cc("import", str(tmp_path / "crm.csv"), "--region", "US", data_dir=data)
    assert done.returncode == 0, done.stderr
    store = Store.open(resolve_paths(data).database)
    try:
        [(acme, _)] = store.contacts_for_number(ACME)
        own = store.add_contact(NewContact("Mike Brandt", company="Globex", numbers=(
            StoredNumber("+1 212 555 0199", GLOBEX),)))  # fmt: skip
        missed = Attempt(Direction.IN, datetime.now(UTC) - timedelta(minutes=30),
                         Outcome.MISSED, number_e164=GLOBEX)  # fmt: skip
        store.record_call(own, missed, "hook", "hook:globex")
    finally:
        store.close()
    return acme.id, own


def _numbers(view: ContactView) -> list[str]:
    return [label.text() for label in view.numbers_box.findChildren(QLabel)
            if label.text().startswith("+")]  # fmt: skip


def test_undo_that_merge_updates_the_open_contact_views_search_and_callbacks(
    qtbot: QtBot, tmp_path: Path, start_app: Callable[..., Running]  # noqa: F811
) -> None:
    from desktop.qt.callbacks_window import entry_row
    from desktop.qt.import_history_window import ImportHistoryWindow
    from desktop.qt.search_window import SearchWindow

    acme, own = _book(tmp_path)
    running = start_app()
    app = running.app
    app.show_contact(acme)
    app.show_contact(own)
    view, own_view = app.windows.contact_views[acme], app.windows.contact_views[own]
    assert isinstance(view, ContactView) and isinstance(own_view, ContactView)
    app.open_search("brandt")
    search = app.windows.search_window
    assert isinstance(search, SearchWindow)
    qtbot.waitUntil(lambda: sorted(search.result_ids()) == sorted([acme, own]))
    app.open_callbacks()
    callbacks = app.callbacks.window
    assert callbacks is not None

    # The rep merges their Mike into crm's (from a terminal here): every view follows.
    merged = cc("merge", str(acme), str(own), data_dir=app.paths.data_dir)
    assert merged.returncode == 0, merged.stderr
    qtbot.waitUntil(lambda: _numbers(view) == ["+1 415-555-0150", "+1 212-555-0199"],
                    timeout=5_000)  # fmt: skip
    qtbot.waitUntil(lambda: search.result_ids() == [acme], timeout=5_000)
    qtbot.waitUntil(lambda: [entry_row(e)[0] for e in callbacks.entries]
                    == ["Mike Brandt · Acme"], timeout=5_000)  # fmt: skip
    assert own_view.status.text().startswith("Merged the two Mike Brandt contacts")
    assert not own_view.editors["name"].isEnabled()

    app.windows.open_import_history()
    history = app.windows.import_history
    assert isinstance(history, ImportHistoryWindow)
    undo = history.findChild(QPushButton, "undo1")
    assert undo is not None
    qtbot.mouseClick(undo, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: history.merge_button.isVisible(), timeout=10_000)
    qtbot.mouseClick(history.merge_button, Qt.MouseButton.LeftButton)
    assert history.status.text() == (
        "Separated the two Mike Brandt contacts again. Undo crm.csv again to take the import "
        "back.")  # fmt: skip

    # Both views show their contact as it is again, the rep's own Mike editable once more.
    qtbot.waitUntil(lambda: _numbers(view) == ["+1 415-555-0150"], timeout=5_000)
    qtbot.waitUntil(lambda: _numbers(own_view) == ["+1 212-555-0199"], timeout=5_000)
    assert own_view.editors["name"].isEnabled() and own_view.delete_button.isEnabled()
    assert own_view.editors["company"].text() == "Globex"
    assert not own_view.status.text().startswith("Merged")
    own_view.grab().save("/tmp/h-merge3/contact_view_after_undo_that_merge.png")
    qtbot.waitUntil(lambda: sorted(search.result_ids()) == sorted([acme, own]), timeout=5_000)
    qtbot.waitUntil(lambda: [entry_row(e)[0] for e in callbacks.entries]
                    == ["Mike Brandt · Globex"], timeout=5_000)  # fmt: skip
    card = app.lookup.card_for("+1 212 555 0199", candidates=False)
    assert [c.id for c in card.contacts] == [own]
    for window in (view, own_view, search, callbacks, history):
        window.close()
    running.close()

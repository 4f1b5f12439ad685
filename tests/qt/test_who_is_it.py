"""Who is it? in Callbacks and Recent calls: a number nobody has given to a contact, or made a
new one, after the call.

Used as a rep: CHICAGO IL's missed calls waited in Callbacks; its Who is it? opened Search for
the number, which said "Nobody has +1 312-555-0199: Call back calls it." and nothing more.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from desktop.core.models import Attempt, Direction, Outcome
from tests.qt.test_ring_pipeline import Running, start_app  # noqa: F401 (fixture)

CHICAGO = "+13125550199"


def missed_from_chicago(running: Running) -> None:
    attempt = Attempt(Direction.IN, datetime.now(UTC) - timedelta(minutes=3), Outcome.MISSED,
                      number_e164=CHICAGO, caller_name="CHICAGO IL")  # fmt: skip
    assert running.app.store.record_call(None, attempt, "hook", "hook:chicago") is not None


def test_who_is_it_in_callbacks_gives_the_number_to_a_contact(
    qtbot: QtBot, start_app: Callable[..., Running]  # noqa: F811
) -> None:
    from desktop.qt.callbacks_window import CallbacksWindow
    from desktop.qt.contact_view import ContactView
    from desktop.qt.who_is_it import WhoIsItWindow

    running = start_app()
    app = running.app
    missed_from_chicago(running)
    app.open_callbacks()
    callbacks = app.callbacks.window
    assert isinstance(callbacks, CallbacksWindow)
    waiting = callbacks.table.topLevelItem(0)
    assert waiting is not None
    row = waiting.child(0)
    assert row.text(0) == "CHICAGO IL (caller ID)"
    callbacks.table.setCurrentItem(row)
    assert callbacks.open_button.text() == "Who is it?"

    qtbot.mouseClick(callbacks.open_button, Qt.MouseButton.LeftButton)
    who = app.windows.who_is_it_window
    assert isinstance(who, WhoIsItWindow) and who.isVisible()
    assert who.title.text() == "Who called from +1 312-555-0199?"
    assert who.picker.name.text() == ""  # "CHICAGO IL" is where the line is, not who
    qtbot.keyClicks(who.picker.name, "kowal")
    qtbot.waitUntil(lambda: who.picker.list.count() == 1)
    [(mike, _)] = app.store.contacts_for_number("+14155550142")
    assert who.picker.selected_id() == mike.id
    qtbot.mouseClick(who.picker.link_button, Qt.MouseButton.LeftButton)

    # The number is Mike's now: his view opens, his calls include Chicago's missed one, and
    # Callbacks lists the missed call as his.
    assert [n.e164 for n in (app.store.contact(mike.id) or mike).numbers] == [
        "+14155550142", CHICAGO]  # fmt: skip
    view = app.windows.contact_views.get(mike.id)
    assert isinstance(view, ContactView) and view.isVisible()
    assert not who.isVisible()
    callbacks.reload()
    waiting = callbacks.table.topLevelItem(0)
    assert waiting is not None and waiting.child(0).text(0) == "Mike Kowalski"
    running.close()


def test_who_is_it_in_recent_calls_makes_a_new_contact(
    qtbot: QtBot, start_app: Callable[..., Running]  # noqa: F811
) -> None:
    from desktop.qt.call_list import CallList
    from desktop.qt.who_is_it import WhoIsItWindow

    running = start_app()
    app = running.app
    missed_from_chicago(running)
    app.open_calls()
    calls = app.windows.call_list
    assert isinstance(calls, CallList)
    calls.open_selected()  # the newest call, Chicago's, is selected
    who = app.windows.who_is_it_window
    assert isinstance(who, WhoIsItWindow)
    qtbot.keyClicks(who.picker.name, "Rosa Delgado")
    qtbot.mouseClick(who.picker.new_button, Qt.MouseButton.LeftButton)
    [(rosa, _)] = app.store.contacts_for_number(CHICAGO)
    assert rosa.name == "Rosa Delgado"
    assert not who.isVisible()
    running.close()


def test_who_is_it_starts_from_the_caller_id_name_and_is_as_tall_as_it_needs(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """Used as a rep: PDX WIRELESS's missed call opened Who is it? on an empty name box, and
    with nobody to list a third of the 300 px window was a blank band under its buttons."""
    from desktop.adapters.bundled import default_opener_templates
    from desktop.adapters.lookup import CallerLookup
    from desktop.adapters.store import NewContact, Store
    from desktop.core.numbers import NumberPolicy
    from desktop.qt.who_is_it import WhoIsItWindow

    store = Store.open(tmp_path / "cc.sqlite3")
    portland = "+15035550177"
    for minutes, name in ((60, "PORTLAND OR"), (3, "PDX WIRELESS")):  # the newest call's name
        attempt = Attempt(Direction.IN, datetime.now(UTC) - timedelta(minutes=minutes),
                          Outcome.MISSED, number_e164=portland, caller_name=name)  # fmt: skip
        assert store.record_call(None, attempt, "hook", f"hook:{minutes}") is not None
    lookup = CallerLookup(store, NumberPolicy("US"), default_opener_templates())
    who = WhoIsItWindow(lookup, portland)
    qtbot.addWidget(who)
    who.open()
    qtbot.waitExposed(who)
    assert who.picker.name.text() == "PDX WIRELESS"
    assert who.picker.name.selectedText() == "PDX WIRELESS"  # what the rep types replaces it
    assert who.picker.empty.text() == "No one called “PDX WIRELESS” — make a new contact?"

    def band() -> int:  # below the Close button, less the window's own bottom margin
        close = who.findChild(QPushButton, "close")
        assert close is not None
        bottom = close.mapTo(who, QPoint(0, close.height())).y()
        return who.height() - bottom - who.layout().contentsMargins().bottom()

    assert band() <= 2, band()
    short = who.height()

    # The caller says "Dana": the list comes, the window grows to hold it, and goes again
    store.add_contact(NewContact("Dana Whitfield", company="Contoso"))
    qtbot.keyClicks(who.picker.name, "Dana")  # over the selected caller-ID name
    qtbot.waitUntil(lambda: who.picker.list.isVisible())
    assert who.picker.name.text() == "Dana"
    qtbot.waitUntil(lambda: band() <= 2 and who.height() > short)
    who.picker.name.clear()
    qtbot.waitUntil(lambda: not who.picker.list.isVisible())
    qtbot.waitUntil(lambda: band() <= 2 and who.height() == short)
    store.close()

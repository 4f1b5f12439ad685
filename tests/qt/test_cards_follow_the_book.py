"""A card on screen follows what the rep fixes elsewhere in the app: a missed caller named in
Callbacks' Who is it?, a name corrected in the contact view.

Used as a rep (session 22): Frank Miller's number was added from a list, and his missed card
still said "WIRELESS CALLER" until it went.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.core.ipc import End, EndOutcome, Ring
from desktop.qt.popup import Popup
from tests.qt.test_popup import full
from tests.qt.test_ring_pipeline import MIKE, Running, start_app  # noqa: F401 (fixture)
from tests.qt.test_who_is_it import CHICAGO


def missed_card(running: Running, qtbot: QtBot, number: str, name: str) -> Popup:
    app = running.app
    app.on_message(Ring(number, name))
    qtbot.waitUntil(lambda: bool(running.records("shown")))
    app.on_message(End(caller_id=number, outcome=EndOutcome.MISSED))
    [popup] = [p for p in app.popups.popups() if p.isVisible()]
    assert app.popups.missed_keys() == [popup.call_key]
    return popup


def test_a_missed_caller_named_in_callbacks_is_named_on_their_card(
    qtbot: QtBot, start_app: Callable[..., Running]  # noqa: F811
) -> None:
    from desktop.qt.who_is_it import WhoIsItWindow

    running = start_app()
    app = running.app
    popup = missed_card(running, qtbot, CHICAGO, "WIRELESS CALLER")
    assert full(popup, "name") != "Mike Kowalski"

    app.who_is_it(CHICAGO)
    who = app._who_is_it
    assert isinstance(who, WhoIsItWindow)
    qtbot.keyClicks(who.picker.name, "kowal")
    qtbot.waitUntil(lambda: who.picker.list.count() == 1)
    qtbot.mouseClick(who.picker.link_button, Qt.MouseButton.LeftButton)

    # The same card, still the missed call with Call back, now says who it was.
    assert popup.isVisible() and app.popups.missed_keys() == [popup.call_key]
    assert full(popup, "name") == "Mike Kowalski"
    assert popup.offers_call_back()
    running.close()


def test_a_name_fixed_in_the_contact_view_is_fixed_on_the_ringing_card(
    qtbot: QtBot, start_app: Callable[..., Running]  # noqa: F811
) -> None:
    from desktop.qt.contact_view import ContactView

    running = start_app()
    app = running.app
    app.on_message(Ring(MIKE, "M KOWALSKI"))
    qtbot.waitUntil(lambda: bool(running.records("shown")))
    [popup] = app.popups.popups()
    assert full(popup, "name") == "Mike Kowalski"

    [(mike, _)] = app.store.contacts_for_number(MIKE)
    app.show_contact(mike.id)
    view = app._contact_views[mike.id]
    assert isinstance(view, ContactView)
    name = view.editors["name"]
    name.selectAll()  # type: ignore[union-attr]
    qtbot.keyClicks(name, "Michael Kowalski")

    qtbot.waitUntil(lambda: full(popup, "name") == "Michael Kowalski")
    assert popup.isVisible() and popup.call_key  # still the ringing call's card
    view.close()
    running.close()

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
    who = app.windows.who_is_it_window
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
    view = app.windows.contact_views[mike.id]
    assert isinstance(view, ContactView)
    name = view.editors["name"]
    name.selectAll()  # type: ignore[union-attr]
    qtbot.keyClicks(name, "Michael Kowalski")

    qtbot.waitUntil(lambda: full(popup, "name") == "Michael Kowalski")
    assert popup.isVisible() and popup.call_key  # still the ringing call's card
    view.close()
    running.close()


def test_a_missed_unknown_caller_is_named_from_their_card(
    qtbot: QtBot, start_app: Callable[..., Running]  # noqa: F811
) -> None:
    """The missed card of a number nobody has keeps Who is it? (h-qa5 and h-fresh2, session
    22: it offered only Call back and Dismiss); settled there, it stays the missed card."""
    from PySide6.QtWidgets import QWidget

    from desktop.qt.candidate_picker import CandidatePicker
    from tests.qt.test_popup import button

    running = start_app()
    app = running.app
    popup = missed_card(running, qtbot, CHICAGO, "WIRELESS CALLER")
    identify = popup.findChild(QWidget, "identify")
    assert identify is not None and identify.isVisible()
    assert popup.offers_call_back()

    qtbot.mouseClick(button(popup, "identify"), Qt.MouseButton.LeftButton)
    picker = popup.findChild(CandidatePicker)
    assert picker is not None and picker.isVisible()
    qtbot.keyClicks(picker.name, "kowal")
    qtbot.waitUntil(lambda: bool(picker.shown_ids()))
    picker.list.setCurrentRow(0)
    picker.link_selected()

    assert full(popup, "name") == "Mike Kowalski"
    assert app.popups.missed_keys() == [popup.call_key] and popup.offers_call_back()
    assert not identify.isVisible() and not picker.isVisible()
    [(mike, _)] = app.store.contacts_for_number(CHICAGO)
    assert mike.name == "Mike Kowalski"
    running.close()

"""An unknown caller linked to a contact with "Who is it?" mid-call: the card re-filled for
that contact lists the contact's past calls, not the call in progress itself (it was logged
a moment after the card first painted, so the re-filled card found it in the history)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from pytestqt.qtbot import QtBot

from desktop.core.card_text import card_lines
from desktop.core.ipc import Ring
from desktop.core.models import Attempt, Direction, Outcome
from desktop.qt.candidate_picker import CandidatePicker
from tests.qt.test_ring_pipeline import Running, start_app  # noqa: F401  (the fixture)

UNKNOWN = "+14155550199"  # Mike's desk line, not stored yet; his mobile +14155550142 is


def test_the_call_in_progress_is_not_listed_as_a_past_call_once_the_caller_is_linked(
    start_app: Callable[..., Running],  # noqa: F811
    qtbot: QtBot,
) -> None:
    app = start_app().app
    [(mike, _)] = app.store.contacts_for_number("+14155550142")
    a_day_ago = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)  # as stored
    yesterday = Attempt(Direction.IN, a_day_ago, Outcome.MISSED, number_e164="+14155550142")
    with app.store.transaction():
        app.store.record_call(mike.id, yesterday, "microsip", "microsip:1@1")
    app.on_message(Ring(UNKNOWN, "MIKE K"))
    key = "hook:" + UNKNOWN
    popup = app.popups.popup_for(key)
    assert popup is not None and popup.card is not None and not popup.card.contacts
    # The ring is in the history (outcome not known yet) before the rep links it.
    logged = [(Direction.IN, Outcome.UNKNOWN), (Direction.IN, Outcome.MISSED)]
    qtbot.waitUntil(
        lambda: [(c.attempt.direction, c.attempt.outcome) for c in app.store.calls()] == logged
    )

    popup.open_picker()
    picker = popup.findChild(CandidatePicker)
    assert picker is not None
    picker.name.setText("mike")
    picker.narrow()
    picker.list.setCurrentRow(0)
    picker.link_selected()

    card = popup.card
    assert card is not None and [c.name for c in card.contacts] == ["Mike Kowalski"]
    assert card.contacts[0].attempts == (yesterday,)  # his missed call of yesterday, only
    assert sum("Missed" in line for line in card_lines(card)) == 1, card_lines(card)
    assert not any("They called" in line for line in card_lines(card)), card_lines(card)
    # The call itself is still logged, now as his.
    assert [c.contact.name if c.contact else "" for c in app.store.calls()] == ["Mike Kowalski"] * 2

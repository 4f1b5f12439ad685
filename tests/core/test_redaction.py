"""A redacted card tells a viewer of the shared screen that a company calls, not who."""

from __future__ import annotations

import json

import pytest

from desktop.core.card import REDACTED_LABEL, card_json
from desktop.core.card_text import card_lines
from desktop.core.redaction import Protection, protection, redact
from tests.qt.show_popup_demo import exact_card, switchboard_card, unknown_card, withheld_card

PRIVATE = ("Mike", "Kowalski", "415", "0142", "KOWALSKI", "VP Operations", "freight-audit",
           "Harley", "voicemail", "San Francisco", "Los_Angeles", "14:05", "Dana", "Raj",
           "Priya", "Tom", "NORTHWIND", "London", "speaking")  # fmt: skip


@pytest.mark.parametrize("make", [exact_card, switchboard_card, unknown_card, withheld_card])
def test_nothing_that_names_or_reaches_the_caller_survives(make: object) -> None:
    assert callable(make)
    card = redact(make())
    everything = json.dumps(card_json(card)) + "\n".join(card_lines(card))
    assert [word for word in PRIVATE if word in everything] == []
    assert card.redacted and card.opener == "" and card.candidates == ()
    assert redact(card) is card


def test_a_known_caller_keeps_the_company_and_the_label() -> None:
    card = redact(exact_card())
    assert card.headline == "Harbor Freight Logistics"
    assert card.display_number == ""
    assert card_lines(card) == ["Harbor Freight Logistics", REDACTED_LABEL]
    assert [c.company for c in card.contacts] == ["Harbor Freight Logistics"]
    assert [c.name for c in card.contacts] == [""]
    assert card.contacts[0].id == 0  # not the contact's record: nothing to open


def test_a_caller_without_a_company_is_only_the_label() -> None:
    for card in (redact(unknown_card()), redact(withheld_card())):
        assert card.headline == REDACTED_LABEL == "Callback"
        assert card.contacts == ()
        assert card_lines(card) == ["Callback"]


@pytest.mark.parametrize(
    ("keep_out", "dnd", "can_exclude", "expected"),
    [
        # Linux: no window can be excluded; the setting or Do Not Disturb redacts.
        (False, False, False, Protection.NONE),
        (True, False, False, Protection.REDACTED),
        (False, True, False, Protection.REDACTED),
        (True, True, False, Protection.REDACTED),
        # Windows/macOS: the setting excludes the window, the card stays whole.
        (True, False, True, Protection.EXCLUDED),
        (True, True, True, Protection.EXCLUDED),
        (False, False, True, Protection.NONE),
        (False, True, True, Protection.NONE),
    ],
)
def test_what_protects_the_card(keep_out: bool, dnd: bool, can_exclude: bool,
                                expected: Protection) -> None:  # fmt: skip
    assert protection(keep_out=keep_out, do_not_disturb=dnd, can_exclude=can_exclude) is expected

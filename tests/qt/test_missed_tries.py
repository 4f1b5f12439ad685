"""One caller who misses you twice has one missed card, and it says so in the words
Callbacks uses for the same calls ("(2 tries)"), after a restart too."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from PySide6.QtWidgets import QApplication

from desktop.core.callbacks import tries_text
from desktop.core.card_text import missed_when
from desktop.qt.popup_stack import PopupStack
from tests.qt.show_popup_demo import exact_card, withheld_card
from tests.qt.test_missed_card import close, make_stack, rung
from tests.qt.test_popup import label

pytestmark = pytest.mark.qt_log_ignore(
    r"This plugin does not support (raise|propagateSizeHints)\(\)"
)


@pytest.fixture
def stack(qapp: QApplication) -> Iterator[PopupStack]:
    popups = make_stack()
    yield popups
    close(popups)


def chip(stack: PopupStack) -> list[str]:
    return [label(p, "tierChip").text() for p in stack.popups()]


def test_a_caller_who_misses_you_twice_has_one_card_saying_two_tries(stack: PopupStack) -> None:
    rung(stack)
    stack.keep_missed("hook:+14155550142")
    [once] = chip(stack)
    assert once.startswith("Missed call · ") and "tries" not in once
    rung(stack)
    stack.keep_missed("hook:+14155550142")
    [twice] = chip(stack)
    assert twice.startswith("Missed call · ") and twice.endswith(" (2 tries)"), twice
    rung(stack)
    stack.keep_missed("hook:+14155550142")
    assert chip(stack)[0].endswith(" (3 tries)")
    # Callbacks counts the same calls in the same words.
    assert missed_when("14:05", 2) == "14:05" + tries_text(2)
    assert missed_when("14:05", 1) == "14:05" + tries_text(1)


def test_withheld_callers_are_not_counted_as_one(stack: PopupStack) -> None:
    for _ in range(2):
        rung(stack, "hook:", withheld_card)
        stack.keep_missed("hook:")
    assert [c.endswith("tries)") for c in chip(stack)] == [False, False]


def test_the_tries_come_back_after_a_restart_and_count_on(stack: PopupStack) -> None:
    stack.add_missed(exact_card(), "restored", datetime.now().astimezone(), tries=2)
    [(_card, _rang, tries)] = stack.open_missed()
    assert tries == 2 and chip(stack)[0].endswith(" (2 tries)")
    rung(stack)
    stack.keep_missed("hook:+14155550142")
    assert [t for _c, _r, t in stack.open_missed()] == [3]
    assert chip(stack)[0].endswith(" (3 tries)")

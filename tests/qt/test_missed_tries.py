"""One caller who misses you twice has one missed card, and it says so in the words
Callbacks uses for the same calls ("(2 tries)"), counted as Callbacks counts them (a card
dismissed before the second call included), after a restart too."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import datetime

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.adapters.callbacks import business_hours, load_callbacks
from desktop.core.callbacks import tries_text
from desktop.core.card_text import missed_when
from desktop.core.ipc import End, EndOutcome, Ring
from desktop.qt.popup_stack import PopupStack
from tests.qt.show_popup_demo import exact_card, withheld_card
from tests.qt.test_missed_card import close, make_stack, rung
from tests.qt.test_popup import label
from tests.qt.test_ring_pipeline import Running, start_app  # noqa: F401

CHICAGO = "+13125550199"  # a number nobody has

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


def test_the_card_counts_the_tries_as_callbacks_does_after_a_dismissal_too(
    start_app: Callable[..., Running],  # noqa: F811
    qtbot: QtBot,
) -> None:
    running = start_app()
    app = running.app

    def rings_out(seconds_ago: float) -> None:
        mark = len(running.records("recorded"))
        app.on_message(
            Ring(CHICAGO, "CHICAGO IL", t_ns=time.monotonic_ns() - int(seconds_ago * 1e9))
        )
        app.on_message(End(caller_id=CHICAGO, outcome=EndOutcome.MISSED))
        qtbot.waitUntil(lambda: [r["outcome"] for r in running.records("recorded")[mark:]]
                        == ["", "missed"])  # fmt: skip

    rings_out(30)
    [first] = app.popups.popups()
    first.dismiss()  # the rep saw it, meant to call back later
    rings_out(5)
    [card] = app.popups.popups()
    qtbot.waitUntil(lambda: label(card, "tierChip").text().endswith(" (2 tries)"))
    now = datetime.now().astimezone()
    [entry] = [e for e in load_callbacks(app.store, now, business_hours(app.settings), "24h")
               if e.item.number == CHICAGO]  # fmt: skip
    assert entry.item.tries == 2 and entry.item.detail.endswith(" (2 tries)")

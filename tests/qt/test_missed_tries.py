"""One caller who misses you twice has one missed card, and it says so in the words
Callbacks uses for the same calls ("(2 tries)"), counted as Callbacks counts them (a card
dismissed before the second call included), after a restart too."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.adapters.callbacks import business_hours, load_callbacks
from desktop.core.callbacks import tries_text
from desktop.core.card import Card, MatchTier
from desktop.core.card_text import missed_when
from desktop.core.ipc import End, EndOutcome, Ring, hook_call_key
from desktop.core.numbers import CallerNumber
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


def test_withheld_calls_share_one_card_that_counts_calls_not_tries(stack: PopupStack) -> None:
    """Withheld callers are not known to be one person, so their calls are not one caller's
    "tries"; but a pile of identical "Number withheld" cards tells the rep nothing more than
    one card saying how many such calls were missed."""
    for _ in range(3):
        rung(stack, "hook:", withheld_card)
        stack.keep_missed("hook:")
    [said] = chip(stack)
    assert said.startswith("Missed call · ") and said.endswith(" (3 withheld calls)"), said
    assert "tries" not in said
    [(_card, _rang, calls)] = stack.open_missed()
    assert calls == 3  # kept as such for the next start
    assert missed_when("14:05", 2, withheld=True) == "14:05 (2 withheld calls)"
    assert missed_when("14:05", 1, withheld=True) == "14:05"


def test_a_withheld_caller_who_gives_a_name_keeps_a_card_of_their_own(stack: PopupStack) -> None:
    named = replace(withheld_card(), number=replace(withheld_card().number, display_name="ACME"))
    rung(stack, "hook:", withheld_card)
    stack.keep_missed("hook:")
    rung(stack, "hook:~2", lambda: named)
    stack.keep_missed("hook:~2")
    stack.add_missed(withheld_card(), "restored", datetime.now().astimezone())  # unnamed again
    said = {p.card.number.display_name: label(p, "tierChip").text()
            for p in stack.popups() if p.card}  # fmt: skip
    assert said[""].endswith(" (2 withheld calls)"), said
    assert said["ACME"].startswith("Missed call · ") and "(" not in said["ACME"], said


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


def test_withheld_calls_missed_one_after_another_leave_one_card_that_counts_them(
    start_app: Callable[..., Running],  # noqa: F811
    qtbot: QtBot,
) -> None:
    from desktop.adapters.missed_cards_file import MissedCardsFile
    from tests.qt.test_popup import visible_texts

    running = start_app()
    app = running.app
    # Two phones' ways of saying "withheld", the second call 25 s after the first.
    for caller_id, seconds_ago in (("anonymous", 30), ("", 5)):
        mark = len(running.records("recorded"))
        app.on_message(Ring(caller_id, t_ns=time.monotonic_ns() - int(seconds_ago * 1e9)))
        app.on_message(End(call_key=hook_call_key(caller_id), outcome=EndOutcome.MISSED))
        qtbot.waitUntil(lambda mark=mark: [r["outcome"] for r in running.records("recorded")[mark:]]
                        == ["", "missed"])  # fmt: skip
    [card] = app.popups.popups()
    said = label(card, "tierChip").text()
    assert said.endswith(" (2 withheld calls)") and "tries" not in said, said
    assert "No number to call back" in visible_texts(card) and not card.offers_call_back()
    kept = MissedCardsFile(app.paths.missed_cards)
    qtbot.waitUntil(lambda: [c.tries for c in kept.load()] == [2])
    app.missed_cards.close()
    running.close()

    again = start_app()
    again.app.start(None)
    [card] = again.app.popups.popups()
    assert label(card, "tierChip").text().endswith(" (2 withheld calls)")
    qtbot.wait(150)  # start-up's own timers (the menu's count) run before the store closes


def unread_card(caller_id: str) -> Callable[[], Card]:
    """The card of a caller ID that is no number CallerCard can read, as the lookup gives it."""
    def card() -> Card:
        number = CallerNumber(raw=caller_id, withheld=False, e164=None,
                              problem=f"not a phone number: {caller_id!r}")  # fmt: skip
        return replace(withheld_card(), caller_id=caller_id, number=number, match=MatchTier.NONE)

    return card


def test_a_caller_id_that_is_no_number_missing_you_twice_has_one_card_saying_two_tries(
    stack: PopupStack,
) -> None:
    # Their cards piled up, one per call, each saying they tried once. One caller ID is one
    # caller as the history counts them: "sip:Front-Desk@pbx" and "front-desk" alike.
    for caller_id in ("sip:Front-Desk@pbx", "front-desk"):
        rung(stack, f"hook:{caller_id}", unread_card(caller_id))
        stack.keep_missed(f"hook:{caller_id}")
    [twice] = chip(stack)
    assert twice.startswith("Missed call · ") and twice.endswith(" (2 tries)"), twice
    rung(stack, "hook:Reception", unread_card("Reception"))
    stack.keep_missed("hook:Reception")
    # Another caller: a card of their own.
    assert sorted("tries" in said for said in chip(stack)) == [False, True], chip(stack)
    assert [t for _, _, t in stack.open_missed()] == [2, 1]  # kept as such for the next start


def test_a_caller_id_that_is_no_number_is_counted_from_the_history_after_a_dismissal_too(
    start_app: Callable[..., Running],  # noqa: F811
    qtbot: QtBot,
) -> None:
    # A number's card was recounted from the history; Reception's said "tried once" again
    # after the rep dismissed the first card, though they had called twice unanswered.
    running = start_app()
    app = running.app
    for caller_id, seconds_ago in (("sip:Reception@pbx", 30), ("Reception", 5)):
        mark = len(running.records("recorded"))
        app.on_message(Ring(caller_id, t_ns=time.monotonic_ns() - int(seconds_ago * 1e9)))
        app.on_message(End(caller_id=caller_id, outcome=EndOutcome.MISSED))
        qtbot.waitUntil(lambda mark=mark: [r["outcome"] for r in running.records("recorded")[mark:]]
                        == ["", "missed"])  # fmt: skip
        if seconds_ago == 30:
            [first] = app.popups.popups()
            first.dismiss()  # the rep saw it
    [card] = app.popups.popups()
    qtbot.waitUntil(lambda: label(card, "tierChip").text().endswith(" (2 tries)"))

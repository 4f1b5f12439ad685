"""Missed cards brought back without a ring (at start, the cards open when the app last quit):
in the order they were, the oldest lowest, folded to the missed card with Call back, and
without taking the keyboard from whatever the rep is typing in. What is kept for the next
start follows the cards: a dismissed one is not kept."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from desktop.adapters.missed_cards_file import MissedCardsFile, OpenMissedCard
from desktop.core.models import Attempt, Direction, Outcome
from desktop.qt.missed_cards_kept import MissedCardsKept
from desktop.qt.popup_stack import PopupStack
from tests.qt.show_popup_demo import exact_card, unknown_card, withheld_card
from tests.qt.test_missed_card import close, make_stack
from tests.qt.test_popup import visible_texts
from tests.qt.test_ring_pipeline import MIKE, Running, start_app  # noqa: F401

pytestmark = pytest.mark.qt_log_ignore(
    r"This plugin does not support (raise|propagateSizeHints)\(\)"
)


@pytest.fixture
def stack(qapp: QApplication) -> Iterator[PopupStack]:
    popups = make_stack()
    yield popups
    close(popups)


def test_cards_brought_back_keep_their_order_and_leave_the_keyboard_alone(
    stack: PopupStack, qtbot: QtBot
) -> None:
    typing = QLineEdit()
    qtbot.addWidget(typing)
    typing.show()
    typing.activateWindow()
    typing.setFocus()
    qtbot.waitUntil(typing.hasFocus)
    rang = datetime.now().astimezone().replace(hour=9, minute=5)
    for n, card in enumerate((exact_card(), unknown_card(), withheld_card())):
        stack.add_missed(card, "restored", rang + timedelta(minutes=n))
    cards = stack.popups()
    assert [p.card.caller_id for p in cards if p.card] == [
        exact_card().caller_id,
        unknown_card().caller_id,
        "anonymous",
    ]
    assert cards[0].y() > cards[1].y() > cards[2].y()  # the oldest lowest, as they stood
    assert all(p.isVisible() and not p.isActiveWindow() for p in cards)
    assert typing.hasFocus()
    assert "Missed call · 09:05" in visible_texts(cards[0])
    assert cards[0].offers_call_back()


def test_what_is_kept_follows_the_cards(stack: PopupStack, tmp_path: Path, qtbot: QtBot) -> None:
    file = MissedCardsFile(tmp_path / "missed-cards.json")
    problems: list[str] = []
    kept = MissedCardsKept(file, stack, problems.append)
    rang = datetime.now().astimezone()
    stack.add_missed(exact_card(), "restored", rang)
    first = stack.popups()[0]
    stack.add_missed(withheld_card(), "restored", rang)
    qtbot.waitUntil(lambda: len(file.load()) == 2)
    saved = file.load()[0]
    assert saved == OpenMissedCard(exact_card().caller_id, "M KOWALSKI", rang, 1, saved.shown)
    assert saved.shown is not None and abs((saved.shown - rang).total_seconds()) < 5

    first.dismiss()
    qtbot.waitUntil(lambda: [c.caller_id for c in file.load()] == ["anonymous"])
    kept.close()  # the quit: cards closing now are not the rep's doing
    stack.dismiss_all()
    stack.add_missed(exact_card(), "restored", rang)
    qtbot.wait(50)
    assert [c.caller_id for c in file.load()] == ["anonymous"]
    assert problems == []


def test_a_damaged_file_brings_nothing_back(tmp_path: Path) -> None:
    path = tmp_path / "missed-cards.json"
    path.write_text('[{"caller_id": "+14155550142", "rang": "not a time"}, {"rang"', "utf-8")
    assert MissedCardsFile(path).load() == []


def test_a_caller_called_back_while_the_app_was_down_does_not_come_back(
    start_app: Callable[..., Running],  # noqa: F811
    tmp_path: Path,
    qtbot: QtBot,
) -> None:
    rang = datetime.now(UTC) - timedelta(minutes=20)
    data = tmp_path / "data"
    data.mkdir()
    MissedCardsFile(data / "missed-cards.json").save(
        [OpenMissedCard(MIKE, "", rang, 2), OpenMissedCard("+13125550199", "DANA", rang)]
    )
    running = start_app()
    store = running.app.store
    with store.transaction():  # Mike called back from the desk phone, logged meanwhile
        called = Attempt(Direction.OUT, rang + timedelta(minutes=5), Outcome.TALKED,
                         number_e164=MIKE)  # fmt: skip
        store.record_call(None, called, "by hand", "desk-phone")
    running.app.start(None)
    assert [p.card.caller_id for p in running.app.popups.popups() if p.card] == ["+13125550199"]
    [back] = running.records("missed_card")
    assert (back["caller_id"], back["restored"]) == ("+13125550199", True)
    qtbot.wait(150)  # start-up's own timers (the menu's count) run before the store closes


def test_cards_kept_while_popups_are_paused_come_back_when_the_rep_resumes_them(
    start_app: Callable[..., Running],  # noqa: F811
    tmp_path: Path,
    qtbot: QtBot,
) -> None:
    """Started with popups paused, the missed cards from last time wait: kept in the file
    whatever happens meanwhile, and up on screen as soon as popups are resumed."""
    from desktop.core.ipc import End, EndOutcome, Ring
    from tests.qt.test_popup import label

    rang = datetime.now(UTC) - timedelta(minutes=20)
    data = tmp_path / "data"
    data.mkdir()
    file = MissedCardsFile(data / "missed-cards.json")
    file.save([OpenMissedCard(MIKE, "", rang, 2), OpenMissedCard("+13125550199", "DANA", rang)])
    running = start_app(settings={"popups_paused": True})
    app = running.app
    app.start(None)
    assert app.popups.popups() == []

    def missed(number: str) -> None:
        mark = len(running.records("recorded"))
        app.on_message(Ring(number, ""))
        app.on_message(End(caller_id=number, outcome=EndOutcome.MISSED))
        qtbot.waitUntil(lambda: len(running.records("recorded")[mark:]) == 2)

    missed("+12065550123")  # while paused: logged, no card, and the file keeps the two
    qtbot.wait(400)  # past MissedCardsKept's save delay
    assert [c.caller_id for c in file.load()] == [MIKE, "+13125550199"]

    app.set_paused(False)
    cards = app.popups.popups()
    assert [p.card.caller_id for p in cards if p.card] == [MIKE, "+13125550199"]
    assert label(cards[0], "tierChip").text().endswith(" (2 tries)")
    assert all(r["restored"] for r in running.records("missed_card"))

    # A call missed after the rep resumed: the file has it and the two brought back.
    missed("+12065550177")
    qtbot.waitUntil(lambda: [c.caller_id for c in file.load()]
                    == [MIKE, "+13125550199", "+12065550177"])  # fmt: skip
    qtbot.wait(150)  # start-up's own timers (the menu's count) run before the store closes


def test_a_restart_still_paused_loses_none_of_the_cards(
    start_app: Callable[..., Running],  # noqa: F811
    tmp_path: Path,
    qtbot: QtBot,
) -> None:
    rang = datetime.now(UTC) - timedelta(minutes=20)
    data = tmp_path / "data"
    data.mkdir()
    file = MissedCardsFile(data / "missed-cards.json")
    file.save([OpenMissedCard(MIKE, "", rang, 1)])
    running = start_app(settings={"popups_paused": True})
    running.app.start(None)
    running.app.set_paused(True)  # paused for an hour now, say: still paused
    qtbot.wait(400)
    running.app.missed_cards.close()  # what a quit does first
    running.close()
    assert [c.caller_id for c in file.load()] == [MIKE]

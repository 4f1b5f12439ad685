"""A caller's text cannot reverse the app's own: no bidi override, embedding, isolate or mark
from a name, reason or note reaches a label, button, tooltip or result on screen."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QListWidget, QWidget
from pytestqt.qtbot import QtBot

from desktop.adapters.store import NewContact, Store
from desktop.core.card import Card
from desktop.core.display_text import BIDI_CONTROLS
from desktop.core.models import Attempt, Direction, Outcome, StoredNumber
from desktop.qt.card_view import CardView
from desktop.qt.popup import Popup
from desktop.qt.search_window import SearchWindow
from tests.qt.show_popup_demo import exact_card, mike, switchboard_card

pytestmark = pytest.mark.qt_log_ignore(
    r"This plugin does not support (raise|propagateSizeHints)\(\)"
)

RLO, LRI, RLM = "\u202e", "\u2066", "\u200f"
HOSTILE_NAME = f"Mike {RLO}gnp.exe"  # reads "Mike exe.png" when the override is obeyed
NOW = datetime.now(UTC).replace(microsecond=0)


def shown_texts(widget: QWidget) -> list[str]:
    """Every text a person can see or hear on `widget`: label and button text, tooltips,
    accessible names, the window title, and each list row's painted lines."""
    texts = [widget.windowTitle(), widget.accessibleName()]
    for child in widget.findChildren(QLabel) + widget.findChildren(QAbstractButton):
        texts += [child.text(), child.toolTip(), child.accessibleName()]
    if isinstance(widget, CardView):  # the lines a card paints, and what it tells a reader
        texts += [text for part in widget.text_parts() for text in (part.text(), part.toolTip())]
        texts += [child.accessibleDescription() for child in widget.findChildren(QWidget)]
    for view in widget.findChildren(QListWidget):
        for row in range(view.count()):
            item = view.item(row)
            texts += [item.text(), item.toolTip()]
            for role in (Qt.ItemDataRole.UserRole + 1, Qt.ItemDataRole.UserRole + 2,
                         Qt.ItemDataRole.AccessibleTextRole):  # fmt: skip
                value = item.data(role)
                texts.append(value if isinstance(value, str) else "")
    return texts


def controls_in(texts: list[str]) -> list[str]:
    return [text for text in texts if BIDI_CONTROLS & set(text)]


def test_a_card_for_an_overriding_name_shows_no_override(qtbot: QtBot) -> None:
    contact = replace(
        mike(),
        name=HOSTILE_NAME,
        title=f"{LRI}VP",
        company=f"Harbor{RLM} Freight",
        reason=f"the {RLO}proposal",
        referred_by=f"{RLO}Harley",
    )
    attempts = tuple(replace(a, message=f"{RLO}{a.message}") for a in contact.attempts)
    contact = replace(contact, attempts=attempts)
    card = replace(
        exact_card(),
        contacts=(contact,),
        number=replace(exact_card().number, display_name=f"M {RLO}KOWALSKI"),
        opener=f"Hi {RLO}Mike, thanks for calling me back!",
    )
    popup = Popup()
    qtbot.addWidget(popup)
    for key, shown_card in (("one", card), ("several", _several(card))):
        with qtbot.waitSignal(popup.painted, timeout=3000):
            popup.show_card(shown_card, key)
        texts = shown_texts(popup)
        assert controls_in(texts) == [], key
        assert any("Mike gnp.exe" in text for text in texts), key


def _several(card: Card) -> Card:
    board = switchboard_card()
    people = tuple(
        replace(p, name=f"{RLO}{p.name}", title=f"{LRI}{p.title}") for p in board.contacts
    )
    return replace(board, contacts=(replace(people[0], name=HOSTILE_NAME), *people[1:]))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(tmp_path / "cc.sqlite3")
    at = NOW - timedelta(days=2)
    opened.add_contact(
        NewContact(
            HOSTILE_NAME,
            title=f"{LRI}VP",
            company=f"{RLO}Harbor Freight",
            reason=f"the {RLO}proposal",
            notes=f"{RLM}met at the fair",
            numbers=(StoredNumber("+14155550142", "+14155550142"),),
            attempts=(Attempt(Direction.OUT, at, Outcome.VOICEMAIL, number_e164="+14155550142"),),
        )
    )
    yield opened
    opened.close()


def test_search_results_for_an_overriding_name_show_no_override(qtbot: QtBot, store: Store) -> None:
    window = SearchWindow(lambda q: store.search(q, now=NOW), clock=lambda: NOW)
    qtbot.addWidget(window)
    window.open()
    for query in ("mike", "fair"):
        window.query.clear()
        qtbot.keyClicks(window.query, query)
        qtbot.waitUntil(lambda: window.results.count() == 1, timeout=2000)
        texts = shown_texts(window)
        assert controls_in(texts) == [], query
        assert window.results.item(0).data(Qt.ItemDataRole.UserRole + 1).startswith("Mike gnp.exe")

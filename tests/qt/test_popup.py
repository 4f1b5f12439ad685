"""The caller card and its stack, in-process on the offscreen platform.

What a rep relies on in the two seconds before saying hello: the right person, why we called,
the opener, their local time; a card that never grabs the keyboard, lands where they look,
stays until dismissed, and shows a caller's text literally.
"""

from __future__ import annotations

import json
import subprocess
import textwrap
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6 import QtGui
from PySide6.QtCore import QEvent, QPoint, QRect, Qt
from PySide6.QtGui import (
    QColor,
    QEnterEvent,
    QFont,
    QGuiApplication,
    QHelpEvent,
    QPalette,
    QTextDocumentFragment,
)
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QToolTip, QWidget
from pytestqt.qtbot import QtBot

from desktop.core.card import Candidate, Card, MatchTier
from desktop.core.card_text import card_date
from desktop.core.localtime import LocalTime
from desktop.core.models import Attempt, Contact, Direction, Outcome
from desktop.core.numbers import CallerNumber
from desktop.qt.card_view import (
    MAX_WIDTH,
    MIN_WIDTH,
    CardView,
    ElidedLabel,
    button_text,
)
from desktop.qt.painted_text import TextPart
from desktop.qt.plain_tooltip import plain_tooltip
from desktop.qt.popup import POPUP_FLAGS, Popup
from desktop.qt.popup_stack import (
    MARGIN,
    MAX_CARDS,
    MAX_WAITING,
    PREBUILT,
    SPACING,
    PopupStack,
)
from tests.conftest import PYTHON, REPO, private_x_server, python_env
from tests.qt.show_popup_demo import (
    IMPORTED_NOTES,
    LONG_VOICEMAIL,
    exact_card,
    mike,
    story_card,
    switchboard_card,
    unknown_card,
    withheld_card,
)

# The offscreen platform cannot raise windows or pass size hints to a window manager and
# says so with a warning on every show of a tool window; that is the platform, not the card.
pytestmark = pytest.mark.qt_log_ignore(
    r"This plugin does not support (raise|propagateSizeHints)\(\)"
)


@pytest.fixture
def popup(qtbot: QtBot) -> Popup:
    card = Popup()
    qtbot.addWidget(card)
    card.move(40, 40)
    return card


@pytest.fixture
def stack(qapp: QApplication) -> Iterator[PopupStack]:
    popups = PopupStack()
    yield popups
    popups.dismiss_all()
    # A card told as painted (in the event loop's turn after its paint) asks the pool for a
    # new card: that one is built now, so that it is closed with the rest.
    while popups._top_up_pending:
        QApplication.sendPostedEvents()
    for card in [*popups._pool, popups.more_entry()]:
        card.close()
        card.deleteLater()
    QApplication.sendPostedEvents()


def label(widget: QWidget, name: str) -> QLabel | TextPart:
    """A text of the card by name: one it paints itself (CardView.text_part) or a label."""
    part = widget.text_part(name) if isinstance(widget, CardView) else None
    found = part or widget.findChild(QLabel, name)
    assert found is not None, f"no text named {name!r}"
    return found


def button(widget: QWidget, name: str) -> QPushButton:
    found = widget.findChild(QPushButton, name)
    assert found is not None, f"no button named {name!r}"
    return found


def full(widget: QWidget, name: str) -> str:
    """What a label says in full (an elided label keeps the whole text for its tooltip)."""
    found = label(widget, name)
    return found.full_text() if isinstance(found, ElidedLabel | TextPart) else found.text()


def visible_texts(widget: QWidget) -> list[str]:
    """Every text the card shows (painted lines, labels, buttons)."""
    assert isinstance(widget, CardView)
    return widget.shown_texts()


def text_boxes(popup: Popup) -> list[tuple[str, QRect, int]]:
    """Each visible text's name, rectangle in the card and the height its text needs."""
    boxes = []
    for part in popup.text_parts():
        if part.isVisible():
            rect = part.geometry_in(popup)
            boxes.append((part.objectName(), rect, part.needed_height(rect.width())))
    for item in popup.findChildren(QLabel):
        if item.isVisible():
            needed = (
                item.heightForWidth(item.width()) if item.wordWrap() else item.sizeHint().height()
            )
            rect = QRect(item.mapTo(popup, item.rect().topLeft()), item.size())
            boxes.append((item.objectName(), rect, needed))
    return boxes


def shown(popup: Popup, qtbot: QtBot, card: Card, key: str = "call-1") -> Popup:
    with qtbot.waitSignal(popup.painted, timeout=3000):
        popup.show_card(card, key)
    return popup


# ---- what the card says ---------------------------------------------------------------------


def test_a_caller_who_only_ever_called_us_has_earlier_calls_not_why_we_called(
    popup: Popup, qtbot: QtBot
) -> None:
    """Used as a rep: a missed caller's next call showed "WHY WE CALLED · Missed their call"
    and "Caller ID: Maya Okafor" under the name Maya Okafor."""
    card = exact_card()
    missed = Attempt(Direction.IN, card.contacts[0].attempts[0].at, Outcome.MISSED)
    maya = replace(card.contacts[0], name="Maya Okafor", reason="", referred_by="",
                   attempts=(missed,))  # fmt: skip
    card = replace(card, contacts=(maya,),
                   number=replace(card.number, display_name="MAYA OKAFOR"))  # fmt: skip
    shown(popup, qtbot, card)
    assert label(popup, "whyTitle").text() == "Earlier calls"
    assert label(popup, "attempt0Outcome").text() == "Missed their call"
    assert label(popup, "callerIdName").isHidden()


def test_calls_today_are_told_apart_by_their_time(popup: Popup, qtbot: QtBot) -> None:
    # Seen on a busy afternoon: "Mon 7 Dec  They called" three times over, one line like the
    # next, the last voicemail pushed off the card.
    today = datetime.now().astimezone()
    early, later = today.replace(hour=0, minute=2), today.replace(hour=0, minute=10)
    base = mike()
    calls = (Attempt(Direction.IN, later, Outcome.MISSED),
             Attempt(Direction.IN, early, Outcome.MISSED))  # fmt: skip
    card = replace(exact_card(), contacts=(replace(base, attempts=calls + base.attempts),))
    shown(popup, qtbot, card)

    dates = [label(popup, f"attempt{i}Date").text() for i in range(3)]
    assert dates[0].startswith("Today ") and ":10" in dates[0]
    assert dates[1].startswith("Today ") and ":02" in dates[1]
    assert dates[2] == card_date(base.attempts[0].at)  # an earlier day keeps its date


def test_exact_match_shows_who_why_the_opener_and_their_local_time(
    popup: Popup, qtbot: QtBot
) -> None:
    card = exact_card()
    shown(popup, qtbot, card)
    attempts = card.contacts[0].attempts

    assert label(popup, "tierChip").text() == "Exact number"
    assert full(popup, "name") == "Mike Kowalski"
    assert full(popup, "role") == "VP Operations · Harbor Freight Logistics"
    assert full(popup, "number") == "+1 415-555-0142"
    assert full(popup, "localTime") == "14:05 Tue · San Francisco, CA"
    # "M KOWALSKI" is his own name as the carrier writes it: the card does not say it twice.
    assert full(popup, "callerIdName") == ""
    assert label(popup, "whyTitle").text() == "Why we called"
    assert label(popup, "reason").text() == "The freight-audit proposal I sent last week"
    assert full(popup, "referral") == "Referred by Harley Smith"
    # The last three attempts, newest first; the fourth is history the rep does not need.
    for i in range(3):
        assert label(popup, f"attempt{i}Date").text() == card_date(attempts[i].at)
    assert [label(popup, f"attempt{i}Outcome").text() for i in range(3)] == [
        "Left voicemail",
        "No answer",
        "Gatekeeper",
    ]
    assert popup.text_part("attempt3Date") is None
    voicemail = label(popup, "attempt0Message")  # read in full, wrapped: not "Left a voi…"
    assert voicemail.wordWrap() and voicemail.text() == f"“{attempts[0].message}”"
    assert not button(popup, "attempt0More").isVisible()
    assert not label(popup, "attempt1Message").text()  # no message left: nothing shown
    assert label(popup, "opener").text() == card.opener
    assert button(popup, "copyOpener").isVisible()
    assert button(popup, "openContact").isVisible()
    assert button(popup, "dismiss").isVisible()
    assert not label(popup, "peopleTitle").isVisible()
    assert not label(popup, "candidatesTitle").isVisible()


def test_a_call_inside_a_promised_window_says_so(popup: Popup, qtbot: QtBot) -> None:
    from dataclasses import replace

    shown(popup, qtbot, exact_card())
    assert not label(popup, "promise").isVisible()
    shown(popup, qtbot, replace(exact_card(), promise="You said you'd be in 9–12 today"),
          key="call-2")  # fmt: skip
    assert label(popup, "promise").isVisible()
    assert label(popup, "promise").text() == "You said you'd be in 9–12 today"


def test_switchboard_lists_everyone_behind_the_number_and_tells_the_first_ones_story(
    popup: Popup, qtbot: QtBot
) -> None:
    shown(popup, qtbot, switchboard_card())

    assert label(popup, "tierChip").text() == "Company switchboard"
    assert full(popup, "name") == "Dana Whitfield"
    assert label(popup, "peopleTitle").isVisible()
    # Most recently contacted first, as the card orders them.
    assert button(popup, "person0").text() == "Dana Whitfield"
    assert button(popup, "person1").text() == "Raj Patel"
    assert not button(popup, "person2").isVisible()
    # Each with the extension that reaches them behind the switchboard.
    assert full(popup, "person0Detail").startswith("ext. 204 · last called ")
    assert full(popup, "person0Detail").endswith(" · CFO")
    assert full(popup, "person1Detail").endswith(" · Financial Controller")
    assert label(popup, "whyTitle").text() == "Why we called Dana"
    assert label(popup, "reason").text() == "The budget sign-off for the pilot"
    assert label(popup, "attempt0Outcome").text() == "Left voicemail"
    assert not label(popup, "attempt1Outcome").isVisible()


def test_switchboard_with_many_people_says_how_many_more(popup: Popup, qtbot: QtBot) -> None:
    base = switchboard_card()
    people = tuple(
        Contact(id=100 + i, name=f"Person {i}", title="Buyer", company="Contoso Ltd")
        for i in range(7)
    )
    shown(popup, qtbot, replace(base, contacts=people))

    assert [button(popup, f"person{i}").text() for i in range(4)] == [
        "Person 0",
        "Person 1",
        "Person 2",
        "Person 3",
    ]
    assert label(popup, "peopleMore").text() == "and 3 more"


def test_clicking_a_person_asks_the_app_to_open_that_contact(popup: Popup, qtbot: QtBot) -> None:
    shown(popup, qtbot, switchboard_card())
    with qtbot.waitSignal(popup.open_contact_requested) as opened:
        qtbot.mouseClick(button(popup, "person1"), Qt.MouseButton.LeftButton)
    assert opened.args == [22]
    with qtbot.waitSignal(popup.open_contact_requested) as opened:
        qtbot.mouseClick(button(popup, "openContact"), Qt.MouseButton.LeftButton)
    assert opened.args == [21]  # the person whose story the card tells


def test_unknown_caller_gets_a_compact_card_with_guesses_and_a_search_link(
    popup: Popup, qtbot: QtBot
) -> None:
    shown(popup, qtbot, exact_card())
    known_height = popup.height()
    shown(popup, qtbot, unknown_card(), "call-2")

    assert label(popup, "tierChip").text() == "Unknown number"
    assert full(popup, "name") == "NORTHWIND HLTH"  # the caller ID's display name
    assert full(popup, "number") == "+44 20 7946 0399"
    assert full(popup, "localTime") == "22:05 Tue · London"
    assert not label(popup, "role").isVisible()
    assert not label(popup, "whyTitle").isVisible()
    assert not button(popup, "openContact").isVisible()
    assert label(popup, "candidatesTitle").text() == "Who could this be?"
    assert button(popup, "candidate0").text() == "Priya Natarajan"
    assert full(popup, "candidate0Detail").startswith("Same company switchboard prefix")
    assert button(popup, "candidate1").text() == "Tom Becker"
    assert not button(popup, "candidate2").isVisible()
    assert popup.height() < known_height
    with qtbot.waitSignal(popup.open_search_requested) as search:
        qtbot.mouseClick(button(popup, "search"), Qt.MouseButton.LeftButton)
    assert search.args == ["+442079460399"]
    with qtbot.waitSignal(popup.open_contact_requested) as opened:
        qtbot.mouseClick(button(popup, "candidate1"), Qt.MouseButton.LeftButton)
    assert opened.args == [32]


def test_a_guess_shows_the_number_that_links_it_whole_however_long_its_name(
    popup: Popup, qtbot: QtBot
) -> None:
    # Seen on the real card: "Same number block as +1 415-555-014…" cut the one digit that
    # tells the rep whose line this is.
    why = (
        "Same number block as +1 415-555-0142 · Voicemail left Sat 5 Dec, same area (area code"
        " 415)"
    )
    guesses = (
        Candidate(Contact(id=41, name="Mike Kowalski"), why),
        Candidate(Contact(id=42, name="", company="Kestrel Logistics International Ltd"), why),
    )
    shown(popup, qtbot, replace(unknown_card(), candidates=guesses))

    for row in ("candidate0Detail", "candidate1Detail"):
        detail = label(popup, row)
        assert isinstance(detail, QLabel)
        assert detail.text() == "Same number block as +1 415-555-0142"  # the strongest reason
        needed = detail.fontMetrics().boundingRect(
            QRect(0, 0, detail.width(), 0), Qt.TextFlag.TextWordWrap, detail.text()
        )
        assert needed.height() <= detail.height(), "the reason is cut off"
        assert detail.geometry().right() <= popup.width()
        assert QTextDocumentFragment.fromHtml(detail.toolTip()).toPlainText() == why
    # The long name wraps its reason onto a second line instead of shortening it.
    wrapped = label(popup, "candidate1Detail")
    assert wrapped.height() >= 2 * wrapped.fontMetrics().height()


def test_unknown_caller_without_guesses_shows_no_empty_section(popup: Popup, qtbot: QtBot) -> None:
    number = CallerNumber(raw="+442079460399", withheld=False, e164="+442079460399")
    bare = replace(unknown_card(with_candidates=False), number=number)
    shown(popup, qtbot, bare)

    assert not label(popup, "candidatesTitle").isVisible()
    # Without a display name the number is the headline, and is not repeated below it.
    assert full(popup, "name") == "+44 20 7946 0399"
    assert not label(popup, "number").isVisible()


def test_withheld_number_says_so_and_offers_an_empty_search(popup: Popup, qtbot: QtBot) -> None:
    shown(popup, qtbot, withheld_card())

    assert full(popup, "name") == "Number withheld"
    # Said once: the chip that would repeat the headline stands aside.
    assert label(popup, "tierChip").text() == "Number withheld"
    assert not label(popup, "tierChip").isVisible()
    # Nor does the chip's row leave an empty strip above the headline.
    name_top = popup.text_part("name").geometry_in(popup).top()  # type: ignore[union-attr]
    assert name_top - label(popup, "tierChip").geometry_in(popup).top() < 10
    assert not label(popup, "number").isVisible()
    assert not label(popup, "localTime").isVisible()
    assert not button(popup, "openContact").isVisible()
    assert "Dismiss" in visible_texts(popup)
    # The caller may say who they are: Search opens for their name, not for "anonymous".
    with qtbot.waitSignal(popup.open_search_requested) as search:
        qtbot.mouseClick(button(popup, "search"), Qt.MouseButton.LeftButton)
    assert search.args == [""]


def test_ambiguous_local_time_is_shown_in_the_wording_of_local_time(
    popup: Popup, qtbot: QtBot
) -> None:
    several = LocalTime(
        zones=("America/New_York", "America/Los_Angeles"),
        text="2 time zones: 11:05–14:05",
        place="United States",
        ambiguous=True,
    )
    shown(popup, qtbot, replace(exact_card(), local_time=several))
    assert full(popup, "localTime") == "2 time zones: 11:05–14:05 · United States"


# ---- caller text is never markup --------------------------------------------------------------


def test_caller_and_import_text_is_shown_literally_never_as_markup(
    popup: Popup, qtbot: QtBot
) -> None:
    hostile = Contact(
        id=7,
        name="<b>Mike</b>",
        title="<i>VP</i>",
        company="<img src=x>",
        reason="<a href='http://evil.example'>click</a>",
        referred_by="<u>Harley</u>",
        attempts=(
            Attempt(
                Direction.OUT,
                datetime(2025, 10, 14, 10, tzinfo=UTC),
                Outcome.VOICEMAIL,
                "<script>alert(1)</script> &amp; <b>bold</b>",
            ),
        ),
    )
    card = replace(
        exact_card(),
        contacts=(hostile, replace(hostile, id=8, name="AT&T <b>desk</b>")),
        match=MatchTier.SWITCHBOARD,
        number=CallerNumber(
            raw="x", withheld=False, e164="+14155550142", display_name="<img src=x>"
        ),
        opener="Hi <b>Mike</b> &lt;3",
        local_time=LocalTime(text="14:05 <b>Tue</b>", place="<img src=x>"),
    )
    shown(popup, qtbot, card)

    texts = [*popup.findChildren(QLabel), *popup.text_parts()]
    assert texts
    for item in texts:
        assert item.textFormat() == Qt.TextFormat.PlainText, item.objectName()
    assert full(popup, "name") == "<b>Mike</b>"
    assert label(popup, "name").text() == "<b>Mike</b>"
    assert full(popup, "role") == "<i>VP</i> · <img src=x>"
    assert label(popup, "reason").text() == "<a href='http://evil.example'>click</a>"
    assert full(popup, "referral") == "Referred by <u>Harley</u>"
    assert full(popup, "callerIdName") == "Caller ID: <img src=x>"
    assert full(popup, "localTime") == "14:05 <b>Tue</b> · <img src=x>"
    assert label(popup, "opener").text() == "Hi <b>Mike</b> &lt;3"
    # Buttons show "&" as typed, not as a keyboard-mnemonic underline.
    assert button(popup, "person1").text() == "AT&&T <b>desk</b>"
    # Tooltips have no plain-text mode; the full text must still come back character for
    # character, not rendered.
    message = label(popup, "attempt0Message")
    assert message.textFormat() == Qt.TextFormat.PlainText
    assert message.text() == "“<script>alert(1)</script> &amp; <b>bold</b>”"


@pytest.mark.parametrize(
    "text",
    ["<b>Mike</b>", "<img src=x>", "a & b", "&lt;3", "line one\nline <i>two</i>", "  "],
)
def test_plain_tooltip_round_trips_any_text(text: str) -> None:
    tip = plain_tooltip(text)
    assert QtGui.Qt.mightBeRichText(tip)  # so Qt's guess is always the escaped form
    assert QTextDocumentFragment.fromHtml(tip).toPlainText() == text


def test_button_text_keeps_ampersands() -> None:
    assert button_text("AT&T") == "AT&&T"
    assert button_text("Procter && Gamble") == "Procter &&&& Gamble"


# ---- layout ---------------------------------------------------------------------------------


def test_a_long_name_and_company_shorten_with_a_tooltip_instead_of_widening_the_card(
    popup: Popup, qtbot: QtBot
) -> None:
    long_name = "Maximilian Alexander Konstantin von Hohenzollern-Sigmaringen der Dritte"
    long_company = "Harbor Freight Logistics International Holdings (Europe, Middle East & Africa)"
    contact = replace(mike(), name=long_name, company=long_company, title="Chief Operating Officer")
    shown(popup, qtbot, replace(exact_card(), contacts=(contact,)))

    assert MIN_WIDTH <= popup.width() <= MAX_WIDTH
    name = label(popup, "name")
    assert isinstance(name, ElidedLabel | TextPart)
    assert name.is_elided() and name.text().endswith("…")
    assert QTextDocumentFragment.fromHtml(name.toolTip()).toPlainText() == long_name
    role = label(popup, "role")
    assert role.text().endswith("…")
    assert long_company in QTextDocumentFragment.fromHtml(role.toolTip()).toPlainText()
    for name_of, rect, _needed in text_boxes(popup):
        assert rect.right() < popup.width(), name_of


def test_a_screen_reader_reads_every_painted_line_and_a_shortened_one_in_full(
    popup: Popup, qtbot: QtBot
) -> None:
    long_name = "Maximilian Alexander Konstantin von Hohenzollern-Sigmaringen der Dritte"
    card = replace(exact_card(), contacts=(replace(mike(), name=long_name),))
    shown(popup, qtbot, card)
    assert label(popup, "name").text().endswith("…")

    read = "\n".join(child.accessibleDescription() for child in popup.findChildren(QWidget))
    for line in (long_name, "VP Operations · Harbor Freight Logistics", "Number",
                 "14:05 Tue · San Francisco, CA", "Why we called",
                 "The freight-audit proposal I sent last week", "Left voicemail",
                 "Referred by Harley Smith", card.opener):  # fmt: skip
        assert line in read.splitlines(), line
    assert popup.accessibleName() == f"Exact number: {long_name}"


def test_hovering_a_shortened_painted_line_shows_it_in_full(
    popup: Popup, qtbot: QtBot
) -> None:
    long_company = "Harbor Freight Logistics International Holdings (Europe, Middle East & Africa)"
    shown(popup, qtbot, replace(exact_card(), contacts=(replace(mike(), company=long_company),)))
    role = label(popup, "role")
    assert isinstance(role, TextPart) and role.is_elided()
    panel = popup.findChild(QWidget, "head")
    assert panel is not None

    def hover(part: QLabel | TextPart) -> None:
        assert isinstance(part, TextPart)
        at = part.geometry_in(panel).center()
        qtbot.mouseMove(panel, at)  # the pointer comes onto the card, then rests there
        QApplication.sendEvent(panel, QHelpEvent(QEvent.Type.ToolTip, at, panel.mapToGlobal(at)))

    hover(role)
    # Shown at once on an idle machine; under load a fading or a stray pointer event of the
    # move can take a turn of the event loop.
    qtbot.waitUntil(QToolTip.isVisible)
    assert QTextDocumentFragment.fromHtml(QToolTip.text()).toPlainText() == (
        f"VP Operations · {long_company}")
    hover(label(popup, "name"))  # shown whole: no tooltip
    qtbot.waitUntil(lambda: not QToolTip.isVisible())


def test_the_number_can_be_selected_with_the_mouse_once_the_pointer_is_over_it(
    popup: Popup, qtbot: QtBot
) -> None:
    shown(popup, qtbot, exact_card())
    number = popup.findChild(ElidedLabel, "number")
    assert number is not None
    selectable = Qt.TextInteractionFlag.TextSelectableByMouse
    # Drawn as plain text until then: a selectable label paints through a text document,
    # which every ring would pay for.
    assert not number.textInteractionFlags() & selectable

    middle = number.rect().center()
    QApplication.sendEvent(number, QEnterEvent(middle.toPointF(), middle.toPointF(),
                                               number.mapToGlobal(middle).toPointF()))  # fmt: skip
    assert number.textInteractionFlags() & selectable
    left, right = QPoint(1, middle.y()), QPoint(number.width() - 1, middle.y())
    qtbot.mousePress(number, Qt.MouseButton.LeftButton, pos=left)
    qtbot.mouseMove(number, right)
    qtbot.mouseRelease(number, Qt.MouseButton.LeftButton, pos=right)
    assert number.selectedText() == "+1 415-555-0142"

    # Leaving keeps what the rep selected (to copy it); leaving with nothing selected makes
    # it plain again.
    QApplication.sendEvent(number, QEvent(QEvent.Type.Leave))
    assert number.selectedText() == "+1 415-555-0142"
    number.setSelection(0, 0)
    QApplication.sendEvent(number, QEvent(QEvent.Type.Leave))
    assert not number.textInteractionFlags() & selectable


def test_the_card_grows_to_fit_a_long_opener_and_reason_without_clipping(
    popup: Popup, qtbot: QtBot
) -> None:
    shown(popup, qtbot, exact_card())
    short_height = popup.height()
    wordy = replace(
        exact_card(),
        opener=" ".join(["Thanks for calling me back about the freight audit."] * 5),
        contacts=(replace(mike(), reason=" ".join(["the freight-audit proposal"] * 6)),),
    )
    shown(popup, qtbot, wordy, "call-2")

    assert popup.height() > short_height
    for name, rect, needed in text_boxes(popup):
        assert rect.height() >= needed, name
        assert rect.bottom() < popup.height(), name


def test_card_follows_the_system_palette_into_dark_mode(
    popup: Popup, qtbot: QtBot, qapp: QApplication
) -> None:
    def background_lightness() -> float:
        image = popup.grab().toImage()
        return QColor(image.pixel(image.width() - 4, 4)).lightnessF()

    shown(popup, qtbot, exact_card())
    original = QApplication.palette()
    light = background_lightness()
    dark = QPalette(QColor("#1e1f22"))  # derives text, button and base colours for a dark UI
    try:
        qapp.setPalette(dark)
        shown(popup, qtbot, exact_card(), "call-2")
        assert background_lightness() < 0.25 < 0.6 < light
        name = label(popup, "name")
        assert isinstance(name, TextPart)
        text = name.colour()
        assert text.lightnessF() > 0.7  # light text on the dark card
    finally:
        qapp.setPalette(original)


def test_card_follows_a_larger_desktop_font(popup: Popup, qtbot: QtBot, qapp: QApplication) -> None:
    shown(popup, qtbot, exact_card())
    name = label(popup, "name")
    assert isinstance(name, TextPart)
    before, height = name.font.pointSizeF(), popup.height()
    original = QApplication.font()
    bigger = QFont(original)
    bigger.setPointSizeF(original.pointSizeF() * 1.5)
    try:
        qapp.setFont(bigger)
        shown(popup, qtbot, exact_card(), "call-2")
        assert name.font.pointSizeF() > before * 1.4  # the whole card scales with it
        assert popup.height() > height
        for part_name, rect, needed in text_boxes(popup):
            assert rect.height() >= needed, part_name
    finally:
        qapp.setFont(original)


# ---- focus ------------------------------------------------------------------------------------


def test_the_card_is_a_frameless_on_top_tool_window_that_never_takes_focus(popup: Popup) -> None:
    flags = popup.windowFlags()
    for flag in (
        Qt.WindowType.Tool,
        Qt.WindowType.FramelessWindowHint,
        Qt.WindowType.WindowStaysOnTopHint,
        Qt.WindowType.WindowDoesNotAcceptFocus,
    ):
        assert flags & flag == flag, flag
    assert flags == POPUP_FLAGS
    assert popup.testAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)


def test_take_focus_then_escape_dismisses_and_the_next_card_again_refuses_focus(
    popup: Popup, qtbot: QtBot
) -> None:
    assert not popup.take_focus()  # nothing to focus while hidden
    shown(popup, qtbot, exact_card(), "call-9")

    assert popup.take_focus()
    assert popup.isVisible()  # changing the focus flag must not hide the card
    assert not popup.windowFlags() & Qt.WindowType.WindowDoesNotAcceptFocus
    focused = popup.focusWidget()
    assert focused is button(popup, "copyOpener")
    with qtbot.waitSignal(popup.dismissed) as dismissed:
        qtbot.keyClick(focused, Qt.Key.Key_Escape)
    assert dismissed.args == ["call-9"]
    assert not popup.isVisible()
    assert popup.windowFlags() == POPUP_FLAGS


def test_take_focus_on_a_card_without_opener_focuses_search(popup: Popup, qtbot: QtBot) -> None:
    shown(popup, qtbot, replace(unknown_card(), opener=""))
    assert popup.take_focus()
    assert popup.focusWidget() is button(popup, "search")


def test_dismiss_button_emits_the_call_key(popup: Popup, qtbot: QtBot) -> None:
    shown(popup, qtbot, exact_card(), "call-3")
    with qtbot.waitSignal(popup.dismissed) as dismissed:
        qtbot.mouseClick(button(popup, "dismiss"), Qt.MouseButton.LeftButton)
    assert dismissed.args == ["call-3"]
    assert not popup.isVisible()


def test_copy_opener_puts_the_opener_on_the_clipboard(popup: Popup, qtbot: QtBot) -> None:
    card = exact_card()
    shown(popup, qtbot, card, "call-4")
    QGuiApplication.clipboard().setText("something else")
    copy = button(popup, "copyOpener")
    with qtbot.waitSignal(popup.copy_opener_clicked) as copied:
        qtbot.mouseClick(copy, Qt.MouseButton.LeftButton)
    assert copied.args == ["call-4"]
    assert QGuiApplication.clipboard().text() == card.opener
    assert copy.text() == "Copied ✓"
    shown(popup, qtbot, unknown_card(), "call-5")  # the next caller starts afresh
    assert copy.text() == "Copy opener"


# ---- painting ---------------------------------------------------------------------------------


def test_painted_fires_once_per_show_with_a_monotonic_time(popup: Popup, qtbot: QtBot) -> None:
    popup.warm_up()
    events: list[tuple[str, int]] = []
    popup.painted.connect(lambda key, t_ns: events.append((key, t_ns)))

    before = time.monotonic_ns()
    popup.show_card(exact_card(), "call-1")
    qtbot.waitUntil(lambda: len(events) == 1, timeout=3000)
    qtbot.wait(100)  # later repaints (hover, tooltips) are not a second "shown"
    assert len(events) == 1
    key, first = events[0]
    assert key == "call-1"
    assert before <= first <= time.monotonic_ns()

    # Already visible: only the text changes, and the app still hears when it is painted.
    popup.show_card(unknown_card(), "call-1")
    qtbot.waitUntil(lambda: len(events) == 2, timeout=3000)
    # Even an identical card repaints once, so every ring gets its "shown" trace.
    popup.show_card(unknown_card(), "call-1")
    qtbot.waitUntil(lambda: len(events) == 3, timeout=3000)
    qtbot.wait(100)
    assert len(events) == 3
    assert events[0][1] < events[1][1] < events[2][1]


def test_warm_up_paints_out_of_sight_and_leaves_the_card_hidden(popup: Popup) -> None:
    events: list[str] = []
    popup.painted.connect(lambda key, _t: events.append(key))
    popup.warm_up()

    assert popup.is_warm()
    assert not popup.isVisible()
    assert popup.windowHandle() is not None  # the native window exists for the first ring
    assert popup.call_key == ""
    assert popup.card is None
    assert events == []  # warming is not a ring


# ---- text shaping -----------------------------------------------------------------------------


# ---- the stack --------------------------------------------------------------------------------


def _geometry(card: Popup) -> QRect:
    return QRect(card.x(), card.y(), card.width(), card.height())


def _show(stack: PopupStack, qtbot: QtBot, card: Card, key: str) -> Popup:
    with qtbot.waitSignal(stack.painted, timeout=3000):
        return stack.show(card, key)


def test_overlapping_calls_stack_upward_in_the_corner_without_overlap(
    stack: PopupStack, qtbot: QtBot
) -> None:
    a = _show(stack, qtbot, withheld_card(), "a")
    b = _show(stack, qtbot, replace(unknown_card(), candidates=()), "b")
    c = _show(stack, qtbot, withheld_card(), "c")

    assert stack.visible_count() == 3
    area = a.screen().availableGeometry()
    rects = [_geometry(p) for p in (a, b, c)]
    for i, rect in enumerate(rects):
        assert area.contains(rect), (rect, area)
        for other in rects[i + 1 :]:
            assert not rect.intersects(other), (rect, other)
    # The first call sits in the bottom-right corner; each new one above the previous.
    assert rects[0].right() == area.right() - MARGIN
    assert rects[0].bottom() == area.bottom() - MARGIN
    assert rects[1].bottom() == rects[0].top() - SPACING - 1
    assert rects[2].bottom() == rects[1].top() - SPACING - 1


def test_more_cards_than_the_screen_holds_collapse_into_more_never_on_top_of_each_other(
    stack: PopupStack, qtbot: QtBot
) -> None:
    # The offscreen screen is 800×800: one column of these cards, two at the very most.
    for i in range(5):
        _show(stack, qtbot, exact_card(), f"call-{i}")

    cards = stack.popups()
    more = stack.more_entry()
    assert stack.popup_for("call-4") in cards  # the newest call always has its card
    assert stack.visible_count() + stack.collapsed_count() == 5
    assert more.isVisible()
    assert more.text() == f"+{stack.collapsed_count()} more ringing"
    area = cards[0].screen().availableGeometry()
    rects = [_geometry(w) for w in (*cards, more)]
    for i, rect in enumerate(rects):
        assert area.contains(rect), (rect, area)
        for other in rects[i + 1 :]:
            assert not rect.intersects(other), (rect, other)


def test_a_second_event_for_the_same_call_updates_its_card(stack: PopupStack, qtbot: QtBot) -> None:
    first = _show(stack, qtbot, unknown_card(), "call-1")
    assert stack.has_popup("call-1")
    again = _show(stack, qtbot, exact_card(), "call-1")

    assert again is first
    assert stack.visible_count() == 1
    assert full(first, "name") == "Mike Kowalski"
    area = first.screen().availableGeometry()
    assert _geometry(first).bottom() == area.bottom() - MARGIN  # re-placed for its new height


def test_closing_the_middle_card_repacks_the_others(stack: PopupStack, qtbot: QtBot) -> None:
    a = _show(stack, qtbot, withheld_card(), "a")
    _show(stack, qtbot, withheld_card(), "b")
    c = _show(stack, qtbot, withheld_card(), "c")

    assert stack.close_for_call("b")
    assert not stack.close_for_call("b")
    assert stack.visible_count() == 2
    assert not stack.has_popup("b")
    assert _geometry(c).bottom() == _geometry(a).top() - SPACING - 1


def test_dismissing_a_card_tells_the_app_and_repacks(stack: PopupStack, qtbot: QtBot) -> None:
    a = _show(stack, qtbot, withheld_card(), "a")
    b = _show(stack, qtbot, withheld_card(), "b")
    with qtbot.waitSignal(stack.dismissed) as dismissed:
        qtbot.mouseClick(button(a, "dismiss"), Qt.MouseButton.LeftButton)

    assert dismissed.args == ["a"]
    assert stack.visible_count() == 1
    assert _geometry(b).bottom() == b.screen().availableGeometry().bottom() - MARGIN
    # The freed card serves the next call.
    assert _show(stack, qtbot, exact_card(), "c") is a


def test_dismiss_all_clears_the_screen(stack: PopupStack, qtbot: QtBot) -> None:
    for key in ("a", "b"):
        _show(stack, qtbot, withheld_card(), key)
    stack.dismiss_all()
    assert stack.visible_count() == 0
    assert not stack.has_popup("a")


def test_stack_forwards_the_card_buttons(stack: PopupStack, qtbot: QtBot) -> None:
    card = _show(stack, qtbot, unknown_card(), "u")
    with qtbot.waitSignal(stack.open_search_requested) as search:
        qtbot.mouseClick(button(card, "search"), Qt.MouseButton.LeftButton)
    assert search.args == ["+442079460399"]
    with qtbot.waitSignal(stack.open_contact_requested) as opened:
        qtbot.mouseClick(button(card, "candidate0"), Qt.MouseButton.LeftButton)
    assert opened.args == [31]
    with qtbot.waitSignal(stack.copy_opener_clicked) as copied:
        qtbot.mouseClick(button(card, "copyOpener"), Qt.MouseButton.LeftButton)
    assert copied.args == ["u"]


def test_stack_hotkey_focuses_the_newest_card(stack: PopupStack, qtbot: QtBot) -> None:
    assert not stack.take_focus()
    _show(stack, qtbot, exact_card(), "old")
    newest = _show(stack, qtbot, unknown_card(), "new")
    assert stack.take_focus()
    assert newest.focusWidget() is button(newest, "copyOpener")


@pytest.fixture
def capped(qapp: QApplication) -> Iterator[PopupStack]:
    """A stack whose cap, not the 800×800 offscreen screen, is what limits the cards."""
    popups = PopupStack(max_cards=CAP)
    yield popups
    popups.dismiss_all()
    # A card told as painted (in the event loop's turn after its paint) asks the pool for a
    # new card: that one is built now, so that it is closed with the rest.
    while popups._top_up_pending:
        QApplication.sendPostedEvents()
    for card in [*popups._pool, popups.more_entry()]:
        card.close()
        card.deleteLater()
    QApplication.sendPostedEvents()


CAP = 3  # withheld cards: four fit in a column of the offscreen screen, with the entry


def test_twenty_calls_at_once_show_the_cap_and_one_more_entry(
    capped: PopupStack, qtbot: QtBot
) -> None:
    stack = capped
    for i in range(20):
        stack.show(withheld_card(), f"call-{i}")
    QApplication.processEvents()

    more = stack.more_entry()
    assert stack.visible_count() == CAP
    assert more.isVisible()
    assert more.text() == f"+{20 - CAP} more ringing"
    # The newest calls have the cards; the entry lists the others, newest first.
    assert [p.call_key for p in stack.popups()] == [f"call-{i}" for i in range(17, 20)]
    assert [a.data() for a in more.menu().actions()] == [f"call-{i}" for i in range(16, -1, -1)]
    # It sits on screen, next in the stack after the newest card and clear of it.
    area = stack.popups()[0].screen().availableGeometry()
    entry = QRect(more.x(), more.y(), more.width(), more.height())
    assert area.contains(entry)
    assert not entry.intersects(_geometry(stack.popups()[-1]))


def test_rings_whose_end_never_comes_do_not_pile_up_for_ever(
    capped: PopupStack, qtbot: QtBot
) -> None:
    """A softphone set up with only the ring hook never reports an end: a day of calls must
    not leave hundreds waiting in "+N more" (and in memory); the oldest go first."""
    stack = capped
    calls = CAP + MAX_WAITING + 30
    for i in range(calls):
        stack.show(withheld_card(), f"call-{i}")
    QApplication.processEvents()
    more = stack.more_entry()
    assert more.text() == f"+{MAX_WAITING} more ringing"
    assert stack.collapsed_count() == MAX_WAITING
    assert not stack.has_popup("call-0") and not stack.has_popup("call-29")
    assert stack.has_popup("call-30")  # the oldest still remembered
    assert [p.call_key for p in stack.popups()] == [f"call-{i}" for i in range(calls - CAP, calls)]


def test_a_collapsed_call_opens_from_the_more_entry_and_ending_a_card_brings_one_back(
    capped: PopupStack, qtbot: QtBot
) -> None:
    stack = capped
    for i in range(8):
        stack.show(withheld_card(), f"call-{i}")
    more = stack.more_entry()
    assert stack.popup_for("call-0") is None

    def card_shown(key: str) -> bool:
        popup = stack.popup_for(key)
        return popup is not None and popup.isVisible() and popup.call_key == key

    next(a for a in more.menu().actions() if a.data() == "call-0").trigger()
    assert card_shown("call-0")
    assert stack.visible_count() == CAP
    assert more.text() == "+5 more ringing"
    assert stack.popup_for("call-5") is None  # the oldest card collapsed to make room

    stack.close_for_call("call-7")
    assert card_shown("call-5")  # the newest collapsed call gets the freed card
    assert more.text() == "+4 more ringing"
    for key in ("call-0", "call-1", "call-2", "call-3", "call-4", "call-5", "call-6"):
        stack.close_for_call(key)
    assert stack.visible_count() == 0
    assert not more.isVisible()


def test_a_storm_of_calls_builds_no_more_cards_than_the_cap(
    stack: PopupStack, qtbot: QtBot
) -> None:
    def cards_built() -> int:
        return sum(isinstance(w, Popup) for w in QApplication.topLevelWidgets())

    before = cards_built()
    for i in range(200):
        stack.show(withheld_card(), f"call-{i}")
    QApplication.processEvents()
    for i in range(200):
        stack.close_for_call(f"call-{i}")

    # One window per call would be 200 windows (and 1.27 GB at 1,000 calls).
    assert cards_built() - before <= max(PREBUILT, MAX_CARDS) - PREBUILT
    assert stack.visible_count() == 0


@pytest.mark.parametrize("warmed_at_start", [True, False])
def test_the_pool_fills_in_idle_time_so_the_fifth_overlapping_call_finds_a_ready_card(
    qapp: QApplication, qtbot: QtBot, warmed_at_start: bool
) -> None:
    stack = PopupStack(prebuilt=PREBUILT if warmed_at_start else 1)
    try:
        if warmed_at_start:
            stack.warm_up()
        else:  # the pool is short when a call rings: it fills once that card has painted
            _show(stack, qtbot, withheld_card(), "first")
        assert stack.built_count() < MAX_CARDS  # nothing more built on the way
        qtbot.waitUntil(lambda: stack.built_count() == MAX_CARDS, timeout=5000)
        stack.dismiss_all()

        for i in range(MAX_CARDS):
            stack.show(withheld_card(), f"call-{i}")
        assert stack.built_count() == MAX_CARDS  # no card was built while they rang
        assert stack.popup_for(f"call-{MAX_CARDS - 1}") is not None
    finally:
        stack.dismiss_all()
        for card in [*stack._pool, stack.more_entry()]:
            card.close()
            card.deleteLater()
        QApplication.sendPostedEvents()


def test_a_caller_name_in_the_more_entry_is_literal(stack: PopupStack, qtbot: QtBot) -> None:
    for i in range(MAX_CARDS):
        stack.show(exact_card(), f"call-{i}")
    card = exact_card()
    odd = replace(card, contacts=(replace(card.contacts[0], name="<b>R&D</b>"),))
    stack.show(odd, "odd")
    for i in range(MAX_CARDS, 2 * MAX_CARDS):
        stack.show(card, f"call-{i}")

    action = next(a for a in stack.more_entry().menu().actions() if a.data() == "odd")
    # Shown as typed: no markup, and "&" not eaten as a keyboard mnemonic.
    assert action.text().startswith("<b>R&&D</b> · +1 415-555-0142 · rang ")


MULTI_SCREEN = textwrap.dedent(
    """
    import json, sys
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QCursor
    from PySide6.QtWidgets import QApplication
    app = QApplication([])
    from desktop.qt.popup_stack import PopupStack
    from tests.qt.show_popup_demo import exact_card

    def rect(card):
        return [card.x(), card.y(), card.width(), card.height(), card.screen().name()]

    stack = PopupStack(max_cards=10)
    placed = {}
    for name, cursor in (("right", QPoint(2500, 500)), ("left", QPoint(300, 300))):
        QCursor.setPos(cursor)
        placed[name] = rect(stack.show(exact_card(), name))
    stack.dismiss_all()
    QCursor.setPos(QPoint(2500, 500))
    placed["many"] = [rect(stack.show(exact_card(), f"call-{i}")) for i in range(10)]
    placed["final"] = [rect(card) for card in stack.popups()]
    placed["more"] = [*rect(stack.more_entry())[:4], stack.more_entry().text()]
    print(json.dumps(placed))
    """
)


def test_cards_land_on_the_monitor_under_the_mouse_and_fill_it_in_columns(
    tmp_path: Path,
) -> None:
    # Two monitors need a platform configured before QApplication exists: a child process.
    config = {
        "screens": [
            {"name": "left", "x": 0, "y": 0, "width": 1280, "height": 800,
             "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1},
            {"name": "right", "x": 1280, "y": 0, "width": 1920, "height": 1080,
             "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1},
        ]
    }  # fmt: skip
    path = tmp_path / "screens.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    result = subprocess.run(
        [PYTHON, "-c", MULTI_SCREEN],
        env=python_env(QT_QPA_PLATFORM=f"offscreen:configfile={path}"),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    placed = json.loads(result.stdout)

    x, y, w, h, screen = placed["right"]
    assert screen == "right"
    assert (x + w, y + h) == (1280 + 1920 - MARGIN, 1080 - MARGIN)
    x, y, w, h, screen = placed["left"]
    assert screen == "left"
    assert (x + w, y + h) == (1280 - MARGIN, 800 - MARGIN)

    right = QRect(1280, 0, 1920, 1080)
    rects = [QRect(x, y, w, h) for x, y, w, h, screen in placed["many"]]
    assert {screen for *_, screen in placed["many"]} == {"right"}
    for rect in rects:
        assert right.contains(rect), rect
    # Two cards per column, four columns side by side before the screen is full ...
    fitted = rects[:8]
    for i, rect in enumerate(fitted):
        for other in fitted[i + 1 :]:
            assert not rect.intersects(other), (rect, other)
    assert len({r.x() for r in fitted}) == 4
    # ... then the oldest collapse into "+N more" rather than be covered by newer ones.
    *entry, text = placed["more"]
    assert text == "+2 more ringing"
    final = [QRect(x, y, w, h) for x, y, w, h, _screen in placed["final"]] + [QRect(*entry)]
    assert len(final) == 9
    for i, rect in enumerate(final):
        assert right.contains(rect), rect
        for other in final[i + 1 :]:
            assert not rect.intersects(other), (rect, other)


STACK_AT_2X = textwrap.dedent(
    """
    import json, sys, time
    from PySide6.QtWidgets import QApplication
    app = QApplication([])
    from desktop.qt.popup_stack import PopupStack
    from tests.qt.show_popup_demo import exact_card, story_card, unknown_card, withheld_card

    def rect(widget):
        g = widget.frameGeometry()
        return [g.x(), g.y(), g.width(), g.height()]

    stack = PopupStack()
    stack.warm_up()
    calls = int(sys.argv[1])
    named = {"exact": exact_card, "story": story_card}
    kinds = [named[k] for k in sys.argv[2:]] or [exact_card, unknown_card, withheld_card]
    for i in range(calls):
        stack.show(kinds[i % len(kinds)](), f"call-{i}")
    deadline = time.monotonic() + 1.0
    while time.monotonic() < deadline:  # let X configure every window it was asked to
        app.processEvents()
        time.sleep(0.01)
    more = stack.more_entry()
    area = stack.popups()[0].screen().availableGeometry()
    print(json.dumps({
        "area": [area.x(), area.y(), area.width(), area.height()],
        "cards": [[p.call_key, *rect(p)] for p in stack.popups() if p.isVisible()],
        "more": rect(more) if more.isVisible() else None,
        "more_text": more.text(),
        "collapsed": stack.collapsed_count(),
    }))
    """
)


@pytest.mark.xvfb
@pytest.mark.parametrize("calls", [3, 5])
def test_at_scale_factor_2_stacked_cards_never_cover_each_other_nor_leave_the_screen(
    calls: int,
) -> None:
    # The report: QT_SCALE_FACTOR=2 on a 1600×1000 screen, three cards drawn on one another.
    with private_x_server("1600x1000x24") as display:
        result = subprocess.run(
            [PYTHON, "-c", STACK_AT_2X, str(calls)],
            env=python_env(DISPLAY=display, QT_QPA_PLATFORM="xcb", QT_SCALE_FACTOR="2"),
            cwd=REPO, capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    placed = json.loads(result.stdout)

    area = QRect(*placed["area"])
    assert area.width() == 800  # 1600 device pixels at 2×
    cards = placed["cards"]
    assert cards[-1][0] == f"call-{calls - 1}"  # the newest call has its card
    assert len(cards) + placed["collapsed"] == calls
    rects = [QRect(*rect) for _key, *rect in cards]
    if placed["collapsed"]:
        assert placed["more_text"] == f"+{placed['collapsed']} more ringing"
        rects.append(QRect(*placed["more"]))
    for i, rect in enumerate(rects):
        assert area.contains(rect), (rect, area)
        for other in rects[i + 1 :]:
            assert not rect.intersects(other), (rect, other)


def _stack_at_2x(calls: int, *kinds: str) -> dict[str, Any]:
    with private_x_server("1600x1000x24") as display:
        result = subprocess.run(
            [PYTHON, "-c", STACK_AT_2X, str(calls), *kinds],
            env=python_env(DISPLAY=display, QT_QPA_PLATFORM="xcb", QT_SCALE_FACTOR="2"),
            cwd=REPO, capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    placed: dict[str, Any] = json.loads(result.stdout)
    return placed


@pytest.mark.xvfb
def test_at_scale_factor_2_more_sits_above_a_card_as_tall_as_the_screen() -> None:
    # At 2× a 1600×1000 screen is 500 high: Mike's card (three calls, two messages) takes
    # all of it. "+1 more ringing" went to a column of its own, at the foot of the screen
    # beside the card, where it read as another call's; it belongs above the newest card,
    # which folds a message to give it room.
    placed = _stack_at_2x(2, "exact")
    area = QRect(*placed["area"])
    [(key, *card_rect)] = placed["cards"]
    assert key == "call-1" and placed["collapsed"] == 1
    card, more = QRect(*card_rect), QRect(*placed["more"])
    assert area.contains(card) and area.contains(more), (card, more, area)
    assert (more.left(), more.width()) == (card.left(), card.width())  # in the card's column
    assert more.bottom() < card.top() <= more.bottom() + 1 + SPACING  # just above it
    assert card.bottom() == area.bottom() - MARGIN  # the card keeps its corner


@pytest.mark.xvfb
def test_at_scale_factor_2_a_card_that_cannot_fold_keeps_more_level_with_its_top() -> None:
    # Everything on the story card that folds is folded and it still takes the screen's
    # height: no room above it, so the entry goes beside it, level with its top (the name,
    # where the eye is), never over it nor off the screen.
    placed = _stack_at_2x(2, "story")
    area = QRect(*placed["area"])
    [(_key, *card_rect)] = placed["cards"]
    card, more = QRect(*card_rect), QRect(*placed["more"])
    assert area.contains(card) and area.contains(more), (card, more, area)
    assert not card.intersects(more)
    assert more.top() == card.top()
    assert more.right() < card.left()


FULL_COLUMN = textwrap.dedent(
    """
    import json, sys
    from PySide6.QtWidgets import QApplication
    app = QApplication([])
    from desktop.qt.popup_stack import PopupStack
    from tests.qt.show_popup_demo import withheld_card

    def rect(widget):
        g = widget.geometry()
        return [g.x(), g.y(), g.width(), g.height()]

    stack = PopupStack(max_cards=int(sys.argv[1]))
    for i in range(int(sys.argv[2])):
        stack.show(withheld_card(), f"call-{i}")
    app.processEvents()
    more = stack.more_entry()
    area = stack.popups()[0].screen().availableGeometry()
    print(json.dumps({
        "area": [area.x(), area.y(), area.width(), area.height()],
        "cards": [rect(p) for p in stack.popups() if p.isVisible()],
        "more": rect(more) if more.isVisible() else None,
    }))
    """
)


def _stack_offscreen(tmp: Path, max_cards: int, calls: int, height: int = 0) -> dict[str, Any]:
    """The stack in a child process on an offscreen screen 1600 wide (two columns of cards)
    and `height` high (0: the platform's own 800×800)."""
    platform = "offscreen"
    if height:
        config = tmp / f"screen-{height}.json"
        config.write_text(json.dumps({"screens": [{
            "name": "s", "x": 0, "y": 0, "width": 1600, "height": height,
            "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))  # fmt: skip
        platform += f":configfile={config}"
    result = subprocess.run(
        [PYTHON, "-c", FULL_COLUMN, str(max_cards), str(calls)],
        env=python_env(QT_QPA_PLATFORM=platform), cwd=REPO,
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    placed: dict[str, Any] = json.loads(result.stdout)
    return placed


def test_more_sits_in_the_card_column_when_the_column_is_full(tmp_path: Path) -> None:
    """h-rep6: five cards filled the column to the screen's top, and '+1 missed call' went
    to the left of it, level with the top card, over the rep's other windows. A card of the
    column gives way (into the entry) and the entry sits above the newest, in its column."""
    # One card and the entry: how tall each is in this font.
    measured = _stack_offscreen(tmp_path, 1, 2)
    card_h, more_h = measured["cards"][0][3], measured["more"][3]
    # Four cards fill the column; the entry above them is 1 px short of room.
    height = 2 * MARGIN + 4 * card_h + 4 * SPACING + more_h - 1
    placed = _stack_offscreen(tmp_path, 4, 5, height)
    area = QRect(*placed["area"])
    cards = [QRect(*r) for r in placed["cards"]]
    more = QRect(*placed["more"])
    assert len(cards) == 3, "one card gave way to the entry"
    assert {c.left() for c in cards} == {more.left()}, (cards, more)  # one column
    assert area.contains(more) and all(area.contains(c) for c in cards)
    newest = min(cards, key=lambda c: c.top())
    assert more.bottom() < newest.top() <= more.bottom() + 1 + SPACING  # just above it
    assert not any(more.intersects(c) for c in cards)


def test_a_long_voicemail_and_the_imported_notes_are_readable_in_full(
    popup: Popup, qtbot: QtBot
) -> None:
    card = story_card()
    shown(popup, qtbot, card)
    voicemail = label(popup, "attempt0Message")
    assert label(popup, "attempt0Outcome").text() == "They left voicemail"
    assert voicemail.wordWrap() and voicemail.text().endswith("…”")  # a preview of a few lines
    assert isinstance(voicemail, TextPart)
    lines = voicemail.geometry_in(popup).height() / voicemail.metrics.lineSpacing()
    assert lines > 2  # wrapped, not cut
    assert label(popup, "notesTitle").isVisible()
    assert label(popup, "nextStep").text() == (
        "Next step: Send the audit summary, then book the Thursday walk-through")
    notes = label(popup, "notes")
    assert notes.isVisible() and notes.text().startswith("Met at the Long Beach logistics expo")

    height = popup.height()
    with qtbot.waitSignal(popup.height_changed, timeout=2000):
        qtbot.mouseClick(button(popup, "attempt0More"), Qt.MouseButton.LeftButton)
    assert voicemail.text() == f"“{LONG_VOICEMAIL}”"  # every word, in the card
    assert not button(popup, "attempt0More").isVisible()
    qtbot.mouseClick(button(popup, "notesMore"), Qt.MouseButton.LeftButton)
    assert notes.text() == IMPORTED_NOTES
    qtbot.waitUntil(lambda: popup.height() > height)
    # The next call's card starts short again.
    shown(popup, qtbot, card, "call-2")
    assert button(popup, "attempt0More").isVisible()


def test_notes_shown_in_full_keep_their_line_breaks(popup: Popup, qtbot: QtBot) -> None:
    # The painted paragraph ran the lines together ("Ask for DanaParking at the back").
    notes_text = "Gate code 4411\nAsk for Dana\nParking at the back\n" + "Budget talk. " * 20
    contact = replace(mike(), notes=notes_text)
    shown(popup, qtbot, replace(exact_card(), contacts=(contact,)))
    qtbot.mouseClick(button(popup, "notesMore"), Qt.MouseButton.LeftButton)
    notes = label(popup, "notes")
    assert isinstance(notes, TextPart)
    assert notes.text().startswith("Gate code 4411\nAsk for Dana\n")
    width = notes.geometry_in(popup).width()
    # As QLabel (QPainter.drawText) lays the same text out: one line per line of the notes.
    as_label = notes.metrics.boundingRect(
        QRect(0, 0, width, 100_000), int(Qt.TextFlag.TextWordWrap), notes.text()
    ).height()
    assert notes.needed_height(width) - notes.gap == as_label


def test_a_card_without_notes_has_no_notes_section(popup: Popup, qtbot: QtBot) -> None:
    shown(popup, qtbot, exact_card())
    assert not label(popup, "notesTitle").isVisible()
    assert not label(popup, "notes").isVisible()
    assert not button(popup, "notesMore").isVisible()


def test_the_more_entry_writes_each_number_as_people_do(capped: PopupStack) -> None:
    """A collapsed call is picked by who and which number: "+44 20 7946 0399", the card's
    own form, not E.164 (h-cli, session 22)."""
    from desktop.core.numbers import NumberPolicy, parse_number

    number = parse_number("(415) 555-0199", NumberPolicy("US"))
    card = replace(unknown_card(with_candidates=False), caller_id="(415) 555-0199",
                   number=number)  # fmt: skip
    for i in range(CAP + 1):
        capped.show(card, f"call-{i}")
    entries = [a.text() for a in capped.more_entry().menu().actions()]
    assert entries and all(e.startswith("+1 415-555-0199 · rang ") for e in entries), entries


def test_the_cards_notes_keep_their_lines_as_the_contact_view_does(
    popup: Popup, qtbot: QtBot
) -> None:
    """Used as a rep: "Café meeting – June / Met at SaaStr. / Prefers calls after 3pm PT"
    read "Café meeting – June Met at SaaStr. Prefers calls…" on the card."""
    notes_text = "Café meeting – June\nMet at SaaStr.\n\nPrefers calls after 3pm PT"
    contact = replace(mike(), notes=notes_text)
    shown(popup, qtbot, replace(exact_card(), contacts=(contact,)))
    notes = label(popup, "notes")
    assert notes.text() == "Café meeting – June\nMet at SaaStr.\nPrefers calls after 3pm PT"
    assert not button(popup, "notesMore").isVisible()
    assert isinstance(notes, TextPart)
    assert notes.geometry_in(popup).height() >= 3 * notes.metrics.lineSpacing()


def test_notes_of_many_lines_show_their_first_lines_and_show_all(
    popup: Popup, qtbot: QtBot
) -> None:
    notes_text = "\n".join(f"Line {i} of the notes" for i in range(1, 9))
    contact = replace(mike(), notes=notes_text)
    shown(popup, qtbot, replace(exact_card(), contacts=(contact,)))
    notes = label(popup, "notes")
    assert notes.text().splitlines() == [
        "Line 1 of the notes", "Line 2 of the notes", "Line 3 of the notes",
        "Line 4 of the notes…"]  # fmt: skip
    assert button(popup, "notesMore").isVisible()


def test_a_past_calls_note_keeps_its_lines_on_the_card(popup: Popup, qtbot: QtBot) -> None:
    """Used as a rep: the wrap-up "Sent the quote / Budget 40k / Decision: Sam (CFO)" read
    "Sent the quote Budget 40k Decision: Sam (CFO)" under the call on the card."""
    note = "Sent the quote\nBudget 40k\n\nDecision: Sam (CFO)"
    called = Attempt(Direction.OUT, datetime(2026, 3, 9, 15, 0, tzinfo=UTC), Outcome.TALKED,
                     note)  # fmt: skip
    contact = replace(mike(), attempts=(called,))
    shown(popup, qtbot, replace(exact_card(), contacts=(contact,)))
    message = label(popup, "attempt0Message")
    assert message.text() == "“Sent the quote\nBudget 40k\nDecision: Sam (CFO)”"
    assert not button(popup, "attempt0More").isVisible()
    assert isinstance(message, TextPart)
    assert message.geometry_in(popup).height() >= 3 * message.metrics.lineSpacing()


def test_a_past_calls_note_of_many_lines_shows_three_and_show_all(
    popup: Popup, qtbot: QtBot
) -> None:
    """Three calls' notes of many lines each must leave the card a card."""
    note = "\n".join(f"Point {i} of the call" for i in range(1, 7))
    called = Attempt(Direction.OUT, datetime(2026, 3, 9, 15, 0, tzinfo=UTC), Outcome.TALKED,
                     note)  # fmt: skip
    contact = replace(mike(), attempts=(called,))
    shown(popup, qtbot, replace(exact_card(), contacts=(contact,)))
    message = label(popup, "attempt0Message")
    assert message.text().splitlines() == [
        "“Point 1 of the call", "Point 2 of the call", "Point 3 of the call…”"]  # fmt: skip
    more = button(popup, "attempt0More")
    assert more.isVisible()
    qtbot.mouseClick(more, Qt.MouseButton.LeftButton)
    assert label(popup, "attempt0Message").text() == f"“{note}”"

"""A call that ends unanswered leaves its card as "Missed call · 14:05" with Call back and
Dismiss; an answered or unknown end closes it as before. Call back goes through the same
ClickToCall as every Call button, here with a Twinkle that records what it was asked."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from desktop.adapters.dialing import DialPlacer
from desktop.core.business_hours import TheirClock
from desktop.core.card import Card
from desktop.core.dialers import Dialer
from desktop.qt.click_to_call import ClickToCall, PlacedCall
from desktop.qt.popup import Popup
from desktop.qt.popup_stack import PopupStack
from tests.adapters.test_dialing import argv_of, program
from tests.conftest import PYTHON, REPO, python_env
from tests.qt.show_popup_demo import exact_card, unknown_card, withheld_card
from tests.qt.test_popup import button, full, label, visible_texts

pytestmark = pytest.mark.qt_log_ignore(
    r"This plugin does not support (raise|propagateSizeHints)\(\)"
)

MIKE = "+14155550142"
SHOTS = REPO / "artifacts" / "screenshots"
DAYTIME = TheirClock("10:30", "", several_zones=False)
NIGHT = TheirClock("23:40", "outside business hours there (after 18:00)", several_zones=False,
                   problem="after 18:00")  # fmt: skip


def make_stack(missed_for_ms: int = 60_000, max_cards: int = 5) -> PopupStack:
    popups = PopupStack(prebuilt=2, max_cards=max_cards, missed_for_ms=missed_for_ms)
    popups.warm_up()
    return popups


@pytest.fixture
def stack(qapp: QApplication) -> Iterator[PopupStack]:
    popups = make_stack()
    yield popups
    close(popups)


def close(popups: PopupStack) -> None:
    popups.dismiss_all()
    for card in [*popups._pool, popups.more_entry()]:
        card.close()
    popups.let_go()  # with the cards a top-up still queued would have built afterwards
    QApplication.sendPostedEvents()


def rung(stack: PopupStack, key: str = "hook:+14155550142",
         card_of: Callable[[], Card] = exact_card) -> Popup:  # fmt: skip
    popup = stack.show(card_of(), key)
    assert popup is not None and popup.isVisible()
    return popup


def twinkle(tmp_path: Path) -> DialPlacer:
    """A running Twinkle as tests/adapters/test_dialing.py has it: a real program on PATH that
    records its arguments, and its command socket in the home folder."""
    bin_dir, home = tmp_path / "bin", tmp_path / "home"
    program(bin_dir, "twinkle", "exit 0")
    (home / ".twinkle").mkdir(parents=True)
    (home / ".twinkle" / ".cmdsock").touch()
    return DialPlacer(home=home, search_path=str(bin_dir))


def test_a_missed_call_keeps_its_card_with_call_back_and_no_focus(stack: PopupStack) -> None:
    popup = rung(stack)
    assert not popup.offers_call_back()
    key = stack.keep_missed("hook:+14155550142")
    assert key is not None and key != "hook:+14155550142"
    assert popup.isVisible() and popup.call_key == key
    assert label(popup, "tierChip").text().startswith("Missed call · ")
    assert full(popup, "name") == "Mike Kowalski"
    texts = visible_texts(popup)
    assert texts[0].startswith("Missed call · ")
    # Who, their number and their time of day (is it a good time to call back?); the story,
    # notes and opener of the ringing card are gone.
    assert texts[1:6] == ["Mike Kowalski", "VP Operations · Harbor Freight Logistics", "Number",
                          "+1 415-555-0142", "Local time"], texts
    assert sorted(texts[7:]) == ["Call back", "Dismiss", "Open contact"], texts
    assert not label(popup, "opener").isVisibleTo(popup)
    assert not label(popup, "whyTitle").isVisibleTo(popup)
    assert popup.offers_call_back()
    assert popup.windowFlags() & Qt.WindowType.WindowDoesNotAcceptFocus
    assert not popup.isActiveWindow()
    assert stack.missed_keys() == [key]
    assert stack.take_focus()  # the hotkey: the keyboard lands on Call back
    assert QApplication.focusWidget() is button(popup, "callBack") or (
        popup.focusWidget() is button(popup, "callBack"))  # fmt: skip
    # The same caller ringing again is a new call with a card of its own.
    again = rung(stack)
    assert again is not popup and not again.offers_call_back()
    assert stack.visible_count() == 2


def _top(popup: Popup, name: str) -> int:
    widget = popup.findChild(QWidget, name)
    assert widget is not None
    return widget.mapTo(popup, QPoint(0, 0)).y()


def _bottom(popup: Popup, name: str) -> int:
    widget = popup.findChild(QWidget, name)
    assert widget is not None
    return _top(popup, name) + widget.height()


def test_a_missed_card_has_its_buttons_right_under_the_local_time(stack: PopupStack) -> None:
    """Used as a rep: the missed card had an empty band, as tall as a line and a half,
    between "Local time" and Call back: the room of the opener and story it no longer has.
    Its buttons sit under its last line as the ringing card's sit under its opener."""
    popup = rung(stack)
    layout = popup.layout()
    assert layout is not None
    layout.activate()
    ringing_gap = _top(popup, "dismiss") - _bottom(popup, "openerBlock")
    ringing_height = popup.height()
    stack.keep_missed("hook:+14155550142")
    layout.activate()
    missed_gap = _top(popup, "dismiss") - _bottom(popup, "head")
    assert missed_gap == ringing_gap, (missed_gap, ringing_gap)
    assert popup.height() == _bottom(popup, "dismiss") + layout.contentsMargins().bottom()
    assert popup.height() < ringing_height / 2


def test_an_answered_or_unknown_end_closes_the_card_as_before(stack: PopupStack) -> None:
    popup = rung(stack)
    assert stack.close_for_call("hook:+14155550142")  # what end_call does without --missed
    assert not popup.isVisible() and stack.missed_keys() == []


def test_a_withheld_callers_missed_card_has_no_call_back(stack: PopupStack) -> None:
    popup = rung(stack, "hook:", withheld_card)
    assert stack.keep_missed("hook:") is not None
    QApplication.processEvents()  # what a layout queues for a new button has happened
    assert popup.isVisible() and not popup.offers_call_back()
    assert "Call back" not in visible_texts(popup)
    assert full(popup, "name") == "Number withheld"
    assert full(popup, "role") == "No number to call back"  # the name said "Number withheld"


def test_a_redacted_missed_card_shows_no_number_and_no_call_back_until_it_is_lifted(
    stack: PopupStack,
) -> None:
    popup = rung(stack)
    stack.set_redacted(True)
    assert stack.keep_missed("hook:+14155550142") is not None
    texts = visible_texts(popup)
    assert texts[0].startswith("Missed call · ")
    assert texts[1:] == ["Harbor Freight Logistics", "Dismiss"], texts
    assert not popup.offers_call_back()
    stack.set_redacted(False)  # the share is over: still a missed card, now whole
    assert label(popup, "tierChip").text().startswith("Missed call · ")
    assert popup.offers_call_back() and "+1 415-555-0142" in visible_texts(popup)


def test_call_back_places_the_call_through_click_to_call_and_the_card_goes(
    qtbot: QtBot, stack: PopupStack, tmp_path: Path
) -> None:
    calls = ClickToCall(twinkle(tmp_path), lambda: Dialer.AUTOMATIC, lambda _: DAYTIME)
    placed: list[object] = []
    calls.placed.connect(placed.append)
    stack.call_back_requested.connect(lambda e164, who: calls.call(e164, None, contact_id=who))
    # As the app does: a placed call takes that caller's missed cards away.
    calls.placed.connect(lambda p: stack.close_missed_for(p.e164))
    popup = rung(stack)
    stack.keep_missed("hook:+14155550142")

    qtbot.mouseClick(button(popup, "callBack"), Qt.MouseButton.LeftButton)

    assert argv_of(tmp_path / "bin", "twinkle") == ["--immediate", "--call", MIKE]
    [call] = placed
    assert isinstance(call, PlacedCall) and call.e164 == MIKE
    # For the contact the card names: a number others share is called back for them.
    assert call.contact_id == exact_card().contacts[0].id
    assert not popup.isVisible() and stack.missed_keys() == []


def test_outside_their_hours_call_back_asks_first_and_the_card_waits(
    qtbot: QtBot, stack: PopupStack, tmp_path: Path
) -> None:
    calls = ClickToCall(twinkle(tmp_path), lambda: Dialer.AUTOMATIC, lambda _: NIGHT)
    stack.call_back_requested.connect(lambda e164, who: calls.call(e164, None, contact_id=who))
    popup = rung(stack)
    stack.keep_missed("hook:+14155550142")
    qtbot.mouseClick(button(popup, "callBack"), Qt.MouseButton.LeftButton)
    [question] = [box for box in calls.messages if box.isVisible()]
    assert question.windowTitle() == "CallerCard — Outside business hours"
    assert not (tmp_path / "bin" / "twinkle.argv").exists(), "not placed before the rep says so"
    assert popup.isVisible() and popup.offers_call_back()
    question.close()


def test_missed_cards_go_by_themselves_and_on_dismiss(qtbot: QtBot, qapp: QApplication) -> None:
    popups = make_stack(missed_for_ms=50)
    try:
        popup = rung(popups)
        popups.keep_missed("hook:+14155550142")
        qtbot.waitUntil(lambda: not popup.isVisible(), timeout=3000)
        assert popups.missed_keys() == []
        other = rung(popups, "hook:+14155550199", unknown_card)
        popups.keep_missed("hook:+14155550199")
        qtbot.mouseClick(button(other, "dismiss"), Qt.MouseButton.LeftButton)
        assert not other.isVisible() and popups.missed_keys() == []
    finally:
        close(popups)


def short_cards() -> Callable[[], Card]:
    numbers = iter(range(100, 200))

    def short() -> Card:  # three of them fit on the offscreen test screen; each its own caller
        card = unknown_card(with_candidates=False)
        return replace(card, number=replace(card.number, e164=f"+1415555{next(numbers)}"))

    return short


def test_missed_cards_give_way_to_ringing_calls_wait_off_screen_and_come_back(
    qapp: QApplication,
) -> None:
    popups = make_stack(max_cards=3)
    short = short_cards()
    try:
        for i in range(3):
            rung(popups, f"call-{i}", short)
        missed = [popups.keep_missed(f"call-{i}") for i in range(2)]
        assert popups.visible_count() == 3 and len(popups.missed_keys()) == 2
        rung(popups, "call-3", short)  # a fourth call: the oldest missed card makes room

        assert popups.visible_count() == 3 and popups.collapsed_count() == 0
        assert popups.missed_keys() == missed and popups.missed_waiting() == 1
        rung(popups, "call-4", short)
        rung(popups, "call-5", short)  # more ringing calls than cards: ringing ones collapse
        assert popups.missed_waiting() == 2
        assert popups.collapsed_count() >= 1
        # "+N more" counts and lists them too, below the ringing calls: the rep sees them.
        more = popups.more_entry()
        ringing = popups.collapsed_count()
        assert more.text() == f"+{ringing} more ringing · 2 missed"
        entries = [a.text() for a in more.menu().actions() if not a.isSeparator()]
        assert all("rang" in entry for entry in entries[:ringing])
        assert [e.startswith("Missed call ") for e in entries[ringing:]] == [True, True]
        assert "+1 415555101" in entries[ringing], "the newest missed first"
        # Kept for the next start meanwhile, oldest first.
        assert [c.number.e164 for c, _, _ in popups.open_missed()] == [
            "+1415555100", "+1415555101"]  # fmt: skip

        for key in ("call-2", "call-3", "call-4", "call-5"):  # answered, one by one
            popups.close_for_call(key)
        assert popups.missed_waiting() == 0 and popups.visible_count() == 2
        shown = {p.card.number.e164 for p in popups.popups() if p.isVisible() and p.card}
        assert shown == {"+1415555100", "+1415555101"}
    finally:
        close(popups)


def test_a_call_that_ends_missed_while_waiting_in_more_gets_its_card_once_room_is_free(
    qapp: QApplication,
) -> None:
    """At 2x a screen holds one or two cards: the calls before collapse into "+N more", and
    one of them that ends unanswered is a missed call all the same."""
    popups = make_stack(max_cards=2)
    short = short_cards()
    try:
        for i in range(3):
            rung(popups, f"call-{i}", short)
        assert popups.collapsed_count() == 1  # call-0 waits in "+1 more ringing"
        kept = popups.keep_missed("call-0")
        assert kept is not None and popups.missed_keys() == [kept]
        assert popups.collapsed_count() == 0
        assert [c.number.e164 for c, _, _ in popups.open_missed()] == ["+1415555100"]
        assert popups.missed_waiting() == 1, "two calls still ring on the two cards"
        assert popups.more_entry().isVisible() and popups.more_entry().text() == "+1 missed call"

        popups.close_for_call("call-2")  # answered: its card's room is free
        assert popups.missed_waiting() == 0
        card = popups.popup_for(kept)
        assert card is not None and card.isVisible() and card.offers_call_back()
        assert any(t.startswith("Missed call") for t in visible_texts(card))
    finally:
        close(popups)


def test_a_missed_card_waiting_for_room_opens_from_more_and_gives_way_to_the_next_ring(
    qapp: QApplication,
) -> None:
    """The rep chooses the waiting missed call in "+N more": its card comes up with Call back
    though calls still ring on every card (the oldest of those collapses for it), and goes
    back to waiting, still counted, when the next call rings."""
    popups = make_stack(max_cards=2)
    short = short_cards()
    try:
        for i in range(3):
            rung(popups, f"call-{i}", short)
        kept = popups.keep_missed("call-0")
        assert kept is not None and popups.missed_waiting() == 1
        more = popups.more_entry()
        [action] = [a for a in more.menu().actions() if a.data() == kept]
        action.trigger()
        card = popups.popup_for(kept)
        assert card is not None and card.isVisible() and card.offers_call_back()
        assert popups.missed_waiting() == 0 and more.text() == "+1 more ringing"
        assert popups.popup_for("call-2") is not None, "the newest ringing call keeps its card"
        rung(popups, "call-3", short)
        assert popups.missed_waiting() == 1 and popups.popup_for(kept) is None
        assert more.text() == "+1 more ringing · 1 missed"  # call-1 waits still
    finally:
        close(popups)


def test_a_missed_card_arriving_on_a_full_screen_waits_and_no_ringing_call_loses_its_card(
    qapp: QApplication,
) -> None:
    """A screen (not the card limit) full of ringing calls, and then a missed card arrives:
    one restored at start, or a call a softphone logs only at its end. The phones ringing
    now keep the cards; the missed card waits in "+N more" (whose line takes the oldest
    ringing call's room). Two ringing calls lost their cards to it: the newest card never
    collapsed, and it was the missed one."""
    popups = make_stack(max_cards=5)
    short = short_cards()
    try:
        for i in range(3):  # as many as the offscreen test screen holds
            rung(popups, f"call-{i}", short)
        assert popups.collapsed_count() == 0 and popups.visible_count() == 3

        missed = popups.add_missed(short(), "log:+1415555199", datetime.now().astimezone())

        assert popups.popup_for(missed) is None and popups.missed_waiting() == 1
        assert popups.popup_for("call-1") is not None and popups.popup_for("call-2") is not None
        assert popups.more_entry().text() == "+1 more ringing · 1 missed"
    finally:
        close(popups)


@pytest.mark.xvfb
@pytest.mark.parametrize("scale", ["1", "2"])
def test_on_a_real_display_a_missed_card_waiting_for_room_is_counted_and_opens(
    xvfb_display: str, scale: str
) -> None:
    """Calls fill the column and the oldest rings out: its missed card waits for room. It said
    nothing on screen (the rep learnt of it in Callbacks); "+N more" counts it and opens it,
    at 1x and at 2x, where a screen holds few cards."""
    result = subprocess.run(
        [PYTHON, "-m", "tests.qt.show_missed_waiting_demo", str(SHOTS), f"_{scale}x"],
        env=python_env(DISPLAY=xvfb_display, QT_QPA_PLATFORM="xcb", QT_SCALE_FACTOR=scale),
        cwd=REPO, capture_output=True, text=True, timeout=90, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["platform"] == "xcb" and report["missed_waiting"] == 1
    assert report["more_visible"] and report["more_on_screen"] and report["more_clear_of_cards"]
    assert report["more_text"].endswith(("+1 missed call", " · 1 missed")), report["more_text"]
    assert report["entries"][-1].startswith("Missed call ")
    assert report["opened"] and report["opened_offers_call_back"]
    assert report["opened_texts"][0].startswith("Missed call")
    assert not report["overlap_after"]
    for name in ("missed_waiting", "missed_opened"):
        assert (SHOTS / f"{name}_{scale}x.png").stat().st_size > 2000


@pytest.mark.xvfb
def test_on_a_real_display_missed_cards_are_drawn_whole_at_2x_and_leave_the_keyboard_alone(
    xvfb_display: str,
) -> None:
    result = subprocess.run(
        [PYTHON, "-m", "tests.qt.show_missed_card_demo", str(SHOTS), "_2x"],
        env=python_env(DISPLAY=xvfb_display, QT_QPA_PLATFORM="xcb", QT_SCALE_FACTOR="2"),
        cwd=REPO, capture_output=True, text=True, timeout=90, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["platform"] == "xcb"
    assert report["editor_active_before"] and report["editor_active_after"]
    assert report["typed_text_in_editor"] == "typed", "the card took no keystroke"
    assert report["call_back"] == [True, False]  # Mike's card calls back; a withheld one cannot
    assert report["call_back_dark"] == [True, False]
    assert report["call_back_redacted"] is False
    for name in ("missed_mike", "missed_withheld", "missed_mike_dark", "missed_redacted_dark"):
        assert (SHOTS / f"{name}_2x.png").stat().st_size > 2000
        width, height = report["shots"][name]
        assert height < width, f"{name} is compact ({width}x{height})"


def test_a_shared_numbers_call_back_asks_whom_it_is_for_when_no_caller_id_name_said(
    qtbot: QtBot, stack: PopupStack
) -> None:
    """Contoso's main number, Dana and Raj behind it, rang with no caller-ID name: Call back
    filed the call under Dana (the one last in touch) as if we knew it was her. Its menu
    asks; the call is for the one chosen. A name that says who rang needs no asking."""
    from tests.qt.show_popup_demo import switchboard_card

    asked: list[tuple[str, object]] = []
    stack.call_back_requested.connect(lambda number, who: asked.append((number, who)))
    popup = rung(stack, "hook:+14155550100", switchboard_card)
    stack.keep_missed("hook:+14155550100")
    call_back = button(popup, "callBack")
    menu = call_back.menu()
    assert menu is not None
    assert [a.text() for a in menu.actions()] == [
        "Call back for Dana Whitfield", "Call back for Raj Patel"]  # fmt: skip
    menu.actions()[1].trigger()
    assert asked == [("+14155550100", 22)]  # Raj's id: his call, his note

    named = replace(switchboard_card(), number=replace(switchboard_card().number,
                                                       display_name="RAJ PATEL"))  # fmt: skip
    # Ranked as the lookup ranks it: the one the name names first.
    named = replace(named, contacts=tuple(reversed(named.contacts)))
    stack.dismiss_all()
    again = rung(stack, "hook:+14155550100#2", lambda: named)
    stack.keep_missed("hook:+14155550100#2")
    assert again is popup  # the card back from the pool: no menu left over from the last
    call_back = button(again, "callBack")
    assert call_back.menu() is None
    qtbot.mouseClick(call_back, Qt.MouseButton.LeftButton)
    assert asked[1:] == [("+14155550100", 22)]


def test_a_shared_numbers_missed_card_names_no_one_person_when_nothing_said_whose_call(
    stack: PopupStack,
) -> None:
    """Its headline said "Dana Whitfield" while its Call back asked whether the call was for
    Dana or Raj: the card claimed to know who rang. It names both and their company, whole;
    a caller-ID name that names Raj makes it his card."""
    from tests.qt.show_popup_demo import switchboard_card

    popup = rung(stack, "hook:+14155550100", switchboard_card)
    stack.keep_missed("hook:+14155550100")
    assert full(popup, "name") == "Dana Whitfield or Raj Patel"
    assert full(popup, "role") == "Contoso Ltd"
    name = label(popup, "name")
    assert name.isVisible() and not getattr(name, "is_elided", lambda: False)()
    assert popup.accessibleName().endswith("Dana Whitfield or Raj Patel")

    named = replace(switchboard_card(), number=replace(switchboard_card().number,
                                                       display_name="RAJ PATEL"))  # fmt: skip
    named = replace(named, contacts=tuple(reversed(named.contacts)))
    stack.dismiss_all()
    again = rung(stack, "hook:+14155550100#2", lambda: named)
    stack.keep_missed("hook:+14155550100#2")
    assert full(again, "name") == "Raj Patel"


def _pick_from_menu_of(qtbot: QtBot, pushed: QWidget, entry: str) -> list[str]:
    """Click `pushed` as the rep does; in the menu it opens, click `entry`. Returns the
    menu's entries (none when the button opened no menu)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMenu

    seen: list[str] = []
    tries = iter(range(40))

    def pick() -> None:
        menu = QApplication.activePopupWidget()
        if not isinstance(menu, QMenu):
            if next(tries, None) is not None:  # the button opens its menu on a later pass
                QTimer.singleShot(25, pick)
            return
        seen.extend(a.text() for a in menu.actions())
        [action] = [a for a in menu.actions() if a.text() == entry]
        qtbot.mouseClick(menu, Qt.MouseButton.LeftButton,
                         pos=menu.actionGeometry(action).center())  # fmt: skip

    QTimer.singleShot(25, pick)
    # Pressed, then released as a hand does: the menu opens on the press.
    qtbot.mousePress(pushed, Qt.MouseButton.LeftButton)
    qtbot.wait(1100)  # the menu's time to open and take the click, or not to open at all
    qtbot.mouseRelease(pushed, Qt.MouseButton.LeftButton)
    return seen


# A menu open grabs the keyboard, which the offscreen platform cannot.
@pytest.mark.qt_log_ignore(r"This plugin does not support (raise|propagateSizeHints)\(\)",
                           r"This plugin does not support grabbing the keyboard")
def test_a_shared_numbers_open_contact_opens_the_one_the_rep_chooses(
    qtbot: QtBot, stack: PopupStack
) -> None:
    """The card says "Dana Whitfield or Raj Patel": Open contact opened Dana, whoever the rep
    meant. Its menu names both and opens the one chosen; a card about one person opens them."""
    from tests.qt.show_popup_demo import switchboard_card

    opened: list[object] = []
    stack.open_contact_requested.connect(opened.append)
    popup = rung(stack, "hook:+14155550100", switchboard_card)
    stack.keep_missed("hook:+14155550100")
    open_contact = button(popup, "openContact")
    assert open_contact.isVisible()

    entries = _pick_from_menu_of(qtbot, open_contact, "Open Raj Patel")

    assert entries == ["Open Dana Whitfield", "Open Raj Patel"]
    assert opened == [22]  # Raj's id
    SHOTS.mkdir(parents=True, exist_ok=True)
    popup.grab().save(str(SHOTS / "missed_card_shared_open_contact.png"))

    named = replace(switchboard_card(), number=replace(switchboard_card().number,
                                                       display_name="RAJ PATEL"))  # fmt: skip
    named = replace(named, contacts=tuple(reversed(named.contacts)))
    stack.dismiss_all()
    again = rung(stack, "hook:+14155550100#2", lambda: named)
    stack.keep_missed("hook:+14155550100#2")
    assert again is popup  # from the pool: no menu left over from the last card
    assert button(again, "openContact").menu() is None
    qtbot.mouseClick(button(again, "openContact"), Qt.MouseButton.LeftButton)
    assert opened[1:] == [22]


def test_a_ringing_card_reused_from_a_shared_missed_card_opens_its_caller(
    qtbot: QtBot, stack: PopupStack
) -> None:
    from tests.qt.show_popup_demo import switchboard_card

    opened: list[object] = []
    stack.open_contact_requested.connect(opened.append)
    popup = rung(stack, "hook:+14155550100", switchboard_card)
    stack.keep_missed("hook:+14155550100")
    stack.dismiss_all()
    again = rung(stack, "hook:+14155550142")
    assert again is popup
    assert button(again, "openContact").menu() is None
    qtbot.mouseClick(button(again, "openContact"), Qt.MouseButton.LeftButton)
    assert opened == [exact_card().contacts[0].id]

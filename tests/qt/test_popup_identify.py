"""An unknown caller's card: "Who is it?" opens the picker in the card, and settling who it
is turns the next lookup of that number into an exact match."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from desktop.adapters.bundled import default_opener_templates
from desktop.adapters.lookup import CallerLookup
from desktop.adapters.store import NewContact, Store
from desktop.core.card import MatchTier
from desktop.core.models import Attempt, Direction, Outcome, StoredNumber
from desktop.core.numbers import NumberPolicy
from desktop.qt.candidate_picker import CandidatePicker
from desktop.qt.popup_stack import PopupStack
from tests.conftest import PYTHON, REPO, private_x_server, python_env
from tests.qt.test_missed_card import close

UNKNOWN = "+14155550199"


@pytest.fixture
def new_stack() -> Iterator[Callable[..., PopupStack]]:
    """Stacks of unknown callers' cards, let go after the test: one left behind kept its
    cards, and its queued top-ups built more of them in the tests that followed."""
    made: list[PopupStack] = []

    def make(lookup: CallerLookup,
             factory: Callable[[QWidget], CandidatePicker] | None = None) -> PopupStack:
        stack = PopupStack(prebuilt=1, picker_factory=factory or (
            lambda parent: CandidatePicker(lookup, parent)))  # fmt: skip
        made.append(stack)
        return stack

    yield make
    for stack in made:
        close(stack)


@pytest.fixture
def lookup(tmp_path: Path) -> Iterator[CallerLookup]:
    store = Store.open(tmp_path / "cc.sqlite3")
    now = datetime.now(UTC)
    with store.transaction():
        store.add_contact(NewContact(
            name="Mike Kowalski", company="Harbor Freight",
            numbers=(StoredNumber("+1 415 555 0142", "+14155550142"),),
            attempts=(Attempt(Direction.OUT, now - timedelta(days=1), Outcome.VOICEMAIL,
                              "Left a voicemail", "the audit"),),
        ))  # fmt: skip
        store.add_contact(NewContact(name="Anna Berg", numbers=(
            StoredNumber("+44 20 7946 0958", "+442079460958"),)))  # fmt: skip
    yield CallerLookup(store, NumberPolicy("US"), default_opener_templates())
    store.close()


def test_who_is_it_links_the_number_and_the_card_becomes_exact(
    qtbot: QtBot, lookup: CallerLookup, new_stack: Callable[..., PopupStack]
) -> None:
    def factory(parent: QWidget) -> CandidatePicker:
        return CandidatePicker(lookup, parent)

    stack = new_stack(lookup, factory)
    card = lookup.card_for(UNKNOWN, "MIKE K")
    assert card.match is MatchTier.NONE
    popup = stack.show(card, "call-1")
    qtbot.addWidget(popup)
    identify = popup.findChild(QWidget, "identify")
    assert identify is not None and not identify.isHidden()
    height_before = popup.height()

    popup.open_picker()
    picker = popup.findChild(CandidatePicker)
    assert picker is not None and picker.isVisible()
    assert identify.isHidden()
    assert popup.height() > height_before, "the card grows to hold the picker"

    picker.name.setText("mike")
    picker.narrow()
    assert picker.shown_ids(), "the Mike we left a voicemail for is offered"
    picker.list.setCurrentRow(0)
    with qtbot.waitSignal(stack.caller_identified) as blocker:
        picker.link_selected()
    assert blocker.args[0] == "call-1"

    again = lookup.card_for(UNKNOWN)
    assert again.match is MatchTier.EXACT
    assert again.contacts[0].name == "Mike Kowalski"


def test_known_and_withheld_callers_offer_no_picker(
    qtbot: QtBot, lookup: CallerLookup, new_stack: Callable[..., PopupStack]
) -> None:
    stack = new_stack(lookup)
    for caller_id in ("+14155550142", "anonymous"):
        popup = stack.show(lookup.card_for(caller_id), caller_id)
        qtbot.addWidget(popup)
        identify = popup.findChild(QWidget, "identify")
        assert identify is not None and identify.isHidden()
        stack.close_for_call(caller_id)


def test_who_is_it_puts_the_cursor_in_the_name_box_once_the_rep_clicked_it(
    qtbot: QtBot, lookup: CallerLookup, new_stack: Callable[..., PopupStack]
) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    stack = new_stack(lookup)
    popup = stack.show(lookup.card_for(UNKNOWN), "call-2")
    qtbot.addWidget(popup)
    assert QApplication.focusWidget() is None or QApplication.focusWidget().window() is not popup

    identify = popup.findChild(QWidget, "identify")
    assert identify is not None
    qtbot.mouseClick(identify, Qt.MouseButton.LeftButton)  # the rep clicks into the card
    picker = popup.findChild(CandidatePicker)
    assert picker is not None
    qtbot.waitUntil(lambda: popup.focusWidget() is picker.name)
    qtbot.keyClicks(picker.name, "mike")  # the caller says their name: it goes in the box
    assert picker.name.text() == "mike"
    # Clicking elsewhere in the picker and back keeps the name box the keyboard's place.
    popup.take_focus()
    assert popup.focusWidget() is picker.name


def test_who_is_it_starts_from_the_caller_id_name_when_it_names_someone(
    qtbot: QtBot, lookup: CallerLookup, new_stack: Callable[..., PopupStack]
) -> None:
    """Used as a rep: the card said "ANNA BERG" in big letters, and Who is it? opened on an
    empty name box and the number's guesses, none of them Anna."""
    stack = new_stack(lookup)
    popup = stack.show(lookup.card_for(UNKNOWN, "ANNA BERG"), "call-3")
    qtbot.addWidget(popup)
    popup.open_picker()
    picker = popup.findChild(CandidatePicker)
    assert picker is not None
    assert picker.name.text() == "ANNA BERG" and picker.name.selectedText() == "ANNA BERG"
    [(anna, _)] = lookup.store.contacts_for_number("+442079460958")
    assert picker.shown_ids() == [anna.id]  # named, though nothing links her to the number
    stack.close_for_call("call-3")

    # A name nobody has: the number's guesses stay, and New contact takes the name
    popup = stack.show(lookup.card_for(UNKNOWN, "ROSA DELGADO"), "call-4")
    popup.open_picker()
    picker = popup.findChild(CandidatePicker)
    assert picker is not None
    [(mike, _)] = lookup.store.contacts_for_number("+14155550142")
    assert picker.shown_ids() == [mike.id]  # our voicemail in the caller's area
    assert picker.empty.isVisible() and "ROSA DELGADO" in picker.empty.text()
    assert picker.selected_id() is None and not picker.link_button.isEnabled()
    picker.link_selected()  # Enter in the name box: not Mike, whom the caller ID did not name
    assert lookup.card_for(UNKNOWN).match is MatchTier.NONE
    with qtbot.waitSignal(picker.created) as made:
        picker.create_contact()
    rosa = lookup.store.contact(made.args[0])
    assert rosa is not None and rosa.name == "Rosa Delgado"  # as people write it
    assert lookup.card_for(UNKNOWN).opener.startswith("Hi Rosa,")
    stack.close_for_call("call-4")

    # Where the line is, not who: no name to start from
    popup = stack.show(lookup.card_for("+14155550188", "SAN FRANCISCO CA"), "call-5")
    popup.open_picker()
    picker = popup.findChild(CandidatePicker)
    assert picker is not None
    assert picker.name.text() == "" and picker.shown_ids() == [mike.id, rosa.id]
    stack.close_for_call("call-5")


def test_new_contact_from_a_business_caller_id_is_the_company(
    qtbot: QtBot, lookup: CallerLookup, new_stack: Callable[..., PopupStack]
) -> None:
    """Used as a rep: New contact from "PDX WIRELESS" made a person called "PDX WIRELESS",
    and the next call from it opened "Hi PDX"."""
    stack = new_stack(lookup)
    popup = stack.show(lookup.card_for(UNKNOWN, "PDX WIRELESS"), "call-6")
    qtbot.addWidget(popup)
    popup.open_picker()
    picker = popup.findChild(CandidatePicker)
    assert picker is not None and picker.name.text() == "PDX WIRELESS"
    with qtbot.waitSignal(picker.created) as made:
        picker.create_contact()
    pdx = lookup.store.contact(made.args[0])
    assert pdx is not None and (pdx.name, pdx.company) == ("", "PDX Wireless")
    assert picker.status.text() == "New contact PDX Wireless saved."
    card = lookup.card_for(UNKNOWN, "PDX WIRELESS")
    assert card.match is MatchTier.EXACT
    assert "PDX Wireless" in card.opener and "Hi PDX" not in card.opener
    stack.close_for_call("call-6")


WHO_IS_IT_AT_2X = """
import json, sys, tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from PySide6.QtCore import QPoint
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from desktop.adapters.bundled import default_opener_templates
from desktop.adapters.lookup import CallerLookup
from desktop.adapters.store import NewContact, Store
from desktop.core.models import Attempt, Direction, Outcome, StoredNumber
from desktop.core.numbers import NumberPolicy
from desktop.qt.candidate_picker import CandidatePicker
from desktop.qt.popup_stack import PopupStack

app = QApplication([])
store = Store.open(Path(sys.argv[1]))
now = datetime.now(UTC)
with store.transaction():
    for i, (name, company) in enumerate([("Mike Kowalski", "Harbor Freight"),
                                         ("Dana Whitfield", "Contoso"),
                                         ("Priya Natarajan", "Northwind Health")]):
        store.add_contact(NewContact(
            name=name, company=company,
            numbers=(StoredNumber(f"+1 415 555 014{i}", f"+1415555014{i}"),),
            attempts=(Attempt(Direction.OUT, now - timedelta(days=1 + i), Outcome.VOICEMAIL,
                              "Left a voicemail", "the audit"),)))
lookup = CallerLookup(store, NumberPolicy("US"), default_opener_templates())
stack = PopupStack(prebuilt=1, picker_factory=lambda parent: CandidatePicker(lookup, parent))
popup = stack.show(lookup.card_for("+14155550199", "PDX WIRELESS"), "call-1")
QTest.qWait(200)
popup.open_picker()
QTest.qWait(500)
picker = popup.findChild(CandidatePicker)
dismiss = popup.findChild(QWidget, "dismiss")
area = popup.screen().availableGeometry()
card = popup.frameGeometry()
buttons = dismiss.mapToGlobal(QPoint(0, dismiss.height())).y()
print(json.dumps({"screen": [area.width(), area.height()], "inside": area.contains(card),
                  "buttons_in_card": buttons <= card.bottom(), "guesses": picker.shown_ids(),
                  "list_scrolls": picker.list.verticalScrollBar().maximum() > 0}))
if len(sys.argv) > 2:
    popup.grab().save(sys.argv[2])
stack.dismiss_all()
"""


@pytest.mark.xvfb
def test_who_is_it_with_three_guesses_stays_inside_a_2x_screen(tmp_path: Path) -> None:
    """Used as a rep at 2x on a 1600x1000 laptop: Who is it? with three guesses grew the card
    past the screen's bottom edge (485 px of 500), its buttons cut. The guesses show fewer
    at once (the list scrolls) and the card stays inside the screen's available area."""
    shots = REPO / "artifacts" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    with private_x_server("1600x1000x24") as display:
        done = subprocess.run(
            [PYTHON, "-c", WHO_IS_IT_AT_2X, str(tmp_path / "cc.sqlite3"),
             str(shots / "who_is_it_three_guesses_2x.png")], cwd=REPO,
            capture_output=True, text=True, timeout=90, check=False,
            env=python_env(DISPLAY=display, QT_QPA_PLATFORM="xcb", QT_SCALE_FACTOR="2"),
        )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.splitlines()[-1])
    assert report["screen"] == [800, 500]
    assert len(report["guesses"]) == 3  # all still there, one scroll away
    assert report["inside"] and report["buttons_in_card"], report
    assert report["list_scrolls"]


@pytest.mark.parametrize("how", ["link", "new"])
def test_a_number_from_a_sip_caller_id_is_kept_as_people_write_it(
    qtbot: QtBot, lookup: CallerLookup, how: str, new_stack: Callable[..., PopupStack]
) -> None:
    """Used as a rep with baresip: the contact kept "sip:+13125550193@127.0.0.1:5994;user=phone",
    the caller's address and all, as the number its view showed and Edit offered."""
    stack = new_stack(lookup)
    sip = "sip:+13125550193@127.0.0.1:5994;user=phone"
    popup = stack.show(lookup.card_for(sip, "MIKE K" if how == "link" else "ROSA DELGADO"), "c")
    qtbot.addWidget(popup)
    popup.open_picker()
    picker = popup.findChild(CandidatePicker)
    assert picker is not None
    if how == "link":
        picker.name.setText("mike")
        picker.narrow()
        picker.list.setCurrentRow(0)
        picker.link_selected()
    else:
        picker.create_contact()
    [(contact, _)] = lookup.store.contacts_for_number("+13125550193")
    [kept] = [n for n in contact.numbers if n.e164 == "+13125550193"]
    assert (kept.raw, kept.label) == ("+1 312-555-0193", "from a call")


def test_who_is_it_links_a_colleagues_extension_or_saves_them(
    qtbot: QtBot, lookup: CallerLookup, new_stack: Callable[..., PopupStack]
) -> None:
    """An unknown caller at an internal extension ("3103"): the card offered no Who is it?,
    and the picker could link nothing without a phone number."""
    from desktop.adapters.call_history import CallHistory
    from desktop.core.events import CallEvent, CallState
    from desktop.core.ipc_line import hook_call_key

    caller = "sip:3103@pbx.office"
    CallHistory(lookup.store, lookup).record(CallEvent(
        "hook", Direction.IN, CallState.RINGING, caller, "", datetime.now(UTC),
        call_key=hook_call_key(caller), hook=True))  # fmt: skip
    stack = new_stack(lookup)
    card = lookup.card_for(caller)
    assert card.match is MatchTier.NONE
    popup = stack.show(card, "call-3103")
    qtbot.addWidget(popup)
    identify = popup.findChild(QWidget, "identify")
    assert identify is not None and not identify.isHidden()
    popup.open_picker()
    picker = popup.findChild(CandidatePicker)
    assert picker is not None and picker.new_button.isEnabled()
    picker.name.setText("anna")
    picker.narrow()
    [anna] = picker.shown_ids()
    with qtbot.waitSignal(stack.caller_identified):
        picker.link_selected()
    assert picker.status.text() == "Saved x3103 on Anna Berg."
    again = lookup.card_for("3103")
    assert again.match is MatchTier.EXACT and again.contacts[0].id == anna
    contact = lookup.store.contact(anna)
    assert contact is not None
    assert [(n.raw, n.extension) for n in contact.numbers if n.is_internal] == [
        ("x3103", "3103")]  # fmt: skip
    from_3103 = [c for c in lookup.store.calls() if c.attempt.caller_id]
    assert [c.contact.id if c.contact else None for c in from_3103] == [anna]  # hers now

    # Nobody yet at 3199: a new contact with the extension
    popup = stack.show(lookup.card_for("3199"), "call-3199")
    qtbot.addWidget(popup)
    popup.open_picker()
    picker = popup.findChild(CandidatePicker)
    assert picker is not None
    picker.name.setText("Bea Lund")
    with qtbot.waitSignal(stack.caller_identified):
        picker.create_contact()
    found = lookup.card_for("sip:3199@pbx")
    assert found.match is MatchTier.EXACT and found.contacts[0].name == "Bea Lund"


def test_new_contact_anyway_is_armed_only_for_the_offer_it_was_shown_with(
    qtbot: QtBot, lookup: CallerLookup, new_stack: Callable[..., PopupStack]
) -> None:
    """Someone got the number while Who is it? was open: New contact offers them first, and
    the next click makes the contact anyway. Typing another name after that is another
    question: the list shows that name's guesses, and a click made 'Raj' a second contact on
    the number without a word, under a list no longer showing who has it."""
    stack = new_stack(lookup)
    popup = stack.show(lookup.card_for(UNKNOWN, "PRIYA N"), "call-7")
    qtbot.addWidget(popup)
    popup.open_picker()
    picker = popup.findChild(CandidatePicker)
    assert picker is not None
    priya = lookup.store.add_contact(NewContact(
        "Priya Natarajan", numbers=(StoredNumber("+1 415 555 0199", UNKNOWN),)))  # fmt: skip
    picker.create_contact()
    assert picker.new_button.text() == "New contact anyway"
    assert picker.shown_ids() == [priya]

    picker.name.setText("Raj")
    picker.narrow()
    assert picker.new_button.text() == "New contact", "the offer went with the list"
    assert "already" not in picker.status.text()
    picker.create_contact()  # offered again, not made
    assert [c.name for c, _ in lookup.store.contacts_for_number(UNKNOWN)] == ["Priya Natarajan"]
    assert picker.shown_ids() == [priya] and picker.new_button.text() == "New contact anyway"

    # The same offer, answered: made, as the rep asked.
    with qtbot.waitSignal(picker.created):
        picker.create_contact()
    assert sorted(c.name for c, _ in lookup.store.contacts_for_number(UNKNOWN)) == [
        "Priya Natarajan", "Raj"]
    stack.close_for_call("call-7")


def test_new_contact_anyway_offers_again_when_the_number_changed_hands_since(
    qtbot: QtBot, lookup: CallerLookup, new_stack: Callable[..., PopupStack]
) -> None:
    """The offer named Priya; an import gave the number to Raj too before the click: the rep
    is shown who has it now, rather than a contact made past an offer they never saw."""
    stack = new_stack(lookup)
    popup = stack.show(lookup.card_for(UNKNOWN, "SAM"), "call-8")
    qtbot.addWidget(popup)
    popup.open_picker()
    picker = popup.findChild(CandidatePicker)
    assert picker is not None
    number = StoredNumber("+1 415 555 0199", UNKNOWN)
    priya = lookup.store.add_contact(NewContact("Priya Natarajan", numbers=(number,)))
    picker.create_contact()
    raj = lookup.store.add_contact(NewContact("Raj Natarajan", numbers=(number,)))
    picker.create_contact()
    assert sorted(picker.shown_ids()) == sorted([priya, raj])
    assert len(lookup.store.contacts_for_number(UNKNOWN)) == 2, "nothing made yet"
    with qtbot.waitSignal(picker.created):
        picker.create_contact()
    stack.close_for_call("call-8")

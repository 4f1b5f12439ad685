"""A call from a colleague's internal extension, said as their contact view says it: "x3103".
The card's Number said "3103" (beside phone numbers, a number cut short), Recent calls and
Search's call rows the caller ID as it came ('"Ana" <sip:3103@pbx.office>')."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from desktop.adapters.bundled import default_opener_templates
from desktop.adapters.call_history import CallHistory
from desktop.adapters.lookup import CallerLookup
from desktop.adapters.store import NewContact, Store
from desktop.core.call_summary import call_line as summary_call_line
from desktop.core.card_text import card_lines, card_number
from desktop.core.events import CallEvent, CallState
from desktop.core.ipc_line import hook_call_key
from desktop.core.models import Direction, StoredNumber
from desktop.core.numbers import NumberPolicy
from desktop.qt.call_list import CallList, call_row
from desktop.qt.popup import Popup
from desktop.qt.search_window import call_lines
from desktop.qt.wrap_up import who_line

NOW = datetime.now(UTC).replace(microsecond=0)
NUMBER = 3  # Recent calls' Number column

pytestmark = pytest.mark.qt_log_ignore(
    r"This plugin does not support (raise|propagateSizeHints)\(\)"
)


@pytest.fixture
def lookup(tmp_path: Path) -> Iterator[CallerLookup]:
    store = Store.open(tmp_path / "cc.sqlite3")
    store.add_contact(NewContact("Ana Silva", company="Kestrel Logistics", numbers=(
        StoredNumber("3103", None, "3103", "work"),)))  # fmt: skip
    yield CallerLookup(store, NumberPolicy("US"), default_opener_templates())
    store.close()


def ring(lookup: CallerLookup, caller_id: str, at: datetime) -> None:
    event = CallEvent("hook", Direction.IN, CallState.RINGING, caller_id, "", at,
                      call_key=hook_call_key(caller_id), hook=True)  # fmt: skip
    assert CallHistory(lookup.store, lookup).record(event) is not None


def test_the_card_says_the_extension(qtbot: QtBot, lookup: CallerLookup) -> None:
    card = lookup.card_for("sip:3103@pbx")
    assert card_number(card) == "x3103"
    assert "x3103 · Exact number" in card_lines(card)
    popup = Popup()
    qtbot.addWidget(popup)
    with qtbot.waitSignal(popup.painted, timeout=3000):
        popup.show_card(card, "call-1")
    shown = popup.shown_texts()
    assert "Ana Silva" in shown and "x3103" in shown, shown
    assert "3103" not in shown and "sip:3103@pbx" not in shown

    # Nobody at an extension: the unknown caller's card names it the same way.
    stranger = lookup.card_for("3199")
    assert card_number(stranger) == "x3199" and card_lines(stranger)[0] == "x3199"
    # An outside number and text that is no extension are as before.
    assert card_number(lookup.card_for("+1 415 555 3103")) == "+1 415-555-3103"
    assert card_number(lookup.card_for("555-01")) == "555-01"


def test_recent_calls_and_search_say_the_extension(lookup: CallerLookup) -> None:
    ring(lookup, '"Ana" <sip:3103@pbx.office>', NOW - timedelta(hours=2))
    ring(lookup, "sip:3199@pbx.office", NOW - timedelta(hours=1))
    ring(lookup, "Reception", NOW - timedelta(minutes=30))
    calls = lookup.store.calls()
    rows = [call_row(c.attempt, c.contact, NOW) for c in calls]
    assert [(r[2], r[NUMBER]) for r in rows] == [
        ("Unknown", "Reception"), ("x3199", "x3199"), ("Ana Silva", "x3103")]
    said = [" · ".join(call_lines(c, NOW)).split(" · rang")[0] for c in calls]
    assert said == ["Unknown · Reception", "x3199", "Ana Silva · Kestrel Logistics · x3103"]


def test_a_call_out_to_an_extension_is_said_as_the_calls_in_from_it(lookup: CallerLookup) -> None:
    """h-rep6: a call out to 3103 (a dialer's note, log-call) was 'Unknown · x3103' in Recent
    calls and Search, beside 'Front desk (caller ID) · x3103' for the calls in from it: the
    colleague who has the extension, else the extension as their card names it."""
    from desktop.core.models import Attempt, Outcome

    ring(lookup, '"Front desk" <sip:3199@pbx.office>', NOW - timedelta(hours=2))
    ana = lookup.card_for("3103").contacts[0].id
    for contact_id, extension, minutes in ((None, "3199", 30), (ana, "3103", 20)):
        out = Attempt(Direction.OUT, NOW - timedelta(minutes=minutes), Outcome.TALKED,
                      caller_id=extension)  # fmt: skip
        assert lookup.store.record_call(contact_id, out, "call-note", f"note-{extension}")
    calls = lookup.store.calls()
    rows = [call_row(c.attempt, c.contact, NOW) for c in calls]
    assert [(r[1], r[2], r[NUMBER]) for r in rows] == [
        ("Out", "Ana Silva", "x3103"), ("Out", "x3199", "x3199"),
        ("In", "Front desk (caller ID)", "x3199")]
    lines = [call_lines(c, NOW) for c in calls]
    assert [line[0] for line in lines] == ["Ana Silva · Kestrel Logistics", "x3199",
                                           "Front desk (caller ID)"]
    # Search's second line says the extension once, not again after its name.
    assert lines[1][1].startswith("you called today"), lines[1]
    assert summary_call_line(calls[1].attempt, None, NOW).startswith("x3199 · you called ")


def test_recent_calls_say_todays_calls_as_the_card_does(lookup: CallerLookup) -> None:
    """Recent calls dated a call of today 'Mon 7 Dec 19:29' where its card said 'Today 19:29'."""
    now = datetime.now().astimezone().replace(hour=19, minute=40, second=0, microsecond=0)
    ring(lookup, "sip:3103@pbx", now - timedelta(minutes=11))
    ring(lookup, "sip:3103@pbx", now - timedelta(days=3, minutes=11))
    calls = lookup.store.calls()
    whens = [call_row(c.attempt, c.contact, now)[0] for c in calls]
    assert whens[0] == "Today 19:29"
    earlier = (now - timedelta(days=3)).strftime("%a %-d %b")
    assert whens[1] == f"{earlier} 19:29"


def test_the_wrap_up_callbacks_and_copy_say_the_extension(
    qtbot: QtBot, lookup: CallerLookup
) -> None:
    """The wrap-up, Callbacks' line and Recent calls' Copy number said 'sip:3199@pbx.office'
    as it came, where every list says 'x3199'; Copy now gives what a rep can dial."""
    ring(lookup, "sip:3199@pbx.office", NOW - timedelta(minutes=5))
    [call] = lookup.store.calls()
    assert who_line(None, call.attempt) == "x3199"
    assert summary_call_line(call.attempt, None, NOW).startswith("x3199 · rang ")
    window = CallList(lookup.store.calls, clock=lambda: NOW)
    qtbot.addWidget(window)
    window.open()
    window.table.setCurrentItem(window.table.topLevelItem(0))
    window.copy.click()
    assert QGuiApplication.clipboard().text() == "3199"
    assert window.status.text() == "Copied 3199"
    window.close()


def test_recent_calls_who_is_it_gives_an_extension_to_a_colleague(
    qtbot: QtBot, lookup: CallerLookup
) -> None:
    """A call from 3199, whom nobody has: Who is it? was greyed out, as for a withheld call."""
    from desktop.qt.who_is_it import WhoIsItWindow

    ring(lookup, "sip:3199@pbx.office", NOW - timedelta(minutes=5))
    window = CallList(lookup.store.calls, clock=lambda: NOW)
    qtbot.addWidget(window)
    window.open()
    window.table.setCurrentItem(window.table.topLevelItem(0))
    assert window.open_button.text() == "Who is it?" and window.open_button.isEnabled()
    with qtbot.waitSignal(window.search_requested) as asked:
        window.open_button.click()
    who = WhoIsItWindow(lookup, asked.args[0])
    qtbot.addWidget(who)
    assert who.title.text() == "Who called from x3199?"
    who.picker.name.setText("Ana")
    who.picker.narrow()
    [ana_id] = who.picker.shown_ids()
    with qtbot.waitSignal(who.settled):
        who.picker.link_selected()
    assert lookup.card_for("3199").contacts[0].id == ana_id
    window.reload()
    window.table.setCurrentItem(window.table.topLevelItem(0))
    assert window.table.topLevelItem(0).text(2) == "Ana Silva"  # type: ignore[union-attr]
    window.close()
    who.close()


def test_recent_calls_call_an_extension_back_as_its_missed_card_does(
    qtbot: QtBot, lookup: CallerLookup
) -> None:
    """Call back was greyed out on a call from x3199 while the card beside it offered it: the
    office PBX connects the extension's digits. A caller ID that is no extension still has
    nothing to dial."""
    ring(lookup, "Reception", NOW - timedelta(minutes=9))
    ring(lookup, "sip:3199@pbx.office", NOW - timedelta(minutes=5))
    window = CallList(lookup.store.calls, clock=lambda: NOW)
    qtbot.addWidget(window)
    window.open()
    extension, reception = (window.table.topLevelItem(i) for i in range(2))
    window.table.setCurrentItem(reception)
    assert not window.call.isEnabled()
    window.table.setCurrentItem(extension)
    assert window.call.isEnabled() and "Call x3199" in window.call.toolTip()
    dialled: list[str] = []
    window.dial = lambda number, asked=False: dialled.append(number)  # type: ignore[method-assign]
    window.call.click()
    assert dialled == ["3199"]
    window.close()

"""The search window: search as you type over a real store, keyboard first.

Also runnable as a child process on a real X display, for the screenshot:
    python -m tests.qt.test_search_window screenshot OUT.png
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from desktop.adapters.lookup import CallerLookup
from desktop.adapters.store import SEARCH_LIMIT, NewContact, Store
from desktop.core.models import Attempt, Direction, Outcome, StoredNumber
from desktop.core.numbers import NumberPolicy
from desktop.core.search_query import parse_query
from desktop.qt.candidate_picker import CandidatePicker
from desktop.qt.search_window import SearchWindow
from tests.conftest import PYTHON, REPO, python_env

NOW = datetime.now(UTC).replace(microsecond=0)
SHOTS = REPO / "artifacts" / "screenshots"


def fill(store: Store) -> dict[str, int]:
    """A small book with the people the screenshots and tests need; returns ids by name."""
    people = [
        ("Mike Kowalski", "VP Operations", "Harbor Freight Logistics", "+14155550142", 2,
         "the freight-audit proposal I sent last week", "Harley Smith"),
        ("Mike Brennan", "Procurement Manager", "Acme Tooling", "+13125550178", 1,
         "their Q3 tooling tender", ""),
        ("Mikhail Orlov", "Head of Logistics", "Nordwind Cargo GmbH", "+493090182044", 40,
         "", ""),
        ("Michelle Tan", "Office Manager", "Summit Dental", "+61291234567", None,
         "", ""),
        ("Anna Berg", "CFO", "Nordic AB", "+46812345678", 5,
         "renewal before March", ""),
        ("<b>Mika</b> & Co", "", "", "+442079460321", None, "", ""),
    ]  # fmt: skip
    ids = {}
    with store.transaction():
        for name, title, company, number, days, reason, referral in people:
            attempts: tuple[Attempt, ...] = ()
            if days is not None:
                at = NOW - timedelta(days=days)
                attempts = (Attempt(Direction.OUT, at, Outcome.VOICEMAIL, number_e164=number),)
            ids[name] = store.add_contact(NewContact(
                name, title=title, company=company, reason=reason, referred_by=referral,
                notes="met Mike at the trade fair" if name == "Anna Berg" else "",
                numbers=(StoredNumber(number, number),), attempts=attempts,
            ))  # fmt: skip
    return ids


@pytest.fixture
def book(tmp_path: Path) -> Iterator[tuple[Store, dict[str, int]]]:
    store = Store.open(tmp_path / "cc.sqlite3")
    ids = fill(store)
    yield store, ids
    store.close()


@pytest.fixture
def window(qtbot: QtBot, book: tuple[Store, dict[str, int]]) -> SearchWindow:
    store, _ids = book
    w = SearchWindow(lambda q: store.search(q, now=NOW), clock=lambda: NOW)
    qtbot.addWidget(w)
    w.open()
    return w


def typed(qtbot: QtBot, window: SearchWindow, text: str) -> None:
    window.query.clear()
    qtbot.keyClicks(window.query, text)
    qtbot.waitUntil(lambda: not window._timer.isActive(), timeout=1000)


def test_typing_narrows_the_results_keystroke_by_keystroke(
    qtbot: QtBot, window: SearchWindow, book: tuple[Store, dict[str, int]]
) -> None:
    _store, ids = book
    typed(qtbot, window, "m")
    assert len(window.result_ids()) == 6
    typed(qtbot, window, "mik")
    assert set(window.result_ids()) == {
        ids["Mike Kowalski"], ids["Mike Brennan"], ids["Mikhail Orlov"], ids["<b>Mika</b> & Co"],
        ids["Anna Berg"],  # "met Mike at the trade fair"
    }
    typed(qtbot, window, "mike 415")
    assert window.result_ids() == [ids["Mike Kowalski"]]
    assert window.status.text() == "1 found"
    typed(qtbot, window, "0178")
    assert window.result_ids() == [ids["Mike Brennan"]]


def test_more_people_than_shown_says_so(qtbot: QtBot, tmp_path: Path) -> None:
    """In a 100,000-contact book "mike" said "30 found": the best 30 of thousands."""
    store = Store.open(tmp_path / "cc.sqlite3")
    with store.transaction():
        for i in range(SEARCH_LIMIT + 5):
            number = f"+1415555{i:04d}"
            store.add_contact(NewContact(f"Mike Number{i}",
                                         numbers=(StoredNumber(number, number),)))  # fmt: skip
    w = SearchWindow(lambda q: store.search(q, now=NOW), clock=lambda: NOW)
    qtbot.addWidget(w)
    w.open()
    typed(qtbot, w, "mike")
    assert len(w.result_ids()) == SEARCH_LIMIT
    assert w.status.text() == f"{SEARCH_LIMIT} shown; more may match"
    typed(qtbot, w, "mike number3")
    assert w.status.text() == "6 found"  # Number3, Number30…Number34
    store.close()


def test_arrows_choose_enter_opens_and_escape_closes(
    qtbot: QtBot, window: SearchWindow
) -> None:
    typed(qtbot, window, "mike")
    first, second = window.result_ids()[:2]
    assert window.results.currentRow() == 0
    qtbot.keyClick(window.query, Qt.Key.Key_Down)
    assert window.results.currentRow() == 1
    with qtbot.waitSignal(window.contact_chosen) as chosen:
        qtbot.keyClick(window.query, Qt.Key.Key_Return)
    assert chosen.args == [second]
    qtbot.keyClick(window.query, Qt.Key.Key_Up)
    qtbot.keyClick(window.query, Qt.Key.Key_Up)  # stays on the first
    with qtbot.waitSignal(window.contact_chosen) as chosen:
        qtbot.keyClick(window.query, Qt.Key.Key_Enter)
    assert chosen.args == [first]
    assert window.query.hasFocus() or not window.isActiveWindow()
    qtbot.keyClick(window.query, Qt.Key.Key_Escape)
    assert not window.isVisible()


def test_filters_narrow_without_typing(
    qtbot: QtBot, window: SearchWindow, book: tuple[Store, dict[str, int]]
) -> None:
    _store, ids = book
    window.recent.setChecked(True)
    window.days.setValue(3)
    assert set(window.result_ids()) == {ids["Mike Kowalski"], ids["Mike Brennan"]}
    window.recent.setChecked(False)
    window.referral.setChecked(True)
    assert window.result_ids() == [ids["Mike Kowalski"]]
    window.referral.setChecked(False)
    window.awaiting.setChecked(True)
    assert window.result_ids()[:2] == [ids["Mike Brennan"], ids["Mike Kowalski"]]
    typed(qtbot, window, "anna")
    assert window.result_ids() == [ids["Anna Berg"]]


@pytest.mark.parametrize(
    "text", ['"', "NEAR(", "mike)", "-", "*", "x" * 10_000, "😀", "מייק", "41"]
)
def test_odd_input_shows_a_message_not_an_error(
    qtbot: QtBot, window: SearchWindow, text: str
) -> None:
    window.query.setText(text)
    window.run_search()
    assert window.status.text()
    assert window.status.textFormat() == Qt.TextFormat.PlainText
    assert "failed" not in window.status.text()


def test_names_that_look_like_markup_are_shown_literally(
    qtbot: QtBot, window: SearchWindow
) -> None:
    typed(qtbot, window, "mika")
    [item] = [window.results.item(i) for i in range(window.results.count())]
    assert item.data(Qt.ItemDataRole.UserRole + 1) == "<b>Mika</b> & Co"


# -- calls under the people ------------------------------------------------------------------------

MIKE_CELL = "+14155550177"  # in nobody's book


def log_calls(store: Store) -> None:
    """Unknown callers (two whose caller ID gave a name, one in markup), a withheld one."""
    m, d = timedelta(minutes=1), timedelta(days=1)
    for i, (number, ago, name) in enumerate([
        (MIKE_CELL, 3 * d, "MIKE CELL"), (MIKE_CELL, 90 * m, "MIKE CELL"),
        ("+12125550190", 9 * d, "<b>MIKHAIL</b> O"), ("+12065550123", 30 * m, "NORTHWIND HLTH"),
        (None, 20 * m, ""),
    ]):  # fmt: skip
        attempt = Attempt(Direction.IN, NOW - ago, Outcome.MISSED, number_e164=number,
                          caller_name=name)  # fmt: skip
        store.record_call(None, attempt, "twinkle", f"k{i}")


@pytest.fixture
def calls_window(qtbot: QtBot, book: tuple[Store, dict[str, int]]) -> SearchWindow:
    from desktop.adapters.people_search import search_calls, search_people

    store, _ids = book
    log_calls(store)
    w = SearchWindow(lambda q: search_people(store, q, now=NOW), clock=lambda: NOW,
                     calls=lambda q, hits: search_calls(store, q, hits, now=NOW))  # fmt: skip
    qtbot.addWidget(w)
    w.open()
    return w


def test_a_call_row_shows_what_happened_and_when_behind_a_long_caller_id_name(
    qtbot: QtBot, calls_window: SearchWindow, book: tuple[Store, dict[str, int]]
) -> None:
    # Seen in the app: "Mike Brennan (caller ID: BRENNAN M) · Acme Tooling · +1 312-555-0178
    # · missed t…": the row's point, when and how the call went, was the part cut off.
    store, _ids = book
    long_name = "MIKE AT THE REGIONAL PROCUREMENT OFFICE"
    attempt = Attempt(Direction.IN, NOW - timedelta(minutes=5), Outcome.MISSED,
                      number_e164="+14155550166", caller_name=long_name)  # fmt: skip
    store.record_call(None, attempt, "twinkle", "long-name")
    window = calls_window
    window.resize(window.minimumWidth(), 560)  # as narrow as the window goes
    typed(qtbot, window, "mike")

    rows, shown = window.call_rows(), window.shown_call_rows()
    assert any(long_name in row for row in rows)
    for row, painted in zip(rows, shown, strict=True):
        outcome = row.split(" · ")[-1]  # "missed today 14:55"
        assert painted.endswith(" · " + outcome), (row, painted)
    # A row that fits keeps its number.
    assert "· +1 415-555-0177 · missed " in " | ".join(shown)


def test_calls_are_listed_under_the_people_by_caller_id_name_and_number(
    qtbot: QtBot, calls_window: SearchWindow, book: tuple[Store, dict[str, int]]
) -> None:
    _store, ids = book
    window = calls_window
    typed(qtbot, window, "mike")
    assert window.result_ids()[:2] == [ids["Mike Brennan"], ids["Mike Kowalski"]]
    assert window.calls_heading() == "Calls · newest first"
    rows = window.call_rows()
    # Newest first: the unknown caller's two misses, and the Mikes' calls (not Anna's: her
    # notes name a Mike, her calls are not with one)
    assert [r.split(" · ")[0] for r in rows] == [
        "MIKE CELL (caller ID)", "Mike Brennan", "Mike Kowalski", "MIKE CELL (caller ID)"]
    assert rows[0].startswith("MIKE CELL (caller ID) · +1 415-555-0177 · missed ")
    assert rows[1].startswith("Mike Brennan · Acme Tooling · +1 312-555-0178 · voicemail left ")
    assert window.status.text() == "3 found · 4 calls"

    typed(qtbot, window, "mik")  # a caller ID's name is shown as it came, never as markup
    assert "<b>MIKHAIL</b> O (caller ID) · +1 212-555-0190 · missed " in " | ".join(
        window.call_rows())
    window.recent.setChecked(True)  # "all the Mikes this week"
    assert window.calls_heading() == "Calls in the last 7 days · newest first"
    assert not any("MIKHAIL" in r for r in window.call_rows())  # 9 days ago

    typed(qtbot, window, "0177")  # a few digits of the number
    assert window.result_ids() == []
    assert [r.split(" · ")[1] for r in window.call_rows()] == ["+1 415-555-0177"] * 2
    assert window.status.text() == "no one found · 2 calls"  # no person: the calls have one
    window.recent.setChecked(False)
    typed(qtbot, window, "northwind")
    assert window.call_rows()[0].startswith("NORTHWIND HLTH (caller ID) · +1 206-555-0123")
    typed(qtbot, window, "zed")  # nothing at all: no empty Calls heading
    assert window.calls_heading() == "" and not window.call.isVisible()


def test_a_call_is_chosen_with_the_keys_and_called_back(
    qtbot: QtBot, calls_window: SearchWindow, book: tuple[Store, dict[str, int]]
) -> None:
    from desktop.adapters.dialing import DialPlacer
    from desktop.core.business_hours import TheirClock
    from desktop.core.dialers import Dialer
    from desktop.qt.bridge import ThreadBridge
    from desktop.qt.click_to_call import ClickToCall, PlacedCall
    from tests.adapters.test_dialing import NOWHERE, CtrlTcpAnswerer

    _store, ids = book
    window = calls_window
    typed(qtbot, window, "mike")
    people = len(window.result_ids())
    # A person is chosen: Call back calls their number
    assert window.call.isVisible() and window.call.isEnabled()
    assert window.selected_number() == "+13125550178"
    for _ in range(people):
        qtbot.keyClick(window.query, Qt.Key.Key_Down)  # past the Calls heading
    assert window.results.currentRow() == people + 1
    assert window.selected_number() == MIKE_CELL and window.call.isEnabled()
    qtbot.keyClick(window.query, Qt.Key.Key_Return)  # nobody has it: nothing to open
    assert window.status.text() == "Nobody has +1 415-555-0177: Call back calls it."
    qtbot.keyClick(window.query, Qt.Key.Key_Up)  # back over the heading, to the people
    assert window.results.currentRow() == people - 1
    qtbot.keyClick(window.query, Qt.Key.Key_Down)
    qtbot.keyClick(window.query, Qt.Key.Key_Down)  # Mike Brennan's call: Enter opens him
    with qtbot.waitSignal(window.contact_chosen) as chosen:
        qtbot.keyClick(window.query, Qt.Key.Key_Return)
    assert chosen.args == [ids["Mike Brennan"]]

    qtbot.keyClick(window.query, Qt.Key.Key_Up)
    baresip = CtrlTcpAnswerer()
    bridge = ThreadBridge()
    try:
        placer = DialPlacer(search_path=NOWHERE, baresip_address=("127.0.0.1", baresip.port))
        daytime = TheirClock("10:30", "", several_zones=False)
        window.placer = ClickToCall(placer, lambda: Dialer.BARESIP, lambda _: daytime,
                                    on_main=bridge.call_from_thread)  # fmt: skip
        with qtbot.waitSignal(window.placer.placed, timeout=10_000) as placed:
            qtbot.mouseClick(window.call, Qt.MouseButton.LeftButton)
    finally:
        baresip.close()
    call = placed.args[0]
    assert isinstance(call, PlacedCall) and call.e164 == MIKE_CELL
    assert call.contact_id is None  # nobody has it
    assert [c["params"] for c in baresip.commands] == [MIKE_CELL]
    assert window.status.text() == "Calling with baresip: +1 415-555-0177"


def test_a_chosen_person_is_called_back_on_their_number_or_told_why_not(
    qtbot: QtBot, calls_window: SearchWindow, book: tuple[Store, dict[str, int]]
) -> None:
    """Call back was greyed out on a person's row, with "Choose a call to call back"."""
    from desktop.adapters.dialing import DialPlacer
    from desktop.core.business_hours import TheirClock
    from desktop.core.dialers import Dialer
    from desktop.qt.bridge import ThreadBridge
    from desktop.qt.click_to_call import ClickToCall
    from tests.adapters.test_dialing import NOWHERE, CtrlTcpAnswerer

    store, ids = book
    nobody = store.add_contact(NewContact("Mike Numberless", company="Walk-in"))
    window = calls_window
    typed(qtbot, window, "mike")
    assert window.result_ids()[0] == ids["Mike Brennan"] and window.call.isEnabled()
    baresip = CtrlTcpAnswerer()
    bridge = ThreadBridge()
    try:
        placer = DialPlacer(search_path=NOWHERE, baresip_address=("127.0.0.1", baresip.port))
        daytime = TheirClock("10:30", "", several_zones=False)
        window.placer = ClickToCall(placer, lambda: Dialer.BARESIP, lambda _: daytime,
                                    on_main=bridge.call_from_thread)  # fmt: skip
        with qtbot.waitSignal(window.placer.placed, timeout=10_000) as placed:
            qtbot.mouseClick(window.call, Qt.MouseButton.LeftButton)
    finally:
        baresip.close()
    assert [c["params"] for c in baresip.commands] == ["+13125550178"]
    # For the person chosen: a number others share too is called for them (core/callee.py).
    assert placed.args[0].contact_id == ids["Mike Brennan"]

    window.results.setCurrentRow(window.result_ids().index(nobody))
    assert not window.call.isEnabled()
    assert "Mike Numberless has no number that can be dialled" in window.call.toolTip()


def test_at_its_narrowest_the_filters_are_whole(
    qtbot: QtBot, calls_window: SearchWindow
) -> None:
    window = calls_window
    window.resize(window.minimumWidth(), window.minimumHeight())
    qtbot.waitUntil(lambda: window.width() == window.minimumWidth())
    for box in (window.recent, window.awaiting, window.referral):
        assert box.width() >= box.sizeHint().width(), box.text()


@pytest.mark.xvfb
def test_on_a_real_display_unknown_callers_show_in_callbacks_and_search(
    xvfb_display: str,
) -> None:
    result = subprocess.run(
        [PYTHON, "-m", "tests.qt.show_calls_demo", str(SHOTS)],
        env=python_env(DISPLAY=xvfb_display, QT_QPA_PLATFORM="xcb"),
        cwd=REPO, capture_output=True, text=True, timeout=90, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["platform"] == "xcb"
    assert ["MIKE CELL (caller ID)", "+1 415-555-0177"] in [r[:2] for r in
                                                          report["callbacks_rows"]]  # fmt: skip
    assert report["calls_heading"] == "Calls · newest first" and report["call_button"]
    assert report["calls"][0].startswith("MIKE CELL (caller ID) · +1 415-555-0177 · missed ")
    assert report["callbacks_colours"] > 20 and report["search_colours"] > 20
    for name in ("calls-callbacks.png", "calls-search.png"):
        assert (SHOTS / name).stat().st_size > 5000


# -- the popup's candidate picker ---------------------------------------------------------------


@pytest.fixture
def picker_book(tmp_path: Path) -> Iterator[CallerLookup]:
    store = Store.open(tmp_path / "picker.sqlite3")
    picker_people(store)
    yield CallerLookup(store, NumberPolicy("US"), {})
    store.close()


def picker_people(store: Store) -> None:
    def person(name: str, company: str, number: str, days: float | None) -> None:
        attempts: tuple[Attempt, ...] = ()
        if days is not None:
            at = NOW - timedelta(days=days)
            attempts = (Attempt(Direction.OUT, at, Outcome.VOICEMAIL, number_e164=number),)
        store.add_contact(NewContact(name, company=company, numbers=(StoredNumber(number, number),),
                                     attempts=attempts))  # fmt: skip

    person("Mike Kowalski", "Harbor Freight", "+14155550142", 6)
    person("Mike Brennan", "Acme Tooling", "+13125550178", 1)
    person("Dana Whitfield", "Contoso", "+14155550100", 2)
    person("Raj Patel", "Contoso", "+14155550101", None)
    person("Anna Berg", "Nordic AB", "+46812345678", 3)


def picker_for(qtbot: QtBot, lookup: CallerLookup, caller_id: str) -> CandidatePicker:
    picker = CandidatePicker(lookup, clock=lambda: NOW)
    qtbot.addWidget(picker)
    picker.set_card(lookup.card_for(caller_id, now=NOW))
    picker.show()
    return picker


def names_in(picker: CandidatePicker, lookup: CallerLookup) -> list[str]:
    out = []
    for cid in picker.shown_ids():
        contact = lookup.store.contact(cid)
        assert contact is not None
        out.append(contact.name)
    return out


def test_the_picker_narrows_candidates_as_the_caller_says_their_name(
    qtbot: QtBot, picker_book: CallerLookup
) -> None:
    picker = picker_for(qtbot, picker_book, "+1 415 555 0199")
    # Same 100-block as the caller; Dana and Mike also had our voicemail lately.
    assert names_in(picker, picker_book) == ["Dana Whitfield", "Mike Kowalski", "Raj Patel"]
    qtbot.keyClicks(picker.name, "mi")
    qtbot.waitUntil(lambda: not picker._timer.isActive(), timeout=1000)
    assert names_in(picker, picker_book) == ["Mike Kowalski", "Mike Brennan"]
    qtbot.keyClicks(picker.name, "ke b")
    qtbot.waitUntil(lambda: not picker._timer.isActive(), timeout=1000)
    assert names_in(picker, picker_book) == ["Mike Brennan"]
    picker.name.clear()
    qtbot.keyClicks(picker.name, "zed")
    qtbot.waitUntil(lambda: not picker._timer.isActive(), timeout=1000)
    assert picker.shown_ids() == []
    assert picker.empty.text().startswith("No one called “zed”")


def test_linking_makes_the_next_call_from_that_number_match_exactly(
    qtbot: QtBot, picker_book: CallerLookup
) -> None:
    picker = picker_for(qtbot, picker_book, "+1 415 555 0199")
    qtbot.keyClicks(picker.name, "mike")
    qtbot.keyClick(picker.name, Qt.Key.Key_Down)
    qtbot.keyClick(picker.name, Qt.Key.Key_Up)
    with qtbot.waitSignal(picker.linked) as linked:
        qtbot.keyClick(picker.name, Qt.Key.Key_Return)
    card = picker_book.card_for("+1 415 555 0199")
    assert card.match.value == "exact"
    assert [c.id for c in card.contacts] == linked.args
    assert card.contacts[0].name == "Mike Kowalski"


def test_a_new_contact_carries_the_note_and_the_call(
    qtbot: QtBot, picker_book: CallerLookup
) -> None:
    store = picker_book.store
    store.add_attempt(None, Attempt(Direction.IN, NOW - timedelta(minutes=2),
                                    number_e164="+12125550123"))  # fmt: skip
    picker = picker_for(qtbot, picker_book, "+1 212 555 0123")
    assert picker.shown_ids() == []
    qtbot.keyClicks(picker.name, "Zed Newman")
    picker.note.setPlainText("Wants pricing for 40 seats")
    with qtbot.waitSignal(picker.created) as created:
        qtbot.mouseClick(picker.new_button, Qt.MouseButton.LeftButton)
    contact = store.contact(created.args[0])
    assert contact is not None
    assert (contact.name, contact.notes) == ("Zed Newman", "Wants pricing for 40 seats")
    assert [a.direction for a in contact.attempts] == [Direction.IN], "the call came along"
    assert picker_book.card_for("+1 212 555 0123").contacts[0].id == contact.id
    assert [h.contact.id for h in store.search(parse_query("pricing"))] == [contact.id]


def test_a_withheld_caller_offers_nothing_to_link(qtbot: QtBot, picker_book: CallerLookup) -> None:
    picker = picker_for(qtbot, picker_book, "anonymous")
    assert not picker.isEnabled()


def test_screenshot_on_a_real_display(xvfb_display: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    out = SHOTS / "search_window.png"
    env = python_env(DISPLAY=xvfb_display, QT_QPA_PLATFORM="xcb")
    done = subprocess.run(
        [PYTHON, "-m", "tests.qt.test_search_window", "screenshot", str(out)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["results"] >= 4
    assert report["width"] >= 420 and report["height"] >= 320
    assert out.stat().st_size > 10_000


def _screenshot(out: Path) -> int:
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "cc.sqlite3")
        fill(store)
        window = SearchWindow(lambda q: store.search(q, now=NOW), clock=lambda: NOW)
        window.open("mi")
        window.move(40, 40)
        deadline = datetime.now(UTC) + timedelta(seconds=5)
        while not window.isVisible() or not window.windowHandle().isExposed():
            app.processEvents()
            if datetime.now(UTC) > deadline:
                break
        app.processEvents()
        pixmap = window.grab()
        pixmap.save(str(out))
        print(json.dumps({"results": window.results.count(), "width": pixmap.width(),
                          "height": pixmap.height()}))  # fmt: skip
        store.close()
        # The picker as the popup would hold it (popup width), for whoever embeds it.
        store = Store.open(Path(tmp) / "picker.sqlite3")
        picker_people(store)
        lookup = CallerLookup(store, NumberPolicy("US"), {})
        frame = QWidget()
        frame.setFixedWidth(400)
        layout = QVBoxLayout(frame)
        picker = CandidatePicker(lookup, frame, clock=lambda: NOW)
        layout.addWidget(picker)
        picker.set_card(lookup.card_for("+1 415 555 0199", now=NOW))
        picker.name.setText("mike")
        picker.narrow()
        frame.show()
        app.processEvents()
        frame.grab().save(str(out.with_name("candidate_picker.png")))
        store.close()
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "screenshot":
        os.environ.setdefault("QT_QPA_PLATFORM", "xcb")
        raise SystemExit(_screenshot(Path(sys.argv[2])))
    raise SystemExit("usage: python -m tests.qt.test_search_window screenshot OUT.png")


def test_a_result_shows_a_callable_number_first_and_a_missed_caller_is_not_never_contacted(
) -> None:
    from desktop.core.models import Contact
    from desktop.core.search_query import SearchHit
    from desktop.qt.search_window import result_lines

    now = datetime(2026, 12, 6, 15, 0, tzinfo=UTC)
    called = Attempt(Direction.IN, now - timedelta(days=1), Outcome.MISSED,
                     number_e164="+4930901820")  # fmt: skip
    juergen = Contact(7, "Jürgen Schäfer", numbers=(
        StoredNumber("030", None), StoredNumber("030 901820", "+4930901820")),
        attempts=(called,))  # fmt: skip
    _who, details = result_lines(SearchHit(juergen, 1.0, ("name",)), now)
    # the one a Call button can dial; "and 1 more", where "(+1)" beside a German number read
    # as the US country code (used as a rep: "Ännchen Weiß · +49 30 90182011 (+1)")
    assert details.startswith("+49 30 901820 and 1 more · ")
    assert "missed their call yesterday 15:00" in details and "never contacted" not in details
    nobody = replace(juergen, attempts=())
    assert "never contacted" in result_lines(SearchHit(nobody, 1.0, ("name",)), now)[1]


def test_a_person_found_by_another_number_shows_that_number(
    qtbot: QtBot, calls_window: SearchWindow, book: tuple[Store, dict[str, int]]
) -> None:
    """Used as a rep: "0199" found Chris by his second number, and his row showed his first
    ("+1 303-555-0110 (+1)"), so why he was found was not on it; Call back dialled the first."""
    store, _ids = book
    chris = store.add_contact(NewContact("Chris Nguyen", company="Summit Partners", numbers=(
        StoredNumber("(303) 555-0110", "+13035550110"),
        StoredNumber("(312) 555-0199", "+13125550199", label="from a call"))))  # fmt: skip
    window = calls_window
    typed(qtbot, window, "312 555 0199")
    assert window.result_ids() == [chris]
    details = window.results.item(0).data(Qt.ItemDataRole.UserRole + 2)
    assert details.startswith("+1 312-555-0199 and 1 more · ")
    assert window.selected_number() == "+13125550199"
    typed(qtbot, window, "chris")  # found by name: the first number, as before
    assert window.results.item(0).data(Qt.ItemDataRole.UserRole + 2).startswith(
        "+1 303-555-0110 and 1 more · ")
    assert window.selected_number() == "+13035550110"


def test_a_german_rep_finds_a_mobile_by_its_0171(qtbot: QtBot, tmp_path: Path) -> None:
    """Used as a rep (home region DE): "0171" found nobody; Lena's mobile is stored from
    "+49 171 2345678". Found, her row shows that number, not her office's."""
    from desktop.adapters.people_search import at_home, search_calls, search_people

    store = Store.open(tmp_path / "de.sqlite3")
    lena = store.add_contact(NewContact("Lena Fischer", company="Alpenglow GmbH", numbers=(
        StoredNumber("+49 89 12345670", "+498912345670"),
        StoredNumber("+49 171 2345678", "+491712345678", label="mobile"))))  # fmt: skip
    window = SearchWindow(lambda q: search_people(store, q, now=NOW), clock=lambda: NOW,
                          calls=lambda q, hits: search_calls(store, q, hits, now=NOW),
                          home=lambda q: at_home(q, "DE"))  # fmt: skip
    qtbot.addWidget(window)
    window.open()
    typed(qtbot, window, "0171")
    assert window.result_ids() == [lena]
    assert window.results.item(0).data(Qt.ItemDataRole.UserRole + 2).startswith(
        "+49 171 2345678 and 1 more · ")
    assert window.selected_number() == "+491712345678"
    store.close()


def test_call_back_is_there_for_people_found_without_calls(
    qtbot: QtBot, calls_window: SearchWindow, book: tuple[Store, dict[str, int]]
) -> None:
    """Used as a rep: "Message left, no callback" listed Marcus and no Call back; the button
    came only with a Calls group."""
    store, _ids = book
    frank = store.add_contact(NewContact("Frank Miller", numbers=(
        StoredNumber("(414) 555-0102", "+14145550102"),)))  # fmt: skip
    window = calls_window
    typed(qtbot, window, "frank")
    assert window.result_ids() == [frank] and window.calls_heading() == ""
    assert window.call.isVisible() and window.call.isEnabled()
    assert window.selected_number() == "+14145550102"


def test_a_result_says_today_as_the_calls_under_it_do() -> None:
    """Used as a rep: "last contact Mon 7 Dec" on Jürgen's row, "answered today 10:26" on his
    call just under it."""
    from desktop.core.models import Contact
    from desktop.core.search_query import SearchHit
    from desktop.qt.search_window import result_lines

    now = datetime(2026, 12, 7, 10, 40, tzinfo=UTC)
    juergen = Contact(7, "Jürgen Schäfer", last_contacted=now - timedelta(minutes=14))
    _who, details = result_lines(SearchHit(juergen, 1.0, ("name",)), now)
    assert "last contact today 10:26" in details
    assert "last contact today 10:26 AM" in result_lines(
        SearchHit(juergen, 1.0, ("name",)), now, cycle="12h")[1]


def test_a_results_number_keeps_its_extension() -> None:
    """Priya's desk is ext. 9 behind the main line: the result showed the main line alone."""
    from desktop.core.models import Contact
    from desktop.core.search_query import SearchHit
    from desktop.qt.search_window import result_lines

    now = datetime(2026, 12, 6, 15, 0, tzinfo=UTC)
    priya = Contact(8, "Priya Raman", numbers=(
        StoredNumber("+1 415 555 0158 Ext 9", "+14155550158", "9"),))  # fmt: skip
    assert result_lines(SearchHit(priya, 1.0, ("name",)), now)[1].startswith(
        "+1 415-555-0158 ext. 9 · ")



def test_a_result_shows_and_calls_back_a_voice_line_before_a_fax() -> None:
    """Used as a rep: an Outlook export stores Business Fax before Business Phone, so Zoë's
    row read "+1 415-555-0136 and 2 more" (her fax) and Call back dialled the fax machine."""
    from desktop.core.models import Contact
    from desktop.core.search_query import SearchHit
    from desktop.qt.search_window import first_number, result_lines

    now = datetime(2026, 12, 7, 10, 40, tzinfo=UTC)
    zoe = Contact(4, "Zoë Brennan", numbers=(
        StoredNumber("(415) 555-0136", "+14155550136", label="fax"),
        StoredNumber("(415) 555-0134", "+14155550134", label="work")))  # fmt: skip
    assert result_lines(SearchHit(zoe, 1.0, ("name",)), now)[1].startswith(
        "+1 415-555-0134 and 1 more · ")
    assert first_number(zoe) == zoe.numbers[1]
    # Found by the fax's own digits, the fax is what the row shows.
    assert first_number(zoe, parse_query("0136").fragment_forms()) == zoe.numbers[0]
    only_fax = Contact(5, "Kestrel", numbers=(zoe.numbers[0],))
    assert first_number(only_fax) == zoe.numbers[0]


def test_calls_from_a_caller_id_that_is_no_number_are_found_by_that_caller_id(
    qtbot: QtBot, calls_window: SearchWindow, book: tuple[Store, dict[str, int]]
) -> None:
    # Kept with the caller ID as received and no number, they were found by nothing typed.
    store, _ids = book
    for i, (caller_id, ago) in enumerate([("Reception", 5), ("sip:front-desk@pbx", 6),
                                          ("030 90182013", 7), ("12345", 8)]):  # fmt: skip
        attempt = Attempt(Direction.IN, NOW - timedelta(minutes=ago), Outcome.MISSED,
                          caller_id=caller_id)  # fmt: skip
        store.record_call(None, attempt, "hook", f"hook:{caller_id}@{i}")
    window = calls_window
    for text, found in [("reception", "Reception"), ("front-desk", "sip:front-desk@pbx"),
                        ("90182013", "030 90182013"), ("030 9018", "030 90182013")]:  # fmt: skip
        typed(qtbot, window, text)
        assert window.call_rows()[0].split(" · ")[1] == found, text
    # 12345 is an internal extension's shape, nobody's: "x12345" names the call, as its card
    # does, said once.
    typed(qtbot, window, "2345")
    assert window.call_rows()[0].startswith("x12345 · missed "), window.call_rows()
    typed(qtbot, window, "desk reception")  # every word, in one caller ID
    assert window.call_rows() == []


def test_a_person_who_called_in_twice_is_not_never_contacted() -> None:
    from desktop.core.models import Contact
    from desktop.core.search_query import SearchHit
    from desktop.qt.search_window import result_lines

    now = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)  # a Friday
    # Calls the softphone saw ring, with no end reported: no conversation on record, but
    # the prospect did call us, twice.
    rang = [Attempt(Direction.IN, now - timedelta(days=d), Outcome.UNKNOWN,
                    number_e164="+14155550166") for d in (3, 5)]  # fmt: skip
    prospect = Contact(9, "Tessa Lindqvist", numbers=(StoredNumber("+14155550166",
                       "+14155550166"),), attempts=tuple(rang))  # fmt: skip
    details = result_lines(SearchHit(prospect, 1.0, ("name",)), now)[1]
    assert "never contacted" not in details
    assert "they called Tue 15:00 (2 calls)" in details, "in the Calls group's words"
    missed = replace(prospect, attempts=(replace(rang[0], outcome=Outcome.MISSED), *rang))
    assert "missed their call Tue 15:00 (3+ calls)" in result_lines(
        SearchHit(missed, 1.0, ("name",)), now)[1]


def test_a_call_row_does_not_repeat_the_persons_own_name_from_the_caller_id(
    qtbot: QtBot, calls_window: SearchWindow, book: tuple[Store, dict[str, int]]
) -> None:
    store, _ids = book
    brennan = store.add_contact(NewContact("Mike Brennan", company="Acme Tooling", numbers=(
        StoredNumber("+13125550178", "+13125550178"),)))  # fmt: skip
    for caller_name in ("BRENNAN M", "MIKE CELL"):
        store.record_call(brennan, Attempt(Direction.IN, NOW - timedelta(minutes=5),
                          Outcome.MISSED, number_e164="+13125550178", caller_name=caller_name),
                          "twinkle", caller_name)  # fmt: skip
    typed(qtbot, calls_window, "brennan")
    rows = [r for r in calls_window.call_rows() if r.startswith("Mike Brennan")]
    assert len(rows) >= 2, calls_window.call_rows()
    assert not any("BRENNAN M" in r for r in rows), "his own name, written the carrier's way"
    assert any("(caller ID: MIKE CELL)" in r for r in rows), "a name that says more stays"

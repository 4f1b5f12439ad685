"""The Callbacks window: the four sections with the other end's clock, its actions, and the
tray's "Callbacks (N due)"."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QTextDocumentFragment
from PySide6.QtWidgets import QTreeWidgetItem
from pytestqt.qtbot import QtBot

from desktop.adapters.callbacks import CallbackEntry, count_due, load_callbacks
from desktop.adapters.store import NewContact, Store, StoreError
from desktop.core.business_hours import BusinessHours
from desktop.core.models import Attempt, Direction, Outcome, StoredNumber
from desktop.qt.callbacks_window import CallbacksWindow
from desktop.qt.icons import app_icon
from desktop.qt.screen_fit import FRAME_ALLOWANCE
from desktop.qt.tray import TrayMenu
from tests.conftest import PYTHON, REPO, python_env
from tests.qt.show_callbacks_demo import fill_book
from tests.qt.test_ring_pipeline import Running, start_app  # noqa: F401 (fixture)

NOW = datetime(2026, 3, 10, 10, 30, tzinfo=ZoneInfo("Europe/London"))  # a Tuesday
SHOTS = REPO / "artifacts" / "screenshots"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(tmp_path / "callercard.sqlite3")
    fill_book(store, NOW)
    yield store
    store.close()


def texts(item: QTreeWidgetItem) -> list[str]:
    return [item.text(c) for c in range(4)]


def test_the_window_lists_each_section_with_their_time(qtbot: QtBot, store: Store) -> None:
    window = CallbacksWindow(lambda: load_callbacks(store, NOW, BusinessHours(), "24h"))
    qtbot.addWidget(window)
    window.open()
    headings = [window.table.topLevelItem(i) for i in range(window.table.topLevelItemCount())]
    assert [h.text(0) for h in headings if h is not None] == [
        "Waiting for us (2)", "We are waiting for them (3)",
        "Promised callback windows (1)", "Follow-ups due (1)",
    ]  # fmt: skip
    waiting, them, promised, follow_ups = (h for h in headings if h is not None)
    assert texts(waiting.child(0)) == [
        "Dana Whitfield · Contoso", "+1 415-555-0100", "Missed call 40 min ago",
        "03:30 — before 8:00",
    ]  # fmt: skip
    assert texts(waiting.child(1))[2:] == [
        "Missed call 5 h ago", "19:30 — after 18:00"]
    assert waiting.child(0).toolTip(3) == (
        "Their time: 03:30 — outside business hours there (before 8:00)")
    # Caller text as typed, never markup; toll-free spans the US: several zones, said so
    toll = them.child(0)
    assert toll.text(0) == "Help desk <b>bold?</b> · Acme (toll-free)"
    assert toll.text(2) == "Voicemail left 26 h ago"
    assert toll.text(3).startswith("several time zones: ")
    assert toll.text(3).endswith(" — before 8:00 in some")
    assert toll.toolTip(3).endswith("outside business hours in some of them (before 8:00)")
    assert texts(promised.child(0))[2] == "You said you'd be in 9–12 tomorrow"
    assert texts(follow_ups.child(0))[0] == "Raj Patel · Contoso"
    assert texts(follow_ups.child(0))[2] == "No call in 14–16 yesterday: call them"
    assert window.status.text() == "3 due · waiting for 3"

    # The first entry is selected; headings cannot be
    assert window.selected_number() == "+14155550100"
    assert not (waiting.flags() & Qt.ItemFlag.ItemIsSelectable)
    assert window.call.isEnabled() and window.copy.isEnabled()
    with qtbot.waitSignal(window.contact_chosen) as chosen:
        qtbot.mouseClick(window.open_button, Qt.MouseButton.LeftButton)
    assert chosen.args == [store.missed_not_returned(NOW)[0].contact.id]  # type: ignore[union-attr]


def test_their_time_is_never_cut_off(qtbot: QtBot, store: Store) -> None:
    """Their time stretched into what the other columns left: "11:17 AM — w…" on a small
    screen. Now the columns share the width and long text wraps."""
    window = CallbacksWindow(lambda: load_callbacks(store, NOW, BusinessHours(), "12h"))
    qtbot.addWidget(window)
    window.open()
    window.resize(700, 400)  # what 800×500 at 2× leaves a window
    qtbot.waitUntil(lambda: window.table.viewport().width() < 700)
    qtbot.wait(200)
    table = window.table
    head = table.header()
    assert head.sectionPosition(3) + head.sectionSize(3) <= table.viewport().width()
    rows = [table.topLevelItem(i).child(j)  # type: ignore[union-attr]
            for i in range(table.topLevelItemCount())
            for j in range(table.topLevelItem(i).childCount())]  # type: ignore[union-attr]
    assert len(rows) == 7
    for row in rows:
        for column in (0, 2, 3):
            cell = table.visualRect(table.indexFromItem(row, column))
            room = QRect(0, 0, cell.width() - 8, 10_000)  # less the item's padding
            need = table.fontMetrics().boundingRect(room, Qt.TextFlag.TextWordWrap,
                                                    row.text(column))  # fmt: skip
            assert need.width() <= room.width() and need.height() <= cell.height(), (
                row.text(column), cell)


def test_what_the_rep_noted_is_under_what_is_due(qtbot: QtBot, store: Store) -> None:
    """Used as a rep: "Call them back by 12:00 tomorrow" with no word of what about; the note
    ("Asked about onboarding timeline") was in `callercard callbacks`, not in the window."""
    cid = store.add_contact(NewContact("Priya Raman", company="Kite Robotics", numbers=(
        StoredNumber("+12125550190", "+12125550190"),)))  # fmt: skip
    asked = Attempt(Direction.IN, NOW - timedelta(minutes=3), Outcome.TALKED,
                    number_e164="+12125550190")  # fmt: skip
    attempt_id = store.record_call(cid, asked, "hook", "hook:priya")
    assert attempt_id is not None
    # A note is the rep's words or an imported cell: markup in it reads as typed.
    note = ("Asked about <b>onboarding</b> timeline, needs CFO sign-off before the Q1 budget "
            "meeting on the 14th")  # fmt: skip
    by = NOW + timedelta(days=1)
    store.save_wrap_up(attempt_id, Outcome.TALKED, note, "", (NOW, by.replace(hour=12, minute=0)))
    window = CallbacksWindow(lambda: load_callbacks(store, NOW, BusinessHours(), "24h"))
    qtbot.addWidget(window)
    window.open()
    waiting = window.table.topLevelItem(0)
    assert waiting is not None
    priya = next(waiting.child(i) for i in range(waiting.childCount())
                 if waiting.child(i).text(0).startswith("Priya"))  # fmt: skip
    assert priya.text(2) == ("Call them back by 12:00 tomorrow\n"
                             "Asked about <b>onboarding</b> timeline, needs CFO sign-off…")
    assert QTextDocumentFragment.fromHtml(priya.toolTip(2)).toPlainText() == note
    them = window.table.topLevelItem(1)
    assert them is not None
    mike = next(them.child(i) for i in range(them.childCount())
                if them.child(i).text(0).startswith("Mike"))  # fmt: skip
    assert mike.text(2) == ("Voicemail left 3 days ago\n"
                            "Left my direct line; the freight-audit proposal")
    # Two lines need two lines' height
    cell = window.table.visualRect(window.table.indexFromItem(priya, 2))
    assert cell.height() >= 2 * window.table.fontMetrics().lineSpacing()


def test_a_note_written_as_lines_keeps_them_apart_under_what_is_due(
    qtbot: QtBot, store: Store
) -> None:
    """A wrap-up note typed as lines ("Budget 40k" / "Decision maker: Sam") read as one
    sentence in the window ("Budget 40k Decision maker: Sam") while Recent calls and the card
    keep them apart."""
    cid = store.add_contact(NewContact("Priya Raman", numbers=(
        StoredNumber("+12125550190", "+12125550190"),)))  # fmt: skip
    asked = Attempt(Direction.IN, NOW - timedelta(minutes=3), Outcome.TALKED,
                    number_e164="+12125550190")  # fmt: skip
    attempt_id = store.record_call(cid, asked, "hook", "hook:priya")
    assert attempt_id is not None
    by = NOW + timedelta(days=1)
    store.save_wrap_up(attempt_id, Outcome.TALKED, "Budget 40k\n\nDecision maker: Sam", "",
                       (NOW, by.replace(hour=12, minute=0)))  # fmt: skip
    window = CallbacksWindow(lambda: load_callbacks(store, NOW, BusinessHours(), "24h"))
    qtbot.addWidget(window)
    window.open()
    waiting = window.table.topLevelItem(0)
    assert waiting is not None
    priya = next(waiting.child(i) for i in range(waiting.childCount())
                 if waiting.child(i).text(0).startswith("Priya"))  # fmt: skip
    assert priya.text(2) == "Call them back by 12:00 tomorrow\nBudget 40k · Decision maker: Sam"


def test_it_opens_as_wide_as_its_rows_want_where_the_screen_has_room(
    qtbot: QtBot, store: Store, tmp_path: Path
) -> None:
    """Used as a rep (German book, 1600 px screen): it opened at 760 px and wrapped "Jürgen
    Schäfer · Müller & Söhne GmbH" and "05:31 — before 8:00", "8:00" alone on a line."""
    window = CallbacksWindow(lambda: load_callbacks(store, NOW, BusinessHours(), "24h"))
    qtbot.addWidget(window)
    assert window.width() == 760
    window.open()
    room = window.screen().availableGeometry().width() - FRAME_ALLOWANCE.width()
    assert window.width() == room  # these rows want more than the 800 px test screen has
    window.resize(600, 400)
    window.open()  # raised while shown: left as the rep made it
    assert window.width() == 600

    small = Store.open(tmp_path / "small.sqlite3")
    cid = small.add_contact(NewContact("Raj", numbers=(
        StoredNumber("+442079460958", "+442079460958"),)))  # fmt: skip
    small.record_call(cid, Attempt(Direction.IN, NOW - timedelta(minutes=5), Outcome.MISSED,
                                   number_e164="+442079460958"), "demo", "demo:raj")  # fmt: skip
    narrow = CallbacksWindow(lambda: load_callbacks(small, NOW, BusinessHours(), "24h"))
    qtbot.addWidget(narrow)
    narrow.open()
    assert narrow.width() == 760  # never narrower than it was
    small.close()


def test_opened_on_an_empty_list_it_widens_for_the_rows_that_arrive(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """Used as a rep: opened before the day's first call, it kept its 760 px for the rows that
    came later, the Who column at the width of its heading, "Jürgen Schäfer-Oberländer ·
    Müller & Söhne" a word a line, until it was closed and opened again."""
    book = Store.open(tmp_path / "late.sqlite3")
    window = CallbacksWindow(lambda: load_callbacks(book, NOW, BusinessHours(), "24h"))
    qtbot.addWidget(window)
    window.open()
    assert window.empty.isVisible() and window.width() == 760

    fill_book(book, NOW)  # the calls arrive while it is open (a commit reloads it)
    window.reload()
    room = window.screen().availableGeometry().width() - FRAME_ALLOWANCE.width()
    assert window.width() == room
    who = [window.table.topLevelItem(i).child(j).text(0)  # type: ignore[union-attr]
           for i in range(window.table.topLevelItemCount())
           for j in range(window.table.topLevelItem(i).childCount())]  # type: ignore[union-attr]
    widest = max(window.table.fontMetrics().horizontalAdvance(text) for text in who)
    assert window._wanted[0] >= widest  # measured on the rows, not on the heading alone

    window.resize(600, 400)  # the rep's own size stands through later calls
    window.reload()
    assert window.width() == 600
    book.close()


def test_the_their_time_heading_is_whole_over_short_times(qtbot: QtBot, tmp_path: Path) -> None:
    """Only times of day in the column ("10:30") sized it below its heading: "Their ti"."""
    book = Store.open(tmp_path / "callercard.sqlite3")
    cid = book.add_contact(NewContact("Raj Patel", numbers=(
        StoredNumber("+442079460958", "+442079460958"),)))  # fmt: skip
    attempt = Attempt(Direction.IN, NOW - timedelta(minutes=5), Outcome.MISSED,
                      number_e164="+442079460958")  # fmt: skip
    book.record_call(cid, attempt, "demo", "demo:raj")
    window = CallbacksWindow(lambda: load_callbacks(book, NOW, BusinessHours(), "24h"))
    qtbot.addWidget(window)
    window.open()
    qtbot.wait(50)
    row = window.table.topLevelItem(0).child(0)  # type: ignore[union-attr]
    assert row.text(3) == "10:30"
    head = window.table.header()
    needed = head.fontMetrics().horizontalAdvance("Their time")
    assert head.sectionSize(3) >= head.sectionSizeHint(3) > needed
    book.close()


def test_calling_outside_their_hours_asks_first(qtbot: QtBot, store: Store) -> None:
    window = CallbacksWindow(lambda: load_callbacks(store, NOW, BusinessHours(), "24h"))
    qtbot.addWidget(window)
    window.open()
    assert window.selected_number() == "+14155550100"  # Dana: 03:30 in San Francisco
    qtbot.mouseClick(window.call, Qt.MouseButton.LeftButton)
    assert window.status.text() == (
        "It is Tuesday 03:30 there: outside business hours there (before 8:00). "
        "Click Call anyway to call now.")  # fmt: skip
    assert window.call.text() == "Call anyway"
    window.reload()  # a call came or went meanwhile: the question stays beside its button
    assert window.status.text().startswith("It is Tuesday 03:30 there")
    assert window.call.text() == "Call anyway"
    # Another row is another question
    waiting = window.table.topLevelItem(0)
    assert waiting is not None
    window.table.setCurrentItem(waiting.child(1))
    assert window.call.text() == "Call back"


def test_an_empty_book_says_what_would_be_listed_not_four_empty_headings(
    qtbot: QtBot, tmp_path: Path
) -> None:
    empty = Store.open(tmp_path / "empty.sqlite3")
    window = CallbacksWindow(lambda: load_callbacks(empty, NOW, BusinessHours(), "24h"))
    qtbot.addWidget(window)
    window.open()
    assert window.table.topLevelItemCount() == 0  # no "Waiting for us (0)" and the like
    assert window.table.isHidden() and window.empty.isVisible()
    assert window.empty.text().startswith("Nobody is waiting for a call from you.")
    assert "voicemails you left" in window.empty.text()
    assert window.status.text() == "Nothing due"
    assert not window.call.isEnabled() and not window.open_button.isEnabled()

    # The first missed call: the list comes back, with its one heading
    mike = empty.add_contact(NewContact("Mike Kowalski", numbers=(
        StoredNumber("+14155550142", "+14155550142"),)))  # fmt: skip
    empty.record_call(mike, Attempt(Direction.IN, NOW - timedelta(minutes=5), Outcome.MISSED,
                                    number_e164="+14155550142"), "test", "k1")  # fmt: skip
    window.reload()
    assert window.table.isVisible() and window.empty.isHidden()
    headings = [window.table.topLevelItem(i) for i in range(window.table.topLevelItemCount())]
    assert [h.text(0) for h in headings if h is not None] == ["Waiting for us (1)"]
    assert window.status.text() == "1 due"
    empty.close()


def test_the_status_says_whom_we_wait_for_beside_what_is_due(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """Used as a rep on the demo book: "Nothing due" under five people listed under "We are
    waiting for them" read as a contradiction (is the list wrong, or the count?)."""
    from desktop.adapters.demo_book import seed_demo_book

    book = Store.open(tmp_path / "demo.sqlite3")
    seed_demo_book(book)
    now = datetime.now().astimezone()
    window = CallbacksWindow(lambda: load_callbacks(book, now, BusinessHours(), "24h"))
    qtbot.addWidget(window)
    window.open()
    heading = window.table.topLevelItem(0)
    assert heading is not None and heading.text(0) == "We are waiting for them (5)"
    assert window.status.text() == "Nothing due · waiting for 5"

    # A missed call: what is due first, and still whom we wait for
    cid = book.add_contact(NewContact("Raj", numbers=(
        StoredNumber("+442079460958", "+442079460958"),)))  # fmt: skip
    book.record_call(cid, Attempt(Direction.IN, now - timedelta(minutes=5), Outcome.MISSED,
                                  number_e164="+442079460958"), "demo", "demo:raj")  # fmt: skip
    window.reload()
    assert window.status.text() == "1 due · waiting for 5"
    book.close()


def test_a_store_that_cannot_be_read_is_not_called_a_quiet_day(qtbot: QtBot) -> None:
    def broken() -> list[CallbackEntry]:
        raise StoreError("database is locked")

    window = CallbacksWindow(broken)
    qtbot.addWidget(window)
    window.open()
    assert window.status.text() == "Could not read the callbacks: database is locked"
    assert window.empty.isHidden()  # "Nobody is waiting" would be a guess


def test_the_tray_menu_says_how_many_callbacks_are_due(qtbot: QtBot, store: Store) -> None:
    menu = TrayMenu(app_icon(), paused=False)
    qtbot.addWidget(menu.menu)  # no parent: left behind, the menu stayed for the session
    qtbot.addWidget(menu.fallback)
    assert menu.callbacks_action.text() == "Callbacks…"
    menu.set_callbacks_due(count_due(store, NOW))
    assert menu.callbacks_action.text() == "Callbacks (3 due)…"
    assert menu.fallback.callbacks.text() == "Callbacks (3 due)…"
    with qtbot.waitSignal(menu.callbacks_requested):
        menu.callbacks_action.trigger()
    menu.hide()


@pytest.mark.xvfb
def test_on_a_real_display_the_callbacks_view_is_drawn(xvfb_display: str) -> None:
    result = subprocess.run(
        [PYTHON, "-m", "tests.qt.show_callbacks_demo", str(SHOTS)],
        env=python_env(DISPLAY=xvfb_display, QT_QPA_PLATFORM="xcb"),
        cwd=REPO, capture_output=True, text=True, timeout=90, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["platform"] == "xcb" and report["visible"] is True
    assert report["rows"] == 4  # the four section headings
    assert report["status"] == "3 due · waiting for 3"
    assert report["grab_colours"] > 20
    assert (SHOTS / "callbacks.png").stat().st_size > 5000


def test_the_contact_view_shows_their_time_beside_each_number(
    qtbot: QtBot, tmp_path: Path, desktop_locale: Callable[[str], None]
) -> None:
    from PySide6.QtWidgets import QLabel

    desktop_locale("en_US")  # a 12-hour desktop

    from desktop.adapters.bundled import default_opener_templates
    from desktop.adapters.lookup import CallerLookup
    from desktop.adapters.store import NewContact
    from desktop.core.models import StoredNumber
    from desktop.core.numbers import NumberPolicy
    from desktop.qt.contact_view import ContactView

    book = Store.open(tmp_path / "cv.sqlite3")
    cid = book.add_contact(NewContact("Dana", numbers=(
        StoredNumber("415 555 0100", "+14155550100"), StoredNumber("800", "+18005550199"),
        StoredNumber("ext 12", None))))  # fmt: skip
    lookup = CallerLookup(book, NumberPolicy("US"), default_opener_templates())
    view = ContactView(lookup, cid, clock=lambda: NOW, hours=BusinessHours(3, 18))
    qtbot.addWidget(view)
    view.open()
    # The first number's clock is the one "Their time 3:30 AM" says above: not said again.
    assert view.place.text().startswith("Their time 3:30 AM")
    assert view.findChild(QLabel, "theirTime0") is None
    toll = view.findChild(QLabel, "theirTime1")
    assert toll is not None and toll.text().startswith("several time zones: ")
    assert toll.text().endswith(" there — before 3 AM in some")
    assert toll.textFormat() == Qt.TextFormat.PlainText
    assert view.findChild(QLabel, "theirTime2") is None  # no number, no clock
    view.close()
    book.close()


def test_business_hours_are_set_in_settings_and_kept_in_the_file(
    qtbot: QtBot, tmp_path: Path
) -> None:
    from desktop.adapters.bundled import default_opener_templates
    from desktop.adapters.settings import Settings, SettingsFile
    from desktop.qt.settings_window import SettingsWindow

    window = SettingsWindow(Settings(), default_opener_templates(), "US")
    qtbot.addWidget(window)
    assert (window.business_start.value(), window.business_end.value()) == (8, 18)
    window.business_start.setValue(9)
    window.business_end.setValue(17)
    window.business_weekends.setChecked(True)
    chosen = window.current()
    settings_file = SettingsFile(tmp_path / "settings.json")
    settings_file.save(chosen)
    again = settings_file.load()
    assert (again.business_start_hour, again.business_end_hour, again.business_weekends) == (
        9, 17, True)  # fmt: skip


def test_business_hours_in_settings_read_on_the_desktops_clock(
    qtbot: QtBot, desktop_locale: Callable[[str], None]
) -> None:
    """A US desktop read "8:00 to 18:00" in Settings and "6:30 PM" everywhere else."""
    from desktop.adapters.bundled import default_opener_templates
    from desktop.adapters.settings import Settings
    from desktop.qt.settings_window import SettingsWindow

    desktop_locale("en_US")
    window = SettingsWindow(Settings(), default_opener_templates(), "US")
    qtbot.addWidget(window)
    start, end = window.business_start, window.business_end
    assert (start.text(), end.text()) == ("8 AM", "6 PM")
    end.lineEdit().selectAll()
    qtbot.keyClicks(end, "7 pm")
    start.lineEdit().selectAll()
    qtbot.keyClicks(start, "midnight")
    assert (start.value(), end.value()) == (0, 19)
    end.setValue(24)
    assert end.text() == "midnight"
    desktop_locale("de_DE")
    german = SettingsWindow(Settings(), default_opener_templates(), "DE")
    qtbot.addWidget(german)
    assert (german.business_start.text(), german.business_end.text()) == ("8:00", "18:00")


def test_business_hours_by_hand_that_make_no_sense_fall_back() -> None:
    from desktop.adapters.settings import Settings

    odd = Settings.from_json({"business_start_hour": "nine", "business_end_hour": 30,
                              "business_weekends": "yes"})  # fmt: skip
    assert (odd.business_start_hour, odd.business_end_hour, odd.business_weekends) == (
        8, 18, False)  # fmt: skip
    backwards = Settings.from_json({"business_start_hour": 20, "business_end_hour": 6})
    assert (backwards.business_start_hour, backwards.business_end_hour) == (20, 20)


# -- a number nobody has ------------------------------------------------------------------------

STRANGER = "+14155550177"


def test_more_due_than_listed_says_both(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A thousand strangers' missed calls: the button said "Callbacks (1008 due)" and the
    window "502 due", its list stopping at the newest 500 of each kind."""
    from desktop.adapters.store import callbacks
    from desktop.core.models import Attempt, Direction, Outcome

    monkeypatch.setattr(callbacks, "CALLBACKS_LIMIT", 2)  # as 500 of 1,000
    store = Store.open(tmp_path / "callercard.sqlite3")
    for i in range(3):
        store.record_call(None, Attempt(Direction.IN, NOW - timedelta(minutes=5 + i),
                                        Outcome.MISSED, number_e164=f"+1415555017{i}"),
                          "twinkle", f"k{i}")  # fmt: skip
    window = CallbacksWindow(lambda: load_callbacks(store, NOW, BusinessHours(), "24h"),
                             count=lambda: count_due(store, NOW))  # fmt: skip
    qtbot.addWidget(window)
    window.open()
    assert window.status.text() == "3 due · the newest 2 listed"
    store.close()


def test_wrapped_rows_keep_their_height_when_the_list_is_read_again(
    qtbot: QtBot, store: Store
) -> None:
    """Read again at the width it had (a call came or went), every row fell back to one line:
    "Missed call 35 min ago (2 tries)" wrapped in a one-line row, its second line cut off."""
    window = CallbacksWindow(lambda: load_callbacks(store, NOW, BusinessHours(), "12h"))
    qtbot.addWidget(window)
    window.open()
    window.resize(520, 400)
    qtbot.waitUntil(lambda: window.table.viewport().width() < 520)
    qtbot.wait(100)
    table = window.table

    def heights() -> list[int]:
        waiting = table.topLevelItem(0)
        assert waiting is not None
        return [table.visualItemRect(waiting.child(i)).height()
                for i in range(waiting.childCount())]  # fmt: skip

    before = heights()
    assert max(before) > table.fontMetrics().lineSpacing() * 2  # some rows wrap
    window.reload()
    qtbot.wait(50)
    assert heights() == before


def test_a_huge_caller_id_name_leaves_what_and_their_time_readable(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """500 characters of caller ID without a space took the Who column's whole share: What
    and Their time were cut to "Missed call" and "18:5"."""
    from desktop.core.models import Attempt, Direction, Outcome

    store = Store.open(tmp_path / "callercard.sqlite3")
    store.record_call(None, Attempt(Direction.IN, NOW - timedelta(minutes=5), Outcome.MISSED,
                                    number_e164=STRANGER, caller_name="W" * 500),
                      "twinkle", "k1")  # fmt: skip
    window = CallbacksWindow(lambda: load_callbacks(store, NOW, BusinessHours(), "12h"))
    qtbot.addWidget(window)
    window.open()
    window.resize(760, 480)
    qtbot.wait(100)
    table = window.table
    row = table.topLevelItem(0).child(0)  # type: ignore[union-attr]
    assert row.text(0).endswith("… (caller ID)")
    for column in (1, 2, 3):
        cell = table.visualRect(table.indexFromItem(row, column))
        room = QRect(0, 0, cell.width() - 8, 10_000)  # less the item's padding
        need = table.fontMetrics().boundingRect(room, Qt.TextFlag.TextWordWrap, row.text(column))
        assert need.width() <= room.width() and need.height() <= cell.height(), (
            row.text(column), cell)
    store.close()


def test_an_unknown_callers_missed_calls_wait_and_are_called_back_from_the_list(
    qtbot: QtBot, store: Store
) -> None:
    """A number nobody has: named by its caller ID (plain text), how many times it tried,
    called back from its row through the same worker-thread ClickToCall, "Who is it?" to
    find who it might be; the call back (logged as the app logs a Call button's) settles it."""
    from desktop.adapters.bundled import default_opener_templates
    from desktop.adapters.call_history import DIAL_KEY_PREFIX, DIAL_SOURCE, CallHistory
    from desktop.adapters.dialing import DialPlacer
    from desktop.adapters.lookup import CallerLookup
    from desktop.core.business_hours import TheirClock
    from desktop.core.dialers import Dialer
    from desktop.core.events import CallEvent, CallState
    from desktop.core.models import Attempt, Direction, Outcome
    from desktop.core.numbers import NumberPolicy
    from desktop.qt.bridge import ThreadBridge
    from desktop.qt.call_list import CALLER_ID_NAME_TIP
    from desktop.qt.click_to_call import ClickToCall, PlacedCall
    from tests.adapters.test_dialing import NOWHERE, CtrlTcpAnswerer

    for minutes, name in ((55, "<b>MIKE</b> CELL"), (35, "<b>MIKE</b> CELL")):
        at = NOW - minutes * timedelta(minutes=1)
        store.record_call(None, Attempt(Direction.IN, at, Outcome.MISSED, number_e164=STRANGER,
                                        caller_name=name), "twinkle", f"k{minutes}")  # fmt: skip
    store.record_call(None, Attempt(Direction.IN, NOW - timedelta(minutes=20), Outcome.MISSED),
                      "twinkle", "withheld")  # fmt: skip
    window = CallbacksWindow(lambda: load_callbacks(store, NOW, BusinessHours(), "24h"))
    qtbot.addWidget(window)
    window.open()
    waiting = window.table.topLevelItem(0)
    assert waiting is not None and waiting.text(0) == "Waiting for us (3)"  # not the withheld
    rows = [texts(waiting.child(i)) for i in range(waiting.childCount())]
    assert [r[0] for r in rows] == ["<b>MIKE</b> CELL (caller ID)", "Dana Whitfield · Contoso",
                                    "Yuki Tanaka · Sakura Trading"]  # fmt: skip
    assert rows[0][1:3] == ["+1 415-555-0177", "Missed call 35 min ago (2 tries)"]
    assert rows[0][3] == "03:30 — before 8:00"  # their time, as for a contact
    mike = waiting.child(0)
    assert mike.toolTip(0) == CALLER_ID_NAME_TIP
    assert window.status.text() == "4 due · waiting for 3"

    window.table.setCurrentItem(mike)
    assert window.open_button.text() == "Who is it?" and window.open_button.isEnabled()
    with qtbot.waitSignal(window.search_requested) as asked:
        qtbot.mouseClick(window.open_button, Qt.MouseButton.LeftButton)
    assert asked.args == [STRANGER]

    baresip = CtrlTcpAnswerer()
    bridge = ThreadBridge()
    try:
        placer = DialPlacer(search_path=NOWHERE, baresip_address=("127.0.0.1", baresip.port))
        daytime = TheirClock("10:30", "", several_zones=False)
        window.placer = ClickToCall(placer, lambda: Dialer.BARESIP, lambda _: daytime,
                                    on_main=bridge.call_from_thread)  # fmt: skip
        window.table.setCurrentItem(mike)
        assert window.call.isEnabled() and window.call.text() == "Call back"
        qtbot.mouseClick(window.call, Qt.MouseButton.LeftButton)  # 03:30 there: asks first
        assert window.call.text() == "Call anyway" and baresip.commands == []
        with qtbot.waitSignal(window.placer.placed, timeout=10_000) as placed:
            qtbot.mouseClick(window.call, Qt.MouseButton.LeftButton)
    finally:
        baresip.close()
    call = placed.args[0]
    assert isinstance(call, PlacedCall) and call.e164 == STRANGER
    assert [c["params"] for c in baresip.commands] == [STRANGER]

    # The app logs a Call button's call (ring_pipeline.placed): it returns Mike's, so it stays
    history = CallHistory(store, CallerLookup(store, NumberPolicy("US"),
                                              default_opener_templates()))  # fmt: skip
    history.record(CallEvent(DIAL_SOURCE, Direction.OUT, CallState.ENDED, STRANGER, "",
                             datetime.now(UTC), call_key=f"{DIAL_KEY_PREFIX}{STRANGER}"))
    window.table.setCurrentItem(waiting.child(2))  # the rep moved on to Yuki meanwhile
    window.reload()  # as the app does when a call is logged
    waiting = window.table.topLevelItem(0)
    assert waiting is not None and waiting.text(0) == "Waiting for us (2)"
    assert window.status.text() == "3 due · waiting for 3"
    assert window.selected_number() == "+81312345678", "still on Yuki: the list moved"


def test_a_ring_no_end_followed_is_listed_as_outcome_unknown_and_not_counted(
    qtbot: QtBot, store: Store
) -> None:
    """A hook's ring whose end never came waits among the missed calls, said as unknown, as
    `callercard callbacks` lists it; "N due" counts only what is sure to be missed."""
    from desktop.core.models import Attempt, Direction, Outcome

    rang = Attempt(Direction.IN, NOW - timedelta(minutes=35), Outcome.UNKNOWN,
                   number_e164="+14155550177", caller_name="MIKE CELL")  # fmt: skip
    assert store.record_call(None, rang, "hook", f"hook:+14155550177@{int(rang.at.timestamp())}")
    window = CallbacksWindow(lambda: load_callbacks(store, NOW, BusinessHours(), "24h"),
                             count=lambda: count_due(store, NOW))  # fmt: skip
    qtbot.addWidget(window)
    window.open()
    waiting = window.table.topLevelItem(0)
    assert waiting is not None and waiting.text(0) == "Waiting for us (3)"
    assert texts(waiting.child(0))[:3] == [
        "MIKE CELL (caller ID)", "+1 415-555-0177", "Rang 35 min ago, outcome unknown",
    ]  # fmt: skip
    # Dana's and Yuki's missed calls, Raj's window
    assert window.status.text() == "3 due · waiting for 3"
    SHOTS.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(SHOTS / "callbacks-rang-unknown.png"))


def test_the_window_left_open_follows_the_clock(
    qtbot: QtBot, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Left open with no call coming or going, "Missed call 40 min ago" still said so an hour
    later, and their time of day stood still: the words were written when the list was read."""
    from desktop.qt import clock_tick

    monkeypatch.setattr(clock_tick, "TICK_MS", 20)
    now = [NOW]
    window = CallbacksWindow(lambda: load_callbacks(store, now[0], BusinessHours(), "24h"))
    qtbot.addWidget(window)
    window.open()
    waiting = window.table.topLevelItem(0)
    assert waiting is not None
    assert texts(waiting.child(0))[2:] == ["Missed call 40 min ago", "03:30 — before 8:00"]
    now[0] = NOW + timedelta(hours=1)

    def aged() -> bool:
        heading = window.table.topLevelItem(0)
        return heading is not None and texts(heading.child(0))[2] == "Missed call 1 h ago"

    qtbot.waitUntil(aged, timeout=10_000)
    heading = window.table.topLevelItem(0)
    assert heading is not None and heading.child(0).text(3) == "04:30 — before 8:00"
    assert window.selected_number() == "+14155550100"  # still on the row the rep was on


def snoozing_window(qtbot: QtBot, store: Store, now: datetime = NOW) -> CallbacksWindow:
    def write(key: object, until: datetime | None) -> None:
        from desktop.core.put_off import PutOffKey

        assert isinstance(key, PutOffKey)
        store.take_back(key) if until is None else store.put_off(key, until, now)

    window = CallbacksWindow(lambda: load_callbacks(store, now, BusinessHours(), "24h"),
                             count=lambda: count_due(store, now), put_off=write,
                             hours=BusinessHours, clock=lambda: now)  # fmt: skip
    qtbot.addWidget(window)
    window.open()
    return window


def menu_item(window: CallbacksWindow, starts: str) -> None:
    window.put_off.menu.aboutToShow.emit()  # as opening the menu fills it
    [action] = [a for a in window.put_off.menu.actions() if a.text().startswith(starts)]
    action.trigger()


def test_snooze_offers_each_moment_once(qtbot: QtBot, store: Store) -> None:
    """Late on a Friday, "Later", "Monday morning" and "Next week" all meant 08:00 Monday: three
    lines of the same time read as three choices."""
    friday = NOW.replace(day=13, hour=17)
    window = snoozing_window(qtbot, store, friday)
    window.put_off.menu.aboutToShow.emit()
    assert [a.text() for a in window.put_off.menu.actions()] == [
        "Monday morning (08:00 Mon 16 Mar)", "At a time…"]  # fmt: skip


def test_snooze_puts_a_callback_off_until_its_time(qtbot: QtBot, store: Store) -> None:
    window = snoozing_window(qtbot, store)
    assert window.status.text() == "3 due · waiting for 3"
    assert window.selected_number() == "+14155550100"  # Dana's missed call
    window.put_off.menu.aboutToShow.emit()
    assert [a.text() for a in window.put_off.menu.actions()] == [
        "Later today (12:30 today)", "Tomorrow morning (08:00 tomorrow)",
        "Next week (08:00 Mon 16 Mar)", "At a time…"]  # fmt: skip
    menu_item(window, "Later today")
    last = window.table.topLevelItem(window.table.topLevelItemCount() - 1)
    assert last is not None and last.text(0) == "Put off (1)"
    assert texts(last.child(0))[:3] == [
        "Dana Whitfield · Contoso", "+1 415-555-0100",
        "Until 12:30 today · Missed call 40 min ago"]  # fmt: skip
    assert window.status.text() == "Put off until 12:30 today · 2 due · waiting for 3"
    assert count_due(store, NOW) == 2  # what the tray's menu says

    # Due now brings it back where it was
    window.table.setCurrentItem(last.child(0))
    menu_item(window, "Due now")
    assert window.status.text() == "Due again now · 3 due · waiting for 3"
    assert all(h.text(0) != "Put off (1)" for i in range(window.table.topLevelItemCount())
               if (h := window.table.topLevelItem(i)) is not None)  # fmt: skip

    # A time typed: a mistake is said and the row stays to mend it
    menu_item(window, "At a time")
    assert window.put_off.isVisibleTo(window)
    qtbot.keyClicks(window.put_off.field, "soon")
    qtbot.keyClick(window.put_off.field, Qt.Key.Key_Return)
    assert window.put_off.problem.text().startswith("Not put off: say by when, e.g. ")
    assert window.put_off.problem.isVisibleTo(window)
    assert window.put_off.isVisibleTo(window)
    window.put_off.field.setText("tomorrow 9")
    qtbot.keyClick(window.put_off.field, Qt.Key.Key_Return)
    assert not window.put_off.isVisibleTo(window)
    assert window.status.text() == "Put off until 09:00 tomorrow · 2 due · waiting for 3"
    # Esc in the row closes the row, not the window
    menu_item(window, "At a time")
    qtbot.keyClick(window.put_off.field, Qt.Key.Key_Escape)
    assert not window.put_off.isVisibleTo(window) and window.isVisible()


def test_what_a_click_did_stays_said_through_a_reload_for_a_minute(
    qtbot: QtBot, store: Store
) -> None:
    """Used as a rep: "Put off until 08:00 tomorrow" (and "Call to … logged") went from the
    status line as soon as the list was read again, for a call, a commit elsewhere or the
    clock's tick, often before the rep had looked down at it."""
    from tests.qt.test_callbacks_due_agree import tick

    now = [NOW]

    def write(key: object, until: datetime | None) -> None:
        from desktop.core.put_off import PutOffKey

        assert isinstance(key, PutOffKey)
        store.take_back(key) if until is None else store.put_off(key, until, NOW)

    window = CallbacksWindow(lambda: load_callbacks(store, now[0], BusinessHours(), "24h"),
                             count=lambda: count_due(store, now[0]), put_off=write,
                             hours=BusinessHours, clock=lambda: now[0])  # fmt: skip
    qtbot.addWidget(window)
    window.open()
    menu_item(window, "Tomorrow morning")
    said = "Put off until 08:00 tomorrow · 2 due · waiting for 3"
    assert window.status.text() == said
    window.reload()  # a call came or went meanwhile
    assert window.status.text() == said
    now[0] = NOW + timedelta(seconds=30)
    tick(window)  # "Missed call 41 min ago": the list is read again
    assert window.status.text() == said
    now[0] = NOW + timedelta(seconds=61)
    window.reload()
    assert window.status.text() == "2 due · waiting for 3"


def test_a_callback_put_off_in_the_window_is_put_off_for_the_cli(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """Another process on the same data dir (`callercard callbacks`) reads the same rows."""
    from tests.test_cli import cc

    now = datetime.now().astimezone()
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    store = Store.open(data / "callercard.sqlite3")
    try:
        fill_book(store, now)
        before = json.loads(cc("callbacks", "--json", data_dir=data, check=True).stdout)
        window = snoozing_window(qtbot, store, now)
        menu_item(window, "Next week")
        out = json.loads(cc("callbacks", "--json", data_dir=data, check=True).stdout)
    finally:
        store.close()
    assert [(p["contact"]["name"], p["put_off_from"], p["due"]) for p in out["put_off"]] == [
        ("Dana Whitfield", "waiting_for_us", False)]
    assert datetime.fromisoformat(out["put_off"][0]["put_off_until"]).weekday() == 0  # Monday
    assert out["due"] == before["due"] - 1


def test_snooze_follows_business_hours_changed_in_settings(
    qtbot: QtBot, start_app: Callable[..., Running]  # noqa: F811
) -> None:
    """Snooze read the business hours once, when the window was first built: a rep who moved
    their day to start at 10 was still offered "Tomorrow morning (08:00 …)" until a restart."""
    app = start_app().app
    app.open_callbacks()
    window = app.callbacks.window
    assert isinstance(window, CallbacksWindow)

    def morning() -> str:
        window.put_off.menu.aboutToShow.emit()  # as opening the menu fills it
        return next(a.text() for a in window.put_off.menu.actions() if "morning" in a.text())

    assert "(08:00" in morning()
    app.apply_settings(app.settings.with_changes(business_start_hour=10))
    assert "(10:00" in morning()


def test_call_back_from_the_list_is_placed_for_the_contact_of_the_entry(
    qtbot: QtBot, store: Store, tmp_path: Path
) -> None:
    """A number several contacts share is called back for the one whose entry it is
    (desktop.core.callee): the placed call names them."""
    from desktop.core.business_hours import TheirClock
    from desktop.core.dialers import Dialer
    from desktop.qt.click_to_call import ClickToCall, PlacedCall
    from desktop.qt.number_table import CONTACT, NUMBER
    from tests.qt.test_missed_card import twinkle

    window = CallbacksWindow(lambda: load_callbacks(store, NOW, BusinessHours(), "24h"))
    qtbot.addWidget(window)
    daytime = TheirClock("10:30", "", several_zones=False)
    window.placer = ClickToCall(twinkle(tmp_path), lambda: Dialer.TWINKLE, lambda _: daytime)
    window.open()
    waiting = window.table.topLevelItem(0)
    assert waiting is not None
    row = waiting.child(0)
    window.table.setCurrentItem(row)
    with qtbot.waitSignal(window.placer.placed, timeout=10_000) as placed:
        qtbot.mouseClick(window.call, Qt.MouseButton.LeftButton)
        if window.call.text() == "Call anyway":  # outside their hours: asked, then called
            qtbot.mouseClick(window.call, Qt.MouseButton.LeftButton)

    [call] = placed.args
    assert isinstance(call, PlacedCall)
    assert (call.e164, call.contact_id) == (row.data(0, NUMBER), row.data(0, CONTACT))
    assert call.contact_id is not None

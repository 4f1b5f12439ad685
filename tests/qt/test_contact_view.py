"""The contact view (edits saved at once, even across a crash) and the call list.

Also runnable as a child process:
    python -m tests.qt.test_contact_view screenshot OUT.png
    python -m tests.qt.test_contact_view edit-and-die DB CONTACT_ID TEXT
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QPlainTextEdit, QToolButton
from pytestqt.qtbot import QtBot

from desktop.adapters.bundled import default_opener_templates
from desktop.adapters.lookup import CallerLookup
from desktop.adapters.store import NewContact, Store
from desktop.core.localtime import local_time_for
from desktop.core.models import Attempt, Direction, Outcome, StoredNumber
from desktop.core.numbers import NumberPolicy
from desktop.qt.app import GUI_WRITE_WAIT_MS
from desktop.qt.call_list import CallList
from desktop.qt.contact_view import ContactView
from desktop.qt.system_clock import hour_cycle
from tests.conftest import PYTHON, REPO, python_env

NOW = datetime.now(UTC).replace(second=0, microsecond=0)
SHOTS = REPO / "artifacts" / "screenshots"


def mike(store: Store) -> int:
    """Mike Kowalski with a realistic history of outbound and inbound calls."""
    number = "+14155550142"
    history = [
        (2, Direction.OUT, Outcome.VOICEMAIL, "Left a voicemail about the freight-audit "
         "proposal; asked for 15 minutes on Thursday.", "freight-audit proposal"),
        (6, Direction.OUT, Outcome.NO_ANSWER, "", "freight-audit proposal"),
        (9, Direction.IN, Outcome.MISSED, "", ""),
        (13, Direction.OUT, Outcome.GATEKEEPER, "Spoke to his assistant Jen; try next week.",
         "intro"),
        (20, Direction.OUT, Outcome.TALKED, "Interested; send the audit summary.", "intro"),
        (27, Direction.OUT, Outcome.NO_ANSWER, "", "intro"),
    ]  # fmt: skip
    return store.add_contact(NewContact(
        "Mike Kowalski", title="VP Operations", company="Harbor Freight Logistics",
        email="mike.kowalski@harborfreight.example",
        reason="the freight-audit proposal I sent last week", referred_by="Harley Smith",
        next_step="Send the audit summary before Thursday",
        notes="Prefers mornings. Assistant: Jen.",
        numbers=(StoredNumber("(415) 555-0142", number, label="work"),
                 StoredNumber("+1 415 555 0199", "+14155550199", label="mobile")),
        attempts=tuple(
            Attempt(way, NOW - timedelta(days=d, hours=d % 5), outcome, message, reason, number)
            for d, way, outcome, message, reason in history
        ),
    ))  # fmt: skip


@pytest.fixture
def lookup(tmp_path: Path) -> Iterator[CallerLookup]:
    store = Store.open(tmp_path / "cc.sqlite3")
    yield CallerLookup(store, NumberPolicy("US"), default_opener_templates(), my_name="Sam")
    store.close()


@pytest.fixture
def view(qtbot: QtBot, lookup: CallerLookup) -> ContactView:
    contact_id = mike(lookup.store)
    v = ContactView(lookup, contact_id, clock=lambda: NOW)
    qtbot.addWidget(v)
    v.open()
    return v


def stored(lookup: CallerLookup, contact_id: int, field: str) -> str:
    """Read through a second connection, as another process would."""
    other = Store.open(lookup.store.path)
    try:
        contact = other.contact(contact_id)
        assert contact is not None
        return str(getattr(contact, field))
    finally:
        other.close()


def test_the_view_shows_the_card_and_the_whole_history(view: ContactView) -> None:
    assert view.name.text() == "Mike Kowalski"
    assert view.role.text() == "VP Operations · Harbor Freight Logistics"
    assert view.history.topLevelItemCount() == 6, "every call, not just the last three"
    assert view.history_title.text() == "History (6 calls)"
    first = view.history.topLevelItem(0)
    assert first is not None and first.text(2) == "Left voicemail"
    assert view.opener.text().startswith("Hi Mike")
    assert view.editors["reason"].text() == "the freight-audit proposal I sent last week"  # type: ignore[union-attr]
    for label in (view.name, view.role, view.place, view.opener, view.status):
        assert label.textFormat() == Qt.TextFormat.PlainText


def test_each_edit_is_in_the_database_at_once(
    qtbot: QtBot, view: ContactView, lookup: CallerLookup
) -> None:
    reason = view.editors["reason"]
    reason.clear()
    qtbot.keyClicks(reason, "the renewal")
    assert stored(lookup, view.contact_id, "reason") == "the renewal"
    notes = view.editors["notes"]
    notes.setFocus()
    qtbot.keyClick(notes, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(notes, " Call after 10.")
    assert stored(lookup, view.contact_id, "notes").endswith("Call after 10.")
    override = view.editors["opener_override"]
    qtbot.keyClicks(override, "Hi {first_name}, about {reason}")
    assert view.opener.text() == "Hi Mike, about the renewal"
    assert view.status.text() == "Saved."
    assert lookup.store.search_simple("renewal")[0].id == view.contact_id, "searchable at once"


def test_their_opener_waiting_for_a_value_says_so(qtbot: QtBot, view: ContactView) -> None:
    """An own opener naming a field this contact has empty is not said (it read "still on for
    ?"): the view shows the prepared opener the card will say, and why theirs is not it."""
    step = view.editors["next_step"]
    step.setFocus()
    step.selectAll()  # type: ignore[union-attr]
    qtbot.keyClick(step, Qt.Key.Key_Backspace)
    view.editors["opener_override"].setPlainText(  # type: ignore[union-attr]
        "Hey {first_name}! Re: {reason} — still on for {next_step}?")  # fmt: skip
    shown = view.opener.text().splitlines()
    assert shown[0].startswith("Hi Mike, thanks for calling me back! Harley Smith suggested")
    assert shown[1] == "(Their opener is used once {next_step} can be filled in.)"
    qtbot.keyClicks(step, "the demo")
    assert view.opener.text() == ("Hey Mike! Re: the freight-audit proposal I sent last week — "
                                  "still on for the demo?")  # fmt: skip


def test_a_line_another_process_adds_to_the_notes_survives_the_reps_typing(
    qtbot: QtBot, view: ContactView, lookup: CallerLookup
) -> None:
    """An import from a terminal merged a line into the notes while the view was open; the
    rep's next keystroke wrote back the notes from before and the line was gone."""
    notes = view.editors["notes"]
    notes.setFocus()
    qtbot.keyClick(notes, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(notes, " Ask about Q1.")
    other = Store.open(lookup.store.path)  # the import, another process
    try:
        before = stored(lookup, view.contact_id, "notes")
        other.update_contact_field(view.contact_id, "notes", before + "\nMet at Dreamforce")
    finally:
        other.close()
    # The view shows it, the cursor still where the rep was typing.
    qtbot.waitUntil(lambda: notes.toPlainText().endswith("\nMet at Dreamforce"))
    qtbot.keyClicks(notes, " Budget ok.")
    assert stored(lookup, view.contact_id, "notes") == (
        "Prefers mornings. Assistant: Jen. Ask about Q1. Budget ok.\nMet at Dreamforce")
    # Typed over before the view had heard of it: both are kept.
    other = Store.open(lookup.store.path)
    try:
        other.update_contact_field(view.contact_id, "notes", "From the CRM: VIP")
        qtbot.keyClicks(notes, "!")  # before the commit was seen
    finally:
        other.close()
    kept = stored(lookup, view.contact_id, "notes")
    assert "Budget ok.!" in kept and "From the CRM: VIP" in kept
    assert view.status.text() == "Saved, with what was added elsewhere meanwhile."


def test_a_fax_listed_first_has_no_call_button_and_gives_no_local_time(
    qtbot: QtBot, lookup: CallerLookup
) -> None:
    """Used as a rep: an Outlook export lists Business Fax before Business Phone, and the
    contact view offered Call on the fax machine (and read their time from it)."""
    cid = lookup.store.add_contact(NewContact("Zoë Adler", numbers=(
        StoredNumber("+44 20 7946 0000", "+442079460000", label="Business Fax"),
        StoredNumber("(415) 555-0134", "+14155550134", label="work"),
    )))  # fmt: skip
    v = ContactView(lookup, cid, clock=lambda: NOW)
    qtbot.addWidget(v)
    v.load()
    buttons = {(v.numbers.getItemPosition(v.numbers.indexOf(b))[0], b.text())
               for b in v.numbers_box.findChildren(QToolButton)}  # fmt: skip
    assert (0, "Call") not in buttons and (0, "Copy") in buttons
    assert {(1, "Call"), (1, "Copy")} <= buttons
    theirs = local_time_for("+14155550134", NOW, "US", None, hour_cycle=hour_cycle()).text
    assert v.place.text().startswith(f"Their time {theirs}")  # the desk's, not the fax's zone


def test_markup_in_a_name_is_shown_as_typed(qtbot: QtBot, lookup: CallerLookup) -> None:
    cid = lookup.store.add_contact(NewContact("<img src=x> <b>Bold</b>"))
    v = ContactView(lookup, cid, clock=lambda: NOW)
    qtbot.addWidget(v)
    v.load()
    assert v.name.text() == "<img src=x> <b>Bold</b>"
    assert v.history_title.text() == "History (no calls yet)"


def test_a_locked_database_keeps_the_text_and_saves_it_when_free(
    qtbot: QtBot, view: ContactView, lookup: CallerLookup
) -> None:
    lookup.store.set_busy_timeout(GUI_WRITE_WAIT_MS)  # as the app's GUI connection has it
    view._retry.setInterval(30)
    blocker = sqlite3.connect(lookup.store.path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        qtbot.keyClicks(view.editors["next_step"], " + call Friday")
        assert view.has_unsaved()
        assert view.status.text().startswith("Not saved yet")
        assert view.editors["next_step"].text().endswith("+ call Friday")  # type: ignore[union-attr]
    finally:
        blocker.execute("COMMIT")
        blocker.close()
    qtbot.waitUntil(lambda: not view.has_unsaved(), timeout=2000)
    assert stored(lookup, view.contact_id, "next_step").endswith("+ call Friday")


def test_an_edit_survives_the_process_being_killed_right_after(tmp_path: Path) -> None:
    path = tmp_path / "cc.sqlite3"
    store = Store.open(path)
    contact_id = mike(store)
    store.close()
    text = "Call back Tuesday — ask for Jen ✓"
    done = subprocess.run(
        [PYTHON, "-m", "tests.qt.test_contact_view", "edit-and-die", str(path), str(contact_id),
         text],
        cwd=REPO, env=python_env(QT_QPA_PLATFORM="offscreen"), capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert "typed" in done.stdout
    reopened = Store.open(path)
    try:
        contact = reopened.contact(contact_id)
        assert contact is not None
        assert contact.notes == text
        assert reopened.search_simple("tuesday")[0].id == contact_id
    finally:
        reopened.close()


def test_screenshot_on_a_real_display(xvfb_display: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    out = SHOTS / "contact_view.png"
    done = subprocess.run(
        [PYTHON, "-m", "tests.qt.test_contact_view", "screenshot", str(out)],
        cwd=REPO, env=python_env(DISPLAY=xvfb_display, QT_QPA_PLATFORM="xcb"),
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["history"] == 6
    assert out.stat().st_size > 10_000


# -- the call list -------------------------------------------------------------------------------


class _Dialler(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    @Slot(QUrl)
    def dial(self, url: QUrl) -> None:
        self.urls.append(url.toString())


@pytest.fixture
def calls(qtbot: QtBot, lookup: CallerLookup) -> CallList:
    mike(lookup.store)
    missed = Attempt(Direction.IN, NOW - timedelta(minutes=5), Outcome.MISSED,
                     number_e164="+442079460999")  # fmt: skip
    lookup.store.add_attempt(None, missed)
    window = CallList(lookup.store.calls, clock=lambda: NOW)
    qtbot.addWidget(window)
    window.open()
    return window


def rows(window: CallList) -> list[tuple[str, ...]]:
    out = []
    for i in range(window.table.topLevelItemCount()):
        item = window.table.topLevelItem(i)
        assert item is not None
        out.append(tuple(item.text(c) for c in range(5)))
    return out


def test_call_list_shows_both_ways_and_missed_calls_apart(calls: CallList) -> None:
    all_rows = rows(calls)
    assert len(all_rows) == 7
    assert all_rows[0][1:4] == ("Missed", "Unknown", "+44 20 7946 0999")
    assert all_rows[1][2] == "Mike Kowalski"
    calls.views.button(3).click()  # Missed
    assert [r[2] for r in rows(calls)] == ["Unknown", "Mike Kowalski"]
    calls.views.button(2).click()  # Outgoing
    assert all(r[1] == "Out" for r in rows(calls)) and len(rows(calls)) == 5
    # Which calls the list holds is said, and its button stands out (a shade alone did not).
    assert calls.status.text() == "5 outgoing calls · 2 missed"
    assert [b.font().bold() for b in calls.views.buttons()] == [False, False, True, False]


def test_call_back_opens_a_tel_link_and_copy_puts_the_number_on_the_clipboard(
    qtbot: QtBot, calls: CallList
) -> None:
    dialler = _Dialler()
    QDesktopServices.setUrlHandler("tel", dialler, "dial")
    try:
        qtbot.mouseClick(calls.call, Qt.MouseButton.LeftButton)
    finally:
        QDesktopServices.unsetUrlHandler("tel")
    assert dialler.urls == ["tel:+442079460999"]
    qtbot.mouseClick(calls.copy, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == "+442079460999"
    with qtbot.waitSignal(calls.search_requested) as who:
        qtbot.mouseClick(calls.open_button, Qt.MouseButton.LeftButton)
    assert who.args == ["+442079460999"]
    calls.table.setCurrentItem(calls.table.topLevelItem(1))
    with qtbot.waitSignal(calls.contact_chosen) as chosen:
        qtbot.mouseClick(calls.open_button, Qt.MouseButton.LeftButton)
    assert chosen.args == [1]


# -- child process modes -------------------------------------------------------------------------


def _edit_and_die(path: Path, contact_id: int, text: str) -> None:
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QPlainTextEdit

    _app = QApplication(sys.argv[:1])
    store = Store.open(path)
    lookup = CallerLookup(store, NumberPolicy("US"), default_opener_templates())
    view = ContactView(lookup, contact_id)
    view.open()
    notes = view.editors["notes"]
    QTest.keyClick(notes, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(notes, Qt.Key.Key_Delete)
    typed = len(text) - len(text.lstrip("".join(c for c in text if c.isascii())))
    QTest.keyClicks(notes, text[:typed])  # the ASCII start typed key by key
    assert isinstance(notes, QPlainTextEdit)
    notes.insertPlainText(text[typed:])  # the rest pasted: QTest types ASCII only
    print("typed", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)  # no close, no flush, no atexit: a crash


def _screenshot(out: Path) -> int:
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "cc.sqlite3")
        lookup = CallerLookup(store, NumberPolicy("US"), default_opener_templates(),
                              my_name="Sam")  # fmt: skip
        view = ContactView(lookup, mike(store), clock=lambda: NOW)
        view.move(40, 40)
        view.open()
        deadline = datetime.now(UTC) + timedelta(seconds=5)
        while not view.isVisible() or not view.windowHandle().isExposed():
            app.processEvents()
            if datetime.now(UTC) > deadline:
                break
        app.processEvents()
        pixmap = view.grab()
        pixmap.save(str(out))
        print(json.dumps({"history": view.history.topLevelItemCount(),
                          "width": pixmap.width(), "height": pixmap.height()}))  # fmt: skip
        view.close()
        store.close()
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "screenshot":
        raise SystemExit(_screenshot(Path(sys.argv[2])))
    if len(sys.argv) == 5 and sys.argv[1] == "edit-and-die":
        _edit_and_die(Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
    raise SystemExit(__doc__)


def test_a_number_says_its_time_only_when_it_differs_from_their_time(
    qtbot: QtBot, lookup: CallerLookup
) -> None:
    """Every number repeated '09:18 there' under 'Their time 09:18 · San Francisco, CA'."""
    from PySide6.QtWidgets import QLabel

    office = datetime(2026, 12, 7, 17, 18, tzinfo=UTC)  # 09:18 in San Francisco
    cid = lookup.store.add_contact(NewContact("Dana Whitfield", numbers=(
        StoredNumber("(415) 555-0100", "+14155550100", label="work"),
        StoredNumber("(650) 555-0101", "+16505550101", label="mobile"),
        StoredNumber("+44 20 7946 0958", "+442079460958", label="London"),
    )))  # fmt: skip
    v = ContactView(lookup, cid, clock=lambda: office)
    qtbot.addWidget(v)
    v.load()
    theirs = local_time_for("+14155550100", office, "US", None, hour_cycle=hour_cycle()).text
    assert v.place.text().startswith(f"Their time {theirs}")
    assert v.findChild(QLabel, "theirTime0") is None
    assert v.findChild(QLabel, "theirTime1") is None  # the same zone: said once, above
    london = v.findChild(QLabel, "theirTime2")
    assert london is not None and london.text().split(" there")[0] != theirs


def test_the_notes_box_grows_with_a_long_note(qtbot: QtBot, lookup: CallerLookup) -> None:
    """A long note scrolled inside a 4-line box; it grows with its text, up to a bound."""
    note = "\n".join(f"Call {i}: asked about the Q{i % 4 + 1} volume discount" for i in range(8))
    cid = lookup.store.add_contact(NewContact("Jonas Becker", notes=note))
    v = ContactView(lookup, cid, clock=lambda: NOW)
    qtbot.addWidget(v)
    v.resize(680, 760)
    v.open()
    notes = v.editors["notes"]
    line = notes.fontMetrics().lineSpacing()
    qtbot.waitUntil(lambda: notes.height() >= 8 * line)
    assert notes.verticalScrollBar().maximum() == 0  # all of it shows, nothing to scroll
    notes.insertPlainText("\nmore" * 40)  # far past the bound: it stops there and scrolls
    qtbot.waitUntil(lambda: notes.verticalScrollBar().maximum() > 0)
    assert notes.height() < 20 * line


@pytest.mark.parametrize("points", [9, 12])
def test_their_opener_shows_its_lines_without_a_scroll_bar_of_its_own(
    qtbot: QtBot, view: ContactView, points: int
) -> None:
    """GTK's Adwaita:dark font is larger than Fusion's: the box, fixed at two lines of the
    font it was built with, clipped an opener of three lines and scrolled inside it."""
    font = view.font()
    font.setPointSize(points)
    view.setFont(font)
    view.show()
    qtbot.waitExposed(view)
    box = view.editors["opener_override"]
    assert isinstance(box, QPlainTextEdit)
    box.setPlainText("Hi {first_name}, Sam from Harbor here.\nYou asked about {reason}.\n"
                     "Is now still a good time?")  # fmt: skip
    qtbot.waitUntil(lambda: box.verticalScrollBar().maximum() == 0, timeout=2000)
    lines = box.document().documentLayout().documentSize().height()
    assert lines >= 3
    assert box.viewport().height() >= lines * box.fontMetrics().lineSpacing()


def test_a_calls_note_of_several_lines_keeps_them_apart_in_the_history() -> None:
    """"Sent the quote / Budget 40k" read "Sent the quote Budget 40k" in its row."""
    from desktop.qt.contact_view import attempt_row

    called = Attempt(Direction.OUT, NOW, Outcome.TALKED, "Sent the quote\nBudget 40k\n\nSam",
                     "the renewal")  # fmt: skip
    assert attempt_row(called, NOW)[-1] == "the renewal — Sent the quote · Budget 40k · Sam"


def test_the_last_contact_of_today_says_today_and_when(qtbot: QtBot, lookup: CallerLookup) -> None:
    """h-rep6: the contact view said 'last contact Tue 8 Dec' on Tue 8 Dec, where Search and
    the view's own Calls say 'today 14:02'."""
    from desktop.core.localtime import clock_text

    local = datetime.now().astimezone().replace(hour=15, minute=0, second=0, microsecond=0)
    talked = local.replace(hour=14, minute=2)
    cid = lookup.store.add_contact(NewContact("Søren Kjær", numbers=(
        StoredNumber("+44 20 7946 0432", "+442079460432", label="direct"),),
        attempts=(Attempt(Direction.OUT, talked.astimezone(UTC), Outcome.TALKED,
                          number_e164="+442079460432"),)))  # fmt: skip
    v = ContactView(lookup, cid, clock=lambda: local.astimezone(UTC))
    qtbot.addWidget(v)
    v.load()
    said = clock_text(talked, talked.date(), hour_cycle())
    assert v.place.text().endswith(f"last contact today {said}"), v.place.text()

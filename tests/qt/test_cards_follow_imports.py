"""A card up, ringing or missed, follows an import made by another process (`callercard
import` in a terminal): the rep sees who is calling as soon as the book knows.

Used as a rep (h-rep, session 25): "PRIYA N" rang as "Unknown number" with Who is it?, an
import named her, and her card (then her missed card) still said "Unknown number" while
`lookup`, Recent calls and Callbacks said Priya Natarajan. A New contact made from that stale
card was her duplicate.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pytestqt.qtbot import QtBot

from desktop.core.ipc import End, EndOutcome, Ring
from tests.qt.test_popup import full
from tests.qt.test_ring_pipeline import Running, start_app  # noqa: F401 (fixture)
from tests.test_cli import cc

PRIYA = "+16505550142"


def import_priya(tmp_path: Path, data: Path) -> None:
    book = tmp_path / "new.csv"
    book.write_text("Name,Company,Phone\nPriya Natarajan,Orbit Labs,+1 650 555 0142\n")
    done = cc("import", str(book), "--region", "US", data_dir=data)
    assert done.returncode == 0, done.stderr


def test_a_ringing_card_names_the_caller_an_import_from_a_terminal_adds(
    qtbot: QtBot, tmp_path: Path, start_app: Callable[..., Running]  # noqa: F811
) -> None:
    from PySide6.QtWidgets import QWidget

    running = start_app()
    app = running.app
    app.on_message(Ring(PRIYA, "PRIYA N"))
    qtbot.waitUntil(lambda: bool(running.records("shown")))
    [popup] = app.popups.popups()
    assert full(popup, "name") == "PRIYA N"
    assert popup.findChild(QWidget, "identify").isVisible()  # Who is it?

    import_priya(tmp_path, app.paths.data_dir)

    qtbot.waitUntil(lambda: full(popup, "name") == "Priya Natarajan", timeout=10_000)
    assert not popup.findChild(QWidget, "identify").isVisible()
    assert app.popups.popup_for(popup.call_key) is popup  # the same call's card, still ringing
    assert app.popups.missed_keys() == []

    # Its missed card after it names her too, with Call back.
    app.on_message(End(caller_id=PRIYA, outcome=EndOutcome.MISSED))
    [missed] = [p for p in app.popups.popups() if p.isVisible()]
    assert full(missed, "name") == "Priya Natarajan" and missed.offers_call_back()
    running.close()


def test_an_import_committed_before_the_watch_started_is_seen_too(
    qtbot: QtBot, tmp_path: Path, start_app: Callable[..., Running]  # noqa: F811
) -> None:
    """The watch starts in an idle turn after the card: an import committed in between is
    before its first look at the database, and must not leave the card unknown for good."""
    running = start_app()
    app = running.app
    app.on_message(Ring(PRIYA, "PRIYA N"))  # looked up now, painted in the next turns
    import_priya(tmp_path, app.paths.data_dir)  # no event-loop turn in between
    [popup] = app.popups.popups()
    qtbot.waitUntil(lambda: full(popup, "name") == "Priya Natarajan", timeout=10_000)
    running.close()


def test_a_missed_card_names_the_caller_an_import_from_a_terminal_adds(
    qtbot: QtBot, tmp_path: Path, start_app: Callable[..., Running]  # noqa: F811
) -> None:
    running = start_app()
    app = running.app
    app.on_message(Ring(PRIYA, "PRIYA N"))
    qtbot.waitUntil(lambda: bool(running.records("shown")))
    app.on_message(End(caller_id=PRIYA, outcome=EndOutcome.MISSED))
    [popup] = [p for p in app.popups.popups() if p.isVisible()]
    assert full(popup, "name") == "PRIYA N"

    import_priya(tmp_path, app.paths.data_dir)

    qtbot.waitUntil(lambda: full(popup, "name") == "Priya Natarajan", timeout=10_000)
    assert app.popups.missed_keys() == [popup.call_key] and popup.offers_call_back()
    running.close()


def test_cards_are_not_shown_again_for_calls_logged_elsewhere(
    qtbot: QtBot, start_app: Callable[..., Running]  # noqa: F811
) -> None:
    """Each ring commits its call record: the cards up are looked up again, but one whose
    caller is still who it was is not redrawn (it would flicker under the rep's mouse)."""
    running = start_app()
    app = running.app
    app.on_message(Ring(PRIYA, "PRIYA N"))
    qtbot.waitUntil(lambda: bool(running.records("shown")))
    other = cc("log-call", "+1 212 555 0100", "--outcome", "voicemail", "--region", "US",
               data_dir=app.paths.data_dir)  # fmt: skip
    assert other.returncode == 0, other.stderr
    qtbot.wait(800)  # the commit watch settles (250 ms) and looks
    assert running.records("card_refreshed") == []
    running.close()


def test_new_contact_for_a_number_someone_got_meanwhile_offers_them_first(
    qtbot: QtBot, tmp_path: Path, start_app: Callable[..., Running]  # noqa: F811
) -> None:
    """Who is it? was opened while nobody had the number; an import named Priya before the rep
    clicked New contact: she is offered, not a second contact on her number."""
    from PySide6.QtCore import Qt

    from desktop.qt.who_is_it import WhoIsItWindow

    running = start_app()
    app = running.app
    app.on_message(Ring(PRIYA, "PRIYA N"))
    qtbot.waitUntil(lambda: bool(running.records("shown")))
    app.on_message(End(caller_id=PRIYA, outcome=EndOutcome.MISSED))
    # Who is it? starts from the caller ID its last call recorded.
    qtbot.waitUntil(lambda: [r["outcome"] for r in running.records("recorded")]
                    == ["", "missed"])  # fmt: skip
    app.who_is_it(PRIYA)
    who = app.windows.who_is_it_window
    assert isinstance(who, WhoIsItWindow)
    picker = who.picker
    assert picker.name.text() == "PRIYA N"

    import_priya(tmp_path, app.paths.data_dir)
    [(priya, _)] = app.store.contacts_for_number(PRIYA)
    qtbot.mouseClick(picker.new_button, Qt.MouseButton.LeftButton)

    assert [c.name for c, _ in app.store.contacts_for_number(PRIYA)] == ["Priya Natarajan"]
    assert picker.shown_ids() == [priya.id] and picker.selected_id() == priya.id
    assert "+1 650-555-0142 is Priya Natarajan's already" in picker.status.text()
    assert picker.new_button.text() == "New contact anyway"
    with qtbot.waitSignal(who.settled) as settled:
        qtbot.mouseClick(picker.link_button, Qt.MouseButton.LeftButton)
    assert settled.args == [priya.id]
    assert [c.name for c, _ in app.store.contacts_for_number(PRIYA)] == ["Priya Natarajan"]
    running.close()


def test_new_contact_anyway_makes_the_second_contact_the_rep_asked_for(
    qtbot: QtBot, tmp_path: Path, start_app: Callable[..., Running]  # noqa: F811
) -> None:
    """A shared line (a front desk) is two people's: the offer is one click, not a wall."""
    from PySide6.QtCore import Qt

    from desktop.qt.who_is_it import WhoIsItWindow

    running = start_app()
    app = running.app
    app.on_message(Ring(PRIYA, "PRIYA N"))
    qtbot.waitUntil(lambda: bool(running.records("shown")))
    app.on_message(End(caller_id=PRIYA, outcome=EndOutcome.MISSED))
    app.who_is_it(PRIYA)
    who = app.windows.who_is_it_window
    assert isinstance(who, WhoIsItWindow)
    import_priya(tmp_path, app.paths.data_dir)
    who.picker.name.setText("Raj Natarajan")
    qtbot.mouseClick(who.picker.new_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(who.picker.new_button, Qt.MouseButton.LeftButton)
    names = sorted(c.name for c, _ in app.store.contacts_for_number(PRIYA))
    assert names == ["Priya Natarajan", "Raj Natarajan"]
    running.close()

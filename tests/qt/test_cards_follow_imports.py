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

"""A missed card goes when the rep calls that number back from anywhere: here, a
`callercard log-call` run in a terminal while the app shows the card (the app hears of it only
as another process's commit). A call back to someone else leaves the card up."""

from __future__ import annotations

from collections.abc import Callable

from pytestqt.qtbot import QtBot

from desktop.core.ipc import End, EndOutcome, Ring
from tests.qt.test_ring_pipeline import MIKE, Running, start_app  # noqa: F401 (fixture)
from tests.test_cli import cc


def test_a_call_back_logged_from_a_terminal_takes_the_missed_card_away(
    qtbot: QtBot, start_app: Callable[..., Running]  # noqa: F811
) -> None:
    running = start_app()
    app = running.app
    app.on_message(Ring(MIKE, "M KOWALSKI"))
    qtbot.waitUntil(lambda: bool(running.records("shown")))
    app.on_message(End(caller_id=MIKE, outcome=EndOutcome.MISSED))
    assert app.popups.missed_numbers() == [MIKE]
    data = app.paths.data_dir

    other = cc("log-call", "+1 212 555 0100", "--outcome", "voicemail", "--region", "US",
               data_dir=data)  # fmt: skip
    assert other.returncode == 0, other.stderr
    qtbot.wait(800)  # the commit watch settles (250 ms) and looks: Mike's card stays
    assert app.popups.missed_numbers() == [MIKE]

    back = cc("log-call", "(415) 555-0142", "--outcome", "talked", "--region", "US",
              data_dir=data)  # fmt: skip
    assert back.returncode == 0, back.stderr
    qtbot.waitUntil(lambda: app.popups.missed_numbers() == [], timeout=10_000)
    assert app.popups.visible_count() == 0
    running.close()


def test_a_call_back_that_reached_nobody_leaves_the_card_saying_so_as_callbacks_does(
    qtbot: QtBot, start_app: Callable[..., Running]  # noqa: F811
) -> None:
    # The card stayed up (the callback is still due) saying nothing of the try, where
    # Callbacks said "Missed call 2 min ago · Tried 14:05, no answer".
    from datetime import datetime

    from desktop.adapters.callbacks import business_hours, load_callbacks
    from tests.qt.test_popup import label

    running = start_app()
    app = running.app
    app.on_message(Ring(MIKE, "M KOWALSKI"))
    qtbot.waitUntil(lambda: bool(running.records("shown")))
    app.on_message(End(caller_id=MIKE, outcome=EndOutcome.MISSED))
    qtbot.waitUntil(lambda: [r["outcome"] for r in running.records("recorded")]
                    == ["", "missed"])  # fmt: skip
    [card] = app.popups.popups()
    assert not label(card, "promise").isVisible()

    tried = cc("log-call", "(415) 555-0142", "--outcome", "no_answer", "--region", "US",
               data_dir=app.paths.data_dir)  # fmt: skip
    assert tried.returncode == 0, tried.stderr
    qtbot.waitUntil(lambda: label(card, "promise").isVisible(), timeout=10_000)
    now = datetime.now().astimezone()
    [entry] = [e for e in load_callbacks(app.store, now, business_hours(app.settings), "24h")
               if e.item.number == MIKE]  # fmt: skip
    said = label(card, "promise").text()
    assert said.startswith("Tried ") and said.endswith(", no answer"), said
    assert entry.item.detail.endswith(f" · {said}"), entry.item.detail
    assert app.popups.missed_numbers() == [MIKE]  # still due: the card stays
    running.close()


def test_a_colleagues_missed_card_says_a_call_back_to_their_extension_rang_out(
    qtbot: QtBot, start_app: Callable[..., Running]  # noqa: F811
) -> None:
    """Ana rang from her extension 3103 and was missed; `log-call x3103 --outcome no_answer`
    left her card up saying nothing, where a number's card says 'Tried 14:05, no answer'."""
    from desktop.adapters.store import NewContact
    from desktop.core.models import StoredNumber
    from tests.qt.test_popup import label

    running = start_app()
    app = running.app
    extension = StoredNumber("x3103", None, "3103")
    with app.store.transaction():
        app.store.add_contact(NewContact(name="Ana Lopez", company="Our Team",
                                         numbers=(extension,)))  # fmt: skip
    app.on_message(Ring("3103", "Ana"))
    qtbot.waitUntil(lambda: bool(running.records("shown")))
    app.on_message(End(caller_id="3103", outcome=EndOutcome.MISSED))
    qtbot.waitUntil(lambda: [r["outcome"] for r in running.records("recorded")]
                    == ["", "missed"])  # fmt: skip
    [card] = app.popups.popups()
    assert not label(card, "promise").isVisible()

    tried = cc("log-call", "x3103", "--outcome", "no_answer", "--region", "US",
               data_dir=app.paths.data_dir)  # fmt: skip
    assert tried.returncode == 0, tried.stderr
    qtbot.waitUntil(lambda: label(card, "promise").isVisible(), timeout=10_000)
    said = label(card, "promise").text()
    assert said.startswith("Tried ") and said.endswith(", no answer"), said
    assert app.popups.missed_numbers() == ["3103"]  # still due: the card stays
    running.close()

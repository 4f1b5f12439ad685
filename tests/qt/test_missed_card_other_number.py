"""A missed card goes when the caller is reached on another of their numbers (h-rep5: Chidi
missed on 0170, then taken on 0177; Callbacks said nobody waits while his missed card stayed
up with Call back for ten minutes, and came back at the next start)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pytestqt.qtbot import QtBot

from desktop.adapters.paths import resolve_paths
from desktop.adapters.store import NewContact, Store
from desktop.core.ipc import End, EndOutcome, Ring
from desktop.core.models import StoredNumber
from tests.qt.test_ring_pipeline import MIKE, Running, start_app  # noqa: F401 (fixture)

MIKE_DESK = "+14155550177"
DANA = "+14155550122"


def _book(tmp_path: Path) -> None:
    paths = resolve_paths(str(tmp_path / "data"))
    paths.ensure()
    store = Store.open(paths.database)
    with store.transaction():
        store.add_contact(NewContact(name="Mike Kowalski", numbers=(
            StoredNumber("+1 415 555 0142", MIKE), StoredNumber("+1 415 555 0177", MIKE_DESK))))
        store.add_contact(NewContact(name="Dana Whitfield", numbers=(
            StoredNumber("+1 415 555 0122", DANA),)))
    store.close()


def _missed(running: Running, qtbot: QtBot, number: str) -> None:
    app = running.app
    shown = len(running.records("shown"))
    app.on_message(Ring(number, ""))
    qtbot.waitUntil(lambda: len(running.records("shown")) == shown + 1)
    app.on_message(End(caller_id=number, outcome=EndOutcome.MISSED))


def test_a_call_taken_on_their_other_number_takes_their_missed_card_away(
    start_app: Callable[..., Running], qtbot: QtBot, tmp_path: Path,  # noqa: F811
) -> None:
    _book(tmp_path)
    running = start_app()
    app = running.app
    _missed(running, qtbot, MIKE)
    _missed(running, qtbot, DANA)
    assert len(app.popups.missed_keys()) == 2

    app.on_message(Ring(MIKE_DESK, ""))
    qtbot.waitUntil(lambda: len(running.records("shown")) == 3)
    app.on_message(End(caller_id=MIKE_DESK, outcome=EndOutcome.ANSWERED))

    left = [app.popups.card_for(k) for k in app.popups.missed_keys()]
    assert [c.contacts[0].name for c in left if c is not None] == ["Dana Whitfield"]
    kept = app.paths.missed_cards
    qtbot.waitUntil(lambda: kept.exists() and MIKE not in kept.read_text()
                    and DANA in kept.read_text())  # fmt: skip

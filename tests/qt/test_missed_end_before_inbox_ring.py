"""A hook's `end --missed` that reaches the app before the app reads that call's ring from the
hooks' inbox (the ring was kept there while the app was stopped or starting): the ring read
afterwards leaves the missed card, once, and the call is recorded missed; a card the rep
dismissed before the end stays gone. The app in this process, a real store and inbox."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

from pytestqt.qtbot import QtBot

from desktop.adapters.hook_inbox import HookInbox
from desktop.core.ipc import End, EndOutcome, Ring
from desktop.core.models import Direction, Outcome
from desktop.core.ring_input import from_ring_message
from tests.qt.test_ring_pipeline import MIKE, Running, _calls, start_app  # noqa: F401 (fixture)


def _ring_to_the_inbox(running: Running, ring: Ring) -> None:
    """The ring's hook kept it in the inbox (the line never reached the app); the app's file
    watcher tells the writer."""
    app = running.app
    event = from_ring_message(ring, datetime.now(UTC), time.monotonic_ns()).event
    inbox = HookInbox(app.paths.hook_inbox)
    inbox.path.parent.mkdir(exist_ok=True, mode=0o700)
    inbox.append(replace(event, late=True))
    app.writes.inbox_changed()

def test_a_missed_end_read_before_its_inbox_ring_leaves_the_missed_card(
    start_app: Callable[..., Running], qtbot: QtBot  # noqa: F811
) -> None:
    running = start_app()
    app = running.app
    ring = Ring(MIKE, "M KOWALSKI", t_ns=time.monotonic_ns() - 3_000_000_000)
    app.on_message(End(caller_id=MIKE, outcome=EndOutcome.MISSED))
    assert [r["kept"] for r in running.records("ended")] == [False]  # no card of its own
    _ring_to_the_inbox(running, ring)

    qtbot.waitUntil(lambda: app.popups.missed_keys() != [], timeout=10_000)
    popup = app.popups.popup_for(app.popups.missed_keys()[0])
    assert popup is not None and "Missed call" in " ".join(popup.shown_texts())
    assert "Mike Kowalski" in popup.accessibleName()
    assert [r["card"] for r in running.records("inbox_ring")] == [False]  # no ringing card
    qtbot.waitUntil(lambda: _calls(app) == [(Direction.IN, Outcome.MISSED, "Mike Kowalski")],
                    timeout=5_000)  # fmt: skip
    assert len(app.popups.missed_keys()) == 1

def test_a_card_dismissed_before_its_missed_end_stays_gone_when_the_inbox_has_its_ring_too(
    start_app: Callable[..., Running], qtbot: QtBot  # noqa: F811
) -> None:
    """Its line reached the app late and its hook kept it in the inbox as well: the rep saw the
    card and put it away; the inbox's copy of that ring brings no missed card back."""
    running = start_app()
    app = running.app
    ring = Ring(MIKE, "M KOWALSKI", t_ns=time.monotonic_ns())
    app.on_message(ring)
    qtbot.waitUntil(lambda: bool(running.records("shown")))
    app.popups.dismiss_all()
    app.on_message(End(caller_id=MIKE, outcome=EndOutcome.MISSED))
    _ring_to_the_inbox(running, ring)

    qtbot.waitUntil(lambda: bool(running.records("inbox_ring")), timeout=10_000)
    qtbot.wait(300)
    assert app.popups.missed_keys() == []
    assert app.popups.visible_count() == 0

"""The second of two rings while the app starts is handed over after its hook recorded it
(h-rep4: "EARLIER CALLS · Today 22:05 They called" on Michael Brandt's first call): the
app's card for it finds that row in the history, and must not call it an earlier call. The
row is written as the hook writes it (desktop.hook_record, its own store connection), then
the same ring (same stamp) reaches the app running in this process."""

from __future__ import annotations

import time
from collections.abc import Callable

from pytestqt.qtbot import QtBot

from desktop.core.ipc import End, EndOutcome, Ring
from desktop.core.models import Outcome
from desktop.hook_record import record_without_app
from tests.qt.test_ring_pipeline import MIKE, Running, start_app  # noqa: F401 (fixture)


def _ring_recorded_first(running: Running, t_ns: int) -> Ring:
    ring = Ring(MIKE, "M KOWALSKI", t_ns=t_ns)
    data_dir = str(running.app.paths.data_dir)
    assert record_without_app(data_dir, "US", ring, launching=True) == 0
    return ring


def test_a_ring_its_hook_recorded_first_is_not_listed_as_an_earlier_call(
    start_app: Callable[..., Running], qtbot: QtBot,  # noqa: F811
) -> None:
    running = start_app()
    app = running.app
    # Mike's earlier call, missed 100 s ago (a stamp under ring_input.RING_AGE_MAX_S): listed.
    app.on_message(Ring(MIKE, "M KOWALSKI", t_ns=time.monotonic_ns() - 100 * 10**9))
    app.on_message(End(caller_id=MIKE, outcome=EndOutcome.MISSED))
    qtbot.waitUntil(lambda: len(app.store.calls()) == 1)
    app.popups.dismiss_all()

    ring = _ring_recorded_first(running, time.monotonic_ns() - 2 * 10**9)
    assert len(app.store.calls()) == 2  # in the history before the app has the ring
    app.on_message(ring)

    card = app.popups.card_for("hook:" + MIKE)
    assert card is not None and card.contacts
    assert [a.outcome for a in card.contacts[0].attempts] == [Outcome.MISSED]
    popup = app.popups.popup_for("hook:" + MIKE)
    assert popup is not None and popup.isVisible()
    qtbot.wait(300)  # the app records the ring after paint: it finds the hook's row
    assert len(app.store.calls()) == 2  # still one row for the ringing call


def test_a_caller_who_rings_again_at_once_keeps_the_call_that_ended_on_a_rebuilt_card(
    start_app: Callable[..., Running], qtbot: QtBot,  # noqa: F811
) -> None:
    """h-rep5: a dropped line rung back 9 s after it began; the card, built again when the
    book changed (a wrap-up saved, another process's commit), left the ended call out as if
    it were the ringing one: no Earlier calls at all."""
    running = start_app()
    app = running.app
    app.on_message(Ring(MIKE, "M KOWALSKI", t_ns=time.monotonic_ns() - 5 * 10**9))
    app.on_message(End(caller_id=MIKE, outcome=EndOutcome.ANSWERED))
    qtbot.waitUntil(lambda: [c.attempt.outcome for c in app.store.calls()] == [Outcome.TALKED])
    app.popups.dismiss_all()

    app.on_message(Ring(MIKE, "M KOWALSKI", t_ns=time.monotonic_ns()))
    qtbot.waitUntil(lambda: len(app.store.calls()) == 2)
    app.pipeline.refresh_cards()

    card = app.popups.card_for("hook:" + MIKE)
    assert card is not None and card.contacts
    assert [a.outcome for a in card.contacts[0].attempts] == [Outcome.TALKED]

"""In the running app, a call from the number of a contact deleted since, to whom the rep had
promised a call back: its card says the promise, and the call's wrap-up offers it to keep open
or call done, as a contact's next call does."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from pytestqt.qtbot import QtBot

from desktop.adapters import contact_edits
from desktop.adapters.store import NewContact
from desktop.core.ipc import End, EndOutcome, Ring
from desktop.core.models import Attempt, Direction, Outcome, StoredNumber
from tests.qt.test_popup import label
from tests.qt.test_ring_pipeline import Running, start_app  # noqa: F401 (fixture)

CHIDI = "+14155550111"


def test_a_gone_contacts_promise_is_on_the_numbers_card_and_wrap_up(
    qtbot: QtBot, start_app: Callable[..., Running]  # noqa: F811
) -> None:
    running = start_app()
    app = running.app
    store = app.store
    now = datetime.now().astimezone()
    chidi = store.add_contact(NewContact("Chidi Okafor", numbers=(StoredNumber(CHIDI, CHIDI),)))
    earlier = Attempt(Direction.IN, now - timedelta(hours=1), Outcome.TALKED, number_e164=CHIDI)
    talked = store.record_call(chidi, earlier, "test", "test:talked")
    assert talked is not None
    assert store.save_wrap_up(talked, Outcome.TALKED, "Quote for 3 trucks", "",
                              (now - timedelta(hours=2), now + timedelta(hours=3)))  # fmt: skip
    contact_edits.delete_contact(store, chidi)

    app.on_message(Ring(CHIDI, ""))
    qtbot.waitUntil(lambda: bool(running.records("shown")))
    card = app.popups.popup_for("hook:" + CHIDI)
    assert card is not None
    said = label(card, "promise")
    assert said.isVisible() and said.text().startswith("You said you'd call them back by "), (
        said.text())

    app.on_message(End(caller_id=CHIDI, outcome=EndOutcome.ANSWERED))
    qtbot.waitUntil(lambda: len(store.calls()) == 2)
    call = store.calls()[0]
    app.wrap_ups.asked(call.id)
    wrap_up = app.wrap_ups.window_for(call.id)
    assert wrap_up is not None and wrap_up.promise is not None
    assert wrap_up.promise.text().endswith(" · Quote for 3 trucks"), wrap_up.promise.text()
    assert wrap_up.keep_promise is not None and wrap_up.keep_promise.isChecked()
    wrap_up.close()

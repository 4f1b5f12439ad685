"""A missed call that first appears already over (linphonec 5.1 writes its call-history.db
row only at a call's end, softphones.md §8) leaves a missed card all the same, once: with no
ring seen, it was never shown ringing. A call whose card did ring (a hook's ring, the
softphone's row after it) keeps its one card, and an answered call leaves none. The real app
in this process, watching a call-history.db written in linphonec's own format."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from pytestqt.qtbot import QtBot

from desktop.core.ipc import End, EndOutcome, Ring, hook_call_key
from tests.adapters.test_history_source import LEGACY_SCHEMA, insert_call
from tests.qt.test_popup import label
from tests.qt.test_ring_pipeline import MIKE, Running, start_app  # noqa: F401

DANA = "+13125550199"


def test_a_missed_call_logged_only_at_its_end_leaves_one_missed_card(
    start_app: Callable[..., Running],  # noqa: F811
    tmp_path: Path,
    qtbot: QtBot,
) -> None:
    db = tmp_path / "call-history.db"
    with sqlite3.connect(db) as conn:
        conn.execute(LEGACY_SCHEMA)
    conn.close()
    running = start_app("--watch", f"linphone-legacy:{db}")
    app = running.app
    app.start_sources()

    insert_call(db, "sip:+14155550177@127.0.0.1", int(time.time()) - 5, status=0)  # answered
    rang = int(time.time()) - 20
    insert_call(db, f'"Mike K" <sip:{MIKE}@127.0.0.1>', rang)  # missed: status 2
    qtbot.waitUntil(lambda: bool(running.records("missed_card")), timeout=10_000)
    [card] = running.records("missed_card")
    assert (card["rang_unseen"], card["call_back"]) == (True, True)
    [popup] = app.popups.popups()
    assert "Mike Kowalski" in popup.accessibleName() and popup.offers_call_back()
    said = time.strftime("%H:%M", time.localtime(rang))
    assert label(popup, "tierChip").text() == f"Missed call · {said}"
    assert running.records("shown") == []  # it never rang here

    # Dana's hook rang (her card up), then linphonec wrote the same call: still one card.
    app.on_message(Ring(DANA, "DANA"))
    qtbot.waitUntil(lambda: bool(running.records("shown")))
    insert_call(db, f"sip:{DANA}@127.0.0.1", int(time.time()))
    qtbot.waitUntil(lambda: len(running.records("recorded")) >= 3, timeout=10_000)
    app.on_message(End(caller_id=DANA, outcome=EndOutcome.MISSED))
    assert len(app.popups.popups()) == 2 and len(app.popups.missed_keys()) == 2
    assert [r["caller_id"] for r in running.records("missed_card") if r.get("rang_unseen")] == [
        f"sip:{MIKE}@127.0.0.1"
    ]


def test_a_ring_only_hooks_card_folds_to_missed_when_the_log_writes_the_call_missed(
    start_app: Callable[..., Running],  # noqa: F811
    tmp_path: Path,
    qtbot: QtBot,
) -> None:
    """Jitsi's hook reports the ring and nothing else; its call log writes the call once it is
    over. The card rang for that call is the one that folds to a missed card, or closes when
    the log says the call was answered: it no longer rings on until dismissed."""
    db = tmp_path / "call-history.db"
    with sqlite3.connect(db) as conn:
        conn.execute(LEGACY_SCHEMA)
    conn.close()
    running = start_app("--watch", f"linphone-legacy:{db}")
    app = running.app
    app.start_sources()

    app.on_message(Ring(DANA, "DANA"))  # and no end: the hook reports only the ring
    qtbot.waitUntil(lambda: bool(running.records("shown")))
    insert_call(db, f"sip:{DANA}@127.0.0.1", int(time.time()) - 3)  # missed
    qtbot.waitUntil(lambda: bool(running.records("missed_card")), timeout=10_000)
    [ended] = running.records("ended")
    assert (ended["as_call"], ended["missed"], ended["kept"]) == (f"hook:{DANA}", True, True)
    [popup] = app.popups.popups()
    assert label(popup, "tierChip").text().startswith("Missed call · ")
    assert popup.offers_call_back() and app.popups.missed_keys() != []

    app.on_message(Ring(MIKE, "MIKE K"))  # answered, as the log says once it is over
    qtbot.waitUntil(lambda: len(running.records("shown")) == 2)
    insert_call(db, f"sip:{MIKE}@127.0.0.1", int(time.time()) - 2, status=0)
    qtbot.waitUntil(lambda: len(running.records("ended")) == 2, timeout=10_000)
    assert running.records("ended")[1]["closed"] is True
    [left] = app.popups.popups()
    assert left is popup  # Dana's missed card, and no second one for anybody


WITHHELD = '"Anonymous" <sip:anonymous@anonymous.invalid>'


def test_withheld_calls_logged_only_at_their_end_are_each_counted_once(
    start_app: Callable[..., Running],  # noqa: F811
    tmp_path: Path,
    qtbot: QtBot,
) -> None:
    """A withheld missed call was dropped whenever any card without a number (a "Reception"
    call ringing, another withheld caller's missed card) had rung within 10 s of it. Another
    withheld call of the same log is another caller; the one card a hook rang for the call
    the log then writes is that call."""
    db = tmp_path / "call-history.db"
    with sqlite3.connect(db) as conn:
        conn.execute(LEGACY_SCHEMA)
    conn.close()
    running = start_app("--watch", f"linphone-legacy:{db}")
    app = running.app
    app.start_sources()

    app.on_message(Ring("Reception"))  # ringing, and no withheld caller
    qtbot.waitUntil(lambda: bool(running.records("shown")))
    insert_call(db, WITHHELD, int(time.time()) - 4)
    qtbot.waitUntil(lambda: bool(running.records("missed_card")), timeout=10_000)
    insert_call(db, WITHHELD, int(time.time()) - 1)  # another withheld caller, 3 s on
    qtbot.waitUntil(lambda: len(running.records("missed_card")) == 2, timeout=10_000)
    [missed] = [p for p in app.popups.popups() if p.offers_call_back() is False
                and label(p, "tierChip").text().startswith("Missed call · ")]  # fmt: skip
    assert label(missed, "tierChip").text().endswith(" (2 withheld calls)")

    # A hook's withheld ring, folded to the missed card, then the log's row of that call.
    app.on_message(Ring("anonymous"))
    qtbot.waitUntil(lambda: len(running.records("shown")) == 2)
    app.on_message(End(call_key=hook_call_key(""), outcome=EndOutcome.MISSED))
    qtbot.waitUntil(lambda: len(running.records("missed_card")) == 3)
    logged = int(time.time())
    insert_call(db, WITHHELD, logged)
    key = f"linphone-legacy:cid-{logged}"
    qtbot.waitUntil(lambda: key in [r["call_key"] for r in running.records("recorded")],
                    timeout=10_000)  # fmt: skip
    qtbot.wait(300)  # the pipeline has it: a card of its own would be up by now
    assert len(running.records("missed_card")) == 3  # the same call: no card of its own
    [missed] = [p for p in app.popups.popups()
                if label(p, "tierChip").text().startswith("Missed call · ")]  # fmt: skip
    assert label(missed, "tierChip").text().endswith(" (3 withheld calls)")

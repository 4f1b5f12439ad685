"""Missed cards survive a restart: the real app in a child process, quit (SIGTERM, as a
logout or a PC restart sends it) with missed cards up and started again on the same data
directory, brings back those still open, in their order, and nothing else. Driven by real
`callercard ring` / `end --missed` hooks and read back from the app's --trace file."""

from __future__ import annotations

import stat
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from desktop.adapters.missed_cards_file import MissedCardsFile
from desktop.adapters.store import Store
from desktop.core.models import Attempt, Direction, Outcome
from tests.qt.test_app_e2e import RunningApp
from tests.qt.test_missed_card_e2e import a_running_twinkle, hook

MIKE = "+14155550142"  # in the demo book
BRENNAN = "+13125550199"  # nobody's
DANA = "+14155550178"  # in the demo book


def missed(app: RunningApp, number: str) -> None:
    mark = len(app.records())
    hook(app, "ring", number)
    app.wait_for(lambda r: r["stage"] == "shown", f"{number}'s card", after=mark)
    hook(app, "end", number, "--missed")
    app.wait_for(lambda r: r["stage"] == "missed_card", f"{number}'s missed card", after=mark)


def test_missed_cards_open_at_quit_come_back_in_order_and_nothing_else(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a_running_twinkle(tmp_path, monkeypatch)
    app = RunningApp(tmp_path)
    try:
        for number in (MIKE, DANA, BRENNAN):
            missed(app, number)
        mark = len(app.records())
        hook(app, "call", DANA)  # called back: that card is done with
        app.wait_for(lambda r: r["stage"] == "dialed", "the call back", after=mark)
        hook(app, "ring", "+12065550123")  # ringing at quit: a ring is never re-popped
        app.wait_for(lambda r: r["stage"] == "shown", "the ringing card", after=mark)
    finally:
        app.stop()
    kept = app.data / "missed-cards.json"
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600  # it holds callers' numbers

    mark = len(app.records())
    again = RunningApp(tmp_path)
    try:
        records = again.records()
        ready = next(i for i, r in enumerate(records) if i >= mark and r["stage"] == "ready")
        back = [r for r in records[mark:ready] if r["stage"] == "missed_card"]
        assert [(r["caller_id"], r["restored"]) for r in back] == [(MIKE, True), (BRENNAN, True)]
        assert all(r["call_back"] for r in back)
        # Nothing rang again: no ring read, no ringing card shown.
        assert not [r for r in again.records()[mark:] if r["stage"] in ("read", "shown")]

        # Brennan's card done with by calling him back: the next start brings Mike's back.
        hook(again, "call", BRENNAN)
        again.wait_for(lambda r: r["stage"] == "dialed", "Brennan called back", after=mark)
    finally:
        again.stop()
    assert [c.caller_id for c in MissedCardsFile(kept).load()] == [MIKE]


def test_a_missed_card_does_not_come_back_once_a_call_with_them_was_answered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Used as a rep: the app was killed with Kestrel's missed card up; their next call was
    taken and logged meanwhile (a softphone's call log, read at start). The card came back
    offering Call back while Callbacks said nobody was waiting."""
    a_running_twinkle(tmp_path, monkeypatch)
    app = RunningApp(tmp_path)
    try:
        missed(app, MIKE)
        missed(app, BRENNAN)
    finally:
        app.stop()
    assert [c.caller_id for c in MissedCardsFile(app.data / "missed-cards.json").load()] == [
        MIKE, BRENNAN]  # fmt: skip
    store = Store.open(app.data / "callercard.sqlite3")
    try:
        taken = Attempt(Direction.IN, datetime.now(UTC), Outcome.TALKED, number_e164=MIKE)
        assert store.record_call(None, taken, "twinkle", "twinkle:taken@1") is not None
    finally:
        store.close()

    mark = len(app.records())
    again = RunningApp(tmp_path)
    try:
        records = again.records()
        ready = next(i for i, r in enumerate(records) if i >= mark and r["stage"] == "ready")
        back = [r["caller_id"] for r in records[mark:ready] if r["stage"] == "missed_card"]
        assert back == [BRENNAN], "Mike's call was answered: his card stays gone"
    finally:
        again.stop()


def test_a_missed_card_comes_back_when_the_call_back_reached_nobody(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Used as a rep: Brennan's missed card was up at quit; the rep called him back from the
    desk phone (no answer) and logged it; the next start left his card out while Callbacks
    still listed him ('Tried 14:05, no answer'), and his next missed card said '(4 tries)'."""
    a_running_twinkle(tmp_path, monkeypatch)
    app = RunningApp(tmp_path)
    try:
        missed(app, MIKE)
        missed(app, BRENNAN)
        logged = app.cli("log-call", BRENNAN, "--outcome", "no_answer")
        assert logged.returncode == 0, logged.stderr
        # The app hears of the commit (inotify) within ms and would close the card then, and
        # save the cards 300 ms later: no trace says a card stayed, so give it that time.
        time.sleep(1.5)
    finally:
        app.stop()
    kept = MissedCardsFile(app.data / "missed-cards.json").load()
    assert [c.caller_id for c in kept] == [MIKE, BRENNAN], "the card stayed up while it ran"
    logged = app.cli("log-call", BRENNAN, "--outcome", "no_answer")  # and again, app down
    assert logged.returncode == 0, logged.stderr

    mark = len(app.records())
    again = RunningApp(tmp_path)
    try:
        records = again.records()
        ready = next(i for i, r in enumerate(records) if i >= mark and r["stage"] == "ready")
        back = [r["caller_id"] for r in records[mark:ready] if r["stage"] == "missed_card"]
        assert back == [MIKE, BRENNAN], "nobody answered: Brennan still waits for a call back"
    finally:
        again.stop()


def test_a_restored_missed_card_has_what_is_left_of_its_time_at_every_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """h-rep4: a 22:04 missed card, restored at two starts, was still up at 22:23 while the
    22:05 ones had gone: each start gave it a whole MISSED_FOR_MS again."""
    from dataclasses import replace
    from datetime import timedelta

    from desktop.qt.popup_stack import MISSED_AT_LEAST_MS, MISSED_FOR_MS

    a_running_twinkle(tmp_path, monkeypatch)
    app = RunningApp(tmp_path)
    try:
        missed(app, MIKE)
        missed(app, BRENNAN)
    finally:
        app.stop()
    kept = MissedCardsFile(app.data / "missed-cards.json")
    mike, brennan = kept.load()
    assert mike.shown is not None and brennan.shown is not None
    # As if Mike's card came up 8 minutes ago (two starts since), Brennan's 20 minutes ago.
    eight, twenty = timedelta(minutes=8), timedelta(minutes=20)
    kept.save([replace(mike, shown=mike.shown - eight),
               replace(brennan, shown=brennan.shown - twenty)])  # fmt: skip

    mark = len(app.records())
    again = RunningApp(tmp_path)
    try:
        back = again.wait_for(lambda r: r["stage"] == "missed_card" and r["caller_id"] == BRENNAN,
                              "Brennan's card back", after=mark)  # fmt: skip
        [mike_back] = [r for r in again.records()[mark:]
                       if r["stage"] == "missed_card" and r["caller_id"] == MIKE]  # fmt: skip
        whole_s, at_least_s = MISSED_FOR_MS // 1000, MISSED_AT_LEAST_MS // 1000
        assert whole_s - 8 * 60 - 30 <= mike_back["goes_in_s"] <= whole_s - 8 * 60
        assert back["goes_in_s"] == at_least_s  # its time ran out while closed: a minute
    finally:
        again.stop()
    # Kept with when they first came up, not when this start brought them back.
    assert [c.shown for c in kept.load()] == [mike.shown - eight, brennan.shown - twenty]


@pytest.mark.parametrize(("rang", "ended"), [
    (MIKE, MIKE),
    ("3103", "sip:3103@pbx.example.com"),  # an extension's two forms, as a PBX sends them
])  # fmt: skip
def test_a_missed_card_up_at_a_crash_comes_back_as_it_was_and_is_no_call_missed_while_closed(
    tmp_path: Path, rang: str, ended: str
) -> None:
    """h-rep6: after a kill -9, a missed card up at the crash came back as '(2 tries)' for
    one missed call, and the start said '1 call missed while CallerCard was closed' though
    the rep had seen its card: the crash left the app's last 'still running' stamp older
    than the call, and only the run that showed a card knew it had."""
    app = RunningApp(tmp_path)
    try:
        mark = len(app.records())
        hook(app, "ring", rang, "--name", "Front desk")
        app.wait_for(lambda r: r["stage"] == "shown", "the first ring's card", after=mark)
        hook(app, "end", ended, "--answered")
        app.wait_for(lambda r: r["stage"] == "ended", "the answered call's end", after=mark)
        mark = len(app.records())
        hook(app, "ring", ended, "--name", "Front desk")
        app.wait_for(lambda r: r["stage"] == "shown", "the second ring's card", after=mark)
        hook(app, "end", rang, "--missed")
        app.wait_for(lambda r: r["stage"] == "missed_card", "its missed card", after=mark)
        kept = MissedCardsFile(app.data / "missed-cards.json")
        deadline = time.monotonic() + 10
        while not kept.load() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [c.tries for c in kept.load()] == [1]
    finally:
        assert app.proc is not None
        app.proc.kill()  # a crash: nothing is saved at the end
        app.proc.communicate()
    # Its last stamp that it still ran was taken before the missed call (every 5 minutes).
    stamp = int(time.time()) - 120
    (app.data / "last-running.txt").write_text(f"{stamp}\n")

    mark = len(app.records())
    again = RunningApp(tmp_path)
    try:
        told = again.wait_for(lambda r: r["stage"] == "missed_while_closed",
                              "the calls missed while closed counted", after=mark)  # fmt: skip
        assert told["calls"] == 0, "its card was seen before the crash"
        cards = [r for r in again.records()[mark:] if r["stage"] == "missed_card"]
        assert [(r.get("restored"), r.get("while_closed")) for r in cards] == [(True, None)]
    finally:
        again.stop()
    assert [c.tries for c in kept.load()] == [1], "one missed call, one try"

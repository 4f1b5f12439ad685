"""Calls missed while CallerCard was not running rang no card: at the next start the rep is
told once, quietly ("3 calls missed while CallerCard was closed", a click opens Callbacks),
and no card pops for them. The real app in a child process, quit and started again on the
same data directory; the calls written meanwhile to its database (as a hook that no app
took them records them), read back from its --trace file."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from desktop.adapters.store import Store
from desktop.core.missed_while_closed import missed_while_closed_text
from desktop.core.models import Attempt, Direction, Outcome
from tests.qt.test_app_e2e import RunningApp

BRENNAN = "+13125550199"
OFFICE = "+12125550100"
TALKED_TO = "+16175550123"


def logged(store: Store, number: str | None, direction: Direction, outcome: Outcome,
           ago: timedelta = timedelta(0)) -> None:  # fmt: skip
    attempt = Attempt(direction, datetime.now(UTC) - ago, outcome, number_e164=number)
    key = f"hook:{number or ''}@{time.monotonic_ns()}"
    assert store.record_call(None, attempt, "hook", key) is not None


def test_calls_missed_while_closed_are_told_once_at_start_without_a_card_each(
    tmp_path: Path,
) -> None:
    app = RunningApp(tmp_path)
    first = app.records()
    app.stop()
    # A first start had no time it last ran: nothing to tell, and it said nothing.
    assert not [r for r in first if r["stage"] == "missed_while_closed"]

    # Closed for an hour, the calls 20 minutes ago: past a missed card's own time, they only
    # wait in Callbacks (a recent one gets its card: the ringing-at-quit test below).
    quit_at = datetime.now(UTC) - timedelta(hours=1)
    (app.data / "last-running.txt").write_text(f"{int(quit_at.timestamp())}\n")
    ago = timedelta(minutes=20)
    store = Store.open(app.data / "callercard.sqlite3")
    try:
        logged(store, BRENNAN, Direction.IN, Outcome.MISSED, ago)
        logged(store, OFFICE, Direction.IN, Outcome.MISSED, ago)
        logged(store, BRENNAN, Direction.IN, Outcome.MISSED, ago)  # he tried twice: two calls
        logged(store, None, Direction.IN, Outcome.MISSED, ago)  # withheld: nobody to call back
        logged(store, TALKED_TO, Direction.IN, Outcome.MISSED, ago)
        logged(store, TALKED_TO, Direction.OUT, Outcome.TALKED, ago)  # called back from the desk
    finally:
        store.close()

    mark = len(app.records())
    again = RunningApp(tmp_path)
    try:
        told = again.wait_for(lambda r: r["stage"] == "missed_while_closed",
                              "the calls missed while closed counted", after=mark)  # fmt: skip
        assert told["calls"] == 3, told
        after = again.records()[mark:]
        assert not [r for r in after if r["stage"] == "missed_card"], "a card per call"
        assert missed_while_closed_text(3) == "3 calls missed while CallerCard was closed"
        assert missed_while_closed_text(1) == "1 call missed while CallerCard was closed"
        # No tray here and the menu window hidden (--background): nobody has read it yet, so
        # the terminal's Callbacks says it, once.
        assert told["told"] is False
        listed = again.cli("callbacks")
        assert listed.returncode == 0, listed.stderr
        assert "3 calls missed while CallerCard was closed: they wait below" in listed.stderr
        assert "missed while" not in again.cli("callbacks").stderr
    finally:
        again.stop()

    mark = len(app.records())
    third = RunningApp(tmp_path)
    try:
        time.sleep(4)  # past the count
        said = [r for r in third.records()[mark:] if r["stage"] == "missed_while_closed"]
        assert [r["calls"] for r in said] == [0], "told once: not again at the next start"
    finally:
        third.stop()


def test_calls_missed_while_closed_that_nobody_was_told_of_are_told_at_the_next_start(
    tmp_path: Path,
) -> None:
    """A hook's --background start on a desktop with no tray and no notification service
    counted the calls missed while closed into a hidden window's status line and the log: the
    rep never learnt of them, and the next start counted only from then on."""
    app = RunningApp(tmp_path)
    app.stop()
    time.sleep(1.1)
    store = Store.open(app.data / "callercard.sqlite3")
    try:
        logged(store, BRENNAN, Direction.IN, Outcome.MISSED)
        logged(store, OFFICE, Direction.IN, Outcome.MISSED)
    finally:
        store.close()

    def started_again() -> dict[str, object]:
        mark = len(app.records())
        run = RunningApp(tmp_path)
        try:
            return run.wait_for(lambda r: r["stage"] == "missed_while_closed",
                                "the calls missed while closed counted", after=mark)  # fmt: skip
        finally:
            run.stop()

    first = started_again()
    assert (first["calls"], first["told"]) == (2, False)
    # Quit before anyone looked: the next start says them again, with what it missed itself.
    time.sleep(1.1)
    store = Store.open(app.data / "callercard.sqlite3")
    try:
        logged(store, TALKED_TO, Direction.IN, Outcome.MISSED)
    finally:
        store.close()
    mark = len(app.records())
    run = RunningApp(tmp_path)
    try:
        again = run.wait_for(lambda r: r["stage"] == "missed_while_closed",
                             "the calls missed while closed counted", after=mark)  # fmt: skip
        assert (again["calls"], again["told"]) == (3, False)
        # CallerCard launched again brings up the menu window, whose status line says it.
        assert run.cli().returncode == 0
        deadline = time.monotonic() + 10
        while (app.data / "missed-untold.txt").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not (app.data / "missed-untold.txt").exists(), "the menu window was seen"
    finally:
        run.stop()
    assert started_again()["calls"] == 0, "told once it was seen"


def test_a_call_still_ringing_at_the_quit_that_ended_missed_after_it_is_told_at_the_next_start(
    tmp_path: Path,
) -> None:
    """A hook's ring came while the app ran (its card up, its row recorded), the rep quit,
    and the call's `end --missed` came after: the hook finished the row the app had recorded.
    It rang before the quit and was recorded before the next start, so the count, by ring
    time and by what was recorded at the start, said nothing of it. Real hooks."""
    app = RunningApp(tmp_path)
    try:
        rang = app.cli("ring", BRENNAN)
        assert rang.returncode == 0, rang.stderr
        app.wait_for(lambda r: r["stage"] == "recorded" and r["caller_id"] == BRENNAN,
                     "the ring recorded")  # fmt: skip
    finally:
        app.stop()
    time.sleep(1.1)  # ends in a later second than the quit
    ended = app.cli("end", "--missed", BRENNAN)
    assert ended.returncode == 4, ended.stderr  # no app: the hook finished the call itself

    mark = len(app.records())
    again = RunningApp(tmp_path)
    try:
        told = again.wait_for(lambda r: r["stage"] == "missed_while_closed",
                              "the calls missed while closed counted", after=mark)  # fmt: skip
        # h-rep4: missed a second after the quit, it was what the rep was about to call back,
        # yet no card came and a start with no tray said nothing the rep could see.
        card = again.wait_for(lambda r: r["stage"] == "missed_card", "its missed card",
                              after=mark)  # fmt: skip
        assert (card["caller_id"], card["while_closed"], card["call_back"]) == (
            BRENNAN, True, True)  # fmt: skip
        assert 8 * 60 < card["goes_in_s"] <= 10 * 60  # its time counts from the quit
    finally:
        again.stop()
    assert (told["calls"], told["told"]) == (1, False), told
    # Nobody saw it (no tray, the window hidden): kept, with the call that rang before its
    # period, for the terminal's Callbacks to say.
    listed = app.cli("callbacks")
    assert listed.returncode == 0, listed.stderr
    assert "1 call missed while CallerCard was closed: they wait below" in listed.stderr

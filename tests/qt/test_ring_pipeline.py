"""The app in this process (offscreen): calls arriving every way a call arrives go through
its one ring pipeline, over a real store, real sources and the real card stack."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from desktop.adapters.store import NewContact, Store
from desktop.core.dialects.linphone import CallStatus
from desktop.core.events import CallEvent, CallState
from desktop.core.ipc import End, EndOutcome, Ring
from desktop.core.models import Direction, Outcome, StoredNumber
from desktop.core.ring_input import from_call_event
from desktop.qt.app import CallerCardApp
from tests.softphone_writers import LinphoneLikeWriter

MIKE = "+14155550142"
MIKE_URI = "sip:+14155550142@sip.example.com;user=phone"


@dataclass
class Running:
    app: CallerCardApp
    trace: Path
    instance: Any
    closed: bool = False

    def records(self, stage: str) -> list[dict[str, Any]]:
        if not self.trace.exists():
            return []
        lines = self.trace.read_text(encoding="utf-8").splitlines()
        return [r for r in map(json.loads, lines) if r["stage"] == stage]

    def close(self) -> None:
        from PySide6.QtWidgets import QApplication

        self.closed = True
        self.app.popups.dismiss_all()
        # As after the event loop has returned: what the writer answers from here on is for
        # nobody (the store it would be counted in is closing).
        QApplication.sendPostedEvents()
        self.app.bridge.blockSignals(True)
        self.app.shutdown()
        self.instance.release()


@pytest.fixture
def start_app(qtbot: QtBot, tmp_path: Path) -> Iterator[Callable[..., Running]]:
    from desktop.adapters.instance_address import instance_address
    from desktop.adapters.paths import resolve_paths
    from desktop.cli import build_parser
    from desktop.qt.single_instance import SingleInstance

    data = tmp_path / "data"
    running: list[Running] = []

    def start(*extra: str, settings: dict[str, object] | None = None) -> Running:
        trace = tmp_path / f"trace-{len(running)}.jsonl"
        args = build_parser().parse_args(
            ["--data-dir", str(data), "--region", "US", "--background", "--trace", str(trace),
             *extra]
        )  # fmt: skip
        paths = resolve_paths(args.data_dir)
        paths.ensure()
        if settings is not None:
            paths.settings.write_text(json.dumps({"version": 1, **settings}))
        store = Store.open(paths.database)
        if store.count_contacts() == 0:
            with store.transaction():
                number = StoredNumber("+1 415 555 0142", MIKE)
                store.add_contact(NewContact(name="Mike Kowalski", numbers=(number,)))
        store.close()
        instance = SingleInstance(instance_address(paths.data_dir))
        assert instance.acquire()
        app = CallerCardApp(args, paths, instance, demo=False)
        running.append(Running(app, trace, instance))
        return running[-1]

    yield start
    for each in running:
        if not each.closed:
            each.close()


def _calls(app: CallerCardApp) -> list[tuple[Direction, Outcome, str]]:
    return [
        (c.attempt.direction, c.attempt.outcome, c.contact.name if c.contact else "")
        for c in app.store.calls()
    ]


def test_a_hooks_ring_shows_the_callers_card_and_its_end_closes_it(
    start_app: Callable[..., Running], qtbot: QtBot
) -> None:
    running = start_app()
    app = running.app
    app.on_message(Ring(MIKE, "M KOWALSKI"))
    popup = app.popups.popup_for("hook:" + MIKE)
    assert popup is not None and popup.isVisible()
    assert "Mike Kowalski" in popup.accessibleName()
    qtbot.waitUntil(lambda: bool(running.records("shown")))
    app.on_message(End(caller_id=MIKE, outcome=EndOutcome.ANSWERED))
    assert not popup.isVisible()
    assert [r["closed"] for r in running.records("ended")] == [True]
    qtbot.waitUntil(lambda: _calls(app) == [(Direction.IN, Outcome.TALKED, "Mike Kowalski")])


def test_a_missed_end_keeps_the_card_as_a_missed_call_and_logs_it(
    start_app: Callable[..., Running], qtbot: QtBot
) -> None:
    running = start_app()
    app = running.app
    app.on_message(Ring(MIKE, "M KOWALSKI"))
    qtbot.waitUntil(lambda: bool(running.records("shown")))
    app.on_message(End(caller_id=MIKE, outcome=EndOutcome.MISSED))
    ended = running.records("ended")
    assert [(r["missed"], r["kept"], r["closed"]) for r in ended] == [(True, True, False)]
    assert app.popups.visible_count() == 1
    qtbot.waitUntil(lambda: _calls(app) == [(Direction.IN, Outcome.MISSED, "Mike Kowalski")])


def test_calling_back_from_the_softphone_itself_takes_the_missed_card_away(
    start_app: Callable[..., Running], qtbot: QtBot
) -> None:
    running = start_app()
    app = running.app
    app.on_message(Ring(MIKE, "M KOWALSKI"))
    qtbot.waitUntil(lambda: bool(running.records("shown")))
    app.on_message(End(caller_id=MIKE, outcome=EndOutcome.MISSED))
    assert app.popups.missed_keys() != []
    # Another number dialled: Mike's missed card stays.
    app.pipeline.arrive(from_call_event(CallEvent(
        "baresip", Direction.OUT, CallState.RINGING, "sip:+12125550100@sip.example.com", "",
        datetime.now(UTC), call_key="out-1")))  # fmt: skip
    assert app.popups.visible_count() == 1
    # The rep dials Mike from the softphone (as its log or event stream reports it).
    app.pipeline.arrive(from_call_event(CallEvent(
        "baresip", Direction.OUT, CallState.RINGING, "sip:4155550142@sip.example.com", "",
        datetime.now(UTC), call_key="out-2")))  # fmt: skip
    assert app.popups.missed_keys() == [] and app.popups.visible_count() == 0
    assert [r["missed_cards_closed"] for r in running.records("called_back")] == [1]


def test_a_call_both_the_hook_and_the_call_log_report_is_one_card_either_end_closes(
    start_app: Callable[..., Running], qtbot: QtBot
) -> None:
    running = start_app()
    app = running.app
    app.on_message(Ring(MIKE, "M KOWALSKI"))
    log_ring = CallEvent("microsip", Direction.IN, CallState.RINGING, MIKE, "", datetime.now(UTC),
                         call_key="microsip:7")  # fmt: skip
    app.bridge.event_from_thread(log_ring)
    qtbot.waitUntil(lambda: bool(running.records("same_call")))
    assert running.records("same_call")[0]["as_call"] == "hook:" + MIKE
    assert app.popups.visible_count() == 1
    app.pipeline.arrive(from_call_event(
        CallEvent("microsip", Direction.IN, CallState.ENDED, MIKE, "", datetime.now(UTC),
                  call_key="microsip:7")))  # fmt: skip
    assert app.popups.visible_count() == 0
    assert running.records("ended")[0]["as_call"] == "hook:" + MIKE


def test_a_ring_while_paused_is_recorded_but_not_shown(
    start_app: Callable[..., Running], qtbot: QtBot
) -> None:
    running = start_app(settings={"popups_paused": True})
    app = running.app
    app.on_message(Ring(MIKE, "M KOWALSKI"))
    assert app.popups.visible_count() == 0
    assert running.records("matched")[0]["match"] == "exact"
    qtbot.waitUntil(lambda: [r["outcome"] for r in running.records("recorded")] != [])
    assert _calls(app)[0][2] == "Mike Kowalski"
    assert running.records("shown") == []


@pytest.mark.parametrize("caller_id", ["anonymous", "", "sip:anonymous@anonymous.invalid"])
def test_a_withheld_caller_is_never_matched(
    start_app: Callable[..., Running], qtbot: QtBot, caller_id: str
) -> None:
    running = start_app()
    app = running.app
    app.on_message(Ring(caller_id))
    qtbot.waitUntil(lambda: bool(running.records("matched")))  # written once its card painted
    matched = running.records("matched")[0]
    assert (matched["match"], matched["contacts"]) == ("withheld", [])
    popup = app.popups.popup_for("hook:")  # every withheld caller ID keys as "" does
    assert popup is not None and "Mike" not in popup.accessibleName()
    qtbot.waitUntil(lambda: bool(running.records("recorded")))
    assert _calls(app)[0][2] == ""


def test_the_welcomes_test_ring_shows_a_card_and_logs_no_call(
    start_app: Callable[..., Running], qtbot: QtBot
) -> None:
    running = start_app()
    app = running.app
    app.test_ring()
    popup = app.popups.popup_for("test-ring")
    assert popup is not None and popup.isVisible()
    qtbot.waitUntil(lambda: bool(running.records("shown")))
    qtbot.wait(100)  # past the delay after which a ring is written
    assert running.records("recorded") == [] and _calls(app) == []


def test_a_restart_never_re_pops_a_call_its_log_already_had(
    start_app: Callable[..., Running], qtbot: QtBot, tmp_path: Path
) -> None:
    db = tmp_path / "linphone" / "linphone.db"
    db.parent.mkdir()
    writer = LinphoneLikeWriter(db)
    try:
        before = writer.ring("sip:+14155550100@sip.example.com", "Taken before the start")
        writer.answer(before)  # still ringing, it would pop (tests/test_ring_at_start.py)
        first = start_app("--watch", f"linphone:{db}")
        first.app.start_sources()
        ringing = writer.ring(MIKE_URI, "MIKE K")
        qtbot.waitUntil(lambda: bool(first.records("shown")), timeout=10_000)
        assert [r["caller_id"] for r in first.records("read")] == [MIKE_URI]
        first.close()
        writer.answer(ringing)  # taken while the app was down: a call it had already popped

        again = start_app("--watch", f"linphone:{db}")
        again.app.start_sources()
        writer.end(ringing, duration=30)
        writer.end(before, duration=90)
        new = writer.ring("sip:+14155550177@sip.example.com", "New caller")
        qtbot.waitUntil(lambda: bool(again.records("shown")), timeout=10_000)
        read = [r["caller_id"] for r in again.records("read")]
        assert read == ["sip:+14155550177@sip.example.com"]
        assert again.app.popups.visible_count() == 1
        writer.end(new, CallStatus.SUCCESS)
        qtbot.waitUntil(lambda: again.app.popups.visible_count() == 0, timeout=10_000)
    finally:
        writer.close()


def test_hundreds_of_calls_leave_no_call_behind_in_memory(
    start_app: Callable[..., Running], qtbot: QtBot
) -> None:
    """A day of calls in a few seconds: hooks and call logs ringing for the same call, callers
    known and unknown, answered and missed. Once every call has ended nothing is kept for any
    of them but the missed cards of callers not taken since (MAX_CARDS of them on screen, the
    others waiting for room, one per caller), and the card objects alive are those, not one
    per call."""
    import gc

    from desktop.core.card import Card
    from desktop.qt.popup_stack import MAX_CARDS

    running = start_app()
    app = running.app
    calls = 200
    for i in range(calls):
        number = MIKE if i % 3 else f"+1628555{i:04d}"  # every third caller is unknown
        app.on_message(Ring(number, "M KOWALSKI", call_key=f"c{i}"))
        # The phone's call log reports the same call: one card, either end closes it.
        app.pipeline.arrive(from_call_event(CallEvent(
            "microsip", Direction.IN, CallState.RINGING, number, "", datetime.now(UTC),
            call_key=f"microsip:{i}")))  # fmt: skip
        qtbot.waitUntil(lambda i=i: len(running.records("shown")) == i + 1)
        state = CallState.MISSED if i % 4 == 0 else CallState.ENDED
        app.pipeline.arrive(from_call_event(CallEvent(
            "microsip", Direction.IN, state, number, "", datetime.now(UTC),
            call_key=f"microsip:{i}")))  # fmt: skip
        app.on_message(End(call_key=f"c{i}", caller_id=number))
    qtbot.waitUntil(lambda: len(running.records("recorded")) >= calls)
    assert len(running.records("same_call")) == calls
    assert app.pipeline.calls_in_flight() == 0
    # Each unknown caller missed; not Mike, whose last call was taken (his card went then).
    missed_callers = len(range(0, calls, 12))
    assert len(app.popups.missed_keys()) == missed_callers
    # MAX_CARDS at most on screen (one fewer here, where "+N more" takes a card's room), the
    # others waiting and counted there.
    assert MAX_CARDS - 1 <= app.popups.visible_count() <= MAX_CARDS
    waiting = app.popups.missed_waiting()
    assert waiting == missed_callers - app.popups.visible_count()
    assert app.popups.more_entry().text() == f"+{waiting} missed calls"
    assert app.popups.collapsed_count() == 0
    assert app.popups.built_count() <= MAX_CARDS
    gc.collect()
    cards = sum(isinstance(o, Card) for o in gc.get_objects())
    assert cards <= 3 * MAX_CARDS + missed_callers, f"{cards} cards alive after {calls} calls"


def test_rings_that_never_end_keep_a_bounded_number_of_calls(
    start_app: Callable[..., Running], qtbot: QtBot
) -> None:
    """A softphone with only the ring hook set up, and its call log ringing too: no end ever
    comes. The cards and the "+N more" entry keep the newest calls; the pipeline keeps nothing
    for the calls the stack let go."""
    from desktop.qt.popup_stack import MAX_CARDS, MAX_WAITING

    running = start_app()
    app = running.app
    calls = MAX_CARDS + MAX_WAITING + 40
    for i in range(calls):
        number = f"+1628555{i:04d}"
        app.on_message(Ring(number, "", call_key=f"c{i}"))
        app.pipeline.arrive(from_call_event(CallEvent(
            "microsip", Direction.IN, CallState.RINGING, number, "", datetime.now(UTC),
            call_key=f"microsip:{i}")))  # fmt: skip
    qtbot.waitUntil(lambda: len(running.records("same_call")) == calls)
    assert app.popups.collapsed_count() == MAX_WAITING
    assert app.pipeline.calls_in_flight() <= 2 * (app.popups.visible_count() + MAX_WAITING)
    assert app.popups.has_popup(f"c{calls - 1}") and not app.popups.has_popup("c0")


def test_a_missed_cards_local_time_keeps_up_with_the_callers_clock(
    start_app: Callable[..., Running], qtbot: QtBot
) -> None:
    """A missed call's card stays up for minutes, and an answered call's for the whole call:
    the caller's local time on it follows their clock, and only that line changes."""
    from datetime import timedelta

    from desktop.core.localtime import local_time_for

    running = start_app()
    app = running.app
    app.on_message(Ring(MIKE, "M KOWALSKI"))
    qtbot.waitUntil(lambda: bool(running.records("shown")))
    app.on_message(End(caller_id=MIKE, outcome=EndOutcome.MISSED))
    [popup] = app.popups.popups()
    time_line = popup.text_part("localTime")
    assert time_line is not None
    shown_before = time_line.full_text()
    later = datetime.now(UTC) + timedelta(hours=3, minutes=7)
    expected = local_time_for(MIKE, later, "US", app.lookup.place_lookup,
                              hour_cycle=app.lookup.hour_cycle).text  # fmt: skip
    app.pipeline.tick_clocks(later)
    assert time_line.full_text() != shown_before
    assert time_line.full_text().startswith(expected)
    assert "Missed call" in " ".join(popup.shown_texts()), "still the missed call's card"


def test_a_missed_card_brought_back_at_start_keeps_its_callers_clock(
    start_app: Callable[..., Running], qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Used as a rep: Jürgen's missed card, back after a restart, said "18:14 · Berlin" at
    18:16 there and on: only a card that rang started the clock's tick."""
    from datetime import timedelta

    from desktop.adapters.missed_cards_file import OpenMissedCard
    from desktop.qt import ring_pipeline

    monkeypatch.setattr(ring_pipeline, "CLOCK_TICK_MS", 50)
    running = start_app()
    app = running.app
    now = datetime.now(UTC)
    assert app.pipeline.reopen_missed(OpenMissedCard(MIKE, "M KOWALSKI", now, 1)) is not None
    [popup] = app.popups.popups()
    time_line = popup.text_part("localTime")
    assert time_line is not None
    card = popup.card
    assert card is not None
    current = time_line.full_text()
    popup.update_local_time(app.lookup.local_time_now(card.number, now - timedelta(hours=2)))
    stale = time_line.full_text()
    assert stale != current, "set two hours back"
    # Any tick puts it back to the caller's time now (a minute may have turned meanwhile).
    qtbot.waitUntil(lambda: time_line.full_text() != stale, timeout=3000)


def test_a_restored_missed_card_that_waited_for_room_shows_the_callers_clock_of_now(
    start_app: Callable[..., Running], qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A missed card restored at start while calls ring on every card waits off the screen:
    when a card's room was free, it came up with the caller's time of its lookup (minutes
    or, here, two hours old) and kept it until the next tick, which a card that waited never
    started. It comes up with the caller's time now."""
    from datetime import timedelta

    from desktop.adapters.missed_cards_file import OpenMissedCard

    running = start_app()
    app = running.app
    now = datetime.now(UTC)
    rung: list[str] = []
    from desktop.qt.popup_stack import MAX_CARDS

    while len(rung) < MAX_CARDS:  # a call rings on every card there is
        number = f"+1415555{len(rung) + 200:04d}"
        app.on_message(Ring(number, ""))
        rung.append(number)
    qtbot.waitUntil(lambda: bool(running.records("shown")))
    looked_up = app.lookup.card_for_number

    def looked_up_long_ago(caller_id: str, number: Any, now_: Any = None, **kw: Any) -> Any:
        return looked_up(caller_id, number, now - timedelta(hours=2), **kw)

    monkeypatch.setattr(app.lookup, "card_for_number", looked_up_long_ago)
    key = app.pipeline.reopen_missed(OpenMissedCard(MIKE, "M KOWALSKI", now, 1))
    monkeypatch.undo()
    assert key is not None and app.popups.popup_for(key) is None, "it waits for room"
    card = app.popups.card_for(key)
    assert card is not None
    stale = card.local_time.text
    expected = app.lookup.local_time_now(card.number).text
    assert stale != expected, "looked up two hours back"
    for number in rung:  # answered, one by one: room comes free
        app.on_message(End(caller_id=number, outcome=EndOutcome.ANSWERED))
    popup = app.popups.popup_for(key)
    assert popup is not None and popup.isVisible()
    time_line = popup.text_part("localTime")
    assert time_line is not None
    assert time_line.full_text().startswith(expected), (time_line.full_text(), expected)
    assert app.pipeline._clocks.isActive(), "and it follows the clock from then on"


def _missed_then_rings_again(running: Running, qtbot: QtBot) -> None:
    app = running.app
    app.on_message(Ring(MIKE, "M KOWALSKI"))
    qtbot.waitUntil(lambda: bool(running.records("shown")))
    app.on_message(End(caller_id=MIKE, outcome=EndOutcome.MISSED))
    assert len(app.popups.missed_keys()) == 1
    qtbot.waitUntil(lambda: app.paths.missed_cards.exists()
                    and MIKE in app.paths.missed_cards.read_text())  # fmt: skip
    app.on_message(Ring(MIKE, "M KOWALSKI"))
    qtbot.waitUntil(lambda: len(running.records("shown")) == 2)


def _missed_card_gone(running: Running, qtbot: QtBot) -> None:
    """Closed on screen and forgotten for the next start."""
    app = running.app
    assert app.popups.missed_keys() == [] and app.popups.visible_count() == 0
    assert [r["missed_cards_closed"] for r in running.records("answered")] == [1]
    kept = app.paths.missed_cards
    qtbot.waitUntil(lambda: not kept.exists() or MIKE not in kept.read_text())


def test_a_hooks_answered_end_of_the_callers_next_call_takes_the_missed_card_away(
    start_app: Callable[..., Running], qtbot: QtBot
) -> None:
    """Used as a rep: Mike was missed, rang again and was taken (`end --answered`); his
    missed card stayed up with Call back for ten minutes beside the wrap-up, while Callbacks
    said nobody was waiting."""
    running = start_app()
    _missed_then_rings_again(running, qtbot)
    running.app.on_message(End(caller_id=MIKE, outcome=EndOutcome.ANSWERED))
    _missed_card_gone(running, qtbot)


def test_a_hooks_plain_end_after_the_logs_missed_keeps_the_calls_own_missed_card(
    start_app: Callable[..., Running], qtbot: QtBot
) -> None:
    """A hook that sends a plain `end` for every call, missed or not, beside the softphone's
    log that says missed: the one missed call keeps its card."""
    running = start_app()
    app = running.app
    app.on_message(Ring(MIKE, "M KOWALSKI", call_key="c1"))
    app.pipeline.arrive(from_call_event(CallEvent(
        "microsip", Direction.IN, CallState.RINGING, MIKE, "", datetime.now(UTC),
        call_key="microsip:1")))  # fmt: skip
    qtbot.waitUntil(lambda: bool(running.records("same_call")))
    app.pipeline.arrive(from_call_event(CallEvent(
        "microsip", Direction.IN, CallState.MISSED, MIKE, "", datetime.now(UTC),
        call_key="microsip:1")))  # fmt: skip
    app.on_message(End(call_key="c1", caller_id=MIKE))
    assert len(app.popups.missed_keys()) == 1 and running.records("answered") == []


def test_a_softphone_logs_taken_call_takes_the_missed_card_away(
    start_app: Callable[..., Running], qtbot: QtBot
) -> None:
    """MicroSIP writes nothing at an answer: the taken call is known at its end (ENDED)."""
    running = start_app()
    _missed_then_rings_again(running, qtbot)
    running.app.pipeline.arrive(from_call_event(CallEvent(
        "microsip", Direction.IN, CallState.ENDED, MIKE, "", datetime.now(UTC),
        call_key="microsip:8")))  # fmt: skip
    _missed_card_gone(running, qtbot)


def test_a_call_whose_end_nobody_wrote_leaves_the_missed_card(
    start_app: Callable[..., Running], qtbot: QtBot
) -> None:
    """A call that only vanished from its log (CallGone) is not known to have been taken:
    Callbacks keeps Mike due, and so does his card."""
    from desktop.core.events import CallGone

    running = start_app()
    app = running.app
    app.on_message(Ring(MIKE, "M KOWALSKI"))
    qtbot.waitUntil(lambda: bool(running.records("shown")))
    app.on_message(End(caller_id=MIKE, outcome=EndOutcome.MISSED))
    app.pipeline.arrive(from_call_event(CallGone(
        "microsip", Direction.IN, CallState.ENDED, MIKE, "", datetime.now(UTC),
        call_key="microsip:9")))  # fmt: skip
    assert len(app.popups.missed_keys()) == 1 and running.records("answered") == []


def test_the_logs_taken_report_of_the_hooks_missed_call_keeps_its_missed_card(
    start_app: Callable[..., Running], qtbot: QtBot
) -> None:
    """One call, two reports that disagree: the hook said `end --missed`, then the softphone's
    log wrote the same call as taken (ENDED). The card of the call the rep did not answer
    stays: only a later call taken closes it."""
    running = start_app()
    app = running.app
    rang = datetime.now(UTC)
    app.on_message(Ring(MIKE, "M KOWALSKI"))
    qtbot.waitUntil(lambda: bool(running.records("shown")))
    app.on_message(End(caller_id=MIKE, outcome=EndOutcome.MISSED))
    assert len(app.popups.missed_keys()) == 1
    app.pipeline.arrive(from_call_event(CallEvent(
        "microsip", Direction.IN, CallState.ENDED, MIKE, "", rang,
        call_key="microsip:7")))  # fmt: skip

    assert len(app.popups.missed_keys()) == 1 and running.records("answered") == []


def test_a_hooks_answered_end_of_the_missed_call_itself_keeps_its_missed_card(
    start_app: Callable[..., Running], qtbot: QtBot
) -> None:
    """The softphone's log said missed, then its hook's end of that same call said answered."""
    running = start_app()
    app = running.app
    app.on_message(Ring(MIKE, "M KOWALSKI", call_key="c1"))
    qtbot.waitUntil(lambda: bool(running.records("shown")))
    app.on_message(End(call_key="c1", caller_id=MIKE, outcome=EndOutcome.MISSED))
    assert len(app.popups.missed_keys()) == 1
    app.on_message(End(call_key="c1", caller_id=MIKE, outcome=EndOutcome.ANSWERED))

    assert len(app.popups.missed_keys()) == 1 and running.records("answered") == []


def test_a_later_call_the_log_wrote_taken_takes_the_missed_card_away(
    start_app: Callable[..., Running], qtbot: QtBot
) -> None:
    """The next call, whose ring no card showed (a log written at the call's end), began a
    minute after the missed one: it closes that card."""
    from datetime import timedelta

    running = start_app()
    app = running.app
    app.on_message(Ring(MIKE, "M KOWALSKI"))
    qtbot.waitUntil(lambda: bool(running.records("shown")))
    app.on_message(End(caller_id=MIKE, outcome=EndOutcome.MISSED))
    app.pipeline.arrive(from_call_event(CallEvent(
        "microsip", Direction.IN, CallState.ENDED, MIKE, "",
        datetime.now(UTC) + timedelta(minutes=1), call_key="microsip:8")))  # fmt: skip

    assert app.popups.missed_keys() == []
    assert [r["missed_cards_closed"] for r in running.records("answered")] == [1]


def _left_in_the_inbox(start_app: Callable[..., Running], tmp_path: Path, rang_s: float,
                       ended_s: float) -> Running:  # fmt: skip
    """Mike's ring and `end --missed`, `rang_s` and `ended_s` seconds ago, both kept in the
    hooks' inbox by hooks that found the app still starting; the app then starts."""
    from datetime import timedelta

    from desktop.adapters.hook_inbox import HookInbox
    from desktop.adapters.paths import resolve_paths
    from desktop.core.ring_input import from_end_message, from_ring_message

    paths = resolve_paths(str(tmp_path / "data"))
    paths.ensure()
    paths.hook_inbox.parent.mkdir(exist_ok=True, mode=0o700)
    now = datetime.now(UTC)
    ring = from_ring_message(Ring(MIKE, "M KOWALSKI"), now - timedelta(seconds=rang_s), 0)
    end = from_end_message(End(caller_id=MIKE, outcome=EndOutcome.MISSED),
                           now - timedelta(seconds=ended_s), 0)  # fmt: skip
    inbox = HookInbox(paths.hook_inbox)
    inbox.append(replace(ring.event, late=True))
    inbox.append(replace(end.event, late=True))
    return start_app()


def test_a_call_missed_while_the_app_started_leaves_its_missed_card(
    start_app: Callable[..., Running], qtbot: QtBot, tmp_path: Path
) -> None:
    """The app took a minute to start (a cold login): the ring was too old for a card by
    then, and the end 20 s old; the rep is at the desk and gets the missed card with Call
    back, as for a call missed while the app ran (it was in Callbacks only)."""
    running = _left_in_the_inbox(start_app, tmp_path, rang_s=60, ended_s=20)
    app = running.app
    qtbot.waitUntil(lambda: len(running.records("recorded")) == 2, timeout=10_000)
    qtbot.waitUntil(lambda: app.popups.missed_keys() != [], timeout=5_000)
    popup = app.popups.popup_for(app.popups.missed_keys()[0])
    assert popup is not None and "Missed call" in " ".join(popup.shown_texts())
    assert "Mike Kowalski" in popup.accessibleName()


def test_a_call_missed_long_before_the_app_started_is_in_callbacks_only(
    start_app: Callable[..., Running], qtbot: QtBot, tmp_path: Path
) -> None:
    """Ended an hour before: the rep has long left the desk; no card for it."""
    running = _left_in_the_inbox(start_app, tmp_path, rang_s=3630, ended_s=3600)
    qtbot.waitUntil(lambda: len(running.records("recorded")) == 2, timeout=10_000)
    qtbot.wait(300)
    assert running.app.popups.missed_keys() == []
    assert running.app.popups.visible_count() == 0

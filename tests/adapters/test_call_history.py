"""What the softphones report ends up in the history: once, against the right contact, and an
outbound call asks for its wrap-up exactly when the rep has just hung up."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from desktop.adapters.bundled import default_opener_templates
from desktop.adapters.call_history import CallHistory
from desktop.adapters.lookup import CallerLookup
from desktop.adapters.sources.history import HISTORY_DIALECTS, HistorySource
from desktop.adapters.store import NewContact, Store
from desktop.core.dialects.end_of_call import HistoryEvent, history_event
from desktop.core.events import CallEvent, CallState
from desktop.core.models import Direction, Outcome, StoredNumber
from desktop.core.numbers import NumberPolicy

NOW = datetime.now(UTC).replace(microsecond=0)
JANE = "+14155550123"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(tmp_path / "callercard.sqlite3")
    yield store
    store.close()


@pytest.fixture
def jane(store: Store) -> int:
    return store.add_contact(
        NewContact(
            "Jane Doe",
            company="Acme",
            reason="Asked for the Q3 pricing sheet",
            numbers=(StoredNumber("(415) 555-0123", JANE),),
        )
    )


@pytest.fixture
def history(store: Store) -> CallHistory:
    lookup = CallerLookup(store, NumberPolicy("US"), default_opener_templates())
    return CallHistory(store, lookup)


def logged(number: str, *, direction: Direction = Direction.OUT, answered: bool = True,
           minutes_ago: float = 1, key: str = "1", catch_up: bool = False,
           cursor: str = "", origin: str = "") -> HistoryEvent:  # fmt: skip
    started = NOW - timedelta(minutes=minutes_ago)
    event = history_event(
        source="twinkle", direction=direction, answered=answered, number=number, name="",
        started=started, ended=started + timedelta(seconds=40), key=key, where="twinkle.ch line 2",
    )  # fmt: skip
    return HistoryEvent(**{**event.__dict__, "catch_up": catch_up, "cursor": cursor,
                           "origin": origin})  # fmt: skip


def attempts(store: Store) -> list[tuple[object, ...]]:
    return store.connection.execute(
        "SELECT contact_id, direction, outcome, reason, number_e164, source FROM attempts "
        "ORDER BY id"
    ).fetchall()


def test_an_outbound_call_to_a_contact_becomes_an_attempt_with_a_wrap_up(
    store: Store, history: CallHistory, jane: int
) -> None:
    recorded = history.record(logged(f"sip:{JANE}@sip.example.com;user=phone"))

    assert recorded is not None
    assert (recorded.contact_id, recorded.direction, recorded.wrap_up) == (jane, Direction.OUT,
                                                                          True)  # fmt: skip
    # Why we called is carried over from the contact until the wrap-up says otherwise.
    assert attempts(store) == [(jane, "out", "", "Asked for the Q3 pricing sheet", JANE, "twinkle")]
    contact = store.contact(jane)
    assert contact is not None and contact.last_contacted is not None


def test_the_same_call_read_again_is_neither_stored_nor_wrapped_up_twice(
    store: Store, history: CallHistory, jane: int
) -> None:
    assert history.record(logged(JANE)) is not None
    assert history.record(logged(JANE)) is None
    assert len(attempts(store)) == 1


def test_an_unanswered_outbound_call_is_prefilled_no_answer(
    store: Store, history: CallHistory, jane: int
) -> None:
    recorded = history.record(logged(JANE, answered=False))
    assert recorded is not None and recorded.outcome is Outcome.NO_ANSWER
    assert attempts(store)[0][2] == "no_answer"


def test_an_outbound_call_to_a_stranger_is_not_an_attempt(
    store: Store, history: CallHistory, jane: int
) -> None:
    assert history.record(logged("+14155550199")) is None
    assert attempts(store) == []


def test_missed_calls_are_history_known_or_not_and_so_are_extensions(
    store: Store, history: CallHistory, jane: int
) -> None:
    """A PBX extension's call was dropped from the history ("not a phone number"): the rep got
    it all the same. It is kept with its caller ID, and no E.164."""
    incoming = Direction.IN
    history.record(logged(JANE, direction=incoming, answered=False, key="a"))
    history.record(logged("4155550199", direction=incoming, answered=False, key="b"))
    history.record(logged("anonymous", direction=incoming, answered=False, key="c"))
    history.record(logged("1002", direction=incoming, answered=False, key="d"))
    history.record(logged(JANE, direction=incoming, answered=True, key="e"))

    assert attempts(store) == [
        (jane, "in", "missed", "", JANE, "twinkle"),
        (None, "in", "missed", "", "+14155550199", "twinkle"),
        (None, "in", "missed", "", None, "twinkle"),
        (None, "in", "missed", "", None, "twinkle"),
        (jane, "in", "talked", "", JANE, "twinkle"),
    ]
    assert [c.attempt.caller_id for c in reversed(store.calls())] == ["", "", "", "1002", ""]


def test_a_call_back_to_a_stranger_keeps_the_name_the_softphone_logged(
    store: Store, history: CallHistory
) -> None:
    """Used as a rep: MicroSIP logged the call back to a missed stranger as "Mike Ross" and
    Recent calls listed it as Unknown, though the softphone had named it."""
    stranger = "+14155550177"
    history.record(logged(stranger, direction=Direction.IN, answered=False, key="m"))
    back = replace(logged(stranger, key="b", minutes_ago=0.5), name="Mike Ross")
    assert history.record(back) is not None
    assert store.connection.execute(
        "SELECT direction, caller_name FROM attempts ORDER BY id").fetchall() == [
        ("in", ""), ("out", "Mike Ross")]  # fmt: skip


def test_a_missed_call_from_a_stranger_joins_them_when_they_become_a_contact(
    store: Store, history: CallHistory
) -> None:
    history.record(logged("+14155550199", direction=Direction.IN, answered=False))
    new_id = store.add_caller_as_contact(
        NewContact("Bob", numbers=(StoredNumber("+14155550199", "+14155550199"),))
    )
    assert attempts(store)[0][0] == new_id


def test_a_call_read_as_catch_up_is_recorded_without_a_wrap_up(
    store: Store, history: CallHistory, jane: int
) -> None:
    recorded = history.record(logged(JANE, catch_up=True, minutes_ago=90))
    assert recorded is not None and recorded.wrap_up is False
    assert len(attempts(store)) == 1


def test_a_ring_time_source_dialling_then_hanging_up(
    store: Store, history: CallHistory, jane: int
) -> None:
    """MicroSIP writes an outbound call when dialling and again at its end."""
    dialling = CallEvent("microsip", Direction.OUT, CallState.RINGING, JANE, "Jane Doe",
                         NOW, call_key="microsip:4:1773156045")  # fmt: skip
    first = history.record(dialling)
    assert first is not None and first.wrap_up is False
    assert history.record(dialling) is None

    ended = history.record(CallEvent(**{**dialling.__dict__, "state": CallState.ENDED}))
    assert ended is not None and ended.wrap_up is True
    assert ended.attempt_id == first.attempt_id
    assert history.record(CallEvent(**{**dialling.__dict__, "state": CallState.ENDED})) is None
    assert len(attempts(store)) == 1


def test_an_incoming_ring_records_nothing(store: Store, history: CallHistory, jane: int) -> None:
    ring = CallEvent("microsip", Direction.IN, CallState.RINGING, JANE, "", NOW, "microsip:1:1")
    assert history.record(ring) is None
    assert attempts(store) == []


def test_the_wrap_up_saves_the_outcome_and_makes_the_reason_current(
    store: Store, history: CallHistory, jane: int
) -> None:
    recorded = history.record(logged(JANE))
    assert recorded is not None

    assert store.save_wrap_up(
        recorded.attempt_id, Outcome.VOICEMAIL, "Left my direct line", "Renewal due in May"
    )

    assert attempts(store)[0][2:4] == ("voicemail", "Renewal due in May")
    contact = store.contact(jane)
    assert contact is not None
    assert contact.reason == "Renewal due in May"
    assert contact.attempts[0].message == "Left my direct line"
    assert store.awaiting_callback() == [jane]


def test_log_positions_are_stored_with_the_calls_they_came_with(
    store: Store, history: CallHistory, jane: int
) -> None:
    history.record(logged(JANE, cursor='{"at":1}', origin="twinkle:/h/twinkle.ch"))
    assert store.source_cursor("twinkle:/h/twinkle.ch") == '{"at":1}'

    # A call that records nothing moves the position too, written now and then.
    history.record(logged("+14155550199", key="2", cursor='{"at":2}',
                          origin="twinkle:/h/twinkle.ch"))  # fmt: skip
    assert history.cursor_for("twinkle:/h/twinkle.ch") == '{"at":2}'
    history.flush()
    assert store.source_cursor("twinkle:/h/twinkle.ch") == '{"at":2}'


def asterisk_line(n: int, src: str, dst: str, context: str, start: float,
                  answered: bool) -> bytes:  # fmt: skip
    def gmt(t: float) -> str:
        return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%d %H:%M:%S")

    answer = f'"{gmt(start + 3)}"' if answered else ""
    status = "ANSWERED" if answered else "NO ANSWER"
    return (
        f'"","{src}","{dst}","{context}","""X"" <{src}>","PJSIP/a","PJSIP/b","Dial","x",'
        f'"{gmt(start)}",{answer},"{gmt(start + 30)}",30,{27 if answered else 0},"{status}",'
        f'"DOCUMENTATION","{int(start)}.{n}",""\n'
    ).encode()


def run_app_session(log: Path, store: Store, history: CallHistory) -> list[object]:
    """What CallerCardApp does with one watched log: resume, start, record, stop."""
    results: list[object] = []
    source = HistorySource(
        log, HISTORY_DIALECTS["asterisk"], lambda e: results.append(history.record(e)), print
    )
    stored = history.cursor_for(source.origin)
    source.resume_from(stored)
    source.start()
    if stored is None:
        history.remember_position(source.origin, source.cursor)
    source.stop()
    history.flush()
    return [r for r in results if r is not None]


def test_calls_made_while_the_app_was_down_become_history_without_windows(
    tmp_path: Path, store: Store, history: CallHistory, jane: int
) -> None:
    log = tmp_path / "Master.csv"
    now = time.time()
    log.write_bytes(asterisk_line(1, "+14155550100", "1001", "from-trunk", now - 3600, True))
    assert run_app_session(log, store, history) == []  # first watch: a baseline

    with log.open("ab") as handle:  # the app is not running
        handle.write(asterisk_line(2, JANE, "1001", "from-trunk", now - 600, False))
        handle.write(asterisk_line(3, "1001", JANE, "from-internal", now - 300, True))

    recorded = run_app_session(log, store, history)
    assert [(r.direction, r.outcome, r.wrap_up) for r in recorded] == [  # type: ignore[attr-defined]
        (Direction.IN, Outcome.MISSED, False),
        (Direction.OUT, Outcome.UNKNOWN, False),
    ]
    assert run_app_session(log, store, history) == []  # and a third start adds nothing
    assert [a[:3] for a in attempts(store)] == [(jane, "in", "missed"), (jane, "out", "")]


def dialed(number: str, state: CallState = CallState.RINGING) -> CallEvent:
    """What the app logs when a Call button placed a call (app._call_placed)."""
    return CallEvent("dial", Direction.OUT, state, number, "", NOW, call_key=f"dial:{number}",
                     where="Call button (Twinkle)")  # fmt: skip


def test_a_placed_call_the_softphone_reports_too_is_one_attempt_logged_no_answer_at_its_end(
    store: Store, history: CallHistory, jane: int
) -> None:
    placed = history.record(dialed(JANE))
    assert placed is not None and (placed.contact_id, placed.wrap_up) == (jane, False)
    # Twinkle writes the call to twinkle.ch when it ends, started a moment after the click.
    ended = history.record(logged(f"sip:{JANE}@sip.example.com;user=phone", answered=False,
                                  minutes_ago=-0.05))  # fmt: skip
    assert ended is not None
    # It rang out: nothing to wrap up, the history says "No answer" already.
    assert (ended.attempt_id, ended.wrap_up, ended.outcome) == (placed.attempt_id, False,
                                                                Outcome.NO_ANSWER)  # fmt: skip
    assert attempts(store) == [(jane, "out", "no_answer", "Asked for the Q3 pricing sheet", JANE,
                                "twinkle")]  # fmt: skip
    # Read again later, it is the same attempt, and no second wrap-up.
    again = logged(f"sip:{JANE}@sip.example.com;user=phone", answered=False, minutes_ago=-0.05)
    assert history.record(again) is None
    assert len(attempts(store)) == 1


def test_a_ring_time_softphone_takes_over_the_placed_call_and_its_end_asks_for_the_wrap_up(
    store: Store, history: CallHistory, jane: int
) -> None:
    placed = history.record(dialed(JANE))
    assert placed is not None
    peer = f"sip:{JANE}@pbx.example.com"
    ringing = CallEvent("baresip", Direction.OUT, CallState.RINGING, peer, "", NOW,
                        call_key="baresip:c1")  # fmt: skip
    assert history.record(ringing) is None  # nothing new: the button's row is that call
    closed = history.record(replace(ringing, state=CallState.ENDED))
    assert closed is not None and (closed.attempt_id, closed.wrap_up) == (placed.attempt_id, True)
    assert [row[5] for row in attempts(store)] == ["baresip"]


def test_baresip_reporting_the_placed_call_before_the_button_is_still_one_attempt(
    store: Store, history: CallHistory, jane: int
) -> None:
    """The dial is asked from a worker thread, and baresip's CALL_RINGING can reach the
    history before the button's own row: the button's row is not written a second time."""
    peer = f"sip:{JANE}@pbx.example.com"
    ringing = CallEvent("baresip", Direction.OUT, CallState.RINGING, peer, "", NOW,
                        call_key="baresip:c1")  # fmt: skip
    first = history.record(ringing)
    assert first is not None and not first.wrap_up
    assert history.record(dialed(JANE)) is None  # nothing new: baresip's row is that call
    closed = history.record(replace(ringing, state=CallState.ENDED))
    assert closed is not None and (closed.attempt_id, closed.wrap_up) == (first.attempt_id, True)
    assert [row[5] for row in attempts(store)] == ["baresip"]


def test_a_placed_call_nothing_will_report_is_wrapped_up_at_once(
    store: Store, history: CallHistory, jane: int
) -> None:
    placed = history.record(dialed(JANE, CallState.ENDED))  # the tel: handler: no end to wait for
    assert placed is not None and placed.wrap_up is True
    # A softphone that did report it after all changes the row, not the count, and asks nothing.
    late = history.record(logged(f"sip:{JANE}@sip.example.com;user=phone", minutes_ago=-0.05))
    assert late is None
    assert [row[5] for row in attempts(store)] == ["twinkle"]


def test_an_older_placed_call_is_not_taken_over_by_a_new_one(
    store: Store, history: CallHistory, jane: int
) -> None:
    history.record(dialed(JANE))
    later = history.record(logged(f"sip:{JANE}@sip.example.com", minutes_ago=-5))
    assert later is not None and later.wrap_up
    assert [row[5] for row in attempts(store)] == ["dial", "twinkle"]


def test_an_answered_incoming_call_asks_for_its_wrap_up_once_it_is_over(
    store: Store, history: CallHistory, jane: int
) -> None:
    ring = CallEvent("microsip", Direction.IN, CallState.RINGING, JANE, "", NOW, "microsip:7:1")
    assert history.record(ring) is None  # ringing, or in the call: no window yet
    ended = history.record(CallEvent(**{**ring.__dict__, "state": CallState.ENDED}))
    assert ended is not None
    assert (ended.direction, ended.outcome, ended.wrap_up) == (Direction.IN, Outcome.TALKED, True)
    assert history.record(CallEvent(**{**ring.__dict__, "state": CallState.ENDED})) is None

    missed = history.record(logged(JANE, direction=Direction.IN, answered=False, key="8"))
    assert missed is not None and missed.wrap_up is False  # it waits in Callbacks instead
    stranger = history.record(logged("+14155550177", direction=Direction.IN, key="9"))
    assert stranger is not None and stranger.wrap_up is True  # a note on an unknown number
    caught_up = history.record(logged(JANE, direction=Direction.IN, key="10", catch_up=True))
    assert caught_up is not None and caught_up.wrap_up is False


def test_a_day_of_calls_keeps_what_it_remembers_bounded_and_each_wrap_up_asked_once(
    store: Store, history: CallHistory, jane: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app runs for days: per-call memory is capped (the oldest goes), and neither the
    wrap-up of a recent call nor a hook call's end depends on what was forgotten."""
    from desktop.adapters import call_history
    from desktop.core.ipc import Ring, hook_call_key
    from desktop.core.ring_input import from_ring_message

    monkeypatch.setattr(call_history, "WRAPPED_LIMIT", 5, raising=False)
    monkeypatch.setattr(call_history, "HOOK_RINGING_LIMIT", 3, raising=False)
    for i in range(8):
        dialling = CallEvent("microsip", Direction.OUT, CallState.RINGING, JANE, "Jane Doe",
                             NOW, call_key=f"microsip:{i}:1773156045")  # fmt: skip
        history.record(dialling)
        ended = CallEvent(**{**dialling.__dict__, "state": CallState.ENDED})
        first = history.record(ended)
        assert first is not None and first.wrap_up is True
        assert history.record(ended) is None  # reported again: not asked twice
    assert len(history._wrapped) == 5

    callers = [f"+1415555{i:04d}" for i in range(100, 105)]
    for number in callers:  # hooks that rang and have not ended yet
        ring = from_ring_message(Ring(number), NOW, 0)
        assert history.record(ring.event) is not None
    assert len(history._ringing) == 3
    oldest = from_ring_message(Ring(callers[0]), NOW, 0).event
    end = CallEvent(**{**oldest.__dict__, "state": CallState.ENDED})
    assert end.call_key == hook_call_key(callers[0])
    finished = history.record(end)  # its ring was forgotten here; the database has it
    assert finished is not None and finished.outcome is Outcome.TALKED


def test_a_call_whose_log_entry_gave_way_before_its_end_is_kept_outcome_unknown(
    store: Store, history: CallHistory, jane: int
) -> None:
    """MicroSIP reused the key of a call still ringing (core.events.CallGone): how it went was
    never written, so it is kept as a call whose outcome is not known, no wrap-up; and when a
    hook logged the same call, the hook's row stands as it is."""
    from desktop.core.events import CallGone

    def gone(number: str, at: datetime, key: str) -> CallGone:
        return CallGone("microsip", Direction.IN, CallState.ENDED, number, "", at,
                        call_key=f"microsip:{key}")  # fmt: skip

    recorded = history.record(gone(JANE, NOW - timedelta(minutes=5), "0:1"))
    assert recorded is not None
    assert (recorded.contact_id, recorded.outcome, recorded.wrap_up) == (
        jane, Outcome.UNKNOWN, False)  # fmt: skip

    hooked = CallEvent("hook", Direction.IN, CallState.MISSED, "+14155550199", "", NOW,
                       call_key="hook:+14155550199", hook=True)  # fmt: skip
    history.record(replace(hooked, state=CallState.RINGING))
    history.record(hooked)
    assert history.record(gone("+14155550199", NOW + timedelta(seconds=2), "1:2")) is None
    assert attempts(store) == [
        (jane, "in", "", "", JANE, "microsip"),
        (None, "in", "missed", "", "+14155550199", "hook"),
    ]


def baresip_dial_events(*types_and_params: tuple[str, str]) -> list[CallEvent]:
    """What baresip's ctrl_tcp said of a call the rep placed to Jane, through its follower."""
    import json

    from desktop.core.dialects.baresip import BaresipEvent, CallFollower, parse_event

    follower = CallFollower()
    events = []
    for kind, param in types_and_params:
        payload = json.dumps({"event": True, "class": "call", "type": kind, "id": "d1",
                              "direction": "outgoing", "peeruri": f"sip:{JANE}@pbx.example.com",
                              "peerdisplayname": "", "param": param}).encode()  # fmt: skip
        parsed = parse_event(payload)
        assert isinstance(parsed, BaresipEvent)
        event = follower.follow(parsed, NOW + timedelta(seconds=1))
        if event is not None:
            events.append(event)
    return events


@pytest.mark.parametrize("dial_first", [True, False])
def test_a_call_back_that_never_rang_is_logged_failed_and_the_callback_stays(
    store: Store, history: CallHistory, jane: int, dial_first: bool
) -> None:
    """The rep pressed Call back and baresip met "404 Not Found" at once: the far end never
    rang. The call is logged, as failed (no wrap-up), and Jane's missed call stays due, in
    whichever order the button's row and baresip's report reach the history."""
    missed = CallEvent("baresip", Direction.IN, CallState.MISSED, JANE, "", NOW - timedelta(
        minutes=10), call_key="baresip:m1")  # fmt: skip
    assert history.record(missed) is not None
    assert store.callbacks_due(NOW) == 1
    (closed,) = baresip_dial_events(("CALL_CLOSED", "404 Not Found"))
    first, second = (dialed(JANE), closed) if dial_first else (closed, dialed(JANE))
    history.record(first)
    recorded = history.record(second)
    if dial_first:  # news: the callback the button's row took off is due again
        assert recorded is not None and recorded.outcome is Outcome.FAILED
    assert recorded is None or not recorded.wrap_up
    assert attempts(store)[1:] == [
        (jane, "out", "failed", "Asked for the Q3 pricing sheet", JANE, "baresip")]  # fmt: skip
    assert store.callbacks_due(NOW + timedelta(seconds=5)) == 1
    assert [c.attempt.outcome for c in store.missed_not_returned(NOW)] == [Outcome.MISSED]
    assert not store.called_out_since(JANE, int(NOW.timestamp()) - 60)


def test_a_call_back_that_rang_then_was_refused_still_returns_the_call(
    store: Store, history: CallHistory, jane: int
) -> None:
    """It rang at their end (CALL_RINGING) before "486 Busy Here": a real attempt that
    reached nobody, logged "No answer" with no wrap-up to ask (there is nothing to wrap up).
    Logged "Called" with no outcome, it took Jane's missed call off Callbacks as if she had
    been reached."""
    history.record(CallEvent("baresip", Direction.IN, CallState.MISSED, JANE, "",
                             NOW - timedelta(minutes=10), call_key="baresip:m1"))  # fmt: skip
    history.record(dialed(JANE))
    ringing, closed = baresip_dial_events(("CALL_RINGING", ""), ("CALL_CLOSED", "486 Busy Here"))
    history.record(ringing)
    recorded = history.record(closed)
    assert recorded is not None and not recorded.wrap_up
    assert recorded.outcome is Outcome.NO_ANSWER  # news: whoever counts callbacks recounts
    assert [a[1:3] for a in attempts(store)] == [("in", "missed"), ("out", "no_answer")]
    assert store.callbacks_due(NOW + timedelta(seconds=5)) == 1
    assert not store.called_out_since(JANE, int(NOW.timestamp()) - 60)


def test_an_unanswered_end_never_overwrites_what_the_rep_said_of_the_call(
    store: Store, history: CallHistory, jane: int
) -> None:
    """The rep wrapped the call up as a voicemail left; baresip's end, read again later,
    leaves it so."""
    ringing, closed = baresip_dial_events(("CALL_RINGING", ""), ("CALL_CLOSED", ""))
    placed = history.record(ringing)
    assert placed is not None
    assert store.save_wrap_up(placed.attempt_id, Outcome.VOICEMAIL, "Left the Q3 prices", "")
    history.record(closed)
    assert [a[1:3] for a in attempts(store)] == [("out", "voicemail")]


def test_a_withheld_ring_logged_twice_is_one_call_and_two_withheld_callers_a_second_apart_two(
    store: Store,
) -> None:
    """The hook that started the app and the app log one withheld ring, each in its own
    process (two CallHistory objects on one database), from the one monotonic stamp: one
    call. Another withheld caller ringing 1.2 s later is a call of its own: rings stamped to
    the second took it for the first one logged again."""
    from desktop.core.ipc import Ring
    from desktop.core.ring_input import from_ring_message

    lookup = CallerLookup(store, NumberPolicy("US"), default_opener_templates())
    hook_side, app_side = CallHistory(store, lookup), CallHistory(store, lookup)
    now_ns = time.monotonic_ns()
    first, second = Ring("anonymous", t_ns=now_ns - 1_200_000_000), Ring("", t_ns=now_ns)
    # The hook's wall clock and the app's, a few ms apart, read the one stamp.
    for history, wall in ((hook_side, NOW), (app_side, NOW + timedelta(milliseconds=40))):
        history.record(from_ring_message(first, wall, now_ns).event)
    assert len(attempts(store)) == 1
    assert app_side.record(from_ring_message(second, NOW, now_ns).event) is not None
    assert len(attempts(store)) == 2


def test_a_caller_ringing_again_within_the_second_of_a_call_just_over_is_a_call_of_its_own(
    store: Store, jane: int
) -> None:
    """Jane's call ends at once and she redials in the same second: her new ring is a call,
    whose end finishes it (rings keyed to the second took it for the call already over, and
    its end found no ring). The app her hook started logs each ring again from the one stamp,
    across a second's edge too: still one call each."""
    from desktop.core.ipc import End, EndOutcome, Ring
    from desktop.core.ring_input import from_end_message, from_ring_message

    lookup = CallerLookup(store, NumberPolicy("US"), default_opener_templates())
    hook_side, app_side = CallHistory(store, lookup), CallHistory(store, lookup)
    now_ns = time.monotonic_ns()

    def ring(history: CallHistory, at_s: float, drift_ms: int = 0) -> None:
        message = Ring(JANE, t_ns=now_ns - round((10 - at_s) * 1e9))
        wall = NOW + timedelta(seconds=10, milliseconds=drift_ms)  # when the stamp is read
        history.record(from_ring_message(message, wall, now_ns).event)

    def end(at_s: float, *, missed: bool) -> None:
        message = End(caller_id=JANE, outcome=EndOutcome.MISSED if missed else EndOutcome.UNKNOWN)
        hook_side.record(from_end_message(message, NOW + timedelta(seconds=at_s), now_ns).event)

    ring(hook_side, 0.1)
    ring(app_side, 0.1, drift_ms=3)
    end(0.4, missed=True)
    ring(hook_side, 0.7)
    ring(app_side, 0.7, drift_ms=-2)
    end(0.9, missed=False)
    ring(hook_side, 5.9996)  # on a second's edge: the app's clock reads it in the next one
    ring(app_side, 5.9996, drift_ms=1)
    assert attempts(store) == [
        (jane, "in", "missed", "", JANE, "hook"),
        (jane, "in", "talked", "", JANE, "hook"),
        (jane, "in", "", "", JANE, "hook"),
    ]


def _note(store: Store, jane: int, at: datetime, *, rep: str = "") -> None:
    from desktop.adapters.directories.mirror import CALL_NOTE_SOURCE
    from desktop.core.models import Attempt

    attempt = Attempt(Direction.OUT, at, Outcome.NO_ANSWER, number_e164=JANE, rep=rep)
    store.record_call(jane, attempt, CALL_NOTE_SOURCE, f"note-{at.timestamp()}")
    if rep:  # a teammate's, read from a shared card
        store.connection.execute("UPDATE attempts SET rep = ? WHERE call_key = ?",
                                 (rep, f"note-{at.timestamp()}"))  # fmt: skip


def test_a_softphone_reporting_a_call_the_rep_noted_already_writes_no_second_row(
    store: Store, jane: int, history: CallHistory
) -> None:
    _note(store, jane, NOW)  # log-call, a minute after the dial below started
    assert history.record(logged(JANE, minutes_ago=1)) is None
    assert [(o, s) for *_, o, _r, _n, s in attempts(store)] == [("no_answer", "call-note")]


@pytest.mark.parametrize(
    ("note_minutes_after", "rep", "between"),
    [
        (25, "", False),  # noted long after this call: about another
        (1, "Sam", False),  # a teammate's note, read from the shared card
        (2, "", True),  # another call with them came between the call and the note
    ],
)
def test_a_note_not_about_the_reported_call_is_left_alone(
    store: Store, jane: int, history: CallHistory, note_minutes_after: int, rep: str,
    between: bool,
) -> None:  # fmt: skip
    started = NOW - timedelta(minutes=30)
    _note(store, jane, started + timedelta(minutes=note_minutes_after), rep=rep)
    if between:
        history.record(logged(JANE, direction=Direction.IN, minutes_ago=29, key="in"))
    history.record(logged(JANE, minutes_ago=30))
    assert [r[5] for r in attempts(store) if r[1] == "out"] == ["call-note", "twinkle"]


def test_a_note_is_on_the_call_just_made_only_while_it_is_the_newest_and_recent(
    store: Store, jane: int, history: CallHistory
) -> None:
    from desktop.adapters.call_history import NOTE_AFTER_CALL_S

    history.record(logged(JANE, minutes_ago=3))
    assert store.call_just_made(JANE, NOW, NOTE_AFTER_CALL_S, "call-note") is not None
    assert store.call_just_made(JANE, NOW + timedelta(minutes=30), NOTE_AFTER_CALL_S,
                                "call-note") is None  # fmt: skip
    history.record(logged(JANE, direction=Direction.IN, minutes_ago=1, key="in"))
    assert store.call_just_made(JANE, NOW, NOTE_AFTER_CALL_S, "call-note") is None

"""The Callbacks sections read from a real database: what counts as returned, answered or
kept, and a wrap-up's window coming back on the card's attempts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from desktop.adapters.callbacks import count_due, load_callbacks
from desktop.adapters.store import NewContact, Store
from desktop.adapters.write_journal import SaveWrapUp, job_from_json, job_to_json
from desktop.core.business_hours import BusinessHours
from desktop.core.callbacks import Section, promise_line
from desktop.core.models import Attempt, Direction, Outcome, StoredNumber

NOW = datetime(2026, 3, 10, 10, 30, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(tmp_path / "callercard.sqlite3")
    yield store
    store.close()


def person(store: Store, name: str, number: str) -> int:
    return store.add_contact(NewContact(name, company=f"{name} Ltd",
                                        numbers=(StoredNumber(number, number),)))  # fmt: skip


def call(store: Store, cid: int | None, number: str | None, direction: Direction, ago: timedelta,
         outcome: Outcome, message: str = "") -> int:  # fmt: skip
    attempt = Attempt(direction, NOW - ago, outcome, message, number_e164=number)
    key = f"test:{number}@{int(attempt.at.timestamp())}"
    attempt_id = store.record_call(cid, attempt, "test", key)
    assert attempt_id is not None
    return attempt_id


def window(store: Store, attempt_id: int, start: datetime, end: datetime) -> None:
    assert store.save_wrap_up(attempt_id, Outcome.VOICEMAIL, "said I'd be in", "", (start, end))


def test_sections_from_the_database(store: Store) -> None:
    m, h, d = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)
    dana = person(store, "Dana", "+14155550101")
    call(store, dana, "+14155550101", Direction.IN, 1 * h, Outcome.MISSED)
    raj = person(store, "Raj", "+14155550102")  # missed, then we called back and talked
    call(store, raj, "+14155550102", Direction.IN, 2 * d, Outcome.MISSED)
    call(store, raj, "+14155550102", Direction.OUT, 1 * d, Outcome.TALKED)
    call(store, None, "+13125550100", Direction.IN, 90 * m, Outcome.MISSED)  # nobody we know
    mike = person(store, "Mike", "+442079460958")
    call(store, mike, "+442079460958", Direction.OUT, 3 * d, Outcome.VOICEMAIL, "the bid")
    anna = person(store, "Anna", "+14155550104")  # left a message; she called back
    call(store, anna, "+14155550104", Direction.OUT, 3 * d, Outcome.VOICEMAIL)
    call(store, anna, "+14155550104", Direction.IN, 2 * d, Outcome.TALKED)
    pat = person(store, "Pat", "+14155550105")
    window(store, call(store, pat, "+14155550105", Direction.OUT, 1 * h, Outcome.VOICEMAIL),
           NOW + d - 1.5 * h, NOW + d + 1.5 * h)  # fmt: skip
    lee = person(store, "Lee", "+14155550106")  # the window passed without a call
    window(store, call(store, lee, "+14155550106", Direction.OUT, 2 * d, Outcome.VOICEMAIL),
           NOW - d - 1.5 * h, NOW - d + 1.5 * h)  # fmt: skip
    kim = person(store, "Kim", "+14155550107")  # she rang inside the window
    window(store, call(store, kim, "+14155550107", Direction.OUT, 2 * d, Outcome.VOICEMAIL),
           NOW - d - 1.5 * h, NOW - d + 1.5 * h)  # fmt: skip
    call(store, kim, "+14155550107", Direction.IN, d, Outcome.TALKED)

    entries = load_callbacks(store, NOW, BusinessHours(), "24h")
    shown = [(e.item.section, e.item.contact.name if e.item.contact else e.item.number)
             for e in entries]  # fmt: skip
    assert shown == [
        (Section.WAITING_FOR_US, "Dana"),
        (Section.WAITING_FOR_US, "+13125550100"),  # a number nobody has waits for us too
        (Section.WAITING_FOR_THEM, "Pat"),  # a voicemail with a window waits for them too
        (Section.WAITING_FOR_THEM, "Lee"),
        (Section.WAITING_FOR_THEM, "Mike"),
        (Section.PROMISED, "Pat"),
        (Section.FOLLOW_UPS, "Lee"),
    ]
    by_name = {(e.item.section, e.item.contact.name): e for e in entries if e.item.contact}
    assert by_name[(Section.PROMISED, "Pat")].item.detail == "You said you'd be in 9–12 tomorrow"
    mike_entry = by_name[(Section.WAITING_FOR_THEM, "Mike")]
    assert mike_entry.item.detail == "Voicemail left 3 days ago"
    assert mike_entry.item.attempt.message == "the bid"
    assert mike_entry.clock.text == "10:30" and mike_entry.clock.warning == ""
    dana_entry = by_name[(Section.WAITING_FOR_US, "Dana")]
    assert dana_entry.clock.text == "03:30"  # San Francisco at 10:30 in London
    assert dana_entry.clock.warning == "outside business hours there (before 8:00)"
    assert count_due(store, NOW) == 3

    # Calling Lee back settles the follow-up; Dana calling again keeps her waiting
    call(store, lee, "+14155550106", Direction.OUT, timedelta(minutes=5), Outcome.NO_ANSWER)
    assert count_due(store, NOW) == 2


def test_the_window_comes_back_with_the_contacts_attempts(store: Store) -> None:
    pat = person(store, "Pat", "+14155550105")
    attempt_id = call(store, pat, "+14155550105", Direction.OUT, timedelta(hours=20),
                      Outcome.UNKNOWN)  # fmt: skip
    window(store, attempt_id, NOW - timedelta(hours=1), NOW + timedelta(hours=1))
    [(contact, _number)] = store.contacts_for_number("+14155550105")
    assert promise_line(contact.attempts, NOW) == "You said you'd be in 9:30–11:30 today"


def test_a_journalled_wrap_up_keeps_its_window() -> None:
    job = SaveWrapUp(7, Outcome.VOICEMAIL, "m", "r", (NOW, NOW + timedelta(hours=2)))
    assert job_from_json(job_to_json(job)) == job
    old = job_to_json(SaveWrapUp(7, Outcome.VOICEMAIL, "m", "r"))
    del old["callback"]  # written before windows existed
    assert job_from_json(old) == SaveWrapUp(7, Outcome.VOICEMAIL, "m", "r")


def test_the_card_says_the_promise_when_they_call_inside_the_window(store: Store) -> None:
    from desktop.adapters.lookup import CallerLookup
    from desktop.core.callbacks import Window, window_text
    from desktop.core.card_text import card_lines
    from desktop.core.numbers import NumberPolicy

    pat = person(store, "Pat", "+14155550105")
    attempt_id = call(store, pat, "+14155550105", Direction.OUT, timedelta(hours=20),
                      Outcome.VOICEMAIL)  # fmt: skip
    start, end = NOW - timedelta(hours=1), NOW + timedelta(hours=2)
    window(store, attempt_id, start, end)
    lookup = CallerLookup(store, NumberPolicy("US", ()), {})
    card = lookup.card_for("+14155550105", now=NOW)
    # In the rep's own zone, which the card reads from the system
    said = window_text(Window(start, end), NOW.astimezone())
    assert card.promise == f"You said you'd be in {said}"
    assert card.promise in card_lines(card)
    assert lookup.card_for("+14155550105", now=end + timedelta(minutes=1)).promise == ""


def test_call_them_back_by_from_an_incoming_calls_wrap_up_is_ours_to_do(store: Store) -> None:
    h = timedelta(hours=1)
    kim = person(store, "Kim", "+14155550111")
    answered = call(store, kim, "+14155550111", Direction.IN, h, Outcome.TALKED)
    by = NOW.replace(hour=17, minute=0)
    assert store.save_wrap_up(answered, Outcome.TALKED, "wants the deck", "", (NOW - h, by))

    [entry] = load_callbacks(store, NOW, BusinessHours(), "24h")
    assert (entry.item.section, entry.item.detail) == (
        Section.WAITING_FOR_US, "Call them back by 17:00 today")
    assert entry.item.due and count_due(store, NOW) == 1
    late = NOW + 8 * h
    [overdue] = load_callbacks(store, late, BusinessHours(), "12h")
    assert overdue.item.detail == "Call them back by 5:00 PM today — overdue"

    # We reach them, or leave a message: the promise is kept.
    call(store, kim, "+14155550111", Direction.OUT, -h, Outcome.VOICEMAIL)
    [left] = load_callbacks(store, NOW + 2 * h, BusinessHours(), "24h")
    assert left.item.section is Section.WAITING_FOR_THEM  # now they owe us the call
    assert count_due(store, NOW + 2 * h) == 0


@pytest.mark.parametrize("outcome", [Outcome.NO_ANSWER, Outcome.FAILED])
def test_a_call_back_that_reached_nobody_keeps_the_promise_open(
    store: Store, outcome: Outcome
) -> None:
    """"No answer" (a busy line is logged so too) or a failed call: the promise stays due,
    with the try said beside it, in the window and `callercard callbacks` alike."""
    h, m = timedelta(hours=1), timedelta(minutes=1)
    kim = person(store, "Kim", "+14155550111")
    answered = call(store, kim, "+14155550111", Direction.IN, h, Outcome.TALKED)
    assert store.save_wrap_up(answered, Outcome.TALKED, "wants the deck", "",
                              (NOW - h, NOW.replace(hour=17, minute=0)))  # fmt: skip
    call(store, kim, "+14155550111", Direction.OUT, 25 * m, outcome)  # 10:05

    [entry] = load_callbacks(store, NOW, BusinessHours(), "24h")
    said = "call failed" if outcome is Outcome.FAILED else "no answer"
    assert entry.item.detail == f"Call them back by 17:00 today · Tried 10:05, {said}"
    assert entry.item.due and count_due(store, NOW) == 1

    call(store, kim, "+14155550111", Direction.OUT, 10 * m, Outcome.NO_ANSWER)  # 10:20
    [entry] = load_callbacks(store, NOW + 8 * h, BusinessHours(), "12h")
    assert entry.item.detail == ("Call them back by 5:00 PM today — overdue · "
                                 "Tried 10:20 AM, no answer (2 tries)")  # fmt: skip
    [entry] = load_callbacks(store, NOW + 24 * h, BusinessHours(), "24h")
    assert entry.item.detail.endswith(" · Tried yesterday 10:20, no answer (2 tries)")

    call(store, kim, "+14155550111", Direction.OUT, -h, Outcome.TALKED)
    assert load_callbacks(store, NOW + 2 * h, BusinessHours(), "24h") == []
    assert count_due(store, NOW + 2 * h) == 0


def test_a_ring_no_end_followed_waits_as_outcome_unknown_not_due(store: Store) -> None:
    """A hook's ring with no end (a softphone that crashed, a hook set for incoming calls
    only) may have been missed: it waits among the missed calls, said as unknown, and is not
    counted due. A later call with that caller, either way, settles it; a caller already
    waiting for a missed call is listed once; a withheld one never."""
    hours = BusinessHours()
    dana = person(store, "Dana", "+14155550100")
    raj = person(store, "Raj", "+14155550101")
    mike = person(store, "Mike", "+14155550102")
    call(store, dana, "+14155550100", Direction.IN, timedelta(minutes=40), Outcome.UNKNOWN)
    call(store, None, "+14155550177", Direction.IN, timedelta(hours=2), Outcome.UNKNOWN)
    call(store, None, None, Direction.IN, timedelta(minutes=5), Outcome.UNKNOWN)  # withheld
    call(store, raj, "+14155550101", Direction.IN, timedelta(hours=3), Outcome.UNKNOWN)
    call(store, raj, "+14155550101", Direction.OUT, timedelta(hours=1), Outcome.NO_ANSWER)
    call(store, mike, "+14155550102", Direction.IN, timedelta(hours=4), Outcome.MISSED)
    call(store, mike, "+14155550102", Direction.IN, timedelta(hours=1), Outcome.UNKNOWN)

    waiting = [e.item for e in load_callbacks(store, NOW, hours, "24h")
               if e.item.section is Section.WAITING_FOR_US]  # fmt: skip
    assert [(i.number, i.detail, i.due) for i in waiting] == [
        ("+14155550100", "Rang 40 min ago, outcome unknown", False),
        ("+14155550177", "Rang 2 h ago, outcome unknown", False),
        ("+14155550102", "Missed call 4 h ago", True),
    ]
    assert waiting[0].contact is not None and waiting[0].contact.id == dana
    assert count_due(store, NOW) == 1  # Mike's missed call only


def test_a_ring_no_end_followed_is_not_listed_while_it_may_still_be_talked_on(
    store: Store,
) -> None:
    """The rep answered a ring whose hook sends no end and is still on the phone: Callbacks
    does not say "Rang just now, outcome unknown" about the call being talked on. Half an
    hour after it rang it is listed, as the window and `callercard callbacks` both read it."""
    hours = BusinessHours()
    dana = person(store, "Dana", "+14155550100")
    call(store, dana, "+14155550100", Direction.IN, timedelta(minutes=1), Outcome.UNKNOWN)

    assert load_callbacks(store, NOW, hours, "24h") == []
    assert load_callbacks(store, NOW + timedelta(minutes=28), hours, "24h") == []
    [later] = load_callbacks(store, NOW + timedelta(minutes=29), hours, "24h")
    assert (later.item.detail, later.item.due) == ("Rang 30 min ago, outcome unknown", False)
    assert count_due(store, NOW + timedelta(minutes=29)) == 0


def test_a_put_off_callback_is_not_due_until_its_time_and_survives_a_restart(
    tmp_path: Path,
) -> None:
    """Snooze is kept in the database: counted out of "N due" (the menu's SQL count too),
    listed under Put off, and read so by the next process to open the book."""
    from desktop.core.put_off import key_of

    m, h = timedelta(minutes=1), timedelta(hours=1)
    path = tmp_path / "callercard.sqlite3"
    store = Store.open(path)
    dana = person(store, "Dana", "+14155550101")
    call(store, dana, "+14155550101", Direction.IN, 40 * m, Outcome.MISSED)
    call(store, None, "+13125550100", Direction.IN, 90 * m, Outcome.MISSED)  # nobody we know
    kim = person(store, "Kim", "+14155550111")
    answered = call(store, kim, "+14155550111", Direction.IN, h, Outcome.TALKED)
    assert store.save_wrap_up(answered, Outcome.TALKED, "", "", (NOW - h, NOW - m))  # overdue
    entries = load_callbacks(store, NOW, BusinessHours(), "24h")
    assert count_due(store, NOW) == 3
    for entry in entries:
        store.put_off(key_of(entry.item), NOW + 2 * h, NOW)
    store.close()

    store = Store.open(path)  # the app restarted, or `callercard callbacks` in a terminal
    try:
        assert count_due(store, NOW) == 0
        put = load_callbacks(store, NOW, BusinessHours(), "24h")
        assert [e.item.section for e in put] == [Section.PUT_OFF] * 3
        assert not any(e.item.due for e in put)
        assert put[0].item.detail.startswith("Until 12:30 today · ")
        # Due now takes one back
        store.take_back(key_of(put[0].item))
        assert count_due(store, NOW) == 1
        # Their time come, every one is due again, where it was
        back = load_callbacks(store, NOW + 2 * h, BusinessHours(), "24h")
        assert {e.item.section for e in back} == {Section.WAITING_FOR_US}
        assert count_due(store, NOW + 2 * h) == 3
        # A new missed call from Dana is news: due at once, put off or not
        [dana_entry] = [e for e in back if e.item.contact and e.item.contact.name == "Dana"]
        store.put_off(key_of(dana_entry.item), NOW + 5 * h, NOW + 2 * h)
        assert count_due(store, NOW + 2 * h) == 2
        call(store, dana, "+14155550101", Direction.IN, -h - 5 * m, Outcome.MISSED)
        assert count_due(store, NOW + 2 * h) == 3
    finally:
        store.close()


def test_missed_while_closed_counts_a_call_that_rang_before_the_quit_and_ended_after(
    store: Store,
) -> None:
    """The start's "N calls missed while CallerCard was closed": the app quit 10 minutes ago
    and started now, with an empty history. Dana's call rang before the quit and was missed
    once it had closed; the softphone's log is read at the start, recorded after it."""
    quit_at, started = NOW - timedelta(minutes=10), NOW
    known = store.last_attempt_id()
    assert known == 0
    dana = person(store, "Dana", "+13125550123")
    call(store, dana, "+13125550123", Direction.IN, timedelta(minutes=12), Outcome.MISSED)
    assert store.missed_between(quit_at, started, known) == 1
    assert store.missed_between(quit_at, started) == 0, "by its ring alone it was not"


def test_a_call_missed_before_the_quit_is_not_missed_while_closed(store: Store) -> None:
    mike = person(store, "Mike", "+14155550142")
    call(store, mike, "+14155550142", Direction.IN, timedelta(minutes=12), Outcome.MISSED)
    known = store.last_attempt_id()  # recorded while the app ran: its card was up
    assert store.missed_between(NOW - timedelta(minutes=10), NOW, known) == 0


def test_missed_while_closed_counts_a_call_ringing_at_the_quit_that_ended_missed_after(
    store: Store,
) -> None:
    """A hook's ring recorded while the app ran, still ringing at the quit; its end (--missed)
    came once the app had closed and finished that row."""
    mike = person(store, "Mike", "+14155550142")
    quit_at, started = NOW - timedelta(minutes=10), NOW
    rang = Attempt(Direction.IN, NOW - timedelta(minutes=11), Outcome.UNKNOWN,
                   number_e164="+14155550142")  # fmt: skip
    ringing = store.record_call(mike, rang, "hook", "hook:+14155550142")
    assert ringing is not None
    open_then = store.open_calls_since(quit_at - timedelta(minutes=15))
    assert open_then == [ringing]
    known = store.last_attempt_id()
    assert store.finish_call(ringing, Outcome.MISSED)  # the end hook, after the quit
    assert store.missed_between(quit_at, started, known) == 0, "by ring and by record alone"
    assert store.missed_between(quit_at, started, known, open_then) == 1
    assert store.missed_between(quit_at, started, known, []) == 0

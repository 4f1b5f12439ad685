"""A ringing card never lists the call it rings for under "Earlier calls": a hook that found
no app recorded that ring itself, so the app's lookup finds it in the history (h-rep4's
cold start with two rings 0.3 s apart: "Earlier calls · Today 22:05 They called" on Michael
Brandt's first call). Calls of theirs that did end are listed, however close before."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from desktop.adapters.lookup import CallerLookup
from desktop.adapters.store import NewContact, Store
from desktop.core.card_text import card_lines
from desktop.core.models import Attempt, Direction, Outcome, StoredNumber
from desktop.core.numbers import NumberPolicy

BRANDT = "+12125550199"
UNKNOWN = "+12125550142"
# The ring as the app reads it; the hook's row keeps its whole second (22:05:07).
# Today's date: the card says "Today" of calls made on the day the test runs (it was pinned to
# 7 Dec, and read "Mon 7 Dec" from the next day on).
RANG = datetime.now(UTC).replace(hour=22, minute=5, second=7, microsecond=800_000)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(tmp_path / "callercard.sqlite3")
    yield store
    store.close()


def _brandt(store: Store) -> int:
    return store.add_contact(NewContact("Michael Brandt", company="Brandt Freight",
                                        numbers=(StoredNumber(BRANDT, BRANDT),)))  # fmt: skip


def _call(store: Store, contact: int | None, number: str, at: datetime,
          outcome: Outcome, key: str) -> None:  # fmt: skip
    call = store.record_call(contact, Attempt(Direction.IN, at, outcome, number_e164=number),
                             "hook", key)  # fmt: skip
    assert call is not None


def _lines(store: Store, number: str, rang: datetime) -> list[str]:
    lookup = CallerLookup(store, NumberPolicy("US", ()), {})
    card = lookup.card_for(number, "BRANDT MICHAEL", now=rang + timedelta(seconds=2),
                           ringing_at=rang)  # fmt: skip
    return card_lines(card)


def _past(lines: list[str]) -> list[str]:
    """The card's past calls: the lines under "Last attempts:", up to the opener."""
    past = lines[lines.index("Last attempts:") + 1:]
    return [line for line in past if not line.startswith("Opener:")]


def test_the_ring_a_hook_recorded_first_is_not_an_earlier_call(store: Store) -> None:
    contact = _brandt(store)
    _call(store, contact, BRANDT, RANG.replace(microsecond=0), Outcome.UNKNOWN, "hook:a@1")

    lines = _lines(store, BRANDT, RANG)

    assert not any("Last attempts" in line or "They called" in line for line in lines), lines


def test_an_open_ring_stamped_before_the_app_read_it_is_the_ringing_call(store: Store) -> None:
    """A hook's stamp not trusted (or none) puts the app's ring at the time it read it, after
    an app start of several seconds: the open row from then is still this call."""
    contact = _brandt(store)
    _call(store, contact, BRANDT, RANG - timedelta(seconds=25), Outcome.UNKNOWN, "hook:a@1")

    assert not any("They called" in line for line in _lines(store, BRANDT, RANG))


def test_calls_that_ended_are_earlier_calls_however_close(store: Store) -> None:
    """A caller whose call went unanswered rings again at once: the card says the missed
    one, and an older call, while the ringing one is left out."""
    contact = _brandt(store)
    _call(store, contact, BRANDT, RANG - timedelta(hours=3), Outcome.TALKED, "hook:a@1")
    _call(store, contact, BRANDT, RANG - timedelta(seconds=20), Outcome.MISSED, "hook:a@2")
    _call(store, contact, BRANDT, RANG.replace(microsecond=0), Outcome.UNKNOWN, "hook:a@3")

    lines = _lines(store, BRANDT, RANG)

    past = _past(lines)
    assert [line.split() for line in past] == [
        ["Today", "22:04", "Missed", "their", "call"], ["Today", "19:05", "Talked"],
    ]


def test_an_unknown_numbers_ringing_call_is_no_past_call_either(store: Store) -> None:
    """A number nobody has: its past calls are read for a promise kept under it; the
    ringing call's row is not among them."""
    _call(store, None, UNKNOWN, RANG.replace(microsecond=0), Outcome.UNKNOWN, "hook:u@1")
    lookup = CallerLookup(store, NumberPolicy("US", ()), {})

    past = lookup._unowned(lookup.parse(UNKNOWN), RANG)

    assert past == ()


def _log_call(store: Store, contact: int, at: datetime) -> None:
    """`callercard log-call` as a dialer runs it: a call out, with its note."""
    from desktop.adapters.call_note_log import record_note
    from desktop.core.call_notes import CallNote

    note = CallNote("5f0c" * 8, at, Direction.OUT, Outcome.TALKED, "", "Sent the quote", "")
    record_note(store, BRANDT, note, contact)


def test_a_call_out_logged_in_the_rings_second_is_an_earlier_call(store: Store) -> None:
    """The rep logs the call they just made (log-call) and the contact rings back within that
    second: the note is the rep's call out, never the ringing call's own row."""
    contact = _brandt(store)
    _log_call(store, contact, RANG.replace(microsecond=0))
    _call(store, contact, BRANDT, RANG.replace(microsecond=0), Outcome.UNKNOWN,
          f"hook:{BRANDT}@{int(RANG.timestamp())}.800")  # fmt: skip

    lines = _lines(store, BRANDT, RANG)

    past = _past(lines)
    assert [line.split() for line in past] == [
        ["Today", "22:05", "Talked:", "Sent", "the", "quote"]
    ]


def test_a_call_missed_in_the_rings_own_second_is_an_earlier_call(store: Store) -> None:
    """A caller whose call was missed redials within the same second: the hook's key says the
    missed ring came 0.7 s before this one (to the ms), so it is their earlier call, not the
    ringing call's row, and the card says it as it does one a second older."""
    contact = _brandt(store)
    second = int(RANG.timestamp())
    _call(store, contact, BRANDT, RANG.replace(microsecond=0), Outcome.MISSED,
          f"hook:{BRANDT}@{second}.100")  # fmt: skip
    _call(store, contact, BRANDT, RANG.replace(microsecond=0), Outcome.UNKNOWN,
          f"hook:{BRANDT}@{second}.800")  # fmt: skip

    lines = _lines(store, BRANDT, RANG)

    past = _past(lines)
    assert [line.split() for line in past] == [["Today", "22:05", "Missed", "their", "call"]]


def test_the_ringing_calls_row_ended_since_is_still_its_own(store: Store) -> None:
    """The missed card built again after its call ended (a wrap-up saved elsewhere): its own
    row, missed by now, stamped with its ring to the ms, is not an earlier call of its own."""
    contact = _brandt(store)
    _call(store, contact, BRANDT, RANG.replace(microsecond=0), Outcome.MISSED,
          f"hook:{BRANDT}@{int(RANG.timestamp())}.801")  # fmt: skip

    lines = _lines(store, BRANDT, RANG)

    assert not any("Missed" in line for line in lines), lines


def test_a_teammates_note_on_a_call_they_took_is_an_earlier_call(store: Store) -> None:
    """Read from the team's card: a colleague's inbound call, noted in the ring's second, is
    theirs, never the call ringing here."""
    from desktop.adapters.directories.mirror import CALL_NOTE_SOURCE

    contact = _brandt(store)
    theirs = Attempt(Direction.IN, RANG.replace(microsecond=0), Outcome.TALKED, "Wants a demo",
                     number_e164=BRANDT)  # fmt: skip
    note = store.record_call(contact, theirs, CALL_NOTE_SOURCE, "note-1")
    # Whose it is, as a sync of the team's card records it (directories/mirror.py).
    store.connection.execute("UPDATE attempts SET rep = 'Dana Reyes' WHERE id = ?", (note,))

    lines = _lines(store, BRANDT, RANG)

    assert any("Wants a demo" in line for line in lines), lines

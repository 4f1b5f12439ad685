"""A logged call in one line: who (a contact, or an unknown caller's caller ID marked as
such), the number, and what happened when, on the rep's clock."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from desktop.core.call_summary import call_line, unknown_who, what_happened, when_text
from desktop.core.models import Attempt, Contact, Direction, Outcome

NOW = datetime(2026, 12, 6, 16, 30, tzinfo=ZoneInfo("America/Los_Angeles"))  # a Sunday


def test_when_reads_as_a_day_of_this_week_then_a_date() -> None:
    assert when_text(NOW - timedelta(minutes=30), NOW) == "today 16:00"
    assert when_text(NOW - timedelta(days=1), NOW, "12h") == "yesterday 4:30 PM"
    assert when_text(datetime(2026, 12, 1, 22, 5, tzinfo=ZoneInfo("UTC")), NOW) == "Tue 14:05"
    assert when_text(NOW - timedelta(days=9), NOW) == "Fri 27 Nov 16:30"


def test_a_call_line_names_an_unknown_caller_by_the_caller_id_and_says_so() -> None:
    tuesday = datetime(2026, 12, 1, 22, 5, tzinfo=ZoneInfo("UTC"))
    missed = Attempt(Direction.IN, tuesday, Outcome.MISSED, number_e164="+14155550177",
                     caller_name="MIKE CELL")  # fmt: skip
    assert call_line(missed, None, NOW) == (
        "MIKE CELL (caller ID) · +1 415-555-0177 · missed Tue 14:05")
    assert unknown_who(" \n") == "Unknown"
    out = Attempt(Direction.OUT, NOW - timedelta(hours=1), Outcome.VOICEMAIL,
                  number_e164="+14155550142")  # fmt: skip
    mike = Contact(id=1, name="Mike Kowalski", company="Harbor Freight")
    assert call_line(out, mike, NOW) == (
        "Mike Kowalski · Harbor Freight · +1 415-555-0142 · voicemail left today 15:30")


def test_a_caller_id_name_hundreds_of_characters_long_is_cut() -> None:
    """`callercard ring --name` passes on what the phone was sent; 500 characters of it took
    a Callbacks row's whole width."""
    who = unknown_who("W" * 500)
    assert who == "W" * 40 + "… (caller ID)"
    assert unknown_who("ACME " * 20) == "ACME ACME ACME ACME ACME ACME ACME… (caller ID)"
    assert unknown_who("NORTHWIND HLTH") == "NORTHWIND HLTH (caller ID)"


def test_a_contacts_call_says_the_caller_id_name_when_it_is_not_theirs() -> None:
    """Search "mike" listed a missed call as "Bo": Bo's number rang with MIKE CELL on the
    caller ID, and nothing on the row said why it was there."""
    rang = Attempt(Direction.IN, NOW - timedelta(hours=1), Outcome.MISSED,
                   number_e164="+14155550199", caller_name="MIKE CELL")  # fmt: skip
    bo = Contact(id=2, name="Bo")
    assert call_line(rang, bo, NOW) == (
        "Bo (caller ID: MIKE CELL) · +1 415-555-0199 · missed today 15:30")
    # A caller ID that names them (any case, cut short, accents folded) adds nothing.
    maya = Contact(id=3, name="Maya Okafor", company="Brightline")
    for said in ("MAYA O", "maya okafor", "MAYA", ""):
        assert call_line(replace(rang, caller_name=said), maya, NOW).startswith(
            "Maya Okafor · Brightline · +1")
    jose = Contact(id=4, name="José Pérez")
    assert call_line(replace(rang, caller_name="JOSE PEREZ"), jose, NOW).startswith("José Pérez ·")
    switchboard = Contact(id=5, name="", company="Kestrel Logistics")
    assert call_line(replace(rang, caller_name="FRONT DESK"), switchboard, NOW).startswith(
        "Kestrel Logistics (caller ID: FRONT DESK) · +1")



def test_a_caller_id_that_is_their_name_with_an_initial_is_not_repeated() -> None:
    """Search's call rows said "Mike Brennan (caller ID: BRENNAN M)"."""
    rang = Attempt(Direction.IN, NOW - timedelta(hours=1), Outcome.MISSED,
                   number_e164="+13125550178", caller_name="BRENNAN M")  # fmt: skip
    mike = Contact(id=4, name="Mike Brennan", company="Acme Tooling")
    assert call_line(rang, mike, NOW).startswith("Mike Brennan · Acme Tooling · ")
    for other in ("BRENNAN J", "MIKE M", "M BRENNAN JR"):
        said = replace(rang, caller_name=other)
        assert f"(caller ID: {other})" in call_line(said, mike, NOW), other
    # The card follows the same rule.
    from desktop.core.card_text import caller_id_name
    from desktop.core.numbers import CallerNumber

    number = CallerNumber("+13125550178", False, "+13125550178", display_name="BRENNAN M")
    assert caller_id_name(number, mike) == ""
    assert caller_id_name(replace(number, display_name="MIKE M"), mike) == "MIKE M"


def test_a_caller_id_with_a_nickname_of_their_given_name_is_their_own_name() -> None:
    """Search 'mike' listed "Michael Brandt (caller ID: MIKE BRANDT)", as if someone else had
    called from his number: Mike is his own name, another form of it."""
    rang = Attempt(Direction.IN, NOW - timedelta(hours=1), Outcome.MISSED,
                   number_e164="+14155550142", caller_name="MIKE BRANDT")  # fmt: skip
    michael = Contact(id=6, name="Michael Brandt", company="Acme Tooling")
    for said in ("MIKE BRANDT", "BRANDT, MIKE", "MICK B", "BRANDT MIKEY"):
        line = call_line(replace(rang, caller_name=said), michael, NOW)
        assert line.startswith("Michael Brandt · Acme Tooling · "), line
    assert call_line(rang, Contact(id=7, name="Brandt, Michael"), NOW).startswith(
        "Brandt, Michael · +1")
    # Not another given name, nor another form of a surname, nor another person's name.
    for other in ("MICHAELA BRANDT", "MIKE SMITH", "BOB BRANDT"):
        said = replace(rang, caller_name=other)
        assert f"(caller ID: {other})" in call_line(said, michael, NOW), other
    tom = Contact(id=8, name="Tom Michael")
    assert "(caller ID: TOM MIKE)" in call_line(replace(rang, caller_name="TOM MIKE"), tom, NOW)
    tommy = replace(rang, caller_name="TOMMY MICHAEL")
    assert call_line(tommy, tom, NOW).startswith("Tom Michael ·")
    # The card follows the same rule.
    from desktop.core.card_text import caller_id_name
    from desktop.core.numbers import CallerNumber

    number = CallerNumber("+14155550142", False, "+14155550142", display_name="MIKE BRANDT")
    assert caller_id_name(number, michael) == ""


def test_a_call_of_ours_that_reached_nobody_says_so() -> None:
    """Search and `callercard search` said "you called today 20:27" for a call that rang out,
    beside the Callbacks entry saying "Tried 20:27, no answer"."""
    at = datetime(2026, 12, 7, 20, 27).astimezone()
    said = {outcome: what_happened(Attempt(Direction.OUT, at, outcome)) for outcome in (
        Outcome.NO_ANSWER, Outcome.FAILED, Outcome.TALKED, Outcome.UNKNOWN, Outcome.VOICEMAIL)}
    assert said == {Outcome.NO_ANSWER: "you called, no answer",
                    Outcome.FAILED: "you called, it failed", Outcome.TALKED: "you called",
                    Outcome.UNKNOWN: "you called", Outcome.VOICEMAIL: "voicemail left"}

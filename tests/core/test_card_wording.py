"""The card's wording lives in desktop/core/card_text.py, one table per thing said: the popup,
the contact window, the call list, the wrap-up and the terminal all say it the same way."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from desktop.core.card import Candidate, Card, MatchTier
from desktop.core.card_text import (
    WITHHELD,
    attempt_line,
    call_back_failure,
    caller_id_name,
    card_date,
    card_lines,
    name_line,
    outcome_text,
    readable_number,
    role_line,
    sentence,
    story_title,
)
from desktop.core.localtime import LocalTime
from desktop.core.models import Attempt, Contact, Direction, Outcome
from desktop.core.numbers import CallerNumber, NumberPolicy, parse_number


def test_card_dates_read_like_a_diary() -> None:
    now = datetime(2025, 10, 20, 12, 0).astimezone()
    assert card_date(datetime(2025, 10, 14, 12, 0).astimezone(), now) == "Tue 14 Oct"
    assert card_date(datetime(2024, 3, 1, 12, 0).astimezone(), now) == "Fri 1 Mar 2024"


@pytest.mark.parametrize(
    ("direction", "outcome", "text"),
    [
        (Direction.OUT, Outcome.VOICEMAIL, "Left voicemail"),
        (Direction.OUT, Outcome.NO_ANSWER, "No answer"),
        (Direction.OUT, Outcome.TALKED, "Talked"),
        (Direction.OUT, Outcome.UNKNOWN, "Called"),
        (Direction.IN, Outcome.MISSED, "Missed their call"),
        (Direction.IN, Outcome.NO_ANSWER, "Missed their call"),
        (Direction.IN, Outcome.VOICEMAIL, "They left voicemail"),
        (Direction.IN, Outcome.UNKNOWN, "They called"),
        (Direction.IN, Outcome.GATEKEEPER, "Their gatekeeper"),  # the wrap-up's own words
        (Direction.IN, Outcome.TALKED, "Talked"),
    ],
)
def test_outcomes_read_as_what_happened(direction: Direction, outcome: Outcome, text: str) -> None:
    assert outcome_text(Attempt(direction, datetime.now(UTC), outcome)) == text


def test_the_terminal_card_says_the_outcome_as_the_popup_does() -> None:
    """Before, the terminal said an inbound voicemail was one "Left voicemail" by the rep."""
    theirs = Attempt(Direction.IN, datetime(2026, 3, 2, 15, tzinfo=UTC), Outcome.VOICEMAIL)
    dana = Contact(1, "Dana Reyes", attempts=(theirs,))
    card = Card("+14155550100", CallerNumber("+14155550100", False, "+14155550100"),
                MatchTier.EXACT, (dana,), (), "", LocalTime())  # fmt: skip
    attempt_lines = [line for line in card_lines(card) if line.startswith("  ")]
    assert len(attempt_lines) == 1 and attempt_lines[0].endswith("They left voicemail")


def test_the_terminal_tells_todays_calls_apart_by_their_time() -> None:
    """`lookup` and `search` said "Mon 7 Dec  They called" for each of a busy day's calls,
    where the card says "Today 14:05"."""
    now = datetime(2026, 12, 7, 18, 0).astimezone()
    today = Attempt(Direction.IN, datetime(2026, 12, 7, 14, 5).astimezone(), Outcome.MISSED)
    earlier = Attempt(Direction.OUT, datetime(2026, 12, 1, 9, 0).astimezone(), Outcome.TALKED)
    assert attempt_line(today, now) == "Today 14:05  Missed their call"
    assert attempt_line(today, now, "12h") == "Today 2:05 PM  Missed their call"
    assert attempt_line(earlier, now) == "Tue 1 Dec  Talked"


def test_a_teammates_attempt_says_whose_it_was() -> None:
    shared = Attempt(Direction.OUT, datetime.now(UTC), Outcome.VOICEMAIL, rep="Dana")
    assert outcome_text(shared) == "Left voicemail (Dana)"


def test_the_role_line_names_the_team_directories_a_contact_is_in() -> None:
    dana = Contact(1, "Dana Reyes", title="Buyer", company="Acme", sources=("local", "team"))
    assert role_line(dana) == "Buyer · Acme · from team"
    assert role_line(replace(dana, sources=("local",))) == "Buyer · Acme"


def test_a_company_with_nobody_named_is_said_once() -> None:
    """Used as a rep: a contact made from the caller ID "PDX WIRELESS" (Company only) read
    "PDX Wireless" in big letters and again on the line under it."""
    pdx = Contact(1, "", company="PDX Wireless")
    assert role_line(pdx) == ""
    assert role_line(replace(pdx, title="Front desk")) == "Front desk"


def test_numbers_are_formatted_for_people_once_when_read() -> None:
    number = parse_number("(415) 555-0100 x204", NumberPolicy("US"))
    assert number.international == "+1 415-555-0100"
    assert readable_number(number, "x") == "+1 415-555-0100 ext. 204"
    # A number made by hand (tests, the demo book) is still written for people.
    hand_made = CallerNumber(raw="x", withheld=False, e164="+442079460399")
    assert readable_number(hand_made, "x") == "+44 20 7946 0399"
    # No number: a colleague's extension as their contact view writes it, else as it came.
    assert readable_number(CallerNumber(raw="1001", withheld=False, e164=None), " 1001 ") == "x1001"
    assert readable_number(CallerNumber(raw="555-01", withheld=False, e164=None), " 555-01 ") == (
        "555-01")


def test_a_withheld_caller_is_said_one_way() -> None:
    withheld = CallerNumber(raw="anonymous", withheld=True, e164=None)
    card = Card("anonymous", withheld, MatchTier.WITHHELD, (), (), "", LocalTime())
    assert WITHHELD == "Number withheld" == MatchTier.WITHHELD.label
    assert readable_number(withheld, "anonymous") == WITHHELD
    assert name_line(card, readable_number(withheld, "anonymous")) == WITHHELD == card.headline
    # A withheld caller who still sent a name is named.
    named = replace(card, number=replace(withheld, display_name="Dana"))
    assert name_line(named, WITHHELD) == "Dana"


def test_reasons_start_with_a_capital_unless_they_are_a_brand() -> None:
    assert sentence("the freight-audit proposal") == "The freight-audit proposal"
    assert sentence("iPhone fleet renewal") == "iPhone fleet renewal"
    assert sentence("  Q3  tender ") == "Q3 tender"


@pytest.mark.parametrize("caller_id, shown", [
    # baresip's peer URI for a national number the home region cannot read: the card was
    # headed "sip:015233445566@127.0.0.1:…", the host and port crowding out the digits.
    ("sip:015233445566@127.0.0.1:15093;user=phone", "015233445566"),
    ('"Reception" <sip:0301234@pbx.example.com>', "0301234"),
    ("Reception", "Reception"),  # no number in it: said as it came
])  # fmt: skip
def test_a_caller_id_that_is_no_number_here_heads_the_card_with_its_digits(
    caller_id: str, shown: str
) -> None:
    number = parse_number(caller_id, NumberPolicy("US"))
    assert number.e164 is None
    card = Card(caller_id, number, MatchTier.NONE, (), (), "", LocalTime())
    assert card.display_number == shown == readable_number(number, caller_id)
    assert card.headline == (number.display_name or shown)
    assert name_line(card, readable_number(number, caller_id)) == card.headline  # the popup's
    assert card_lines(card)[0].startswith(card.headline)


@pytest.mark.parametrize(
    ("why", "said"),
    [
        ("486 Busy Here", "the line was busy (486)"),
        ("404 Not Found", "the number was not found (404)"),
        ("486 Occupato", "the line was busy (486)"),  # the code decides, not the words
        ("699 Something New", "699 Something New"),
        ("Connection reset\nby peer", "Connection reset by peer"),  # one line, as written
    ],
)
def test_a_failed_call_back_says_what_the_rep_can_do_about_it(why: str, said: str) -> None:
    """A busy line is worth another try in a minute; a number not found is a wrong number."""
    assert call_back_failure(why) == f"Call back did not go through: {said}"
    assert call_back_failure("") == "Call back did not go through"


def _maya(reason: str = "", *attempts: Attempt) -> Contact:
    return Contact(id=7, name="Maya Okafor", reason=reason, attempts=attempts)


def test_a_story_of_their_calls_only_is_not_called_why_we_called() -> None:
    """A rep read "WHY WE CALLED · Missed their call" on the card of someone who had only
    ever called them."""
    at = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    theirs = Attempt(Direction.IN, at, Outcome.MISSED)
    ours = Attempt(Direction.OUT, at, Outcome.VOICEMAIL)
    assert story_title(_maya("", theirs), (theirs,), several=False) == "Earlier calls"
    assert story_title(_maya("", theirs), (theirs,), several=True) == "Earlier calls with Maya"
    assert story_title(_maya("", theirs, ours), (theirs, ours), several=False) == "Why we called"
    assert story_title(_maya("the renewal", theirs), (theirs,), several=False) == "Why we called"
    assert story_title(_maya("x"), (), several=True) == "Why we called Maya"


@pytest.mark.parametrize(
    ("sent", "said"),
    [("Maya Okafor", ""), ("MAYA OKAFOR", ""), ("Okafor, Maya", ""), ("M OKAFOR", ""),
     ("OKAFOR M.", ""), ("J OKAFOR", "J OKAFOR"), ("MAYA M", "MAYA M"),
     ("Front desk", "Front desk"), ("", "")],
)
def test_the_caller_id_name_is_said_only_when_it_is_not_the_persons_own(
    sent: str, said: str
) -> None:
    number = CallerNumber("+14155550142", False, "+14155550142", display_name=sent)
    assert caller_id_name(number, _maya()) == said
    # Nobody known at the number: the caller ID's name is the card's headline, not a line.
    assert caller_id_name(number, None) == ""


def test_the_caller_id_name_of_a_company_only_contact_is_not_said_twice() -> None:
    # "New contact" from Who is it? files "PDX WIRELESS" as the company PDX Wireless, with no
    # person's name: its card said "Caller ID: PDX WIRELESS" beside the headline PDX Wireless.
    pdx = Contact(id=7, name="", company="PDX Wireless")
    number = CallerNumber("+15035550123", False, "+15035550123", display_name="PDX WIRELESS")
    assert caller_id_name(number, pdx) == ""
    other = CallerNumber("+15035550123", False, "+15035550123", display_name="ACME CORP")
    assert caller_id_name(other, pdx) == "ACME CORP"


def test_the_text_card_lists_an_unknown_callers_guesses_with_their_reasons() -> None:
    # `callercard lookup` printed no guesses for an unknown caller (only --json had them).
    number = CallerNumber("+13125550199", False, "+13125550199", display_name="DANA WHITFIELD")
    guesses = (Candidate(Contact(id=1, name="Dana Whitfield"), "Name matches the caller ID"),
               Candidate(Contact(id=2, name="", company="Kestrel Logistics"), "Same area"))
    card = Card("+13125550199", number, MatchTier.NONE, (), guesses, "", LocalTime())
    lines = card_lines(card)
    at = lines.index("Who could this be?")
    assert lines[at + 1 :] == ["  Dana Whitfield · Name matches the caller ID",
                               "  Kestrel Logistics · Same area"]  # fmt: skip


@pytest.mark.parametrize("blank", ["   ", "\u200f", " \u202e\u202c "])
def test_a_reason_that_says_nothing_does_not_hide_the_last_calls_reason(blank: str) -> None:
    """A reason of spaces or direction marks only (a cell pasted from a right-to-left sheet)
    left the card's "Why we called" empty over the reason the last call had."""
    from desktop.core.card import why_we_called

    called = Attempt(Direction.OUT, datetime(2026, 12, 1, 15, tzinfo=UTC), Outcome.VOICEMAIL,
                     reason="Renewal quote")  # fmt: skip
    contact = Contact(id=1, name="Mike Brandt", reason=blank, attempts=(called,))
    assert why_we_called(contact) == "Renewal quote"
    assert why_we_called(replace(contact, attempts=(replace(called, reason=blank),))) == ""

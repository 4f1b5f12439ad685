"""Untrusted text loses the characters that would let it reorder the app's own words."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime

import pytest

from desktop.core.card import Card, MatchTier
from desktop.core.card_text import card_lines
from desktop.core.display_text import BIDI_CONTROLS, display_text, one_line
from desktop.core.localtime import LocalTime
from desktop.core.models import Attempt, Contact, Direction, Outcome
from desktop.core.numbers import CallerNumber
from desktop.core.openers import render

RLO, PDF, LRI, PDI, RLM, ALM = "\u202e", "\u202c", "\u2066", "\u2069", "\u200f", "\u061c"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("Mike \u202egnp.exe", "Mike gnp.exe"),  # shows as "Mike exe.png" with the override
        (f"{RLO}Acme{PDF} Ltd", "Acme Ltd"),
        ("\u202a\u202b\u202c\u202d\u202e", ""),  # every embedding and override
        (f"{LRI}a{PDI}\u2067b\u2068c", "abc"),  # isolates, balanced or not
        (f"\u200e+1 415 555 0142{RLM}", "+1 415 555 0142"),  # marks copied from web pages
        (f"{ALM}محمد", "محمد"),  # an Arabic name keeps its letters
        ("שלום Mike", "שלום Mike"),  # right-to-left letters need no controls
        ("Zoë Ångström", "Zoë Ångström"),
        ("zero\u200bwidth\u200djoiner", "zero\u200bwidth\u200djoiner"),  # not bidi: kept
        ("<b>Mike</b> & Co", "<b>Mike</b> & Co"),
        ("", ""),
    ],
)
def test_bidi_controls_are_removed_and_nothing_else(raw: str, shown: str) -> None:
    assert display_text(raw) == shown


def test_the_set_is_every_character_unicode_classes_as_a_bidi_control_or_mark() -> None:
    bidi_classes = {"LRE", "RLE", "PDF", "LRO", "RLO", "LRI", "RLI", "FSI", "PDI"}
    every = {chr(c) for c in range(0x110000) if unicodedata.bidirectional(chr(c)) in bidi_classes}
    assert every | {"\u200e", "\u200f", "\u061c"} == BIDI_CONTROLS


def test_one_line_also_folds_whitespace() -> None:
    assert one_line(f"  Mike{RLO}\n\t K  ") == "Mike K"


def test_terminal_and_notification_lines_carry_no_control_from_the_caller() -> None:
    contact = Contact(
        id=1,
        name=f"Mike {RLO}gnp.exe",
        company=f"{RLO}Acme",
        title="VP",
        reason=f"the {LRI}proposal",
        referred_by=f"Harley{RLM}",
        attempts=(
            Attempt(Direction.OUT, datetime(2026, 3, 1, tzinfo=UTC), Outcome.VOICEMAIL, f"x{RLO}"),
        ),
    )
    card = Card(
        caller_id="+14155550142",
        number=CallerNumber("+14155550142", False, "+14155550142", display_name=f"M{RLO}K"),
        match=MatchTier.EXACT,
        contacts=(contact,),
        candidates=(),
        opener=f"Hi {RLO}Mike",
        local_time=LocalTime(),
    )
    lines = card_lines(card)
    assert lines[0] == "Mike gnp.exe"
    assert not BIDI_CONTROLS & set("".join(lines))


def test_an_opener_made_from_a_hostile_name_reads_as_written() -> None:
    values = {"first_name": f"{RLO}Mike", "reason": f"{LRI}x"}
    assert render("Hi {first_name}, about {reason}.", values) == "Hi Mike, about x."

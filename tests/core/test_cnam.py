"""Which caller-ID names Who is it? searches for: names of people and companies, not the
places and line descriptions a carrier sends when it has no name on file."""

from __future__ import annotations

import pytest

from desktop.core.cnam import searchable_name


@pytest.mark.parametrize(("sent", "searched"), [
    ("MIKE ROSS", "MIKE ROSS"),
    ("ROSS MIKE", "ROSS MIKE"),  # surname first, as carriers send it
    ("PDX WIRELESS", "PDX WIRELESS"),  # a company whose name has a line word in it
    ("  Dana   Whitfield ", "Dana Whitfield"),
    ("O'Brien, Sean", "O'Brien, Sean"),
    ("Müller & Söhne GmbH", "Müller & Söhne GmbH"),
    ("3M COMPANY", "3M COMPANY"),
    ("Jean-Luc", "Jean-Luc"),
    ("WIRELESS CALLER", ""),
    ("CELL PHONE", ""),
    ("TOLL FREE CALL", ""),
    ("SPAM LIKELY", ""),
    ("Unknown Name", ""),
    ("NAME UNAVAILABLE", ""),
    ("SAN FRANCISCO CA", ""),
    ("CHICAGO IL", ""),  # tests/qt/test_who_is_it.py's missed call
    ("PORTLAND, OR", ""),
    ("CELL PHONE   CA", ""),
    ("Anonymous", ""),
    ("OUT-OF-AREA", ""),
    ("V4155550199", ""),
    ("4155550199", ""),
    ("+1 415 555 0199", ""),
    ("P", ""),
    ("", ""),
])  # fmt: skip
def test_a_name_is_searched_for_a_placeholder_is_not(sent: str, searched: str) -> None:
    assert searchable_name(sent) == searched


def test_the_numbers_own_place_sent_as_its_name_is_no_name() -> None:
    # A carrier's place without a state, or spelled as the card's place line spells it
    assert searchable_name("SAN FRANCISCO", "San Francisco, CA") == ""
    assert searchable_name("SAN FRANCISCO, CA", "San Francisco, CA") == ""
    assert searchable_name("Berlin", "Berlin") == ""
    assert searchable_name("OAKLAND", "San Francisco, CA") == "OAKLAND"  # not known as one


def test_a_two_letter_word_written_as_a_name_is_not_a_state() -> None:
    # "Al" as a first name, written in mixed case, is not Alabama
    assert searchable_name("Ross Al") == "Ross Al"

"""Excel drops the "+" of "+49 1512 3456789": where national numbers take a trunk "0", digits
that start with the home country code read as the international number when both readings are
valid, and the note keeps the national one for the person to check."""

from __future__ import annotations

import pytest

from desktop.core.numbers import DROPPED_PLUS, NumberPolicy, parse_number


@pytest.mark.parametrize(("region", "digits", "e164"), [
    ("DE", "4915123456789", "+4915123456789"),  # was +494915123456789 (0491 Leer + 5123456789)
    ("DE", "491701234567", "+491701234567"),
    ("DE", "4961511234567", "+4961511234567"),
])  # fmt: skip
def test_home_country_code_digits_read_as_the_number_that_lost_its_plus(
    region: str, digits: str, e164: str
) -> None:
    number = parse_number(digits, NumberPolicy(region))
    assert (number.e164, number.valid) == (e164, True)
    assert DROPPED_PLUS in number.note and "as a national number it is 0" in number.note


@pytest.mark.parametrize(("region", "digits", "e164"), [
    ("DE", "04915123456789", "+494915123456789"),  # the trunk 0 says national
    ("DE", "+49 491 5123456789", "+494915123456789"),
    ("DE", "3090182055", "+493090182055"),  # Excel dropped the 0: national as before
    ("DE", "4912345", "+494912345"),  # a short local number: no valid international reading
    ("US", "14155550142", "+14155550142"),  # NANP's trunk prefix is 1: phonenumbers' rule
    ("GB", "442079460321", "+442079460321"),
    ("GB", "2079460321", "+442079460321"),
])  # fmt: skip
def test_other_numbers_read_as_before(region: str, digits: str, e164: str) -> None:
    number = parse_number(digits, NumberPolicy(region))
    assert (number.e164, number.note) == (e164, "")

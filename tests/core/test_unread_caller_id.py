"""Two reports of one caller ID that is not a number are one caller however each spelled it."""

from __future__ import annotations

import pytest

from desktop.core.caller_user_part import same_caller_key
from desktop.core.unread_caller_id import CALLER_ID_MAX, kept_caller_id, shown_caller_id


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("030 90182013", "03090182013"),
        ("030 90182013", "sip:030-90182013@pbx.example;user=phone"),
        ("sip:Front-Desk@pbx", "front-desk"),
        ('"Front Desk" <sip:front-desk@10.0.0.1>', "FRONT_DESK"),
        ("Reception", "reception"),
    ],
)
def test_one_caller_spelled_two_ways_is_one_key(one: str, other: str) -> None:
    assert same_caller_key(one) == same_caller_key(other)


@pytest.mark.parametrize(("one", "other"), [("12345", "12346"), ("Reception", "Sales"),
                                            ("sip:100@pbx", "sip:101@pbx")])  # fmt: skip
def test_two_callers_are_two_keys(one: str, other: str) -> None:
    assert same_caller_key(one) != same_caller_key(other)


def test_the_caller_id_is_kept_as_received_up_to_a_bound_and_shown_on_one_line() -> None:
    assert kept_caller_id(" 030  90182013 ") == " 030  90182013 "
    assert len(kept_caller_id("9" * 5000)) == CALLER_ID_MAX
    assert shown_caller_id("Recep\ntion\u202e").startswith("Recep tion")
    assert shown_caller_id("x" * 300).endswith("…")

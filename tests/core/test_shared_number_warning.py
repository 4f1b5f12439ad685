"""What Save says first when a typed number is another contact's: whose, and as what."""

from __future__ import annotations

from desktop.core.number_edit import shared_number_warning

N = "+1 415-555-0122"


def test_nobody_else_has_it_says_nothing() -> None:
    assert shared_number_warning(N, []) == ""


def test_it_names_the_person_and_the_numbers_label_as_a_rep_says_it() -> None:
    said = shared_number_warning(N, [("Dana Whitfield", "mobile")])
    assert said.startswith("+1 415-555-0122 is Dana Whitfield's mobile. ")
    assert "Save anyway" in said
    assert shared_number_warning(N, [("Acme", "work")]).startswith(f"{N} is Acme's work number.")
    assert shared_number_warning(N, [("James", "")]).startswith(f"{N} is James' number.")
    assert shared_number_warning(N, [("", "")]).startswith(f"{N} is another contact's number.")


def test_several_holders_name_two_and_count_the_rest() -> None:
    said = shared_number_warning(N, [("Dana", "main"), ("Bo", "main"), ("Al", ""), ("Cy", "")])
    assert said.startswith(f"{N} is Dana's main number and Bo's main number "
                           "(and 2 more contacts'). ")  # fmt: skip


def test_a_name_or_label_over_several_lines_stays_on_one() -> None:
    said = shared_number_warning(N, [("Dana\nWhitfield", "mobile\n")])
    assert "\n" not in said and "Dana Whitfield's mobile" in said

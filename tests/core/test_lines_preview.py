"""The card's notes cut to a preview that keeps their own lines (card_text.lines_preview)."""

from __future__ import annotations

from desktop.core.card_text import lines_preview


def test_short_notes_keep_their_lines_without_the_blank_ones() -> None:
    assert lines_preview("A\n\n  B   two \r\nC", 200, 4) == ("A\nB two\nC", False)


def test_lines_past_the_budget_are_left_out_and_said_so() -> None:
    assert lines_preview("one.\ntwo.\nthree.", 200, 2) == ("one.\ntwo…", True)


def test_a_long_line_is_cut_at_a_word_within_the_characters_left() -> None:
    shown, cut = lines_preview("Gate code 4411\n" + "Budget talk. " * 20, 40, 4)
    first, second = shown.split("\n")
    assert cut and first == "Gate code 4411" and second.endswith("…")
    assert len(second) <= 40 - len(first) + 1


def test_bidi_controls_are_gone_as_on_any_card_line() -> None:
    assert lines_preview("Mike \u202egnp.exe\nok", 200, 4) == ("Mike gnp.exe\nok", False)

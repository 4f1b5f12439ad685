"""Which "?" is a letter a code page lost, and which is what was typed."""

from __future__ import annotations

import pytest

from desktop.core.lost_letters import LostLetters, code_page_title, has_lost_letter


@pytest.mark.parametrize("cell", ["Y?lmaz", "?ukasz", "Ko??", "???? ????", "y?lmaz@bau.example"])
def test_a_question_mark_inside_a_word_is_a_lost_letter(cell: str) -> None:
    assert has_lost_letter(cell)


@pytest.mark.parametrize("cell", ["Call back?", "Call him? yes", "5?", "", "?",
                                  "https://y.example/?ref=fair", "www.y.example/?a=b"])  # fmt: skip
def test_a_question_a_query_or_a_lone_mark_is_not(cell: str) -> None:
    assert not has_lost_letter(cell)


def test_many_cells_are_told_once_then_the_first_twenty_then_how_many_more() -> None:
    found = LostLetters("cp1250", ["Name"], 1)
    for line in range(2, 32):
        found.check(line, ["Y?lmaz"])
    told, *cells, more = found.warnings()
    assert told.message.startswith("30 cells in 30 lines hold a “?” for a letter this file's "
                                   "encoding (Windows-1250) could not carry")  # fmt: skip
    assert len(cells) == 20 and cells[0].line == 2 and cells[0].field == "Name"
    assert (more.line, more.message) == (21, "and 10 more such cells after this")
    assert code_page_title("cp1252") == "Windows-1252" and code_page_title("latin-1") == "latin-1"

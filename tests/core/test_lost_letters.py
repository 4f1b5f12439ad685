"""Which "?" is a letter a code page lost, and which is what was typed."""

from __future__ import annotations

import pytest

from desktop.core.lost_letters import (
    LostLetters,
    code_page_title,
    has_lost_letter,
    may_have_lost_letter,
)


@pytest.mark.parametrize("cell", ["Y?lmaz", "?ukasz", "Ko??", "???? ????", "y?lmaz@bau.example"])
def test_a_question_mark_inside_a_word_is_a_lost_letter(cell: str) -> None:
    assert has_lost_letter(cell)


@pytest.mark.parametrize("cell", [
    "Call back?", "Call him? yes", "5?", "", "?", "https://y.example/?ref=fair",
    "www.y.example/?a=b", "acme.example/page?id=5", "see shop.acme.pl/kontakt?x=1",
])  # fmt: skip
def test_a_question_a_query_or_a_lone_mark_is_not(cell: str) -> None:
    assert not has_lost_letter(cell)


def test_many_cells_are_told_once_then_the_first_twenty_then_how_many_more() -> None:
    found = LostLetters("cp1250", ["Name"], 1)
    for line in range(2, 32):
        found.check(line, ["Y?lmaz"])
    told, *cells, more = found.warnings()
    assert str(told).startswith("lines 2, 3, 4, 5, 6 and 25 more (Name): 30 cells in 30 lines "
                                "hold a “?” for a letter this file's encoding (Windows-1250) "
                                "could not carry")  # fmt: skip
    assert len(cells) == 20 and cells[0].line == 2 and cells[0].field == "Name"
    assert (more.line, more.message) == (21, "and 10 more such cells after this")
    assert code_page_title("cp1252") == "Windows-1252" and code_page_title("latin-1") == "latin-1"


@pytest.mark.parametrize("cell", ["Przemys? SA", "Pozna?", "?ód?", "przemys?@firma.example",
                                  "Jan ?. Nowak", "Ott?", "Huta Sp. z o.o./Oddzia?"])  # fmt: skip
def test_a_question_mark_ending_a_word_may_be_a_lost_letter(cell: str) -> None:
    assert may_have_lost_letter(cell)


@pytest.mark.parametrize("cell", ["5?", "(?)", "?", "Size: 5 ?", "https://p.example/a?b=c",
                                  "www.p.example/x?y", "p.example/kontakt?"])  # fmt: skip
def test_a_mark_after_no_letter_or_in_a_link_may_not(cell: str) -> None:
    assert not may_have_lost_letter(cell)


def test_a_letter_lost_at_a_words_end_counts_where_the_file_shows_the_loss() -> None:
    """A Polish export: "Przemysł SA" lost its last letter, "Wałbrzych" one inside. The
    notes' questions stay questions, the one at a word's end in a name column included."""
    header = ["Name", "Company", "City", "Notes"]
    found = LostLetters("cp1252", header, 1, prose=frozenset({3}))
    found.check(2, ["Jan Nowak", "Przemys? SA", "Pozna?", "Is this right?"])
    found.check(3, ["Anna Wi?niewska", "Fabryka", "Wa?brzych", "Call back? Przemys? SA"])
    found.check(4, ["Ewa Lis", "Dom", "Opole", "Budget?"])
    told, *cells = found.warnings()
    assert str(told).startswith("lines 2 and 3 (Name, Company, City): 4 cells in 2 lines hold")
    assert [(c.line, c.field) for c in cells] == [
        (2, "Company"), (2, "City"), (3, "Name"), (3, "City")]
    assert found.check_text(2) == ("a “?” for a lost letter in Company, City: re-export the "
                                   "file as “CSV UTF-8”")  # fmt: skip
    assert found.check_text(4) == ""


def test_without_a_sure_loss_a_question_mark_ending_a_word_is_what_was_typed() -> None:
    found = LostLetters("cp1252", ["Name", "Company"], 1)
    found.check(2, ["Jan Nowak", "Who? Digital"])
    found.check(3, ["Why Not?", "Quiz Inc"])
    assert found.warnings() == [] and found.cells == 0 and found.check_text(2) == ""


def test_one_line_is_named_as_one() -> None:
    found = LostLetters("ascii", ["First Name", "Last Name"], 3)
    found.check(7, ["?ukasz", "Przemys?"])
    told, *_cells = found.warnings()
    assert str(told).startswith("line 7 (First Name, Last Name): 2 cells in 1 line hold a “?” "
                                "for a letter this file's encoding (plain ASCII)")  # fmt: skip

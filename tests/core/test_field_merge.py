"""What a field the rep edits stores when another process changed it meanwhile: nobody's text
is lost (desktop.core.field_merge)."""

from __future__ import annotations

import pytest

from desktop.core.field_merge import followed_notes, merged_edit

BASE = "Prefers mornings."


@pytest.mark.parametrize(("mine", "stored", "kept"), [
    ("Prefers mornings. Ask Jen.", BASE, "Prefers mornings. Ask Jen."),  # only the rep
    (BASE, f"{BASE}\nMet at Dreamforce", f"{BASE}\nMet at Dreamforce"),  # only the import
    # Both: what the import added after (or before) the text the rep started from stays there.
    ("Prefers mornings. Ask Jen.", f"{BASE}\nMet at Dreamforce",
     "Prefers mornings. Ask Jen.\nMet at Dreamforce"),
    ("Prefers mornings. Ask Jen.", f"VIP\n{BASE}", "VIP\nPrefers mornings. Ask Jen."),
    # Both changed it through: the other side's new lines after the rep's.
    ("Prefers afternoons now.", "Prefers mornings!\nAssistant: Jen",
     "Prefers afternoons now.\nPrefers mornings!\nAssistant: Jen"),
    ("Mornings.", "Mornings.", "Mornings."),  # both made the same change
])  # fmt: skip
def test_neither_sides_text_is_lost(mine: str, stored: str, kept: str) -> None:
    assert merged_edit(BASE, mine, stored) == kept


def test_a_single_line_field_keeps_what_the_rep_typed_when_both_changed_it() -> None:
    assert merged_edit("intro", "the renewal", "the pricing sheet", multiline=False) == (
        "the renewal")
    assert merged_edit("intro", "intro", "the pricing sheet", multiline=False) == (
        "the pricing sheet")


def test_an_empty_field_filled_on_both_sides_keeps_both() -> None:
    assert merged_edit("", "Call after 10", "Met at Dreamforce") == (
        "Call after 10\nMet at Dreamforce")


def test_a_field_the_rep_emptied_keeps_only_what_was_added_elsewhere() -> None:
    assert merged_edit(BASE, "", f"{BASE}\nMet at Dreamforce") == "Met at Dreamforce"



def test_a_followed_files_changed_line_replaces_its_old_one_beside_the_reps() -> None:
    assert followed_notes("Budget Q1", "Budget Q1\nPrefers mornings", "Budget Q2") == (
        "Prefers mornings\nBudget Q2"
    ), "the file's old line was not the rep's"
    assert followed_notes("Budget Q1", "Budget Q1 approved", "Budget Q2") == (
        "Budget Q1 approved\nBudget Q2"
    ), "a line the rep rewrote is the rep's"
    assert followed_notes("Budget Q1\nCFO: Sam", "Budget Q1\nCFO: Sam\nmornings",
                          "CFO: Sam\nBudget Q2") == "CFO: Sam\nmornings\nBudget Q2"  # fmt: skip

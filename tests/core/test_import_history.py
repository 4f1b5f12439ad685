"""Import batches and their undo in words for people."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from desktop.core.import_history import (
    BatchRecord,
    batch_line,
    counts_from_summary,
    kept_from_summary,
    kept_numbers_from_summary,
    kept_text,
    undo_sentence,
)

NOW = datetime(2026, 12, 6, 18, 0, tzinfo=UTC)
BATCH = BatchRecord(2, "Import of prospects.csv", "/home/sam/Downloads/prospects.csv",
                    datetime(2026, 12, 3, 14, 5, tzinfo=UTC),
                    counts=counts_from_summary('{"imported": 12, "merged": 3, "unchanged": 0, '
                                               '"rejected_count": 1, "file": "x"}'))  # fmt: skip


def test_undo_names_the_numbers_it_took_off_contacts_that_stay() -> None:
    said = undo_sentence(BATCH, NOW, contacts=1, numbers=4, fields=1, numbers_off_kept=3)
    assert said == ("Removed 1 contact imported from prospects.csv on 3 Dec, removed 3 "
                    "numbers it had added to existing contacts and cleared 1 field it had "
                    "filled in existing contacts.")  # fmt: skip


@pytest.mark.parametrize(
    ("contacts", "numbers", "fields", "already", "sentence"),
    [
        (12, 14, 0, False, "Removed 12 contacts imported from prospects.csv on 3 Dec."),
        (1, 1, 2, False, "Removed 1 contact imported from prospects.csv on 3 Dec and cleared "
                         "2 fields it had filled in existing contacts."),
        (0, 3, 0, False, "Took back the import of prospects.csv from 3 Dec and removed 3 "
                         "numbers it had added."),
        (0, 0, 0, True, "The import of prospects.csv from 3 Dec was undone already; nothing "
                        "changed."),
    ],
)
def test_undo_sentences(contacts: int, numbers: int, fields: int, already: bool,
                        sentence: str) -> None:  # fmt: skip
    said = undo_sentence(BATCH, NOW, contacts=contacts, numbers=numbers, fields=fields,
                         already=already)  # fmt: skip
    assert said == sentence


def test_a_history_line_names_the_file_the_day_and_the_counts() -> None:
    assert batch_line(BATCH, NOW) == (
        "prospects.csv · 3 Dec, 14:05 · 12 added, 3 merged into existing contacts, 1 rejected"
    )
    last_year = BatchRecord(1, "Import of a.vcf", r"C:\Users\sam\a.vcf",
                            datetime(2025, 6, 9, 9, 0, tzinfo=UTC),
                            undone_at=datetime(2026, 1, 2, tzinfo=UTC))  # fmt: skip
    assert batch_line(last_year, NOW) == "a.vcf · 9 Jun 2025, 09:00 · undone 2 Jan"


def test_an_undo_names_three_who_stay_and_counts_the_rest() -> None:
    """A big export undone while a phone's vCard still has most of its people: the sentence
    stays readable, naming three."""
    stays = [(f"Person {i}", "phone.vcf") for i in range(1, 6)]
    said = undo_sentence(BATCH, NOW, contacts=7, numbers=7, fields=0, stays=stays)
    assert said == ("Removed 7 contacts imported from prospects.csv on 3 Dec. Person 1 stays: "
                    "phone.vcf also has this contact. Person 2 stays: phone.vcf also has this "
                    "contact. Person 3 stays: phone.vcf also has this contact. 2 more contacts "
                    "stay: other files still imported have them.")  # fmt: skip


def test_a_followed_save_names_who_it_kept_and_the_numbers_kept_for_the_reps_calls() -> None:
    """Said in Import history's row of the save, where the rep looks for what it did."""
    summary = ('{"imported": 0, "merged": 0, "unchanged": 2, "kept_by_rep": ["Dana Whitfield"], '
               '"numbers_kept_by_rep": [["Søren Kjær", "+44 20 7946 0432"], '
               '["Maya Okafor", "+1 415-555-0179"]]}')  # fmt: skip
    saved = BatchRecord(3, "Import of leads.csv (followed)", "/home/sam/leads.csv",
                        datetime(2026, 12, 6, 9, 0, tzinfo=UTC),
                        counts=counts_from_summary(summary), kept=kept_from_summary(summary),
                        kept_numbers=kept_numbers_from_summary(summary))  # fmt: skip
    assert batch_line(saved, NOW) == (
        "leads.csv · 6 Dec, 09:00 · 0 added, 2 already there · Dana Whitfield kept: you had "
        "worked on them; remove them by hand if they should go. Søren Kjær keeps +44 20 7946 "
        "0432 and Maya Okafor keeps +1 415-555-0179: you had calls on them; remove them by hand "
        "if they should go"
    )
    one = kept_text([], [("Søren Kjær", "+44 20 7946 0432")])
    assert one == ("Søren Kjær keeps +44 20 7946 0432: you had calls on it; remove it by hand "
                   "if it should go")  # fmt: skip


def test_the_undo_warning_counts_the_contacts_that_go_when_some_stay() -> None:
    """crm.csv added Dana and Ola; team.csv has Dana too: 'of the 1 contact it added' read as
    if the file had added one."""
    from desktop.core.import_history import undo_warning

    said = undo_warning(1, 1, 0, stays=(("Dana Whitfield", "team.csv"),))
    assert said.startswith("1 of the 1 contact Undo removes has calls: "), said
    assert said.endswith("Dana Whitfield stays: team.csv also has this contact.")

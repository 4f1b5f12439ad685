"""An Apple Contacts or iCloud export, and vCard 4 address books, carry each contact group as a
card of its own. Imported, "Sales team" became a contact with no number, found in Search
beside the people."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.adapters.importing import ImportOptions, import_file, preview_file
from desktop.adapters.store import Store
from desktop.core.numbers import NumberPolicy

GROUPS_VCF = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Dana Reyes\r\nTEL;TYPE=WORK:+1 415 555 0101\r\n"
    "END:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Sales team\r\nN:Sales team;;;;\r\n"
    "X-ADDRESSBOOKSERVER-KIND:group\r\nX-ADDRESSBOOKSERVER-MEMBER:urn:uuid:1234\r\n"
    "END:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Key accounts\r\nKIND:group\r\nMEMBER:urn:uuid:5678\r\n"
    "END:VCARD\r\n"
    # An organisation's card is someone to call.
    "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Acme Corp\r\nKIND:org\r\nTEL:+1 415 555 0102\r\n"
    "END:VCARD\r\n"
)


@pytest.mark.parametrize("workers", [0, 1])  # read in this process, or by a worker process
def test_contact_groups_in_a_vcard_file_are_skipped_not_imported(
    tmp_path: Path, workers: int
) -> None:
    path = tmp_path / "contacts.vcf"
    path.write_text(GROUPS_VCF, encoding="utf-8")
    store = Store.open(tmp_path / "cc.sqlite3")
    try:
        options = ImportOptions(NumberPolicy("US"), workers=workers)
        planned = preview_file(path, options, store).planned
        # The preview says so before anything is imported.
        assert [(row.line, row.fate.name, row.note.startswith("Skipped: a contact group"))
                for row in planned.rows] == [(1, "NEW", False), (6, "SKIPPED", True),
                                             (13, "SKIPPED", True), (19, "NEW", False)]
        report = import_file(store, path, options)
        assert (report.imported, report.skipped, report.rejected) == (2, 2, [])
        assert "2 cards skipped (empty, or a contact group)" in report.summary()
        assert store.search_simple("Sales") == [] and store.search_simple("Key accounts") == []
        assert [c.name for c in store.search_simple("Acme")] == ["Acme Corp"]
    finally:
        store.close()

"""A colleague's internal extension in a file the rep imports ("3103", "x3103", "Ext. 3103" in
a phone column, a company phone list's Ext column) or types into a contact: kept as the
extension a call from 3103 finds, as a team directory keeps it. It was kept as unreadable
text ("too short", flagged in the preview, refused in the contact editor), so the
colleague's call popped an unknown caller."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from desktop.adapters import contact_edits
from desktop.adapters.bundled import default_opener_templates
from desktop.adapters.importing import ImportOptions, import_file, preview_file
from desktop.adapters.lookup import CallerLookup
from desktop.adapters.store import NewContact, Store
from desktop.core.card import MatchTier
from desktop.core.models import StoredNumber
from desktop.core.number_edit import NumberRefused
from desktop.core.numbers import NumberPolicy

US = ImportOptions(NumberPolicy("US"))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.open(tmp_path / "cc.sqlite3")
    yield s
    s.close()


def who(store: Store, caller_id: str) -> tuple[MatchTier, list[str]]:
    card = CallerLookup(store, NumberPolicy("US"), default_opener_templates()).card_for(caller_id)
    return card.match, [c.name for c in card.contacts]


SHEET = (
    "Name,Work Phone,Mobile\n"
    "Ana Silva,3103,+1 415 555 0100\n"
    "Ben Cole,x3104,\n"
    "Dev Rao,Ext. 3106,\n"
    "Eve Moss,555-01,\n"  # a number cut short: still text, still flagged
)


def test_a_sheets_extensions_ring_their_colleagues(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "team.csv"
    path.write_text(SHEET, encoding="utf-8")
    report = import_file(store, path, US)
    assert report.imported == 4
    assert report.unreadable_numbers == 1, [str(w) for w in report.warnings]
    assert who(store, "3103") == (MatchTier.EXACT, ["Ana Silva"])
    assert who(store, "sip:3104@pbx.office") == (MatchTier.EXACT, ["Ben Cole"])
    assert who(store, "3106") == (MatchTier.EXACT, ["Dev Rao"])
    assert who(store, "+1 212 555 3103") == (MatchTier.NONE, [])
    [(ana, number)] = store.contacts_for_extension("3103")
    assert (number.raw, number.e164, number.extension, number.label) == (
        "3103", None, "3103", "work")
    assert len(ana.numbers) == 2


def test_the_preview_says_extension_where_it_flagged_text(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "team.csv"
    path.write_text(SHEET, encoding="utf-8")
    rows = {r.name: r for r in preview_file(path, US, store).planned.rows}
    ana = rows["Ana Silva"]
    assert [(n.text(), n.problem) for n in ana.numbers] == [
        ("3103 (internal extension) · work", ""), ("+1 415-555-0100 · mobile", "")]
    assert not ana.flagged and not rows["Ben Cole"].flagged
    assert [n.text() for n in rows["Ben Cole"].numbers] == ["x3104 (internal extension) · work"]
    assert rows["Eve Moss"].flagged, "a number cut short is still one to check"
    assert [n.text() for n in rows["Eve Moss"].numbers] == ["555-01 (kept as text)"]


def test_a_workbooks_extension_typed_as_a_number_rings_too(store: Store, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Name", "Phone"])
    sheet.append(["Ana Silva", 3103])  # Excel keeps 3103 as a number: read back as "3103"
    sheet.append(["Ben Cole", "x3104"])
    path = tmp_path / "team.xlsx"
    book.save(path)
    report = import_file(store, path, US)
    assert (report.imported, report.unreadable_numbers) == (2, 0)
    assert who(store, "3103") == (MatchTier.EXACT, ["Ana Silva"])
    assert who(store, "3104") == (MatchTier.EXACT, ["Ben Cole"])


def test_an_ext_column_with_no_number_is_the_colleagues_extension(
    store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "phone list.csv"
    path.write_text("Name,Phone,Ext\nAna Silva,,3103\nBen Cole,+1 415 555 0100,204\n"
                    "Cara Diaz,,12\n", encoding="utf-8")  # fmt: skip
    report = import_file(store, path, US)
    assert who(store, "3103") == (MatchTier.EXACT, ["Ana Silva"])
    # Beside a number, the Ext column is that desk line's extension, as before.
    assert who(store, "+1 415 555 0100") == (MatchTier.SWITCHBOARD, ["Ben Cole"])
    assert [n.extension for c, n in store.contacts_for_number("+14155550100")] == ["204"]
    assert "line 4: extension 12 has no number to go with" in [str(w) for w in report.warnings]


def test_a_vcard_files_extension_is_not_flagged_in_the_preview(
    store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "team.vcf"
    path.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Silva\r\nTEL;TYPE=WORK:x3103\r\n"
                    "END:VCARD\r\n", encoding="utf-8")  # fmt: skip
    [ana] = preview_file(path, US, store).planned.rows
    assert [(n.text(), n.problem) for n in ana.numbers] == [
        ("x3103 (internal extension) · work", "")]
    assert not ana.flagged
    import_file(store, path, US)
    assert who(store, "3103") == (MatchTier.EXACT, ["Ana Silva"])


def test_a_merge_adds_the_files_extension(store: Store, tmp_path: Path) -> None:
    store.add_contact(NewContact("Ana Silva", email="ana@example.com",
                                 numbers=(StoredNumber("+1 415 555 0100", "+14155550100"),)))
    path = tmp_path / "team.csv"
    path.write_text("Name,Email,Phone\nAna Silva,ana@example.com,x3103\n", encoding="utf-8")
    [row] = preview_file(path, US, store).planned.rows
    assert row.note == "Will merge into Ana Silva: same e-mail (adds number extension 3103)"
    report = import_file(store, path, US)
    assert report.merges == ["line 2: merged into 'Ana Silva' (added number extension 3103)"]
    assert who(store, "3103") == (MatchTier.EXACT, ["Ana Silva"])
    again = import_file(store, path, US)  # the same file again changes nothing
    assert (again.merged, again.unchanged) == (0, 1)


def test_an_extension_typed_into_a_contact_is_kept(store: Store) -> None:
    contact_id = store.add_contact(NewContact("Ana Silva"))
    said = contact_edits.add_number(store, contact_id, "x3103", "work", "US")
    assert said == "Added x3103."
    assert who(store, "3103") == (MatchTier.EXACT, ["Ana Silva"])
    with pytest.raises(NumberRefused, match="already has extension 3103"):
        contact_edits.add_number(store, contact_id, "3103", "", "US")
    with pytest.raises(NumberRefused, match="too short"):
        contact_edits.add_number(store, contact_id, "31", "", "US")
    number_id = contact_edits.numbers_of(store, contact_id)[0].id
    said = contact_edits.change_number(store, contact_id, number_id, "3105", "work", "US")
    assert said == "Changed x3103 to 3105."
    assert (who(store, "3103"), who(store, "3105")) == (
        (MatchTier.NONE, []), (MatchTier.EXACT, ["Ana Silva"]))

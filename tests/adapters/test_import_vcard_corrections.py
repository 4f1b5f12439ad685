"""A phone's vCard with numbers that do not read (too short, a foreign number without its
country code, words) is corrected in the preview as a CSV cell is: each TEL is its own cell,
with its own problem, and the correction is what gets imported."""

from __future__ import annotations

from pathlib import Path

from desktop.adapters.importing import ImportOptions, import_file, preview_file
from desktop.adapters.store import Store
from desktop.core.numbers import NumberPolicy

# An Android export (vCard 2.1, quoted-printable name, bare TEL types, CRLF) and an iPhone
# card (3.0, a custom label joined through its item group).
PHONE_VCF = (
    "BEGIN:VCARD\r\n"
    "VERSION:2.1\r\n"
    "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=4F=6B=61=66=6F=72;=4D=61=79=61;;;\r\n"
    "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=4D=61=79=61=20=4F=6B=61=66=6F=72\r\n"
    "TEL;CELL;PREF:+1-415-555-0142\r\n"
    "TEL;WORK:555-01\r\n"
    "TEL;X-Berlin:0171 2345678\r\n"
    "ORG:Brightline Analytics\r\n"
    "END:VCARD\r\n"
    "BEGIN:VCARD\r\n"
    "VERSION:3.0\r\n"
    "FN:Jürgen Schäfer\r\n"
    "ORG:Müller & Söhne GmbH\r\n"
    "item1.TEL:ask reception\r\n"
    "item1.X-ABLabel:_$!<Main>!$_\r\n"
    "END:VCARD\r\n"
)
MAYA, JURGEN = 1, 10  # the lines their cards start on


def phone_vcf(folder: Path) -> Path:
    path = folder / "phone.vcf"
    path.write_bytes(PHONE_VCF.encode("utf-8"))
    return path


def test_each_tel_is_a_cell_with_its_own_problem(tmp_path: Path) -> None:
    """The second unreadable TEL of a card was said to have the first one's problem."""
    store = Store.open(tmp_path / "cc.sqlite3")
    rows = preview_file(phone_vcf(tmp_path), ImportOptions(NumberPolicy("US")), store).planned.rows
    maya, jurgen = rows
    assert (maya.line, jurgen.line) == (MAYA, JURGEN)
    assert maya.cells == ("+1-415-555-0142", "555-01", "0171 2345678")
    assert [(n.column, n.text()) for n in maya.numbers] == [
        (0, "+1 415-555-0142 · mobile"), (1, "555-01 (kept as text)"),
        (2, "0171 2345678 (kept as text)"),
    ]  # fmt: skip
    assert [n.problem for n in maya.numbers] == [
        "", "not a phone number: '555-01' (too short); kept as text only",
        "not a phone number: '0171 2345678' (too long); kept as text only",
    ]  # fmt: skip
    assert jurgen.cells == ("ask reception",) and jurgen.numbers[0].column == 0


def test_corrected_tels_are_previewed_and_imported_as_corrected(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "cc.sqlite3")
    path = phone_vcf(tmp_path)
    # Worker processes read the cards of a big file: the corrections travel with each card.
    fixed = ImportOptions(NumberPolicy("US"), workers=1, edits={
        (MAYA, 1): "415 555 0143", (MAYA, 2): "+49 171 2345678", (JURGEN, 0): "+49 30 901820",
    })  # fmt: skip
    maya, jurgen = preview_file(path, fixed, store).planned.rows
    assert [n.text() for n in maya.numbers] == [
        "+1 415-555-0142 · mobile", "+1 415-555-0143 · work", "+49 171 2345678 · berlin",
    ]  # fmt: skip
    assert not maya.flagged and not jurgen.flagged
    assert [n.text() for n in jurgen.numbers] == ["+49 30 901820 · main"]
    report = import_file(store, path, fixed)
    assert (report.imported, report.warnings) == (2, [])
    found = store.contacts_for_number("+491712345678")
    assert [c.name for c, _n in found] == ["Maya Okafor"]
    assert [(n.raw, n.e164, n.label) for n in found[0][0].numbers] == [
        ("+1-415-555-0142", "+14155550142", "mobile"), ("415 555 0143", "+14155550143", "work"),
        ("+49 171 2345678", "+491712345678", "berlin"),
    ]  # fmt: skip
    assert [c.name for c, _n in store.contacts_for_number("+4930901820")] == ["Jürgen Schäfer"]

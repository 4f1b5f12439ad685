"""Every shared sample imports to exactly the numbers its README lists."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.adapters.importing import ImportOptions, import_file
from desktop.adapters.store import Store
from desktop.core.numbers import NumberPolicy

Number = tuple[str, str]  # (e164, extension)


def n(e164: str, ext: str = "") -> Number:
    return (e164, ext)


# file -> (home region, {contact shown as name or company: numbers}, numbers flagged unreadable)
EXPECTED: dict[str, tuple[str, dict[str, set[Number]], int]] = {
    "google_contacts.csv": (
        "US",
        {
            "Maya Okafor": {n("+14155550142"), n("+14155550100", "217")},
            "Tomás Herrera": {
                n("+14155550151"),
                n("+14155550152"),
                n("+14155550160"),
                n("+14155550161", "44"),
            },
            "Kestrel Logistics Ltd": {n("+442079460321")},
            "Jürgen Schäfer": {n("+493090182055"), n("+493090182059")},
            "Bo": {n("+14155550199")},
        },
        0,
    ),
    "google_contacts_legacy_utf16le.csv": (
        "US",
        {
            "Maya Okafor": {n("+14155550142"), n("+14155550143"), n("+14155550100")},
            "Ελένη Παππά": {n("+442079460642")},
        },
        0,
    ),
    "outlook_contacts_en_cp1252.csv": (
        "US",
        {
            "Zoë Brennan": {n("+14155550134"), n("+14155550135"), n("+14155550136")},
            "Søren Kjær": {n("+442079460555"), n("+442079460556", "12")},
            "Kestrel Logistics Ltd": {n("+442079460999"), n("+442079460998")},
        },
        0,
    ),
    "outlook_contacts_excel_unicode_text_utf16le.txt": (
        "US",
        {
            "Zoë Brennan": {n("+14155550134"), n("+14155550135")},
            "健太 佐藤": {n("+442079460777")},
            "Ελένη Παππά": {n("+442079460642")},
        },
        0,
    ),
    "excel_prospects_de_semicolon_cp1252.csv": (
        "DE",
        {
            "Jürgen Schäfer": {n("+493090182055")},
            "Ännchen Weiß": {n("+493090182011"), n("+493090182012")},
            "Grete Groß": {n("+493090182013")},
        },
        1,
    ),
    "excel_prospects_us_cp1252.csv": (
        "US",
        {
            "Maya Okafor": {n("+14155550142", "217")},
            "Tomás Herrera": {n("+14155550151", "12"), n("+14155550152")},
            "Priya Raman": {n("+14155550158", "9"), n("+14155550159")},
            "Kestrel Logistics": {n("+442079460321", "204")},
        },
        1,
    ),
    "excel_csv_utf8_bom.csv": (
        "US",
        {
            "Jürgen Schäfer": {n("+493090182055")},
            "健太 佐藤": {n("+442079460777")},
        },
        0,
    ),
    "salesforce_leads_report.csv": (
        "US",
        {
            "Maya Okafor": {n("+14155550171"), n("+14155550172")},
            "Søren Kjær": {n("+442079460432")},
            "Lindqvist": {n("+14155550173", "44")},
        },
        0,
    ),
    "hubspot_contacts_export.csv": (
        "US",
        {
            "Maya Okafor": {n("+14155550181"), n("+14155550182")},
            "Jürgen Schäfer": {n("+493090182055")},
            "Kestrel Logistics Ltd": {n("+442079460181", "3")},
        },
        0,
    ),
    "linkedin_connections.csv": ("US", {"Maya Okafor": set(), "Søren Kjær": set()}, 0),
    "android_contacts_v21.vcf": (
        "US",
        {
            "Maya Okafor": {
                n("+14155550142"),
                n("+14155550100", "217"),
                n("+14155550190"),
                n("+14155550191"),
            },
            "Dr. Jürgen Schäfer": {n("+493090182055"), n("+493090182059"), n("+493090182050")},
            "Ελένη Παππά (Aegean Shipping)": {n("+442079460642")},
        },
        0,
    ),
    "apple_ios_contacts_v30.vcf": (
        "US",
        {
            "Astrid Lindqvist": {
                n("+14155550163"),
                n("+14155550164"),
                n("+442079460873"),
                n("+14155550165"),
                n("+14155550166"),
            },
            "Kestrel Logistics Ltd": {n("+442079460321")},
        },
        0,
    ),
    "google_contacts_export.vcf": (
        "US",
        {
            "Maya Okafor": {n("+14155550142"), n("+14155550100", "217"), n("+14155550143")},
            "Tomás Herrera": {n("+14155550151"), n("+14155550152"), n("+14155550161", "44")},
        },
        0,
    ),
    "vcard40_tel_uri.vcf": (
        "US",
        {
            "Priya Raman": {n("+14155550158"), n("+442079460158", "204"), n("+493090182058")},
        },
        0,
    ),
    # The workbook mixes regions; the README marks which rows need GB or DE. With a US home
    # region each of those rows is read in its own country: the German one like its
    # international number, Kestrel's like its "020 7946 0322", a number only the UK has.
    "prospects_mixed_types.xlsx": (
        "US",
        {
            "Maya Okafor": {n("+14155550142", "217"), n("+14155550143")},
            "Tomás Herrera": {n("+14155550151"), n("+14155550152")},
            "Kestrel Logistics Ltd": {n("+442079460321"), n("+442079460322")},
            "Jürgen Schäfer": {n("+493090182055"), n("+493090182056")},
            "Priya Raman": set(),
            "Søren Kjær": {n("+442079460555"), n("+442079460556", "12")},
        },
        1,
    ),  # Priya's rounded 415555000000
}


def imported(store: Store) -> dict[str, set[Number]]:
    out: dict[str, set[Number]] = {}
    for (cid,) in store.connection.execute("SELECT id FROM contacts"):
        contact = store.contact(cid)
        assert contact is not None
        key = contact.name or contact.company
        assert key not in out, f"two contacts called {key!r}"
        out[key] = {(x.e164, x.extension) for x in contact.numbers if x.e164}
    return out


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store.open(tmp_path / "cc.sqlite3")


def test_every_sample_has_a_golden_entry(samples: Path) -> None:
    files = {p.name for p in (samples / "contacts").iterdir() if p.name != "README.md"}
    assert files == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_imports_to_the_numbers_its_readme_lists(
    name: str, samples: Path, store: Store
) -> None:
    region, contacts, unreadable = EXPECTED[name]
    report = import_file(store, samples / "contacts" / name, ImportOptions(NumberPolicy(region)))
    assert imported(store) == contacts
    assert report.rejected == []
    assert report.imported == len(contacts)
    assert report.unreadable_numbers == unreadable


def test_destroyed_numbers_are_flagged_with_their_row_and_never_get_a_number(
    samples: Path, store: Store
) -> None:
    path = samples / "contacts" / "excel_prospects_us_cp1252.csv"
    report = import_file(store, path, ImportOptions(NumberPolicy("US")))
    [flag] = [w for w in report.warnings if "kept as text only" in w.message]
    assert (flag.line, flag.field) == (2, "Mobile")
    assert "lost its last digits" in flag.message
    maya = store.contacts_for_number("+14155550142")[0][0]
    assert [(x.raw, x.e164) for x in maya.numbers if x.e164 is None] == [("4.15555E+11", None)]
    assert store.contacts_for_number("+1415555000000") == []


def test_workbook_rows_of_other_regions_with_that_home_region(samples: Path, store: Store) -> None:
    path = samples / "contacts" / "prospects_mixed_types.xlsx"
    import_file(store, path, ImportOptions(NumberPolicy("GB")))
    assert imported(store)["Kestrel Logistics Ltd"] == {n("+442079460321"), n("+442079460322")}
    priya = imported(store)["Priya Raman"]
    assert priya == set(), "415555000000 was rounded by a spreadsheet; it must not be imported"


def test_workbook_german_row_with_a_german_home_region(samples: Path, store: Store) -> None:
    path = samples / "contacts" / "prospects_mixed_types.xlsx"
    report = import_file(store, path, ImportOptions(NumberPolicy("DE")))
    assert imported(store)["Jürgen Schäfer"] == {n("+493090182055"), n("+493090182056")}
    assert imported(store)["Priya Raman"] == set()
    assert any(w.line == 8 and "rounded" in w.message for w in report.warnings)


def test_footers_and_empty_rows_are_skipped_not_rejected(samples: Path, store: Store) -> None:
    sf = import_file(
        store,
        samples / "contacts" / "salesforce_leads_report.csv",
        ImportOptions(NumberPolicy("US")),
    )
    assert (sf.imported, len(sf.rejected), sf.skipped) == (3, 0, 5)
    xl = import_file(
        store,
        samples / "contacts" / "prospects_mixed_types.xlsx",
        ImportOptions(NumberPolicy("US")),
    )
    assert xl.skipped == 2  # the blank row and "Total: 6 prospects"
    assert not any("Total" in (c.name + c.company) for c in store.search_simple("Total"))

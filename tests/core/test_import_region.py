"""Which country a contact file's national numbers are read in, from the file itself."""

from __future__ import annotations

import pytest

from desktop.core.import_mapping import ColumnPlan, ContactDraft, draft_from_cells
from desktop.core.import_region import RegionChoice, chosen_region, infer_region
from desktop.core.numbers import NumberPolicy


def infer(rows: list[list[str]], home: str, delimiter: str = ",") -> RegionChoice:
    header, *body = rows
    return infer_region(header, body, ColumnPlan.from_headers(header), home, delimiter)


CASES: list[tuple[str, list[list[str]], str, str, str]] = [
    # (what, rows, home, delimiter, region expected)
    ("German Excel headers, +49 and .de", [
        ["Vorname", "Nachname", "Firma", "Telefon", "Mobil", "E-Mail"],
        ["Jürgen", "Schäfer", "Müller GmbH", "3090182055", "", "j@example.de"],
        ["Ännchen", "Weiß", "Weiß KG", "+49 30 90182011", "030 90182012", "a@example.de"],
    ], "US", ";", "DE"),
    ("a country column alone", [
        ["Name", "Phone", "Country"],
        ["Kestrel", "2079460321", "United Kingdom"],
    ], "US", ",", "GB"),
    ("French Outlook headers", [
        ["Prénom", "Nom", "Société", "Téléphone (bureau)"],
        ["Léa", "Martin", "Acme", "01 42 68 53 00"],
    ], "US", ";", "FR"),
    ("Spanish Outlook headers", [
        ["Nombre", "Apellidos", "Organización", "Teléfono del trabajo"],
        ["Lucía", "García", "Acme", "912 345 678"],
    ], "US", ",", "ES"),
    ("North American style and +1 numbers", [
        ["Name", "Phone", "Mobile"],
        ["Maya", "(415) 555-0142 x217", "+1 415 555 0143"],
        ["Tomás", "415-555-0151", ""],
    ], "DE", ",", "US"),
    ("UK web and e-mail domains with +44", [
        ["Name", "Phone", "Email", "Website"],
        ["Dana", "020 7946 0321", "dana@kestrel.example.co.uk", "https://kestrel.example.co.uk"],
        ["Sam", "+44 20 7946 0322", "", ""],
    ], "US", ",", "GB"),
    ("nothing to go on: the home region", [
        ["Name", "Phone"],
        ["Ann", "2079460321"],
    ], "US", ",", "US"),
    ("one +44 number is not enough to move a US rep's file", [
        ["Name", "Phone"],
        ["Ann", "+44 20 7946 0321"],
        ["Bo", "2079460322"],
    ], "US", ",", "US"),
    ("a mix of countries stays home", [
        ["Name", "Phone", "Email"],
        ["Maya", "+1 415 555 0143", "m@example.com"],
        ["Søren", "+44 20 7946 0555", "s@example.dk"],
        ["Jürgen", "+49 30 90182055", "j@example.de"],
    ], "GB", ",", "GB"),
    (".io and .co are sold as generic names", [
        ["Name", "Phone", "Email"],
        ["A", "2079460321", "a@startup.io"],
        ["B", "2079460322", "b@startup.co"],
        ["C", "2079460323", "c@startup.io"],
    ], "US", ",", "US"),
]


@pytest.mark.parametrize(("what", "rows", "home", "delimiter", "expected"), CASES,
                         ids=[c[0] for c in CASES])  # fmt: skip
def test_region_is_read_from_the_file(
    what: str, rows: list[list[str]], home: str, delimiter: str, expected: str
) -> None:
    assert infer(rows, home, delimiter).region == expected, what


def test_the_reason_names_what_in_the_file_said_so() -> None:
    choice = infer(CASES[0][1], "US", ";")
    assert choice.text().startswith("Numbers without a country code are read as: Germany — from ")
    assert "the German headers" in choice.why and "+49 numbers" in choice.why
    assert ".de e-mail addresses" in choice.why and "semicolons" in choice.why
    assert choice.to_json() == {"region": "DE", "name": "Germany", "why": choice.why,
                                "inferred": True, "home_region": "US"}  # fmt: skip


def test_the_home_region_says_why_it_stayed() -> None:
    assert infer(CASES[6][1], "US").why == "your home region; nothing in the file says otherwise"
    assert "several countries" in infer(CASES[8][1], "GB").why
    assert chosen_region("de", "US").text() == (
        "Numbers without a country code are read as: Germany — chosen for this file"
    )


def test_a_number_that_reads_only_in_the_home_region_is_flagged_not_imported() -> None:
    header = ["Name", "Phone"]
    plan = ColumnPlan.from_headers(header)
    # 2079460321 is a valid US number (Maine) but no German one; the file is German.
    draft = draft_from_cells(["Ann", "2079460321"], plan, NumberPolicy("DE"), 2, home="US")
    assert isinstance(draft, ContactDraft)
    assert [(n.raw, n.e164) for n in draft.numbers] == [("2079460321", None)]
    [flag] = draft.warnings
    assert flag.line == 2 and flag.field == "Phone"
    assert "only in your home region (+12079460321)" in flag.message
    assert "kept as text only" in flag.message
    # The same row in a file of the home region is read as before.
    same = draft_from_cells(["Ann", "2079460321"], plan, NumberPolicy("US"), 2, home="")
    assert isinstance(same, ContactDraft) and same.numbers[0].e164 == "+12079460321"


def test_a_number_with_its_country_code_is_never_flagged() -> None:
    plan = ColumnPlan.from_headers(["Name", "Phone"])
    draft = draft_from_cells(["Ann", "+1 207 946 0321"], plan, NumberPolicy("DE"), 2, home="US")
    assert isinstance(draft, ContactDraft) and draft.numbers[0].e164 == "+12079460321"
    assert draft.warnings == []


MIXED_FILE = [
    ["Name", "Phone", "Email"],
    ["Ann Lee", "+1 415 555 0144", "ann@example.com"],
    ["Dana Hollis", "+44 20 7946 0323", "dana@example.co.uk"],
    ["Jürgen Schäfer", "+49 30 90182055", "j@example.de"],
]


def mixed_row(cells: list[str], home: str) -> ContactDraft:
    header, *body = MIXED_FILE
    plan = ColumnPlan.from_headers(header)
    choice = infer_region(header, body, plan, home)
    assert choice.mixed and choice.region == home
    draft = draft_from_cells(cells, plan, NumberPolicy(home), 5, elsewhere=choice.others)
    assert isinstance(draft, ContactDraft)
    return draft


def test_a_row_of_a_mixed_file_is_read_in_the_country_its_email_names() -> None:
    # No valid German number; the UK's, once the 0 a spreadsheet drops is put back.
    draft = mixed_row(["Sam Price", "2079460321", "sam@example.co.uk"], "DE")
    assert [n.e164 for n in draft.numbers] == ["+442079460321"]
    assert [str(w) for w in draft.warnings] == [
        "line 5: '2079460321' read as a GB number, the country the rest of this contact "
        "points to"
    ]


def test_a_national_number_of_a_mixed_file_that_reads_as_written_at_home_is_kept() -> None:
    # German only as "04155 550151" with a lost 0; as written, a US number: no doubt at home.
    draft = mixed_row(["Tomás Herrera", "4155550151", ""], "US")
    assert [n.e164 for n in draft.numbers] == ["+14155550151"]
    assert draft.warnings == []


def test_a_national_number_of_a_mixed_file_that_home_reads_only_as_a_guess_is_flagged() -> None:
    draft = mixed_row(["Tomás Herrera", "4155550151", ""], "DE")
    assert [(n.raw, n.e164) for n in draft.numbers] == [("4155550151", None)]
    [warning] = draft.warnings
    assert (warning.line, warning.field) == (5, "Phone")
    assert warning.message == (
        "+494155550151 in DE only if a leading 0 was lost; as written, +14155550151 in US, "
        "like other numbers of this file: check it; kept as text only"
    )


def test_a_number_that_is_no_number_at_home_says_how_it_reads_abroad() -> None:
    draft = mixed_row(["Kim Park", "2079460321", ""], "DE")  # +49 20 7946… is no DE number
    assert [(n.raw, n.e164) for n in draft.numbers] == [("2079460321", None)]
    [warning] = draft.warnings
    # The US reads these digits as written; the UK only with a lost 0 put back.
    assert warning.message == (
        "no valid DE number; as written, +12079460321 in US, like other numbers of this file: "
        "check it; kept as text only"
    )


def test_an_email_alone_does_not_move_a_number_that_reads_as_written_at_home() -> None:
    # A .de address and "4155550151": German only with a lost 0, a US number as written.
    draft = mixed_row(["Hans Weber", "4155550151", "hans@example.de"], "US")
    assert [(n.raw, n.e164) for n in draft.numbers] == [("4155550151", None)]
    [warning] = draft.warnings
    assert (warning.line, warning.field) == (5, "Phone")
    assert warning.message == (
        "+14155550151 in US as written; with a leading 0 put back, +494155550151 in DE, where "
        "this contact's e-mail is: check it; kept as text only"
    )


def test_a_country_column_names_the_row_country_of_a_mixed_file() -> None:
    header = ["Name", "Phone", "Email", "Country"]
    body = [["Ann Lee", "+1 415 555 0144", "", "USA"],
            ["Dana Hollis", "+44 20 7946 0323", "", "United Kingdom"],
            ["Jürgen Schäfer", "+49 30 90182055", "", "Deutschland"]]  # fmt: skip
    plan = ColumnPlan.from_headers(header)
    choice = infer_region(header, body, plan, "US")
    assert choice.mixed
    cells = ["Sam Price", "2079460321", "", "UK"]
    draft = draft_from_cells(cells, plan, NumberPolicy("US"), 5, elsewhere=choice.others)
    assert isinstance(draft, ContactDraft)
    assert [n.e164 for n in draft.numbers] == ["+442079460321"]  # not Maine's +1 207


def test_a_file_read_in_another_country_than_caller_ids_says_where_to_change_that() -> None:
    # A German file imported on a machine whose locale names no country (home "US"): its
    # numbers were read as German, yet "015233445566" ringing stayed an unknown number. The
    # welcome shows this note under "Done:".
    german = infer(CASES[0][1], "US", ";")
    note = german.caller_id_note()
    assert "read as United States numbers" in note
    assert "if your phone line is in Germany" in note
    assert "Settings → General → Home region" in note
    assert infer(CASES[0][1], "DE", ";").caller_id_note() == ""

"""Header mapping, number cells and rows: plain tables of cases, no files."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.core.import_mapping import (
    CardData,
    ColumnPlan,
    ContactDraft,
    Field,
    RowProblem,
    Skipped,
    draft_from_card,
    draft_from_cells,
    draft_from_row,
    label_from_types,
    map_headers,
    name_words,
    names_agree,
    split_numbers,
)
from desktop.core.numbers import NumberPolicy
from desktop.core.search_query import SPELLED_OUT

US = NumberPolicy("US")


def fields(headers: list[str]) -> dict[str, Field]:
    return {headers[i]: f for i, f in map_headers(headers).items()}


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        pytest.param(
            ["First Name", "Last Name", "Organization Name", "Organization Title",
             "Phone 1 - Label", "Phone 1 - Value", "E-mail 1 - Value", "Notes"],
            {"First Name": Field.FIRST_NAME, "Last Name": Field.LAST_NAME,
             "Organization Name": Field.COMPANY, "Organization Title": Field.TITLE,
             "Phone 1 - Label": Field.PHONE_LABEL, "Phone 1 - Value": Field.PHONE,
             "E-mail 1 - Value": Field.EMAIL, "Notes": Field.NOTES},
            id="google-current",
        ),
        pytest.param(
            ["Name", "Given Name", "Family Name", "Phone 1 - Type", "Phone 1 - Value",
             "Organization 1 - Name", "Organization 1 - Title"],
            {"Name": Field.NAME, "Given Name": Field.FIRST_NAME, "Family Name": Field.LAST_NAME,
             "Phone 1 - Type": Field.PHONE_LABEL, "Phone 1 - Value": Field.PHONE,
             "Organization 1 - Name": Field.COMPANY, "Organization 1 - Title": Field.TITLE},
            id="google-legacy",
        ),
        pytest.param(
            ["Title", "First Name", "Last Name", "Company", "Job Title", "Business Phone",
             "Mobile Phone", "Company Main Phone", "Business Fax", "E-mail Address",
             "Referred By", "Account"],
            {"First Name": Field.FIRST_NAME, "Last Name": Field.LAST_NAME,
             "Company": Field.COMPANY, "Job Title": Field.TITLE,
             "Business Phone": Field.WORK_PHONE, "Mobile Phone": Field.MOBILE,
             "Company Main Phone": Field.MAIN_PHONE, "Business Fax": Field.FAX,
             "E-mail Address": Field.EMAIL, "Referred By": Field.REFERRED_BY},
            id="outlook-en: Title is Dr., Account is not the company",
        ),
        pytest.param(
            ["Vorname", "Nachname", "Firma", "Position", "Telefon geschäftlich",
             "Mobiltelefon", "Haupttelefon", "E-Mail-Adresse", "Notizen", "Empfohlen von"],
            {"Vorname": Field.FIRST_NAME, "Nachname": Field.LAST_NAME, "Firma": Field.COMPANY,
             "Position": Field.TITLE, "Telefon geschäftlich": Field.WORK_PHONE,
             "Mobiltelefon": Field.MOBILE, "Haupttelefon": Field.MAIN_PHONE,
             "E-Mail-Adresse": Field.EMAIL, "Notizen": Field.NOTES,
             "Empfohlen von": Field.REFERRED_BY},
            id="outlook-de",
        ),
        pytest.param(
            ["Titre", "Prénom", "Nom", "Société", "Profession", "Téléphone (bureau)",
             "Tél. mobile", "Télécopie (bureau)", "Adresse de messagerie", "Notes"],
            {"Prénom": Field.FIRST_NAME, "Nom": Field.LAST_NAME, "Société": Field.COMPANY,
             "Profession": Field.TITLE, "Téléphone (bureau)": Field.WORK_PHONE,
             "Tél. mobile": Field.MOBILE, "Télécopie (bureau)": Field.FAX,
             "Adresse de messagerie": Field.EMAIL, "Notes": Field.NOTES},
            id="outlook-fr",
        ),
        pytest.param(
            ["Nombre", "Segundo nombre", "Apellidos", "Organización", "Puesto",
             "Teléfono del trabajo", "Teléfono móvil", "Particular", "Otro teléfono", "Notas"],
            {"Nombre": Field.FIRST_NAME, "Segundo nombre": Field.MIDDLE_NAME,
             "Apellidos": Field.LAST_NAME, "Organización": Field.COMPANY, "Puesto": Field.TITLE,
             "Teléfono del trabajo": Field.WORK_PHONE, "Teléfono móvil": Field.MOBILE,
             "Particular": Field.HOME_PHONE, "Otro teléfono": Field.OTHER_PHONE,
             "Notas": Field.NOTES},
            id="outlook-es",
        ),
        pytest.param(
            ["Lead Owner", "First Name", "Last Name", "Title", "Company / Account", "Phone",
             "Mobile", "Email", "Lead Source"],
            {"First Name": Field.FIRST_NAME, "Last Name": Field.LAST_NAME, "Title": Field.TITLE,
             "Company / Account": Field.COMPANY, "Phone": Field.PHONE, "Mobile": Field.MOBILE,
             "Email": Field.EMAIL},
            id="salesforce-report: the lead owner is not the contact",
        ),
        pytest.param(
            ["FirstName", "LastName", "Phone", "MobilePhone", "HomePhone", "OtherPhone",
             "AssistantPhone", "Fax", "Email"],
            {"FirstName": Field.FIRST_NAME, "LastName": Field.LAST_NAME, "Phone": Field.PHONE,
             "MobilePhone": Field.MOBILE, "HomePhone": Field.HOME_PHONE,
             "OtherPhone": Field.OTHER_PHONE, "AssistantPhone": Field.ASSISTANT_PHONE,
             "Fax": Field.FAX, "Email": Field.EMAIL},
            id="salesforce-api-names",
        ),
        pytest.param(
            ["Record ID", "First Name", "Last Name", "Email", "Phone Number",
             "Mobile Phone Number", "Company Name", "Contact owner", "Associated Company"],
            {"First Name": Field.FIRST_NAME, "Last Name": Field.LAST_NAME, "Email": Field.EMAIL,
             "Phone Number": Field.PHONE, "Mobile Phone Number": Field.MOBILE,
             "Company Name": Field.COMPANY},
            id="hubspot",
        ),
        pytest.param(
            ["Person - ID", "Person - Name", "Person - Organization", "Person - Phone - Work",
             "Person - Phone - Mobile", "Person - Phone (Home)", "Person - Email - Work",
             "Person - Owner", "Deal - Title"],
            {"Person - Name": Field.NAME, "Person - Organization": Field.COMPANY,
             "Person - Phone - Work": Field.WORK_PHONE,
             "Person - Phone - Mobile": Field.MOBILE, "Person - Phone (Home)": Field.HOME_PHONE,
             "Person - Email - Work": Field.EMAIL},
            id="pipedrive",
        ),
        pytest.param(
            ["First Name", "Last Name", "URL", "Email Address", "Company", "Position",
             "Connected On"],
            {"First Name": Field.FIRST_NAME, "Last Name": Field.LAST_NAME,
             "Email Address": Field.EMAIL, "Company": Field.COMPANY, "Position": Field.TITLE},
            id="linkedin",
        ),
        pytest.param(
            ["Name", "Why I called", "Referred by", "Next step", "Phone"],
            {"Name": Field.NAME, "Why I called": Field.REASON, "Referred by": Field.REFERRED_BY,
             "Next step": Field.NEXT_STEP, "Phone": Field.PHONE},
            id="callercard-own-columns",
        ),
    ],
)
def test_known_exports_map_by_header_name(headers: list[str], expected: dict[str, Field]) -> None:
    assert fields(headers) == expected


def test_unknown_headers_need_the_mapping_step() -> None:
    plan = ColumnPlan.from_headers(["Kunde", "Rufnummer?", "Bemerkung xyz"])
    assert not plan.usable


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("+1 415 555 0151 ::: +1 415 555 0152", ["+1 415 555 0151", "+1 415 555 0152"]),
        ("+44 20 7946 0555\n+44 20 7946 0556 x12", ["+44 20 7946 0555", "+44 20 7946 0556 x12"]),
        ("(415) 555-0171, (415) 555-0172", ["(415) 555-0171", "(415) 555-0172"]),
        ("tel:+1-415-555-0142;ext=204", ["tel:+1-415-555-0142;ext=204"]),
        ("+1 415 555 0100,,123", ["+1 415 555 0100,,123"]),
        ("+14155550100;217", ["+14155550100;217"]),
        ("030 901820-55 / 030 901820-56", ["030 901820-55", "030 901820-56"]),
        ("030 / 901 820-21", ["030 901 820-21"]),
        ("+49 30 / 90182021 / 0171 2345678", ["+49 30 90182021", "0171 2345678"]),
        ("(0 30) / ", ["(0 30)"]),
        ("  ", []),
    ],
)
def test_several_numbers_in_one_cell_are_split(cell: str, expected: list[str]) -> None:
    assert split_numbers(cell) == expected


def draft(headers: list[str], cells: list[str], policy: NumberPolicy = US) -> ContactDraft:
    outcome = draft_from_cells(cells, ColumnPlan.from_headers(headers), policy, 2)
    assert isinstance(outcome, ContactDraft), outcome
    return outcome


@pytest.mark.parametrize(
    ("cell", "e164", "extension"),
    [
        ("(415) 555-0142 x12", "+14155550142", "12"),
        ("415-555-0151 ext. 7", "+14155550151", "7"),
        ("+44 (0)20 7946 0321 #204", "+442079460321", "204"),
        ("tel:+44-20-7946-0158;ext=204", "+442079460158", "204"),
        ("+1 415 555 0100,,123", "+14155550100", "123"),
        ("+14155550100p217", "+14155550100", "217"),
    ],
)
def test_extensions_in_every_written_form_are_kept(cell: str, e164: str, extension: str) -> None:
    [number] = draft(["Name", "Phone"], ["Ann", cell]).numbers
    assert (number.e164, number.extension) == (e164, extension)


def test_an_area_code_written_before_a_slash_is_part_of_the_number() -> None:
    # A German sheet's "Telefon geschäftlich" in DIN 5008's old style: one number, not the
    # unusable "030" plus a wrong +49 90182021.
    d = draft(["Name", "Telefon geschäftlich"], ["Jürgen", "030 / 901 820-21"], NumberPolicy("DE"))
    assert [(x.e164, x.label) for x in d.numbers] == [("+493090182021", "work")]
    assert d.warnings == []


@pytest.mark.parametrize("cell", ["4.15555E+11", "4,93091E+11", "415555000000"])
def test_destroyed_numbers_are_kept_as_text_and_flagged(cell: str) -> None:
    d = draft(["Name", "Mobile"], ["Ann", cell])
    assert [(x.raw, x.e164) for x in d.numbers] == [(cell, None)]
    [warning] = d.warnings
    assert (warning.line, warning.field) == (2, "Mobile")


def test_a_separate_extension_column_goes_to_the_desk_line_not_the_mobile() -> None:
    d = draft(["Name", "Mobile", "Phone", "Ext"], ["Ann", "+1 415 555 0143", "14155550142", "217"])
    assert {(x.e164, x.extension) for x in d.numbers} == {
        ("+14155550143", ""), ("+14155550142", "217")}


def test_google_labels_come_from_the_label_column() -> None:
    d = draft(["First Name", "Phone 1 - Label", "Phone 1 - Value", "Phone 2 - Label",
               "Phone 2 - Value"], ["Ann", "* Mobile", "+1 415 555 0142", "Work Fax",
                                    "+1 415 555 0143"])
    assert [x.label for x in d.numbers] == ["mobile", "fax"]


def test_a_national_number_is_read_in_the_region_of_the_rows_other_numbers() -> None:
    d = draft(["Name", "Phone", "Mobile"], ["Jürgen", "+49 30 90182055", "030 90182056"])
    assert [x.e164 for x in d.numbers] == ["+493090182055", "+493090182056"]


@pytest.mark.parametrize(
    "cells",
    [["", "", ""], ["Grand Totals (3 records)", "", ""],
     ["Confidential Information - Do Not Distribute", "", ""], ["Total: 6 prospects", "", ""]],
)
def test_blank_and_footer_rows_are_skipped(cells: list[str]) -> None:
    outcome = draft_from_cells(cells, ColumnPlan.from_headers(["Name", "Phone", "x"]), US, 9)
    assert isinstance(outcome, Skipped)


def test_a_row_with_a_number_but_no_name_is_rejected_with_a_reason() -> None:
    outcome = draft_from_row(["", "+1 415 555 0142"], map_headers(["Name", "Phone"]),
                             ["Name", "Phone"], US, 4)
    assert isinstance(outcome, RowProblem)
    assert outcome.line == 4 and "no name" in outcome.message


def test_a_giant_name_cell_is_rejected_and_giant_notes_are_shortened() -> None:
    outcome = draft_from_cells(["x" * 100_000, "1"], ColumnPlan.from_headers(["Name", "Phone"]),
                               US, 3)
    assert isinstance(outcome, RowProblem) and "100,000 characters" in outcome.message
    d = draft(["Name", "Notes"], ["Ann", "y" * 100_000])
    assert len(d.notes) == 20_000 and d.warnings


@pytest.mark.parametrize(
    ("a", "b", "agree"),
    [("Maya Okafor", "maya okafor", True), ("Maya", "Maya Okafor", True), ("", "Bo", True),
     ("Zoë Brennan", "Zoe Brennan", True), ("Dana Smith", "Maya Okafor", False),
     ("Søren Kjær", "Soren Kjaer", True), ("Łukasz", "Lukasz Wójcik", True)],
)
def test_names_agree(a: str, b: str, agree: bool) -> None:
    assert names_agree(a, b) is agree


@given(st.text(max_size=30))
def test_name_words_fold_like_the_whole_name_folded_at_once(name: str) -> None:
    # The importer folds accents character by character through a cache; any name must come
    # out as NFKD of the whole name without its combining marks would.
    whole = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(ch for ch in whole if not unicodedata.combining(ch))
    spelled = plain.translate(str.maketrans(SPELLED_OUT))
    assert name_words(name) == frozenset(re.findall(r"\w+", spelled))


@pytest.mark.parametrize(
    ("types", "custom", "label"),
    [(["CELL", "PREF"], "", "mobile"), (["voice", "cell"], "", "mobile"),
     (["IPHONE", "CELL", "VOICE", "pref"], "", "mobile"), (["WORK", "FAX"], "", "fax"),
     (["X-Assistant"], "", "assistant"), ([], "_$!<Main>!$_", "main"),
     ([], "London office", "London office"), (["PREF"], "", "")],
)
def test_vcard_types_become_labels(types: list[str], custom: str, label: str) -> None:
    assert label_from_types(types, custom) == label


def test_a_company_card_with_an_empty_fn_is_named_by_its_company() -> None:
    card = CardData(line=7, org="Kestrel Logistics Ltd", tels=[("+44 20 7946 0321", "main")])
    outcome = draft_from_card(card, US)
    assert isinstance(outcome, ContactDraft)
    assert (outcome.name, outcome.company) == ("", "Kestrel Logistics Ltd")
    assert [x.e164 for x in outcome.numbers] == ["+442079460321"]

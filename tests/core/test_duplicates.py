"""Which contacts are suggested as one person, and what a merge of two gives."""

from __future__ import annotations

import pytest

from desktop.core.duplicates import (
    SAME_COMPANY_NO_NAME,
    SAME_EMAIL,
    SAME_NAME,
    SAME_NAME_NO_COMPANY,
    SAME_NUMBER,
    SURNAME_ONLY,
    choose_kept,
    find_duplicates,
    plan_merge,
)
from desktop.core.models import Contact, StoredNumber
from desktop.core.number_edit import NumberRefused, contact_region, read_typed_number


def person(cid: int, name: str, company: str = "", email: str = "", *numbers: str,
           **fields: str) -> Contact:  # fmt: skip
    return Contact(cid, name, company=company, email=email,
                   numbers=tuple(StoredNumber(n, n) for n in numbers), **fields)  # fmt: skip


def reasons(*contacts: Contact) -> dict[tuple[int, int], tuple[str, ...]]:
    return {p.ids: p.reasons for p in find_duplicates(contacts)}


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        # Two "Priya Raman" rows: one from a spreadsheet, one from a vCard.
        (person(1, "Priya Raman", "Fenwick Robotics", "", "+14155550158"),
         person(2, "Priya Raman", "Fenwick Robotics", "priya.raman@example.com", "+14155550158"),
         (SAME_NUMBER, SAME_NAME)),
        # A CRM export's Last Name column beside the address book's full name.
        (person(1, "Lindqvist", "Northwind Traders"),
         person(2, "Astrid Lindqvist", "Northwind Traders", "astrid.lindqvist@example.com"),
         (SURNAME_ONLY,)),
        # Folded as search folds: case, accents, ø spelled out.
        (person(1, "SØREN KJÆR", "Nordlys ApS"), person(2, "Søren Kjær", "nordlys aps"),
         (SAME_NAME,)),
        (person(1, "Maya", "", "Maya.Okafor@example.com"),
         person(2, "Maya Okafor", "", "maya.okafor@example.com"), (SAME_EMAIL,)),
        # A phone's contact named by its number's label, beside the full name at that number.
        (person(1, "Mike Cell", "", "", "+14155550142"),
         person(2, "Mike Kowalski", "Brightline", "", "+14155550142"), (SAME_NUMBER,)),
    ],
)
def test_sample_like_duplicates_are_suggested(a: Contact, b: Contact,
                                             expected: tuple[str, ...]) -> None:  # fmt: skip
    assert reasons(a, b) == {(1, 2): expected}


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # Colleagues behind one main line: a shared number, two people.
        (person(1, "Maya Okafor", "Brightline", "", "+14155550100"),
         person(2, "Tomás Herrera", "Brightline", "", "+14155550100")),
        # Same name at different companies.
        (person(1, "Priya Raman", "Fenwick Robotics"), person(2, "Priya Raman", "Acme")),
        # Two full names sharing a surname are a family, not a duplicate.
        (person(1, "Astrid Lindqvist", "Northwind"), person(2, "Erik Lindqvist", "Northwind")),
        # A surname alone at another company.
        (person(1, "Lindqvist", "Contoso"), person(2, "Astrid Lindqvist", "Northwind")),
        # Two people's work numbers are still two people; a line named "Office" is a line.
        (person(1, "Dana Work", "", "", "+14155550100"),
         person(2, "Bo Work", "", "", "+14155550100")),
        (person(1, "Office", "", "", "+14155550100"),
         person(2, "Maya Okafor", "Brightline", "", "+14155550100")),
    ],
)
def test_different_people_are_not_suggested(a: Contact, b: Contact) -> None:
    assert reasons(a, b) == {}


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        # Used as a rep: a CRM export beside the rep's own sheet, imported as new contacts
        # each, and Duplicates said "every contact looks like a person of their own".
        (person(1, "Kenji Tanaka", "Sakura Imports", "", "+13105550119"),
         person(2, "Kenji Tanaka", "Sakura Imports LLC", "", "+13105550120"), (SAME_NAME,)),
        (person(1, "Tomás Herrera", "Cobalt Freight"),
         person(2, "Tomas Herrera", "Cobalt Freight Inc."), (SAME_NAME,)),
        (person(1, "Greg Palmer", "Palmer & Sons"), person(2, "Greg Palmer", "Palmer and Sons"),
         (SAME_NAME,)),
        (person(1, "Jürgen Schäfer", "Müller & Söhne GmbH"),
         person(2, "Jürgen Schäfer", "Müller und Söhne"), (SAME_NAME,)),
        (person(1, "Marcus Johnson", "Ironclad Security", "", "+14045550166"),
         person(2, "Marcus Johnson", "", "marcus.j@gmail.example", "+14045550167"),
         (SAME_NAME_NO_COMPANY,)),
        (person(1, "Rosa Delgado"), person(2, "Rosa Delgado"), (SAME_NAME_NO_COMPANY,)),
        # A short first name at one number or address: Dan and Daniel, an initial.
        (person(1, "Daniel Webb", "Harbor Medical", "", "+16175550133"),
         person(2, "Dan Webb", "", "", "+16175550134", "+16175550133"), (SAME_NUMBER,)),
        (person(1, "D. Webb", "", "dwebb@harbormed.example"),
         person(2, "Daniel Webb", "", "dwebb@harbormed.example"), (SAME_EMAIL,)),
        # Used as a rep (h-stale): an import named Priya while her card still said "PRIYA N";
        # its New contact made "Priya N" at her number, and Duplicates did not say so.
        (person(1, "Priya Natarajan", "Orbit Labs", "", "+16505550142"),
         person(2, "Priya N", "", "", "+16505550142"), (SAME_NUMBER,)),
        (person(1, "P. Natarajan", "", "", "+16505550142"),
         person(2, "Priya Natarajan", "Orbit Labs", "", "+16505550142"), (SAME_NUMBER,)),
        # A company's own entry from a HubSpot CSV and from an Apple vCard, no person named.
        (person(1, "", "Kestrel Logistics Ltd", "", "+442079460321"),
         person(2, "", "Kestrel Logistics Ltd", "", "+442079460322"), (SAME_COMPANY_NO_NAME,)),
        (person(1, "", "Kestrel Logistics Ltd"), person(2, "", "Kestrel Logistics GmbH"),
         (SAME_COMPANY_NO_NAME,)),
        # An Excel sheet's row with the company in Name too.
        (person(1, "Kestrel Logistics", "Kestrel Logistics Ltd"),
         person(2, "", "KESTREL LOGISTICS INC."), (SAME_COMPANY_NO_NAME,)),
    ],
)
def test_one_person_written_two_ways_is_suggested(a: Contact, b: Contact,
                                                 expected: tuple[str, ...]) -> None:  # fmt: skip
    assert reasons(a, b) == {(1, 2): expected}


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # A legal form is not all a company is called: "Sakura" and "Sakura Imports" differ.
        (person(1, "Kenji Tanaka", "Sakura"), person(2, "Kenji Tanaka", "Sakura Imports")),
        # A first name alone, with no company, is many people.
        (person(1, "Maya"), person(2, "Maya")),
        (person(1, "Priya Raman", "Fenwick Robotics Inc"), person(2, "Priya Raman", "Acme Inc")),
        # One number, two people: not one first name inside the other, or not one surname
        (person(1, "Dana Webb", "", "", "+16175550133"),
         person(2, "Daniel Webb", "", "", "+16175550133")),
        (person(1, "Dan Webb", "", "", "+16175550133"),
         person(2, "Daniel Smith", "", "", "+16175550133")),
        (person(1, "Priya N", "", "", "+16505550142"),
         person(2, "Priya Raman", "", "", "+16505550142")),
        # A company's entry beside a person there is the company and its staff, not one entry;
        # two companies' entries are two companies.
        (person(1, "", "Kestrel Logistics Ltd"), person(2, "Ana Ruiz", "Kestrel Logistics")),
        (person(1, "", "Kestrel Logistics Ltd"), person(2, "", "Kestrel Freight Ltd")),
    ],
)
def test_names_that_only_look_alike_are_not_suggested(a: Contact, b: Contact) -> None:
    assert reasons(a, b) == {}


def test_a_dismissed_pair_is_not_suggested_again() -> None:
    a, b = person(1, "Lindqvist", "Northwind"), person(2, "Astrid Lindqvist", "Northwind")
    assert find_duplicates([a, b], frozenset({(1, 2)})) == []


def test_a_shared_switchboard_number_does_not_flood_the_list() -> None:
    staff = [person(i, "Maya", f"Shop {i}", "", "+14155550100") for i in range(1, 30)]
    assert find_duplicates(staff) == []
    assert len(find_duplicates(staff[:2])) == 1, "two are still suggested"


def test_the_merge_plan_keeps_the_fuller_name_both_notes_and_each_number_once() -> None:
    kept = person(1, "Lindqvist", "Northwind Traders", "", "+14155550163",
                  notes="Met at the trade show.")  # fmt: skip
    other = Contact(2, "Astrid Lindqvist", title="Account Director",
                    company="Northwind Traders", email="astrid.lindqvist@example.com",
                    notes="Budget owner for EMEA.",
                    numbers=(StoredNumber("+1 (415) 555-0163", "+14155550163"),
                             StoredNumber("+44 20 7946 0873", "+442079460873", "", "London")))
    plan = plan_merge(kept, other)
    assert plan.value("name") == "Astrid Lindqvist"
    assert plan.value("title") == "Account Director"
    assert plan.value("notes") == "Met at the trade show.\n\nBudget owner for EMEA."
    assert [n.e164 for n in plan.numbers_moved] == ["+442079460873"]
    assert [n.e164 for n in plan.numbers_dropped] == ["+14155550163"]
    assert plan.summary() == (
        "Keeps Astrid Lindqvist, adds 1 number, takes name, title, e-mail and notes from "
        "the other Astrid Lindqvist (#2)."
    )
    assert choose_kept(kept, other)[0] is other, "more filled in: the other stays"


def test_a_typed_number_is_read_in_the_contacts_own_region() -> None:
    london = [StoredNumber("+44 20 7946 0321", "+442079460321")]
    assert contact_region(london, "US") == "GB"
    number = read_typed_number("020 7946 0958", "direct", contact_region(london, "US"), london)
    assert (number.e164, number.label) == ("+442079460958", "direct")


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        ("", "Type the number first."),
        ("call me", "Not saved: not a phone number: 'call me'."),
        ("+44 7700 900123", "Not saved: +44 7700 900123 is not a number in use; check the digits."),
        ("+44 20 7946 0321", "Not saved: this contact already has +44 20 7946 0321."),
    ],
)
def test_a_number_nobody_could_call_is_refused_with_a_sentence(text: str, sentence: str) -> None:
    london = [StoredNumber("+44 20 7946 0321", "+442079460321")]
    with pytest.raises(NumberRefused) as refused:
        read_typed_number(text, "", "GB", london)
    assert str(refused.value) == sentence


def test_the_others_differing_email_and_title_go_into_the_notes_not_away() -> None:
    kept = person(1, "Priya Shah", "Fenwick", "priya.shah@fenwick.example", "+14155550100",
                  title="Head of Sales", notes="Prefers mornings.")  # fmt: skip
    other = person(2, "Priya Shah", "FENWICK", "priya@fenwick.example", "+14155550100",
                   title="VP Sales")  # fmt: skip
    plan = plan_merge(kept, other)
    assert plan.value("email") == "priya.shah@fenwick.example"
    assert plan.value("notes") == (
        "Prefers mornings.\n\nOther title: VP Sales\nOther e-mail: priya@fenwick.example"
    )
    assert [c.field for c in plan.fields if c.to_notes] == ["title", "email"]
    assert plan.summary() == (
        "Keeps Priya Shah, keeps the other title and e-mail in the notes."
    )
    # A company spelt in other capitals is the same company: nothing to keep.
    assert not next(c for c in plan.fields if c.field == "company").to_notes
    alone = plan_merge(person(1, "Priya Shah", email="a@x.example"),
                       person(2, "Priya Shah", email="b@x.example"))  # fmt: skip
    assert alone.value("notes") == "Other e-mail: b@x.example"

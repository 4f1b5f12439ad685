from __future__ import annotations

from datetime import UTC, datetime, timedelta

from desktop.core.candidates import plan_for, rank_candidates, short_date
from desktop.core.models import Attempt, Contact, Direction, Outcome, StoredNumber
from desktop.core.numbers import CallerNumber, NumberPolicy, parse_number

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)  # a Friday


def caller(e164: str) -> CallerNumber:
    return parse_number(e164, NumberPolicy("US"))


def person(cid: int, name: str, *numbers: str, days_ago: float | None = None,
           attempts: tuple[Attempt, ...] = (), company: str = "") -> Contact:  # fmt: skip
    return Contact(
        id=cid, name=name, company=company,
        numbers=tuple(StoredNumber(n, n) for n in numbers),
        last_contacted=NOW - timedelta(days=days_ago) if days_ago is not None else None,
        attempts=attempts,
    )  # fmt: skip


def voicemail(days_ago: float, number: str | None) -> Attempt:
    return Attempt(Direction.OUT, NOW - timedelta(days=days_ago), Outcome.VOICEMAIL,
                   number_e164=number)  # fmt: skip


def test_plan_looks_up_the_number_minus_extension_digits_but_never_a_whole_town() -> None:
    berlin = plan_for(caller("+49 30 1234 5678"))
    assert berlin is not None
    assert berlin.prefixes == ("+49301234567", "+4930123456", "+493012345", "+49301234")
    assert berlin.area_prefix == "+4930"
    assert berlin.area_label == "+49 30"
    us = plan_for(caller("+1 415 555 0199"))
    assert us is not None
    assert us.prefixes == ("+1415555019", "+141555501"), "NANP: only the last two digits"
    assert us.area_prefix == "+1415" and us.area_label == "area code 415"
    mobile = plan_for(caller("+44 7911 123456"))
    assert mobile is not None and mobile.area_prefix is None
    assert plan_for(CallerNumber("anonymous", withheld=True, e164=None)) is None


def test_the_company_switchboard_comes_first_with_its_reason() -> None:
    switchboard = person(1, "Front Desk", "+4930123450")
    colleague = person(2, "Jana Becker", "+493012345611")
    stranger = person(3, "Karl Weber", "+493099999999")
    ranked = rank_candidates(caller("+49 30 1234 5678"), [stranger, colleague, switchboard], NOW)
    assert [c.contact.id for c in ranked] == [1, 2]
    assert ranked[0].why == "Company switchboard +49 30 123450"
    assert ranked[1].why == "Same number block as +49 30 12345611"


def test_a_stored_number_that_is_the_caller_without_extension_digits_is_the_switchboard() -> None:
    main_line = person(1, "Reception", "+44207946000")
    ranked = rank_candidates(caller("+44 20 7946 0004"), [main_line], NOW)
    assert ranked[0].why.startswith("Company switchboard")


def test_more_shared_digits_rank_higher() -> None:
    near = person(1, "Near", "+14155550198")
    far = person(2, "Far", "+14155550111")
    ranked = rank_candidates(caller("+1 415 555 0199"), [far, near], NOW)
    assert [c.contact.id for c in ranked] == [1, 2]


def test_north_american_numbers_are_not_cut_into_extensions() -> None:
    main = person(1, "Main", "+1415555019")  # shorter by one digit: not a US switchboard
    assert rank_candidates(caller("+1 415 555 0199"), [main], NOW) == ()


def test_a_recent_voicemail_in_the_same_area_makes_a_candidate() -> None:
    recent = person(1, "Dana", "+14155557777", days_ago=2,
                    attempts=(voicemail(2, "+14155557777"),))  # fmt: skip
    older = person(2, "Raj", "+14155558888", days_ago=12,
                   attempts=(voicemail(12, "+14155558888"),))  # fmt: skip
    stale = person(3, "Old", "+14155559999", days_ago=90,
                   attempts=(voicemail(90, "+14155559999"),))  # fmt: skip
    elsewhere = person(4, "NYC", "+12125551234", days_ago=1,
                       attempts=(voicemail(1, "+12125551234"),))  # fmt: skip
    ranked = rank_candidates(caller("+1 415 555 0199"), [stale, elsewhere, older, recent], NOW)
    assert [c.contact.id for c in ranked] == [1, 2]
    assert ranked[0].why == (
        f"Voicemail left {short_date(NOW - timedelta(days=2), NOW)}, same area (area code 415)"
    )


def test_an_exact_match_is_never_offered_as_a_guess() -> None:
    exact = person(1, "Exact", "+14155550199")
    assert rank_candidates(caller("+1 415 555 0199"), [exact], NOW) == ()


def test_typing_the_name_finds_the_right_mike_first() -> None:
    """ "Hi, this is Mike" from a 415 number: every Mike we called, the one in 415 that we left
    a message for first, then the other Mikes, and nobody who is not a Mike."""
    mike_415 = person(1, "Mike Kowalski", "+14155550142", days_ago=6,
                      attempts=(voicemail(6, "+14155550142"),))  # fmt: skip
    mike_chicago = person(2, "Mike Brennan", "+13125550178", days_ago=1,
                          attempts=(voicemail(1, "+13125550178"),))  # fmt: skip
    mike_never = person(3, "Mikhail Orlov", "+33199001234")
    dana_415 = person(4, "Dana Whitfield", "+14155550100", days_ago=1,
                      attempts=(voicemail(1, "+14155550100"),))  # fmt: skip
    pool = [mike_chicago, mike_never, dana_415, mike_415]
    ranked = rank_candidates(caller("+1 415 555 0199"), pool, NOW, named=["mike"])
    assert [c.contact.id for c in ranked] == [1, 2]
    assert "same area" in ranked[0].why
    assert ranked[1].why.startswith("Name matches, last called")
    mik = rank_candidates(caller("+1 415 555 0199"), pool, NOW, named=["mik"])
    assert [c.contact.id for c in mik] == [1, 2, 3]
    assert mik[2].why == "Name matches, nothing links them to this number"


def test_short_date_adds_the_year_only_for_another_year() -> None:
    assert short_date(datetime(2026, 10, 14, 9, tzinfo=UTC), NOW) == "Wed 14 Oct"
    assert short_date(datetime(2025, 10, 14, 9, tzinfo=UTC), NOW) == "Tue 14 Oct 2025"


def test_the_person_the_caller_id_names_comes_first_and_says_why() -> None:
    # Both share the caller's number block; the carrier's name says which one is calling.
    block = person(1, "Raj Patel", "+14155550101", days_ago=0.5)
    dana = person(2, "Dana Whitfield", "+14155550188", days_ago=40)
    ranked = rank_candidates(caller("+1 415 555 0177"), [block, dana], NOW,
                             caller_name="DANA WHITFIELD")  # fmt: skip
    assert [c.contact.id for c in ranked] == [2, 1]
    assert ranked[0].why == "Name matches the caller ID · Same number block as +1 415-555-0188"
    assert ranked[1].why == "Same number block as +1 415-555-0101", "other reasons unchanged"


def test_a_business_caller_id_finds_the_company_contact_with_no_number_link() -> None:
    kestrel = person(1, "Kestrel Logistics Ltd", "+442079460000")
    at_kestrel = person(2, "Ana Ruiz", "+442079469999", company="Kestrel Logistics Ltd")
    elsewhere = person(3, "Kestrel Moore", "+442079460001", company="Acme")
    ranked = rank_candidates(caller("+1 312 555 0193"), [elsewhere, kestrel, at_kestrel], NOW,
                             caller_name="KESTREL LOGISTICS")  # fmt: skip
    assert sorted(c.contact.id for c in ranked) == [1, 2]
    why = {c.contact.id: c.why for c in ranked}
    assert why == {1: "Name matches the caller ID", 2: "Company matches the caller ID"}, (
        "Ana is guessed for her company, and says so")
    cut = rank_candidates(caller("+1 312 555 0193"), [kestrel], NOW,
                          caller_name="KESTREL LOGISTI")  # fmt: skip
    assert [c.contact.id for c in cut] == [1], "a carrier cuts names at 15 characters"


def test_a_caller_id_name_that_names_someone_else_changes_nothing() -> None:
    block = person(1, "Raj Patel", "+14155550101")
    ranked = rank_candidates(caller("+1 415 555 0177"), [block], NOW, caller_name="DANA SMITH")
    assert [c.why for c in ranked] == ["Same number block as +1 415-555-0101"]
    initial = person(2, "Dana Whitfield", "+13125550000")
    assert rank_candidates(caller("+1 415 555 0177"), [initial], NOW, caller_name="D W") == ()

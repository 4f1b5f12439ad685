"""Given names that are one person's: "Hi, this is Mike" when the book says Michael. Search,
the unknown caller's guesses and a switchboard's ordering all find him, the spelling heard
first, and nothing that merely starts like the name."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from desktop.core.candidates import CALLER_NAME_REASON, rank_candidates
from desktop.core.given_names import EQUIVALENTS, equivalent_names, same_given_name
from desktop.core.models import Contact, StoredNumber
from desktop.core.numbers import NumberPolicy, parse_number
from desktop.core.search_query import (
    TIER_AS_TYPED,
    TIER_GIVEN_NAME,
    TIER_NOTES,
    parse_query,
    rank,
    text_expression,
)
from desktop.core.switchboard import rank_by_caller_name

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def person(cid: int, name: str, *, days_ago: float | None = None, number: str = "",
           **fields: str) -> Contact:  # fmt: skip
    return Contact(
        id=cid, name=name,
        numbers=(StoredNumber(number, number),) if number else (),
        last_contacted=NOW - timedelta(days=days_ago) if days_ago is not None else None,
        **fields,  # type: ignore[arg-type]
    )  # fmt: skip


@pytest.mark.parametrize(("heard", "booked"), [
    ("mike", "michael"), ("michael", "mike"), ("mick", "michael"), ("bob", "robert"),
    ("rob", "robert"), ("bill", "william"), ("will", "william"), ("liz", "elizabeth"),
    ("beth", "elizabeth"), ("jim", "james"), ("kate", "katherine"), ("katie", "catherine"),
    ("alex", "alexander"), ("alex", "alexandra"), ("chris", "christopher"),
    ("chris", "christine"), ("dan", "daniel"), ("dave", "david"), ("tom", "thomas"),
    ("tony", "anthony"), ("steve", "stephen"), ("steve", "steven"), ("jen", "jennifer"),
    ("sam", "samuel"), ("sam", "samantha"), ("hans", "johannes"), ("sepp", "josef"),
    ("josef", "sepp"),
])  # fmt: skip
def test_a_nickname_and_the_name_are_the_same_person_both_ways(heard: str, booked: str) -> None:
    assert same_given_name(heard, booked)
    assert same_given_name(booked, heard)


@pytest.mark.parametrize(("typed", "word"), [
    ("michael", "mikes"),  # a surname, not a nickname
    ("mikes", "michael"),
    ("michael", "michaela"),  # another name
    ("christopher", "christine"),  # both are "chris", but not each other
    ("alexander", "alexandra"),
    ("joe", "sepp"),  # Sepp is Josef's, not every Joseph's nickname
    ("brandt", "michael"),
    ("mike", "mike"),  # the same spelling is a match as typed, not an equivalent
])  # fmt: skip
def test_names_that_only_look_alike_are_not_equivalents(typed: str, word: str) -> None:
    assert not same_given_name(typed, word)


def test_the_table_is_folded_lower_case_words_and_names_nobody_twice() -> None:
    for name, others in EQUIVALENTS.items():
        assert name.isalpha() and name == name.lower() and name.isascii()
        assert name not in others
    assert equivalent_names("mike") == ("michael", "mick", "mickey", "micky", "mikey")
    assert equivalent_names("mikes") == ()


def test_the_index_is_asked_for_the_other_forms_as_whole_words_in_the_name() -> None:
    expression = text_expression(["Mike", "brandt"])
    assert '("Mike"* OR {name} : ("michael" OR "mick"' in expression
    assert '"brandt"*' in expression and "michael*" not in expression


def test_mike_finds_michael_below_every_mike_spelled_as_typed() -> None:
    michael_today = person(1, "Michael Brandt", days_ago=0)
    mike_old = person(2, "Mike Stone", days_ago=300)
    mikela_never = person(3, "Mikela Ross")
    stranger = person(4, "Anna Mikes")
    ranked = rank(parse_query("mike"), [michael_today, mike_old, mikela_never, stranger], NOW)
    assert ranked[0].contact.name == "Mike Stone"  # the whole word, however long ago
    assert {h.contact.name for h in ranked[1:3]} == {"Mikela Ross", "Anna Mikes"}
    assert ranked[3].contact.name == "Michael Brandt"
    assert ranked[3].tier == TIER_GIVEN_NAME and ranked[3].matched_in == ("name",)
    assert ranked[0].tier == TIER_AS_TYPED


def test_michael_finds_mike_but_not_a_surname_that_starts_with_mike() -> None:
    ranked = rank(parse_query("michael"), [person(1, "Mike Stone"), person(2, "Anna Mikes")],
                  NOW)  # fmt: skip
    assert [h.tier for h in ranked] == [TIER_GIVEN_NAME, 3]  # Anna: the index would not give her


def test_a_name_match_ranks_above_a_note_match_however_recent_the_note() -> None:
    """"All the Mikes I called this week" listed Dana Whitfield, whose note says "Mike K",
    among them: a call today weighed more than the name. The name comes first."""
    dana = person(1, "Dana Whitfield", days_ago=0, notes="Mike K from procurement")
    mikela = person(2, "Mikela Ross")
    michael = person(3, "Michael Brandt", days_ago=6)
    ranked = rank(parse_query("mike"), [dana, mikela, michael], NOW)
    assert [h.contact.name for h in ranked] == ["Mikela Ross", "Michael Brandt", "Dana Whitfield"]
    assert ranked[2].tier == TIER_NOTES


def test_a_caller_id_nickname_names_the_person_on_a_switchboard() -> None:
    main = "+14155550100"
    stone = person(1, "Mike Stone", number=main)
    michael = person(2, "Michael Brandt", number=main)
    mike_brandt = person(3, "Mike Brandt", number=main)
    assert rank_by_caller_name([stone, michael], "MIKE BRANDT")[0] == michael
    assert rank_by_caller_name([stone, michael], "MICHAEL")[0] == michael
    assert rank_by_caller_name([michael, mike_brandt], "MIKE BRANDT")[0] == mike_brandt
    assert rank_by_caller_name([stone, michael], "MIKES")[0] == stone  # order kept


def test_an_unknown_callers_caller_id_mike_guesses_michael() -> None:
    caller = parse_number("+1 212 555 0177", NumberPolicy("US"))
    michael = person(1, "Michael Brandt", days_ago=3, number="+14155550142")
    mike = person(2, "Mike Stone", days_ago=200, number="+13125550178")
    mikes = person(3, "Anna Mikes", number="+13125550179")
    guesses = rank_candidates(caller, [michael, mike, mikes], NOW, caller_name="MIKE BRANDT")
    assert [c.contact.name for c in guesses] == ["Michael Brandt"]
    assert guesses[0].why == "Caller ID says Mike for Michael"
    guesses = rank_candidates(caller, [michael, mike, mikes], NOW, caller_name="MIKE")
    # As spelled first (Anna Mikes: "MIKE" may be a cut-off name), then the nickname.
    assert [c.contact.name for c in guesses] == ["Mike Stone", "Anna Mikes", "Michael Brandt"]
    assert guesses[0].why == CALLER_NAME_REASON


def test_the_given_name_of_a_name_as_books_write_it() -> None:
    from desktop.core.given_names import given_name

    assert given_name("michael brandt") == "michael"
    assert given_name("brandt, michael") == "michael"
    assert given_name("dr. michael brandt") == "michael"
    assert given_name("j. michael brandt") == "michael"
    assert given_name("michael brandt, jr.") == "michael"
    assert given_name("tom michael") == "tom"
    assert given_name("") == given_name("dr.") == ""


def test_the_given_name_of_a_caller_id_sent_surname_first() -> None:
    """CNAM comes surname first with no comma ("BRANDT MICHAEL"): the book's rule read Brandt
    as his given name. A first word that is a given name keeps it ("TOM MICHAEL")."""
    from desktop.core.given_names import caller_id_given_name

    assert caller_id_given_name("brandt michael") == "michael"
    assert caller_id_given_name("kowalski mike j") == "mike"
    assert caller_id_given_name("michael b") == "michael"
    assert caller_id_given_name("tom michael") == "tom"
    assert caller_id_given_name("brandt, michael") == "michael"
    assert caller_id_given_name("dana w") == "dana"
    assert caller_id_given_name("acme tooling") == "acme"
    assert caller_id_given_name("") == ""

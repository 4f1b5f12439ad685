from __future__ import annotations

import unicodedata
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.core.models import Contact, StoredNumber
from desktop.core.search_query import (
    MAX_QUERY_CHARS,
    MAX_TERMS,
    SearchFilters,
    called_since,
    contains_fragments,
    digits_expression,
    fold,
    parse_query,
    passes_filters,
    rank,
    recency_tokens,
    text_expression,
)

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def person(cid: int, name: str, *, days_ago: float | None = None, **fields: object) -> Contact:
    last = NOW - timedelta(days=days_ago) if days_ago is not None else None
    return Contact(id=cid, name=name, last_contacted=last, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("typed", "terms", "fragments"),
    [
        ("mike", ("mike",), ()),
        ("Mike Kow", ("Mike", "Kow"), ()),
        ("mike 415", ("mike",), ("415",)),
        ("(415) 555-0142", (), ("4155550142",)),
        ("+44 20 7946", (), ("44207946",)),
        ("0142, 0199", (), ("0142", "0199")),  # a comma separates two numbers
        ("٤١٥٥", (), ("4155",)),  # Arabic-Indic digits are digits
        ("ｍｉｋｅ", ("mike",), ()),  # full-width letters fold to ASCII
        ("3M Harbor", ("3M", "Harbor"), ()),  # letters and digits together are a word
        ('"NEAR(mike)" -x * )', ("NEAR", "mike", "x"), ()),
        ("😀 Mike 🙂", ("Mike",), ()),
        ("שלום דוד", ("שלום", "דוד"), ()),
        ("", (), ()),
    ],
)
def test_typed_text_becomes_words_and_number_fragments(
    typed: str, terms: tuple[str, ...], fragments: tuple[str, ...]
) -> None:
    query = parse_query(typed)
    assert query.terms == terms
    assert query.fragments == fragments


def test_digit_runs_too_short_to_look_up_are_kept_apart() -> None:
    query = parse_query("mike 41")
    assert query.terms == ("mike",)
    assert query.fragments == ()
    assert query.short_fragments == ("41",)
    assert not parse_query("41").searchable
    assert parse_query("", SearchFilters(has_referral=True)).searchable


def test_a_huge_paste_is_cut_to_a_bounded_query() -> None:
    query = parse_query("mike " * 2000 + "x" * 10_000)
    assert len(query.text) == MAX_QUERY_CHARS
    assert query.terms[0] == "mike" and len(query.terms) <= 2, "repeats collapse"
    words = parse_query(" ".join(f"w{i}" for i in range(100)))
    assert len(words.terms) == MAX_TERMS


def test_expressions_quote_every_word_so_fts_syntax_is_plain_text() -> None:
    expression = text_expression(("NEAR", "kow"))
    assert '"NEAR"* AND "kow"*' in expression
    assert expression.startswith("{name company")
    assert "facets" not in expression, "people's words never match the app's own tokens"
    assert digits_expression(("415", "0142")) == '"415" AND "0142"'


def test_recency_tokens_cover_the_window_by_day_then_by_month() -> None:
    assert recency_tokens(NOW, 2) == ("d20261120", "d20261119", "d20261118")
    months = recency_tokens(datetime(2026, 2, 10, tzinfo=UTC), 100)
    assert months == ("m202511", "m202512", "m202601", "m202602")


def test_filters_cut_exactly_on_the_loaded_contacts() -> None:
    recent = person(1, "A", days_ago=3, referred_by="Harley")
    old = person(2, "B", days_ago=40)
    referral = SearchFilters(has_referral=True)
    assert [passes_filters(c, referral, NOW) for c in (recent, old)] == [True, False]
    # The days called are the call history's to say (a missed call counts): the store's cut.
    assert called_since(SearchFilters(days=7), NOW) == NOW - timedelta(days=7)
    assert called_since(SearchFilters(), NOW) is None


def test_name_matches_outrank_company_and_notes() -> None:
    by_notes = person(1, "Anna Berg", notes="met Mike at the fair")
    by_company = person(2, "Tom Reed", company="Mike's Bikes")
    by_name = person(3, "Mike Kowalski")
    ranked = rank(parse_query("mike"), [by_notes, by_company, by_name], NOW)
    assert [h.contact.id for h in ranked] == [3, 2, 1]
    assert ranked[0].matched_in == ("name",)
    assert ranked[2].matched_in == ("notes",)


def test_a_whole_word_beats_a_longer_name_and_recency_breaks_ties() -> None:
    mikela = person(1, "Mikela Ross")
    mike_old = person(2, "Mike Stone", days_ago=200)
    mike_recent = person(3, "Mike Kowalski", days_ago=1)
    ranked = rank(parse_query("mike"), [mikela, mike_old, mike_recent], NOW)
    assert [h.contact.id for h in ranked] == [3, 2, 1]


def test_recent_contact_lifts_a_weaker_match() -> None:
    called_today = person(1, "Tom Reed", company="Mike's Bikes", days_ago=0)
    never_called = person(2, "Mike Stone")
    ranked = rank(parse_query("mike"), [never_called, called_today], NOW)
    assert [h.contact.id for h in ranked] == [1, 2]


def test_last_digits_rank_above_digits_in_the_middle() -> None:
    middle = person(1, "A", numbers=(StoredNumber("", "+14150142999"),))
    last = person(2, "B", numbers=(StoredNumber("", "+14155550142"),))
    ranked = rank(parse_query("0142"), [middle, last], NOW)
    assert [h.contact.id for h in ranked] == [2, 1]
    assert ranked[0].matched_in == ("number",)


def test_numbers_match_as_written_with_a_trunk_prefix() -> None:
    london = person(1, "A", numbers=(StoredNumber("020 7946 0958", "+442079460958"),))
    assert contains_fragments(london, ("0207946",))
    assert contains_fragments(london, ("2079460958", "0958"))
    assert not contains_fragments(london, ("5550",))


def test_folding_matches_what_the_index_does() -> None:
    assert fold("José MÜLLER") == "jose muller"
    assert fold("Ångström") == "angstrom"


@given(st.text(max_size=400), st.sampled_from([None, 0, 7, 400]), st.booleans())
def test_any_text_parses_into_safe_terms(text: str, days: int | None, referral: bool) -> None:
    query = parse_query(text, SearchFilters(days=days, has_referral=referral))
    for term in query.terms:
        assert term and '"' not in term and "*" not in term
        assert all(unicodedata.category(ch)[0] in "LN" or unicodedata.category(ch) == "Co"
                   for ch in term), "only letters and digits, never FTS5 syntax"  # fmt: skip
    for fragment in query.fragments:
        assert fragment.isascii() and fragment.isdigit() and len(fragment) >= 3
    if query.terms:
        expression = text_expression(query.terms)
        assert expression.count('"') % 2 == 0
    rank(query, [person(1, "Mike", notes=text)], NOW)

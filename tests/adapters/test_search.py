"""Search over a real SQLite store: the FTS5 indexes, their upkeep, ranking, unknown callers."""

from __future__ import annotations

import json
import random
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.adapters.lookup import CallerLookup
from desktop.adapters.store import NewContact, Store
from desktop.adapters.store.schema import MIGRATIONS
from desktop.cli import main as cli_main
from desktop.core.card import card_json
from desktop.core.models import Attempt, Direction, Outcome, StoredNumber
from desktop.core.numbers import NumberPolicy
from desktop.core.search_query import SearchFilters, parse_query

NOW = datetime.now(UTC).replace(microsecond=0)
FIRST = ["Mike", "Michael", "Mikael", "Anna", "John", "Priya", "Dana", "Raj", "Sarah", "Tom",
         "Élodie", "Zoë", "Chen", "Fatima", "Oliver", "Nina", "Omar", "Lena"]  # fmt: skip
LAST = ["Kowalski", "Brennan", "Smith", "Natarajan", "Whitfield", "Patel", "Becker", "Martin",
        "Ångström", "Okafor", "Garcia", "Müller", "Rossi", "Weber", "Nguyen"]  # fmt: skip
AREAS = ["+1415", "+1212", "+1312", "+4420", "+4930"]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.open(tmp_path / "data" / "cc.sqlite3")
    yield s
    s.close()


def names(hits: list) -> list[str]:  # type: ignore[type-arg]
    return [h.contact.name for h in hits]


def search(store: Store, text: str, **filters: object) -> list[str]:
    return names(store.search(parse_query(text, SearchFilters(**filters)), now=NOW))  # type: ignore[arg-type]


def generated_book(store: Store, count: int, seed: int = 5) -> None:
    """A book heavy in Mik-names across five areas, about a third called lately, loaded the way
    a bulk import loads: one transaction, index deferred."""
    rng = random.Random(seed)
    with store.transaction(), store.deferred_search_index():
        for i in range(count):
            area = AREAS[i % len(AREAS)]
            number = f"{area}{7_000_000 + i * 37:07d}"
            attempts: tuple[Attempt, ...] = ()
            if rng.random() < 0.35:
                when = NOW - timedelta(days=rng.randint(1, 200))
                outcome = rng.choice([Outcome.VOICEMAIL, Outcome.NO_ANSWER, Outcome.TALKED])
                attempts = (Attempt(Direction.OUT, when, outcome, number_e164=number),)
            store.add_contact(NewContact(
                name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                company=rng.choice(["Harbor Freight", "Acme Tooling", "Northwind", "Globex"]),
                title=rng.choice(["Buyer", "CFO", "Office Manager"]),
                notes=rng.choice(["", "", "met at the fair", "prefers mornings"]),
                numbers=(StoredNumber(number, number),),
                attempts=attempts,
            ))  # fmt: skip


def add(store: Store, name: str, number: str, *, days_ago: float | None = None,
        outcome: Outcome = Outcome.VOICEMAIL, **fields: str) -> int:  # fmt: skip
    attempts = ()
    if days_ago is not None:
        at = NOW - timedelta(days=days_ago)
        attempts = (Attempt(Direction.OUT, at, outcome, number_e164=number),)
    return store.add_contact(NewContact(
        name=name, numbers=(StoredNumber(number, number),), attempts=attempts, **fields
    ))  # fmt: skip


def fts_is_consistent(store: Store) -> None:
    for table in ("contact_search", "number_search"):
        store.connection.execute(
            f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 1)"
        )


# -- ranking on a generated book ---------------------------------------------------------------


def test_the_right_mike_comes_first_when_the_caller_gives_name_and_area(store: Store) -> None:
    generated_book(store, 3000)
    right = add(store, "Mike Kowalski", "+14155550142", days_ago=3, company="Harbor Freight")
    # Decoys: a Mike called more recently elsewhere, a Mike in 415 we never called.
    add(store, "Mike Brennan", "+13125550178", days_ago=1)
    add(store, "Mike Stone", "+14155550999")
    hits = store.search(parse_query("mike 415"), now=NOW)
    assert hits[0].contact.id == right
    assert all("415" in "".join(n.e164 or "" for n in h.contact.numbers) for h in hits)
    assert set(hits[0].matched_in) == {"name", "number"}
    # The popup's picker: an unknown 415 caller says "Mike".
    lookup = CallerLookup(store, NumberPolicy("US"), {})
    caller = lookup.parse("+1 415 555 0199")
    picked = lookup.candidates_for(caller, NOW, named=["Mike"])
    assert picked[0].contact.id == right
    assert "same area (area code 415)" in picked[0].why
    assert all(c.contact.name.startswith("Mik") for c in picked)


def test_recently_called_people_surface_among_thousands_of_matches(store: Store) -> None:
    generated_book(store, 3000)
    recent = add(store, "Mikael Recent", "+4930555000111", days_ago=0.5)
    found = store.search(parse_query("mi"), now=NOW)
    assert found[0].contact.id == recent
    called = [h.contact.last_contacted for h in found[:10]]
    assert all(c is not None for c in called), "recently called Mi-people fill the top"


def test_digit_fragments_find_numbers_by_last_four_area_and_national_form(store: Store) -> None:
    add(store, "Mike Kowalski", "+14155550142")
    london = StoredNumber("020 7946 0321", "+442079460321")
    store.add_contact(NewContact("Priya Natarajan", numbers=(london,)))
    assert search(store, "0142") == ["Mike Kowalski"]
    assert search(store, "(415) 555") == ["Mike Kowalski"]
    assert search(store, "0207946") == ["Priya Natarajan"], "as written, with the trunk 0"
    assert search(store, "7946 0321") == ["Priya Natarajan"]
    assert search(store, "priya 0321") == ["Priya Natarajan"]
    assert search(store, "priya 0142") == []
    assert search(store, "01") == [], "two digits are too few to look up"


def test_every_text_field_is_searchable(store: Store) -> None:
    cid = store.add_contact(NewContact(
        "Dana Whitfield", title="CFO", company="Contoso", email="dana.w@contoso.example",
        notes="assistant is Sam", reason="the pilot budget", referred_by="Harley Smith",
        next_step="send the deck",
    ))  # fmt: skip
    for typed in ("whit", "cfo", "conto", "dana.w", "assist", "pilot bud", "harley", "deck"):
        assert [h.contact.id for h in store.search(parse_query(typed), now=NOW)] == [cid], typed
    assert search(store, "josé") == []
    store.add_contact(NewContact("José Müller"))
    assert search(store, "jose mull") == ["José Müller"], "accents fold both ways"


# -- keeping the index in step -------------------------------------------------------------------


def test_single_edits_update_the_index(store: Store) -> None:
    cid = add(store, "Mike Kowalski", "+14155550142")
    store.update_contact_field(cid, "notes", "loves zebras")
    assert search(store, "zebra") == ["Mike Kowalski"]
    store.update_contact_field(cid, "notes", "")
    assert search(store, "zebra") == []
    # (Not renamed to Michael: "mike" finds him, given_names.py.)
    store.update_contact_field(cid, "name", "Dana Kowalski")
    assert search(store, "dana") == ["Dana Kowalski"]
    assert search(store, "mike") == []
    assert store.link_number(cid, StoredNumber("+1 212 555 0100", "+12125550100"))
    assert not store.link_number(cid, StoredNumber("+1 212 555 0100", "+12125550100"))
    assert search(store, "2125550100") == ["Dana Kowalski"]
    fts_is_consistent(store)


def test_a_call_moves_a_contact_into_the_recent_window(store: Store) -> None:
    cid = add(store, "Mike Kowalski", "+14155550142")
    assert search(store, "mike", days=7) == []
    store.add_attempt(cid, Attempt(Direction.OUT, NOW - timedelta(hours=2), Outcome.VOICEMAIL))
    assert search(store, "mike", days=7) == ["Mike Kowalski"]
    assert search(store, "", days=7) == ["Mike Kowalski"]
    fts_is_consistent(store)


def test_undoing_a_batch_takes_its_people_out_of_the_index(store: Store) -> None:
    add(store, "Kept Person", "+14155550100")
    with store.transaction():
        batch = store.create_batch("Import of a.csv")
        number = StoredNumber("x", "+14155550111")
        store.add_contact(NewContact("Imported Person", numbers=(number,)), batch)
    assert search(store, "person") == ["Imported Person", "Kept Person"]
    store.undo_batch(batch)
    assert search(store, "person") == ["Kept Person"]
    assert search(store, "0111") == []
    fts_is_consistent(store)


def test_a_deferred_bulk_load_is_indexed_when_it_ends_and_not_before(store: Store) -> None:
    add(store, "Before Load", "+14155550100")
    with store.transaction(), store.deferred_search_index():
        store.add_contact(NewContact("Bulk One", numbers=(StoredNumber("x", "+14155550111"),)))
        assert search(store, "bulk") == [], "no per-row index work inside the load"
        # An existing contact edited during the load stays indexed correctly.
        store.update_contact_field(1, "notes", "edited during the load")
    assert search(store, "bulk") == ["Bulk One"]
    assert search(store, "0111") == ["Bulk One"]
    assert search(store, "edited") == ["Before Load"]
    fts_is_consistent(store)


def test_a_failed_bulk_load_leaves_neither_rows_nor_index_entries(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction(), store.deferred_search_index():
        store.add_contact(NewContact("Doomed"))
        raise RuntimeError("disk full")
    assert search(store, "doomed") == []
    add(store, "After Failure", "+14155550100")
    assert search(store, "after") == ["After Failure"], "triggers index again"
    fts_is_consistent(store)


def test_refresh_rebuilds_an_index_that_lost_its_entries(store: Store) -> None:
    add(store, "Mike Kowalski", "+14155550142")
    store.connection.execute("INSERT INTO contact_search(contact_search) VALUES ('delete-all')")
    assert search(store, "mike") == []
    store.refresh_search_index()
    assert search(store, "mike") == ["Mike Kowalski"]
    fts_is_consistent(store)


def old_database(path: Path, version: int, *statements: str) -> Path:
    """A database as schema `version` left it, holding what `statements` insert."""
    conn = sqlite3.connect(path)
    for migration in MIGRATIONS[:version]:
        conn.executescript(migration)
    for statement in statements:
        conn.execute(statement)
    conn.execute(f"PRAGMA user_version={version}")
    conn.commit()
    conn.close()
    return path


def test_a_version_1_database_is_indexed_when_it_migrates(tmp_path: Path) -> None:
    path = old_database(
        tmp_path / "old.sqlite3", 1,
        "INSERT INTO contacts(name, created_at, updated_at) VALUES ('Old Timer', 0, 0)",
        "INSERT INTO phone_numbers(contact_id, raw, e164) VALUES (1, 'x', '+14155550142')",
    )  # fmt: skip
    store = Store.open(path)
    try:
        assert search(store, "timer") == ["Old Timer"]
        assert search(store, "0142") == ["Old Timer"]
    finally:
        store.close()


@pytest.mark.parametrize(
    ("stored", "typed"),
    [("Søren Kjær", "soren"), ("Søren Kjær", "kjaer"), ("Søren Kjær", "Søren"),
     ("Łukasz Wójcik", "lukasz"), ("Łukasz Wójcik", "wojcik"), ("Bjørn Ærø", "aero"),
     ("Jürgen Straßer", "strasser"), ("Jürgen Straßer", "straßer"), ("Zoë Brennan", "zoe"),
     ("Þóra Œdipe", "thora oedipe")],
)
def test_names_are_found_as_people_type_them_without_special_letters(
    store: Store, stored: str, typed: str
) -> None:
    store.add_contact(NewContact(name=stored))
    store.add_contact(NewContact(name="Someone Else"))
    hits = store.search(parse_query(typed), now=NOW)
    assert names(hits) == [stored]
    assert "name" in hits[0].matched_in


def test_a_version_4_database_learns_the_spelled_out_letters_and_keeps_them_current(
    tmp_path: Path,
) -> None:
    path = old_database(
        tmp_path / "v4.sqlite3", 4,
        "INSERT INTO contacts(name, created_at, updated_at) VALUES ('Søren Kjær', 0, 0)",
    )  # fmt: skip
    store = Store.open(path)
    try:
        assert search(store, "soren kjaer") == ["Søren Kjær"]
        store.update_contact_field(1, "name", "Bjørn Kjær")
        assert search(store, "soren") == []
        assert search(store, "bjorn") == ["Bjørn Kjær"]
        fts_is_consistent(store)
    finally:
        store.close()


# -- filters -------------------------------------------------------------------------------------


def test_filters_for_recent_calls_waiting_callbacks_and_referrals(store: Store) -> None:
    waiting = add(store, "Waiting Mike", "+14155550101", days_ago=2)
    called_back = add(store, "Called Back Mike", "+14155550102", days_ago=3)
    store.add_attempt(called_back, Attempt(Direction.IN, NOW - timedelta(days=1.5)))
    add(store, "Old Mike", "+14155550103", days_ago=60, referred_by="Harley")
    add(store, "Talked Mike", "+14155550104", days_ago=1, outcome=Outcome.TALKED)
    assert search(store, "mike", days=7) == ["Talked Mike", "Called Back Mike", "Waiting Mike"]
    assert search(store, "", awaiting_callback=True) == ["Waiting Mike", "Old Mike"]
    assert search(store, "wait", awaiting_callback=True) == ["Waiting Mike"]
    assert search(store, "", has_referral=True) == ["Old Mike"]
    assert search(store, "mike", has_referral=True, days=7) == []
    assert store.awaiting_callback(NOW)[0] == waiting
    store.add_attempt(waiting, Attempt(Direction.IN, NOW))
    assert search(store, "", awaiting_callback=True) == ["Old Mike"], "the cache saw the call"


def test_called_in_the_last_days_means_any_call_answered_or_not_either_way(store: Store) -> None:
    """"All the Mikes I called this week": a call that went unanswered or only rang is a call
    too, in either direction (before, only calls that counted as contact did)."""
    missed = add(store, "Missed Mike", "+14155550101")
    rang = add(store, "Rang Mike", "+14155550102")
    no_answer = add(store, "Unanswered Mike", "+14155550103")
    old = add(store, "Old Missed Mike", "+14155550104")
    add(store, "Never Mike", "+14155550105")
    for cid, number, days, direction, outcome in (
        (missed, "+14155550101", 1, Direction.IN, Outcome.MISSED),
        (rang, "+14155550102", 2, Direction.IN, Outcome.UNKNOWN),
        (no_answer, "+14155550103", 3, Direction.OUT, Outcome.NO_ANSWER),
        (old, "+14155550104", 20, Direction.IN, Outcome.MISSED),
    ):
        call = Attempt(direction, NOW - timedelta(days=days), outcome, number_e164=number)
        assert store.record_call(cid, call, "test", f"test:{cid}") is not None
    this_week = {"Missed Mike", "Rang Mike", "Unanswered Mike"}
    assert set(search(store, "mike", days=7)) == this_week
    assert set(search(store, "", days=7)) == this_week
    assert search(store, "0101", days=7) == ["Missed Mike"]
    assert search(store, "mike 0104", days=7) == []
    assert set(search(store, "mike", days=30)) == {*this_week, "Old Missed Mike"}
    fts_is_consistent(store)


# -- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ['"', '""', "*", "-", "mike -", "NEAR", "NEAR(mike kow)", ")", "(", "mike)", "OR", "AND NOT",
     "{name}: x", "^mike", "mi*ke", "x" * 10_000, "😀", "👨‍👩‍👧", "مايك", "שלום", "\u202emike",
     "\x00", "' OR 1=1 --", "%", "_"],
)  # fmt: skip
def test_fts_syntax_and_odd_text_give_results_or_none_never_an_error(
    store: Store, typed: str
) -> None:
    add(store, "Mike Kowalski", "+14155550142", notes="NEAR the harbor; OR else")
    result = store.search(parse_query(typed), now=NOW)
    assert isinstance(result, list)


def test_right_to_left_names_are_found(store: Store) -> None:
    store.add_contact(NewContact("דוד כהן"))
    store.add_contact(NewContact("محمد علي"))
    assert search(store, "דוד") == ["דוד כהן"]
    assert search(store, "محم") == ["محمد علي"]


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(text=st.text(max_size=300), days=st.sampled_from([None, 0, 3, 90]))
def test_search_never_raises_on_any_text(store: Store, text: str, days: int | None) -> None:
    if store.count_contacts() == 0:
        add(store, "Mike Kowalski", "+14155550142", days_ago=2, notes="met at the fair")
        add(store, "Zoë Ångström", "+442079460321", referred_by="Harley")
    result = store.search(parse_query(text, SearchFilters(days=days)), now=NOW)
    assert isinstance(result, list)


# -- unknown callers -----------------------------------------------------------------------------


def test_lookup_json_fills_candidates_for_an_unknown_number(store: Store) -> None:
    add(store, "Front Desk", "+4930123450")
    add(store, "Jana Becker", "+493012345611")
    add(store, "Dana Whitfield", "+14155550100", days_ago=2)
    lookup = CallerLookup(store, NumberPolicy("DE"), {})
    card = card_json(lookup.card_for("030 1234 5678"))
    assert card["match"] == "none"
    assert [c["name"] for c in card["candidates"]] == ["Front Desk", "Jana Becker"]
    assert card["candidates"][0]["candidate_why"].startswith("Company switchboard")
    us = card_json(CallerLookup(store, NumberPolicy("US"), {}).card_for("+1 415 555 0199"))
    assert [c["name"] for c in us["candidates"]] == ["Dana Whitfield"]
    known = card_json(lookup.card_for("+49 30 123450"))
    assert known["match"] == "exact" and known["candidates"] == []


# -- the command line ----------------------------------------------------------------------------


def test_cli_search_prints_ranked_results_with_lookup_fields(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from desktop.adapters.paths import resolve_paths

    paths = resolve_paths(None)
    paths.ensure()
    store = Store.open(paths.database)
    add(store, "Mike Kowalski", "+14155550142", days_ago=2, reason="the freight audit")
    add(store, "Mike Brennan", "+13125550178")
    store.close()
    assert cli_main(["search", "mike 415", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    [first] = out["results"]
    assert first["name"] == "Mike Kowalski"
    assert first["why"] == "the freight audit"
    assert first["numbers"][0]["e164"] == "+14155550142"
    assert first["last_attempts"][0]["outcome"] == "voicemail"
    assert cli_main(["search", "mike", "--days", "7"]) == 0
    text = capsys.readouterr()
    assert "Mike Kowalski" in text.out and "Mike Brennan" not in text.out
    assert cli_main(["search", '"NEAR(*']) == 0


def test_an_unknown_callers_guesses_put_the_person_the_caller_id_names_first(store: Store) -> None:
    add(store, "Raj Patel", "+14155550101", days_ago=0.5)
    dana = add(store, "Dana Whitfield", "+14155550188", days_ago=40)
    kestrel = add(store, "Kestrel Logistics Ltd", "+442079460000")
    lookup = CallerLookup(store, NumberPolicy("US"), {})
    card = lookup.card_for("+1 415 555 0177", "DANA WHITFIELD", now=NOW)
    assert card.candidates[0].contact.id == dana
    assert card.candidates[0].why.startswith("Name matches the caller ID")
    business = lookup.candidates_for(lookup.parse("+1 312 555 0193", "KESTREL LOGISTICS"), NOW)
    assert [c.contact.id for c in business] == [kestrel]
    placeholder = lookup.candidates_for(lookup.parse("+1 312 555 0193", "CHICAGO IL"), NOW)
    assert placeholder == ()

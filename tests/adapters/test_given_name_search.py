"""A tester playing a rep: "Hi, this is Mike, returning your call". `callercard search mike
--days 7` and the Search window missed Michael Brandt, whom the rep called this week, and
listed Dana Whitfield (a note says "Mike K") among the Mikes. Over a real store and the CLI."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from desktop.adapters.lookup import CallerLookup
from desktop.adapters.people_search import search_people
from desktop.adapters.store import NewContact, Store
from desktop.cli import main as cli_main
from desktop.core.models import Attempt, Direction, Outcome, StoredNumber
from desktop.core.numbers import NumberPolicy
from desktop.core.search_query import SearchFilters, parse_query

NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.open(tmp_path / "data" / "cc.sqlite3")
    yield s
    s.close()


def week(store: Store) -> dict[str, int]:
    """The tester's week: who the rep called, who called in, and who is only in a note."""
    people = {}
    for name, number, days, direction, notes in (
        ("Michael Brandt", "+14155550142", 2, Direction.OUT, ""),
        ("Mike Kowalski", "+14155550143", 3, Direction.OUT, ""),
        ("Mikey Ross", "+14155550177", 1, Direction.IN, ""),
        ("Dana Whitfield", "+14155550188", 0.1, Direction.OUT, "Mike K runs purchasing"),
        ("Anna Mikes", "+14155550190", 4, Direction.OUT, ""),
        ("Michael Old", "+14155550191", 40, Direction.OUT, ""),
    ):
        people[name] = store.add_contact(NewContact(
            name=name, notes=notes, numbers=(StoredNumber(number, number),),
            attempts=(Attempt(direction, NOW - timedelta(days=days), Outcome.TALKED,
                              number_e164=number),),
        ))  # fmt: skip
    return people


def search(store: Store, text: str, days: int | None = None) -> list[str]:
    hits = search_people(store, parse_query(text, SearchFilters(days=days)), now=NOW)
    return [h.contact.name for h in hits]


def test_all_the_mikes_this_week_include_michael_after_the_mikes_and_dana_last(
    store: Store,
) -> None:
    week(store)
    found = search(store, "mike", days=7)
    # Spelled as heard first (Mikey called us: a call either way is being in touch), then
    # Michael, then the note that mentions a Mike. Michael Old was not this week.
    assert found == ["Mike Kowalski", "Mikey Ross", "Anna Mikes", "Michael Brandt",
                     "Dana Whitfield"]  # fmt: skip
    assert search(store, "mike brandt", days=7) == ["Michael Brandt"]
    michael = search(store, "michael", days=7)
    assert michael[0] == "Michael Brandt"
    assert set(michael[1:]) == {"Mike Kowalski", "Mikey Ross"}
    assert search(store, "mikes") == ["Anna Mikes"], "a surname is not a nickname"
    assert "Michael Old" in search(store, "mike")


def test_the_calls_of_a_michael_found_by_mike_are_listed(store: Store) -> None:
    from desktop.adapters.people_search import search_calls

    people = week(store)
    query = parse_query("mike", SearchFilters(days=7))
    hits = search_people(store, query, now=NOW)
    calls = search_calls(store, query, hits, now=NOW)
    called = {call.contact.id for call in calls if call.contact is not None}
    assert people["Michael Brandt"] in called
    assert people["Dana Whitfield"] not in called  # found by her notes: her calls are noise


def test_an_unknown_caller_id_mike_or_mike_brandt_guesses_michael_brandt(store: Store) -> None:
    people = week(store)
    lookup = CallerLookup(store, NumberPolicy("US"), {})
    full = lookup.candidates_for(lookup.parse("+1 212 555 0100", "MIKE BRANDT"), NOW)
    assert [c.contact.id for c in full] == [people["Michael Brandt"]]
    assert full[0].why.startswith("Caller ID says Mike for Michael")
    first_only = lookup.candidates_for(lookup.parse("+1 212 555 0100", "MIKE"), NOW)
    names = [c.contact.name for c in first_only]
    assert "Michael Brandt" in names
    assert names.index("Mike Kowalski") < names.index("Michael Brandt")


def test_the_cards_picker_finds_michael_when_the_rep_types_mike(store: Store) -> None:
    people = week(store)
    lookup = CallerLookup(store, NumberPolicy("US"), {})
    picked = lookup.candidates_for(lookup.parse("+1 415 555 0199"), NOW, named=["Mike"])
    assert people["Michael Brandt"] in [c.contact.id for c in picked]
    assert people["Dana Whitfield"] not in [c.contact.id for c in picked]


def test_cli_search_mike_for_the_week(capsys: pytest.CaptureFixture[str]) -> None:
    from desktop.adapters.paths import resolve_paths

    paths = resolve_paths(None)
    paths.ensure()
    store = Store.open(paths.database)
    week(store)
    store.close()
    assert cli_main(["search", "mike", "--days", "7", "--json"]) == 0
    names = [r["name"] for r in json.loads(capsys.readouterr().out)["results"]]
    assert names.index("Michael Brandt") < names.index("Dana Whitfield")
    assert "Michael Old" not in names


def test_mike_is_a_michael_by_his_given_name_not_a_man_named_michael(store: Store) -> None:
    """'Tom Michael' has Michael for a surname: 'mike' listed him as a nickname match. A given
    name stands where the book puts it: after a surname's comma, past a title or an initial."""
    for name in ("Tom Michael", "Brandt, Michael", "Dr. Michael Brandt", "J. Michael Ross",
                 "Michael Jones, Jr."):  # fmt: skip
        store.add_contact(NewContact(name=name))
    assert sorted(search(store, "mike")) == sorted(
        ["Brandt, Michael", "Dr. Michael Brandt", "J. Michael Ross", "Michael Jones, Jr."])
    assert "Tom Michael" in search(store, "michael"), "spelled as typed, any word"
    assert search(store, "tommy") == ["Tom Michael"]
    lookup = CallerLookup(store, NumberPolicy("US"), {})
    guessed = lookup.candidates_for(lookup.parse("+1 212 555 0100", "MIKE"), NOW)
    assert "Tom Michael" not in [c.contact.name for c in guessed]
    picked = lookup.candidates_for(lookup.parse("+1 415 555 0199"), NOW, named=["Mike"])
    assert "Tom Michael" not in [c.contact.name for c in picked]
    assert "Brandt, Michael" in [c.contact.name for c in picked]


def test_tom_michael_found_by_mike_in_his_notes_is_listed_for_them(store: Store) -> None:
    store.add_contact(NewContact(name="Tom Michael", notes="Ask for Mike at the desk"))
    hits = search_people(store, parse_query("mike"), now=NOW)
    assert [(h.contact.name, h.matched_in) for h in hits] == [("Tom Michael", ("notes",))]


def test_mike_lists_the_calls_of_an_unknown_caller_whose_caller_id_says_michael(
    store: Store,
) -> None:
    """"Hi, this is Mike, returning your call": the call came from a number nobody has, and
    its caller ID said MICHAEL B. Search listed Michael Brandt for 'mike', not that call."""
    from desktop.adapters.people_search import search_calls

    for i, name in enumerate(("MICHAEL B", "BRANDT, MICHAEL", "MICHAËL DUPONT", "TOM MICHAEL",
                              "MICHAELA ROSS", "MIKE KOWALSKI", "DANA W")):  # fmt: skip
        number = f"+1415555{i:04d}"
        store.record_call(None, Attempt(Direction.IN, NOW - timedelta(hours=i + 1),
                                        Outcome.MISSED, number_e164=number, caller_name=name),
                          "test", f"test:{number}")  # fmt: skip
    query = parse_query("mike")
    calls = search_calls(store, query, search_people(store, query, now=NOW), now=NOW)
    # Newest first; a surname Michael and Michaela are no Mike.
    assert [c.attempt.caller_name for c in calls] == [
        "MICHAEL B", "BRANDT, MICHAEL", "MICHAËL DUPONT", "MIKE KOWALSKI"]
    query = parse_query("mike b")
    calls = search_calls(store, query, search_people(store, query, now=NOW), now=NOW)
    assert [c.attempt.caller_name for c in calls] == ["MICHAEL B", "BRANDT, MICHAEL"]


def test_cli_search_says_why_a_person_is_listed_as_the_search_window_does(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`callercard search mike` listed Michael Brandt and Dana Whitfield with no word of why:
    the window says 'nickname match' and 'found in notes', and so does the terminal now."""
    from desktop.adapters.paths import resolve_paths

    paths = resolve_paths(None)
    paths.ensure()
    store = Store.open(paths.database)
    week(store)
    store.close()
    assert cli_main(["search", "mike", "--days", "7"]) == 0
    out = capsys.readouterr().out
    people = out.split("\n\n")[0].splitlines()
    assert people[people.index("Michael Brandt") + 1] == "  nickname match"
    assert people[people.index("Dana Whitfield") + 1] == "  found in notes"
    assert people[people.index("Mike Kowalski") + 1].startswith("  +1 415")  # as typed: no word


def test_mike_lists_the_calls_of_a_caller_id_sent_surname_first_with_no_comma(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Carriers send CNAM surname first and with no comma ("BRANDT MICHAEL", 15 letters at
    most): search 'mike' left that call out, as if only a comma could say which word is the
    given name. A first word that is a given name still is one: TOM MICHAEL is no Mike."""
    from desktop.adapters.paths import resolve_paths
    from desktop.adapters.people_search import search_calls

    paths = resolve_paths(None)
    paths.ensure()
    store = Store.open(paths.database)
    try:
        for i, name in enumerate(("BRANDT MICHAEL", "TOM MICHAEL", "KOWALSKI MIKE J",
                                  "CHRIS MICHAEL", "DANA W")):  # fmt: skip
            number = f"+1415555{i:04d}"
            store.record_call(None, Attempt(Direction.IN, NOW - timedelta(hours=i + 1),
                                            Outcome.MISSED, number_e164=number,
                                            caller_name=name),
                              "test", f"test:{number}")  # fmt: skip
        query = parse_query("mike")
        calls = search_calls(store, query, search_people(store, query, now=NOW), now=NOW)
        assert [c.attempt.caller_name for c in calls] == ["BRANDT MICHAEL", "KOWALSKI MIKE J"]
    finally:
        store.close()
    # The rep's terminal lists the same call, and says what happened.
    assert cli_main(["search", "mike"]) == 0
    calls_said = capsys.readouterr().out.splitlines()
    assert [line for line in calls_said if "MICHAEL" in line or "MIKE" in line] == [
        line for line in calls_said if "BRANDT MICHAEL" in line or "KOWALSKI MIKE J" in line]
    assert any("BRANDT MICHAEL" in line and "missed" in line for line in calls_said)


def test_calls_name_mike_lists_the_calls_search_mike_lists(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Used as a rep: `callercard search mike` listed Michael Brandt and the "BRANDT MICHAEL"
    caller ID's calls, while `callercard calls --name mike` said "No calls match.": it looked
    for the letters as typed. It takes a given name's other forms as search does (a surname
    Michael is no Mike), and each word typed on its own ("mike brandt")."""
    from desktop.adapters.paths import resolve_paths

    paths = resolve_paths(None)
    paths.ensure()
    store = Store.open(paths.database)
    try:
        for name, number in (("Michael Brandt", "+14155550142"), ("Tom Michael", "+14155550150")):
            store.add_contact(NewContact(
                name=name, numbers=(StoredNumber(number, number),),
                attempts=(Attempt(Direction.OUT, NOW - timedelta(days=1), Outcome.TALKED,
                                  number_e164=number),),
            ))  # fmt: skip
        for i, name in enumerate(("BRANDT MICHAEL", "TOM MICHAEL", "MICHAËL DUPONT", "DANA W")):
            number = f"+1212555{i:04d}"
            store.record_call(None, Attempt(Direction.IN, NOW - timedelta(hours=i + 1),
                                            Outcome.MISSED, number_e164=number,
                                            caller_name=name),
                              "test", f"test:{number}")  # fmt: skip
    finally:
        store.close()

    def listed(*argv: str) -> list[str]:
        assert cli_main([*argv, "--json"]) == 0
        out = json.loads(capsys.readouterr().out)
        return sorted(c["contact"]["name"] if c["contact"] else c["caller_name"]
                      for c in out["calls"])  # fmt: skip

    mikes = ["BRANDT MICHAEL", "MICHAËL DUPONT", "Michael Brandt"]
    assert listed("search", "mike") == mikes
    assert listed("calls", "--name", "mike") == mikes
    assert listed("calls", "--name", "Mike") == mikes
    assert listed("calls", "--name", "mike brandt") == ["BRANDT MICHAEL", "Michael Brandt"]
    assert listed("calls", "--name", "michael") == listed("search", "michael") == [
        "BRANDT MICHAEL", "MICHAËL DUPONT", "Michael Brandt", "TOM MICHAEL", "Tom Michael"]
    assert listed("calls", "--name", "michaël") == ["MICHAËL DUPONT"]

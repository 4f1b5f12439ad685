"""The Search window's calls read from a real database: by the people found, by the caller
ID's name and number, within the days asked for; never a withheld call, and what was typed is
text, never a LIKE pattern."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from desktop.adapters.people_search import search_calls, search_people
from desktop.adapters.store import NewContact, Store
from desktop.core.models import Attempt, Direction, Outcome, StoredNumber
from desktop.core.search_query import SearchFilters, parse_query

NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(tmp_path / "callercard.sqlite3")
    dana = store.add_contact(NewContact("Dana Whitfield", notes="knows Mike",
                                        numbers=(StoredNumber("x", "+14155550100"),)))  # fmt: skip
    calls = [
        (None, "+14155550177", 2, "MIKE CELL"), (None, "+14155550177", 10, "MIKE CELL"),
        (None, "+13125550199", 1, "100% SOLAR_CO"), (None, None, 1, ""),
        (dana, "+14155550100", 3, ""),
    ]  # fmt: skip
    for i, (cid, number, days, name) in enumerate(calls):
        attempt = Attempt(Direction.IN, NOW - timedelta(days=days), Outcome.MISSED,
                          number_e164=number, caller_name=name)  # fmt: skip
        store.record_call(cid, attempt, "test", f"k{i}")
    yield store
    store.close()


def found(store: Store, text: str, days: int | None = None) -> list[tuple[str | None, int]]:
    query = parse_query(text, SearchFilters(days=days))
    calls = search_calls(store, query, search_people(store, query, now=NOW), now=NOW)
    return [(c.attempt.number_e164, (NOW - c.attempt.at).days) for c in calls]


def test_calls_by_caller_id_name_number_and_days(store: Store) -> None:
    assert found(store, "mike") == [("+14155550177", 2), ("+14155550177", 10)]
    assert found(store, "MIKE cell") == [("+14155550177", 2), ("+14155550177", 10)]
    assert found(store, "mike", days=7) == [("+14155550177", 2)]
    assert found(store, "0177") == [("+14155550177", 2), ("+14155550177", 10)]
    assert found(store, "mike 312") == []  # every word and digit run, in one caller ID
    # Dana is found by name: her calls come; found by her notes only, they do not
    assert found(store, "dana") == [("+14155550100", 3)]
    assert found(store, "415") == [("+14155550177", 2), ("+14155550100", 3),
                                   ("+14155550177", 10)]  # fmt: skip


def test_typed_text_is_never_a_pattern(store: Store) -> None:
    assert found(store, "solar_co") == [("+13125550199", 1)]
    assert found(store, "_") == []  # no word: nothing looked up by caller ID
    assert found(store, "solarxco") == []
    # The store's words are text, whatever a caller passes: "_" and "%" match themselves
    assert store.search_calls(words=["sola_"]) == []
    assert [c.attempt.caller_name for c in store.search_calls(words=["0% s"])] == [
        "100% SOLAR_CO"]
    assert len(store.search_calls(words=["%"])) == 1  # not every named call


def test_a_caller_id_with_accents_is_found_as_people_are(tmp_path: Path) -> None:
    """LIKE folds ASCII letters only: "josé" and "jose" missed "JOSÉ PÉREZ", "müller" missed
    "MÜLLER GMBH", while the people with those names were found by either."""
    store = Store.open(tmp_path / "callercard.sqlite3")
    names = ["JOSÉ PÉREZ", "MÜLLER GMBH", "ΩMEGA", "محمد العلي", "100% SOLAR_CO"]
    for i, name in enumerate(names):
        attempt = Attempt(Direction.IN, NOW - timedelta(minutes=i + 1), Outcome.MISSED,
                          number_e164=f"+1415555020{i}", caller_name=name)  # fmt: skip
        store.record_call(None, attempt, "test", f"k{i}")

    def named(text: str) -> list[str]:
        query = parse_query(text, SearchFilters())
        return [c.attempt.caller_name for c in search_calls(store, query, [], now=NOW)]

    for typed in ("josé", "jose", "JOSÉ", "perez", "Pérez"):
        assert named(typed) == ["JOSÉ PÉREZ"], typed
    assert named("müller") == named("muller") == named("Müller GmbH") == ["MÜLLER GMBH"]
    assert named("ωmega") == ["ΩMEGA"]
    assert named("محمد") == ["محمد العلي"]
    assert store.search_calls(words=["m_ller"]) == []  # text, never a pattern, folded too
    store.close()


def test_a_call_to_a_number_known_by_its_caller_id_is_found_by_that_name(tmp_path: Path) -> None:
    """Used as a rep: "mike" found MIKE ROSS's call, not the call back to him that the
    softphone's log reported without a name ("Unknown · +1 415-555-0177")."""
    store = Store.open(tmp_path / "callercard.sqlite3")
    calls = [
        (Direction.IN, "+14155550177", 30, "MIKE ROSS"), (Direction.OUT, "+14155550177", 10, ""),
        (Direction.OUT, "+14155550188", 5, ""),  # someone else: stays out
    ]  # fmt: skip
    for i, (direction, number, minutes, name) in enumerate(calls):
        attempt = Attempt(direction, NOW - timedelta(minutes=minutes), Outcome.UNKNOWN,
                          number_e164=number, caller_name=name)  # fmt: skip
        store.record_call(None, attempt, "test", f"k{i}")
    query = parse_query("mike", SearchFilters(days=7))
    found = search_calls(store, query, search_people(store, query, now=NOW), now=NOW)
    assert [(c.attempt.direction, c.attempt.number_e164, c.attempt.caller_name)
            for c in found] == [(Direction.OUT, "+14155550177", "MIKE ROSS"),
                                (Direction.IN, "+14155550177", "MIKE ROSS")]  # fmt: skip
    by_digits = parse_query("0177", SearchFilters())
    assert [c.attempt.caller_name for c in search_calls(store, by_digits, [], now=NOW)] == [
        "MIKE ROSS", "MIKE ROSS"]  # the digits find both; the nameless one is named too
    store.close()

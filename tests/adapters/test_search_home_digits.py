"""A number searched the way the rep's country writes it: "0171 234" in Germany finds the
contact stored as "+49 171 2345678", and the calls from it.

Used as a rep (home region DE): Lena Fischer's mobile was stored from "+49 171 2345678";
`callercard search 0171` and the Search window found nobody and no call, "171 234" found her.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from desktop.adapters.people_search import at_home, search_calls, search_people
from desktop.adapters.store import NewContact, Store
from desktop.core.models import Attempt, Direction, Outcome, StoredNumber
from desktop.core.search_query import digits_expression, parse_query
from tests.test_cli import cc

NOW = datetime.now(UTC).replace(microsecond=0)
LENA = "+491712345678"
HAMBURG = "+49405551234"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(tmp_path / "callercard.sqlite3")
    lena = store.add_contact(NewContact("Lena Fischer", company="Alpenglow GmbH", numbers=(
        StoredNumber("+49 171 2345678", LENA, label="mobile"),
        StoredNumber("+49 30 90182055", "+493090182055"))))  # fmt: skip
    store.add_contact(NewContact("Maya Okafor", numbers=(
        StoredNumber("+1 415-555-0142", "+14155550142"),)))  # fmt: skip
    for i, (cid, number, name) in enumerate([(lena, LENA, ""), (None, HAMBURG, "HAMBURG")]):
        store.record_call(cid, Attempt(Direction.IN, NOW - timedelta(minutes=5 + i),
                                       Outcome.MISSED, number_e164=number, caller_name=name),
                          "hook", f"k{i}")  # fmt: skip
    yield store
    store.close()


def found(store: Store, text: str, region: str) -> tuple[list[str], list[str | None]]:
    query = at_home(parse_query(text), region)
    hits = search_people(store, query, now=NOW)
    calls = search_calls(store, query, hits, now=NOW)
    return [h.contact.name for h in hits], [c.attempt.number_e164 for c in calls]


def test_digits_typed_with_the_home_trunk_prefix_find_the_number(store: Store) -> None:
    assert found(store, "0171", "DE") == (["Lena Fischer"], [LENA])
    assert found(store, "0171 234", "DE") == (["Lena Fischer"], [LENA])
    assert found(store, "lena 030 9018", "DE") == (["Lena Fischer"], [LENA])
    assert found(store, "040 555", "DE") == ([], [HAMBURG])  # a caller ID nobody has
    # As typed still counts: digits inside a number, and a US rep's "0142" (no trunk 0)
    assert found(store, "0182", "DE") == (["Lena Fischer"], [LENA])
    assert found(store, "0142", "US") == (["Maya Okafor"], [])
    assert found(store, "0142", "DE") == (["Maya Okafor"], [])
    # Another region's trunk is not Germany's
    assert found(store, "0171", "US") == ([], [])


def test_each_fragment_matches_in_either_form() -> None:
    query = at_home(parse_query("0171 mike 415"), "DE")
    assert query.fragment_forms() == (("0171", "49171"), ("415",))
    assert digits_expression(query.fragment_forms()) == '("0171" OR "49171") AND "415"'
    assert at_home(parse_query("00491712"), "DE").fragment_forms() == (("00491712",),)


def test_the_cli_searches_the_way_the_region_writes_numbers(tmp_path: Path) -> None:
    data = tmp_path / "data"
    sheet = tmp_path / "kunden.csv"
    sheet.write_text("Name;Mobil\nLena Fischer;+49 171 2345678\n", encoding="utf-8")
    assert cc("import", str(sheet), "--region", "DE", data_dir=data).returncode == 0
    done = cc("search", "0171", "--region", "DE", data_dir=data)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Lena Fischer")

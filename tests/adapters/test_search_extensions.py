"""Search by a colleague's internal extension: "3103" (or "x3103", as the contact view writes
it) finds the colleague whose extension it is, first, in a book where many outside numbers
hold 3103 too. The digit round takes a capped slice of those, the recently called first, and
left the colleague out; "x3103" was a word nobody's name has."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from desktop.adapters.people_search import at_home, search_people
from desktop.adapters.store import NewContact, Store
from desktop.core.models import Attempt, Direction, Outcome, StoredNumber
from desktop.core.search_query import parse_query
from desktop.qt.search_window import result_lines

NOW = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.open(tmp_path / "cc.sqlite3")
    s.add_contact(NewContact("Ana Silva", company="Our office", numbers=(
        StoredNumber("x3103", None, "3103", "work"),)))  # fmt: skip
    # 120 prospects whose numbers hold 3103 (+1 628-310-3000…), each called once long ago:
    # more than a digit round keeps, and all ahead of Ana in its order.
    for i in range(120):
        e164 = f"+1628310{3000 + i:04d}"
        s.add_contact(NewContact(f"Prospect {i}", numbers=(StoredNumber(e164, e164),),
                                 attempts=(Attempt(Direction.OUT, NOW - timedelta(days=400),
                                                   Outcome.NO_ANSWER, number_e164=e164),)))
    yield s
    s.close()


def found(store: Store, text: str) -> list[str]:
    hits = search_people(store, at_home(parse_query(text), "US"), now=NOW)
    return [hit.contact.name for hit in hits]


@pytest.mark.parametrize("text", ["3103", "x3103", "Ext. 3103", "ext 3103"])
def test_an_extension_finds_the_colleague_first(store: Store, text: str) -> None:
    names = found(store, text)
    assert names[:1] == ["Ana Silva"], names[:5]


def test_the_result_shows_the_extension_it_was_found_by(store: Store) -> None:
    query = at_home(parse_query("3103"), "US")
    [ana] = [h for h in search_people(store, query, now=NOW) if h.contact.name == "Ana Silva"]
    assert result_lines(ana, NOW, query.fragment_forms())[1].startswith("x3103 · ")


def test_outside_numbers_holding_the_digits_are_found_as_before(store: Store) -> None:
    assert found(store, "628 310 3007") == ["Prospect 7"]
    # A 7-digit run is no extension: the digit round alone, Ana is not in it.
    assert "Ana Silva" not in found(store, "3103000")

"""The Search window lists Michael for "mike" and says why, so the rep does not take him for a
wrong result; a Mike spelled as typed says nothing of the kind."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from desktop.core.models import Contact
from desktop.core.search_query import parse_query, rank
from desktop.qt.search_window import result_lines


def test_a_person_found_by_another_form_of_the_name_says_so() -> None:
    now = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)
    michael = Contact(id=1, name="Michael Brandt", last_contacted=now - timedelta(days=2))
    mike = Contact(id=2, name="Mike Kowalski", last_contacted=now - timedelta(days=3))
    first, second = rank(parse_query("mike"), [michael, mike], now)
    assert first.contact is mike and "nickname" not in result_lines(first, now)[1]
    assert second.contact is michael
    assert result_lines(second, now)[1].endswith("nickname match")

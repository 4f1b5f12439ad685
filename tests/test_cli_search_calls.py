"""`callercard search` lists the calls for what was typed under the people, as the Search
window's Calls group does: caller ID names and numbers, and the calls of the people found."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from desktop.adapters.store import Store
from desktop.core.models import Attempt, Direction, Outcome
from desktop.core.search_query import parse_query
from tests.test_cli import book, cc

__all__ = ["book"]  # the imported prospects, as a fixture

STRANGER = "+14155550177"  # MIKE CELL: in nobody's book


def rang(store: Store, contact_id: int | None, number: str, ago: timedelta, name: str = "",
         direction: Direction = Direction.IN,
         outcome: Outcome = Outcome.MISSED) -> None:  # fmt: skip
    attempt = Attempt(direction, datetime.now(UTC) - ago, outcome, number_e164=number,
                      caller_name=name)  # fmt: skip
    assert store.record_call(contact_id, attempt, "test", f"test:{number}:{ago}") is not None


def test_search_lists_the_mikes_calls_this_week_newest_first(
    book: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")  # a US desktop: the windows' 12-hour clock
    store = Store.open(book / "callercard.sqlite3")
    try:
        [mike] = [hit.contact.id for hit in store.search(parse_query("kowalski"))]
        rang(store, None, STRANGER, timedelta(hours=1), "MIKE CELL")
        rang(store, mike, "+14155550142", timedelta(days=2), direction=Direction.OUT,
             outcome=Outcome.TALKED)  # fmt: skip
        rang(store, None, "+14155550188", timedelta(days=20), "MIKE OLD")  # before the week
        rang(store, None, "+13125550100", timedelta(minutes=10), "DANA")  # not a Mike
    finally:
        store.close()

    plain = cc("search", "mike 415", "--days", "7", data_dir=book, check=True)
    lines = plain.stdout.splitlines()
    assert lines[0] == "Mike Kowalski — VP Operations, Harbor Freight"
    heading = lines.index("Calls in the last 7 days · newest first")
    calls = lines[heading + 1:]
    assert len(calls) == 2
    # "missed today 9:05 PM", or "yesterday" just after midnight
    assert calls[0].startswith("  MIKE CELL (caller ID) · +1 415-555-0177 · missed ")
    assert calls[0].endswith(("AM", "PM"))
    assert calls[1].startswith("  Mike Kowalski · Harbor Freight · +1 415-555-0142 · you called ")
    assert "2 calls" in plain.stderr

    out = json.loads(cc("search", "mike 415", "--days", "7", "--json", data_dir=book,
                        check=True).stdout)  # fmt: skip
    assert [r["name"] for r in out["results"]] == ["Mike Kowalski"]  # as before
    assert out["query"] == "mike 415"
    assert [(c["number"], c["caller_name"], c["outcome"]) for c in out["calls"]] == [
        (STRANGER, "MIKE CELL", "missed"), ("+14155550142", "", "talked")]  # fmt: skip
    assert out["calls"][0]["contact"] is None
    assert out["calls"][1]["contact"]["name"] == "Mike Kowalski"

    # Without --days the old stranger is there too; a caller ID alone, nobody in the book.
    only_calls = cc("search", "mike old", data_dir=book, check=True).stdout.splitlines()
    assert only_calls[0] == "Calls · newest first"
    assert only_calls[1].startswith("  MIKE OLD (caller ID) · +1 415-555-0188 · missed ")


def test_a_company_only_contact_is_named_once(tmp_path: Path) -> None:
    """HubSpot's company rows: search printed "Kestrel Logistics Ltd — Kestrel Logistics Ltd"."""
    data = tmp_path / "data"
    src = tmp_path / "companies.csv"
    src.write_text("Company,Phone\nKestrel Logistics Ltd,+1 415 555 0190\n", encoding="utf-8")
    assert cc("import", str(src), "--region", "US", data_dir=data).returncode == 0
    lines = cc("search", "kestrel", data_dir=data, check=True).stdout.splitlines()
    assert lines[0] == "Kestrel Logistics Ltd"

"""A call on a number two contacts share (a switchboard) always belongs to someone, as
`callercard callbacks`, `calls` and `lookup` tell it (real child processes, real SQLite):

- its contact deleted, or their import undone, it is the other holder's, whom a ring from it
  shows (it was filed under nobody: "Unknown · +1 415-555-0100" beside a card naming Raj);
- Delete's Undo gives it back to the contact deleted;
- with no holder left, the same file imported again gives it to the holder a ring names (it
  stayed under nobody, while a number one contact has got its calls back);
- a call back for the one the rep chose (the missed card's "Call back for Raj Patel") that
  reaches them files the missed call under them; one that rang out leaves it where it was.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from desktop.adapters.bundled import default_opener_templates
from desktop.adapters.call_history import DIAL_KEY_PREFIX, DIAL_SOURCE, CallHistory
from desktop.adapters.contact_edits import delete_contact, undo_delete
from desktop.adapters.lookup import CallerLookup
from desktop.adapters.store import Store
from desktop.core.events import CallEvent, CallState
from desktop.core.models import Attempt, Direction, Outcome
from desktop.core.numbers import NumberPolicy
from tests.test_cli import cc

SWITCHBOARD = "+14155550100"
DANA = """\
BEGIN:VCARD
VERSION:3.0
FN:Dana Whitfield
ORG:Acme Corp
TEL;TYPE=WORK:+1 415 555 0100
TEL;TYPE=CELL:+1 415 555 0122
END:VCARD
"""
RAJ = """\
BEGIN:VCARD
VERSION:3.0
FN:Raj Patel
ORG:Acme Corp
TEL;TYPE=WORK:+1 415 555 0100
TEL;TYPE=CELL:+1 415 555 0133
END:VCARD
"""


def _import(data: Path, path: Path, text: str) -> int:
    path.write_text(text, encoding="utf-8")
    done = json.loads(cc("import", str(path), "--json", "--region", "US", data_dir=data,
                         check=True).stdout)  # fmt: skip
    return int(done["files"][0]["batch"])


def _ring_names(data: Path) -> str:
    card = json.loads(cc("lookup", SWITCHBOARD, "--json", "--region", "US", data_dir=data,
                         check=True).stdout)  # fmt: skip
    return str(card["contacts"][0]["name"])


def _missed_call_as_the_app_files_it(data: Path) -> None:
    """The switchboard rang and nobody answered: filed under the one its card named."""
    who = _ring_names(data)
    store = Store.open(data / "callercard.sqlite3")
    try:
        [holder] = [c.id for c in store.search_simple(who)]
        at = datetime.now().astimezone().replace(microsecond=0)
        missed = Attempt(Direction.IN, at, Outcome.MISSED, number_e164=SWITCHBOARD)
        assert store.record_call(holder, missed, "hook", f"hook:{SWITCHBOARD}@1") is not None
    finally:
        store.close()


def _filed_under(data: Path) -> tuple[list[object], list[object]]:
    """Whom Callbacks and the call history file the switchboard's missed call under."""
    due = json.loads(cc("callbacks", "--json", data_dir=data, check=True).stdout)
    calls = json.loads(cc("calls", "--json", data_dir=data, check=True).stdout)["calls"]
    return ([e["contact"] and e["contact"]["name"] for e in due["waiting_for_us"]
             if e["number"] == SWITCHBOARD],
            [c["contact"] and c["contact"]["name"] for c in calls
             if c["number"] == SWITCHBOARD and c["direction"] == "in"])  # fmt: skip


def test_undoing_one_holders_import_gives_the_call_to_the_other(tmp_path: Path) -> None:
    data = tmp_path / "data"
    dana_file = _import(data, tmp_path / "dana.vcf", DANA)
    _import(data, tmp_path / "raj.vcf", RAJ)
    _missed_call_as_the_app_files_it(data)
    assert _filed_under(data) == (["Dana Whitfield"], ["Dana Whitfield"])

    cc("import", "--undo", str(dana_file), data_dir=data, check=True)

    assert _ring_names(data) == "Raj Patel"
    assert _filed_under(data) == (["Raj Patel"], ["Raj Patel"])
    plain = cc("callbacks", data_dir=data, check=True).stdout
    assert "Unknown · +1 415-555-0100" not in plain and "Raj Patel" in plain


def test_the_same_file_imported_again_gives_the_call_back(tmp_path: Path) -> None:
    data = tmp_path / "data"
    book = _import(data, tmp_path / "book.vcf", DANA + RAJ)
    _missed_call_as_the_app_files_it(data)
    cc("import", "--undo", str(book), data_dir=data, check=True)
    assert _filed_under(data) == ([None], [None])  # nobody has the number now

    _import(data, tmp_path / "book.vcf", DANA + RAJ)

    named = _ring_names(data)
    assert named in ("Dana Whitfield", "Raj Patel")
    assert _filed_under(data) == ([named], [named])


def test_deleting_one_holder_gives_the_call_to_the_other_and_undo_back(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _import(data, tmp_path / "book.vcf", DANA + RAJ)
    _missed_call_as_the_app_files_it(data)
    assert _filed_under(data) == (["Dana Whitfield"], ["Dana Whitfield"])
    store = Store.open(data / "callercard.sqlite3")
    try:
        [dana] = [c.id for c in store.search_simple("Dana Whitfield")]
        undo_id, _said = delete_contact(store, dana)
    finally:
        store.close()

    assert _filed_under(data) == (["Raj Patel"], ["Raj Patel"])

    store = Store.open(data / "callercard.sqlite3")
    try:
        undo_delete(store, undo_id)
    finally:
        store.close()
    assert _filed_under(data) == (["Dana Whitfield"], ["Dana Whitfield"])


def _called_back_for(data: Path, who: str) -> None:
    """The missed card's Call back ▸ "Call back for Raj Patel", dialled with no softphone to
    report the call: the app logs it over at once, for the one chosen (ring_pipeline)."""
    store = Store.open(data / "callercard.sqlite3")
    try:
        [chosen] = [c.id for c in store.search_simple(who)]
        history = CallHistory(store, CallerLookup(store, NumberPolicy("US"),
                                                  default_opener_templates()))  # fmt: skip
        assert history.record(CallEvent(
            DIAL_SOURCE, Direction.OUT, CallState.ENDED, SWITCHBOARD, "",
            datetime.now(UTC), call_key=f"{DIAL_KEY_PREFIX}{SWITCHBOARD}", for_contact=chosen,
        )) is not None  # fmt: skip
    finally:
        store.close()


def test_the_call_back_that_reaches_the_one_chosen_files_the_missed_call_under_them(
    tmp_path: Path,
) -> None:
    """Nothing said whose the switchboard's missed call was; it was filed under Dana (the
    ring's guess). The rep chose Raj, dialled by hand and logged that they talked: the
    missed call is Raj's (it stayed Dana's, in her history, while Raj was called)."""
    data = tmp_path / "data"
    _import(data, tmp_path / "book.vcf", DANA + RAJ)
    _missed_call_as_the_app_files_it(data)
    _called_back_for(data, "Raj Patel")
    assert _filed_under(data) == (["Dana Whitfield"], ["Dana Whitfield"])  # not reached yet

    logged = cc("log-call", SWITCHBOARD, "--outcome", "talked", "--message", "Wants a demo",
                data_dir=data, check=True)  # fmt: skip

    assert "Raj Patel" in logged.stdout
    calls = json.loads(cc("calls", "--json", data_dir=data, check=True).stdout)["calls"]
    assert [(c["direction"], c["outcome"], c["contact"]["name"]) for c in calls] == [
        ("out", "talked", "Raj Patel"), ("in", "missed", "Raj Patel")]
    due = json.loads(cc("callbacks", "--json", data_dir=data, check=True).stdout)
    assert due["waiting_for_us"] == []


def test_a_call_back_that_rang_out_leaves_the_missed_call_where_it_was(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _import(data, tmp_path / "book.vcf", DANA + RAJ)
    _missed_call_as_the_app_files_it(data)
    _called_back_for(data, "Raj Patel")

    cc("log-call", SWITCHBOARD, "--outcome", "no_answer", data_dir=data, check=True)

    assert _filed_under(data) == (["Dana Whitfield"], ["Dana Whitfield"])

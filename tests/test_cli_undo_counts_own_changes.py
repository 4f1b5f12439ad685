"""Undoing an import says how many of its contacts the rep changed since: the rep's changes
only, however soon after the import they were made.

It said "1 of the contacts it added was changed since the import" of a contact another file
had merely merged into (a later import filled her e-mail, and was undone since): the rep had
changed nothing. And an edit in the same second as the import (updated_at > created_at, to
the second) was not counted at all.
"""

from __future__ import annotations

import json
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

from desktop.adapters import contact_edits
from desktop.adapters.store import Store
from desktop.core.models import Attempt, Direction, Outcome
from tests.test_cli import cc

CRM = "Name,Company,Phone\nMaya Okafor,Okafor Design,+1 415-555-0100\nLeo Park,,+1 415-555-0177\n"
EXPORT = "Name,Phone,Email\nMaya Okafor,+1 415-555-0100,maya@okafor.design\n"


def _imported(tmp_path: Path, name: str, text: str, data: Path) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    cc("import", str(tmp_path / name), "--region", "US", data_dir=data, check=True)


def _undone(data: Path, batch: int) -> dict[str, object]:
    done = cc("import", "--undo", str(batch), "--json", data_dir=data, check=True)
    said: dict[str, object] = json.loads(done.stdout)
    return said


def test_a_contact_another_import_merged_into_is_not_the_reps_change(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _imported(tmp_path, "crm.csv", CRM, data)
    time.sleep(1.1)  # the export's merge in a later second than crm.csv's import, as a rep's
    _imported(tmp_path, "export.csv", EXPORT, data)
    assert _undone(data, 2)["contacts_removed"] == 0, "export.csv only filled Maya's e-mail"

    plain = cc("import", "--undo", "1", data_dir=data, check=True)
    assert "changed since the import" not in plain.stdout, plain.stdout
    assert plain.stdout.startswith("Removed 2 contacts imported from crm.csv"), plain.stdout


def test_the_reps_edit_is_counted_even_in_the_imports_own_second(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _imported(tmp_path, "crm.csv", CRM, data)
    store = Store.open(data / "callercard.sqlite3")
    try:
        [(leo, _)] = store.contacts_for_number("+14155550177")
        contact_edits.save_field(store, leo.id, "notes", "", "Wants a demo in January",
                                 multiline=True)
        [(maya, _)] = store.contacts_for_number("+14155550100")
        call = store.record_call(maya.id, Attempt(Direction.OUT, datetime.now(UTC),
                                                  Outcome.TALKED, number_e164="+14155550100"),
                                 "hook", "hook:1")  # fmt: skip
        assert call is not None
        assert store.save_wrap_up(call, Outcome.TALKED, "", "Renewal in March")
    finally:
        store.close()
    # Typed within the second crm.csv was imported in: the clock cannot tell them apart.
    conn = sqlite3.connect(data / "callercard.sqlite3")
    with conn:
        conn.execute("UPDATE contacts SET updated_at = created_at")
    conn.close()

    said = _undone(data, 1)
    assert said["contacts_changed"] == 2, "Leo's note and Maya's reason from her wrap-up"
    assert said["warning"] == (
        "1 of the 2 contacts it added has calls: the calls stay, under their numbers, as calls "
        "from a number nobody has. 2 were changed since the import (a field saved, what a "
        "call was about, a number typed or linked): the changes go with them."
    )


def test_a_book_from_before_counts_any_change_as_the_reps(tmp_path: Path) -> None:
    """Before schema 25 a change by the rep and one by another import looked the same: the
    upgrade counts a contact changed since it was made as the rep's, so the undo asks."""
    data = tmp_path / "data"
    _imported(tmp_path, "crm.csv", CRM, data)
    conn = sqlite3.connect(data / "callercard.sqlite3")
    with conn:
        conn.execute("UPDATE contacts SET notes = 'Wants a demo', updated_at = created_at + 60 "
                     "WHERE name = 'Leo Park'")  # fmt: skip
    conn.executescript("ALTER TABLE contacts DROP COLUMN edited_at; DROP TABLE followed_rows; "
                       "PRAGMA user_version = 23;")
    conn.close()

    assert _undone(data, 1)["contacts_changed"] == 1

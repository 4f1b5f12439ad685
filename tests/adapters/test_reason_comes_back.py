"""What a call was about comes back with the calls. Used as a rep: the wrap-up's "What it was
about" (Q1 quote) went with Dana when her import was undone, and importing her sheet again
gave her calls back but not it, while her opener still said "thanks for calling back about
Q1 quote". Calls that come back to a contact bring their newest reason to a contact that has
none: a re-import, Delete contact's Undo."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from desktop.adapters import contact_edits
from desktop.adapters.store import NewContact, Store
from desktop.core.models import Attempt, Direction, Outcome, StoredNumber
from tests.test_cli import cc

DANA = "+14155550122"
NOW = datetime.now(UTC).replace(microsecond=0)


def answered(store: Store, contact_id: int | None, reason: str, *, ago: timedelta) -> None:
    """Dana called, the rep answered and wrote in the wrap-up what it was about."""
    attempt = Attempt(Direction.IN, NOW - ago, Outcome.TALKED, number_e164=DANA)
    call = store.record_call(contact_id, attempt, "test", f"test:{reason}")
    assert call is not None
    assert store.save_wrap_up(call, Outcome.TALKED, "", reason)


def reasons(store: Store) -> list[tuple[str, str]]:
    return [(str(n), str(r)) for n, r in store.connection.execute(
        "SELECT name, reason FROM contacts ORDER BY id")]  # fmt: skip


def test_a_reimported_contact_gets_back_what_their_newest_call_was_about(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    sheet = tmp_path / "book.csv"
    sheet.write_text(f"Name,Phone\nDana Whitfield,{DANA}\nRaj Patel,+14155550133\n",
                     encoding="utf-8")  # fmt: skip
    assert cc("import", str(sheet), "--region", "US", data_dir=data).returncode == 0
    store = Store.open(data / "callercard.sqlite3")
    try:
        dana = store.contacts_for_number(DANA, attempts_limit=0)[0][0].id
        time.sleep(1.05)  # the undo's check tells changes from the import by the second
        answered(store, dana, "Price list", ago=timedelta(days=2))
        answered(store, dana, "Q1 quote", ago=timedelta(hours=1))
        assert reasons(store) == [("Dana Whitfield", "Q1 quote"), ("Raj Patel", "")]
    finally:
        store.close()

    undone = cc("import", "--undo", "1", data_dir=data)
    assert undone.returncode == 0, undone.stderr
    # What the wrap-up said counts as the rep's own change, and the question names it.
    assert undone.stdout.splitlines()[0] == (
        "1 of the 2 contacts it added has calls: the calls stay, under their numbers, as calls "
        "from a number nobody has. 1 was changed since the import (a field saved, what a call "
        "was about, a number typed or linked): the changes go with it.")
    again = cc("import", str(sheet), "--region", "US", data_dir=data)
    assert again.returncode == 0, again.stderr

    store = Store.open(data / "callercard.sqlite3")
    try:
        assert reasons(store) == [("Dana Whitfield", "Q1 quote"), ("Raj Patel", "")]
    finally:
        store.close()


def test_undo_delete_brings_back_what_its_call_was_about(tmp_path: Path) -> None:
    """The wrap-up of Dana's call was open while the rep deleted her, then saved with what the
    call was about (on the call alone: she was gone): Undo on the delete gives her the call
    and, as she had none, that reason. A reason of her own stays."""
    store = Store.open(tmp_path / "callercard.sqlite3")
    try:
        dana = store.add_contact(NewContact("Dana Whitfield",
                                            numbers=(StoredNumber(DANA, DANA),)))  # fmt: skip
        for reason, own in (("Q1 quote", "Q1 quote"), ("Wrong number", "Renewal in May")):
            if own != reason:
                store.update_contact_field(dana, "reason", own)
            attempt = Attempt(Direction.IN, NOW, Outcome.TALKED, number_e164=DANA)
            call = store.record_call(dana, attempt, "test", f"test:{reason}")
            assert call is not None
            undo_id, _said = contact_edits.delete_contact(store, dana)
            assert store.save_wrap_up(call, Outcome.TALKED, "", reason)
            contact_edits.undo_delete(store, undo_id)
            assert reasons(store) == [("Dana Whitfield", own)]
    finally:
        store.close()

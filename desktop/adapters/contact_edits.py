"""Fixing one contact by hand: add, change, relabel and remove numbers; delete the contact and
take that back; save a field the rep typed without losing what another process wrote into it
meanwhile.

Each change is one short committed transaction (an edit must survive the app being killed a
moment later), and the number index follows by its triggers, so the next call from a new number
pops the card and a removed number no longer does.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop.adapters import contact_undo
from desktop.adapters.contact_undo import UndoRefused, writing
from desktop.adapters.store import Store, StoreError, removed_numbers
from desktop.adapters.store.call_heirs import give_to_holders
from desktop.adapters.store.contacts import EDITABLE_FIELDS
from desktop.adapters.store.undone_imports import undone_imports
from desktop.core.field_merge import merged_edit
from desktop.core.models import StoredNumber
from desktop.core.number_edit import (
    contact_region,
    read_typed_number,
    shared_number_warning,
    shown_number,
)


@dataclass(frozen=True)
class NumberRow:
    """A stored number with the id an edit names it by."""

    id: int
    number: StoredNumber


def numbers_of(store: Store, contact_id: int) -> list[NumberRow]:
    return [
        NumberRow(int(i), StoredNumber(raw, e164, ext, label))
        for i, raw, e164, ext, label in store.connection.execute(
            "SELECT id, raw, e164, extension, label FROM phone_numbers WHERE contact_id = ? "
            "ORDER BY id",
            (contact_id,),
        )
    ]


def add_number(store: Store, contact_id: int, text: str, label: str, home_region: str) -> str:
    """Store a typed number on the contact (NumberRefused when it is not one); the calls logged
    from it while it was unknown become theirs. Returns what happened, for the status line."""
    rows = _numbers_or_gone(store, contact_id)
    existing = [r.number for r in rows]
    number = read_typed_number(text, label, contact_region(existing, home_region), existing)
    # Its own transaction: checks again that the contact lacks it, then adopts the calls.
    if not store.link_number(contact_id, number):
        return f"This contact has {shown_number(number)} already."
    return f"Added {shown_number(number)}."


def shared_with(store: Store, contact_id: int, number_id: int | None, text: str, label: str,
                home_region: str) -> str:  # fmt: skip
    """What to say before adding (`number_id` None) or changing a number to one other contacts
    have already ("+1 415-555-0122 is Dana Whitfield's mobile. ..."); "" when nobody else has
    it, or the number is the one this row had. NumberRefused when it is no number."""
    if number_id is None:
        existing = [r.number for r in _numbers_or_gone(store, contact_id)]
        old = None
        new = read_typed_number(text, label, contact_region(existing, home_region), existing)
    else:
        old, new = _typed_change(store, contact_id, number_id, text, label, home_region)
    if old is not None and (old.e164, old.extension) == (new.e164, new.extension):
        return ""
    if new.e164 is not None:
        held = store.contacts_for_number(new.e164, attempts_limit=0)
    else:
        held = store.contacts_for_extension(new.extension, attempts_limit=0)
    holders = [(c.name or c.company, n.label) for c, n in held
               if c.id != contact_id and n.extension == new.extension]  # fmt: skip
    return shared_number_warning(shown_number(new), holders)


def _typed_change(store: Store, contact_id: int, number_id: int, text: str, label: str,
                  home_region: str) -> tuple[StoredNumber, StoredNumber]:  # fmt: skip
    """The stored number `number_id` and what it becomes as typed (NumberRefused)."""
    rows = _numbers_or_gone(store, contact_id)
    old = next((r.number for r in rows if r.id == number_id), None)
    if old is None:
        raise StoreError("That number was removed meanwhile; nothing was changed.")
    others = [r.number for r in rows if r.id != number_id]
    region = contact_region([old, *others], home_region)
    if text.strip() == old.raw.strip() and old.e164 is not None:
        return old, StoredNumber(old.raw, old.e164, old.extension, label.strip())
    return old, read_typed_number(text, label, region, others)


def change_number(
    store: Store, contact_id: int, number_id: int, text: str, label: str, home_region: str
) -> str:
    """Replace a stored number (or only its label) with what was typed."""
    with writing(store):
        old, new = _typed_change(store, contact_id, number_id, text, label, home_region)
        # A number the rep typed is theirs, no longer the import batch's: a followed file's
        # next version hands it over to the same person (as a number added by hand), undoing
        # the batch that brought the old one onto a contact it did not add leaves it, and a
        # directory's sync keeps it. On a contact the batch added, its undo takes the contact
        # and this number with it, and says so first (a change since the import:
        # undo_import_check). A relabel keeps it the file's (or the card's) on a contact the
        # file brought; on one it did not, the label typed is the rep's too: a followed file's
        # next save put the number back unlabelled (its rows' numbers are taken back and added
        # again), and its row going took the number off the contact.
        typed = (new.e164, new.extension, new.raw) != (old.e164, old.extension, old.raw)
        store.connection.execute(
            "UPDATE phone_numbers SET raw = ?, e164 = ?, extension = ?, label = ?, "
            "import_batch_id = CASE WHEN ? OR (label <> ? AND import_batch_id IS NOT (SELECT "
            "import_batch_id FROM contacts WHERE id = phone_numbers.contact_id)) THEN NULL "
            "ELSE import_batch_id END, by_hand = by_hand OR ? WHERE id = ?",
            (new.raw, new.e164, new.extension, new.label, typed, new.label, typed, number_id),
        )
        if (new.e164, new.extension) != (old.e164, old.extension):
            removed_numbers.remember(store.connection, contact_id, old)  # corrected: not theirs
        _touch(store, contact_id)
    if (new.e164, new.extension) != (old.e164, old.extension):
        store.link_number(contact_id, new)  # it has it now: this only adopts its calls
    if (new.e164, new.extension, new.raw) == (old.e164, old.extension, old.raw):
        return f"{shown_number(new)} is now labelled {new.label or '(no label)'}."
    return f"Changed {shown_number(old)} to {shown_number(new)}."


def remove_number(store: Store, contact_id: int, number_id: int) -> str:
    """Take a number off the contact: calls from it no longer pop their card. The calls already
    logged stay in their history."""
    with writing(store):
        rows = _numbers_or_gone(store, contact_id)
        old = next((r.number for r in rows if r.id == number_id), None)
        if old is None:
            return "That number was removed already."
        store.connection.execute("DELETE FROM phone_numbers WHERE id = ?", (number_id,))
        removed_numbers.remember(store.connection, contact_id, old)
        _touch(store, contact_id)
    return f"Removed {shown_number(old)}."


# -- deleting ---------------------------------------------------------------------------------


def delete_contact(store: Store, contact_id: int) -> tuple[int, str]:
    """Delete a contact with its numbers; the calls with them stay in Recent calls as calls
    from a number we do not know, or of the contact who has that number too. Returns (the
    undo id, what happened, for people)."""
    with writing(store) as conn:
        contact = contact_undo.row(conn, "contacts", "id", contact_id)
        if contact is None:
            raise StoreError("This contact no longer exists; nothing was deleted.")
        who = contact["name"] or contact["company"] or "the contact"
        calls = contact_undo.ids_where(conn, "attempts", "contact_id", contact_id)
        payload = {
            "contact": contact,
            "numbers": contact_undo.rows_where(conn, "phone_numbers", "contact_id", contact_id),
            "changes": contact_undo.rows_where(conn, "import_changes", "contact_id", contact_id),
            "attempts": calls,
            "cards": contact_undo.cards_of(conn, contact_id),
            # What their calls were about at the deletion: Undo takes a reason a wrap-up
            # saved on them since, never one the rep had cleared from the contact.
            "newest_reason": store.newest_call_reason(contact_id),
        }
        conn.execute("UPDATE attempts SET contact_id = NULL WHERE contact_id = ?", (contact_id,))
        # A team directory's person: hidden from this rep's cards (their syncs leave it out).
        contact_undo.hide_cards(conn, contact_id)
        conn.execute("DELETE FROM contacts WHERE id = ?", (contact_id,))
        # A number another contact has too (a switchboard): its calls are theirs now, as a
        # ring from it shows their card; Undo takes back those still theirs.
        given = give_to_holders(conn, store.contact_of, calls)
        payload["heirs"] = [[call, heir] for call, heir, _at in given]
        contact_undo.forget_dismissals(conn, contact_id)
        summary = f"Hid {who} from your cards" if payload["cards"] else f"Deleted {who}"
        undo_id = contact_undo.record(conn, "delete", contact_id, summary, payload)
    return undo_id, f"{summary}."


def undo_delete(store: Store, undo_id: int | None = None) -> tuple[int, str]:
    """Bring a deleted contact back as it was: numbers, call history, import membership.
    Returns (its id, what happened)."""
    with writing(store) as conn:
        _id, payload = contact_undo.take_back(conn, "delete", undo_id)
        # Nothing comes back from an import undone since the deletion (recorded before undoing
        # an import settled its deletions): not the contact, nor its numbers or filled fields.
        undone = undone_imports(conn)
        contact = dict(payload["contact"])
        ended = undone.get(contact["import_batch_id"] or 0)
        if ended is None:
            for change in payload["changes"]:
                field, value = change["field"], change["new_value"]
                if change["batch_id"] in undone and contact.get(field) == value:
                    contact[field] = ""
            contact_id = contact_undo.insert_row(conn, "contacts", contact)
            for number in payload["numbers"]:
                if number["import_batch_id"] not in undone:
                    contact_undo.insert_row(conn, "phone_numbers", number, contact_id=contact_id)
            for change in payload["changes"]:
                if change["batch_id"] not in undone:
                    contact_undo.insert_row(conn, "import_changes", change, contact_id=contact_id)
            for call, heir in payload.get("heirs", ()):
                contact_undo.relink(conn, "attempts", [call], contact_id, heir)
            contact_undo.relink(conn, "attempts", payload["attempts"], contact_id, None)
            # A wrap-up's "What it was about" saved on their call while they were gone, for a
            # contact with none (or whose reason an undone import had brought).
            if store.newest_call_reason(contact_id) != payload.get("newest_reason", ""):
                store.reason_from_calls((contact_id,))
            contact_undo.relink_cards(conn, payload["cards"], contact_id, None)
        who = contact["name"] or contact["company"] or "the contact"
    if ended is not None:  # committed: the deletion ends, it never blocks the next one
        raise UndoRefused(f"{who} came from {ended}, whose import was undone since: there is "
                          "nothing to bring back.")  # fmt: skip
    return contact_id, f"Brought back {who}."


def save_field(
    store: Store, contact_id: int, name: str, base: str, mine: str, *, multiline: bool
) -> str:
    """Store what the rep typed into field `name` (they started from `base`), merged with
    what another process wrote there since (desktop.core.field_merge); returns the text now
    stored. One transaction: nothing can commit between the read and the write."""
    if name not in EDITABLE_FIELDS:
        raise ValueError(f"{name!r} is not an editable contact field")
    with writing(store) as conn:
        row = conn.execute(
            f"SELECT {name} FROM contacts WHERE id = ?", (contact_id,)  # noqa: S608
        ).fetchone()
        if row is None:
            raise StoreError(gone_reason(store, contact_id))
        value = merged_edit(base, mine, str(row[0]), multiline=multiline)
        if value != row[0]:
            store.update_contact_field(contact_id, name, value)
        return value


def gone_reason(store: Store, contact_id: int) -> str:
    """Why a contact no longer exists, for the view that still shows it."""
    merged = store.connection.execute(
        "SELECT summary FROM contact_undo WHERE undone_at IS NULL AND ("
        "(kind = 'merge' AND json_extract(payload, '$.other.id') = ?) OR "
        "(kind = 'delete' AND contact_id = ?)) ORDER BY id DESC LIMIT 1",
        (contact_id, contact_id),
    ).fetchone()
    if merged is not None:
        return f"{merged[0]}: this contact is no longer here."
    return "This contact no longer exists (its import was undone?)."


def _numbers_or_gone(store: Store, contact_id: int) -> list[NumberRow]:
    if contact_undo.row(store.connection, "contacts", "id", contact_id) is None:
        raise StoreError("This contact no longer exists (deleted or merged meanwhile).")
    return numbers_of(store, contact_id)


def _touch(store: Store, contact_id: int) -> None:
    store.connection.execute(
        "UPDATE contacts SET updated_at = CAST(strftime('%s', 'now') AS INTEGER), "
        "edited_at = CAST(strftime('%s', 'now') AS INTEGER) WHERE id = ?",
        (contact_id,),
    )


__all__ = ["NumberRow", "UndoRefused", "add_number", "change_number", "delete_contact",
           "gone_reason", "numbers_of", "remove_number", "undo_delete"]  # fmt: skip

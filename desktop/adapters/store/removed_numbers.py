"""Numbers the rep took off a contact by hand, so that no file brings them back.

A rep who removes a wrong number, or corrects it in the contact view, has decided it is not
this person's. The sheet it came from still has it: re-importing that sheet, or the next save
of a followed one, would add it back, and the next call from it would pop this card again.
Each such number is remembered against the contact (`removed_numbers`) and an import adds it
to that contact no more. Linking or typing the number again by hand forgets the removal.

Works through `Store.connection`, inside the caller's transaction where there is one.
"""

from __future__ import annotations

import sqlite3

from desktop.adapters.store.times import unix_now
from desktop.core.models import StoredNumber


def remember(conn: sqlite3.Connection, contact_id: int, number: StoredNumber) -> None:
    """`number` was taken off the contact by hand (a number never read as one has nothing to
    match a file's number against, and is not kept)."""
    if number.e164 or number.extension:
        conn.execute(
            "INSERT OR REPLACE INTO removed_numbers(contact_id, e164, extension, removed_at) "
            "VALUES (?, ?, ?, ?)",
            (contact_id, number.e164 or _NO_NUMBER, number.extension, unix_now()),
        )


def forget(conn: sqlite3.Connection, contact_id: int, number: StoredNumber) -> None:
    """The rep gave the contact this number again: files may bring it too."""
    if number.e164 or number.extension:
        conn.execute(
            "DELETE FROM removed_numbers WHERE contact_id = ? AND e164 = ? AND extension = ?",
            (contact_id, number.e164 or _NO_NUMBER, number.extension),
        )


def removed_from(conn: sqlite3.Connection, contact_id: int) -> set[tuple[str | None, str]]:
    """(E.164, extension) of the numbers taken off this contact by hand, as phone_numbers
    and an import's rows key them: (None, "3103") for a colleague's extension."""
    return {
        (str(e164) or None, str(extension))
        for e164, extension in conn.execute(
            "SELECT e164, extension FROM removed_numbers WHERE contact_id = ?", (contact_id,)
        )
    }


# A colleague's internal extension has no E.164 (desktop.core.internal_extension) and the
# table's key has no NULL: its e164 is '' beside the extension's digits.
_NO_NUMBER = ""

"""Calls left with no contact go to whoever has their number now.

A call is filed under one person; when that person goes (deleted, their import undone) and
someone else has the number (a switchboard two contacts share), the call is theirs, as a
ring from it now shows their card. A call whose number nobody had, or whose holders all
went, goes to the holder an import or sync later brings. Among several holders the one a
ring picks (CallHistory._contact_for: desktop.core.matching.classify) gets it, so Callbacks,
Recent calls and the card name the same person.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence

from desktop.core.card import MatchTier
from desktop.core.matching import classify
from desktop.core.models import Contact, StoredNumber
from desktop.core.numbers import CallerNumber

ContactOf = Callable[[int], "Contact | None"]

# A call whose number someone has now (by E.164, or a colleague's extension it came from).
_HELD = (
    "contact_id IS NULL AND ("
    "(number_e164 IS NOT NULL AND EXISTS (SELECT 1 FROM phone_numbers p "
    "WHERE p.e164 = attempts.number_e164)) OR "
    "(number_e164 IS NULL AND caller_id <> '' AND EXISTS (SELECT 1 FROM phone_numbers p "
    "WHERE p.e164 IS NULL AND p.extension <> '' "
    "AND p.extension = extension_digits(attempts.caller_id))))"
)


def give_to_holders(
    conn: sqlite3.Connection, contact_of: ContactOf, ids: Sequence[int] | None = None
) -> list[tuple[int, int, int]]:
    """File each call with no contact (only those of `ids` when given) under its number's
    holder; returns (call id, contact id, when) for each call given. Inside the caller's
    transaction."""
    if ids is not None and not ids:
        return []
    where = _HELD
    args: tuple[object, ...] = ()
    if ids is not None:
        where += " AND id IN (SELECT value FROM json_each(?))"
        args = ("[" + ",".join(str(int(i)) for i in ids) + "]",)
    rows = conn.execute(
        f"SELECT id, number_e164, caller_id, caller_name, at FROM attempts WHERE {where}",  # noqa: S608
        args,
    ).fetchall()
    picked: dict[tuple[str | None, str, str], int | None] = {}
    given: list[tuple[int, int, int]] = []
    for call_id, e164, caller_id, caller_name, at in rows:
        key = (e164, "" if e164 else caller_id, caller_name)
        if key not in picked:
            picked[key] = _heir(conn, contact_of, e164, caller_id, caller_name)
        heir = picked[key]
        if heir is not None:
            given.append((call_id, heir, at))
    conn.executemany(
        "UPDATE attempts SET contact_id = ? WHERE id = ? AND contact_id IS NULL",
        [(heir, call_id) for call_id, heir, _at in given],
    )
    return given


def heir_after(
    conn: sqlite3.Connection, contact_of: ContactOf, e164: str, leaving: int
) -> Contact | None:
    """Who a call on `e164` would pass to once contact `leaving` goes (the delete question
    says so beforehand); None when nobody else has the number."""
    heir = _heir(conn, contact_of, e164, "", "", leaving=leaving)
    return contact_of(heir) if heir is not None else None


def _heir(
    conn: sqlite3.Connection, contact_of: ContactOf, e164: str | None, caller_id: str,
    caller_name: str, *, leaving: int | None = None,
) -> int | None:
    if e164:
        number = CallerNumber(raw=e164, withheld=False, e164=e164, display_name=caller_name)
        found = conn.execute(
            "SELECT contact_id, raw, e164, extension, label FROM phone_numbers WHERE e164 = ?",
            (e164,),
        ).fetchall()
    else:
        number = CallerNumber(raw=caller_id, withheld=False, e164=None, display_name=caller_name)
        found = conn.execute(
            "SELECT contact_id, raw, e164, extension, label FROM phone_numbers "
            "WHERE e164 IS NULL AND extension <> '' AND extension = extension_digits(?)",
            (caller_id,),
        ).fetchall()
    rows: list[tuple[Contact, StoredNumber]] = []
    for contact_id, raw, num, ext, label in found:
        contact = contact_of(contact_id) if contact_id != leaving else None
        if contact is not None:
            rows.append((contact, StoredNumber(raw, num, ext, label)))
    tier, contacts = classify(number, rows)
    if tier not in (MatchTier.EXACT, MatchTier.SWITCHBOARD) or not contacts:
        return None
    return contacts[0].id


# A call out that reached the person it was for: they answered, or their voicemail did.
_REACHED = ("talked", "voicemail")


def claim_returned(conn: sqlite3.Connection, call_id: int) -> int:
    """A call back on a shared number that reached the one it was for (the rep chose "Call
    back for Raj Patel", or logged the call by hand for him) makes the calls from that number
    it returns his: a missed call or message filed under the number's other holder, with no
    call that reached anyone on it between them. A switchboard's missed call is filed under
    whoever a ring names, a guess; whom the rep called back is what the call was. Returns how
    many. Inside the caller's transaction."""
    row = conn.execute(
        "SELECT contact_id, number_e164, at FROM attempts WHERE id = ? AND direction = 'out' "
        "AND outcome IN (?, ?) AND contact_id IS NOT NULL AND number_e164 IS NOT NULL",
        (call_id, *_REACHED),
    ).fetchone()
    if row is None:
        return 0
    contact_id, e164, at = row
    return conn.execute(
        "UPDATE attempts SET contact_id = ?1 WHERE number_e164 = ?2 AND direction = 'in' "
        "AND outcome IN ('missed', 'voicemail') AND at <= ?3 AND id <> ?4 "
        "AND contact_id <> ?1 AND contact_id IN "
        "(SELECT p.contact_id FROM phone_numbers p WHERE p.e164 = ?2) "
        "AND EXISTS (SELECT 1 FROM phone_numbers p WHERE p.e164 = ?2 AND p.contact_id = ?1) "
        "AND NOT EXISTS (SELECT 1 FROM attempts o WHERE o.number_e164 = ?2 AND o.id <> ?4 "
        "AND o.outcome IN (?5, ?6) AND o.at >= attempts.at AND o.at <= ?3 "
        "AND (o.direction = 'out' OR o.outcome = 'talked'))",
        (contact_id, e164, at, call_id, *_REACHED),
    ).rowcount

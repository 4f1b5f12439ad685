"""Phone numbers: who a number belongs to (the ring's lookup), the numbers and voicemails
near an unknown caller's, and an unknown caller's number joining a contact.

It reads `phone_numbers`; linking a number adds it there and gives the contact the calls
logged from it while it was unknown (`attempts` rows without a contact).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import datetime

from desktop.adapters.store import removed_numbers
from desktop.adapters.store.call_heirs import give_to_holders
from desktop.adapters.store.connection import StoreError, describe
from desktop.adapters.store.contacts import Contacts, NewContact
from desktop.adapters.store.put_off import put_offs_follow
from desktop.core.models import Contact, StoredNumber


class Numbers(Contacts):
    def contacts_for_number(
        self, e164: str, attempts_limit: int = 3
    ) -> list[tuple[Contact, StoredNumber]]:
        """Everyone who has this number stored, each with the stored form that matched."""
        return self._holding("e164 = ?", e164, attempts_limit)

    def contacts_for_extension(
        self, extension: str, attempts_limit: int = 3
    ) -> list[tuple[Contact, StoredNumber]]:
        """Everyone with this internal extension stored as a number of its own ("3103", no
        E.164: desktop.core.internal_extension), each with the stored form that matched."""
        # "extension <> ''" lets SQLite use the partial index phone_numbers_internal.
        return self._holding("e164 IS NULL AND extension = ? AND extension <> ''", extension,
                             attempts_limit)  # fmt: skip

    def _holding(
        self, where: str, value: str, attempts_limit: int
    ) -> list[tuple[Contact, StoredNumber]]:
        try:
            rows = self._conn.execute(
                "SELECT contact_id, raw, e164, extension, label FROM phone_numbers "  # noqa: S608
                f"WHERE {where}",
                (value,),
            ).fetchall()
            out = []
            for contact_id, raw, num, ext, label in rows:
                contact = self.contact(contact_id, attempts_limit)
                if contact is not None:
                    out.append((contact, StoredNumber(raw, num, ext, label)))
            return out
        except sqlite3.OperationalError as exc:
            raise StoreError(f"{self.path}: {describe(exc)}") from exc

    def contact_ids_with_numbers(self, numbers: Iterable[tuple[str, str]]) -> set[int]:
        """Contacts holding any of these (E.164, extension) numbers.

        The extension is part of the identity: everyone behind a switchboard shares its E.164.
        """
        ids: set[int] = set()
        for e164, extension in set(numbers):
            ids.update(
                r[0]
                for r in self._conn.execute(
                    "SELECT contact_id FROM phone_numbers WHERE e164 = ? AND extension = ?",
                    (e164, extension),
                )
            )
        return ids

    def numbers_with_prefix(self, prefix: str, limit: int) -> list[tuple[int, str]]:
        """(contact id, stored E.164) of numbers starting with `prefix`: an index range, so
        "same block as the caller" costs what an exact lookup does."""
        return [
            (int(r[0]), str(r[1]))
            for r in self._conn.execute(
                "SELECT contact_id, e164 FROM phone_numbers WHERE e164 >= ? AND e164 < ? "
                "ORDER BY e164 LIMIT ?",
                (prefix, prefix + "\uffff", limit),
            )
        ]

    def voicemails_in_area(
        self, area_prefix: str, since: datetime, limit: int
    ) -> list[int]:
        """Contacts we left a voicemail for since `since` on a number starting with
        `area_prefix` ("+1415"), the most recent first."""
        return [
            int(r[0])
            for r in self._conn.execute(
                "SELECT contact_id FROM attempts "
                "WHERE direction = 'out' AND outcome = 'voicemail' AND at >= ? "
                "AND number_e164 >= ? AND number_e164 < ? AND contact_id IS NOT NULL "
                "GROUP BY contact_id ORDER BY max(at) DESC LIMIT ?",
                (int(since.timestamp()), area_prefix, area_prefix + "\uffff", limit),
            )
        ]

    def link_number(self, contact_id: int, number: StoredNumber) -> bool:
        """Store a caller's number on a contact, so their next call matches exactly, and give
        them the calls logged from it while it was unknown; False when they had it already."""
        try:
            with self.transaction():
                exists = self._conn.execute(
                    "SELECT 1 FROM phone_numbers WHERE contact_id = ? AND e164 IS ? "
                    "AND extension = ?",
                    (contact_id, number.e164, number.extension),
                ).fetchone()
                if not exists:
                    self.add_numbers(contact_id, (number,))
                    self._conn.execute(
                        "UPDATE phone_numbers SET by_hand = 1 WHERE contact_id = ? "
                        "AND e164 IS ? AND extension = ?",
                        (contact_id, number.e164, number.extension),
                    )
                removed_numbers.forget(self._conn, contact_id, number)  # wanted after all
                self._adopt_calls(contact_id, number)
                return not exists
        except sqlite3.OperationalError as exc:
            raise StoreError(f"{self.path}: {describe(exc)}") from exc

    def add_caller_as_contact(self, new: NewContact) -> int:
        """A contact made from an unknown caller, in one transaction with the calls logged
        from their number (anchors.md section 3, point 8: the note and the call carry over)."""
        try:
            with self.transaction():
                contact_id = self.add_contact(new)
                for number in new.numbers:
                    self._adopt_calls(contact_id, number)
                return contact_id
        except sqlite3.OperationalError as exc:
            raise StoreError(f"{self.path}: {describe(exc)}") from exc

    def adopt_unknown_calls(self) -> int:
        """Calls logged from a number nobody had become the calls of whoever has it now (an
        import or a directory sync just brought them): the missed call from "JO CELL" is Jo
        Baker's once her sheet is imported, in Callbacks, Recent calls and her history, as
        linking her number by hand does; and the calls from "3103" are those of the colleague
        whose extension it is. On a number several people share (a switchboard) they go to
        the one a ring from it names (store/call_heirs.py), as a call of now is filed. Inside
        the caller's transaction; returns how many."""
        given = give_to_holders(self._conn, self.contact_of)
        # A Snooze on such a call, kept under its number, is theirs too: it came back at once
        # when the import that had been undone was imported again.
        put_offs_follow(self._conn, given)
        adopted = [(contact_id, at) for _call, contact_id, at in given]
        latest: dict[int, int] = {}
        for contact_id, at in adopted:
            latest[contact_id] = max(at, latest.get(contact_id, at))
        self._conn.executemany(
            "UPDATE contacts SET last_contacted_at = max(coalesce(last_contacted_at, 0), ?) "
            "WHERE id = ?",
            [(at, contact_id) for contact_id, at in latest.items()],
        )
        self.reason_from_calls(latest)
        return len(adopted)

    def reason_from_calls(self, contact_ids: Iterable[int]) -> None:
        """Each of `contact_ids` that has no "why we called" takes what their newest call with
        one was about, as its wrap-up had set it (save_wrap_up): their calls just came back
        (a re-import, Delete contact's Undo) and the reason had gone with the contact, while
        the opener still said it. Not an edit: updated_at stays. Inside the caller's
        transaction."""
        self._conn.executemany(
            f"UPDATE contacts SET reason = ({_NEWEST_REASON}) "  # noqa: S608 (a constant)
            "WHERE id = ? AND trim(coalesce(reason, '')) = ''"
            f" AND ({_NEWEST_REASON}) IS NOT NULL",
            [(contact_id,) for contact_id in sorted(set(contact_ids))],
        )

    def newest_call_reason(self, contact_id: int) -> str:
        """What the contact's newest call with a reason was about ("" for none)."""
        row = self._conn.execute(
            _NEWEST_REASON.replace("contacts.id", "?"), (contact_id,)
        ).fetchone()
        return str(row[0]) if row is not None else ""

    def _adopt_calls(self, contact_id: int, number: StoredNumber) -> None:
        if number.e164:
            whose, value = "number_e164 = ?", number.e164
        elif number.extension:  # a colleague's extension: its calls came as "3103"
            whose = f"{_FROM_AN_EXTENSION} AND extension_digits(caller_id) = ?"
            value = number.extension
        else:
            return
        at = self._conn.execute(
            f"SELECT max(at) FROM attempts WHERE contact_id IS NULL AND {whose}",  # noqa: S608
            (value,),
        ).fetchone()[0]
        if at is None:
            return
        self._conn.execute(
            f"UPDATE attempts SET contact_id = ? WHERE contact_id IS NULL AND {whose}",  # noqa: S608
            (contact_id, value),
        )
        self._conn.execute(
            "UPDATE contacts SET last_contacted_at = max(coalesce(last_contacted_at, 0), ?) "
            "WHERE id = ?",
            (at, contact_id),
        )
        self.reason_from_calls((contact_id,))


# What a contact's newest call with a reason was about (attempts_contact_at: by contact, then
# time), for contacts.id.
_NEWEST_REASON = (
    "SELECT a.reason FROM attempts a WHERE a.contact_id = contacts.id "
    "AND trim(a.reason) <> '' ORDER BY a.at DESC, a.id DESC LIMIT 1"
)
# A call logged with no number, from a caller ID kept as received (schema 19): "3103" or
# "sip:3103@pbx" when a colleague calls from their extension (desktop.core.internal_extension;
# extension_digits() is its rule, registered on each connection).
_FROM_AN_EXTENSION = "number_e164 IS NULL AND caller_id <> ''"
# Who holds the extension of the call (attempts) in question, as contacts_for_extension finds
# them ("p.extension <> ''" keeps it on the partial index phone_numbers_internal).
_EXTENSION_HOLDERS = (
    "FROM phone_numbers p WHERE p.e164 IS NULL AND p.extension <> '' "
    "AND p.extension = extension_digits(attempts.caller_id)"
)

"""Import batches: each import is one batch (`import_batches`), undone whole.

Bulk paths for the contact importer: one indexed read up front (import_index), executemany
writes (insert_imported), and a change log (`import_changes`) so an import's merges into
existing contacts can be undone too. `import_mappings` remembers the column mapping a person
chose for a set of headers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from desktop.adapters.store.call_heirs import give_to_holders
from desktop.adapters.store.connection import StoreError
from desktop.adapters.store.contacts import Contacts
from desktop.adapters.store.import_holds import hand_over, staying
from desktop.adapters.store.put_off import numbers_keep_put_offs, put_offs_follow
from desktop.adapters.store.times import from_epoch, unix_now
from desktop.adapters.store.undone_imports import (
    MergeFirst,
    calls_follow_numbers,
    merges_first_of,
    refusal,
    settle,
)
from desktop.core.import_history import (
    BatchRecord,
    file_name,
    undo_sentence,
    undo_warning,
    unfollow_warning,
)
from desktop.core.import_merge import APPEND_MARK, FieldMerge, without_appended
from desktop.core.localtime import HourCycle
from desktop.core.models import CONTACT_FIELDS, NumberFields

if TYPE_CHECKING:  # the import modules stay out of the app's start-up (test_layers)
    from desktop.core.import_match import ContactRow


@dataclass
class ImportIndex:
    """What an import matches rows against; the importer keeps it current as it adds."""

    next_id: int
    by_number: dict[tuple[str, str], set[int]] = field(default_factory=dict)
    by_email: dict[str, set[int]] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)
    # (name, company) casefolded: how a contact with neither number nor email is recognised
    by_identity: dict[tuple[str, str], set[int]] = field(default_factory=dict)

    def remember(self, contact_id: int, row: ContactRow) -> bool:
        """What the next rows match against now includes `row` as `contact_id`'s; True when
        it gave the contact its name (the caller then keeps the row's folded name words)."""
        for key in row.number_keys:
            self.by_number.setdefault(key, set()).add(contact_id)
        if row.email_key:
            self.by_email.setdefault(row.email_key, set()).add(contact_id)
        self.by_identity.setdefault(row.identity, set()).add(contact_id)
        if row.name and not self.names.get(contact_id):
            self.names[contact_id] = row.name
            return True
        return False


@dataclass(frozen=True)
class UndoResult:
    batch_id: int
    label: str
    contacts_removed: int = 0
    numbers_removed: int = 0
    fields_restored: int = 0
    already_undone: bool = False
    source: str = ""  # the file's path (DEMO_BATCH_SOURCE for the demo book)
    created_at: int = 0  # when it was imported, Unix time
    numbers_off_kept: int = 0  # of numbers_removed, those taken off contacts that stay
    merges_undone: int = 0  # merges of its contacts into contacts that stay, taken back
    notes_taken_out: int = 0  # text a merge had appended to a contact's notes, taken out again
    # its contacts left because a file still imported has them too: (name, that file's name)
    stays: tuple[tuple[str, str], ...] = ()
    numbers_only_its: int = 0  # of numbers_removed, those only it had on the contacts that stay
    # The followed file whose last version it was, no longer followed ("" for none): its next
    # save would have brought back everyone the rep had just removed.
    unfollowed: str = ""

    def summary(self, now: datetime | None = None) -> str:
        """For people: "Removed 12 contacts imported from prospects.csv on 3 Dec."."""
        record = BatchRecord(self.batch_id, self.label, self.source,
                             from_epoch(self.created_at))  # fmt: skip
        return undo_sentence(
            record, now or datetime.now().astimezone(), contacts=self.contacts_removed,
            numbers=self.numbers_removed, fields=self.fields_restored,
            already=self.already_undone, numbers_off_kept=self.numbers_off_kept,
            merges=self.merges_undone,
            notes=self.notes_taken_out, stays=self.stays,
            numbers_only_its=self.numbers_only_its, unfollowed=self.unfollowed,
        )  # fmt: skip


@dataclass(frozen=True)
class UndoCheck:
    """What undoing a batch would take from the rep's own work, said before it acts."""

    contacts: int  # the contacts it added that would go (no file still imported has them)
    with_calls: int  # of those, the ones with calls the rep made or took (not imported ones)
    changed: int  # of those, the ones changed since: a field edited, what a call was about, a
    # number typed or linked
    # the contacts it added that stay, a file still imported having them too: (name, file)
    stays: tuple[tuple[str, str], ...] = ()
    # the merges to take back first, newest first: the undo would refuse, so nothing is asked
    merges_first: tuple[MergeFirst, ...] = ()
    file: str = ""  # the import's file name, for the refusal
    followed: bool = False  # a followed file's current version
    # The followed file whose last version it is ("" for none): the undo stops following it.
    unfollows: str = ""

    def warning(self) -> str:
        said = undo_warning(self.contacts, self.with_calls, self.changed, self.stays,
                            of_what="Undo removes" if self.followed else "it added")  # fmt: skip
        return " ".join(p for p in (said, unfollow_warning(self.unfollows)) if p)

    def refusal(self, *, window: bool, here: bool = False, now: datetime | None = None,
                cycle: HourCycle = "24h") -> str:  # fmt: skip
        """Why the undo would change nothing ("" when it can go ahead), said before asking,
        naming every merge in the way; `here`: the window offers to take them back itself."""
        if not self.merges_first:
            return ""
        return refusal(self.file, self.merges_first, window=window, here=here, now=now,
                       cycle=cycle)  # fmt: skip


_MERGEABLE = frozenset(CONTACT_FIELDS)
# An undo that takes out this many rows leaves enough dead search entries to merge them away.
BULK_UNDO_ROWS = 1000


class ImportBatches(Contacts):
    def create_batch(self, label: str, source: str = "") -> int:
        cur = self._conn.execute(
            "INSERT INTO import_batches(label, source, created_at) VALUES (?, ?, ?)",
            (label, source, unix_now()),
        )
        return int(cur.lastrowid or 0)

    def finish_batch(self, batch_id: int, summary_json: str) -> None:
        self._conn.execute(
            "UPDATE import_batches SET summary = ? WHERE id = ?", (summary_json, batch_id)
        )

    def undo_batch(self, batch_id: int) -> int:
        """Remove what a batch added; returns how many contacts went with it."""
        with self.transaction():
            row = self._conn.execute(
                "SELECT undone_at FROM import_batches WHERE id = ?", (batch_id,)
            ).fetchone()
            if row is None:
                raise StoreError(f"{self.path}: there is no import batch {batch_id}")
            if row[0] is not None:
                return 0
            hand_over(self._conn, batch_id)  # what another import still has stays
            self._conn.execute("DELETE FROM attempts WHERE import_batch_id = ?", (batch_id,))
            # The rep's calls with its contacts stay, as calls from a number nobody has.
            left = self._calls_to_numbers(batch_id)
            self._conn.execute("DELETE FROM phone_numbers WHERE import_batch_id = ?", (batch_id,))
            removed = self._conn.execute(
                "DELETE FROM contacts WHERE import_batch_id = ?", (batch_id,)
            ).rowcount
            # A number someone else has too (a switchboard): its calls are theirs now.
            put_offs_follow(self._conn, give_to_holders(self._conn, self.contact_of, left))
            self._conn.execute(
                "UPDATE import_batches SET undone_at = ? WHERE id = ?", (unix_now(), batch_id)
            )
            return int(removed)

    def _calls_to_numbers(self, batch_id: int) -> list[int]:
        """The calls with the contacts `batch_id` added, before they go: kept, under their
        numbers (no contact); their ids. Their Snoozes go under the number too, as a Snooze of
        a number nobody has is kept (put_off.who_of), and on to whoever gets the call: keyed by
        the contact gone, a snoozed missed call came back at once."""
        orphans = self._conn.execute(
            "SELECT id, contact_id, number_e164, at FROM attempts WHERE contact_id IN "
            "(SELECT id FROM contacts WHERE import_batch_id = ?)",
            (batch_id,),
        ).fetchall()
        self._conn.execute(
            "UPDATE attempts SET contact_id = NULL WHERE contact_id IN "
            "(SELECT id FROM contacts WHERE import_batch_id = ?)",
            (batch_id,),
        )
        numbers_keep_put_offs(self._conn, [(int(c), str(e), int(a))
                                           for _i, c, e, a in orphans if e])  # fmt: skip
        return [int(row[0]) for row in orphans]

    def batches(self) -> list[tuple[int, str, str, int, int | None]]:
        return list(
            self._conn.execute(
                "SELECT id, label, source, created_at, undone_at FROM import_batches ORDER BY id"
            )
        )

    def import_index(self, leave_out: frozenset[int] = frozenset()) -> ImportIndex:
        """Everything the importer matches on, read once: a 100k-row import then costs dict
        lookups, not 200k queries. `leave_out`: contacts no row may merge into (a followed
        file's people, matched to its next version afterwards)."""
        top = self._conn.execute("SELECT coalesce(max(id), 0) FROM contacts").fetchone()[0]
        index = ImportIndex(next_id=1 + int(top))
        for e164, extension, contact_id in self._conn.execute(
            "SELECT e164, extension, contact_id FROM phone_numbers WHERE e164 IS NOT NULL"
        ):
            if contact_id not in leave_out:
                index.by_number.setdefault((e164, extension), set()).add(contact_id)
        for contact_id, email, name, company in self._conn.execute(
            "SELECT id, lower(email), name, company FROM contacts"
        ):
            if contact_id in leave_out:
                continue
            index.names[contact_id] = name
            index.by_identity.setdefault((name.casefold(), company.casefold()), set()).add(
                contact_id
            )
            if email:
                index.by_email.setdefault(email, set()).add(contact_id)
        return index

    def insert_imported(
        self,
        contacts: Sequence[tuple[int, Sequence[str], Sequence[NumberFields]]],
        batch_id: int,
    ) -> int:
        """Contacts as (id, CONTACT_FIELDS values, numbers), with ids the importer
        chose (from `ImportIndex.next_id`), in two executemany calls. Only inside a transaction
        that holds the write lock, so no other writer can take those ids. Returns the highest
        phone number id so far."""
        now = unix_now()
        self._conn.executemany(
            f"INSERT INTO contacts(id, {', '.join(CONTACT_FIELDS)}, created_at, updated_at, "  # noqa: S608
            "import_batch_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(cid, *fields, now, now, batch_id) for cid, fields, _numbers in contacts],
        )
        self._conn.executemany(
            "INSERT INTO phone_numbers(contact_id, raw, e164, extension, label, import_batch_id) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(cid, *n, batch_id) for cid, _fields, numbers in contacts for n in numbers],
        )
        return self._max_id("phone_numbers")

    def merge_imported(self, contact_id: int, merge: FieldMerge, batch_id: int) -> None:
        """Write a merge's filled fields and appended notes and log each, so undoing the batch
        empties the filled fields and takes the appended text out again."""
        names = [*merge.filled, *(name for name, _text in merge.appended)]
        if not names:
            return
        values = {name: merge.fields[CONTACT_FIELDS.index(name)] for name in names}
        assignments = ", ".join(f"{name} = ?" for name in names)
        self._conn.execute(
            f"UPDATE contacts SET {assignments}, updated_at = ? WHERE id = ?",  # noqa: S608
            (*values.values(), unix_now(), contact_id),
        )
        self._conn.executemany(
            "INSERT INTO import_changes(batch_id, contact_id, field, new_value) "
            "VALUES (?, ?, ?, ?)",
            [*((batch_id, contact_id, name, values[name]) for name in merge.filled),
             *((batch_id, contact_id, name + APPEND_MARK, text)
               for name, text in merge.appended)],
        )  # fmt: skip

    def undo_import(self, batch_id: int, keep: frozenset[int] = frozenset(), *,
                    stop_following: bool = True) -> UndoResult:  # fmt: skip
        """Take a batch back whole: the contacts and numbers it added go, and the fields it
        filled in existing contacts are emptied again unless someone changed them since. A
        merge of one of its contacts into another is taken back out of the one that stayed,
        and no merge or deletion of its contacts can be undone after (undone_imports.py).
        The space it took goes back to the disk. `keep`: contacts of the batch that stay,
        taken out of it by the caller (a followed file's people, updated in place by its next
        version): what the batch or a merge changed on them is left as it is. A followed
        file whose last version it was is no longer followed (`stop_following`; not when its
        next version replaces it)."""
        result = self._undo_import(batch_id, keep, stop_following)
        if result.contacts_removed + result.numbers_removed >= BULK_UNDO_ROWS:
            self.merge_search_segments()
        self.give_back_space()
        return result

    def undo_import_check(self, batch_id: int) -> UndoCheck:
        """Before an undo: how many of the batch's contacts have the rep's calls, and how many
        were changed since the import, which go with them (used as a rep: a day of calls then
        showed as "Unknown", with no word before). A change is the rep's own: a field saved by
        hand or by a wrap-up's reason, a merge, a number typed or linked by hand or brought by
        a merge (edited_at, schema 25; a number of no import's). Another import filling a field
        or adding a number is not (it said so of contacts a later import merely merged into),
        and an edit in the import's own second counts (updated_at > created_at missed it). A
        book from before 24 cannot tell the two apart and counts any change: it asks. A contact
        another import still in the book has too stays, and is named (import_holds.py); a
        merge that would make the undo refuse is found here, so the rep is told before being
        asked."""
        batch = self._conn.execute(
            "SELECT source, label, undone_at FROM import_batches WHERE id = ?", (batch_id,)
        ).fetchone()
        if batch is None or batch[2] is not None:
            return UndoCheck(0, 0, 0)
        name = file_name(str(batch[0]), str(batch[1]))
        first = merges_first_of(self._conn, batch_id)
        if first:
            return UndoCheck(0, 0, 0, merges_first=first, file=name)
        contacts, with_calls, changed = self._conn.execute(
            "SELECT COUNT(*), "
            "COALESCE(SUM(EXISTS (SELECT 1 FROM attempts a WHERE a.contact_id = c.id "
            "                     AND a.import_batch_id IS NOT c.import_batch_id)), 0), "
            "COALESCE(SUM(c.edited_at IS NOT NULL OR EXISTS ("
            "    SELECT 1 FROM phone_numbers p WHERE p.contact_id = c.id "
            "    AND (p.by_hand OR p.import_batch_id IS NULL))), 0) "
            "FROM contacts c WHERE c.import_batch_id = ? AND NOT EXISTS ("
            "    SELECT 1 FROM import_holds h JOIN import_batches b ON b.id = h.batch_id "
            "    AND b.undone_at IS NULL WHERE h.contact_id = c.id AND h.batch_id <> ? "
            "    AND h.extension IS NULL)",
            (batch_id, batch_id),
        ).fetchone()
        stays = tuple((s.name, s.file) for s in staying(self._conn, batch_id))
        # A followed file's batch holds every person of its last version, not only those its
        # last save added ('1 added, 2 updated, 1 already there'): the question says so.
        followed = str(batch[1]).endswith("(followed)")
        # Said before, not only after: the rep who expects the next save to bring the file's
        # people back learns that it will not (undo_import stops following it).
        unfollows = self._conn.execute(
            "SELECT path FROM followed_files WHERE batch_id = ?", (batch_id,)
        ).fetchone()
        return UndoCheck(int(contacts), int(with_calls), int(changed), stays, file=name,
                         followed=followed,
                         unfollows=str(unfollows[0]) if unfollows else "")  # fmt: skip

    def merge_search_segments(self) -> None:
        """Merge each search index into one segment: what deleted rows left in it (FTS5 keeps a
        delete as an entry until its segment is merged) goes, about 1 s per 100k contacts."""
        if self._conn.in_transaction:
            return  # a followed file's re-import: it adds back about what it took out
        with self.transaction():
            for table in ("contact_search", "number_search"):
                self._conn.execute(
                    f"INSERT INTO {table}({table}) VALUES ('optimize')"  # noqa: S608 (constant)
                )

    def _undo_import(self, batch_id: int, keep: frozenset[int],
                     stop_following: bool = True) -> UndoResult:  # fmt: skip
        with self.transaction():
            row = self._conn.execute(
                "SELECT undone_at, label, source, created_at FROM import_batches WHERE id = ?",
                (batch_id,),
            ).fetchone()
            if row is None:
                raise StoreError(f"{self.path}: there is no import batch {batch_id}")
            if row[0] is not None:
                return UndoResult(batch_id, str(row[1]), already_undone=True, source=str(row[2]),
                                  created_at=int(row[3]))  # fmt: skip
            restored = appended = 0
            for contact_id, name, value in self._conn.execute(
                "SELECT contact_id, field, new_value FROM import_changes WHERE batch_id = ? "
                "ORDER BY id DESC",
                (batch_id,),
            ).fetchall():
                if contact_id in keep:
                    continue
                if name.endswith(APPEND_MARK) and name[:-1] in _MERGEABLE:
                    appended += self._take_appended(contact_id, name[:-1], value)
                    continue
                if name not in _MERGEABLE or contact_id in keep:
                    continue
                restored += self._conn.execute(
                    f"UPDATE contacts SET {name} = '', updated_at = ? "  # noqa: S608 (whitelisted)
                    f"WHERE id = ? AND {name} = ?",
                    (unix_now(), contact_id, value),
                ).rowcount
            self._conn.execute("DELETE FROM import_changes WHERE batch_id = ?", (batch_id,))
            # Before its contacts go: a merge that must be taken back first refuses here (the
            # transaction then changes nothing), the others end with what they brought.
            taken_back: list[dict[str, Any]] = []
            merges = settle(self._conn, batch_id, file_name(str(row[2]), str(row[1])), keep,
                            taken_back)  # fmt: skip
            (off_kept,) = self._conn.execute(
                "SELECT COUNT(*) FROM phone_numbers p JOIN contacts c ON c.id = p.contact_id "
                "WHERE p.import_batch_id = ? AND c.import_batch_id IS NOT ?",
                (batch_id, batch_id),
            ).fetchone()
            # What a file still imported has too stays, as that file's, with its calls.
            stays = hand_over(self._conn, batch_id)
            (alone,) = self._conn.execute(
                "SELECT COUNT(*) FROM phone_numbers p JOIN contacts c ON c.id = p.contact_id "
                "WHERE p.import_batch_id = ? AND c.import_batch_id IS NOT ?",
                (batch_id, batch_id),
            ).fetchone()
            self._conn.execute("DELETE FROM attempts WHERE import_batch_id = ?", (batch_id,))
            # The calls the rep logged with its contacts are the rep's: they stay in the call
            # history as calls from a number nobody has (as after deleting a contact), not
            # deleted by the cascade.
            left = self._calls_to_numbers(batch_id)
            numbers = self._conn.execute(
                "DELETE FROM phone_numbers WHERE import_batch_id = ?", (batch_id,)
            ).rowcount
            removed = self._conn.execute(
                "DELETE FROM contacts WHERE import_batch_id = ?", (batch_id,)
            ).rowcount
            # A call on a number taken off a contact its contact was merged into goes too.
            left += calls_follow_numbers(self._conn, taken_back)
            # A number someone else has too (a switchboard): its calls are theirs now.
            put_offs_follow(self._conn, give_to_holders(self._conn, self.contact_of, left))
            self._conn.execute(
                "UPDATE import_batches SET undone_at = ? WHERE id = ?", (unix_now(), batch_id)
            )
            unfollowed = self._conn.execute(
                "DELETE FROM followed_files WHERE batch_id = ? RETURNING path", (batch_id,)
            ).fetchone() if stop_following else None  # fmt: skip
            return UndoResult(batch_id, str(row[1]), int(removed), int(numbers), restored,
                              source=str(row[2]), created_at=int(row[3]),
                              numbers_off_kept=int(off_kept), merges_undone=merges,
                              notes_taken_out=appended,
                              stays=tuple((s.name, s.file) for s in stays),
                              numbers_only_its=int(alone) - int(off_kept),
                              unfollowed=str(unfollowed[0]) if unfollowed else "")  # fmt: skip

    def _take_appended(self, contact_id: int, name: str, text: str) -> int:
        row = self._conn.execute(
            f"SELECT {name} FROM contacts WHERE id = ?", (contact_id,)  # noqa: S608 (whitelisted)
        ).fetchone()
        value = without_appended(str(row[0]), text) if row else None
        if value is None:  # edited away since: nothing of the import's is left to take
            return 0
        return self._conn.execute(
            f"UPDATE contacts SET {name} = ?, updated_at = ? WHERE id = ?",  # noqa: S608
            (value, unix_now(), contact_id),
        ).rowcount

    def batch_summary(self, batch_id: int) -> str:
        row = self._conn.execute(
            "SELECT summary FROM import_batches WHERE id = ?", (batch_id,)
        ).fetchone()
        return str(row[0]) if row else ""

    def remembered_mapping(self, header_key: str) -> str | None:
        """The column mapping (JSON) a person chose for this header set, if any."""
        row = self._conn.execute(
            "SELECT mapping FROM import_mappings WHERE header_key = ?", (header_key,)
        ).fetchone()
        return str(row[0]) if row else None

    def remember_mapping(self, header_key: str, mapping_json: str) -> None:
        self._conn.execute(
            "INSERT INTO import_mappings(header_key, mapping, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT(header_key) DO UPDATE SET mapping = excluded.mapping, "
            "updated_at = excluded.updated_at",
            (header_key, mapping_json, unix_now()),
        )

"""Followed files: a contact file (or a folder of .vcf files) re-imported whenever it is saved.

A followed file owns one import batch. A save that changed the bytes is imported again in ONE
transaction that replaces that batch: a lookup sees either the old version or the new one,
never both or neither. The people both versions have are the same contacts, updated in place
(followed_rows.py): same ids, the rep's calls and promises and merges with them, a field the
rep typed kept unless the file's cell changed since. People the new version no longer has go,
as an undo of the batch takes them; their calls stay as calls from a number nobody has, or move
to whoever in the book is the same person. One the rep worked on (a field typed, a call, a
promise, a merge) stays as the rep's own, and the re-import says so; so does a number its rows
added to a contact of the rep's that the rep had calls on (used_numbers.py). A version that
cannot be imported (half written, unreadable, or rejecting more rows than the accepted version
did) is refused whole: the old batch stays and the reason is recorded once.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from desktop.adapters.followed_list import (
    FollowedFile,
    announce_change,
    content_hash,
    followed_file,
    followed_key,
)
from desktop.adapters.importing import followed_plain
from desktop.adapters.importing.followed_rows import SetAside
from desktop.adapters.importing.import_turn import import_turn
from desktop.adapters.importing.number_rows import NumberRows
from desktop.adapters.importing.pipeline import ImportOptions, Progress, import_file
from desktop.adapters.importing.report import ImportCancelled, ImportFailed, ImportReport
from desktop.adapters.importing.used_numbers import UsedNumbers
from desktop.adapters.store import ImportIndex, Store, StoreError, removed_numbers
from desktop.core.import_mapping import name_words, words_agree
from desktop.core.models import CONTACT_FIELDS, StoredNumber

_CARRIED = (*CONTACT_FIELDS, "opener_override")


@dataclass
class Refresh:
    """What looking at a followed file again did."""

    path: Path
    changed: bool = False  # the bytes differ from the version last looked at
    report: ImportReport | None = None  # set when the new version replaced the old batch
    problem: str = ""  # set when it was refused; the old batch stays
    replaced_batch: int | None = None
    calls_kept: int = 0  # calls moved onto the same people in the new version


def follow(
    store: Store,
    path: Path,
    options: ImportOptions,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> Refresh:
    """Start following `path` and import it now, replacing the batch of an earlier follow of
    the same file. Raises ImportFailed when the file cannot be imported (nothing recorded)."""
    key = followed_key(path)
    if not key.exists():
        raise ImportFailed(f"{key}: no such file or folder; nothing is followed")
    with store.transaction():
        asked = json.dumps({"encoding": options.encoding, "region": options.region})
        store.connection.execute(
            "INSERT INTO followed_files(path, followed_at, options) VALUES (?, ?, ?) "
            "ON CONFLICT(path) DO UPDATE SET content_hash = '', options = excluded.options",
            (str(key), int(time.time()), asked),
        )
        result = refresh(store, key, options, progress=progress, cancel=cancel)
        if result.problem:
            raise ImportFailed(result.problem)  # rolls the new follow back with it
    return result


def follow_file(
    store: Store,
    path: Path,
    options: ImportOptions,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> ImportReport:
    """Import `path` now and keep following it (the running app is told); raises ImportFailed
    (nothing followed)."""
    result = follow(store, path, options, progress=progress, cancel=cancel)
    announce_change(store.path)
    if result.report is None:  # pragma: no cover (follow() re-imports whatever the hash)
        raise ImportFailed(f"{path}: not imported")
    return result.report


def unfollow(store: Store, path: Path) -> FollowedFile | None:
    """Stop following; the contacts of its last version stay (undo their batch to remove
    them). Returns what was followed, None when the path was not."""
    found = followed_file(store, path)
    if found is not None:
        with store.transaction():
            store.connection.execute(
                "DELETE FROM followed_files WHERE path = ?", (str(found.path),)
            )
    return found


def refresh(
    store: Store,
    path: Path,
    options: ImportOptions,
    *,
    force: bool = False,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> Refresh:
    """Look at a followed file again; import it when its bytes changed (or `force`)."""
    record = followed_file(store, path)
    if record is None:
        raise StoreError(f"{path}: not a followed file")
    result = Refresh(record.path)
    try:
        digest = content_hash(record.path)
    except OSError as exc:
        what = "folder" if record.path.is_dir() else "file"
        result.problem = (
            f"{record.path}: cannot read the followed {what} ({exc.strerror or exc}); the "
            "contacts imported from it before stay"
        )
        _record_problem(store, record, result.problem, record.content_hash)
        return result
    if digest == record.content_hash and not force:
        return result
    result.changed = True
    # Read as the person asked when they followed it (the Import window's encoding and
    # region, `--encoding`, `--numbers-region`), whoever looks now.
    options = replace(options, encoding=record.encoding or options.encoding,
                      region=record.region or options.region)  # fmt: skip
    try:
        # The turn is taken before the write lock: another import waiting for this one waits
        # on the turn, not on SQLite's busy timeout.
        with (
            import_turn(store.path, f"{record.path.name} (followed)", cancel=cancel),
            store.transaction(),
        ):
            _replace(store, record, digest, options, result, progress, cancel)
    except ImportCancelled:
        raise
    except ImportFailed as exc:
        result.report, result.replaced_batch, result.calls_kept = None, None, 0  # rolled back
        result.problem = f"{exc}; the contacts from its last good version stay"
        _record_problem(store, record, result.problem, digest)
    return result


class _Refused(ImportFailed):
    pass


def _replace(
    store: Store,
    record: FollowedFile,
    digest: str,
    options: ImportOptions,
    result: Refresh,
    progress: Progress | None,
    cancel: threading.Event | None,
) -> None:
    if options.check_plan is not None:
        # Against the contacts as the preview saw them, before the old version is undone.
        options.check_plan(store)
        options = replace(options, check_plan=None)
    old = _live_batch(store, record.batch_id)
    # The same file imported the ordinary way is the follow's too (followed_plain.py).
    old, taken_in = followed_plain.take_in(store.connection, record.path, old)
    # The last version's people are set aside, not undone: the new version updates them in
    # place (followed_rows.py), so they keep their ids and everything that names them.
    held = SetAside.take(store, old, str(record.path)) if old is not None else SetAside()
    top = store.connection.execute("SELECT coalesce(max(id), 0) FROM contacts").fetchone()[0]
    # Numbers its rows added to the rep's contacts that the rep has had calls on: kept on them
    # if the new version no longer brings them (used_numbers.py).
    used = UsedNumbers.take(store.connection, old) if old is not None else UsedNumbers()
    # Those added again keep their rows' ids: an open contact view names a number by its id.
    rows = NumberRows.take(store.connection, old) if old is not None else NumberRows()
    if old is not None:
        # What else it did (fields filled in, numbers added to contacts it did not bring) is
        # taken back first: the new version does it again where it still says so.
        store.undo_import(old, keep=held.ids, stop_following=False)  # joins this transaction
        result.replaced_batch = old
    # Indexed here, not by the import: the numbers given back their rows' ids move after it.
    report = import_file(store, record.path,
                         replace(options, first_new_id=int(top) + 1, set_aside=held.ids,
                                 index_later=bool(held.held or rows.ids)),
                         progress=progress, cancel=cancel)  # fmt: skip
    if old is not None and len(report.rejected) > record.rejected:
        first = report.rejected[0]
        raise _Refused(
            f"{record.path}: {report.where(first)}; this version rejects "
            f"{len(report.rejected)} rows (the one imported before rejected {record.rejected}), "
            "so it was not imported"
        )
    folded = held.fold_into(store, report.batch_id)
    # Kept people were counted as new by the import: they are the same ones, updated or not.
    report.imported -= folded.kept
    report.updated += folded.updated
    report.unchanged += folded.kept - folded.updated
    gone = _OldContacts.take(store, folded.gone, held, str(record.path))
    report.kept_by_rep = gone.kept
    result.calls_kept = folded.calls_kept + gone.hand_over(store, report.batch_id)
    # Before the catch-up: the rows it moves are indexed once, where they land.
    rows.give_back(store, report.batch_id)
    store.catch_up_search_index()  # the new version's people who were not folded away
    report.numbers_kept_by_rep = used.keep(store.connection)
    if report.batch_id is not None:
        store.connection.execute(
            "UPDATE import_batches SET label = ?, summary = ? WHERE id = ?",
            (f"Import of {record.path.name} (followed)", json.dumps(report.to_json()),
             report.batch_id),
        )
    if old is not None and report.batch_id is not None:
        # Taken back by the save, not by the rep: Import history says it was replaced, not
        # "undone" (the rep never undid it).
        followed_plain.mark_replaced(store.connection, [old, *taken_in], report.batch_id)
    store.connection.execute(
        "UPDATE followed_files SET batch_id = ?, content_hash = ?, rejected = ?, problem = '', "
        "checked_at = ? WHERE path = ?",
        (report.batch_id, digest, len(report.rejected), int(time.time()), str(record.path)),
    )
    result.report = report


def _live_batch(store: Store, batch_id: int | None) -> int | None:
    if batch_id is None:
        return None
    row = store.connection.execute(
        "SELECT undone_at FROM import_batches WHERE id = ?", (batch_id,)
    ).fetchone()
    return batch_id if row is not None and row[0] is None else None


def _record_problem(store: Store, record: FollowedFile, problem: str, digest: str) -> None:
    try:
        with store.transaction():
            store.connection.execute(
                "UPDATE followed_files SET problem = ?, content_hash = ?, checked_at = ? "
                "WHERE path = ?",
                (problem, digest, int(time.time()), str(record.path)),
            )
    except StoreError:
        pass  # the problem is still reported to the person; only its record is missing


@dataclass
class _Old:
    id: int
    values: dict[str, str]
    numbers: list[tuple[str, str]]  # (e164, extension) of the file's numbers
    own_numbers: list[StoredNumber]  # numbers added by hand or by another import
    calls: list[int]
    removed: set[tuple[str | None, str]] = field(default_factory=set)  # taken off by hand


@dataclass
class _OldContacts:
    """The last version's people the new one no longer has (none of its rows matched them),
    deleted: their calls detached first (so the cascade does not delete them), what the rep
    added remembered for whoever in the book is the same person (a row that now merges into
    a contact of the rep's own, a row whose name and e-mail both changed)."""

    contacts: list[_Old] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # names of those the rep's work keeps

    @classmethod
    def take(cls, store: Store, ids: list[int], held: SetAside, path: str) -> _OldContacts:
        """The people the file no longer has, deleted as undoing the batch would delete them,
        with what they carry remembered for whoever is the same person in the book. One the
        rep merged another person into stays, now the rep's own: it holds that person too."""
        conn = store.connection
        merged_into = {
            int(row[0]) for row in conn.execute(
                "SELECT contact_id FROM contact_undo WHERE kind = 'merge' AND undone_at IS NULL "
                "AND contact_id IN (SELECT value FROM json_each(?))",
                (json.dumps(ids),),
            )
        }  # fmt: skip
        # One the rep worked on (a field typed, a wrap-up's reason, a call, a promise) stays
        # too: one row filtered out or deleted in Excel must not take the rep's work with it.
        # It is no longer the file's (SetAside took it out of the batch); what the file said
        # stays kept, so the row coming back updates it in place (SetAside.take).
        worked_on = {
            int(row[0]) for row in conn.execute(
                "SELECT id FROM contacts c WHERE id IN (SELECT value FROM json_each(?)) AND "
                "(edited_at IS NOT NULL OR EXISTS (SELECT 1 FROM attempts a "
                "WHERE a.contact_id = c.id))",
                (json.dumps(ids),),
            )
        }  # fmt: skip
        staying = merged_into | worked_on
        # Kept for this file alone: its row coming back updates them in place (SetAside.take);
        # another followed file's row must not claim them.
        conn.execute(
            "UPDATE followed_rows SET file_values = json_set(file_values, '$.kept_by', ?) "
            "WHERE json_valid(file_values) AND contact_id IN (SELECT value FROM json_each(?))",
            (path, json.dumps(sorted(staying))),
        )
        kept_names = [
            str(row[0]) for row in conn.execute(
                "SELECT name FROM contacts WHERE id IN (SELECT value FROM json_each(?)) "
                "ORDER BY name COLLATE NOCASE, id",
                (json.dumps(sorted(staying)),),
            )
        ]  # fmt: skip
        ids = [i for i in ids if i not in staying]
        ids = [i for i in ids if i not in _pass_to_holders(conn, ids, held)]
        if not ids:
            return cls(kept=kept_names)
        chosen = json.dumps(ids)
        columns = ", ".join(_CARRIED)
        olds = {
            row[0]: _Old(row[0], dict(zip(_CARRIED, row[1:], strict=True)), [], [], [])
            for row in conn.execute(
                f"SELECT id, {columns} FROM contacts WHERE id IN "  # noqa: S608
                "(SELECT value FROM json_each(?))",
                (chosen,),
            )
        }
        for contact_id, kept in held.held.items():
            if contact_id in olds:
                old = olds[contact_id]
                old.numbers = [(e164, ext) for _raw, e164, ext, _label in kept.file_numbers
                               if e164]  # fmt: skip
                old.own_numbers = [p.number for p in kept.phones if not p.from_file]
        for contact_id, e164, ext in conn.execute(
            "SELECT contact_id, e164, extension FROM removed_numbers WHERE contact_id IN "
            "(SELECT value FROM json_each(?))",
            (chosen,),
        ):
            olds[contact_id].removed.add((e164 or None, ext))  # None: an extension (3103)
        for attempt_id, contact_id in conn.execute(
            "SELECT id, contact_id FROM attempts WHERE contact_id IN "
            "(SELECT value FROM json_each(?))",
            (chosen,),
        ):
            olds[contact_id].calls.append(attempt_id)
        # The rep's calls with them stay, as calls from a number nobody has (as an undo
        # leaves them) unless someone in the book is the same person.
        conn.execute(
            "UPDATE attempts SET contact_id = NULL WHERE contact_id IN "
            "(SELECT value FROM json_each(?))",
            (chosen,),
        )
        conn.execute("DELETE FROM contacts WHERE id IN (SELECT value FROM json_each(?))", (chosen,))
        return cls(list(olds.values()), kept_names)

    def hand_over(self, store: Store, new_batch: int | None) -> int:
        """Give each old contact's calls, hand-added numbers and rep-only fields to the same
        person in the new version; returns how many calls found a new home. A person no
        longer in the file leaves their calls as calls from a number nobody has."""
        conn = store.connection
        if not self.contacts:
            return 0
        # A field the new version fills for nobody is one the file does not carry.
        carried = [
            name for name in _CARRIED
            if name == "opener_override" or new_batch is None or not conn.execute(
                f"SELECT 1 FROM contacts WHERE import_batch_id IS ? AND {name} <> '' LIMIT 1",  # noqa: S608
                (new_batch,),
            ).fetchone()
        ]  # fmt: skip
        # Most of a big file's people have nothing to hand over: no call, no number added by
        # hand, nothing typed in a field the file does not carry. Only the rest are matched,
        # against one index of the book read once (as the importer matches its rows).
        needy = [
            old for old in self.contacts
            if old.calls or old.own_numbers or old.removed
            or any(old.values[name] for name in carried)
        ]  # fmt: skip
        if not needy:
            return 0
        index = store.import_index()
        fresh_ids = {
            row[0] for row in conn.execute(
                "SELECT id FROM contacts WHERE import_batch_id = ?", (new_batch,)
            )
        } if new_batch is not None else set()  # fmt: skip
        moved = 0
        for old in needy:
            heir = _heir(old, index, fresh_ids)
            if heir is None:
                continue
            conn.executemany("UPDATE attempts SET contact_id = ? WHERE id = ?",
                             [(heir, call) for call in old.calls])  # fmt: skip
            moved += len(old.calls)
            current = conn.execute(
                f"SELECT {', '.join(carried) or 'id'} FROM contacts WHERE id = ?",  # noqa: S608
                (heir,),
            ).fetchone()
            fill = [
                name for name, value in zip(carried, current, strict=False)
                if not value and old.values[name]
            ]  # fmt: skip
            if fill:
                conn.execute(
                    f"UPDATE contacts SET {', '.join(f'{n} = ?' for n in fill)} "  # noqa: S608
                    "WHERE id = ?",
                    (*(old.values[n] for n in fill), heir),
                )
            have = set(conn.execute(
                "SELECT e164, extension FROM phone_numbers WHERE contact_id = ?", (heir,)
            ).fetchall())  # fmt: skip
            fresh = [n for n in old.own_numbers if (n.e164, n.extension) not in have]
            store.add_numbers(heir, fresh)
            # The new version still has a number the rep took off this person: off it stays.
            for e164, ext in old.removed:
                removed_numbers.remember(conn, heir, StoredNumber("", e164, ext))
            conn.executemany(
                "DELETE FROM phone_numbers WHERE contact_id = ? AND e164 IS ? AND extension = ?",
                [(heir, e164, ext) for e164, ext in old.removed],
            )
            conn.execute(
                "UPDATE contacts SET last_contacted_at = (SELECT max(at) FROM attempts "
                "WHERE contact_id = ?) WHERE id = ? AND EXISTS (SELECT 1 FROM attempts "
                "WHERE contact_id = ?)",
                (heir, heir, heir),
            )
        return moved


def _pass_to_holders(conn: sqlite3.Connection, ids: list[int], held: SetAside) -> set[int]:
    """Of the people the file no longer has, those another import still in the book has too
    (import_holds.py) become that import's, as an undo of the file's batch leaves them: with
    each number the file brought that the other import's row carried too (the file's others
    go with its row). Returns their ids."""
    holders = dict(conn.execute(
        "SELECT h.contact_id, min(h.batch_id) FROM import_holds h JOIN import_batches b "
        "ON b.id = h.batch_id AND b.undone_at IS NULL WHERE h.extension IS NULL AND "
        "h.e164 IS NULL AND h.contact_id IN (SELECT value FROM json_each(?)) "
        "GROUP BY h.contact_id",
        (json.dumps(ids),),
    ).fetchall())  # fmt: skip
    for contact_id, batch in holders.items():
        conn.execute("UPDATE contacts SET import_batch_id = ? WHERE id = ?", (batch, contact_id))
        conn.execute("DELETE FROM followed_rows WHERE contact_id = ?", (contact_id,))
        kept = held.held.get(contact_id)
        for phone in kept.phones if kept is not None else ():
            if not phone.from_file:
                continue  # typed or linked by hand: the rep's, it stays
            holder = conn.execute(
                "SELECT min(h.batch_id) FROM import_holds h JOIN import_batches b "
                "ON b.id = h.batch_id AND b.undone_at IS NULL WHERE h.contact_id = ? "
                "AND h.e164 IS ? AND h.extension = ?",
                (contact_id, phone.number.e164, phone.number.extension),
            ).fetchone()[0]
            if holder is None:
                conn.execute("DELETE FROM phone_numbers WHERE id = ?", (phone.id,))
            else:
                conn.execute("UPDATE phone_numbers SET import_batch_id = ? WHERE id = ?",
                             (holder, phone.id))  # fmt: skip
    return set(holders)


def _heir(old: _Old, index: ImportIndex, fresh_ids: set[int]) -> int | None:
    """The contact that is the same person as `old` now: same e-mail, else a shared number
    under an agreeing name, else the same name at the same company. The new batch's first."""
    values = old.values
    candidates: set[int] = set()
    if values["email"]:
        candidates = set(index.by_email.get(values["email"].lower(), ()))
    if not candidates and old.numbers:
        words = name_words(values["name"])
        candidates = {
            cid for number in old.numbers for cid in index.by_number.get(number, ())
            if words_agree(words, name_words(index.names.get(cid, "")))
        }  # fmt: skip
    if not candidates:
        identity = (values["name"].casefold(), values["company"].casefold())
        candidates = set(index.by_identity.get(identity, ()))
    if not candidates:
        return None
    return min((candidates & fresh_ids) or candidates)

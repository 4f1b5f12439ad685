"""Followed files: a contact file (or a folder of .vcf files) re-imported whenever it is saved.

A followed file owns one import batch. A save that changed the bytes is imported again and
replaces that batch in ONE transaction: the old batch is undone and the new version imported
together, so a lookup sees either the old contacts or the new ones, never both or neither. A
version that cannot be imported (half written, unreadable, or rejecting more rows than the
accepted version did) is refused whole: the old batch stays and the reason is recorded once.

Undoing a batch deletes its contacts, and with them (by cascade) the calls logged against
them. The calls, the numbers linked by hand and what only this rep keeps on a contact (a field
the file never fills: why we called, next step, an opener) are therefore moved off the old
contacts first and onto the same people in the new version, as the directory mirror keeps
them across a sync.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from desktop.adapters.followed_list import (
    FollowedFile,
    announce_change,
    followed_file,
    followed_key,
)
from desktop.adapters.importing.pipeline import ImportOptions, Progress, import_file
from desktop.adapters.importing.report import ImportCancelled, ImportFailed, ImportReport
from desktop.adapters.importing.vcards import VCARD_SUFFIXES
from desktop.adapters.store import Store, StoreError
from desktop.core.import_mapping import name_words, words_agree
from desktop.core.models import CONTACT_FIELDS, StoredNumber

_CARRIED = (*CONTACT_FIELDS, "opener_override")
_HASH_CHUNK = 1 << 20


@dataclass
class Refresh:
    """What looking at a followed file again did."""

    path: Path
    changed: bool = False  # the bytes differ from the version last looked at
    report: ImportReport | None = None  # set when the new version replaced the old batch
    problem: str = ""  # set when it was refused; the old batch stays
    replaced_batch: int | None = None
    calls_kept: int = 0  # calls moved onto the same people in the new version


def content_hash(path: Path) -> str:
    """SHA-256 of the file, or of a folder's vCard files (names and bytes, by name)."""
    digest = hashlib.sha256()
    files = [path]
    if path.is_dir():
        files = sorted(
            entry for entry in path.iterdir()
            if entry.suffix.lower() in VCARD_SUFFIXES and not entry.name.startswith(".")
        )  # fmt: skip
    for file in files:
        digest.update(file.name.encode("utf-8", "surrogateescape") + b"\0")
        with file.open("rb") as stream:
            while chunk := stream.read(_HASH_CHUNK):
                digest.update(chunk)
        digest.update(b"\0")
    return digest.hexdigest()


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
        store.connection.execute(
            "INSERT INTO followed_files(path, followed_at) VALUES (?, ?) "
            "ON CONFLICT(path) DO UPDATE SET content_hash = ''",
            (str(key), int(time.time())),
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
    try:
        with store.transaction():
            _replace(store, record, digest, options, result, progress, cancel)
    except ImportCancelled:
        raise
    except ImportFailed as exc:
        result.report = None
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
    old = _live_batch(store, record.batch_id)
    kept = _OldContacts.take(store, old) if old is not None else _OldContacts()
    top = store.connection.execute("SELECT coalesce(max(id), 0) FROM contacts").fetchone()[0]
    if old is not None:
        store.undo_import(old)  # joins this transaction
        result.replaced_batch = old
    report = import_file(store, record.path, replace(options, first_new_id=int(top) + 1),
                         progress=progress, cancel=cancel)  # fmt: skip
    if old is not None and len(report.rejected) > record.rejected:
        first = report.rejected[0]
        raise _Refused(
            f"{record.path}: {report.where(first)}; this version rejects "
            f"{len(report.rejected)} rows (the one imported before rejected {record.rejected}), "
            "so it was not imported"
        )
    result.calls_kept = kept.hand_over(store, report.batch_id)
    if report.batch_id is not None:
        store.connection.execute(
            "UPDATE import_batches SET label = ? WHERE id = ?",
            (f"Import of {record.path.name} (followed)", report.batch_id),
        )
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


@dataclass
class _OldContacts:
    """The old batch's contacts, taken off before it is undone: their calls detached (so the
    cascade does not delete them), what the rep added remembered."""

    contacts: list[_Old] = field(default_factory=list)

    @classmethod
    def take(cls, store: Store, batch_id: int) -> _OldContacts:
        conn = store.connection
        columns = ", ".join(_CARRIED)
        olds = {
            row[0]: _Old(row[0], dict(zip(_CARRIED, row[1:], strict=True)), [], [], [])
            for row in conn.execute(
                f"SELECT id, {columns} FROM contacts WHERE import_batch_id = ?",  # noqa: S608
                (batch_id,),
            )
        }
        for contact_id, raw, e164, ext, label, number_batch in conn.execute(
            "SELECT contact_id, raw, e164, extension, label, import_batch_id FROM phone_numbers "
            "WHERE contact_id IN (SELECT id FROM contacts WHERE import_batch_id = ?)",
            (batch_id,),
        ):
            if number_batch == batch_id:
                if e164:
                    olds[contact_id].numbers.append((e164, ext))
            else:
                olds[contact_id].own_numbers.append(StoredNumber(raw, e164, ext, label))
        for attempt_id, contact_id in conn.execute(
            "SELECT id, contact_id FROM attempts WHERE contact_id IN "
            "(SELECT id FROM contacts WHERE import_batch_id = ?) AND import_batch_id IS NOT ?",
            (batch_id, batch_id),
        ):
            olds[contact_id].calls.append(attempt_id)
        calls = [call for old in olds.values() for call in old.calls]
        conn.executemany("UPDATE attempts SET contact_id = NULL WHERE id = ?",
                         [(call,) for call in calls])  # fmt: skip
        return cls(list(olds.values()))

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
        moved = 0
        for old in self.contacts:
            heir = _heir(store, old, new_batch)
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
            conn.execute(
                "UPDATE contacts SET last_contacted_at = (SELECT max(at) FROM attempts "
                "WHERE contact_id = ?) WHERE id = ? AND EXISTS (SELECT 1 FROM attempts "
                "WHERE contact_id = ?)",
                (heir, heir, heir),
            )
        return moved


def _heir(store: Store, old: _Old, new_batch: int | None) -> int | None:
    """The contact that is the same person as `old` now: same e-mail, else a shared number
    under an agreeing name, else the same name at the same company. The new batch's first."""
    values = old.values
    words = name_words(values["name"])
    candidates: set[int] = set()
    if values["email"]:
        candidates = store.contact_ids_with_email(values["email"])
    if not candidates and old.numbers:
        candidates = {
            cid for cid in store.contact_ids_with_numbers(old.numbers)
            if words_agree(words, name_words(_name(store, cid)))
        }  # fmt: skip
    if not candidates:
        candidates = store.contact_ids_named(values["name"], values["company"])
    if not candidates:
        return None
    in_batch = _in_batch(store, candidates, new_batch)
    return min(in_batch or candidates)


def _name(store: Store, contact_id: int) -> str:
    row = store.connection.execute("SELECT name FROM contacts WHERE id = ?", (contact_id,))
    found = row.fetchone()
    return str(found[0]) if found else ""


def _in_batch(store: Store, ids: Iterable[int], batch_id: int | None) -> set[int]:
    if batch_id is None:
        return set()
    return {
        cid for cid in ids
        if store.connection.execute(
            "SELECT 1 FROM contacts WHERE id = ? AND import_batch_id = ?", (cid, batch_id)
        ).fetchone()
    }  # fmt: skip

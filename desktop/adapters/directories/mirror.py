"""The local mirror of team directories: which directories there are, and which contacts came
from which card. SQLite only, so the lookup may import it on the ring path.

A mirrored contact is an ordinary contact (the ring path, search and call history need nothing
new) with a row in directory_cards naming its directory, href and ETag. A sync replaces the
fields a card carries (name, title, company, e-mail, numbers), brings the card's note into
the notes without taking away what the rep wrote there (kept_notes), and leaves what only
this rep keeps (why we called, referral, next step, opener, call history) alone.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from collections.abc import Collection, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from desktop.adapters.store import NewContact, Store, StoreError, removed_numbers
from desktop.adapters.store.call_heirs import give_to_holders
from desktop.core.models import CONTACT_FIELDS, Outcome, StoredNumber
from desktop.core.sources import LOCAL, RANKS, Origin

if TYPE_CHECKING:
    # Types only: the lookup and the app's start-up import this module, and the import
    # modules behind ContactRow cost them ~30 ms they never use.
    from desktop.core.call_notes import CallNote
    from desktop.core.import_match import ContactRow

log = logging.getLogger(__name__)

LOCAL_SOURCE = LOCAL
# The source of an attempt logged with `callercard log-call` or read from a shared card's
# call notes: the note's id is its call_key, so each is recorded once.
CALL_NOTE_SOURCE = "call-note"
_CARD_FIELDS = ("name", "title", "company", "email", "notes")
# Before a card's ETag: the card is to be read again, as if changed, though it may not have
# (schema 20 marked every card mirrored before it so).
REREAD = "reread:"


@dataclass(frozen=True)
class Directory:
    id: int
    name: str
    kind: str  # "carddav" or "ldap"
    url: str  # as the user gave it
    collection_url: str  # the address book itself, found from `url`; LDAP: the base DN
    username: str  # LDAP: the bind DN
    sync_token: str
    synced_at: datetime | None
    last_error: str
    cards: int  # contacts mirrored now
    options: Mapping[str, str] = field(default_factory=dict)  # LDAP: filter, start_tls, ca_file
    waiting: int = 0  # call notes queued to be written into its cards
    hidden: int = 0  # cards whose contact the rep deleted: hidden from their cards

    @property
    def secret_name(self) -> str:
        return secret_name(self.name)


@dataclass(frozen=True)
class MirrorCounts:
    added: int = 0
    changed: int = 0
    removed: int = 0
    unreadable: int = 0
    demo_removed: int = 0  # the bundled demo contacts the team's contacts replaced


def secret_name(directory_name: str) -> str:
    """The key of a directory's password in the secret store."""
    return f"directory:{directory_name}"


_SELECT = (
    "SELECT d.id, d.name, d.kind, d.url, d.collection_url, d.username, d.sync_token, "
    "d.synced_at, d.last_error, (SELECT count(contact_id) FROM directory_cards c "
    "WHERE c.directory_id = d.id), d.options, (SELECT count(*) FROM directory_outbox o "
    "WHERE o.directory_id = d.id), (SELECT count(*) FROM directory_cards h "
    "WHERE h.directory_id = d.id AND h.hidden_at IS NOT NULL) FROM directories d"
)


def directories(store: Store) -> list[Directory]:
    return [_directory(r) for r in store.connection.execute(f"{_SELECT} ORDER BY d.name")]


def directory(store: Store, name: str) -> Directory | None:
    row = store.connection.execute(f"{_SELECT} WHERE d.name = ?", (name,)).fetchone()
    return _directory(row) if row is not None else None


def add_directory(
    store: Store,
    name: str,
    kind: str,
    url: str,
    collection_url: str,
    username: str,
    options: Mapping[str, str] | None = None,
) -> Directory:
    try:
        store.connection.execute(
            "INSERT INTO directories(name, kind, url, collection_url, username, created_at, "
            "options) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (name, kind, url, collection_url, username, int(time.time()),
             json.dumps(dict(options or {}))),
        )  # fmt: skip
    except sqlite3.IntegrityError as exc:
        raise StoreError(f"there is a directory named {name!r} already") from exc
    found = directory(store, name)
    assert found is not None
    return found


def update_directory(
    store: Store,
    target: Directory,
    name: str,
    url: str,
    collection_url: str,
    username: str,
    options: Mapping[str, str],
) -> Directory:
    """Change where and as whom `target` is reached, and what it is called; its mirrored
    contacts stay, so calls linked to them keep their person. Once the server, book or user
    changes, its sync token means nothing there: the next sync lists everything again and
    replaces only what differs. A book that moved to another path keeps its cards by their
    names in it (the key is the path), as does a call note still waiting to be shared."""
    conn = store.connection
    moved = _book_path(target, collection_url)
    reached_anew = (url, collection_url, username, dict(options)) != (
        target.url, target.collection_url, target.username, dict(target.options))  # fmt: skip
    with store.transaction():
        try:
            updated = conn.execute(
                "UPDATE directories SET name = ?, url = ?, collection_url = ?, username = ?, "
                "options = ?, sync_token = CASE WHEN ? THEN '' ELSE sync_token END "
                "WHERE id = ?",
                (name, url, collection_url, username, json.dumps(dict(options)), reached_anew,
                 target.id),
            )  # fmt: skip
        except sqlite3.IntegrityError as exc:
            raise StoreError(f"there is a directory named {name!r} already") from exc
        if updated.rowcount == 0:
            raise StoreError(f"there is no directory named {target.name!r}")
        if moved is not None:
            old, new = moved
            for table in ("directory_cards", "directory_outbox"):
                conn.execute(
                    f"UPDATE {table} SET href = ? || substr(href, ?) "  # noqa: S608 (constants)
                    "WHERE directory_id = ? AND substr(href, 1, ?) = ?",
                    (new, len(old) + 1, target.id, len(old), old),
                )
    found = directory(store, name)
    assert found is not None
    return found


def _book_path(target: Directory, collection_url: str) -> tuple[str, str] | None:
    """A CardDAV book's old and new path (each ending in "/") when it moved, else None."""
    if target.kind != "carddav":
        return None
    from urllib.parse import unquote, urlsplit  # an edit only: the ring path never needs it

    def path(url: str) -> str:
        return unquote(urlsplit(url).path).rstrip("/") + "/"

    old, new = path(target.collection_url), path(collection_url)
    return (old, new) if old != new else None


def remove_directory(store: Store, name: str) -> int:
    """Remove a directory and the contacts mirrored from it (their calls stay in the
    history, as calls from numbers nobody has, or of the rep's contact who has that number
    too); returns how many contacts went."""
    conn = store.connection
    with store.transaction():
        row = conn.execute("SELECT id FROM directories WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise StoreError(f"there is no directory named {name!r}")
        ids = [r[0] for r in conn.execute(
            "SELECT contact_id FROM directory_cards WHERE directory_id = ? "
            "AND contact_id IS NOT NULL", (row[0],))]  # fmt: skip
        left = [call for contact_id in ids for call in _forget_contact(conn, contact_id)]
        # A number the rep's own contact has too (a team's switchboard): its calls are theirs.
        give_to_holders(conn, store.contact_of, left)
        conn.execute("DELETE FROM directories WHERE id = ?", (row[0],))
        return len(ids)


def known_cards(store: Store, directory_id: int) -> dict[str, str]:
    """href -> ETag of every card mirrored from this directory."""
    rows = store.connection.execute(
        "SELECT href, etag FROM directory_cards WHERE directory_id = ?", (directory_id,)
    )
    return {str(href): str(etag) for href, etag in rows}


def record_error(store: Store, directory_id: int, message: str) -> None:
    """Remember why the last sync failed (the mirror itself stays as it was). Best effort: a
    busy database must not hide the sync's own error."""
    try:
        store.connection.execute(
            "UPDATE directories SET last_error = ? WHERE id = ?", (message, directory_id)
        )
    except sqlite3.Error as exc:
        log.warning("directory %d: last error not saved (%s)", directory_id, exc)


def contact_sources(store: Store, contact_ids: Iterable[int]) -> dict[int, str]:
    """Where each contact comes from: a directory's name, or LOCAL_SOURCE."""
    ids = sorted(set(contact_ids))
    sources = dict.fromkeys(ids, LOCAL_SOURCE)
    if not ids:
        return sources
    marks = ", ".join("?" * len(ids))
    rows = store.connection.execute(
        "SELECT c.contact_id, d.name FROM directory_cards c "  # noqa: S608 (only "?" marks)
        f"JOIN directories d ON d.id = c.directory_id WHERE c.contact_id IN ({marks})",
        ids,
    )
    sources.update((int(cid), str(name)) for cid, name in rows)
    return sources


@dataclass(frozen=True)
class WaitingNote:
    id: int
    href: str
    note: str  # the X-CALLERCARD-ATTEMPT value (desktop.core.call_notes)
    tries: int


def enqueue_note(store: Store, cards: Iterable[tuple[int, str]], note: str) -> list[int]:
    """Queue a call note for these cards (directory id, href), in one transaction; returns
    the queue's ids. Written to the server by note_writer.flush_outbox."""
    ids = []
    with store.transaction():
        for directory_id, href in cards:
            cur = store.connection.execute(
                "INSERT INTO directory_outbox(directory_id, href, note, created_at) "
                "VALUES (?, ?, ?, ?)",
                (directory_id, href, note, int(time.time())),
            )
            ids.append(int(cur.lastrowid or 0))
    return ids


def waiting_notes(store: Store, directory_id: int) -> list[WaitingNote]:
    rows = store.connection.execute(
        "SELECT id, href, note, tries FROM directory_outbox WHERE directory_id = ? ORDER BY id",
        (directory_id,),
    )
    return [WaitingNote(int(i), str(h), str(n), int(t)) for i, h, n, t in rows]


def note_written(store: Store, outbox_id: int) -> None:
    """Shared, or refused for good: out of the queue."""
    store.connection.execute("DELETE FROM directory_outbox WHERE id = ?", (outbox_id,))


def note_failed(store: Store, outbox_id: int, message: str) -> None:
    store.connection.execute(
        "UPDATE directory_outbox SET tries = tries + 1, last_error = ? WHERE id = ?",
        (message, outbox_id),
    )


def contact_origins(store: Store, contact_ids: Iterable[int]) -> dict[int, Origin]:
    """The directory each mirrored contact comes from, with its priority (the lookup's one
    entry per person); contacts not listed are the local book's."""
    ids = sorted(set(contact_ids))
    if not ids:
        return {}
    marks = ", ".join("?" * len(ids))
    rows = store.connection.execute(
        "SELECT c.contact_id, d.kind, d.name FROM directory_cards c "  # noqa: S608 ("?" only)
        f"JOIN directories d ON d.id = c.directory_id WHERE c.contact_id IN ({marks})",
        ids,
    )
    return {int(cid): Origin(RANKS.get(str(kind), len(RANKS)), str(name))
            for cid, kind, name in rows}  # fmt: skip


def apply_changes(
    store: Store,
    target: Directory,
    token: str,
    cards: Mapping[str, tuple[str, ContactRow | None]],
    deleted: Collection[str],
    notes: Mapping[str, Sequence[CallNote]] | None = None,
    uids: Mapping[str, str] | None = None,
    groups: Collection[str] = (),
) -> MirrorCounts:
    """One sync's result in one transaction: cards by href (ETag, and the contact it reads as,
    or None when it could not be read), hrefs gone, the token to start from next time, the
    shared call notes the cards hold (by href), recorded once each as attempts, the cards'
    own UIDs (by href; LDAP's entryUUID / objectGUID, of unchanged entries too), and the
    hrefs of group cards among `cards` (None, as unreadable ones, but not counted as such: a
    group is nobody to call)."""
    conn = store.connection
    uids = uids or {}
    added = changed = removed = unreadable = 0
    with store.transaction(), _bulk_index(store, target.id, deleted):
        row = conn.execute(
            "SELECT sync_token FROM directories WHERE id = ?", (target.id,)
        ).fetchone()
        if row is None:
            raise StoreError(f"{target.name}: the directory was removed during the sync")
        if row[0] != target.sync_token:
            raise StoreError(f"{target.name}: another sync updated the mirror meanwhile; "
                             "nothing applied, sync again")  # fmt: skip
        for href, uid in uids.items():
            if href not in cards:  # unchanged, listed with its UID: learned if new to us
                conn.execute(
                    "UPDATE directory_cards SET uid = ? WHERE directory_id = ? AND href = ? "
                    "AND uid <> ?", (uid, target.id, href, uid),
                )  # fmt: skip
        moved = _moved_cards(conn, target.id, cards, deleted, uids)
        for new_href, old_href in moved.items():
            for table in ("directory_cards", "directory_outbox"):
                conn.execute(
                    f"UPDATE {table} SET href = ? "  # noqa: S608 (constants)
                    "WHERE directory_id = ? AND href = ?",
                    (new_href, target.id, old_href),
                )
        deleted = [href for href in deleted if href not in moved.values()]
        hidden = _hidden_cards(conn, target.id)
        renamed = _renamed_cards(conn, target.id, cards, deleted, hidden)
        kept = {contact_id for _old, contact_id in renamed.values()}
        # What each card was when last applied (ETag, NOTE), read before a renamed card's old
        # row goes with the deleted ones.
        before = {href: _applied(conn, target.id, renamed[href][0] if href in renamed else href)
                  for href in cards}  # fmt: skip
        for href in deleted:
            contact_id = _card_contact(conn, target.id, href)
            if contact_id is not None and contact_id not in kept:
                _forget_contact(conn, contact_id)
                removed += 1
            conn.execute(
                "DELETE FROM directory_cards WHERE directory_id = ? AND href = ?",
                (target.id, href),
            )
        for new_href, (old_href, _contact_id) in renamed.items():
            conn.execute(
                "UPDATE directory_outbox SET href = ? WHERE directory_id = ? AND href = ?",
                (new_href, target.id, old_href),
            )
        for href, (etag, draft) in cards.items():
            uid = uids.get(href, "")
            if href in hidden:  # the rep deleted its contact: changed or not, it stays out
                conn.execute(
                    "UPDATE directory_cards SET etag = ?, uid = ? "
                    "WHERE directory_id = ? AND href = ?",
                    (etag, uid, target.id, href),
                )
                continue
            contact_id = _card_contact(conn, target.id, href)
            if contact_id is None and href in renamed:
                contact_id = renamed[href][1]
            applied_etag, applied_note = before[href]
            note = _card_values(draft)["notes"] if draft is not None else None
            if draft is None:
                if href not in groups:
                    unreadable += 1
                if contact_id is not None:
                    _forget_contact(conn, contact_id)
                    removed += 1
                    contact_id = None
            elif contact_id is None:
                contact_id = store.add_contact(_new_contact(draft))
                added += 1
            elif applied_etag == REREAD + etag:
                # Read again after an upgrade, unchanged on the server: only what the mirror
                # used to read wrong (its numbers) is replaced; a field the rep changed stays.
                _replace_numbers(store, contact_id, draft)
            else:
                _update_contact(store, contact_id, draft, applied_note)
                changed += 1
            conn.execute(
                "INSERT INTO directory_cards(directory_id, href, etag, contact_id, uid, note) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(directory_id, href) DO UPDATE SET "
                "etag = excluded.etag, contact_id = excluded.contact_id, uid = excluded.uid, "
                "note = excluded.note",
                (target.id, href, etag, contact_id, uid, note),
            )
            if contact_id is not None and draft is not None and notes and href in notes:
                _record_notes(conn, contact_id, draft, notes[href])
        demo_removed = _replace_demo(store, target)
        store.adopt_unknown_calls()  # an unknown caller's calls, now the team contact's
        conn.execute(
            "UPDATE directories SET sync_token = ?, synced_at = ?, last_error = '' WHERE id = ?",
            (token, int(time.time()), target.id),
        )
    return MirrorCounts(added, changed, removed, unreadable, demo_removed)


def _replace_demo(store: Store, target: Directory) -> int:
    """The team's contacts have arrived: the bundled demo book goes, as a first import takes
    it (a demo Mike Kowalski among the team's people would pop cards for nobody). Any sync
    that leaves the directory with contacts does it, not only the one that added it: a book
    whose first sync failed (server down, wrong password) fills on a later one. An empty book
    leaves the demo. Before adopt_unknown_calls, so a real call a demo contact had goes to
    the team contact with that number."""
    if not store.demo_contact_count():
        return 0
    has_contacts = store.connection.execute(
        "SELECT 1 FROM directory_cards WHERE directory_id = ? AND contact_id IS NOT NULL "
        "LIMIT 1", (target.id,),
    ).fetchone()  # fmt: skip
    return store.remove_demo_book() if has_contacts else 0


def _moved_cards(
    conn: sqlite3.Connection,
    directory_id: int,
    cards: Mapping[str, tuple[str, ContactRow | None]],
    deleted: Collection[str],
    uids: Mapping[str, str],
) -> dict[str, str]:
    """New card href -> the gone href of the card with the same UID: the server renamed the
    card's file (a delete and a put under another name). The card moves with its contact and
    its state (hidden, the fields and numbers an import merged in, the calls linked to it),
    whatever changed in it meanwhile. A UID on two cards on either side moves nothing."""
    if not deleted or not uids:
        return {}
    gone = set(deleted)
    fresh: dict[str, list[str]] = {}
    for href in cards:
        uid = uids.get(href, "")
        if uid and not _has_card(conn, directory_id, href):
            fresh.setdefault(uid, []).append(href)
    moved: dict[str, str] = {}
    for uid, hrefs in fresh.items():
        rows = [str(href) for (href,) in conn.execute(
            "SELECT href FROM directory_cards WHERE directory_id = ? AND uid = ?",
            (directory_id, uid))]  # fmt: skip
        if len(hrefs) == 1 and len(rows) == 1 and rows[0] in gone:
            moved[hrefs[0]] = rows[0]
    return moved


def _applied(conn: sqlite3.Connection, directory_id: int, href: str) -> tuple[str, str | None]:
    """A card's ETag and NOTE as the mirror last applied them ("", None: never)."""
    row = conn.execute(
        "SELECT etag, note FROM directory_cards WHERE directory_id = ? AND href = ?",
        (directory_id, href),
    ).fetchone()
    return (str(row[0]), None if row[1] is None else str(row[1])) if row else ("", None)


def _has_card(conn: sqlite3.Connection, directory_id: int, href: str) -> bool:
    return conn.execute(
        "SELECT 1 FROM directory_cards WHERE directory_id = ? AND href = ?", (directory_id, href)
    ).fetchone() is not None


def _renamed_cards(
    conn: sqlite3.Connection,
    directory_id: int,
    cards: Mapping[str, tuple[str, ContactRow | None]],
    deleted: Collection[str],
    hidden: Collection[str],
) -> dict[str, tuple[str, int]]:
    """New card href -> (the gone href, its contact) for a card that is the same person under
    another file name: a book moved to a server that names its cards differently lists every
    card anew and none of the old ones. Without this their contacts would be removed and added
    again, and every call linked to them would lose its person. The same person is the same
    name and the same numbers, matched one to one (two alike on either side: not matched)."""
    if not deleted:
        return {}
    gone: dict[tuple[str, tuple[str, ...]], list[tuple[str, int]]] = {}
    for href in deleted:
        contact_id = _card_contact(conn, directory_id, href)
        if contact_id is None:
            continue
        row = conn.execute("SELECT name FROM contacts WHERE id = ?", (contact_id,)).fetchone()
        numbers = tuple(sorted(str(n) for (n,) in conn.execute(
            "SELECT e164 FROM phone_numbers WHERE contact_id = ? AND e164 IS NOT NULL",
            (contact_id,))))  # fmt: skip
        if row is not None:
            gone.setdefault((_same_name(str(row[0])), numbers), []).append((href, contact_id))
    new: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    for href, (_etag, draft) in cards.items():
        if (draft is not None and href not in hidden
                and _card_contact(conn, directory_id, href) is None):  # fmt: skip
            numbers = tuple(sorted(n[1] for n in draft.numbers if n[1]))
            name = _same_name(_card_values(draft)["name"])
            new.setdefault((name, numbers), []).append(href)
    return {hrefs[0]: gone[key][0] for key, hrefs in new.items()
            if len(hrefs) == 1 and len(gone.get(key, ())) == 1 and key[0]}  # fmt: skip


def _hidden_cards(conn: sqlite3.Connection, directory_id: int) -> set[str]:
    return {str(href) for (href,) in conn.execute(
        "SELECT href FROM directory_cards WHERE directory_id = ? AND hidden_at IS NOT NULL",
        (directory_id,))}  # fmt: skip


def show_hidden(store: Store, name: str) -> int:
    """The rep wants the cards hidden from this directory back: the next sync reads them
    afresh (their ETags and the directory's sync token are forgotten, so even an entry that
    never changed is listed and fetched again). Returns how many were hidden."""
    with store.transaction():
        row = store.connection.execute(
            "SELECT id FROM directories WHERE name = ?", (name,)).fetchone()  # fmt: skip
        if row is None:
            raise StoreError(f"there is no directory named {name!r}")
        shown = store.connection.execute(
            "UPDATE directory_cards SET hidden_at = NULL, etag = '' "
            "WHERE directory_id = ? AND hidden_at IS NOT NULL", (row[0],),
        ).rowcount  # fmt: skip
        if shown:
            store.connection.execute(
                "UPDATE directories SET sync_token = '' WHERE id = ?", (row[0],))
    return int(shown)


def _same_name(name: str) -> str:
    return " ".join(name.casefold().split())


def _record_notes(
    conn: sqlite3.Connection, contact_id: int, row: ContactRow, notes: Sequence[CallNote]
) -> None:
    """A card's call notes as attempts, each once (by its id, whoever wrote it: this rep's
    own come back from the card already recorded, a wrap-up's under its call's own key), a
    note changed since it was read (a wrap-up edited later) with what it says now."""
    from desktop.core.call_notes import WRAP_UP_NOTE_PREFIX  # only a sync gets here

    e164 = next((n[1] for n in row.numbers if n[1]), None)
    wrapped = _wrapped_here(conn, contact_id, row) if any(
        n.id.startswith(WRAP_UP_NOTE_PREFIX) for n in notes) else set()  # fmt: skip
    for note in notes:
        if note.id in wrapped:
            continue
        at = int(note.at.timestamp())
        # A note read before and changed since (its rep edited the wrap-up) is updated; who
        # wrote it is not (this rep's own log-call notes are kept as "", their own).
        cur = conn.execute(
            "INSERT INTO attempts(contact_id, number_e164, direction, at, outcome, message, "
            "reason, source, call_key, rep) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(source, call_key) WHERE call_key <> '' DO UPDATE SET "
            "outcome = excluded.outcome, message = excluded.message, reason = excluded.reason "
            "WHERE (outcome, message, reason) IS NOT "
            "(excluded.outcome, excluded.message, excluded.reason)",
            (contact_id, e164, note.direction.value, at, note.outcome.value, note.message,
             note.reason, CALL_NOTE_SOURCE, note.id, note.rep),
        )  # fmt: skip
        if cur.rowcount == 1 and note.outcome is not Outcome.MISSED:
            conn.execute(
                "UPDATE contacts SET last_contacted_at = max(coalesce(last_contacted_at, 0), ?) "
                "WHERE id = ?",
                (at, contact_id),
            )


def _wrapped_here(conn: sqlite3.Connection, contact_id: int, row: ContactRow) -> set[str]:
    """The note ids of the calls recorded here with this contact or one of the card's
    numbers: a contact's few calls, hashed only when a card holds a wrap-up's note."""
    from desktop.core.call_notes import attempt_note_id

    numbers = sorted({n[1] for n in row.numbers if n[1]})
    marks = ", ".join("?" * len(numbers)) or "NULL"
    rows = conn.execute(
        "SELECT source, call_key FROM attempts WHERE source != ? AND (contact_id = ? "  # noqa: S608
        f"OR number_e164 IN ({marks}))",
        (CALL_NOTE_SOURCE, contact_id, *numbers),
    )
    return {attempt_note_id(str(source), str(key)) for source, key in rows}


def _bulk_index(
    store: Store, directory_id: int, deleted: Collection[str]
) -> AbstractContextManager[None]:
    """A first sync only adds: its contacts are indexed for search in one statement at the
    end, as a bulk import's are. Not when anything is deleted or replaced: a row added after
    the newest row was deleted would take that row's id, below the deferral's mark, and never
    be indexed."""
    mirrored = store.connection.execute(
        "SELECT 1 FROM directory_cards WHERE directory_id = ? LIMIT 1", (directory_id,)
    ).fetchone()
    if mirrored is None and not deleted:
        return store.deferred_search_index()
    return nullcontext()


def _card_contact(conn: sqlite3.Connection, directory_id: int, href: str) -> int | None:
    row = conn.execute(
        "SELECT contact_id FROM directory_cards WHERE directory_id = ? AND href = ?",
        (directory_id, href),
    ).fetchone()
    return int(row[0]) if row is not None and row[0] is not None else None


def _forget_contact(conn: sqlite3.Connection, contact_id: int) -> list[int]:
    """Delete a mirrored contact; returns the ids of their calls, which stay (deleting would
    cascade to them), as calls from a number nobody has until someone who has it takes them
    (call_heirs.give_to_holders; a sync's adopt_unknown_calls)."""
    left = [row[0] for row in conn.execute(
        "UPDATE attempts SET contact_id = NULL WHERE contact_id = ? RETURNING id", (contact_id,)
    ).fetchall()]  # fmt: skip
    conn.execute("DELETE FROM contacts WHERE id = ?", (contact_id,))
    return left


def _card_values(row: ContactRow) -> dict[str, str]:
    values = dict(zip(CONTACT_FIELDS, row.fields, strict=True))
    return {name: values[name] for name in _CARD_FIELDS}


def _new_contact(row: ContactRow) -> NewContact:
    v = _card_values(row)
    return NewContact(
        name=v["name"], title=v["title"], company=v["company"], email=v["email"],
        notes=v["notes"], numbers=tuple(StoredNumber(*n) for n in row.numbers),
    )  # fmt: skip


def _update_contact(
    store: Store, contact_id: int, row: ContactRow, applied_note: str | None
) -> None:
    conn = store.connection
    # A field the card leaves empty keeps what an import of the rep's own sheet filled in
    # (import_changes, while that import stands), as the numbers it brought do below.
    imported = {str(f) for (f,) in conn.execute(
        "SELECT c.field FROM import_changes c JOIN import_batches b ON b.id = c.batch_id "
        "WHERE c.contact_id = ? AND b.undone_at IS NULL", (contact_id,))}  # fmt: skip
    card = _card_values(row)
    values = {k: v for k, v in card.items() if k != "notes" and (v or k not in imported)}
    (local,) = conn.execute("SELECT notes FROM contacts WHERE id = ?", (contact_id,)).fetchone()
    notes = kept_notes(str(local or ""), card["notes"], applied_note)
    if notes is not None:
        values["notes"] = notes
    assignments = "".join(f"{name} = ?, " for name in values)
    conn.execute(
        f"UPDATE contacts SET {assignments}updated_at = ? WHERE id = ?",  # noqa: S608
        (*values.values(), int(time.time()), contact_id),
    )
    _replace_numbers(store, contact_id, row)


def _replace_numbers(store: Store, contact_id: int, row: ContactRow) -> None:
    conn = store.connection
    # The card's numbers are replaced; those the rep gave this person by hand or an import
    # merged in (a row of their own sheet that is this team contact) stay, and one the rep
    # took off stays off, as an import's would. Undoing that import still takes its own away.
    conn.execute("DELETE FROM phone_numbers WHERE contact_id = ? AND NOT by_hand "
                 "AND import_batch_id IS NULL", (contact_id,))  # fmt: skip
    kept = {(e164, ext) for e164, ext in conn.execute(
        "SELECT e164, extension FROM phone_numbers WHERE contact_id = ?", (contact_id,))}
    kept |= removed_numbers.removed_from(conn, contact_id)
    store.add_numbers(contact_id, [StoredNumber(*n) for n in row.numbers
                                   if not (n[1] or n[2]) or (n[1], n[2]) not in kept])  # fmt: skip


def kept_notes(local: str, card: str, applied: str | None = None) -> str | None:
    """A team contact's notes once its card changed (None: as they are). The rep writes notes
    on team contacts too, and the contact view lets them: a card's NOTE never takes them away.
    `applied` is the card's note as last brought in (None: not known, a mirror from before
    schema 20). A note that did not change changes nothing (had the rep deleted it, it stays
    deleted), nor does one they already hold. A note rewritten or removed on the server is
    replaced where its old text stands in their notes, and what the rep wrote around it
    stays. Otherwise (its old text not known, or the rep edited it) no card's note is taken
    away: no note leaves them alone, one that grew from what they hold replaces it, any other
    is added after them, for the rep to tidy."""
    card = card.strip()
    old = (applied or "").strip()
    if applied is not None and card == old:
        return None
    if card and card in local:
        return None
    at = _standing(local, old) if old else -1
    if at >= 0:
        head, tail = local[:at], local[at + len(old):]
        if card:
            return f"{head}{card}{tail}"
        return "\n".join(part for part in (head.rstrip(), tail.strip()) if part)
    if not card:
        return None
    if not local.strip() or local.strip() in card:
        return card
    return f"{local.rstrip()}\n\n{card}"


def _standing(text: str, part: str) -> int:
    """Where `part` stands as lines of their own in `text` (-1: nowhere), so a short team
    note ("VIP") is never cut out of the middle of what the rep wrote ("VIP since 2019")."""
    start = 0
    while (at := text.find(part, start)) >= 0:
        end = at + len(part)
        if (at == 0 or text[at - 1] == "\n") and (end == len(text) or text[end] in "\r\n"):
            return at
        start = at + 1
    return -1


def _directory(row: tuple[object, ...]) -> Directory:
    (did, name, kind, url, collection, user, token, synced, error, cards, options, waiting,
     hidden) = row  # fmt: skip
    return Directory(
        id=int(did),  # type: ignore[call-overload]
        name=str(name), kind=str(kind), url=str(url), collection_url=str(collection),
        username=str(user), sync_token=str(token),
        synced_at=datetime.fromtimestamp(synced, UTC) if isinstance(synced, int) else None,
        last_error=str(error), cards=int(cards),  # type: ignore[call-overload]
        options={str(k): str(v) for k, v in json.loads(str(options)).items()},
        waiting=int(waiting),  # type: ignore[call-overload]
        hidden=int(hidden),  # type: ignore[call-overload]
    )  # fmt: skip

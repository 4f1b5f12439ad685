"""Writing a call note back into the contact's card on the team's CardDAV server.

The card is read fresh (GET), the note added to exactly that text (desktop.core.call_notes
leaves every other line as it was), and written with `If-Match` on the ETag just read. A 412
means a teammate changed the card in between: it is read again, the note added to their
version, and written again, so their edit is never overwritten. A server that gives no ETag is
not written to at all: without one a write could undo a teammate's edit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import quote, urljoin

from desktop.adapters.directories import mirror
from desktop.adapters.directories.dav_http import TIMEOUT_S, DavClient, DavError, short_url
from desktop.adapters.directories.mirror import Directory
from desktop.adapters.importing.vcards import decode_vcard_bytes
from desktop.adapters.store import Store
from desktop.core.call_notes import CallNote, parse_note, with_note

MAX_TRIES = 5
VCARD_TYPE = "text/vcard; charset=utf-8"
_REFUSED_FOR_GOOD = frozenset({403, 404, 405, 409, 410, 415})


class NoteRefused(DavError):
    """The server will never take this note (the card is gone, the book is read-only for this
    user, the card is not one): trying again would not help."""


@dataclass(frozen=True)
class SharedCard:
    directory: Directory
    href: str  # the card's path, as the mirror keys it
    contact_id: int

    @property
    def url(self) -> str:
        return urljoin(self.directory.collection_url, quote(self.href, safe="/@:+~!$&'()*,;="))


def shared_cards(store: Store, contact_ids: Iterable[int]) -> list[SharedCard]:
    """The CardDAV cards these contacts were mirrored from (LDAP directories are read-only)."""
    ids = sorted(set(contact_ids))
    if not ids:
        return []
    books = {d.id: d for d in mirror.directories(store) if d.kind == "carddav"}
    marks = ", ".join("?" * len(ids))
    rows = store.connection.execute(
        "SELECT directory_id, href, contact_id FROM directory_cards "  # noqa: S608 ("?" only)
        f"WHERE contact_id IN ({marks}) ORDER BY directory_id, href",
        ids,
    )
    return [SharedCard(books[d], str(href), int(c)) for d, href, c in rows if d in books]


def write_note(
    client: DavClient,
    url: str,
    note: CallNote,
    *,
    max_tries: int = MAX_TRIES,
    before_put: Callable[[], None] | None = None,
) -> int:
    """Adds `note` to the card at `url`; returns how many teammates' edits it met (412s) and
    merged with. Raises DavError when it could not be written. `before_put` runs between
    reading and writing (where a teammate's edit would land)."""
    for conflicts in range(max_tries):
        got = client.request("GET", url)
        if got.status in (404, 410):
            raise NoteRefused(f"{short_url(url)}: the card is no longer on the server "
                              f"({got.status})")  # fmt: skip
        if got.status != 200:
            raise DavError(f"{short_url(url)}: the server answered GET with {got.status} "
                           f"{got.reason}")  # fmt: skip
        etag = got.headers.get("etag", "")
        if not etag:
            raise NoteRefused(f"{short_url(url)}: the server gives the card no ETag, so it cannot "
                           "be changed without risking a teammate's edit; not written")  # fmt: skip
        text = decode_vcard_bytes(got.body)
        try:
            updated = with_note(text, note)
        except ValueError as exc:
            raise NoteRefused(f"{short_url(url)}: {exc}; not written") from exc
        if updated == text:
            return conflicts  # written already (a retry after an answer that got lost)
        if before_put is not None:
            before_put()
        put = client.request("PUT", url, updated.encode("utf-8"), content_type=VCARD_TYPE,
                             if_match=etag)  # fmt: skip
        if put.status in (200, 201, 204):
            return conflicts
        if put.status in _REFUSED_FOR_GOOD:
            raise NoteRefused(f"{short_url(url)}: the server refused the change ({put.status} "
                              f"{put.reason}); is the book read-only for you?")  # fmt: skip
        if put.status != 412:
            raise DavError(f"{short_url(url)}: the server answered PUT with {put.status} "
                           f"{put.reason}")  # fmt: skip
        # 412 Precondition Failed: a teammate's edit landed in between; read theirs again.
    raise DavError(f"{short_url(url)}: the card changed {max_tries} times while the note was "
                   "being written; not written")  # fmt: skip


@dataclass(frozen=True)
class Flushed:
    shared: int = 0
    conflicts: int = 0  # teammates' edits met and merged with
    refused: tuple[str, ...] = ()  # notes the server will never take, and why (dropped)


def flush_outbox(
    store: Store,
    target: Directory,
    client: DavClient,
    *,
    only: Iterable[int] | None = None,
    before_put: Callable[[], None] | None = None,
) -> Flushed:
    """Writes the call notes queued for `target` (or only those queue ids) into their cards.
    A note written, or refused for good, leaves the queue; any other failure keeps it (with
    its reason) and raises DavError, since the next note would meet the same server."""
    wanted = set(only) if only is not None else None
    shared = conflicts = 0
    refused: list[str] = []
    for waiting in mirror.waiting_notes(store, target.id):
        if wanted is not None and waiting.id not in wanted:
            continue
        note = parse_note(waiting.note)
        card = SharedCard(target, waiting.href, 0)
        try:
            if note is None:
                raise NoteRefused(f"{waiting.href}: a call note this version cannot read")
            conflicts += write_note(client, card.url, note, before_put=before_put)
        except NoteRefused as exc:
            refused.append(str(exc))
            mirror.note_written(store, waiting.id)
            continue
        except DavError as exc:
            mirror.note_failed(store, waiting.id, str(exc))
            raise
        mirror.note_written(store, waiting.id)
        shared += 1
    return Flushed(shared, conflicts, tuple(refused))


def share_note(
    store: Store,
    target: Directory,
    queued: Iterable[int],
    password: str,
    *,
    timeout: float = TIMEOUT_S,
    before_put: Callable[[], None] | None = None,
) -> Flushed:
    """Writes these queued notes of `target` now (raises DavError, the notes kept queued)."""
    with DavClient(username=target.username, password=password, timeout=timeout,
                   ca_file=target.options.get("ca_file", "")) as client:  # fmt: skip
        return flush_outbox(store, target, client, only=queued, before_put=before_put)

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
from desktop.core.call_notes import CallNote, with_note

MAX_TRIES = 5
VCARD_TYPE = "text/vcard; charset=utf-8"


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
        if got.status == 404:
            raise DavError(f"{short_url(url)}: the card is no longer on the server (404)")
        if got.status != 200:
            raise DavError(f"{short_url(url)}: the server answered GET with {got.status} "
                           f"{got.reason}")  # fmt: skip
        etag = got.headers.get("etag", "")
        if not etag:
            raise DavError(f"{short_url(url)}: the server gives the card no ETag, so it cannot "
                           "be changed without risking a teammate's edit; not written")  # fmt: skip
        text = decode_vcard_bytes(got.body)
        try:
            updated = with_note(text, note)
        except ValueError as exc:
            raise DavError(f"{short_url(url)}: {exc}; not written") from exc
        if updated == text:
            return conflicts  # written already (a retry after an answer that got lost)
        if before_put is not None:
            before_put()
        put = client.request("PUT", url, updated.encode("utf-8"), content_type=VCARD_TYPE,
                             if_match=etag)  # fmt: skip
        if put.status in (200, 201, 204):
            return conflicts
        if put.status != 412:
            raise DavError(f"{short_url(url)}: the server answered PUT with {put.status} "
                           f"{put.reason}")  # fmt: skip
        # 412 Precondition Failed: a teammate's edit landed in between; read theirs again.
    raise DavError(f"{short_url(url)}: the card changed {max_tries} times while the note was "
                   "being written; not written")  # fmt: skip


def share_note(
    card: SharedCard,
    note: CallNote,
    password: str,
    *,
    timeout: float = TIMEOUT_S,
    before_put: Callable[[], None] | None = None,
) -> int:
    """Writes `note` into `card` on its server; returns the 412 conflicts merged."""
    with DavClient(username=card.directory.username, password=password,
                   timeout=timeout) as client:  # fmt: skip
        return write_note(client, card.url, note, before_put=before_put)

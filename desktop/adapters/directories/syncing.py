"""One sync of one directory: fetch what changed over the network, read the cards with the
contact importer's vCard code, then apply the whole result to the mirror in one transaction.

Nothing is written until everything has arrived and been read, so a server that stops, refuses
or sends nonsense mid-sync leaves the mirror as it was (only the error is remembered).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from desktop.adapters.directories import mirror
from desktop.adapters.directories.carddav import Progress, discover, fetch_changes
from desktop.adapters.directories.dav_http import TIMEOUT_S, DavClient, DavError
from desktop.adapters.directories.mirror import Directory, MirrorCounts
from desktop.adapters.importing.vcards import parse_card, split_cards
from desktop.adapters.secrets import SecretStore
from desktop.adapters.store import Store
from desktop.core.import_mapping import ContactDraft, RowProblem, Skipped, draft_from_card
from desktop.core.numbers import NumberPolicy


@dataclass(frozen=True)
class SyncReport:
    name: str
    counts: MirrorCounts
    method: str  # how the server was listed: "sync-collection", "incremental", "propfind"
    seconds: float
    problems: tuple[str, ...] = field(default=())  # cards that could not be read, and why

    def summary(self) -> str:
        c = self.counts
        text = (f"{self.name}: {c.added} added, {c.changed} changed, {c.removed} removed "
                f"({self.method}, {self.seconds:.1f} s)")  # fmt: skip
        if c.unreadable:
            text += f"; {c.unreadable} cards could not be read"
        return text


def password_for(target: Directory, secrets: SecretStore | None) -> str:
    """The directory's password from the secret store ("" for a server without auth)."""
    if not target.username or secrets is None:
        return ""
    return secrets.get(target.secret_name) or ""


def find_collection(url: str, username: str, password: str, timeout: float = TIMEOUT_S) -> str:
    """The address book's own URL, from it or from the server's base URL (raises DavError)."""
    with DavClient(username=username, password=password, timeout=timeout) as client:
        return discover(client, url)


def sync_directory(
    store: Store,
    target: Directory,
    password: str,
    policy: NumberPolicy,
    *,
    progress: Progress | None = None,
    timeout: float = TIMEOUT_S,
) -> SyncReport:
    """Bring the mirror of `target` up to date. Raises DavError (network, server) or
    StoreError (database) with the mirror unchanged; a DavError is remembered as last_error."""
    started = time.monotonic()
    known = mirror.known_cards(store, target.id)
    try:
        with DavClient(username=target.username, password=password, timeout=timeout) as client:
            changes = fetch_changes(
                client, target.collection_url, target.sync_token, known, progress
            )
    except DavError as exc:
        mirror.record_error(store, target.id, str(exc))
        raise
    problems: list[str] = []
    cards: dict[str, tuple[str, ContactDraft | None]] = {}
    for href, (etag, text) in changes.cards.items():
        draft = read_card(text, policy)
        if not isinstance(draft, ContactDraft):
            problems.append(f"{href}: {draft}")
            cards[href] = (etag, None)
        else:
            cards[href] = (etag, draft)
    counts = mirror.apply_changes(store, target, changes.token, cards, changes.deleted)
    return SyncReport(target.name, counts, changes.method, time.monotonic() - started,
                      tuple(problems))  # fmt: skip


def read_card(text: str, policy: NumberPolicy) -> ContactDraft | str:
    """One card's text as the importer reads a .vcf file: the contact, or why not."""
    blocks, shape = split_cards(text)
    if not blocks:
        return shape[0].message if shape else "no BEGIN:VCARD … END:VCARD in the card"
    card = parse_card(blocks[0])
    if isinstance(card, RowProblem):
        return card.message
    draft = draft_from_card(card, policy)
    if isinstance(draft, RowProblem):
        return draft.message
    if isinstance(draft, Skipped):
        return draft.reason
    return draft

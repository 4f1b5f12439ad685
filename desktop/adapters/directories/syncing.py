"""One sync of one directory: fetch what changed over the network, read the cards with the
contact importer's vCard code, then apply the whole result to the mirror in one transaction.

Nothing is written until everything has arrived and been read, so a server that stops, refuses
or sends nonsense mid-sync leaves the mirror as it was (only the error is remembered).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

from desktop.adapters.directories import mirror
from desktop.adapters.directories.carddav import (
    MULTIGET_BATCH,
    Progress,
    discover,
    fetch_changes,
)
from desktop.adapters.directories.dav_http import TIMEOUT_S, DavClient, DavError
from desktop.adapters.directories.mirror import Directory, MirrorCounts
from desktop.adapters.directories.note_writer import Flushed, flush_outbox
from desktop.adapters.importing.row_workers import RowWorkers
from desktop.adapters.importing.vcards import CardBlock, card_uid, split_cards
from desktop.adapters.secrets import SecretStore
from desktop.adapters.store import Store
from desktop.core.call_notes import notes_in
from desktop.core.import_mapping import RowProblem
from desktop.core.import_match import ContactRow
from desktop.core.numbers import NumberPolicy

# As the importer does for a .vcf file: vobject is most of a sync's own time, so a big book is
# read by worker processes, chunk by chunk. Starting them costs about what reading a thousand
# cards does, so smaller syncs stay in this process.
CHUNK_CARDS = 500
WORKERS = 2
WORKERS_FROM = 2000
_UNFOLD = re.compile(r"\r?\n[ \t]")
_GROUP_KIND = re.compile(
    r"^(?:[a-z0-9-]+\.)?(?:x-addressbookserver-)?kind(?:;[^:\r\n]*)?:[ \t]*group[ \t]*\r?$",
    re.IGNORECASE | re.MULTILINE,
)


@dataclass(frozen=True)
class SyncReport:
    name: str
    counts: MirrorCounts
    method: str  # how the server was listed: "sync-collection", "incremental", "propfind"
    seconds: float
    problems: tuple[str, ...] = field(default=())  # cards that could not be read, and why
    notes_shared: int = 0  # queued call notes written into their cards first

    def summary(self) -> str:
        c = self.counts
        text = (f"{self.name}: {c.added} added, {c.changed} changed, {c.removed} removed "
                f"({self.method}, {self.seconds:.1f} s)")  # fmt: skip
        if c.unreadable:
            text += f"; {c.unreadable} cards could not be read"
        if self.notes_shared:
            plural = "s" if self.notes_shared != 1 else ""
            text += f"; {self.notes_shared} call note{plural} shared"
        return text

    def demo_words(self) -> str:
        """" The 7 demo contacts were removed." (with a leading space), or ""."""
        n = self.counts.demo_removed
        if not n:
            return ""
        return f" The {n} demo contact{'s were' if n > 1 else ' was'} removed."


def password_for(target: Directory, secrets: SecretStore | None) -> str:
    """The directory's password from the secret store ("" for a server without auth)."""
    if not target.username or secrets is None:
        return ""
    return secrets.get(target.secret_name) or ""


def find_collection(
    url: str, username: str, password: str, timeout: float = TIMEOUT_S, *, ca_file: str = ""
) -> str:
    """The address book's own URL, from it or from the server's base URL (raises DavError)."""
    with DavClient(username=username, password=password, timeout=timeout,
                   ca_file=ca_file) as client:  # fmt: skip
        return discover(client, url)


def sync_directory(
    store: Store,
    target: Directory,
    password: str,
    policy: NumberPolicy,
    *,
    progress: Progress | None = None,
    timeout: float = TIMEOUT_S,
    batch: int = MULTIGET_BATCH,
) -> SyncReport:
    """Bring the mirror of `target` up to date. Raises DavError (network, server) or
    StoreError (database) with the mirror unchanged; a DavError is remembered as last_error."""
    if target.kind == "ldap":
        from desktop.adapters.directories.ldap_sync import sync_ldap

        return sync_ldap(store, target, password, policy, timeout=timeout)
    started = time.monotonic()
    known = mirror.known_cards(store, target.id)
    try:
        with DavClient(username=target.username, password=password, timeout=timeout,
                       ca_file=target.options.get("ca_file", "")) as client:  # fmt: skip
            # Queued call notes first, so this very sync reads them back with the cards.
            flushed = flush_outbox(store, target, client) if target.waiting else Flushed()
            changes = fetch_changes(
                client, target.collection_url, target.sync_token, known, progress, batch=batch
            )
    except DavError as exc:
        mirror.record_error(store, target.id, str(exc))
        raise
    problems: list[str] = [f"call note not shared: {reason}" for reason in flushed.refused]
    # A group is a list of members: nobody to call, so no contact ("Sales team" in search).
    groups = {href for href, (_etag, text) in changes.cards.items() if is_group_card(text)}
    cards: dict[str, tuple[str, ContactRow | None]] = {
        href: (changes.cards[href][0], None) for href in groups}  # fmt: skip
    people = {href: card for href, card in changes.cards.items() if href not in groups}
    for href, (etag, outcome) in read_cards(people, policy).items():
        if isinstance(outcome, ContactRow):
            cards[href] = (etag, outcome)
        else:
            problems.append(f"{href}: {outcome}")
            cards[href] = (etag, None)
    notes = {href: found for href, (_etag, text) in changes.cards.items()
             if (found := notes_in(text))}  # fmt: skip
    uids = {href: card_uid(text) for href, (_etag, text) in changes.cards.items()}
    counts = mirror.apply_changes(store, target, changes.token, cards, changes.deleted, notes,
                                  uids, groups)  # fmt: skip
    return SyncReport(target.name, counts, changes.method, time.monotonic() - started,
                      tuple(problems), flushed.shared)  # fmt: skip


def is_group_card(text: str) -> bool:
    """A contact group's card: vCard 4's KIND:group, or Apple Contacts' and iCloud's
    X-ADDRESSBOOKSERVER-KIND:group. An organisation's card (KIND:org) is someone to call."""
    return _GROUP_KIND.search(_UNFOLD.sub("", text)) is not None


def read_cards(
    texts: dict[str, tuple[str, str]], policy: NumberPolicy, workers: int | None = None
) -> dict[str, tuple[str, ContactRow | str]]:
    """Each card's text (href -> ETag, text) read as the importer reads a .vcf file: the
    contact, or why it could not be read. `workers`: processes to read with (None: WORKERS
    from WORKERS_FROM cards on)."""
    out: dict[str, tuple[str, ContactRow | str]] = {}
    hrefs = list(texts)
    blocks: list[CardBlock] = []
    for index, href in enumerate(hrefs):
        etag, text = texts[href]
        found, shape = split_cards(text)
        if found:
            # The block's line is its index here, to find its href again.
            blocks.append(CardBlock(index, found[0].text))
        else:
            out[href] = (etag, shape[0].message if shape else "no BEGIN:VCARD … END:VCARD")
    chunks = (blocks[k : k + CHUNK_CARDS] for k in range(0, len(blocks), CHUNK_CARDS))
    if workers is None:
        workers = WORKERS if len(blocks) >= WORKERS_FROM else 0
    with RowWorkers(workers, policy) as pool:
        for block, outcome in pool.cards(chunks):
            href = hrefs[block.line]
            read: ContactRow | str
            if isinstance(outcome, ContactRow):
                read = outcome
            elif isinstance(outcome, RowProblem):
                read = outcome.message
            else:
                read = outcome.reason
            out[href] = (texts[href][0], read)
    return out

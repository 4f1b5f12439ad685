"""One sync of an LDAP / Active Directory directory into the mirror, as a CardDAV book's:
everything is listed and read first, then applied in one transaction.

LDAP has no sync token that every server offers (AD's DirSync and OpenLDAP's syncrepl are
each their own), so each sync lists the whole subtree with a paged search; an entry's "ETag"
is a digest of the attributes read, so only entries that changed are rewritten, and a DN no
longer listed is deleted. Entries are keyed by their DN; their entryUUID / objectGUID is the
card's UID, so an entry moved to a new DN (renamed, in Active Directory) keeps its contact.
"""

from __future__ import annotations

import hashlib
import json
import time

from desktop.adapters.directories import mirror
from desktop.adapters.directories.ldap_client import (
    DEFAULT_FILTER,
    NAME_ATTRIBUTES,
    PAGE_SIZE,
    PHONE_ATTRIBUTES,
    TIMEOUT_S,
    UUID_ATTRIBUTES,
    Entry,
    LdapError,
    LdapTarget,
    search_entries,
)
from desktop.adapters.directories.mirror import Directory
from desktop.adapters.directories.syncing import SyncReport
from desktop.adapters.store import Store
from desktop.core.import_mapping import CardData, ContactDraft, RowProblem, draft_from_card
from desktop.core.import_match import ContactRow, contact_row
from desktop.core.numbers import NumberPolicy

METHOD = "paged search"


def ldap_target(target: Directory, password: str) -> LdapTarget:
    options = target.options
    return LdapTarget(
        url=target.url,
        base=target.collection_url,
        bind_dn=target.username,
        password=password,
        search_filter=options.get("filter") or DEFAULT_FILTER,
        start_tls=options.get("start_tls") == "1",
        ca_file=options.get("ca_file", ""),
    )


def sync_ldap(
    store: Store,
    target: Directory,
    password: str,
    policy: NumberPolicy,
    *,
    timeout: float = TIMEOUT_S,
    page_size: int = PAGE_SIZE,
) -> SyncReport:
    """Bring the mirror of an LDAP directory up to date. Raises LdapError (a DavError: the
    server) or StoreError (the database) with the mirror unchanged."""
    started = time.monotonic()
    known = mirror.known_cards(store, target.id)
    try:
        entries = search_entries(ldap_target(target, password), timeout=timeout,
                                 page_size=page_size)  # fmt: skip
    except LdapError as exc:
        mirror.record_error(store, target.id, str(exc))
        raise
    cards: dict[str, tuple[str, ContactRow | None]] = {}
    problems: list[str] = []
    for dn, entry in entries.items():
        digest = entry_digest(entry)
        if known.get(dn) == digest:
            continue
        read = entry_row(entry, policy)
        if isinstance(read, str):
            problems.append(f"{dn}: {read}")
            cards[dn] = (digest, None)
        else:
            cards[dn] = (digest, read)
    deleted = set(known) - set(entries)
    # Every listed entry's UUID, not only the changed ones': a mirror from before UUIDs were
    # read learns them all, so the next rename is followed.
    uids = {dn: uid for dn, entry in entries.items() if (uid := entry_uuid(entry))}
    # No server token: the time tells this sync's result from a concurrent one's.
    token = f"ldap:{time.time_ns()}"
    counts = mirror.apply_changes(store, target, token, cards, deleted, None, uids)
    return SyncReport(target.name, counts, METHOD, time.monotonic() - started, tuple(problems))


def entry_uuid(entry: Entry) -> str:
    """What names the entry whatever its DN ("" when the server sends neither attribute)."""
    return next((f"{name}:{values[0]}" for name in UUID_ATTRIBUTES
                 if (values := entry.get(name))), "")  # fmt: skip


def entry_digest(entry: Entry) -> str:
    # Without the UUID: entries mirrored before it was read keep their digest.
    text = json.dumps(sorted((k, sorted(v)) for k, v in entry.items()
                             if v and k not in UUID_ATTRIBUTES))  # fmt: skip
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def entry_card(entry: Entry) -> CardData:
    """An entry as the vCard reader's CardData, so numbers are read exactly as a card's."""

    def first(*names: str) -> str:
        return next((v[0] for n in names if (v := entry.get(n))), "")

    title = first("title")
    department = first("department")
    tels = [(value, label) for attribute, label in PHONE_ATTRIBUTES.items()
            for value in entry.get(attribute, [])]  # fmt: skip
    return CardData(
        line=0,
        formatted_name=first(*NAME_ATTRIBUTES),
        org=first("company", "o"),
        title=f"{title}, {department}" if title and department else title or department,
        emails=list(entry.get("mail", [])),
        tels=tels,
    )


def entry_row(entry: Entry, policy: NumberPolicy) -> ContactRow | str:
    """The contact an entry reads as, or why it cannot be one."""
    draft = draft_from_card(entry_card(entry), policy)
    if isinstance(draft, ContactDraft):
        return contact_row(draft)
    if isinstance(draft, RowProblem):
        return draft.message
    return draft.reason

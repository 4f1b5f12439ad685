"""CardDAV, read side: find an address book (RFC 6764, RFC 6352) and fetch what changed in it.

Nothing here touches the store: `fetch_changes` returns every card that changed and every href
that went, so the caller can apply the whole result in one transaction or not at all.

Listing: `sync-collection` (RFC 6578) with the stored token, asking for the cards' text too, so
a first sync is one request (an answer over the size cap is asked again for ETags alone). A
server that lacks the report, or says the token is no longer valid (`valid-sync-token`), is
listed with a `PROPFIND Depth: 1` of ETags instead, as vdirsyncer does; the collection's
`sync-token` property read in that same PROPFIND lets the next sync be incremental again.
Cards that came without their text are fetched with `addressbook-multiget` in batches.

XML is parsed with ElementTree: it never resolves external entities, and the expat it ships
(2.4.1 and later) refuses entity-expansion bombs; the HTTP client caps the size besides.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import quote, unquote, urljoin, urlsplit, urlunsplit
from xml.sax.saxutils import escape

from desktop.adapters.directories.dav_http import (
    DavClient,
    DavError,
    DavResponse,
    DavTooLarge,
    short_url,
)

DAV = "DAV:"
CARDDAV = "urn:ietf:params:xml:ns:carddav"
MULTIGET_BATCH = 250
MAX_SYNC_ROUNDS = 1000  # a server that truncates its sync-collection answers (507) asks again

Progress = Callable[[int, int], None]  # cards fetched so far, cards to fetch


@dataclass(frozen=True)
class DavEntry:
    """One <response> of a multistatus: its href (as the server wrote it), its status, and the
    properties that came back with 200."""

    href: str
    status: int
    props: Mapping[str, ET.Element]

    def text(self, namespace: str, name: str) -> str:
        element = self.props.get(f"{{{namespace}}}{name}")
        return (element.text or "").strip() if element is not None else ""

    def hrefs(self, namespace: str, name: str) -> list[str]:
        element = self.props.get(f"{{{namespace}}}{name}")
        if element is None:
            return []
        return [(h.text or "").strip() for h in element.iter(f"{{{DAV}}}href") if h.text]

    def is_addressbook(self) -> bool:
        kind = self.props.get(f"{{{DAV}}}resourcetype")
        return kind is not None and kind.find(f"{{{CARDDAV}}}addressbook") is not None

    def is_collection(self) -> bool:
        kind = self.props.get(f"{{{DAV}}}resourcetype")
        return kind is not None and kind.find(f"{{{DAV}}}collection") is not None


@dataclass
class Changes:
    """What a sync brings: cards by href key (path, percent-decoded) with their ETag and
    text, hrefs that are gone, and the token the next sync starts from."""

    token: str
    method: str  # "sync-collection", "incremental", "propfind": how the listing was made
    cards: dict[str, tuple[str, str]] = field(default_factory=dict)
    deleted: set[str] = field(default_factory=set)


class _TokenRefused(Exception):
    """sync-collection cannot be used with this token (expired, garbage, or no report)."""


# -- discovery ----------------------------------------------------------------------------------


def discover(client: DavClient, url: str) -> str:
    """The address book's collection URL, from that URL itself, or from a server's base URL:
    RFC 6764's /.well-known/carddav, the user's principal, its addressbook-home-set."""
    url = _with_slash(url)
    entry = _propfind_one(client, url, [(DAV, "resourcetype")])
    if entry is not None and entry.is_addressbook():
        return url
    principal = ""
    contexts = [url]
    if urlsplit(url).path in ("", "/"):
        contexts.insert(0, urljoin(url, "/.well-known/carddav"))
    for context in contexts:
        found = _propfind_one(client, context, [(DAV, "current-user-principal")], quiet=True)
        if found is not None and found.hrefs(DAV, "current-user-principal"):
            principal = urljoin(context, found.hrefs(DAV, "current-user-principal")[0])
            break
    homes = [url]
    if principal:
        found = _propfind_one(client, principal, [(CARDDAV, "addressbook-home-set")], quiet=True)
        homes = [urljoin(principal, h) for h in (found.hrefs(CARDDAV, "addressbook-home-set")
                                                  if found else [])] or [principal]  # fmt: skip
    books: list[str] = []
    for home in homes:
        response = client.request("PROPFIND", home, _propfind_body(
            [(DAV, "resourcetype"), (DAV, "displayname")]), depth="1")  # fmt: skip
        if response.status != 207:
            continue
        books += [urljoin(home, e.href) for e in parse_multistatus(response) if e.is_addressbook()]
    books = list(dict.fromkeys(_with_slash(b) for b in books))
    if len(books) == 1:
        return books[0]
    if not books:
        raise DavError(f"{short_url(url)}: no CardDAV address book found there (nor through "
                       "/.well-known/carddav and the user's principal); give the book's own URL")
    raise DavError(f"{short_url(url)}: {len(books)} address books there; add one by its URL: "
                   + ", ".join(books))  # fmt: skip


def book_name(client: DavClient, collection: str) -> str:
    """The address book's display name, else the last part of its path: what Settings' Test
    connection calls it."""
    entry = _propfind_one(client, collection, [(DAV, "displayname")])
    name = entry.text(DAV, "displayname") if entry is not None else ""
    segments = [unquote(s) for s in urlsplit(collection).path.split("/") if s]
    return name or (segments[-1] if segments else short_url(collection))


def count_cards(client: DavClient, collection: str) -> tuple[int, int] | None:
    """(cards, contact groups) in the address book, for Settings' Test connection, without
    any card's text: a PROPFIND of the ETags lists the cards (a line each, where a card with
    a photo is tens of kilobytes and a book of them a sync's worth of downloading), and an
    addressbook-query (RFC 6352 8.6, which every CardDAV server must answer) asking for
    ETags alone lists the groups, KIND:group or Apple's X-ADDRESSBOOKSERVER-KIND:group, that
    a sync leaves out. None when the server cannot tell the groups apart: the caller then
    counts them from the cards."""
    body = _propfind_body([(DAV, "getetag"), (DAV, "resourcetype")])
    response = client.request("PROPFIND", collection, body, depth="1")
    if response.status != 207:
        raise _refused(response, "PROPFIND", client.username)
    cards = _members(collection, response)
    match = '<c:text-match match-type="equals">group</c:text-match>'
    query = (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<c:addressbook-query xmlns:d="{DAV}" xmlns:c="{CARDDAV}">'
        '<d:prop><d:getetag/></d:prop><c:filter test="anyof">'
        f'<c:prop-filter name="KIND">{match}</c:prop-filter>'
        f'<c:prop-filter name="X-ADDRESSBOOKSERVER-KIND">{match}</c:prop-filter>'
        "</c:filter></c:addressbook-query>"
    )
    response = client.request("REPORT", collection, query.encode(), depth="1")
    if response.status != 207:
        return None
    try:
        groups = _members(collection, response) & cards
    except DavError:
        return None
    if cards and groups == cards:
        return None  # every card a group, or a server that ignored the filter: read them
    return len(cards), len(groups)


def _members(collection: str, response: DavResponse) -> set[str]:
    """The cards a multistatus lists (keys as in Changes), not the collection itself."""
    return {key for entry in _entries(_parse_xml(response), response.url)
            if not _same_collection(key := href_key(collection, entry.href), collection)
            and entry.status == 200 and not entry.is_collection()}  # fmt: skip


def _propfind_one(
    client: DavClient, url: str, props: list[tuple[str, str]], *, quiet: bool = False
) -> DavEntry | None:
    response = client.request("PROPFIND", url, _propfind_body(props), depth="0")
    if response.status == 207:
        entries = parse_multistatus(response)
        return entries[0] if entries else None
    if quiet or response.status == 404:
        return None
    raise _refused(response, "PROPFIND", client.username)


# -- listing and fetching -------------------------------------------------------------------


def fetch_changes(
    client: DavClient,
    collection: str,
    token: str,
    known: Mapping[str, str],
    progress: Progress | None = None,
    *,
    batch: int = MULTIGET_BATCH,
) -> Changes:
    """Everything that changed since `token` (all of it without one). `known` maps the hrefs
    mirrored now (keys as in Changes) to their ETags."""
    try:
        try:
            changes, wanted = _sync_collection(client, collection, token, known, with_data=True)
        except DavTooLarge:
            # Cards with photos, say: list the ETags alone and fetch the cards in batches.
            changes, wanted = _sync_collection(client, collection, token, known, with_data=False)
    except _TokenRefused:
        changes, wanted = _propfind_listing(client, collection, known)
    _multiget(client, collection, wanted, changes, progress, batch)
    return changes


def _sync_collection(
    client: DavClient, collection: str, token: str, known: Mapping[str, str], *, with_data: bool
) -> tuple[Changes, dict[str, str]]:
    """The changes since `token`; `with_data` asks for the cards' text in the same answer
    (one request for a whole first sync), and what comes without it is left to multiget."""
    full = not token
    changes = Changes(token=token, method="sync-collection" if full else "incremental")
    listed: dict[str, str] = {}
    wanted: dict[str, str] = {}  # key -> href as the server wrote it
    data = "<c:address-data/>" if with_data else ""
    for _ in range(MAX_SYNC_ROUNDS):
        body = (
            '<?xml version="1.0" encoding="utf-8"?>'
            f'<d:sync-collection xmlns:d="{DAV}" xmlns:c="{CARDDAV}">'
            f"<d:sync-token>{escape(changes.token)}</d:sync-token>"
            f"<d:sync-level>1</d:sync-level><d:prop><d:getetag/>{data}</d:prop>"
            "</d:sync-collection>"
        )
        response = client.request("REPORT", collection, body.encode(), depth="1")
        if response.status == 404:
            raise DavError(f"{short_url(collection)}: the address book is gone (404 Not Found)")
        if response.status >= 500 and response.status != 501:
            raise _refused(response, "sync-collection", client.username)
        if response.status != 207:
            # valid-sync-token (an expired or foreign token), or no such report at all.
            raise _TokenRefused
        root = _parse_xml(response)
        truncated = False
        for entry in _entries(root, response.url):
            key = href_key(collection, entry.href)
            if _same_collection(key, collection):
                truncated = truncated or entry.status == 507
                continue
            if entry.status == 404:
                changes.deleted.add(key)
                changes.cards.pop(key, None)
                wanted.pop(key, None)
                listed.pop(key, None)
                continue
            etag = entry.text(DAV, "getetag")
            listed[key] = etag
            changes.deleted.discard(key)
            if etag and known.get(key) == etag:
                continue
            text = entry.text(CARDDAV, "address-data")
            if text:
                changes.cards[key] = (etag, text)
                wanted.pop(key, None)
            else:
                wanted[key] = entry.href
        changes.token = (root.findtext(f"{{{DAV}}}sync-token") or "").strip()
        if not truncated:
            break
    if full:
        changes.deleted |= set(known) - set(listed)
    return changes, wanted


def _propfind_listing(
    client: DavClient, collection: str, known: Mapping[str, str]
) -> tuple[Changes, dict[str, str]]:
    body = _propfind_body([(DAV, "getetag"), (DAV, "resourcetype"), (DAV, "sync-token")])
    response = client.request("PROPFIND", collection, body, depth="1")
    if response.status != 207:
        raise _refused(response, "PROPFIND", client.username)
    changes = Changes(token="", method="propfind")
    listed: set[str] = set()
    wanted: dict[str, str] = {}
    for entry in _entries(_parse_xml(response), response.url):
        key = href_key(collection, entry.href)
        if _same_collection(key, collection):
            changes.token = entry.text(DAV, "sync-token")
            continue
        if entry.status != 200 or entry.is_collection():
            continue
        listed.add(key)
        etag = entry.text(DAV, "getetag")
        if not etag or known.get(key) != etag:
            wanted[key] = entry.href
    changes.deleted = set(known) - listed
    return changes, wanted


def _multiget(
    client: DavClient,
    collection: str,
    wanted: Mapping[str, str],
    changes: Changes,
    progress: Progress | None,
    size: int,
) -> None:
    keys = sorted(wanted)
    done = 0
    for start in range(0, len(keys), size):
        batch = keys[start : start + size]
        hrefs = "".join(f"<d:href>{escape(wanted[k])}</d:href>" for k in batch)
        body = (
            '<?xml version="1.0" encoding="utf-8"?>'
            f'<c:addressbook-multiget xmlns:d="{DAV}" xmlns:c="{CARDDAV}">'
            f"<d:prop><d:getetag/><c:address-data/></d:prop>{hrefs}</c:addressbook-multiget>"
        )
        response = client.request("REPORT", collection, body.encode(), depth="1")
        if response.status != 207:
            raise _refused(response, "addressbook-multiget", client.username)
        answered: set[str] = set()
        for entry in _entries(_parse_xml(response), response.url):
            key = href_key(collection, entry.href)
            answered.add(key)
            text = entry.text(CARDDAV, "address-data")
            if entry.status == 200 and text:
                changes.cards[key] = (entry.text(DAV, "getetag"), text)
                changes.deleted.discard(key)
            elif entry.status == 404:
                changes.deleted.add(key)  # deleted between the listing and the fetch
        missing = [k for k in batch if k not in answered]
        if missing:
            raise DavError(f"{short_url(collection)}: the server left {len(missing)} of "
                           f"{len(batch)} requested cards out of its answer")  # fmt: skip
        done += len(batch)
        if progress is not None:
            progress(done, len(keys))


# -- XML ------------------------------------------------------------------------------------


def _propfind_body(props: Iterable[tuple[str, str]]) -> bytes:
    prefixes = {DAV: "d", CARDDAV: "c"}
    inner = "".join(f"<{prefixes[ns]}:{name}/>" for ns, name in props)
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<d:propfind xmlns:d="{DAV}" xmlns:c="{CARDDAV}"><d:prop>{inner}</d:prop></d:propfind>'
    ).encode()


def parse_multistatus(response: DavResponse) -> list[DavEntry]:
    return list(_entries(_parse_xml(response), response.url))


def _parse_xml(response: DavResponse) -> ET.Element:
    try:
        # Safe here: see the module's docstring (no external entities, expat >= 2.4.1).
        root = ET.fromstring(response.body)  # noqa: S314
    except ET.ParseError as exc:
        raise DavError(
            f"{short_url(response.url)}: the server sent malformed XML ({exc})"
        ) from exc
    if root.tag != f"{{{DAV}}}multistatus":
        raise DavError(f"{short_url(response.url)}: the server sent {root.tag!r} where a WebDAV "
                       "multistatus belongs")  # fmt: skip
    return root


def _entries(root: ET.Element, url: str) -> Iterable[DavEntry]:
    for response in root.findall(f"{{{DAV}}}response"):
        href = (response.findtext(f"{{{DAV}}}href") or "").strip()
        if not href:
            raise DavError(f"{short_url(url)}: the server sent a response without an href")
        status_text = response.findtext(f"{{{DAV}}}status")
        props: dict[str, ET.Element] = {}
        best = 0
        for propstat in response.findall(f"{{{DAV}}}propstat"):
            code = _status_code(propstat.findtext(f"{{{DAV}}}status"))
            if code == 200:
                prop = propstat.find(f"{{{DAV}}}prop")
                if prop is not None:
                    props.update((child.tag, child) for child in prop)
            best = 200 if code == 200 or best == 200 else code
        status = _status_code(status_text) if status_text is not None else best or 200
        yield DavEntry(href, status, props)


def _status_code(line: str | None) -> int:
    parts = (line or "").split()
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0


# -- hrefs ----------------------------------------------------------------------------------


def href_key(collection: str, href: str) -> str:
    """One spelling of an href, whatever the server's: the percent-decoded path."""
    return unquote(urlsplit(urljoin(collection, href)).path)


def _same_collection(key: str, collection: str) -> bool:
    return key.rstrip("/") == unquote(urlsplit(collection).path).rstrip("/")


def _with_slash(url: str) -> str:
    parts = urlsplit(url.strip())
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return urlunsplit((parts.scheme, parts.netloc, quote(unquote(path), safe="/@:+~!$&'()*,;="),
                       parts.query, ""))  # fmt: skip


def _refused(response: DavResponse, what: str, user: str = "") -> DavError:
    where = short_url(response.url)
    error = f"{where}: the server answered {what} with {response.status} {response.reason}"
    if response.status != 403:
        return DavError(error.rstrip())
    # The password was right (else 401), but this book is not theirs: another user's, or a
    # shared one they were never given.
    who = f"to {user!r}" if user else "without a user name"
    return DavError(error.rstrip(), f"{where} is not open {who} (403 Forbidden): check the "
                    "address, or ask for access to that book")

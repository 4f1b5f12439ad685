"""Settings' Test connection against a real Radicale and a real Xandikos: it counts the team
book's contacts without downloading them. It fetched every card (a book whose cards carry
photos is megabytes) for a number, and Add's first sync then fetched them all again."""

from __future__ import annotations

import base64
import random
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from desktop.adapters.directories.managing import DirectoryForm, add_directory, check_connection
from desktop.adapters.secrets import SecretStore
from desktop.adapters.store import Store
from desktop.core.numbers import NumberPolicy
from tests.adapters.carddav_servers import MisbehavingProxy, Radicale, Xandikos, vcard

PEOPLE = 30
GROUPS = 2


def photo(seed: int) -> str:
    """A 15 KB JPEG's worth of base64, folded as vCard lines are: what a phone's contact
    photo costs each card."""
    data = base64.b64encode(random.Random(seed).randbytes(15_000)).decode()
    return "PHOTO;ENCODING=b;TYPE=JPEG:" + "\r\n ".join(
        data[i : i + 74] for i in range(0, len(data), 74))  # fmt: skip


def book() -> dict[str, str]:
    cards = {f"p{i}.vcf": vcard(f"p{i}", f"Person {i}", f"TEL;TYPE=CELL:+1 415 555 {i:04d}",
                                photo(i))
             for i in range(PEOPLE)}  # fmt: skip
    cards["sales.vcf"] = vcard("sales", "Sales team", "X-ADDRESSBOOKSERVER-KIND:group",
                               "X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:p1")  # fmt: skip
    cards["keys.vcf"] = vcard("keys", "Key accounts", "KIND:group", "MEMBER:urn:uuid:p2",
                              version="4.0")  # fmt: skip
    return cards


@pytest.fixture(params=["radicale", "xandikos"])
def book_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, int]]:
    """The book's URL through a proxy that counts what it serves, and the book's size."""
    cards = book()
    if request.param == "radicale":
        radicale = Radicale(tmp_path / "radicale").start()
        stop: Callable[[], None] = radicale.stop
        url = radicale.make_book("/team/book/", list(cards.values()))
        port, path = radicale.port, "/team/book/"
    else:
        xandikos = Xandikos(tmp_path / "xandikos").start()
        stop = xandikos.stop
        for name, card in cards.items():
            xandikos.put(name, card)
        port, path = xandikos.port, Xandikos.BOOK
    proxy = MisbehavingProxy(port)
    try:
        request.node.proxy = proxy
        url = proxy.base + path
        yield url, sum(len(c.encode()) for c in cards.values())
    finally:
        proxy.close()
        stop()


def proxy_of(request: pytest.FixtureRequest) -> MisbehavingProxy:
    proxy = request.node.proxy
    assert isinstance(proxy, MisbehavingProxy)
    return proxy


def no_secrets() -> SecretStore:
    raise AssertionError("a book with no password keeps none")


def test_test_connection_counts_the_book_without_downloading_it(
    book_url: tuple[str, int], request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    url, size = book_url
    proxy = proxy_of(request)
    form = DirectoryForm("carddav", "team", url)
    found = check_connection(form)
    assert found.startswith("Found address book '")
    assert found.endswith(f" with {PEOPLE} contacts ({GROUPS} groups left out)"), found
    tested = proxy.served
    assert tested < size / 20, f"Test downloaded {tested:,} bytes of a {size:,}-byte book"

    # Add's first sync downloads the book, once, and adds the contacts Test counted.
    store = Store.open(tmp_path / "data" / "callercard.sqlite3")
    try:
        added = add_directory(store, form, NumberPolicy("US"), no_secrets)
        assert added.report is not None and added.report.counts.added == PEOPLE
    finally:
        store.close()
    # (A server writes the cards back a little tighter than they were put.)
    assert 0.9 * size <= proxy.served - tested < 1.5 * size


def test_a_server_without_the_group_query_is_counted_from_its_cards(
    book_url: tuple[str, int], request: pytest.FixtureRequest
) -> None:
    """A server that refuses addressbook-query (501) cannot say which cards are groups
    without their text: Test connection reads them, and still says what a sync will add."""
    url, size = book_url
    proxy = proxy_of(request)
    proxy.mode = "no-query"
    found = check_connection(DirectoryForm("carddav", "team", url))
    assert found.endswith(f" with {PEOPLE} contacts ({GROUPS} groups left out)"), found
    assert proxy.served >= 0.9 * size

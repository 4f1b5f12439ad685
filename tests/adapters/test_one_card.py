"""One card across sources, end to end: the same person in the rep's own book, the team's
CardDAV book (a real Radicale) and the company directory (a real slapd) is one entry in
`lookup`, with the documented priority, and says where it was found."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.adapters.carddav_servers import Radicale, running_radicale, vcard
from tests.adapters.ldap_server import BASE, Slapd, available, person, running_slapd
from tests.adapters.test_carddav_sync import lookup
from tests.test_cli import cc

pytestmark = pytest.mark.skipif(
    not available(), reason="needs slapd and ldap-utils (scripts/e2e_prereqs installs them)"
)


@pytest.fixture
def radicale(tmp_path: Path) -> Iterator[Radicale]:
    yield from running_radicale(tmp_path / "radicale")


@pytest.fixture
def slapd(tmp_path: Path) -> Iterator[Slapd]:
    yield from running_slapd(tmp_path / "slapd", [
        person("dana", "Dana Reyes", "title: Account Executive", "mail: dana@acme.example",
               "telephoneNumber: +1 415 555 0101"),
        person("mo", "Mo Chen", "telephoneNumber: +1 415 555 0101"),
    ])  # fmt: skip


def test_one_person_in_three_sources_is_one_entry_that_says_where_it_was_found(
    radicale: Radicale, slapd: Slapd, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    mine = tmp_path / "mine.csv"
    mine.write_text("Name,Phone,Why we called\nDana,+1 415 555 0101,Q3 bid\n", encoding="utf-8")
    assert cc("import", str(mine), "--region", "US", data_dir=data).returncode == 0
    book = f"/team-{uuid.uuid4().hex[:8]}/book/"
    radicale.make_book(book, [vcard("dana", "Dana Reyes", "ORG:Acme Freight", "TITLE:Buyer",
                                    "TEL:+1 415 555 0101", "TEL;TYPE=CELL:+1 646 555 0100")])
    for args in (("carddav", radicale.base + book, "--name", "team"),
                 ("ldap", slapd.url, "--base", BASE, "--name", "corp")):  # fmt: skip
        added = cc("directory", "add", *args, "--region", "US", data_dir=data)
        assert added.returncode == 0, added.stderr

    card = lookup(data, "+14155550101")
    contacts = card["contacts"]
    assert isinstance(contacts, list)
    assert [(c["name"], c["source"], c["sources"]) for c in contacts] == [
        ("Dana Reyes", "local", ["local", "team", "corp"]),
        ("Mo Chen", "corp", ["corp"]),  # another person at the same (switchboard) number
    ]  # fmt: skip
    dana = contacts[0]
    # Your own book first, then the team's book, then the company directory.
    assert (dana["title"], dana["company"], dana["email"], dana["why"]) == (
        "Buyer", "Acme Freight", "dana@acme.example", "Q3 bid")  # fmt: skip
    assert sorted(n["e164"] for n in dana["numbers"]) == ["+14155550101", "+16465550100"]

    text = cc("lookup", "+14155550101", "--region", "US", data_dir=data, check=True).stdout
    assert text.splitlines()[:3] == ["Dana Reyes (+1 more)", "Buyer, Acme Freight",
                                     "From: your contacts, team, corp"]  # fmt: skip
    # One source only: no merging, and its source named.
    only = json.loads(cc("lookup", "+16465550100", "--json", "--region", "US",
                         data_dir=data, check=True).stdout)  # fmt: skip
    assert [(c["name"], c["sources"]) for c in only["contacts"]] == [
        ("Dana Reyes", ["team"])]  # fmt: skip

"""LDAP / Active Directory company directories, against a real OpenLDAP slapd from Debian's
packages started on loopback by each test: anonymous and bound search, paging past the
server's size limit, ldaps:// and StartTLS with a certificate the user trusts, deletions, and
the background loop."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.adapters.directories import mirror
from desktop.adapters.directories.background import DirectorySyncLoop
from desktop.adapters.directories.ldap_sync import sync_ldap
from desktop.adapters.secrets import MemoryKeyring
from desktop.adapters.store import Store
from desktop.core.numbers import NumberPolicy
from tests.adapters.ldap_server import (
    BASE,
    READER_DN,
    READER_PASSWORD,
    SIZE_LIMIT,
    Slapd,
    available,
    person,
    running_slapd,
)
from tests.adapters.test_carddav_sync import keychain, lookup, names, run  # noqa: F401
from tests.test_cli import cc

pytestmark = pytest.mark.skipif(
    not available(), reason="needs slapd and ldap-utils (scripts/e2e_prereqs installs them)"
)

DANA = person(
    "dana", "dana.reyes", "displayName: Dana Reyes", "title: Account Executive",
    "department: Sales", "company: Acme Freight", "mail: dana@acme.example",
    "telephoneNumber: +1 415 555 0101", "ipPhone: +1 415 555 0102",
    "mobile: +1 415 555 0103", "homePhone: +1 415 555 0104",
    "otherTelephone: +1 415 555 0105", ad=True,
)  # fmt: skip
PEOPLE = [person(f"p{i}", f"Pat Number{i}", f"telephoneNumber: +1 212 555 01{i:02d}",
                 "o: Example Corp") for i in range(8)]  # fmt: skip
PARTNER = person("kim", "Kim Ode", "mobile: +1 646 555 0123", ou="Partners")
ENTRIES = [DANA, *PEOPLE, PARTNER]


@pytest.fixture
def slapd(tmp_path: Path) -> Iterator[Slapd]:
    yield from running_slapd(tmp_path / "slapd", ENTRIES)


def add(data: Path, url: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return cc("directory", "add", "ldap", url, "--base", BASE, "--region", "US", *extra,
              data_dir=data)  # fmt: skip


def test_a_directory_is_mirrored_past_its_size_limit_and_follows_the_server(
    slapd: Slapd, tmp_path: Path
) -> None:
    # The server's limit is real: a search that does not page stops at SIZE_LIMIT entries.
    plain = subprocess.run(["ldapsearch", "-x", "-H", slapd.url, "-b", BASE, "(cn=*)", "cn"],
                           capture_output=True, text=True)  # fmt: skip
    assert "Size limit exceeded" in plain.stdout and plain.stdout.count("\ndn: ") == SIZE_LIMIT

    data = tmp_path / "data"
    result = add(data, slapd.url, "--name", "corp")
    assert result.returncode == 0, result.stderr
    # Anonymous: ou=People (9 people), not ou=Partners.
    assert "corp: 9 added, 0 changed, 0 removed (paged search" in result.stdout

    dana = lookup(data, "+14155550103")
    assert names(dana) == [("Dana Reyes", "corp")]
    [contact] = dana["contacts"]  # type: ignore[misc]
    assert contact["company"] == "Acme Freight"
    assert contact["title"] == "Account Executive, Sales"
    assert contact["email"] == "dana@acme.example"
    assert sorted((n["e164"], n["label"]) for n in contact["numbers"]) == [
        ("+14155550101", "work"), ("+14155550102", "work"), ("+14155550103", "mobile"),
        ("+14155550104", "home"), ("+14155550105", "other")]  # fmt: skip
    assert names(lookup(data, "+12125550107")) == [("Pat Number7", "corp")]
    assert names(lookup(data, "+16465550123")) == []

    slapd.modify(
        f"dn: uid=p0,ou=People,{BASE}\nchangetype: delete\n\n"
        f"dn: uid=dana,ou=People,{BASE}\nchangetype: modify\nreplace: displayName\n"
        "displayName: Dana Reyes-Okafor\n\n"
        f"dn: uid=lee,ou=People,{BASE}\nchangetype: add\nobjectClass: inetOrgPerson\n"
        "uid: lee\ncn: Lee Park\nsn: Park\ntelephoneNumber: +1 646 555 0199\n"
    )  # fmt: skip
    synced = cc("directory", "sync", "corp", "--region", "US", data_dir=data)
    assert synced.returncode == 0, synced.stderr
    assert "corp: 1 added, 1 changed, 1 removed (paged search" in synced.stdout
    assert names(lookup(data, "+14155550103")) == [("Dana Reyes-Okafor", "corp")]
    assert names(lookup(data, "+12125550100")) == []
    assert names(lookup(data, "+16465550199")) == [("Lee Park", "corp")]

    listed = json.loads(cc("directory", "list", "--json", data_dir=data, check=True).stdout)
    [entry] = listed["directories"]
    assert (entry["kind"], entry["contacts"], entry["collection_url"]) == ("ldap", 9, BASE)

    # The server down: the mirror answers, the sync says why in one line.
    slapd.stop()
    failed = cc("directory", "sync", "--region", "US", data_dir=data)
    assert failed.returncode == 1
    assert failed.stderr.strip() == (
        f"callercard: corp: {slapd.url}: connection refused (is the server running?); "
        "the mirror is unchanged")  # fmt: skip
    assert names(lookup(data, "+16465550199")) == [("Lee Park", "corp")]

    removed = cc("directory", "remove", "corp", data_dir=data)
    assert removed.returncode == 0 and "the 9 contacts" in removed.stdout
    assert names(lookup(data, "+16465550199")) == []


def test_a_bound_search_sees_more_and_a_wrong_password_adds_nothing(
    slapd: Slapd, tmp_path: Path, keychain: MemoryKeyring,  # noqa: F811
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    data = tmp_path / "data"
    code, _, err = run(capsys, monkeypatch, data, "directory", "add", "ldap", slapd.url,
                       "--base", BASE, "--name", "ad", "--bind-dn", READER_DN,
                       "--password-stdin", stdin="wrong\n")  # fmt: skip
    assert code == 1
    assert err.strip() == (f"callercard: {slapd.url}: the server refused {READER_DN!r} and its "
                           "password (invalid credentials)")  # fmt: skip
    assert json.loads(run(capsys, monkeypatch, data, "directory", "list", "--json")[1]) == {
        "directories": []}  # fmt: skip
    assert keychain.get_password("CallerCard", "directory:ad") is None

    code, out, err = run(capsys, monkeypatch, data, "directory", "add", "ldap", slapd.url,
                         "--base", BASE, "--name", "ad", "--bind-dn", READER_DN,
                         "--password-stdin", stdin=f"{READER_PASSWORD}\n")  # fmt: skip
    assert code == 0, err
    assert "ad: 10 added" in out  # the partner too
    assert keychain.get_password("CallerCard", "directory:ad") == READER_PASSWORD
    for path in data.rglob("*"):
        if path.is_file():
            assert READER_PASSWORD.encode() not in path.read_bytes(), path

    slapd.modify(f"dn: uid=kim,ou=Partners,{BASE}\nchangetype: modify\nreplace: mobile\n"
                 "mobile: +1 646 555 0124\n")  # fmt: skip
    code, out, err = run(capsys, monkeypatch, data, "directory", "sync")
    assert code == 0, err
    assert "ad: 0 added, 1 changed, 0 removed" in out  # with the password from the keychain


def test_ldaps_and_starttls_trust_the_certificate_authority_the_user_gives(
    slapd: Slapd, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    untrusted = add(data, slapd.ldaps_url, "--name", "tls")
    assert untrusted.returncode == 1
    assert untrusted.stderr.strip() == (
        f"callercard: {slapd.ldaps_url}: the server's certificate is not trusted "
        "(give its authority's file with --ca-file)")  # fmt: skip
    untrusted = add(data, slapd.url, "--name", "tls", "--start-tls")
    assert untrusted.returncode == 1
    assert "StartTLS failed (the server's certificate is not trusted" in untrusted.stderr
    listed = cc("directory", "list", "--json", data_dir=data, check=True).stdout
    assert json.loads(listed) == {"directories": []}

    ca = str(slapd.ca_file)
    trusted = add(data, slapd.ldaps_url, "--name", "tls", "--ca-file", ca)
    assert trusted.returncode == 0, trusted.stderr
    assert "tls: 9 added" in trusted.stdout
    started = add(data, slapd.url, "--name", "starttls", "--start-tls", "--ca-file", ca)
    assert started.returncode == 0, started.stderr
    assert "starttls: 9 added" in started.stdout
    # The options are kept: a later sync goes over TLS with the same authority.
    synced = cc("directory", "sync", "--region", "US", data_dir=data)
    assert synced.returncode == 0, synced.stderr
    assert "tls: 0 added, 0 changed, 0 removed" in synced.stdout


def test_pages_smaller_than_the_directory_are_read_to_the_end(
    slapd: Slapd, tmp_path: Path
) -> None:
    store = Store.open(tmp_path / "callercard.db")
    try:
        target = mirror.add_directory(store, "corp", "ldap", slapd.url, BASE, "", {})
        report = sync_ldap(store, target, "", NumberPolicy("US"), page_size=2)
        assert (report.counts.added, report.counts.unreadable) == (9, 0)
    finally:
        store.close()


def test_a_server_that_refuses_large_pages_is_asked_with_smaller_ones(tmp_path: Path) -> None:
    server = Slapd(tmp_path / "slapd", max_page=3)
    server.load(ENTRIES)
    server.start()
    try:
        data = tmp_path / "data"
        result = add(data, server.url, "--name", "corp")
        assert result.returncode == 0, result.stderr
        assert "corp: 9 added" in result.stdout
    finally:
        server.stop()


def test_the_background_loop_syncs_an_ldap_directory(slapd: Slapd, tmp_path: Path) -> None:
    database = tmp_path / "callercard.db"
    store = Store.open(database)
    mirror.add_directory(store, "corp", "ldap", slapd.url, BASE, "", {})
    problems: list[str] = []
    loop = DirectorySyncLoop(database, lambda: "US", problems.append, first_delay=0.0)
    loop.start()
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            found = mirror.directory(store, "corp")
            if found is not None and found.cards:
                break
            time.sleep(0.05)
        found = mirror.directory(store, "corp")
        assert found is not None and found.cards == 9 and found.synced_at is not None
        assert problems == []
    finally:
        loop.stop()
        store.close()

"""An address that names the wrong scheme for its port, as a rep copies it from an e-mail: http://
for a server that only speaks https, https:// for a plain one, ldap:// for an ldaps port and
ldaps:// for a plain LDAP one. Settings' Test connection must say which scheme to use, not an
OpenSSL code or a Python tuple. Real Radicale (http and https) and slapd on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from desktop.adapters.directories.dav_http import DavError
from desktop.adapters.directories.managing import DirectoryForm, check_connection
from tests.adapters import ldap_server
from tests.adapters.carddav_servers import Radicale, vcard
from tests.adapters.ldap_server import BASE, Slapd, person
from tests.adapters.tls_certificates import make_certificates

DANA = vcard("dana", "Dana Reyes", "TEL:+1 415 555 0101")


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Radicale, Radicale]]:
    root = tmp_path_factory.mktemp("dav")
    plain = Radicale(root / "plain").start()
    secure = Radicale(root / "tls", tls=make_certificates(root / "certs")).start()
    try:
        plain.make_book("/team/book/", [DANA])
        secure.make_book("/team/book/", [DANA])
        yield plain, secure
    finally:
        plain.stop()
        secure.stop()


def refused(form: DirectoryForm) -> DavError:
    with pytest.raises(DavError) as caught:
        check_connection(form)
    return caught.value


def test_http_for_an_https_server_says_to_use_https(
    servers: tuple[Radicale, Radicale],
) -> None:
    _plain, secure = servers
    port = secure.port
    error = refused(DirectoryForm("carddav", "team", f"http://127.0.0.1:{port}/team/book/"))
    assert error.words == (f"http://127.0.0.1:{port}/team/book/ answers in https only: the "
                           f"address starts with https://127.0.0.1:{port}/")  # fmt: skip
    assert str(error) == (f"http://127.0.0.1:{port}/team/book/: the server speaks https "
                          "here; use https:// in its address")  # fmt: skip


def test_https_for_a_plain_http_server_says_to_use_http(
    servers: tuple[Radicale, Radicale],
) -> None:
    plain, _secure = servers
    port = plain.port
    error = refused(DirectoryForm("carddav", "team", f"https://127.0.0.1:{port}/team/book/"))
    assert error.words == (f"https://127.0.0.1:{port}/team/book/ does not answer in https: "
                           f"if it is a plain http server, the address starts with "
                           f"http://127.0.0.1:{port}/")  # fmt: skip
    assert "SSL" not in str(error) and "_ssl.c" not in str(error)
    # The right scheme still works: nothing was remembered from the wrong one.
    found = check_connection(DirectoryForm("carddav", "team", f"http://127.0.0.1:{port}/team/book/"))
    assert found.endswith(" with 1 contact")


@pytest.fixture(scope="module")
def slapd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Slapd]:
    if not ldap_server.available():
        pytest.fail("slapd and ldap-utils are missing; scripts/e2e_prereqs installs them")
    people = [person("p1", "Person One", "telephoneNumber: +1 415 555 0111")]
    yield from ldap_server.running_slapd(tmp_path_factory.mktemp("slapd"), people)


def test_ldap_for_an_ldaps_port_says_to_use_ldaps(slapd: Slapd) -> None:
    error = refused(DirectoryForm("ldap", "corp", f"ldap://127.0.0.1:{slapd.tls_port}",
                                  base=BASE))  # fmt: skip
    assert error.words == (f"ldap://127.0.0.1:{slapd.tls_port} answers in TLS only: the "
                           f"address starts with ldaps://127.0.0.1:{slapd.tls_port}")  # fmt: skip


def test_ldaps_for_a_plain_ldap_port_says_to_use_ldap(slapd: Slapd) -> None:
    error = refused(DirectoryForm("ldap", "corp", f"ldaps://127.0.0.1:{slapd.port}", base=BASE))
    assert error.words == (f"ldaps://127.0.0.1:{slapd.port} does not answer in TLS: if it is a "
                           f"plain LDAP port, the address starts with ldap://127.0.0.1:"
                           f"{slapd.port} (Use StartTLS then secures it)")  # fmt: skip
    assert "wrapping error" not in str(error) and "_ssl.c" not in str(error)
    found = check_connection(DirectoryForm("ldap", "corp", slapd.url, base=BASE))
    assert found == "Found 1 entry under dc=example,dc=com"

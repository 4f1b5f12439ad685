"""HTTP Digest authentication for CardDAV: RFC 7616's own examples, and a real server that asks
for it (lighttpd's mod_auth in front of Radicale on loopback; tests/adapters/digest_proxy.py)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop import cli
from desktop.adapters import secrets as secrets_module
from desktop.adapters.directories.dav_http import DavClient, DavError
from desktop.adapters.directories.http_digest import (
    DigestSession,
    best_digest,
    parse_challenges,
)
from desktop.adapters.secrets import MemoryKeyring
from tests.adapters.carddav_servers import Radicale, running_radicale, vcard
from tests.adapters.digest_proxy import DigestProxy, available

# RFC 7616 section 3.9.1: the same request answered with SHA-256 and with MD5.
RFC_CHALLENGES = [
    'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, '
    'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", '
    'opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
    'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=MD5, '
    'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", '
    'opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
]
RFC_CNONCE = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"


@pytest.mark.parametrize(("index", "response"), [
    (0, "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"),
    (1, "8ca523f5e9506fed4657c9700eebdbec"),
], ids=["SHA-256", "MD5"])  # fmt: skip
def test_the_rfc_7616_examples(index: int, response: str) -> None:
    challenge = parse_challenges(RFC_CHALLENGES)[index]
    header = DigestSession(challenge, "Mufasa", "Circle of Life").authorization(
        "GET", "/dir/index.html", RFC_CNONCE
    )
    assert f'response="{response}"' in header
    assert 'opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"' in header
    assert "qop=auth, nc=00000001," in header
    assert "Circle of Life" not in header


def test_the_strongest_offer_is_taken_and_several_challenges_share_a_header() -> None:
    [basic, digest_md5] = parse_challenges(
        ['Basic realm="a \\"quoted\\" realm", Digest realm="r", nonce=abc, stale=TRUE']
    )
    assert (basic.scheme, basic.params) == ("basic", {"realm": 'a "quoted" realm'})
    assert digest_md5.params == {"realm": "r", "nonce": "abc", "stale": "TRUE"}
    best = best_digest(parse_challenges(list(reversed(RFC_CHALLENGES))))
    assert best is not None and best.params["algorithm"] == "SHA-256"
    only_int = parse_challenges(['Digest realm="r", nonce="n", qop="auth-int"'])
    assert best_digest(only_int) is None, "auth-int alone is not answered half-right"


needs_lighttpd = pytest.mark.skipif(
    not available(), reason="needs lighttpd (scripts/e2e_prereqs installs it)"
)


@pytest.fixture
def radicale(tmp_path: Path) -> Iterator[Radicale]:
    yield from running_radicale(tmp_path / "radicale")


@pytest.fixture
def keychain(monkeypatch: pytest.MonkeyPatch) -> MemoryKeyring:
    """The OS keychain, the one thing tests stand in for (as in test_carddav_sync.py)."""
    backend = MemoryKeyring()
    monkeypatch.setattr(secrets_module, "_configured_backend", lambda: backend)
    return backend


def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, data: Path,
        *args: str, stdin: str = "") -> tuple[int, str, str]:  # fmt: skip
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = cli.main([*args, "--data-dir", str(data), "--region", "US"])
    out, err = capsys.readouterr()
    return code, out, err


@needs_lighttpd
@pytest.mark.parametrize("algorithms", ["SHA-256|MD5", "MD5"])
def test_a_book_behind_digest_auth_is_mirrored_and_a_wrong_password_refused(
    tmp_path: Path, radicale: Radicale, keychain: MemoryKeyring,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, algorithms: str,
) -> None:  # fmt: skip
    radicale.make_book("/team/book/", [
        vcard("dana", "Dana Reyes", "ORG:Acme", "TEL:+1 415 555 0101"),
        vcard("sam", "Sam Ortiz", "TEL:+1 415 555 0102"),
    ])  # fmt: skip
    proxy = DigestProxy(tmp_path / "proxy", radicale.port, {"dana": "s3cret pass"},
                        algorithms).start()  # fmt: skip
    try:
        data, url = tmp_path / "data", f"{proxy.base}/team/book/"
        code, _, err = run(capsys, monkeypatch, data, "directory", "add", "carddav", url,
                           "--name", "team", "--user", "dana", "--password-stdin",
                           stdin="wrong\n")  # fmt: skip
        assert code == 1
        assert err.strip().endswith(
            "the server refused user 'dana' and its password (401 Unauthorized)"), err
        assert keychain.get_password("CallerCard", "directory:team") is None

        code, out, err = run(capsys, monkeypatch, data, "directory", "add", "carddav", url,
                             "--name", "team", "--user", "dana", "--password-stdin",
                             stdin="s3cret pass\n")  # fmt: skip
        assert code == 0, err
        assert "team: 2 added" in out
        radicale.put("/team/book/lee.vcf", vcard("lee", "Lee Park", "TEL:+1 646 555 0123"))
        code, out, err = run(capsys, monkeypatch, data, "directory", "sync")
        assert code == 0 and "team: 1 added" in out, err
        code, out, _ = run(capsys, monkeypatch, data, "lookup", "+16465550123", "--json")
        assert [c["source"] for c in json.loads(out)["contacts"]] == ["team"]
    finally:
        proxy.stop()
    access = (proxy.root / "access.log").read_text(encoding="utf-8")
    assert '" 401 ' in access and '" 207 ' in access


@needs_lighttpd
def test_over_plain_http_the_password_never_goes_out(tmp_path: Path, radicale: Radicale) -> None:
    """No Basic header goes out unasked on http://: a Digest server sees hashes only."""
    proxy = DigestProxy(tmp_path / "proxy", radicale.port, {"dana": "s3cret pass"}).start()
    try:
        with DavClient(username="dana", password="s3cret pass") as client:
            for _ in range(3):  # one challenge, then the nonce is reused with a count
                assert client.request("PROPFIND", f"{proxy.base}/", depth="0").status == 207
        with DavClient(username="dana", password="nope") as client, pytest.raises(DavError):
            client.request("PROPFIND", f"{proxy.base}/", depth="0")
    finally:
        proxy.stop()
    sent = proxy.request_headers()
    assert "Authorization: Digest" in sent and "algorithm=SHA-256" in sent
    assert "nc=00000003" in sent
    assert "Authorization: Basic" not in sent

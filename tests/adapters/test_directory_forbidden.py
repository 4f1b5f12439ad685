"""A teammate's book the rep was never given, against a real Radicale with users: the right
password, the wrong book. Settings must say so, not 'answered PROPFIND with 403'."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.adapters.directories.dav_http import DavError
from desktop.adapters.directories.managing import DirectoryForm, check_connection
from tests.adapters.carddav_servers import Radicale, vcard


def test_another_users_book_is_said_to_be_closed_to_this_user(tmp_path: Path) -> None:
    server = Radicale(tmp_path / "server", users={"alice": "correct horse", "bob": "b0b"})
    server.start()
    try:
        server.make_book("/bob/contacts/", [vcard("dana", "Dana Reyes", "TEL:+1 415 555 0101")],
                         user="bob")  # fmt: skip
        url = f"{server.base}/bob/contacts/"
        with pytest.raises(DavError) as caught:
            check_connection(DirectoryForm("carddav", "team", url, "alice", "correct horse"))
        assert caught.value.words == (f"{url} is not open to 'alice' (403 Forbidden): check "
                                      "the address, or ask for access to that book")  # fmt: skip
        assert str(caught.value) == f"{url}: the server answered PROPFIND with 403 Forbidden"
        found = check_connection(DirectoryForm("carddav", "team", url, "bob", "b0b"))
        assert found.endswith("with 1 contact")
    finally:
        server.stop()

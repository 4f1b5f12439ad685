"""Text that arrives as JSON escapes can spell lone surrogates; what comes out of the readers is
text SQLite stores, with U+FFFD where a lone surrogate was."""

from __future__ import annotations

import sqlite3

import pytest

from desktop.core import ipc
from desktop.core.dialects import baresip
from desktop.core.unicode_text import whole_unicode


@pytest.mark.parametrize(
    ("raw", "mended"),
    [
        ("Mike \udcff", "Mike \ufffd"),  # argv byte 0xFF, decoded with surrogateescape
        ("\ud800", "\ufffd"),
        ("\ud83d\ude00", "😀"),  # a pair written as two escapes is the character it encodes
        ("Zoë Ångström", "Zoë Ångström"),
        ("", ""),
    ],
)
def test_lone_surrogates_become_replacement_characters(raw: str, mended: str) -> None:
    assert whole_unicode(raw) == mended


def _stored(*texts: str) -> list[str]:
    with sqlite3.connect(":memory:") as db:
        db.execute("CREATE TABLE t (x TEXT)")
        db.executemany("INSERT INTO t VALUES (?)", [(t,) for t in texts])
        return [row[0] for row in db.execute("SELECT x FROM t")]


def test_a_ring_with_surrogate_escapes_is_text_the_store_can_keep() -> None:
    line = (
        b'{"protocol_version":2,"kind":"ring","caller_id":"+14155550142",'
        b'"name":"Mike \\udcff","source":"hook","call_key":"\\ud800","t_ns":0}'
    )
    ring = ipc.decode(line)
    assert isinstance(ring, ipc.Ring)
    assert _stored(ring.name, ring.call_key) == ["Mike \ufffd", "\ufffd"]


def test_a_baresip_event_with_surrogate_escapes_is_text_the_store_can_keep() -> None:
    event = baresip.parse_event(
        b'{"class":"call","type":"CALL_INCOMING","peeruri":"sip:1001@pbx",'
        b'"peerdisplayname":"Jane \\ud800","id":"a8\\udc80"}'
    )
    assert isinstance(event, baresip.BaresipEvent)
    assert _stored(event.peer_name, event.call_id) == ["Jane \ufffd", "a8\ufffd"]

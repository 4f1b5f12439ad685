"""`callercard callbacks [--json]`: the Callbacks view's sections from the command line."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

from tests.test_cli import book, cc

__all__ = ["book"]  # the imported prospects, as a fixture


def test_callbacks_lists_the_four_sections(book: Path) -> None:
    now = int(time.time())
    with sqlite3.connect(book / "callercard.sqlite3") as db:
        ids = dict(db.execute("SELECT name, id FROM contacts"))
        db.executemany(
            "INSERT INTO attempts(contact_id, number_e164, direction, at, outcome, message, "
            "reason, source, callback_from, callback_until) "
            "VALUES (?, ?, ?, ?, ?, ?, '', 'test', ?, ?)",
            [(ids["Mike Kowalski"], "+14155550142", "in", now - 3600, "missed", "", None, None),
             (ids["Anna Berg"], "+442079460958", "out", now - 2 * 86400, "voicemail",
              "<b>the pilot</b>", None, None),
             (ids["Raj Patel"], "+14155550100", "out", now - 600, "talked", "",
              now + 86400, now + 86400 + 3 * 3600),
             (ids["Dana Whitfield"], "+14155550100", "out", now - 3 * 86400, "talked", "",
              now - 2 * 86400, now - 2 * 86400 + 3600)],
        )  # fmt: skip
    out = json.loads(cc("callbacks", "--json", data_dir=book, check=True).stdout)
    assert out["due"] == 2  # Mike's missed call, Dana's window that passed
    [mike] = out["waiting_for_us"]
    assert mike["contact"]["name"] == "Mike Kowalski" and mike["number"] == "+14155550142"
    assert mike["detail"] == "Missed call 1 h ago" and mike["due"] is True
    assert mike["their_time"]  # San Francisco has one zone: a time, never a spread
    assert mike["several_time_zones"] is False
    [anna] = out["waiting_for_them"]
    assert anna["detail"] == "Voicemail left 2 days ago" and anna["message"] == "<b>the pilot</b>"
    [raj] = out["promised"]
    assert raj["detail"].startswith("You said you'd be in ") and raj["callback_from"]
    [dana] = out["follow_ups"]
    assert dana["contact"]["name"] == "Dana Whitfield" and dana["due"] is True

    plain = cc("callbacks", data_dir=book, check=True).stdout.splitlines()
    assert plain[0] == "Waiting for us (1)"
    assert plain[1].startswith(
        "  Mike Kowalski · +1 415-555-0142 · Missed call 1 h ago · their time")
    assert "We are waiting for them (1)" in plain
    assert "    <b>the pilot</b>" in plain  # the message under it, as typed


def test_callbacks_on_an_empty_book_says_none(tmp_path: Path) -> None:
    out = json.loads(cc("callbacks", "--json", data_dir=tmp_path / "d", check=True).stdout)
    assert out == {"waiting_for_us": [], "waiting_for_them": [], "promised": [],
                   "follow_ups": [], "put_off": [], "due": 0, "listed": 0}  # fmt: skip


def test_a_contact_who_tried_twice_says_so_as_an_unknown_number_does(book: Path) -> None:
    now = int(time.time())
    with sqlite3.connect(book / "callercard.sqlite3") as db:
        [mike] = [i for (i,) in db.execute("SELECT id FROM contacts WHERE name = 'Mike Kowalski'")]
        db.executemany(
            "INSERT INTO attempts(contact_id, number_e164, direction, at, outcome, message, "
            "reason, source, caller_name) VALUES (?, ?, 'in', ?, 'missed', '', '', 'test', ?)",
            [(mike, "+14155550142", now - 3 * 3600, ""), (mike, "+14155550142", now - 3600, ""),
             (None, "+14155550177", now - 7200, "MIKE CELL"),
             (None, "+14155550177", now - 5400, "MIKE CELL")],
        )  # fmt: skip
    out = json.loads(cc("callbacks", "--json", data_dir=book, check=True).stdout)
    said = [(e["detail"], e["tries"]) for e in out["waiting_for_us"]]
    assert said == [("Missed call 1 h ago (2 tries)", 2), ("Missed call 1 h ago (2 tries)", 2)]
    plain = cc("callbacks", data_dir=book, check=True).stdout.splitlines()
    assert plain[1].startswith(
        "  Mike Kowalski · +1 415-555-0142 · Missed call 1 h ago (2 tries) · ")
    assert plain[2].startswith("  MIKE CELL (caller ID) · +1 415-555-0177 · Missed call ")
    assert "(2 tries)" in plain[2]  # the two rows read alike


def test_a_cut_list_says_how_many_are_due_in_all(book: Path) -> None:
    """1,008 due and 501 listed read as if 501 were everyone waiting."""
    now = int(time.time())
    with sqlite3.connect(book / "callercard.sqlite3") as db:
        db.executemany(
            "INSERT INTO attempts(contact_id, number_e164, direction, at, outcome, message, "
            "reason, source) VALUES (NULL, ?, 'in', ?, 'missed', '', '', 'test')",
            [(f"+1415555{n:04d}", now - 60 - n) for n in range(1000, 1520)],
        )  # fmt: skip
    out = json.loads(cc("callbacks", "--json", data_dir=book, check=True).stdout)
    assert (out["due"], out["listed"]) == (520, 500)
    text = cc("callbacks", data_dir=book, check=True)
    assert "520 due · the newest 500 listed" in text.stderr

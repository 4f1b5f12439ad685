"""Files written the way softphones write them, for the tests and benchmarks: MicroSIP's
microsip.ini and liblinphone's linphone.db. The app only reads these files; its readers are
desktop/core/dialects/microsip.py and desktop/adapters/sources/linphone_db.py."""

from __future__ import annotations

import codecs
import sqlite3
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

from desktop.core.dialects.linphone import EPOCH_TEXT, CallStatus, EventType, format_utc
from desktop.core.dialects.microsip import CallType
from desktop.core.models import Direction

# --- writing files the way MicroSIP does --------------------------------------------------------


def render_call(
    number: str,
    name: str,
    call_type: CallType,
    time: int,
    duration: int = 0,
    info: str = "",
) -> str:
    """A [Calls] value as CallEncode writes it. A ring is ``render_call(n, name, INCOMING, t)``;
    MicroSIP's end of a missed call is ``render_call(n, name, MISSED, t, 0, "Missed Call")``."""
    return f"{number};{name};{int(call_type)};{time};{duration};{info}"


def render_ini(
    settings: Mapping[str, str],
    calls: Mapping[int, str],
    *,
    sections: Mapping[str, Mapping[str, str]] | None = None,
) -> str:
    """The text of a microsip.ini laid out as MicroSIP leaves it: [Settings], any other
    sections, then [Calls] (values from render_call, or "null"); CRLF line ends. Encode it
    with encode_ini."""
    lines = ["[Settings]", *(f"{key}={value}" for key, value in settings.items())]
    for name, values in (sections or {}).items():
        lines.append(f"[{name}]")
        lines.extend(f"{key}={value}" for key, value in values.items())
    lines.append("[Calls]")
    lines.extend(f"{key}={value}" for key, value in calls.items())
    return "\r\n".join(lines) + "\r\n"


def encode_ini(text: str) -> bytes:
    """UTF-16LE with a byte-order mark, as MicroSIP writes its ini."""
    return codecs.BOM_UTF16_LE + text.encode("utf-16-le")


def encode_appended_call(key: int, value: str) -> bytes:
    """Bytes that add one [Calls] line at the end of a file written by encode_ini.

    While [Calls] is the last section (as render_ini and MicroSIP leave it), appending these with
    one write gives the same content as MicroSIP's whole-file rewrite for a new ring, only faster.
    """
    return f"{key}={value}\r\n".encode("utf-16-le")


# --- writing the database the way liblinphone does -------------------------------------------

SCHEMA = """
CREATE TABLE IF NOT EXISTS sip_address (
  id INTEGER PRIMARY KEY ASC, value VARCHAR(255) UNIQUE NOT NULL, display_name VARCHAR(255));
CREATE TABLE IF NOT EXISTS event (
  id INTEGER PRIMARY KEY ASC, type TINYINT UNSIGNED NOT NULL, creation_time DATE NOT NULL);
CREATE TABLE IF NOT EXISTS conference_call (
  id INTEGER PRIMARY KEY ASC, from_sip_address_id INTEGER NOT NULL,
  to_sip_address_id INTEGER NOT NULL, direction TINYINT UNSIGNED NOT NULL,
  duration INT UNSIGNED, start_time DATE NOT NULL, connected_time DATE,
  status TINYINT UNSIGNED NOT NULL, video_enabled BOOLEAN NOT NULL, quality DOUBLE,
  call_id VARCHAR(64), refkey VARCHAR(64), conference_info_id INTEGER,
  FOREIGN KEY (from_sip_address_id) REFERENCES sip_address(id) ON DELETE CASCADE,
  FOREIGN KEY (to_sip_address_id) REFERENCES sip_address(id) ON DELETE CASCADE);
CREATE TABLE IF NOT EXISTS conference_call_event (
  event_id INTEGER PRIMARY KEY ASC, conference_call_id INTEGER NOT NULL,
  FOREIGN KEY (event_id) REFERENCES event(id) ON DELETE CASCADE,
  FOREIGN KEY (conference_call_id) REFERENCES conference_call(id) ON DELETE CASCADE);
"""


class LinphoneLikeWriter:
    """Writes calls into a linphone.db with the statements and in the transactions liblinphone
    uses (MainDb::insertConferenceCallEvent / updateConferenceCall): the row and its "started"
    event at the INVITE, an update and a "connected" event on answer, an update and an "ended"
    event at the end. ``journal_mode`` is "delete" (liblinphone's default) or "wal".
    """

    def __init__(
        self, path: Path, *, journal_mode: str = "delete", me: str = "sip:alex@sip.example.com"
    ) -> None:
        self.path = Path(path)
        self.connection = sqlite3.connect(self.path, isolation_level=None, timeout=5.0)
        self.connection.execute(f"PRAGMA journal_mode = {journal_mode}")
        self.connection.execute("PRAGMA secure_delete = ON")
        # MainDb::init creates its tables in one transaction: a reader never sees half of them.
        self.connection.executescript(f"BEGIN;\n{SCHEMA}\nCOMMIT;")
        self._me = self._address(me, "Alex Seller")

    def close(self) -> None:
        self.connection.close()

    def ring(
        self,
        remote: str,
        name: str | None = None,
        *,
        at: datetime | None = None,
        direction: Direction = Direction.IN,
        call_id: str = "",
    ) -> int:
        """A call starts (an incoming INVITE arrives); returns its conference_call id."""
        moment = at or datetime.now(UTC)
        with _transaction(self.connection):
            other = self._address(remote, name)
            incoming = direction is Direction.IN
            cursor = self.connection.execute(
                "INSERT INTO conference_call (from_sip_address_id, to_sip_address_id, direction,"
                " duration, start_time, connected_time, status, video_enabled, quality, call_id,"
                " refkey, conference_info_id) VALUES (?, ?, ?, 0, ?, ?, ?, 0, -1.0, ?, '', NULL)",
                (
                    other if incoming else self._me,
                    self._me if incoming else other,
                    1 if incoming else 0,
                    format_utc(moment),
                    EPOCH_TEXT,
                    int(CallStatus.ABORTED),
                    call_id or f"{moment.timestamp():.6f}@bench",
                ),
            )
            row_id = cursor.lastrowid
            assert row_id is not None
            self._event(row_id, EventType.CALL_STARTED, moment)
        return row_id

    def answer(self, row_id: int, *, at: datetime | None = None) -> None:
        moment = at or datetime.now(UTC)
        with _transaction(self.connection):
            self.connection.execute(
                "UPDATE conference_call SET status = ?, connected_time = ? WHERE id = ?",
                (int(CallStatus.SUCCESS), format_utc(moment), row_id),
            )
            self._event(row_id, EventType.CALL_CONNECTED, moment)

    def end(
        self,
        row_id: int,
        status: CallStatus | None = None,
        *,
        duration: int = 0,
        at: datetime | None = None,
    ) -> None:
        moment = at or datetime.now(UTC)
        with _transaction(self.connection):
            if status is not None:
                self.connection.execute(
                    "UPDATE conference_call SET status = ?, duration = ? WHERE id = ?",
                    (int(status), duration, row_id),
                )
            else:
                self.connection.execute(
                    "UPDATE conference_call SET duration = ? WHERE id = ?", (duration, row_id)
                )
            self._event(row_id, EventType.CALL_ENDED, moment)

    def copy_in(self, calls: list[tuple[str, str, datetime, CallStatus, int]]) -> None:
        """Calls over long ago (remote, name, start, status, duration), copied in at once as
        Linphone 5.2's first start imports the legacy call-history.db (one transaction)."""
        with _transaction(self.connection):
            for remote, name, start, status, duration in calls:
                other = self._address(remote, name)
                cursor = self.connection.execute(
                    "INSERT INTO conference_call (from_sip_address_id, to_sip_address_id,"
                    " direction, duration, start_time, connected_time, status, video_enabled,"
                    " quality, call_id, refkey, conference_info_id)"
                    " VALUES (?, ?, 1, ?, ?, ?, ?, 0, -1.0, ?, '', NULL)",
                    (other, self._me, duration, format_utc(start),
                     format_utc(start) if status is CallStatus.SUCCESS else EPOCH_TEXT,
                     int(status), f"{start.timestamp():.6f}@legacy"),
                )  # fmt: skip
                assert cursor.lastrowid is not None
                self._event(cursor.lastrowid, EventType.CALL_STARTED, start)
                self._event(cursor.lastrowid, EventType.CALL_ENDED,
                            start + timedelta(seconds=duration))  # fmt: skip

    def _address(self, value: str, name: str | None) -> int:
        row = self.connection.execute(
            "SELECT id, display_name FROM sip_address WHERE value = ?", (value,)
        ).fetchone()
        if row is not None:
            if name is not None and row[1] != name:  # the caller's latest name wins
                self.connection.execute(
                    "UPDATE sip_address SET display_name = ? WHERE id = ?", (name, row[0])
                )
            return int(row[0])
        cursor = self.connection.execute(
            "INSERT INTO sip_address (value, display_name) VALUES (?, ?)", (value, name)
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def _event(self, row_id: int, event_type: EventType, moment: datetime) -> None:
        cursor = self.connection.execute(
            "INSERT INTO event (type, creation_time) VALUES (?, ?)",
            (int(event_type), format_utc(moment)),
        )
        self.connection.execute(
            "INSERT INTO conference_call_event (event_id, conference_call_id) VALUES (?, ?)",
            (cursor.lastrowid, row_id),
        )


class _transaction:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def __enter__(self) -> None:
        self._connection.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, *_rest: object) -> None:
        self._connection.execute("COMMIT" if kind is None else "ROLLBACK")

"""Whom the rep meant to call on a number, when no softphone could place the call.

A missed card on a number several contacts share asks whom its Call back is for ("Call back
for Raj Patel"). When a softphone places the call, the call is logged for Raj at once; when
none can (no dialer set up), the number goes on the clipboard, the rep dials it on a desk
phone and logs it by hand with `callercard log-call NUMBER`, which filed it under the one
whose missed call was due (Dana): the choice was lost. It is kept here for the time a note
logged by hand is about a call just made (call_history.NOTE_AFTER_CALL_S), so that log-call
files the call for the one chosen.

One small text file in the data directory, "NUMBER CONTACT_ID UNIX_SECONDS" a line, newest
choice per number, rewritten whole (atomically, not synced: the GUI thread writes it). Not the
database: the app's store connection gives up quickly while an import holds the write lock,
and a choice lost is the old guess, never a call lost. Readable by this user alone: it holds
callers' numbers.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

from desktop.adapters.atomic_file import write_atomic

log = logging.getLogger(__name__)

# Kept no longer than a note logged by hand is about a call just made (NOTE_AFTER_CALL_S).
KEEP_S = 20 * 60
KEPT_MAX = 50  # numbers: a file edited by hand cannot grow without end


class DialIntents:
    def __init__(self, path: Path) -> None:
        self.path = path

    def remember(self, number: str, contact_id: int, at: datetime) -> None:
        """The rep chose to call `number` for `contact_id` at `at`, and nothing placed it."""
        kept = {n: (c, t) for n, (c, t) in self._load().items()
                if n != number and t > at.timestamp() - KEEP_S}  # fmt: skip
        kept[number] = (contact_id, int(at.timestamp()))
        newest = sorted(kept.items(), key=lambda item: item[1][1])[-KEPT_MAX:]
        text = "".join(f"{n} {c} {t}\n" for n, (c, t) in newest)
        try:
            write_atomic(self.path, text.encode("ascii"), durable=False)
        except (OSError, UnicodeEncodeError) as exc:
            log.warning("%s: whom the call to %s was for not kept (%s)", self.path, number, exc)

    def meant(self, number: str, now: datetime, within_s: int) -> tuple[int, datetime] | None:
        """(contact id, when chosen) of the newest choice for `number` made within `within_s`
        seconds before `now` (or a few seconds after: two clocks), else None."""
        found = self._load().get(number)
        if found is None:
            return None
        contact_id, at = found
        if not now.timestamp() - within_s <= at <= now.timestamp() + 5:
            return None
        return contact_id, datetime.fromtimestamp(at, UTC)

    def _load(self) -> dict[str, tuple[int, int]]:
        try:
            text = self.path.read_text(encoding="ascii")
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            log.warning("%s: not read (%s)", self.path, exc)
            return {}
        found: dict[str, tuple[int, int]] = {}
        for line in text.splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
                found[parts[0]] = (int(parts[1]), int(parts[2]))
        return found

"""When CallerCard was last known to be running, kept in the data directory: the next start
tells the rep of the calls missed after it ("3 calls missed while CallerCard was closed"),
which rang no card.

Written at quit and every STILL_RUNNING_EVERY_S while it runs, so that after a crash or a
power cut the calls counted are those of the last minutes it ran at most, not every missed
call since the last clean quit (calls whose cards the rep saw). One line, the Unix time in
whole seconds; a file that is missing or damaged says nothing, and nothing is told.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

from desktop.adapters.atomic_file import write_atomic

log = logging.getLogger(__name__)

STILL_RUNNING_EVERY_S = 5 * 60


class LastRunning:
    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> datetime | None:
        """When the app last said it ran (aware, UTC); None when it never did here."""
        try:
            text = self.path.read_text(encoding="ascii").strip()
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            log.warning("%s: not read (%s)", self.path, exc)
            return None
        if not text.isdigit():
            log.warning("%s: not a time: %r", self.path, text[:40])
            return None
        return datetime.fromtimestamp(int(text), UTC)

    def save(self, at: datetime) -> None:
        """`at` (aware) as the time the app last ran. Not synced: a lost stamp costs one
        message at the next start, never a call."""
        try:
            write_atomic(self.path, f"{int(at.timestamp())}\n".encode("ascii"), durable=False)
        except OSError as exc:
            log.warning("%s: not written (%s)", self.path, exc)

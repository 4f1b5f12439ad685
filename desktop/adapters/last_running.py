"""When CallerCard was last known to be running, kept in the data directory: the next start
tells the rep of the calls missed after it ("3 calls missed while CallerCard was closed"),
which rang no card.

Written at quit and every STILL_RUNNING_EVERY_S while it runs, so that after a crash or a
power cut the calls counted are those of the last minutes it ran at most, not every missed
call since the last clean quit (calls whose cards the rep saw). One line, the Unix time in
whole seconds; a file that is missing or damaged says nothing, and nothing is told.

A second line, when there were any, holds the ids of the calls still ringing then (a hook's
ring whose end had not come): an end that comes after the quit makes such a call missed while
the app was closed, though it rang, and was recorded, while it ran.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
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
        return self.load_with_open()[0]

    def load_with_open(self) -> tuple[datetime | None, tuple[int, ...]]:
        """When the app last said it ran (None when it never did here), and the ids of the
        calls still ringing then."""
        try:
            text = self.path.read_text(encoding="ascii")
        except FileNotFoundError:
            return None, ()
        except (OSError, ValueError) as exc:
            log.warning("%s: not read (%s)", self.path, exc)
            return None, ()
        first, _, rest = text.strip().partition("\n")
        if not first.isdigit():
            log.warning("%s: not a time: %r", self.path, first[:40])
            return None, ()
        open_calls = tuple(int(i) for i in rest.split() if i.isdigit())
        return datetime.fromtimestamp(int(first), UTC), open_calls

    def save(self, at: datetime, open_calls: Sequence[int] = ()) -> None:
        """`at` (aware) as the time the app last ran, and the calls still ringing then. Not
        synced: a lost stamp costs one message at the next start, never a call."""
        text = f"{int(at.timestamp())}\n"
        if open_calls:
            text += " ".join(str(i) for i in open_calls) + "\n"
        try:
            write_atomic(self.path, text.encode("ascii"), durable=False)
        except OSError as exc:
            log.warning("%s: not written (%s)", self.path, exc)

"""The times CallerCard was closed whose missed calls the rep has not been told of yet, kept
in the data directory until they are.

A start with no tray to say "3 calls missed while CallerCard was closed" in (a hook's
`--background` start on a desktop without one, and no notification service either) had only
the hidden menu window's status line and the log: the rep learnt nothing, and the next start
counted only from then on. The periods stay here until the rep sees the menu window or
Callbacks, or runs `callercard callbacks`; a later start tells them with its own.

One line per period, "SINCE UNTIL" in whole Unix seconds; a damaged line is skipped.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

from desktop.adapters.atomic_file import write_atomic

log = logging.getLogger(__name__)

Period = tuple[datetime, datetime]


class UntoldMissed:
    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> list[Period]:
        try:
            text = self.path.read_text(encoding="ascii")
        except FileNotFoundError:
            return []
        except (OSError, ValueError) as exc:
            log.warning("%s: not read (%s)", self.path, exc)
            return []
        periods: list[Period] = []
        for line in text.splitlines():
            parts = line.split()
            if len(parts) == 2 and all(p.isdigit() for p in parts):
                since, until = (datetime.fromtimestamp(int(p), UTC) for p in parts)
                periods.append((since, until))
        return periods

    def keep(self, periods: list[Period]) -> None:
        text = "".join(f"{int(s.timestamp())} {int(u.timestamp())}\n" for s, u in periods)
        try:
            write_atomic(self.path, text.encode("ascii"), durable=False)
        except OSError as exc:
            log.warning("%s: not written (%s)", self.path, exc)

    def told(self) -> None:
        """The rep has seen them: nothing to say at the next start."""
        try:
            self.path.unlink(missing_ok=True)
        except OSError as exc:
            log.warning("%s: not removed (%s)", self.path, exc)

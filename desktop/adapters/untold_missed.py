"""The times CallerCard was closed whose missed calls the rep has not been told of yet, kept
in the data directory until they are.

A start with no tray to say "3 calls missed while CallerCard was closed" in (a hook's
`--background` start on a desktop without one, and no notification service either) had only
the hidden menu window's status line and the log: the rep learnt nothing, and the next start
counted only from then on. The periods stay here until the rep sees the menu window or
Callbacks, or runs `callercard callbacks`; a later start tells them with its own.

One line per period, "SINCE UNTIL" in whole Unix seconds, and the ids of the calls counted in
it that rang before SINCE ("SINCE UNTIL 41,43": one still ringing at the quit and ended missed
after it, one a softphone logged at the start), which no time finds again; a damaged line is
skipped.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

from desktop.adapters.atomic_file import write_atomic

log = logging.getLogger(__name__)

# Closed since, until, and the calls missed in it that rang before it.
Period = tuple[datetime, datetime, tuple[int, ...]]


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
            if len(parts) in (2, 3) and all(p.isdigit() for p in parts[:2]):
                since, until = (datetime.fromtimestamp(int(p), UTC) for p in parts[:2])
                ids = parts[2].split(",") if len(parts) == 3 else []
                periods.append((since, until, tuple(int(i) for i in ids if i.isdigit())))
        return periods

    def keep(self, periods: list[Period]) -> None:
        text = "".join(f"{int(s.timestamp())} {int(u.timestamp())}"
                       + (f" {','.join(str(i) for i in ids)}" if ids else "") + "\n"
                       for s, u, ids in periods)  # fmt: skip
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

"""The missed cards left open on screen, kept in the data directory so that they come back
at the next start: a PC restarted, or the app quit, with three missed cards up must not lose
them (Callbacks lists the calls, but the card is what the rep was going to act on).

One small JSON file, rewritten whole (atomically, but not synced: see `save`; readable by
this user alone: it holds callers' numbers) whenever the cards up change. Not the database:
the cards change on the GUI thread, whose store connection gives up quickly while an import
holds the write lock, and what is on screen is the app's state, not the book's. Only what
the card is built from again is kept: the caller ID as the softphone sent it and its name,
when the last call rang, how many calls the card stands for, and when it became a missed card
(its time on screen counts from then, across restarts: desktop.qt.popup_stack); the card
itself is looked up again at start, so a caller named meanwhile is named on it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from desktop.adapters.atomic_file import write_atomic

log = logging.getLogger(__name__)

# More than a screen holds (popup_stack.MAX_CARDS): a file edited by hand cannot flood it.
KEPT_MAX = 20


@dataclass(frozen=True)
class OpenMissedCard:
    caller_id: str  # as the softphone or hook sent it ("" for a withheld caller)
    name: str  # the caller ID's name
    rang: datetime  # aware: when their last missed call rang
    tries: int = 1  # missed calls the card stands for
    # Aware: when it became a missed card; None from a file written before it was kept (the
    # ring's time stands for it then).
    shown: datetime | None = None


class MissedCardsFile:
    def __init__(self, path: Path) -> None:
        self.path = path

    def save(self, cards: Sequence[OpenMissedCard]) -> None:
        """Raises OSError when the file cannot be written."""
        if not cards:
            self.path.unlink(missing_ok=True)
            return
        data = [{"caller_id": c.caller_id, "name": c.name, "rang": c.rang.isoformat(),
                 "tries": c.tries, **({"shown": c.shown.isoformat()} if c.shown else {})}
                for c in cards[-KEPT_MAX:]]  # fmt: skip
        # Not synced: saved from the GUI thread, where an fsync (4-8 ms) would hold back a
        # ring arriving meanwhile; a quit or a restart still finds it whole.
        write_atomic(self.path, json.dumps(data, ensure_ascii=False).encode("utf-8"),
                     durable=False)  # fmt: skip

    def load(self) -> list[OpenMissedCard]:
        """The cards as saved, oldest first; none when there is no file or it is damaged (a
        missed card lost is a call still in Callbacks, never a reason not to start)."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        except (OSError, ValueError) as exc:
            log.warning("%s: missed cards not read back (%s)", self.path, exc)
            return []
        cards: list[OpenMissedCard] = []
        for entry in data if isinstance(data, list) else []:
            try:
                rang = datetime.fromisoformat(str(entry["rang"]))
                shown = datetime.fromisoformat(str(entry["shown"])) if "shown" in entry else None
                if rang.tzinfo is None or (shown is not None and shown.tzinfo is None):
                    raise ValueError("a time without its zone")
                cards.append(OpenMissedCard(str(entry["caller_id"]), str(entry.get("name", "")),
                                            rang, max(1, int(entry.get("tries", 1))),
                                            shown))  # fmt: skip
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                log.warning("%s: a missed card skipped (%s)", self.path, exc)
        return cards[-KEPT_MAX:]

"""What a read hands to the source, and the calls already seen that a re-read from the top
(a rotation, a truncation, a rewrite in place, a new database under the old name) is diffed
against."""

from __future__ import annotations

from collections.abc import Callable

from desktop.core.dialects.end_of_call import HistoryEvent, LogProblem, end_of

# On a re-read from the top, calls that ended this close before the newest one already seen
# are offered again as catch-up (the store drops the ones it has); older ones are skipped.
MARK_SLACK_S = 120.0
RECENT_KEYS = 1024

Emit = Callable[[HistoryEvent, bool, str], None]  # event (where: in its file), fresh, file
Report = Callable[[LogProblem, str], None]  # problem, file


def end_seconds(event: HistoryEvent) -> float:
    return end_of(event).timestamp()


class Seen:
    """The end of the newest call seen and the keys of the last few: what a re-read from the
    top (rotation, truncation, rewrite, a new database) is diffed against. Only ``mark``
    survives a restart; the keys make re-reads within one session exact."""

    def __init__(self) -> None:
        self.mark = 0.0
        self._keys: dict[str, None] = {}

    def note(self, event: HistoryEvent) -> None:
        self.mark = max(self.mark, end_seconds(event))
        self._keys[event.call_key] = None
        if len(self._keys) > RECENT_KEYS:
            del self._keys[next(iter(self._keys))]

    def filter(self) -> MarkFilter:
        return MarkFilter(self.mark, self._keys)


class MarkFilter:
    """Which calls of a re-read are new, given what was seen before it began."""

    def __init__(self, mark: float, keys: dict[str, None]) -> None:
        self.mark = mark
        self._keys = keys

    def verdict(self, event: HistoryEvent) -> bool | None:
        """True: new; False: maybe stored already (offered as catch-up); None: skip."""
        if event.call_key in self._keys:
            return None
        end = end_seconds(event)
        if end > self.mark:
            return True
        if end >= self.mark - MARK_SLACK_S:
            return False
        return None

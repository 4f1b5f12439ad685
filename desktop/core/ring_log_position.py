"""Where a ring-time call log (MicroSIP's ini, Linphone's database) was read up to, kept
across restarts, and what its first read does with the calls it gained meanwhile.

The one rule, the same as the end-of-call logs' (adapters/sources/history): a call the log
gained while the app was closed is recorded once, as history, and never pops; a call older
than the stored position is not offered again. So the first read after a restart reports,
as catch-up, every call that is over and is past the position: started after its mark (the
newest call it had seen), or still open then (rang or was being talked on at the quit, and
ended since). Calls that ended up to CATCH_UP_SLACK_S before the position was taken are
offered again too: a call read just before a quit or a save may not have reached the
history yet, and the store drops the ones it has. Without a stored position (a log watched
for the first time) the first read stays a snapshot (desktop.core.first_read): the log's
long past is not imported, then or ever: the position keeps when that first read was
(`since`), and a call over before it is never offered again, however soon the app quit after
it (the slack would have taken one that ended a minute before the first start).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property

from desktop.core.dialects.end_of_call import HistoryEvent
from desktop.core.events import CallEvent

CATCH_UP_SLACK_S = 120.0
# Calls still open at a save: more than a rep can have at once, and a log left with "ringing"
# lines a crash never closed (MicroSIP writes none at answer) must not grow the position.
OPEN_LIMIT = 20
# An open call older than this at the save is one whose end will never be written.
OPEN_FOR_S = 12 * 3600
_VERSION = 1


@dataclass(frozen=True)
class Position:
    """`mark`: the start (Unix seconds) of the newest call seen; `taken`: when the position
    was taken; `open`: the calls not over then, by the log's own ids; `ids`: what else the
    log's reader needs (row ids); `since`: when the log was first watched, its snapshot read
    (0: not known, a position stored before it was kept)."""

    kind: str
    mark: float
    taken: float
    open: tuple[str, ...] = ()
    ids: tuple[int, ...] = ()
    since: float = 0.0

    def dump(self) -> str:
        return json.dumps({"v": _VERSION, "kind": self.kind, "mark": self.mark,
                           "taken": self.taken, "open": list(self.open), "ids": list(self.ids),
                           "since": self.since}, separators=(",", ":"))  # fmt: skip

    def catches_up(self, call_id: str, started: float, ended: float) -> bool:
        """Whether a call that is over, read at the first read, is reported as catch-up."""
        if call_id in self._open:
            # Not over at the save, or gained since: new, unless the log is another one now
            # (a bigger linphone.db restored, or Linphone 5.2's legacy history copied in, while
            # the app was closed), whose ids say nothing of ours: a call over before the first
            # watch is the log's past, as it is when first seen while the app runs.
            return not over_before_first_watch(ended, self.since)
        if ended < self.since:
            return False  # the first watch's snapshot took it as the log's past
        return started > self.mark or ended >= self.taken - CATCH_UP_SLACK_S

    @cached_property
    def _open(self) -> frozenset[str]:
        return frozenset(self.open)


def over_before_first_watch(ended: float, since: float) -> bool:
    """Whether a call first seen while the app runs, over at `ended` (Unix seconds), is the
    log's past: over before the log was first watched (`since`; 0 when not known). Such a
    call is not recorded, as the first watch's snapshot left the log's past out: Linphone
    5.2's first start copies years of its legacy call-history.db into linphone.db, and its
    missed calls are no callbacks due. CATCH_UP_SLACK_S before `since` still counts as after
    it: a missed call's end is only known as its start (no duration), and Linphone writes the
    row of a late-offer INVITE only once the call is over, so a call that rang out just after
    the first watch looks as if it ended before it."""
    return ended < since - CATCH_UP_SLACK_S


def load_position(cursor: str | None, kind: str) -> Position | None:
    """The position stored for a log of this kind; None when none was, or it does not fit
    (raises ValueError when it is not a position at all)."""
    if not cursor:
        return None
    data = json.loads(cursor)
    if not isinstance(data, dict) or data.get("v") != _VERSION or data.get("kind") != kind:
        raise ValueError("written for another kind of log")
    open_ids = data.get("open", [])
    ids = data.get("ids", [])
    if not (isinstance(open_ids, list) and isinstance(ids, list)):
        raise ValueError("not a position")
    return Position(kind, float(data["mark"]), float(data["taken"]),
                    tuple(str(i) for i in open_ids[:OPEN_LIMIT]), tuple(int(i) for i in ids),
                    float(data.get("since", 0.0)))  # fmt: skip


def open_calls(calls: Iterable[tuple[str, float]], mark: float) -> tuple[str, ...]:
    """The ids of the open calls (id, start) a position keeps: the newest, none stale."""
    recent = sorted((c for c in calls if c[1] >= mark - OPEN_FOR_S), key=lambda c: -c[1])
    return tuple(call_id for call_id, _start in recent[:OPEN_LIMIT])


def caught_up(event: CallEvent, *, duration_s: int, answered: bool | None) -> HistoryEvent:
    """A ring-time log's call that ended while nothing watched it, as the history takes it:
    never a card, never a wrap-up (HistoryEvent.catch_up)."""
    ended: datetime | None = event.time + timedelta(seconds=max(duration_s, 0))
    return HistoryEvent(
        source=event.source, direction=event.direction, state=event.state,
        number=event.number, name=event.name, time=event.time, call_key=event.call_key,
        where=event.where, read_ns=event.read_ns, ended=ended, answered=answered,
        catch_up=True,
    )  # fmt: skip

"""What a ring-time call log's first read reports.

The first read of MicroSIP's ini or Linphone's database is a snapshot: the calls in it are
history, so a restart never pops a call again. All but one kind: a call still ringing that
began around the app's start (written while the app was starting, or ringing when it was
restarted) is one the rep must see now, and nothing will write it again. The calls that are
over and were logged since the app last ran are recorded, as history
(desktop.core.ring_log_position).
"""

from __future__ import annotations

from desktop.core.events import CallState
from desktop.core.models import Direction

# How long before the app's start a call may have begun and still be ringing then. A caller
# rarely waits a minute (voicemail or the carrier takes over), and MicroSIP writes nothing
# when a call is answered, so a "ringing" line older than that is a call being talked on, or
# one a crash never closed: neither is news.
RINGING_AT_START_S = 60.0


def rings_since(started_at: float) -> float:
    """The earliest start (Unix seconds) of a call the first read pops, for an app that
    started at `started_at`."""
    return started_at - RINGING_AT_START_S


def pops_at_first_read(
    direction: Direction, state: CallState, call_started: float, since: float | None
) -> bool:
    """True for an incoming call still ringing that began at or after `since` (Unix seconds);
    `since` None: the first read reports nothing. Calls that are over never pop."""
    return (
        since is not None
        and direction is Direction.IN
        and state is CallState.RINGING
        and call_started >= since
    )

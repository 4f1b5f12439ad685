"""`callercard ring` / `end` when no CallerCard takes the call: the hook records it itself.

A rep whose tray app crashed, or is not started yet, must still find every call a hook
reported in Callbacks and `callercard calls`. So when nothing listens, the hook writes the row
the app would have written: the same CallEvent (desktop.core.ring_input builds it from the
same message) through the same CallHistory rules, hence the same source and call key
(``hook:<number>@<ring's second>``). That is what keeps one call one row: the app this ring
launches, an app started later, or a softphone's own log of the call finds the row and does
not log the call again (adapters/call_history.py). A row is history only: no app start pops
a card for it.

A ring without an end stays a call whose outcome is not known ("They called"), as when the
app quits during a call; the `end` that follows, whoever takes it, finishes that row.

Only this path pays for SQLite and the number metadata; a ring the running app takes never
imports this module (desktop.hook_send).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from desktop.core.ipc import End, Ring

if TYPE_CHECKING:
    from desktop.adapters.store import Store
    from desktop.core.numbers import CallerNumber

# What `callercard ring` / `end` exit with when CallerCard was not running but the hook
# recorded the call itself (docs/softphone-hooks.md): it is in the history, no card was shown.
EXIT_RECORDED_ONLY = 4
_NOT_RECORDED = 1  # hook_exit.EXIT_NOT_DELIVERED: neither delivered nor recorded
# Qt platforms that draw on a display server the hook can look for in the environment.
_NEEDS_DISPLAY = ("xcb", "wayland", "wayland-egl")


def can_show_cards(environ: Mapping[str, str]) -> bool:
    """Whether an app started from this hook could show a card at all: on Linux, not without
    an X or Wayland display (a hook run from a service, an SSH session, a headless phone)."""
    if sys.platform in ("win32", "darwin"):
        return True
    platform = environ.get("QT_QPA_PLATFORM", "").partition(":")[0]
    if platform and platform not in _NEEDS_DISPLAY:
        return True  # offscreen, vnc, eglfs: Qt needs no display server for those
    return bool(environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"))


def record_without_app(
    data_dir: str | None, region: str | None, message: Ring | End, *, launching: bool
) -> int:
    """Record the call `message` reports in the data dir's history; the exit code to give
    when the hook ends here, and a one-line report on stderr for the softphone's log (none
    when `launching`: the app then shows the card, and records the call if this could not)."""
    from desktop.cli import CliError, open_context

    try:
        _paths, settings, store, home = open_context(
            argparse.Namespace(data_dir=data_dir, region=region)
        )
    except CliError as exc:
        return _failed(message, str(exc), launching=launching)
    try:
        return _record(store, settings.outside_line_prefixes, home, message, launching)
    finally:
        store.close()


def _record(
    store: Store, prefixes: tuple[str, ...], home: str, message: Ring | End, launching: bool
) -> int:
    import time

    from desktop.adapters.call_history import CallHistory
    from desktop.adapters.lookup import CallerLookup
    from desktop.adapters.store import StoreError
    from desktop.core.models import Outcome
    from desktop.core.numbers import NumberPolicy
    from desktop.core.ring_input import from_end_message, from_ring_message

    lookup = CallerLookup(store, NumberPolicy(home, prefixes), {})  # parse and match: no card
    now, now_ns = datetime.now(UTC), time.monotonic_ns()
    event = (from_ring_message(message, now, now_ns) if isinstance(message, Ring)
             else from_end_message(message, now, now_ns)).event  # fmt: skip
    number = lookup.parse(event.number, event.name)
    who = _who(number, event.number)
    try:
        recorded = CallHistory(store, lookup).record(event)
    except StoreError as exc:
        return _failed(message, str(exc), launching=launching)
    if launching:
        return 0
    if isinstance(message, Ring):
        if number.e164 is None and not number.withheld:
            _say(f"call from {who} not recorded ({number.problem or 'not a phone number'}); "
                 "no card shown")  # fmt: skip
            return _NOT_RECORDED
        # None: a softphone's log, or this call's ring, is in the history already.
        _say(f"call from {who} recorded; no card shown")
        return EXIT_RECORDED_ONLY
    if recorded is None:
        # The app's own rule: an end whose ring was never logged logs nothing (an end alone
        # cannot tell an incoming call from anything else); or a softphone said how it went.
        _say(f"the end of a call from {who}, whose ring is not in the history; nothing recorded")
        return _NOT_RECORDED
    how = "missed call" if recorded.outcome is Outcome.MISSED else "answered call"
    _say(f"{how} from {who} recorded")
    return EXIT_RECORDED_ONLY


def _who(number: CallerNumber, caller_id: str) -> str:
    from desktop.core.card_text import readable_number

    return "a withheld number" if number.withheld else readable_number(number, caller_id)


def _failed(message: Ring | End, reason: str, *, launching: bool) -> int:
    if launching:
        return 0  # the app being started records the ring itself
    from desktop.core.display_text import one_line

    who = one_line(message.caller_id) or "a withheld number"
    _say(f"the call from {who} could not be recorded: {one_line(reason)}")
    return _NOT_RECORDED


def _say(text: str) -> None:
    print(f"callercard: CallerCard is not running: {text}", file=sys.stderr)

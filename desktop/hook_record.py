"""`callercard ring` / `end` when no CallerCard takes the call: the hook records it itself.

A rep whose tray app crashed, or is not started yet, must still find every call a hook
reported in Callbacks and `callercard calls`. So when nothing listens, the hook writes the row
the app would have written: the same CallEvent (desktop.core.ring_input builds it from the
same message) through the same CallHistory rules, hence the same source and call key
(``hook:<number>@<ring's time, to the ms>``). That is what keeps one call one row: the app this ring
launches, an app started later, or a softphone's own log of the call finds the row and does
not log the call again (adapters/call_history.py). A row is history only: no app start pops
a card for it.

A ring without an end stays a call whose outcome is not known ("They called"), as when the
app quits during a call; the `end` that follows, whoever takes it, finishes that row. An end
that finds no ring looks again for a moment (END_LOOKS_AGAIN_S): the ring's own hook may still
be writing it.

An app that runs but does not answer (its main thread stopped or blocked, seen at once on
Linux: instance_socket._MainThreadWatch; else after ipc_line.HOOK_WAIT_S) gets the call in the
hooks' inbox at once (`record_unanswered`), stamped when the line was: the softphone waits for
the hook, and opening the database costs seconds more. Only when the inbox cannot be written
is it treated the way a hook with no app does: the hook records the call itself, at the time
the line was stamped (not when the wait ended). When
that app reads the line later (after ipc_line.LATE_RING_S: desktop.core.late_ring) it records
the ring too, at the same stamped time, and pops no card if its call is over by then. The rule
is one row per call, whoever writes it: a ring is stored only if no ring of the same call is
(same caller and hook key, ringing within RING_BEFORE_END_S), looked for and written in one
transaction (Store.record_ring_once), whatever that row's outcome by now. So the hook's write
finding the database held by an import and giving up after its lock wait loses nothing: the
app's writer waits for the lock and writes the ring. The hook must not keep such a call in the
write journal: the running app rewrites that file. An end finishes a row once, whoever writes
it first. A call whose line never reached the app (its listen queue full, the app stopped)
and that the hook cannot write either (the database busy) is left in the hooks' inbox
(adapters/hook_inbox.py): the running app records it the moment it lands, or its next start
does.

Only this path pays for SQLite and the number metadata; a ring the running app takes never
imports this module (desktop.hook_send).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from desktop.core.ipc import End, Ring

if TYPE_CHECKING:
    from pathlib import Path

    from desktop.adapters.paths import AppPaths
    from desktop.adapters.store import Store
    from desktop.core.events import CallEvent
    from desktop.core.numbers import CallerNumber

# What `callercard ring` / `end` exit with when CallerCard was not running but the hook
# recorded the call itself (docs/softphone-hooks.md): it is in the history, no card was shown.
EXIT_RECORDED_ONLY = 4
_NOT_RECORDED = 1  # hook_exit.EXIT_NOT_DELIVERED: neither delivered nor recorded
NOT_RUNNING = "CallerCard is not running"
NOT_ANSWERING = "CallerCard did not answer in time"
STARTING = "CallerCard is still starting"  # the hooks' inbox holds the call for it
# An end whose ring is not in the history yet looks again after these pauses (1.5 s in all):
# the softphone ran the ring's hook first, but for a short call that process may still be
# writing the ring (its start-up, a database another program is writing). An end whose ring
# was never recorded costs its hook these waits.
END_LOOKS_AGAIN_S = (0.1, 0.2, 0.4, 0.8)
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


class _Report:
    """How the hook tells the softphone's log what it did: why it records the call, and the
    exit code when it recorded nothing."""

    __slots__ = ("card", "launching", "line_sent", "not_recorded", "why")

    def __init__(
        self, why: str, not_recorded: int, *, launching: bool = False, card: str = "no card shown",
        line_sent: bool = False,
    ) -> None:  # fmt: skip
        self.why = why
        self.not_recorded = not_recorded
        # The app being started says the rest, and records what this could not.
        self.launching = launching
        self.card = card  # what became of a ring's card
        self.line_sent = line_sent  # the running app has the line, and reads it when it can


def record_without_app(
    data_dir: str | None, region: str | None, message: Ring | End, *, launching: bool
) -> int:
    """Record the call `message` reports in the data dir's history; the exit code to give
    when the hook ends here, and a one-line report on stderr for the softphone's log (none
    when `launching`: the app then shows the card, and records the call if this could not)."""
    return _open_and_record(data_dir, region, message,
                            _Report(NOT_RUNNING, _NOT_RECORDED, launching=launching))  # fmt: skip


def record_unanswered(
    data_dir: str | None, region: str | None, message: Ring | End, not_recorded: int,
    *, starting: bool = False,
) -> int:  # fmt: skip
    """Record the call `message` reports, which the running app did not take in time (or,
    `starting`, an app still starting cannot take yet); the exit code (`not_recorded` when
    nothing could be recorded: what the delivery alone would have given), and a one-line
    report on stderr."""
    from desktop.hook_exit import EXIT_UNCONFIRMED

    # A line the app has (it may wake while the call still rings) can still pop its card.
    sent = not_recorded == EXIT_UNCONFIRMED
    card = "its card may still appear" if sent else "no card shown"
    # From the inbox too, while it may still ring (desktop.core.late_ring.still_ringing).
    if starting:
        # Nothing went wrong: the app pops the card from the inbox as it starts. "Did not
        # answer in time" sent the rep looking for a hung CallerCard.
        kept = _handed_to_inbox(data_dir, message, "", why=STARTING)
    else:
        kept = _handed_to_inbox(data_dir, message, "its card may still appear")
    if kept is not None:
        return kept
    return _open_and_record(data_dir, region, message,
                            _Report(NOT_ANSWERING, not_recorded, card=card,
                                    line_sent=sent))  # fmt: skip


def _handed_to_inbox(
    data_dir: str | None, message: Ring | End, card: str, why: str = NOT_ANSWERING
) -> int | None:
    """The softphone still waits (MicroSIP holds back "180 Ringing" until the hook returns):
    the call goes to the hooks' inbox at once, a file append, rather than into the database,
    whose opening and lock wait cost seconds more (6.3 s in all when an import held it). The
    app records it from there when it runs again (its writer thread at once when only its
    window hangs), or its next start does should it die first. Keyed by the caller ID as
    spelled: the app's writer keys it by the number (ring_input.keyed_by_number), so this
    reads no numbers. None when the inbox could not be written: the database, as before."""
    import time

    from desktop.adapters.paths import resolve_paths
    from desktop.core.display_text import one_line
    from desktop.core.ring_input import from_end_message, from_ring_message

    try:
        paths = resolve_paths(data_dir)
        paths.ensure()
        paths.hook_inbox.parent.mkdir(exist_ok=True, mode=0o700)
    except (OSError, ValueError):
        return None
    now, now_ns = datetime.now(UTC), time.monotonic_ns()
    call = (from_ring_message(message, now, now_ns) if isinstance(message, Ring)
            else from_end_message(message, now, now_ns))  # fmt: skip
    # Late: the app that reads the line may write the ring too, at the same stamp: one row.
    if not _left_for_app(paths.hook_inbox, replace(call.event, late=True)):
        return None
    who = one_line(message.caller_id) or "a withheld number"
    what = f"{_what(message)} from {who}"
    if why == STARTING:
        card = " and its card will show when it is ready" if isinstance(message, Ring) else ""
        print(f"callercard: {STARTING}: the {what} is kept{card}", file=sys.stderr)
        return EXIT_RECORDED_ONLY
    after = f"; {card}" if isinstance(message, Ring) else ""
    print(f"callercard: {why}: {what} kept for CallerCard, which records it as soon "
          f"as it runs again{after}", file=sys.stderr)  # fmt: skip
    return EXIT_RECORDED_ONLY


def _open_and_record(
    data_dir: str | None, region: str | None, message: Ring | End, report: _Report
) -> int:
    from desktop.cli import CliError, open_context

    try:
        _paths, settings, store, home = open_context(
            argparse.Namespace(data_dir=data_dir, region=region)
        )
    except CliError as exc:
        return _failed(message, str(exc), report)
    try:
        return _record(store, settings.outside_line_prefixes, home, message, report, _paths)
    finally:
        store.close()


def _record(
    store: Store,
    prefixes: tuple[str, ...],
    home: str,
    message: Ring | End,
    report: _Report,
    paths: AppPaths,
) -> int:
    import time

    from desktop.adapters.call_history import CallHistory
    from desktop.adapters.lookup import CallerLookup
    from desktop.adapters.store import StoreError, held_by_another
    from desktop.core.models import Outcome
    from desktop.core.numbers import NumberPolicy
    from desktop.core.ring_input import from_end_message, from_ring_message, keyed_by_number

    lookup = CallerLookup(store, NumberPolicy(home, prefixes), {})  # parse and match: no card
    now, now_ns = datetime.now(UTC), time.monotonic_ns()
    call = (from_ring_message(message, now, now_ns) if isinstance(message, Ring)
            else from_end_message(message, now, now_ns))  # fmt: skip
    # Keyed as the app keys it (by the number's E.164), so either may finish the other's call.
    event = keyed_by_number(call, lambda caller_id: lookup.parse(caller_id).e164).event
    if report.why == NOT_ANSWERING:  # the app has the line, and may write the ring too
        event = replace(event, late=True)
    number = lookup.parse(event.number, event.name)
    who = _who(number, event.number)
    history = CallHistory(store, lookup)
    try:
        recorded = history.record(event)
        for pause in END_LOOKS_AGAIN_S:
            if not history.end_unmatched:
                break
            time.sleep(pause)
            recorded = history.record(event)
    except StoreError as exc:
        if report.why == NOT_ANSWERING and report.line_sent and held_by_another(exc):
            # The app has the line: its writer waits for the lock, and records the call.
            _say(report, f"{_what(message)} from {who} not recorded yet: the database is busy "
                 "(another program is writing it); CallerCard records it when it reads it")
            return report.not_recorded
        if report.why == NOT_ANSWERING and held_by_another(exc):
            # The app never got the line, and its journal is its own while it runs: the
            # hooks' inbox, which the running app records from as soon as a call lands.
            if not _left_for_app(paths.hook_inbox, event):
                return _failed(message, str(exc), report)
            _say(report, f"{_what(message)} from {who} kept: the database is busy (another "
                 "program is writing it); CallerCard records it as soon as it can")  # fmt: skip
            return EXIT_RECORDED_ONLY
        # Only with no app running: one that runs but does not answer has the line already.
        if report.launching or report.why != NOT_RUNNING or not held_by_another(exc):
            return _failed(message, str(exc), report)
        taken = _taken_by_app_started_meanwhile(paths, message)
        if taken is not None:
            return taken
        if not keep_until_recorded(paths, event):
            return _failed(message, str(exc), report)
        _say(report, f"{_what(message)} from {who} kept: the database is busy (another program "
             "is writing it); CallerCard records it when it next starts")  # fmt: skip
        return EXIT_RECORDED_ONLY
    if report.launching:
        return 0
    if isinstance(message, Ring):
        # A caller ID that is not a number we can read is recorded as received, like any call.
        # None: a softphone's log, or this call's ring, is in the history already.
        _say(report, f"call from {who} recorded; {report.card}")
        return EXIT_RECORDED_ONLY
    if (recorded is None and _ring_may_come(report, history.end_unmatched, paths)
            and _left_for_app(paths.hook_inbox, event)):  # fmt: skip
        _say(report, f"the end of a call from {who}, whose ring is not in the history yet, "
             "kept: CallerCard finishes the call when its ring comes")  # fmt: skip
        return EXIT_RECORDED_ONLY
    if recorded is None:
        # The app's own rule: an end whose ring was never logged logs nothing (an end alone
        # cannot tell an incoming call from anything else); or a softphone said how it went.
        _say(
            report,
            f"the end of a call from {who}, whose ring is not in the history; nothing recorded",
        )
        return report.not_recorded
    how = "missed call" if recorded.outcome is Outcome.MISSED else "answered call"
    _say(report, f"{how} from {who} recorded")
    return EXIT_RECORDED_ONLY


def _taken_by_app_started_meanwhile(paths: AppPaths, message: Ring | End) -> int | None:
    """The exit code when an app started while this waited (another call's hook starts one)
    took the message; its writer waits for the lock. None when no app took it: then the call is
    kept in the hooks' inbox (keep_until_recorded), which an app that starts just after this
    records from too."""
    from desktop.adapters.instance_address import instance_address
    from desktop.adapters.instance_client import SendStatus, deliver
    from desktop.hook_exit import exit_code

    result = deliver(instance_address(paths.data_dir), message)
    return None if result.status is SendStatus.NO_INSTANCE else exit_code(result)


def keep_until_recorded(paths: AppPaths, event: CallEvent) -> bool:
    """Keep a call no app took and the hook could not write (the database busy), for the app
    to record: in the hooks' inbox, which an app records from as it starts, when its watch of
    the inbox starts, and on every append after; so an app that started after this hook found
    none running (_taken_by_app_started_meanwhile) records it too, at once. Not in the write
    journal, which such an app read as it started and rewrites: the call was lost there. The
    journal only where there is no inbox (no file locks: Windows). False when neither could be
    written."""
    return _left_for_app(paths.hook_inbox, event) or _kept(paths.write_journal, event)


def _kept(journal: Path, event: CallEvent) -> bool:
    """Append the call to the history's write journal, which the next start of the app replays
    (history_writer.py) as it replays its own: the hook cannot wait for an import to finish
    (Twinkle waits for its scripts), and the call must not be lost meanwhile. Only where the
    hooks' inbox cannot be written: an app starting as this appends may miss it."""
    from desktop.adapters.write_journal import RecordCall, WriteJournal

    try:
        WriteJournal(journal).append([RecordCall(event)])
    except OSError:
        return False
    return True


def _ring_may_come(report: _Report, end_unmatched: bool, paths: AppPaths) -> bool:
    """Whether an end that found no ring to finish may still find one in the running app,
    which never got the end's line: its ring may wait in the hooks' inbox, or unread in the
    app's socket (its line got in before the queue filled), and the app finishes the call
    once it has written the ring (history_writer.END_RETRY_S)."""
    if not end_unmatched:
        return False
    if report.why == NOT_ANSWERING:
        return not report.line_sent
    # No app runs now, but one that stopped answering and died may have left the ring there
    # (its hook kept it in the inbox at once): the next start records the two in order.
    return report.why == NOT_RUNNING and _inbox_holds_calls(paths.hook_inbox)


def _inbox_holds_calls(inbox: Path) -> bool:
    try:
        return inbox.stat().st_size > 0
    except OSError:
        return False


def _left_for_app(inbox: Path, event: CallEvent) -> bool:
    """Append the call to the hooks' inbox, which the running app watches and records from
    (adapters/hook_inbox.py), and its next start too, should it quit or die first."""
    from desktop.adapters.hook_inbox import HookInbox

    try:
        HookInbox(inbox).append(event)
    except OSError:
        return False
    return True


def _what(message: Ring | End) -> str:
    from desktop.core.ipc import EndOutcome

    if isinstance(message, Ring):
        return "call"
    return {EndOutcome.MISSED: "missed call", EndOutcome.ANSWERED: "answered call"}.get(
        message.outcome, "the end of a call"
    )


def _who(number: CallerNumber, caller_id: str) -> str:
    from desktop.core.card_text import readable_number

    return "a withheld number" if number.withheld else readable_number(number, caller_id)


def _failed(message: Ring | End, reason: str, report: _Report) -> int:
    if report.launching:
        return 0  # the app being started records the ring itself
    from desktop.core.display_text import one_line

    who = one_line(message.caller_id) or "a withheld number"
    _say(report, f"the call from {who} could not be recorded: {one_line(reason)}")
    return report.not_recorded


def _say(report: _Report, text: str) -> None:
    print(f"callercard: {report.why}: {text}", file=sys.stderr)

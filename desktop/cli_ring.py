"""`callercard ring` / `end` / `quit`: the softphone hook's side, kept free of Qt and SQLite.

A softphone waits for its hook (MicroSIP up to 10 s, delaying "180 Ringing"; Twinkle blocks
call setup), so this hands the message over or starts the app, and returns at once. With no
app to take it, the hook records the call itself first (desktop.hook_record), so it is never
lost: the app it starts, or one started later, finds it in the history. When the app runs but
does not take the line (stopped, blocked, or not within ipc_line.HOOK_WAIT_S), the call is
left in the hooks' inbox for it (desktop.hook_record.record_unanswered). An end that finds
the app still starting (the one this call's ring launched, say) waits for it to listen, so
that it reaches the card that app pops (desktop.adapters.starting_mark).

How each softphone passes the caller is in desktop.core.hook_fields. Twinkle reads the
hook's standard output until it closes, so nothing is printed there, and nothing started from
here keeps it open.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from desktop.adapters.instance_address import instance_address
from desktop.adapters.instance_client import (
    SendStatus,
    default_launch_argv,
    forward_to_running,
    ring_or_launch,
)
from desktop.adapters.paths import resolve_paths
from desktop.core.hook_fields import header_display_name as header_display_name
from desktop.core.hook_fields import hook_fields
from desktop.core.hook_fields import twinkle_party as twinkle_party
from desktop.core.ipc import End, EndOutcome, OpenImport, Ring
from desktop.hook_exit import (
    EXIT_DELIVERED,
    EXIT_NOT_DELIVERED,
    EXIT_USAGE,
    exit_code,
    failure_code,
)

TYPE_CHECKING = False  # not typing's: this runs on every incoming call (see desktop.hook_argv)
if TYPE_CHECKING:
    import argparse
    from collections.abc import Mapping, Sequence

    from desktop.hook_argv import HookArgs
    from desktop.hook_send import Unanswered


# How long a ring waits for an app that is starting to listen (warm: ~0.3 s, a cold login
# seconds) while the softphone waits for its hook (MicroSIP sends no "180 Ringing" meanwhile).
RING_START_WAIT_S = 3.0


def send_ring(args: argparse.Namespace | HookArgs, unanswered: Unanswered | None = None) -> int:
    """`unanswered`: the hook's fast path sent the line, and the running app did not take it
    in time; the call is only recorded here, never sent again."""
    try:
        return _send(args, unanswered)
    except (OSError, ValueError) as exc:  # the private socket directory is unusable
        print(f"callercard: {exc}", file=sys.stderr)
        return 1


def _send(args: argparse.Namespace | HookArgs, unanswered: Unanswered | None = None) -> int:
    # A line the app did not take in time keeps the stamp it went out with: taken anew, the
    # call was recorded as ringing when the wait ended (3 s later), under another key than
    # the app reading that line late gives it, and was recorded twice.
    t_ns = unanswered.t_ns if unanswered is not None and unanswered.t_ns > 0 else 0
    t_ns = t_ns or time.monotonic_ns()
    paths = resolve_paths(args.data_dir)
    if args.verb == "quit":
        from desktop.cli_quit import quit_app

        return quit_app(paths.data_dir)
    message = hook_message(
        args.verb,
        caller_id=args.caller_id,
        name_words=getattr(args, "name_words", None) or (),
        name=args.name,
        source=args.source,
        outcome=getattr(args, "outcome", ""),
        environ=os.environ,
        t_ns=t_ns,
    )
    if isinstance(message, str):
        print(f"callercard: {message}", file=sys.stderr)
        return EXIT_USAGE
    if unanswered is not None:
        return _record_unanswered(args, message, unanswered.code)
    address = instance_address(paths.data_dir)
    # An app still starting (launched by this call's ring, or another call's) is waited for
    # (desktop.adapters.starting_mark): an end must reach the card it is about to pop from its
    # command line, or that card stays ringing for good; a ring launched a second app, a
    # second Python and Qt start slowing the first, only to hand the ring over to it. A ring
    # waits less, for the softphone waits for its hook: an app still starting after that
    # gets it in the hooks' inbox, and pops its card from there as it starts.
    from desktop.adapters.starting_mark import START_WAIT_S, app_starting, deliver_once_listening

    wait_s = START_WAIT_S if isinstance(message, End) else RING_START_WAIT_S
    result = deliver_once_listening(address, message, wait_s, watch_app=True)
    if result.unanswered:
        return _record_unanswered(args, message, failure_code(result))
    if result.status is not SendStatus.NO_INSTANCE:
        return exit_code(result)
    if isinstance(message, Ring) and app_starting(address):
        return _record_unanswered(args, message, EXIT_NOT_DELIVERED, starting=True)
    # Nobody took it: the hook records the call itself, so it is never lost (a ring is
    # recorded before the app it starts is, which then finds it in the history).
    from desktop.hook_record import can_show_cards, record_without_app

    launching = isinstance(message, Ring) and can_show_cards(os.environ)
    code = record_without_app(args.data_dir, args.region, message, launching=launching)
    if not launching:
        return code
    # The app this starts must not inherit the softphone's descriptors: Twinkle waits for its
    # pipe to close before it lets the phone ring.
    stop_passing_on_inherited_descriptors()
    launched = ring_or_launch(paths.data_dir, message)
    if launched.pid is not None:
        # Until the app marks itself, a moment from now: an end that comes meanwhile waits.
        from desktop.adapters.starting_mark import mark_launched

        mark_launched(paths.data_dir, launched.pid)
    return exit_code(launched)



def _record_unanswered(
    args: argparse.Namespace | HookArgs, message: Ring | End, not_recorded: int,
    *, starting: bool = False,
) -> int:  # fmt: skip
    """The running app did not take the call in time (`starting`: it is not listening yet):
    the hook records it, as when no app runs (the app, reading the line late, leaves a ring's
    record to the hook)."""
    from desktop.hook_record import record_unanswered

    return record_unanswered(args.data_dir, args.region, message, not_recorded,
                             starting=starting)  # fmt: skip


# A launched app takes a second or two to listen; files after the first wait for it.
_LAUNCH_WAIT_S = 20.0


def open_in_import_window(args: argparse.Namespace, app_options: Sequence[str] = ()) -> int:
    """`callercard import --window FILE...`: hand the files to the running app's Import
    window (starting the app when none runs, with `app_options`), one message per file, in
    order."""
    paths = resolve_paths(args.data_dir)
    files = [Path(name).expanduser().absolute() for name in args.files]
    missing = [str(f) for f in files if not f.exists()]
    if missing:
        print(f"callercard: import --window: no such file: {', '.join(missing)}", file=sys.stderr)
        return EXIT_USAGE
    address = instance_address(paths.data_dir)
    launched = False
    for file in files:
        message = OpenImport(str(file))
        if launched:
            result = forward_to_running(address, message, wait=_LAUNCH_WAIT_S)
        else:
            stop_passing_on_inherited_descriptors()
            result = ring_or_launch(
                paths.data_dir, message, [*default_launch_argv(), *app_options]
            )
            launched = result.status is SendStatus.LAUNCHED
        if not result.ok:
            print(f"callercard: {file} was not handed over", file=sys.stderr)
            return exit_code(result)
    return EXIT_DELIVERED


def hook_message(
    verb: str,
    *,
    caller_id: str,
    name_words: Sequence[str] = (),
    name: str = "",
    source: str = "hook",
    outcome: str = "",
    environ: Mapping[str, str],
    t_ns: int = 0,
) -> Ring | End | str:
    """The message a hook invocation means (see desktop.core.hook_fields), or why it means
    nothing (a one-line error)."""
    fields = hook_fields(verb, caller_id=caller_id, name_words=name_words, name=name,
                         source=source, outcome=outcome, environ=environ, t_ns=t_ns)  # fmt: skip
    text = {key: value for key, value in fields.items() if isinstance(value, str)}
    if verb == "end":
        return End(call_key=text["call_key"], caller_id=text["caller_id"],
                   outcome=EndOutcome(text["outcome"]))  # fmt: skip
    return Ring(caller_id=text["caller_id"], name=text["name"], source=text["source"],
                call_key=text["call_key"], t_ns=t_ns)  # fmt: skip


def stop_passing_on_inherited_descriptors() -> None:
    """Mark every descriptor above stderr close-on-exec.

    Python creates its own that way, but a hook inherits whatever its softphone left open:
    Twinkle's pipe, for one, which Twinkle reads until every copy of it is closed. A tray app
    started from here with a copy would hold up that softphone's calls for as long as it runs.
    """
    if os.name != "posix":
        return  # Windows: the app is started with close_fds, which passes on no handles
    for folder in ("/proc/self/fd", "/dev/fd"):
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for name in names:
            if not name.isdigit() or int(name) <= 2:
                continue
            try:  # noqa: SIM105 - contextlib is one import more on every ring
                os.set_inheritable(int(name), False)
            except OSError:  # the listing's own descriptor, closed by now
                pass
        return

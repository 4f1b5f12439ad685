"""`callercard ring` / `end` / `quit`: the softphone hook's side, kept free of Qt and SQLite.

A softphone waits for its hook (MicroSIP up to 10 s, delaying "180 Ringing"; Twinkle blocks
call setup), so this hands the message over or starts the app, and returns at once.

Each softphone calls its hook in its own shape (docs/softphone-hooks.md has the recipes):

* MicroSIP appends the SIP user part of the caller as the last argument, and nothing else:
  ``callercard ring --source microsip --`` becomes ``... -- +14155550123``.
* Zoiper substitutes ``{number}`` into the command it runs.
* Jitsi substitutes ``${caller.address}`` and ``${caller.name}``, then splits the command at
  every space, so a name arrives as several words after the number: they are joined again.
* Twinkle passes nothing on the command line: the caller is in the environment
  (``SIP_FROM_USER``, ``SIP_FROM_DISPLAY``, ``SIP_FROM``; ``SIP_TO_*`` when we hung up, since
  the message is then our own BYE), with the trigger in ``TWINKLE_TRIGGER`` and the SIP
  Call-ID in ``SIP_CALL_ID``. Twinkle reads the hook's standard output until it closes, so
  nothing is printed there, and nothing started from here keeps it open.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from desktop.adapters.instance_address import instance_address
from desktop.adapters.instance_client import (
    Delivery,
    SendStatus,
    deliver,
    forward_to_running,
    ring_or_launch,
)
from desktop.adapters.paths import resolve_paths
from desktop.core.ipc import End, EndOutcome, OpenImport, Quit, Ring, hook_call_key

TYPE_CHECKING = False  # not typing's: this runs on every incoming call (see desktop.hook_argv)
if TYPE_CHECKING:
    import argparse
    from collections.abc import Mapping, Sequence

    from desktop.hook_argv import HookArgs

# Triggers whose SIP message was sent by us, so the remote party is in To, not From
# (Twinkle src/call_script.cpp callers: our INVITE for out_call*, our BYE for local_release).
_TWINKLE_REMOTE_IN_TO = frozenset(
    {"out_call", "out_call_answered", "out_call_failed", "local_release"}
)
_TWINKLE_END_OUTCOME = {
    "in_call_failed": EndOutcome.MISSED,
    "local_release": EndOutcome.ANSWERED,
    "remote_release": EndOutcome.ANSWERED,
}
_MAX_FIELD = 512  # longer than any caller ID or display name a phone shows


def send_ring(args: argparse.Namespace | HookArgs) -> int:
    try:
        return _send(args)
    except (OSError, ValueError) as exc:  # the private socket directory is unusable
        print(f"callercard: {exc}", file=sys.stderr)
        return 1


def _send(args: argparse.Namespace | HookArgs) -> int:
    t_ns = time.monotonic_ns()
    paths = resolve_paths(args.data_dir)
    if args.verb == "quit":
        result = deliver(instance_address(paths.data_dir), Quit())
        return 0 if result.status in (SendStatus.DELIVERED, SendStatus.NO_INSTANCE) else 1
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
    if isinstance(message, End):
        result = deliver(instance_address(paths.data_dir), message)
        if result.status is SendStatus.NO_INSTANCE:
            return 0  # nothing is showing, so nothing needs closing
    else:
        # The app this may start must not inherit the softphone's descriptors: Twinkle waits
        # for its pipe to close before it lets the phone ring.
        stop_passing_on_inherited_descriptors()
        result = ring_or_launch(paths.data_dir, message)
    return exit_code(result)


# What `callercard ring` / `end` exit with (docs/softphone-hooks.md lists them for hook authors).
EXIT_DELIVERED = 0  # the app acked it (shown or queued), or was started with it
EXIT_NOT_DELIVERED = 1  # it did not get through: no app could take it, or it was refused
EXIT_USAGE = 2
EXIT_UNCONFIRMED = 3  # sent whole, but no ack in time: the card may still appear


def exit_code(result: Delivery) -> int:
    if result.ok:
        return EXIT_DELIVERED
    print(f"callercard: {result.detail or result.status.value}", file=sys.stderr)
    if result.status is SendStatus.UNCONFIRMED:
        return EXIT_UNCONFIRMED
    return EXIT_NOT_DELIVERED


# A launched app takes a second or two to listen; files after the first wait for it.
_LAUNCH_WAIT_S = 20.0


def open_in_import_window(args: argparse.Namespace) -> int:
    """`callercard import --window FILE...`: hand the files to the running app's Import
    window (starting the app when none runs), one message per file, in order."""
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
            result = ring_or_launch(paths.data_dir, message)
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
    """The message a hook invocation means, or why it means nothing (a one-line error).

    Twinkle's trigger tells how an incoming call ended: ``in_call_failed`` is a call that was
    never answered (the caller gave up, or it was declined), a release ends one that was."""
    caller_id = _clean(caller_id).strip()
    name = _clean(name or " ".join(name_words)).strip()
    call_key = ""
    trigger = environ.get("TWINKLE_TRIGGER", "")
    if not caller_id and trigger:
        caller_id, twinkle_name, call_id = twinkle_party(environ)
        name = name or twinkle_name
        if call_id:
            call_key = f"twinkle:{call_id}"
        if source == "hook":
            source = "twinkle"
    if verb == "end":
        if not caller_id and not call_key:
            # No caller ID is a withheld number, as for `ring`: MicroSIP passes none at all
            # when the From has no user part, other phones pass "".
            call_key = hook_call_key("")
        said = EndOutcome(outcome) if outcome else _TWINKLE_END_OUTCOME.get(trigger)
        return End(call_key=call_key, caller_id=caller_id, outcome=said or EndOutcome.UNKNOWN)
    return Ring(caller_id=caller_id, name=name, source=source, call_key=call_key, t_ns=t_ns)


def twinkle_party(environ: Mapping[str, str]) -> tuple[str, str, str]:
    """(user part, display name, Call-ID) of the remote party from Twinkle's script
    environment. Twinkle 1.10.2, the version distributions ship, sets no SIP_FROM_DISPLAY;
    the name is then taken from the From (or To) header itself."""
    side = "TO" if environ.get("TWINKLE_TRIGGER", "") in _TWINKLE_REMOTE_IN_TO else "FROM"
    user = _clean(environ.get(f"SIP_{side}_USER", "")).strip()
    display = _clean(environ.get(f"SIP_{side}_DISPLAY", "")).strip()
    if not display:
        display = header_display_name(_clean(environ.get(f"SIP_{side}", "")))
    return user, display, _clean(environ.get("SIP_CALL_ID", "")).strip()


def header_display_name(header: str) -> str:
    """The display name of a From/To header value: ``"Jane Doe" <sip:…>;tag=…`` or
    ``Jane Doe <sip:…>``; "" for a bare URI."""
    text = header.strip()
    if text.startswith('"'):
        name: list[str] = []
        escaped = False
        for char in text[1:]:
            if escaped:
                name.append(char)
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                return "".join(name).strip()
            else:
                name.append(char)
        return ""  # an unterminated quote: no name rather than half of one
    angle = text.find("<")
    return text[:angle].strip() if angle > 0 else ""


def _clean(text: str) -> str:
    """What the softphone handed over, as text fit to show: bounded, and bytes that were not
    UTF-8 (which Python keeps as lone surrogates) replaced."""
    text = text[:_MAX_FIELD]
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return text.replace("\x00", "")


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

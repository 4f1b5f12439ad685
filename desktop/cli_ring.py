"""`callercard ring` / `end` / `quit`: the softphone hook's side, kept free of Qt and SQLite.

A softphone waits for its hook (MicroSIP up to 10 s, delaying "180 Ringing"; Twinkle blocks
call setup), so this hands the message over or starts the app, and returns at once.
"""

from __future__ import annotations

import argparse
import sys
import time

from desktop.adapters.instance_address import instance_address
from desktop.adapters.instance_client import SendStatus, deliver, ring_or_launch
from desktop.adapters.paths import resolve_paths
from desktop.core.ipc import End, Quit, Ring


def send_ring(args: argparse.Namespace) -> int:
    try:
        return _send(args)
    except (OSError, ValueError) as exc:  # the private socket directory is unusable
        print(f"callercard: {exc}", file=sys.stderr)
        return 1


def _send(args: argparse.Namespace) -> int:
    t_ns = time.monotonic_ns()
    paths = resolve_paths(args.data_dir)
    if args.verb == "quit":
        result = deliver(instance_address(paths.data_dir), Quit())
        return 0 if result.status in (SendStatus.DELIVERED, SendStatus.NO_INSTANCE) else 1
    caller_id = args.caller_id.strip()
    if args.verb == "end":
        if not caller_id:
            print("callercard: end needs the CALLER_ID of the call that ended", file=sys.stderr)
            return 2
        result = deliver(instance_address(paths.data_dir), End(caller_id=caller_id))
        if result.status is SendStatus.NO_INSTANCE:
            return 0  # nothing is showing, so nothing needs closing
    else:
        ring = Ring(caller_id=caller_id, name=args.name, source=args.source, t_ns=t_ns)
        result = ring_or_launch(paths.data_dir, ring)
    if not result.ok:
        print(f"callercard: {result.detail or result.status.value}", file=sys.stderr)
        return 1
    return 0

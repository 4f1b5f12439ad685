"""`callercard call NUMBER`: place a call through the softphone Settings chose (or --with).

When CallerCard is running (and neither --with nor --baresip is given) the app places the
call, exactly as its Call buttons do: it logs the call, opens its wrap-up, shows any problem,
and keeps baresip's single ctrl_tcp connection to itself. Otherwise the call is placed from
here (adapters/dialing.py) and the outcome printed as the rep would read it; nothing is then
written to the call history. The exit status is 0 when a softphone took the call (or the app
took the number), 1 when none could (the reason on stderr).
"""

from __future__ import annotations

import argparse
import json
import sys

from desktop.adapters.dialing import DialPlacer
from desktop.adapters.instance_address import instance_address
from desktop.adapters.instance_client import SendStatus, deliver
from desktop.adapters.sources.baresip_ctrl import parse_address
from desktop.core.callerid_text import quote
from desktop.core.dialers import Dialer
from desktop.core.internal_extension import call_back_to
from desktop.core.ipc import Dial


def place_call(args: argparse.Namespace) -> int:
    from desktop.cli import CliError, make_lookup, open_context

    paths, settings, store, region = open_context(args)
    try:
        number = make_lookup(paths, settings, store, region).parse(args.number, "")
    finally:
        store.close()
    # A colleague's internal extension ("x3103", "3103") is dialled as the card's Call
    # buttons dial it: its digits, which the office PBX connects (internal_extension).
    dialled = call_back_to(number)
    if not dialled:
        raise CliError(_why_not_dialable(args.number, number.withheld, number.problem, region))
    if not args.dialer and not args.baresip:
        handed = deliver(instance_address(paths.data_dir), Dial(dialled))
        if handed.status is SendStatus.DELIVERED:
            message = "Handed to the running CallerCard, which places the call"
            print(json.dumps({"placed": None, "number": dialled, "dialer": None,
                              "message": message}) if args.json
                  else f"{message}: {dialled}")  # fmt: skip
            return 0
    watched = [s.path for s in settings.sources if s.format == "baresip"]
    try:
        address = parse_address(args.baresip or (watched[0] if watched else ""))
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    choice = Dialer.parse(args.dialer) if args.dialer else Dialer.parse(settings.dialer)
    result = DialPlacer(baresip_address=address).place(choice, dialled)
    if args.json:
        print(json.dumps({"placed": result.placed, "number": dialled,
                          "dialer": result.dialer.value if result.dialer else None,
                          "message": result.message, "detail": result.detail}))  # fmt: skip
    elif result.placed:
        print(f"{result.message}: {dialled}")
    else:
        print(f"callercard: {result.message} {result.detail}".rstrip(), file=sys.stderr)
    return 0 if result.placed else 1


def _why_not_dialable(raw: str, withheld: bool, problem: str, region: str) -> str:
    # The home region is always known here (open_context settles it): never blame its absence.
    if not raw.strip():
        return (
            "call: the number is empty; give one, international (+44 20 7946 0958) or "
            f"as dialled in the home region ({region})"
        )
    why = "it stands for a withheld number" if withheld else problem
    if why.startswith("not a phone number"):  # it quotes the value already, cut short
        return f"call: {why}"
    return f"{quote(raw)} is not a phone number CallerCard can dial: " + (
        why or f"not a valid number, international or of the home region ({region})"
    )

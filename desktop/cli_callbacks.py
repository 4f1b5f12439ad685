"""`callercard callbacks [--json]`: the Callbacks view's sections in the terminal.

Waiting for us (missed calls not returned, from contacts and from numbers nobody has, and
calls that rang with no outcome reported), we are waiting for them (voicemails left, no
callback), promised callback windows and follow-ups due, then what the rep put off (Snooze in
the window) and until when; each with the other end's time and a warning outside their
business hours. Every name and message is the caller's or an import's text, printed through
display_text. Calls missed while CallerCard was closed that the app could tell nobody of (no
tray, its menu window hidden) are said first, once (adapters/untold_missed.py).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime

from desktop.adapters.callbacks import business_hours, count_due, entry_json, load_callbacks
from desktop.adapters.system_locale import system_hour_cycle
from desktop.adapters.untold_missed import UntoldMissed
from desktop.core.call_summary import unknown_who
from desktop.core.callbacks import Section
from desktop.core.candidates import readable
from desktop.core.card_text import lines_in_one
from desktop.core.display_text import display_text, one_line
from desktop.core.internal_extension import extension_call_text
from desktop.core.missed_while_closed import missed_while_closed_text


def print_callbacks(args: argparse.Namespace) -> int:
    from desktop.cli import open_context

    paths, settings, store, _region = open_context(args)
    untold = UntoldMissed(paths.untold_missed)
    try:
        now = datetime.now().astimezone()
        entries = load_callbacks(store, now, business_hours(settings), system_hour_cycle())
        due = max(count_due(store, now), sum(1 for e in entries if e.item.due))
        missed = sum(store.missed_between(since, until, None, ids)
                     for since, until, ids in untold.load())  # fmt: skip
    finally:
        store.close()
    if missed:
        print(f"{missed_while_closed_text(missed)}: they wait below", file=sys.stderr)
    untold.told()
    if args.json:
        out: dict[str, object] = {s.value: [] for s in Section}
        for entry in entries:
            section = out[entry.item.section.value]
            assert isinstance(section, list)
            section.append(entry_json(entry))
        out["due"] = due
        out["listed"] = sum(1 for e in entries if e.item.due)  # the newest, as the window has
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    listed = sum(1 for e in entries if e.item.due)
    if due > listed:  # said first: the lists below stop before the end
        print(f"{due} due · the newest {listed} listed", file=sys.stderr)
    for section in Section:
        shown = [e for e in entries if e.item.section is section]
        if section is Section.PUT_OFF and not shown:
            continue  # said only when something was put off (Snooze in the window)
        print(f"{section.heading} ({len(shown)})")
        for entry in shown:
            item = entry.item
            if item.contact is None:  # a number nobody has
                who = unknown_who(item.attempt.caller_name, item.attempt.caller_id)
            else:
                who = one_line(item.contact.name or item.contact.company) or "(no name)"
            number = (readable(item.number) if item.number
                      else extension_call_text(item.extension) or "no number")  # fmt: skip
            # An extension nobody has is named by it ("x3103"), said once.
            said = [who] if number == who else [who, number]
            line = "  " + " · ".join([*said, item.detail])
            if entry.clock.text:
                line += f" · their time {entry.clock.text}"
            if entry.clock.warning:
                line += f" — {entry.clock.warning}"
            print(display_text(line))
            if item.attempt.message:  # its lines kept apart, as the window's What does
                print("    " + lines_in_one(item.attempt.message)[0])
    return 0

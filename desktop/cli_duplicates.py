"""`callercard duplicates`, `callercard merge KEEP OTHER` and `callercard undo-merge`: the
Possible duplicates window for scripts.

`merge --preview` prints what a merge would give and changes nothing; a merge prints the
command that takes it back.
"""

from __future__ import annotations

import argparse
import json
import sys

from desktop.adapters.duplicates import LaterMergeFirst, find, merge, preview, undo_merge
from desktop.adapters.store import StoreError
from desktop.cli import CliError, open_context
from desktop.core.display_text import display_text
from desktop.core.duplicates import FIELD_TITLES, DuplicatePair, MergePlan, choose_kept
from desktop.core.models import Contact
from desktop.core.number_edit import shown_number


def run(args: argparse.Namespace) -> int:
    _paths, _settings, store, _region = open_context(args)
    try:
        if args.verb == "duplicates":
            return _list(find(store), args.json)
        if args.verb == "merge":
            plan = preview(store, args.keep, args.other, kept=args.keep)
            if args.preview:
                return _show_plan(plan, args.json)
            done = merge(store, args.keep, args.other)
            if args.json:
                print(json.dumps({"merge": done.undo_id, "kept": done.contact_id,
                                  "summary": done.summary}, ensure_ascii=False))  # fmt: skip
            else:
                print(display_text(done.summary))
                print(f"Take it back with: callercard undo-merge {done.undo_id}")
            return 0
        other_id, said = undo_merge(store, args.merge_id)
        if args.json:
            print(json.dumps({"restored": other_id, "summary": said}, ensure_ascii=False))
        else:
            print(display_text(said))
        return 0
    except LaterMergeFirst as exc:
        raise CliError(f"{exc} (callercard undo-merge {exc.undo_id})") from exc
    except StoreError as exc:
        raise CliError(str(exc)) from exc
    finally:
        store.close()


def _who(contact: Contact) -> str:
    # A company's own entry is named by its company once, as search and the card name it.
    company = contact.company if contact.name else ""
    role = ", ".join(p for p in (contact.title, company) if p)
    return f"{contact.name or contact.company or '(no name)'} (#{contact.id})" + (
        f" — {role}" if role else "")  # fmt: skip


def _list(pairs: list[DuplicatePair], as_json: bool) -> int:
    if as_json:
        print(json.dumps({"pairs": [
            {"ids": list(p.ids), "reasons": list(p.reasons),
             # A company's own entry by its company, not "".
             "names": [c.name or c.company for c in (p.first, p.second)]} for p in pairs
        ]}, ensure_ascii=False, indent=2))  # fmt: skip
        return 0
    if not pairs:
        print("No possible duplicates.")
        return 0
    for pair in pairs:
        # The one the window would keep first, so the command merges as the window would.
        kept, other = choose_kept(pair.first, pair.second)
        print(display_text(f"{_who(kept)}  and  {_who(other)}"))
        print(f"  {'; '.join(pair.reasons)}.  Preview: callercard merge {kept.id} "
              f"{other.id} --preview")  # fmt: skip
    print(f"{len(pairs)} possible duplicate{'s' if len(pairs) != 1 else ''}", file=sys.stderr)
    return 0


def _show_plan(plan: MergePlan, as_json: bool) -> int:
    if as_json:
        print(json.dumps({
            "kept": plan.kept.id, "other": plan.other.id, "summary": plan.summary(),
            "fields": {c.field: {"result": c.result, "from": c.source} for c in plan.fields},
            "into_notes": {c.field: c.other for c in plan.fields if c.to_notes},
            "numbers_added": [n.e164 or n.raw for n in plan.numbers_moved],
            "numbers_already_there": [n.e164 or n.raw for n in plan.numbers_dropped],
        }, ensure_ascii=False, indent=2))  # fmt: skip
        return 0
    lines = [plan.summary()]
    for choice in plan.fields:
        if choice.result:
            first = choice.result.splitlines()[0] + (" …" if "\n" in choice.result else "")
            lines.append(f"  {FIELD_TITLES[choice.field]}: {first}" + (
                f" (their {choice.other} goes into Notes)" if choice.to_notes else ""))  # fmt: skip
    for number in (*plan.kept.numbers, *plan.numbers_moved):
        lines.append(f"  Number: {shown_number(number)}" + (
            f" ({number.label})" if number.label else ""))  # fmt: skip
    lines.append(f"Merge with: callercard merge {plan.kept.id} {plan.other.id}")
    print("\n".join(display_text(line) for line in lines))
    return 0

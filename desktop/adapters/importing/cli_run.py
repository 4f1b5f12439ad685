"""`callercard import`: files in, one batch each, a summary out (text or JSON); --undo, --list.

A progress line goes to stderr only when it is a terminal, so scripts and --json get clean
output. Contact files carry no PBX outside-line prefixes, so numbers are read with the home
region alone (see desktop.core.numbers): the file's own region (desktop.core.import_region)
unless --numbers-region names one.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TextIO

from desktop.adapters.followed_list import undo_import
from desktop.adapters.import_history import batch_records
from desktop.adapters.importing.cli_follow import run_follow_listing
from desktop.adapters.importing.following import follow_file
from desktop.adapters.importing.import_turn import import_turn
from desktop.adapters.importing.pipeline import ImportOptions, import_file
from desktop.adapters.importing.report import ImportFailed, ImportReport
from desktop.adapters.store import Store, StoreError
from desktop.adapters.system_locale import system_hour_cycle
from desktop.core.import_history import batch_line
from desktop.core.numbers import NumberPolicy


class ProgressLine:
    """"importing prospects.csv … 42%" rewritten in place, at most ten times a second."""

    def __init__(self, name: str, stream: TextIO, verb: str = "importing") -> None:
        self.name = name
        self.stream = stream
        self.verb = verb
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < 0.1:
            return
        self.last = now
        percent = min(100, done * 100 // max(total, 1))
        self.stream.write(f"\r{self.verb} {self.name} … {percent}%\x1b[K")
        self.stream.flush()

    def clear(self) -> None:
        self.stream.write("\r\x1b[K")
        self.stream.flush()


def run_import_command(args: argparse.Namespace, store: Store, region: str) -> int:
    if getattr(args, "unfollow", None) or getattr(args, "list_followed", False):
        return run_follow_listing(args, store)
    if args.list:
        return _list(store, args.json)
    if args.undo is not None:
        return _undo(store, args.undo, args.json)
    if args.remove_demo and not args.files:
        return _remove_demo(store, args.json)
    # --numbers-region says where the files' numbers are from; without it, each file's region
    # is inferred from the file and `region` (the home region) is only its fallback.
    chosen = getattr(args, "numbers_region", None)
    options = ImportOptions(NumberPolicy(region), encoding=args.encoding, region=chosen,
                            on_wait=_say_waiting)  # fmt: skip
    reports: list[ImportReport] = []
    failed: list[str] = []
    terminal = sys.stderr.isatty() and not args.json
    for name in args.files:
        path = Path(name)
        progress = ProgressLine(path.name, sys.stderr) if terminal else None
        try:
            run = follow_file if getattr(args, "follow", False) else import_file
            reports.append(run(store, path, options, progress=progress))
        except ImportFailed as exc:
            failed.append(str(exc))
            if not args.json:
                print(f"callercard: {exc}", file=sys.stderr)
        finally:
            if progress is not None:
                progress.clear()
    if args.rejected_csv:
        _save_rejected(reports, Path(args.rejected_csv))
    if args.json:
        print(json.dumps({"files": [r.to_json() for r in reports], "failed": failed},
                         ensure_ascii=False, indent=2))  # fmt: skip
    else:
        for report in reports:
            _print_report(report)
    return 1 if failed else 0


def _print_report(report: ImportReport) -> None:
    print(f"{report.summary()}  [{report.source}]")
    if report.region is not None:
        print(f"  {report.region.text()}")
    for problem in report.rejected:
        print(f"  rejected {report.where(problem)}")
    for problem in report.warnings:
        print(f"  warning {report.where(problem)}")
    for merge in report.merges:
        print(f"  {merge}")
    if report.batch_id:
        print(f"  undo with: callercard import --undo {report.batch_id}")


def _save_rejected(reports: list[ImportReport], target: Path) -> None:
    rejected = [r for r in reports if r.rejected]
    for report in rejected:
        out = target
        if len(rejected) > 1:
            out = target.with_stem(f"{target.stem}-{report.path.stem}")
        count = report.write_rejected_csv(out)
        print(f"saved {count} rejected rows of {report.path.name} to {out}", file=sys.stderr)


def _remove_demo(store: Store, as_json: bool) -> int:
    try:
        with (
            import_turn(store.path, "removing the demo book", on_wait=_say_waiting),
            store.transaction(),
        ):
            removed = store.remove_demo_book()
    except StoreError as exc:
        print(f"callercard: {exc}", file=sys.stderr)
        return 1
    if as_json:
        print(json.dumps({"demo_contacts_removed": removed}))
    else:
        print(f"Removed the {removed} demo contacts." if removed else "There is no demo book.")
    return 0


def _say_waiting(sentence: str) -> None:
    print(f"callercard: {sentence}", file=sys.stderr, flush=True)


def _undo(store: Store, batch_id: int, as_json: bool) -> int:
    try:
        with import_turn(store.path, f"undo of import {batch_id}", on_wait=_say_waiting):
            # Said before it acts: the contacts go with the rep's calls and edits on them.
            check = store.undo_import_check(batch_id)
            refused = check.refusal(window=False, cycle=system_hour_cycle())
            if refused:
                raise StoreError(refused)
            # Who stays is said once, by the result: the terminal does not wait for an answer.
            said_first = replace(check, stays=()).warning()
            if said_first and not as_json:
                print(said_first, flush=True)
            result = undo_import(store, batch_id)
    except StoreError as exc:
        print(f"callercard: {exc}", file=sys.stderr)
        return 1
    if as_json:
        print(json.dumps({"batch": batch_id, "already_undone": result.already_undone,
                          "contacts_with_calls": check.with_calls,
                          "contacts_changed": check.changed, "warning": check.warning(),
                          "contacts_removed": result.contacts_removed,
                          "numbers_removed": result.numbers_removed,
                          "fields_restored": result.fields_restored,
                          "merges_undone": result.merges_undone,
                          "unfollowed": result.unfollowed,
                          "contacts_kept": [{"name": name, "kept_for": file}
                                            for name, file in result.stays],
                          "summary": result.summary()}, ensure_ascii=False, indent=2))  # fmt: skip
    else:
        print(result.summary())
    return 0


def _list(store: Store, as_json: bool) -> int:
    """Every import, the oldest first: file, date, counts (newest last, next to the prompt)."""
    records = list(reversed(batch_records(store)))
    if as_json:
        print(json.dumps([{
            "batch": r.id, "label": r.label, "source": r.source, "file": r.file_name,
            "created_at": int(r.created_at.timestamp()),
            "undone_at": int(r.undone_at.timestamp()) if r.undone_at else None,
            "counts": dict(r.counts),
        } for r in records], ensure_ascii=False, indent=2))  # fmt: skip
        return 0
    if not records:
        print("Nothing has been imported yet.")
        return 0
    now = datetime.now().astimezone()
    cycle = system_hour_cycle()  # the windows' clock (Import history)
    for record in records:
        print(f"{record.id:>5}  {batch_line(record, now, cycle)}")
    if any(r.undone_at is None for r in records):
        print("Undo one with: callercard import --undo NUMBER")
    return 0

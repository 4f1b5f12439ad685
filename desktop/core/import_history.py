"""Import batches in words for people: which file, when, what it did, and what undoing it did.

"Removed 12 contacts imported from prospects.csv on 3 Dec", not "undid batch 2 … emptied 0
merged fields": the batch number is the store's business, the file and the day are what a
person remembers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from desktop.core.display_text import one_line
from desktop.core.localtime import HourCycle, clock_text

DEMO_SOURCE = "demo"  # the demo book's batch source (adapters.store.DEMO_BATCH_SOURCE)
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class BatchRecord:
    """One import batch as the history lists it."""

    id: int
    label: str  # "Import of prospects.csv"
    source: str  # the file's path, or DEMO_SOURCE
    created_at: datetime  # timezone-aware
    undone_at: datetime | None = None
    counts: Mapping[str, int] = field(default_factory=dict)  # from the batch's summary JSON
    kept: tuple[str, ...] = ()  # a followed file's people gone from it, kept for the rep's work
    # (who, number): numbers its rows had added to the rep's contacts, gone from it, kept
    # because the rep had calls on them
    kept_numbers: tuple[tuple[str, str], ...] = ()

    @property
    def file_name(self) -> str:
        return file_name(self.source, self.label)

    @property
    def demo(self) -> bool:
        return self.source == DEMO_SOURCE


def counts_from_summary(summary_json: str) -> dict[str, int]:
    """The counts an import recorded (ImportReport.to_json); {} when there are none."""
    try:
        data = json.loads(summary_json or "{}")
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(v, int) and not isinstance(v, bool)}


def kept_from_summary(summary_json: str) -> tuple[str, ...]:
    """The names a followed file's re-import kept for the rep's work (ImportReport.to_json)."""
    try:
        data = json.loads(summary_json or "{}")
    except ValueError:
        return ()
    names = data.get("kept_by_rep") if isinstance(data, dict) else None
    return tuple(n for n in names if isinstance(n, str)) if isinstance(names, list) else ()


def kept_numbers_from_summary(summary_json: str) -> tuple[tuple[str, str], ...]:
    """(who, number) a followed file's re-import kept for the rep's calls (ImportReport)."""
    try:
        data = json.loads(summary_json or "{}")
    except ValueError:
        return ()
    pairs = data.get("numbers_kept_by_rep") if isinstance(data, dict) else None
    if not isinstance(pairs, list):
        return ()
    return tuple((str(p[0]), str(p[1])) for p in pairs
                 if isinstance(p, list) and len(p) == 2)  # fmt: skip


def kept_text(names: Sequence[str], numbers: Sequence[tuple[str, str]] = ()) -> str:
    """"Dana Whitfield kept: you had worked on them; remove them by hand if they should go"
    ("" when none): a row gone from a followed file did not take the rep's work with it. Then
    the numbers it had added to the rep's contacts, kept for the calls on them: "Søren Kjær
    keeps +44 20 7946 0432: you had calls on it; remove it by hand if it should go"."""
    said = [text for text in (_kept_people(names), _kept_numbers(numbers)) if text]
    return ". ".join(said)


def _kept_numbers(numbers: Sequence[tuple[str, str]]) -> str:
    if not numbers:
        return ""
    shown = [f"{one_line(who) or '(no name)'} keeps {number}"
             for who, number in numbers[:STAYS_NAMED]]  # fmt: skip
    if len(numbers) > STAYS_NAMED:
        shown.append(f"{_n(len(numbers) - STAYS_NAMED, 'other number')} kept")
    if len(numbers) == 1:
        return f"{shown[0]}: you had calls on it; remove it by hand if it should go"
    said = f"{', '.join(shown[:-1])} and {shown[-1]}"
    return f"{said}: you had calls on them; remove them by hand if they should go"


def _kept_people(names: Sequence[str]) -> str:
    if not names:
        return ""
    shown = [one_line(n) or "(no name)" for n in names[:STAYS_NAMED]]
    if len(names) > STAYS_NAMED:
        shown.append(_n(len(names) - STAYS_NAMED, "other"))
    who = shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"
    return f"{who} kept: you had worked on them; remove them by hand if they should go"


def file_name(source: str, label: str) -> str:
    if source == DEMO_SOURCE:
        return "the demo contacts"
    name = re.split(r"[\\/]", source.strip())[-1] if source.strip() else ""
    return name or label.removeprefix("Import of ").strip() or "an import"


def day(at: datetime, now: datetime) -> str:
    """"3 Dec", with the year when it is not this year; in `now`'s zone, English, no locale."""
    local = at.astimezone(now.tzinfo)
    text = f"{local.day} {_MONTHS[local.month - 1]}"
    return text if local.year == now.year else f"{text} {local.year}"


def when(at: datetime, now: datetime, cycle: HourCycle = "24h") -> str:
    """"3 Dec, 14:05" or "3 Dec, 2:05 PM", on the clock every other time is written in."""
    local = at.astimezone(now.tzinfo)
    return f"{day(at, now)}, {clock_text(local, local.date(), cycle)}"


def counts_text(record: BatchRecord) -> str:
    """"12 added, 3 merged into existing contacts, 1 rejected"; "" when nothing was recorded."""
    c = record.counts
    if record.demo:
        return ""
    parts = []
    if "imported" in c:
        parts.append(f"{c['imported']:,} added")
    if c.get("merged"):
        parts.append(f"{c['merged']:,} merged into existing contacts")
    if c.get("updated"):
        parts.append(f"{c['updated']:,} updated")
    if c.get("unchanged"):
        parts.append(f"{c['unchanged']:,} already there")
    if c.get("rejected_count"):
        parts.append(f"{c['rejected_count']:,} rejected")
    return ", ".join(parts)


def state_text(record: BatchRecord, now: datetime) -> str:
    if record.undone_at and record.counts.get("replaced_by"):
        return "replaced by the next save"  # a followed file's earlier version
    return f"undone {day(record.undone_at, now)}" if record.undone_at else ""


def batch_line(record: BatchRecord, now: datetime, cycle: HourCycle = "24h") -> str:
    """One line of the history: "prospects.csv · 3 Dec, 14:05 · 12 added, 1 rejected"."""
    parts = [record.file_name, when(record.created_at, now, cycle), counts_text(record),
             state_text(record, now), kept_text(record.kept, record.kept_numbers)]  # fmt: skip
    return " · ".join(p for p in parts if p)


def undo_warning(contacts: int, with_calls: int, changed: int,
                 stays: Sequence[tuple[str, str]] = (),
                 of_what: str = "it added") -> str:  # fmt: skip
    """What an undo is about to take from the rep's own work, said before it acts ("" when
    nothing): "1 of the 2 contacts it added has calls: the calls stay, under their numbers,
    as calls from a number nobody has." """
    # `of_what`: "Undo removes" for a followed file, whose row says '1 added, 2 updated'
    # while Undo takes all 4 of its people; and when some stay (another file has them), the
    # count is of those that go: "1 of the 1 contact it added" for a file that added 2.
    if stays:
        of_what = "Undo removes"
    of = f"of the {_n(contacts, 'contact')} {of_what}"
    said = []
    if with_calls:
        has = "has" if with_calls == 1 else "have"
        said.append(f"{with_calls:,} {of} {has} calls: the calls stay, under their numbers, "
                    "as calls from a number nobody has.")  # fmt: skip
    if changed:
        who = f"{changed:,}" if with_calls else f"{changed:,} {of}"
        # A wrap-up's "What it was about" is named: a rep never took it for a field they saved
        # (it comes back with the calls if the file is imported again, numbers.py).
        said.append(f"{who} {'was' if changed == 1 else 'were'} changed since the import (a "
                    "field saved, what a call was about, a number typed or linked): the "
                    f"changes go with {'it' if changed == 1 else 'them'}.")  # fmt: skip
    return " ".join([*said, stays_text(stays)]).strip()


def unfollow_warning(path: str) -> str:
    """Said before undoing a followed file's last version ("" for none): the undo stops
    following it, so its later saves bring nobody back."""
    if not path:
        return ""
    name = one_line(file_name(path, ""))
    return f"CallerCard will also stop following {name}; later saves are not imported."


# Contacts named one by one where another import keeps them; the rest are counted.
STAYS_NAMED = 3


def stays_text(stays: Sequence[tuple[str, str]]) -> str:
    """The contacts an undo leaves because a file still imported has them too, as (name, file):
    "Maya Okafor stays: android_contacts_v21.vcf also has this contact." ("" for none)."""
    said = [f"{one_line(name) or 'A contact'} stays: {one_line(file)} also has this contact."
            for name, file in stays[:STAYS_NAMED]]  # fmt: skip
    more = len(stays) - STAYS_NAMED
    if more > 0:
        said.append(f"{_n(more, 'more contact')} {'stays' if more == 1 else 'stay'}: other "
                    "files still imported have them.")  # fmt: skip
    return " ".join(said)


def merge_first(file: str, merges: Sequence[tuple[str, str, int]], *, window: bool,
                here: bool = False) -> str:  # fmt: skip
    """Why an import cannot be undone yet: merges kept its contacts and folded the rep's own
    into them, which would go too. `merges`, newest first (the order to take them back in):
    each as (the rep's contact, the merge told apart from others of the same names with its
    time, its undo id). Every one is named at once: one at a time, the rep took one back,
    tried again and heard of the next. In a window the way out is the Duplicates window's (a
    rep there has no terminal), or the window's own button (`here`); on the command line,
    each one's command."""
    if len(merges) == 1:
        [(who, told, undo_id)] = merges
        how = ("with Undo that merge" if here
               else "in the Duplicates window (Undo merge, or Undo an earlier merge)" if window
               else f"(callercard undo-merge {undo_id})")  # fmt: skip
        return (f"Undoing {file} would delete {who} too, merged since into a contact it "
                f"brought: {told}. Take that merge back first {how}, then undo the import.")
    listed = "; ".join(told if window else f"{told} (callercard undo-merge {undo_id})"
                       for _who, told, undo_id in merges)  # fmt: skip
    how = (f"with Undo those {len(merges)} merges" if here
           else "in the Duplicates window (Undo merge, or Undo an earlier merge), the newest "
                "first" if window
           else "in that order")  # fmt: skip
    return (f"Undoing {file} would delete {len(merges)} of your contacts too, merged since into "
            f"contacts it brought: {listed}. Take those {len(merges)} merges back first {how}, "
            "then undo the import.")


def undo_sentence(
    record: BatchRecord, now: datetime, *, contacts: int, numbers: int, fields: int,
    already: bool = False, numbers_off_kept: int = 0, merges: int = 0, notes: int = 0,
    stays: Sequence[tuple[str, str]] = (), numbers_only_its: int = 0, unfollowed: str = "",
) -> str:  # fmt: skip
    """What undoing a batch did. ``numbers`` counts every number it removed, those of the
    contacts it removed too; ``numbers_off_kept`` those it took off contacts that stay;
    ``merges`` the merges of its contacts into contacts that stay it took back; ``stays``
    its contacts left because a file still imported has them (name, file), and
    ``numbers_only_its`` the numbers it alone had on those, removed; ``unfollowed`` the
    followed file it was the last version of, no longer followed."""
    file, on = record.file_name, day(record.created_at, now)
    if already:
        return f"The import of {file} from {on} was undone already; nothing changed."
    if record.demo:
        return f"Removed the {contacts:,} demo contacts."
    parts = []
    if contacts:
        parts.append(f"Removed {_n(contacts, 'contact')} imported from {file} on {on}")
    else:
        parts.append(f"Took back the import of {file} from {on}")
    if numbers_off_kept:
        parts.append(f"removed {_n(numbers_off_kept, 'number')} it had added to existing "
                     "contacts")  # fmt: skip
    elif numbers and not contacts and not fields and not stays:
        parts.append(f"removed {_n(numbers, 'number')} it had added")
    if numbers_only_its:
        parts.append(f"removed {_n(numbers_only_its, 'number')} only it had from the contacts "
                     "that stay")  # fmt: skip
    if fields:
        parts.append(f"cleared {_n(fields, 'field')} it had filled in existing contacts")
    if merges:
        parts.append(f"took back {_n(merges, 'merge')} of its contacts into others")
    if notes:
        parts.append(f"took out {_n(notes, 'note')} it had added to existing contacts")
    if len(parts) > 2:
        said = f"{', '.join(parts[:-1])} and {parts[-1]}."
    else:
        said = " and ".join(parts) + "."
    following = (f"{file} is no longer followed: its next save is not imported (follow it "
                 "again to bring its contacts back)." if unfollowed else "")  # fmt: skip
    return " ".join(p for p in (said, stays_text(stays), following) if p)


def _n(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"

"""A merge told apart from another of the same two names: who went into whom, each with their
company and a number, and when.

"Merged the two Mike Brandt contacts", twice in Import history's refusal or in Duplicates'
Undo an earlier merge, left the rep guessing which one to take back; "Mike Brandt (Globex,
+1 212-555-0199) into Mike Brandt (Acme, +1 415-555-0142), 8 Dec, 14:05" does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from desktop.core.display_text import one_line
from desktop.core.import_history import when
from desktop.core.localtime import HourCycle


@dataclass(frozen=True)
class MergeSide:
    """One contact of a merge as it was: its name, company and a number as shown."""

    name: str
    company: str = ""
    number: str = ""

    def text(self) -> str:
        name, company = one_line(self.name), one_line(self.company)
        who = name or company or "a contact"
        about = ", ".join(p for p in (company if name else "", one_line(self.number)) if p)
        return f"{who} ({about})" if about else who


def merge_told(gone: MergeSide, kept: MergeSide) -> str:
    """"Mike Brandt (Globex, +1 212-555-0199) into Mike Brandt (Acme)"."""
    return f"{gone.text()} into {kept.text()}"


def merge_told_when(told: str, at: datetime, now: datetime, cycle: HourCycle = "24h") -> str:
    """The merge and when it was made: two merged the same minute still differ by their
    sides, two of the same sides by their time."""
    return f"{told}, {when(at, now, cycle)}"

"""What an imported row does to the contact it merges into, field by field.

A rep's free text is never dropped: when the contact already has notes and the row brings
other notes, the row's text is appended on its own line, once (importing the same file again
finds it there and adds nothing). Any other field the contact already has a different value for
keeps the contact's value (the card a rep prepared wins over a file), and the difference is
said in the preview and the report rather than lost in silence. Empty fields are filled.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from desktop.core.models import CONTACT_FIELDS

APPENDED_FIELDS = frozenset({"notes"})  # free text the row's value is added to, not dropped
APPEND_MARK = "+"  # import_changes.field for an append: "notes+", the value is the added text


@dataclass(frozen=True)
class FieldMerge:
    fields: tuple[str, ...]  # the contact's CONTACT_FIELDS values after the merge
    filled: tuple[str, ...] = ()  # fields that were empty and take the row's value
    appended: tuple[tuple[str, str], ...] = ()  # (field, text added on its own line)
    differs: tuple[tuple[str, str, str], ...] = ()  # (field, kept value, the row's value)

    @property
    def changed(self) -> bool:
        return bool(self.filled or self.appended)

    def added(self) -> list[str]:
        """The report's words for what the merge adds: "title", "a line to notes"."""
        return [*self.filled, *(f"a line to {name}" for name, _text in self.appended)]

    def differences(self) -> list[str]:
        """What the row says that the contact keeps its own value for, for people."""
        return [f"kept its {name.replace('_', ' ')} {kept!r} (the file has {theirs!r})"
                for name, kept, theirs in self.differs]  # fmt: skip


def merge_fields(current: Sequence[str], incoming: Sequence[str]) -> FieldMerge:
    """`incoming` (a row's CONTACT_FIELDS values) merged into `current` (the contact's)."""
    fields = list(current)
    filled: list[str] = []
    appended: list[tuple[str, str]] = []
    differs: list[tuple[str, str, str]] = []
    for i, name in enumerate(CONTACT_FIELDS):
        old, new = current[i], incoming[i]
        if not new.strip():
            continue
        if not old:
            fields[i] = new
            filled.append(name)
        elif name in APPENDED_FIELDS:
            text = new.strip()
            if not _has_lines(old, text):
                fields[i] = appended_to(old, text)
                appended.append((name, text))
        elif _folded(old) != _folded(new):
            differs.append((name, old, new))
    return FieldMerge(tuple(fields), tuple(filled), tuple(appended), tuple(differs))


def appended_to(value: str, text: str) -> str:
    return value.rstrip("\n") + "\n" + text


def without_appended(value: str, text: str) -> str | None:
    """`value` with an import's appended `text` taken out again (the last time it occurs on
    its own line), or None when it is no longer there (someone edited it away)."""
    line = "\n" + text
    at = value.rfind(line)
    if at < 0 or not (at + len(line) == len(value) or value[at + len(line)] == "\n"):
        return None
    return value[:at] + value[at + len(line):]


def _has_lines(value: str, text: str) -> bool:
    """`text` is already in `value` as whole lines (a re-import of the same file)."""
    return f"\n{text}\n" in f"\n{value}\n"


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()

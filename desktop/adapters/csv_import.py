"""Import a UTF-8 CSV with a header row into the store, as one atomic, undoable batch."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from desktop.adapters.store import NewContact, Store, StoreError
from desktop.core.import_mapping import ContactDraft, RowProblem, draft_from_row, map_headers
from desktop.core.numbers import NumberPolicy

MAX_CELL = 1_000_000


class ImportFailed(Exception):
    """The file as a whole cannot be imported; nothing was changed."""


@dataclass
class ImportReport:
    path: Path
    batch_id: int | None = None
    imported: int = 0
    merged: int = 0
    unchanged: int = 0
    skipped: int = 0
    rejected: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)
    merges: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {
            "file": str(self.path),
            "batch": self.batch_id,
            "imported": self.imported,
            "merged": self.merged,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "rejected": [
                {"line": p.line, "field": p.field, "reason": p.message} for p in self.rejected
            ],
            "warnings": [
                {"line": p.line, "field": p.field, "reason": p.message} for p in self.warnings
            ],
            "merges": self.merges,
        }

    def summary(self) -> str:
        parts = [f"{self.imported} imported", f"{self.merged} merged"]
        if self.unchanged:
            parts.append(f"{self.unchanged} already there")
        parts.append(f"{len(self.rejected)} rejected")
        if self.skipped:
            parts.append(f"{self.skipped} empty rows skipped")
        batch = f" (batch {self.batch_id})" if self.batch_id else ""
        return f"{self.path.name}: " + ", ".join(parts) + batch


def read_rows(path: Path) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header and (line number, cells) for each record."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFailed(f"{path}: cannot read the file ({exc.strerror})") from exc
    if not data.strip():
        raise ImportFailed(f"{path}: the file is empty")
    if b"\x00" in data[:4096]:
        raise ImportFailed(
            f"{path}: this is not UTF-8 text (it contains NUL bytes: a binary file, "
            "or UTF-16 'Unicode text' from Excel, which the full importer reads)"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFailed(
            f"{path}: line {line} is not UTF-8 (byte 0x{data[exc.start]:02x}); "
            "save the sheet as 'CSV UTF-8'"
        ) from exc
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    csv.field_size_limit(MAX_CELL)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise ImportFailed(f"{path}: line 1: no readable header row ({exc})") from exc

    def records() -> Iterator[tuple[int, list[str]]]:
        while True:
            line = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise ImportFailed(f"{path}: line {line}: {exc}") from exc
            yield line, row

    return header, records()


def import_csv(store: Store, path: Path, policy: NumberPolicy) -> ImportReport:
    header, records = read_rows(path)
    mapping = map_headers(header)
    if not mapping:
        raise ImportFailed(
            f"{path}: line 1: no column this importer knows (expected headers such as "
            "Name, First Name, Company, Phone, Email)"
        )
    report = ImportReport(path)
    try:
        with store.transaction():
            report.batch_id = store.create_batch(f"Import of {path.name}", str(path))
            for line, cells in records:
                outcome = draft_from_row(cells, mapping, header, policy, line)
                if outcome is None:
                    report.skipped += 1
                elif isinstance(outcome, RowProblem):
                    report.rejected.append(outcome)
                else:
                    report.warnings.extend(outcome.warnings)
                    _store_draft(store, outcome, report, line)
            store.finish_batch(report.batch_id, json.dumps(report.to_json()))
    except StoreError as exc:
        raise ImportFailed(str(exc)) from exc
    return report


def _store_draft(store: Store, draft: ContactDraft, report: ImportReport, line: int) -> None:
    new = NewContact(
        name=draft.name, title=draft.title, company=draft.company, email=draft.email,
        notes=draft.notes, reason=draft.reason, referred_by=draft.referred_by,
        next_step=draft.next_step, numbers=tuple(draft.numbers),
    )  # fmt: skip
    keys = [(n.e164, n.extension) for n in draft.numbers if n.e164]
    existing = store.contact_ids_with_numbers(keys)
    if draft.email:
        existing |= store.contact_ids_with_email(draft.email)
    if not keys and not draft.email:
        existing = store.contact_ids_named(draft.name, draft.company)
    if not existing:
        store.add_contact(new, report.batch_id)
        report.imported += 1
        return
    target = min(existing)
    current = store.contact(target, attempts_limit=0)
    known = {(n.e164, n.extension) for n in current.numbers} if current else set()
    fresh = [n for n in draft.numbers if n.e164 and (n.e164, n.extension) not in known]
    filled = store.fill_empty_fields(target, new)
    store.add_numbers(target, fresh, report.batch_id)
    if not filled and not fresh:
        report.unchanged += 1
        return
    report.merged += 1
    what = ", ".join([*filled, *(f"number {n.e164}" for n in fresh)])
    name = current.name if current else draft.name
    report.merges.append(f"line {line}: merged into {name!r} (added {what})")

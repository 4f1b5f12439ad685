"""The first importer's entry points, kept for their callers; the importer itself lives in
desktop.adapters.importing (CSV/TXT, XLSX, vCard; merge, undo, report)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from desktop.adapters.importing import ImportFailed, ImportOptions, ImportReport, import_file
from desktop.adapters.importing.text_tables import read_text_table
from desktop.adapters.store import Store
from desktop.core.numbers import NumberPolicy

__all__ = ["ImportFailed", "ImportReport", "import_csv", "read_rows"]


def read_rows(path: Path) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header and (line number, cells) for each record after it."""
    table = read_text_table(path)
    return table.header, table.rows


def import_csv(store: Store, path: Path, policy: NumberPolicy) -> ImportReport:
    return import_file(store, path, ImportOptions(policy))

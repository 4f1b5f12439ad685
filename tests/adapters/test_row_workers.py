"""Rows mapped in worker processes come back exactly as mapping them here would give."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from desktop.adapters.importing import ImportOptions, import_file, row_workers
from desktop.adapters.importing.pipeline import CHUNK_CARDS
from desktop.adapters.importing.row_workers import NumberCache, RowWorkers, draft_rows
from desktop.adapters.store import Store
from desktop.cli import FROZEN_IMPORT_WORKER_VERB
from desktop.core.import_mapping import ColumnPlan, RowProblem, Skipped
from desktop.core.import_match import ContactRow
from desktop.core.numbers import NumberPolicy

US = NumberPolicy("US")
HEADER = ["Name", "Company", "Phone", "Email", "Notes"]


def rows(n: int, start: int = 2) -> list[tuple[int, list[str]]]:
    out = []
    for i in range(n):
        cells = [f"Zoë Brennan {i}", "Kestrel", f"(415) 555-{i % 10000:04d} x{i % 50}",
                 f"z{i}@example.com", "left a message"]
        if i % 7 == 3:
            cells = ["", "", "4.15555E+11", "", ""]  # a number Excel destroyed, no name
        elif i % 11 == 5:
            cells = ["Grand Totals (3 records)", "", "", "", ""]
        elif i % 13 == 6:
            cells = [f"Dana {i}", "", "+49 30 901820 ::: 030 1234567", "", ""]
        elif i % 17 == 8:
            cells[4] = "n\x00" * 50_000  # notes cut to their limit, with a warning
        elif i % 19 == 9:
            cells[0] = "x" * 100_000  # no name is that long: the row is rejected
        out.append((start + i, cells))
    return out


def chunked(items: list[tuple[int, list[str]]], size: int) -> list[list[tuple[int, list[str]]]]:
    return [items[k : k + size] for k in range(0, len(items), size)]


def no_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on, a chunk mapped in this process instead of a worker fails the test."""

    def fail(*_args: object) -> None:
        raise AssertionError("a chunk was mapped here: the worker did not answer")

    monkeypatch.setattr(row_workers, "draft_rows", fail)


def test_workers_give_what_mapping_here_gives_in_file_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    plan = ColumnPlan.from_headers(HEADER)
    data = rows(1200)
    expected = draft_rows(data, plan, US, NumberCache(US))
    no_fallback(monkeypatch)
    with RowWorkers(2, US, plan) as pool:
        got = list(pool.drafts(iter(chunked(data, 100))))
    assert [row for row, _ in got] == data
    assert [outcome for _, outcome in got] == expected
    kinds = {type(o) for o in expected}
    assert kinds == {ContactRow, RowProblem, Skipped}
    assert any(isinstance(o, ContactRow) and o.warnings for o in expected)
    assert any(isinstance(o, RowProblem) and "100,000 characters" in o.message for o in expected)


def test_the_cli_verb_a_frozen_app_starts_its_workers_with_serves_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Frozen, a worker is the app's own executable with the hidden verb; here the same CLI.
    assert row_workers.worker_command()[-1] == "desktop.adapters.importing.row_workers"
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert row_workers.worker_command() == [sys.executable, FROZEN_IMPORT_WORKER_VERB]
    monkeypatch.setattr(row_workers, "worker_command",
                        lambda: [sys.executable, "-m", "desktop", FROZEN_IMPORT_WORKER_VERB])
    plan = ColumnPlan.from_headers(HEADER)
    data = rows(300)
    expected = draft_rows(data, plan, US, NumberCache(US))
    no_fallback(monkeypatch)
    with RowWorkers(1, US, plan) as pool:
        got = [outcome for _, outcome in pool.drafts(iter(chunked(data, 100)))]
        assert pool._workers[0]._proc.args[-1] == FROZEN_IMPORT_WORKER_VERB
    assert got == expected


def test_a_worker_that_dies_costs_only_time() -> None:
    plan = ColumnPlan.from_headers(HEADER)
    data = rows(600)
    expected = draft_rows(data, plan, US, NumberCache(US))
    with RowWorkers(2, US, plan) as pool:
        pool._workers[1]._proc.kill()
        got = [outcome for _, outcome in pool.drafts(iter(chunked(data, 50)))]
    assert got == expected


def test_vcards_mapped_by_workers_import_as_they_do_here(samples: Path, tmp_path: Path) -> None:
    # Real phone exports repeated into a file of several chunks, with a broken card in it.
    sources = sorted((samples / "contacts").glob("*.vcf"))
    text = "".join(p.read_text(encoding="utf-8-sig", errors="replace") for p in sources)
    cards = text.count("BEGIN:VCARD")
    copies = -(-3 * CHUNK_CARDS // cards)
    broken = "BEGIN:VCARD\nVERSION:3.0\nN:;;;\x00\nTEL;TYPE=CELL:+1 415 555 0100\n"
    path = tmp_path / "phone.vcf"
    path.write_text(text * copies + broken + text, encoding="utf-8")

    def imported(workers: int) -> tuple[object, ...]:
        store = Store.open(tmp_path / f"w{workers}.sqlite3")
        report = import_file(store, path, ImportOptions(US, workers=workers))
        table = store.connection.execute(
            "SELECT c.name, c.company, p.e164, p.extension, p.label FROM contacts c "
            "JOIN phone_numbers p ON p.contact_id = c.id ORDER BY c.id, p.id"
        ).fetchall()
        return (report.imported, report.merged, report.unchanged,
                [str(r) for r in report.rejected], table)  # fmt: skip

    here, there = imported(0), imported(2)
    assert here == there
    assert here[0] > 0 and here[3]  # something imported, the broken card reported

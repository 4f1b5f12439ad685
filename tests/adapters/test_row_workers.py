"""Rows mapped in worker processes come back exactly as mapping them here would give."""

from __future__ import annotations

from desktop.adapters.importing.row_workers import NumberCache, RowWorkers, draft_rows
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
        out.append((start + i, cells))
    return out


def chunked(items: list[tuple[int, list[str]]], size: int) -> list[list[tuple[int, list[str]]]]:
    return [items[k : k + size] for k in range(0, len(items), size)]


def test_workers_give_what_mapping_here_gives_in_file_order() -> None:
    plan = ColumnPlan.from_headers(HEADER)
    data = rows(1200)
    expected = draft_rows(data, plan, US, NumberCache(US))
    with RowWorkers(2, plan, US) as pool:
        got = list(pool.drafts(iter(chunked(data, 100))))
    assert [row for row, _ in got] == data
    assert [outcome for _, outcome in got] == expected
    kinds = {type(o) for o in expected}
    assert kinds == {ContactRow, RowProblem, Skipped}


def test_a_worker_that_dies_costs_only_time() -> None:
    plan = ColumnPlan.from_headers(HEADER)
    data = rows(600)
    expected = draft_rows(data, plan, US, NumberCache(US))
    with RowWorkers(2, plan, US) as pool:
        pool._workers[1]._proc.kill()
        got = [outcome for _, outcome in pool.drafts(iter(chunked(data, 50)))]
    assert got == expected

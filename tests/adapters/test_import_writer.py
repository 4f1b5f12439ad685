"""The import's writer thread: in order, off the importer's thread, and never half a batch."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from desktop.adapters.importing import ImportFailed, ImportOptions, import_file
from desktop.adapters.importing.pipeline import CHUNK_ROWS
from desktop.adapters.importing.writer import ChunkWriter
from desktop.adapters.store import Store
from desktop.core.numbers import NumberPolicy
from tests.adapters.test_import_pipeline import snapshot, write_csv
from tests.adapters.test_search import fts_is_consistent


def test_jobs_run_in_order_on_another_thread_and_drain_waits_for_them() -> None:
    ran: list[tuple[int, str]] = []
    with ChunkWriter() as writer:
        for i in range(5):
            writer.submit(lambda i=i: ran.append((i, threading.current_thread().name)))
        writer.drain()
        assert [i for i, _ in ran] == [0, 1, 2, 3, 4]
    assert {name for _, name in ran} == {"import-writer"}


def test_a_failed_job_stops_the_rest_and_its_error_reaches_the_importer() -> None:
    ran: list[int] = []

    def fail() -> None:
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"), ChunkWriter() as writer:
        writer.submit(lambda: ran.append(1))
        writer.submit(fail)
        writer.submit(lambda: ran.append(3))
        writer.drain()
    assert ran == [1]


def test_leaving_on_an_error_drops_what_is_still_queued() -> None:
    started, release = threading.Event(), threading.Event()
    ran: list[int] = []

    def slow() -> None:
        started.set()
        release.wait(5)
        ran.append(1)

    # The running job is let go only after the importer has left with its error.
    threading.Timer(0.3, release.set).start()
    with pytest.raises(KeyboardInterrupt), ChunkWriter() as writer:
        writer.submit(slow)
        writer.submit(lambda: ran.append(2))
        assert started.wait(5)
        raise KeyboardInterrupt
    # The job already running finishes; the one behind it never starts.
    assert ran == [1]


def test_a_write_the_database_refuses_mid_file_rolls_back_the_whole_import(
    tmp_path: Path,
) -> None:
    store = Store.open(tmp_path / "cc.sqlite3")
    store.connection.execute(
        "CREATE TRIGGER refuse AFTER INSERT ON contacts WHEN NEW.name = 'Boom' "
        "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
    )
    before = snapshot(store)
    rows = [["Name", "Phone"]] + [[f"P{i}", f"+1 415 555 {i:04d}"] for i in range(3 * CHUNK_ROWS)]
    rows[2 * CHUNK_ROWS + 7][0] = "Boom"
    path = write_csv(tmp_path / "big.csv", rows)
    with pytest.raises(ImportFailed, match="refused by the test"):
        import_file(store, path, ImportOptions(NumberPolicy("US")))
    assert snapshot(store) == before
    fts_is_consistent(store)
    assert import_file(store, write_csv(tmp_path / "ok.csv", rows[:3]), ImportOptions(
        NumberPolicy("US"))).imported == 2

"""Disk space goes back after bulk changes: an import leaves no big -wal file behind, undoing
it gives its pages back to the file system, and `callercard compact` shrinks a database made
before incremental auto-vacuum (real SQLite files, sizes read from the disk)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from desktop.adapters.importing import ImportOptions, import_file
from desktop.adapters.store import Store
from desktop.cli import main
from desktop.core.numbers import NumberPolicy

US = ImportOptions(NumberPolicy("US"))
ROWS = 1500  # an undo of this many contacts merges the search index's dead entries too


def _csv(path: Path, first: int = 0) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        fh.write("Name,Phone,Notes\n")
        for i in range(first, first + ROWS):
            fh.write(f"Person {i},+1 415 555 {i % 10000:04d},{'met at the trade show ' * 8}\n")
    return path


def _size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


def _wal(db: Path) -> Path:
    return db.with_name(db.name + "-wal")


def test_an_undone_import_gives_its_space_back(tmp_path: Path) -> None:
    db = tmp_path / "cc.sqlite3"
    store = Store.open(db)
    report = import_file(store, _csv(tmp_path / "a.csv"), US)
    imported = _size(db) + _size(_wal(db))
    assert imported > 800_000
    assert _size(_wal(db)) == 0  # checkpointed and cut back once the import committed

    assert report.batch_id is not None
    store.undo_import(report.batch_id)
    assert _size(db) < imported // 3  # the freed pages went back (the empty schema is left)
    assert _size(_wal(db)) == 0


def test_compact_shrinks_a_database_made_without_auto_vacuum(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    db = data / "callercard.sqlite3"
    with sqlite3.connect(db) as old:  # as every database before this change was made
        old.execute("PRAGMA auto_vacuum=NONE")
        old.execute("PRAGMA journal_mode=WAL")
    store = Store.open(db)
    report = import_file(store, _csv(tmp_path / "a.csv"), US)
    assert report.batch_id is not None
    store.undo_import(report.batch_id)
    store.close()
    before = _size(db)

    # What compact can give back is what the undo freed: the schema's own pages stay.
    empty = tmp_path / "empty"
    empty.mkdir(mode=0o700)
    Store.open(empty / "callercard.sqlite3").close()
    floor = _size(empty / "callercard.sqlite3")
    assert main(["compact", "--data-dir", str(data)]) == 0
    assert _size(db) - floor < (before - floor) // 4
    assert f"{db}: " in capsys.readouterr().out
    with sqlite3.connect(db) as again:
        assert again.execute("PRAGMA auto_vacuum").fetchone()[0] == 2  # incremental from now on

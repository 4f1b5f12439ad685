"""A followed file also imported the ordinary way (`callercard import Liste.csv` by habit, or
opened with CallerCard) stays in control of its people: its saves update and remove them.

h-rep6 #2: the ordinary import held the file's people, so the follow found every row "already
there", held nobody, had no batch ('(no batch)' in import --list-followed) and a row deleted
later removed nothing; Import history said 'undone' of a version nobody undid. Real files
saved as Excel does, a real SQLite store and the real follow loop (FollowLoop on inotify).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from desktop.adapters.followed_list import followed_file
from desktop.adapters.import_history import batch_records
from desktop.adapters.importing import import_file
from desktop.adapters.importing.following import follow
from desktop.adapters.store import Store
from desktop.core.import_history import batch_line
from tests.adapters.test_followed_files import Loop
from tests.adapters.test_followed_in_place import BAERBEL, OPTIONS, OTTO, UENAL, excel_save

NEW = "Neue Person;Neu GmbH;;030 90182047;"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(tmp_path / "data" / "callercard.sqlite3")
    yield store
    store.close()


@pytest.fixture
def book(tmp_path: Path, store: Store) -> Path:
    path = tmp_path / "Liste.csv"
    excel_save(path, [BAERBEL, UENAL, OTTO])
    follow(store, path, OPTIONS)
    return path


@pytest.fixture
def loop(store: Store, book: Path) -> Iterator[Loop]:
    with Loop.running(store.path) as watching:
        yield watching


def names(store: Store) -> list[str]:
    return [str(name) for (name,) in store.connection.execute(
        "SELECT name FROM contacts ORDER BY name")]  # fmt: skip


def follows_batch(store: Store, path: Path) -> int | None:
    found = followed_file(store, path)
    assert found is not None, "still followed"
    return found.batch_id


def history(store: Store) -> list[str]:
    now = datetime.now(UTC)
    return [batch_line(record, now) for record in batch_records(store)]


def test_a_file_imported_before_it_is_followed_is_the_follows(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = tmp_path / "Liste.csv"
    excel_save(book, [BAERBEL, UENAL, OTTO])
    monkeypatch.chdir(tmp_path)
    import_file(store, Path("Liste.csv"), OPTIONS)  # as typed in a terminal: relative
    follow(store, book, OPTIONS)
    batch = follows_batch(store, book)
    assert batch is not None, "the follow holds the file's people"
    assert store.connection.execute(
        "SELECT count(*) FROM contacts WHERE import_batch_id = ?", (batch,)
    ).fetchone() == (3,)

    watching = Loop(store.path)
    watching.loop.start()
    try:
        watching.wait_looks(1)
        excel_save(book, [BAERBEL, UENAL])  # Otto's row deleted in Excel
        result = watching.wait_results(1)
    finally:
        watching.loop.stop()
        watching.watcher.stop()

    assert result.problem == ""
    assert names(store) == ["Bärbel Kühn", "Ünal Öztürk"], "Otto went with his row"
    assert follows_batch(store, book) is not None
    lines = history(store)
    assert not [line for line in lines if "undone" in line], lines
    assert sum("replaced by the next save" in line for line in lines) == 2, lines


def test_an_ordinary_import_of_a_followed_file_as_it_is_saved(
    store: Store, book: Path, loop: Loop
) -> None:
    # Saved with a new row, and imported the ordinary way at once (h-rep6's race).
    excel_save(book, [BAERBEL, UENAL, OTTO, NEW])
    import_file(store, book, OPTIONS)
    loop.wait_results(1)
    assert "Neue Person" in names(store)

    excel_save(book, [BAERBEL, UENAL])  # the new row and Otto's deleted
    result = loop.wait_results(2)

    assert result.problem == ""
    assert names(store) == ["Bärbel Kühn", "Ünal Öztürk"], "gone with their rows"
    batch = follows_batch(store, book)
    assert batch is not None
    assert store.connection.execute(
        "SELECT count(*) FROM contacts WHERE import_batch_id = ?", (batch,)
    ).fetchone() == (2,)
    lines = history(store)
    assert not [line for line in lines if "undone" in line], lines

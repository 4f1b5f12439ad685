"""The demo book never mixes with real contacts: the first real import takes it out whole,
before anything is matched against it."""

from __future__ import annotations

from pathlib import Path

from desktop.adapters.demo_book import seed_demo_book
from desktop.adapters.importing import ImportOptions, import_file
from desktop.adapters.store import Store
from desktop.core.numbers import NumberPolicy

# Mike Kowalski's demo number (415) 555-0142 belongs to a real prospect in this file.
REAL = """\
Name,Company,Phone
Maya Okafor,Brightline Analytics,(415) 555-0142
"""


def test_first_real_import_removes_the_demo_book_and_imports_the_real_prospect(
    tmp_path: Path,
) -> None:
    store = Store.open(tmp_path / "cc.sqlite3")
    seed_demo_book(store)
    assert store.search_simple("Kowalski")
    path = tmp_path / "prospects.csv"
    path.write_text(REAL, encoding="utf-8")
    report = import_file(store, path, ImportOptions(NumberPolicy("US")))
    assert (report.imported, report.merged, report.unchanged) == (1, 0, 0)
    assert report.demo_removed == 7 and report.to_json()["demo_contacts_removed"] == 7
    [(maya, _number)] = store.contacts_for_number("+14155550142")
    assert (maya.name, maya.company) == ("Maya Okafor", "Brightline Analytics")
    assert store.count_contacts() == 1
    assert store.connection.execute("SELECT count(*) FROM attempts").fetchone() == (0,)
    assert store.search_simple("Kowalski") == []
    assert store.search_simple("Harbor") == []
    # A second import has no demo left to remove.
    again = import_file(store, path, ImportOptions(NumberPolicy("US")))
    assert (again.demo_removed, again.unchanged) == (0, 1)

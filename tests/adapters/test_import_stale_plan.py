"""An import from the Import window does what its preview said, or nothing: the contacts are
checked again inside the import's transaction, and a plan they no longer bear out is refused
(nothing written) with the new plan. The cheap mark that tells the window when to work its
preview out again moves with every change a plan depends on, and not with a call record."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

import pytest

from desktop.adapters import contact_edits
from desktop.adapters.demo_book import seed_demo_book
from desktop.adapters.importing import (
    ImportOptions,
    PlanChanged,
    import_file,
    plan_check,
    preview_file,
)
from desktop.adapters.importing.book_mark import book_mark
from desktop.adapters.importing.dry_run import Fate
from desktop.adapters.importing.following import follow_file
from desktop.adapters.store import NewContact, Store
from desktop.core.models import Attempt, Direction, StoredNumber
from desktop.core.numbers import NumberPolicy

US = ImportOptions(NumberPolicy("US"))


def csv(path: Path, *rows: str) -> Path:
    path.write_text("Name,Phone\n" + "".join(f"{r}\n" for r in rows), encoding="utf-8")
    return path


def test_the_mark_moves_with_what_a_plan_depends_on_and_not_with_calls(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "cc.sqlite3")
    seed_demo_book(store, datetime.now(UTC))
    marks = [book_mark(store)]
    ann = store.add_contact(NewContact("Ann Lee", numbers=(
        StoredNumber("+1 415 555 0177", "+14155550177"),)))  # fmt: skip
    marks.append(book_mark(store))
    # The tray's Fix contact, within the same second: same length, one digit.
    (number,) = contact_edits.numbers_of(store, ann)
    contact_edits.change_number(store, ann, number.id, "+1 415 555 0178", "", "US")
    marks.append(book_mark(store))
    store.update_contact_field(ann, "email", "ann@example.com")
    marks.append(book_mark(store))
    with store.transaction():
        store.remove_demo_book()
    marks.append(book_mark(store))
    assert len(set(marks)) == len(marks), "a change the plan depends on left the mark as it was"
    call = Attempt(Direction.IN, datetime.now(UTC), number_e164="+14155550178")
    assert store.record_call(ann, call, "twinkle", "twinkle:1@1") is not None
    assert book_mark(store) == marks[-1], "a ring would have the preview worked out again"


def test_an_import_whose_plan_went_stale_writes_nothing_and_says_what_it_would_do_now(
    tmp_path: Path,
) -> None:
    database = tmp_path / "cc.sqlite3"
    store = Store.open(database)
    seed_demo_book(store, datetime.now(UTC))
    path = csv(tmp_path / "p.csv", "Ann Lee,+1 415 555 0177", "Bo Chen,+1 415 555 0188")
    shown = preview_file(path, US, store)
    assert shown.planned.totals[Fate.NEW] == 2 and shown.demo_contacts == 7
    # Another process imports Ann (and with her first real import, the demo book goes).
    other = Store.open(database)
    import_file(other, csv(tmp_path / "ann.csv", "Ann Lee,+1 415 555 0177"), US)
    other.close()
    before = (store.count_contacts(), len(store.batches()))
    checked = dataclasses.replace(US, check_plan=plan_check(path, US, shown))
    with pytest.raises(PlanChanged) as refused:
        import_file(store, path, checked)
    assert (store.count_contacts(), len(store.batches())) == before
    now = refused.value.preview
    assert [r.fate for r in now.planned.rows] == [Fate.UNCHANGED, Fate.NEW]
    assert now.demo_contacts == 0
    # The plan the rep then sees is the one the import checks, and it goes ahead.
    again = dataclasses.replace(US, check_plan=plan_check(path, US, now))
    report = import_file(store, path, again)
    assert (report.imported, report.unchanged) == (1, 1)


def test_a_followed_import_is_checked_before_anything_is_followed(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "cc.sqlite3")
    path = csv(tmp_path / "p.csv", "Ann Lee,+1 415 555 0177")
    shown = preview_file(path, US, store)
    store.add_contact(NewContact("Ann Lee", numbers=(StoredNumber("+14155550177",
                                                                  "+14155550177"),)))  # fmt: skip
    with pytest.raises(PlanChanged):
        follow_file(store, path, dataclasses.replace(US, check_plan=plan_check(path, US, shown)))
    rows = store.connection.execute("SELECT count(*) FROM followed_files").fetchone()[0]
    assert rows == 0 and len(store.batches()) == 0

"""The Possible duplicates window (pairs, preview, Merge, Not the same person, Undo) and the
Import history window (every batch with its file, date and counts; Undo on each).

Also runnable as a child process for screenshots on a real X display:
    python -m tests.qt.test_duplicates_window screenshot OUT_DIR
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QWidget
from pytestqt.qtbot import QtBot

from desktop.adapters.importing import ImportOptions, import_file
from desktop.adapters.store import NewContact, Store
from desktop.core.models import StoredNumber
from desktop.core.numbers import NumberPolicy
from desktop.qt.app import GUI_WRITE_WAIT_MS
from desktop.qt.duplicates_window import DuplicatesWindow
from desktop.qt.import_history_window import ImportHistoryWindow
from tests.adapters.test_contact_fixes import everything, two_priyas
from tests.conftest import PYTHON, REPO, SAMPLES, python_env
from tests.qt.test_contact_view import SHOTS


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.open(tmp_path / "cc.sqlite3")
    s.set_busy_timeout(GUI_WRITE_WAIT_MS)  # as the app's GUI connection has it
    yield s
    s.close()


def lindqvists(store: Store) -> tuple[int, int]:
    surname = store.add_contact(NewContact(
        "Lindqvist", company="Northwind Traders",
        numbers=(StoredNumber("415.555.0173 x44", "+14155550173", "44"),)))  # fmt: skip
    full = store.add_contact(NewContact(
        "Astrid Lindqvist", title="Account Director", company="Northwind Traders",
        email="astrid.lindqvist@example.com",
        numbers=(StoredNumber("+1 (415) 555-0163", "+14155550163", label="mobile"),)))  # fmt: skip
    return surname, full


def opened(qtbot: QtBot, store: Store) -> DuplicatesWindow:
    window = DuplicatesWindow(store)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.loaded, timeout=10_000):
        window.open()
    return window


def test_a_pair_with_one_name_twice_says_what_tells_them_apart(
    qtbot: QtBot, store: Store
) -> None:
    """Used as a rep: "Rosa Delgado  ·  Rosa Delgado" and "Aisha Siddiqui  ·  Aisha
    Siddiqui" in the list; which was which only the preview said."""
    store.add_contact(NewContact("Rosa Delgado", company="Mesa Foods", numbers=(
        StoredNumber("(602) 555-0177", "+16025550177"),)))  # fmt: skip
    store.add_contact(NewContact("Rosa Delgado", email="rosa.d@gmail.example"))
    store.add_contact(NewContact("Aisha Siddiqui", company="Crescent Health", numbers=(
        StoredNumber("(713) 555-0145", "+17135550145"),)))  # fmt: skip
    store.add_contact(NewContact("Aisha Siddiqui", company="Crescent Health", numbers=(
        StoredNumber("(713) 555-0146", "+17135550146"),)))  # fmt: skip
    window = opened(qtbot, store)
    pairs = sorted(window.list.item(i).text() for i in range(window.list.count()))
    assert pairs == [
        "Aisha Siddiqui (+1 713-555-0145)\nAisha Siddiqui (+1 713-555-0146)\n"
        "same name at the same company",
        "Rosa Delgado (Mesa Foods)\nRosa Delgado (no company)\n"
        "same name, no company to tell them apart",
    ]


def select(window: DuplicatesWindow, name: str) -> None:
    [row] = [i for i, p in enumerate(window.pairs) if name in (p.first.name, p.second.name)]
    window.list.setCurrentRow(row)


def cell(window: DuplicatesWindow, title: str, column: int) -> str:
    for row in range(window.table.rowCount()):
        first = window.table.item(row, 0)
        if first is not None and first.text() == title:
            item = window.table.item(row, column)
            return item.text() if item is not None else ""
    raise AssertionError(f"no {title!r} row")


def test_merge_from_the_preview_and_undo_restores_both(qtbot: QtBot, store: Store) -> None:
    two_priyas(store)
    surname, full = lindqvists(store)
    before = everything(store)
    window = opened(qtbot, store)
    assert window.list.count() == 2
    assert window.status.text() == "2 possible duplicates."
    select(window, "Lindqvist")
    assert window.reasons.text() == "Why: surname only beside the full name, same company."
    assert window.summary.text() == (
        "Keeps Astrid Lindqvist, adds 1 number."
    ), "the fuller contact stays"
    assert cell(window, "Name", 3) == "Astrid Lindqvist"
    assert cell(window, "Title", 3) == "Account Director"
    window.swap()
    assert window.plan is not None and window.plan.kept.id == surname
    assert window.summary.text() == (
        "Keeps Astrid Lindqvist, adds 1 number, takes name, title and e-mail from "
        f"the other Astrid Lindqvist (#{full})."
    )
    name = window.table.item(0, 3)
    assert name is not None and name.font().bold(), "what the merge takes is shown in bold"
    window.swap()

    with qtbot.waitSignal(window.changed) as merged:
        qtbot.mouseClick(window.merge_button, Qt.MouseButton.LeftButton)
    assert merged.args == [full]
    assert window.status.text() == "Merged Lindqvist into Astrid Lindqvist."
    assert window.list.count() == 1
    assert [c.name for c, _n in store.contacts_for_number("+14155550173")] == ["Astrid Lindqvist"]
    assert window.undo_button.isVisible()

    with qtbot.waitSignal(window.loaded, timeout=10_000):
        qtbot.mouseClick(window.undo_button, Qt.MouseButton.LeftButton)
    assert window.status.text() == "Separated Lindqvist from Astrid Lindqvist again."
    assert window.list.count() == 2
    assert everything(store) == before


def test_the_preview_says_where_the_others_second_email_goes(qtbot: QtBot, store: Store) -> None:
    a, _b = two_priyas(store)
    store.connection.execute(
        "UPDATE contacts SET email = 'priya@fenwick.example' WHERE id = ?", (a,))
    window = opened(qtbot, store)
    select(window, "Priya Raman")
    assert window.plan is not None
    other_email = window.plan.other.email
    assert cell(window, "E-mail", 2) == other_email
    assert cell(window, "E-mail", 3).endswith(f"+ {other_email} in Notes")
    assert cell(window, "Notes", 3).endswith(f"Other e-mail: {other_email}")
    assert window.summary.text().endswith(", keeps the other e-mail in the notes.")


def test_not_the_same_person_is_not_suggested_again(qtbot: QtBot, store: Store) -> None:
    lindqvists(store)
    window = opened(qtbot, store)
    qtbot.mouseClick(window.dismiss_button, Qt.MouseButton.LeftButton)
    assert window.status.text() == "Lindqvist and Astrid Lindqvist will not be suggested again."
    assert window.list.count() == 0
    assert not window.merge_button.isEnabled()
    again = opened(qtbot, store)
    assert again.list.count() == 0
    assert again.status.text().startswith("No possible duplicates")


def test_a_locked_database_delays_the_merge_without_freezing(qtbot: QtBot, store: Store) -> None:
    lindqvists(store)
    window = opened(qtbot, store)
    window._retry.timer.setInterval(30)
    blocker = sqlite3.connect(store.path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        qtbot.mouseClick(window.merge_button, Qt.MouseButton.LeftButton)
        assert window.status.text().startswith("The contacts are busy")
        assert window.list.count() == 1
    finally:
        blocker.execute("COMMIT")
        blocker.close()
    qtbot.waitUntil(lambda: window.list.count() == 0, timeout=3000)
    assert window.status.text() == "Merged Lindqvist into Astrid Lindqvist."


def test_import_history_lists_every_batch_and_undoes_any(qtbot: QtBot, store: Store) -> None:
    options = ImportOptions(NumberPolicy("US"))
    for name in ("salesforce_leads_report.csv", "apple_ios_contacts_v30.vcf"):
        import_file(store, SAMPLES / "contacts" / name, options)
    window = ImportHistoryWindow(store)
    qtbot.addWidget(window)
    window.open()
    rows = [[window.table.item(r, c).text() for c in range(3)]  # type: ignore[union-attr]
            for r in range(window.table.rowCount())]  # fmt: skip
    assert [r[0] for r in rows] == ["apple_ios_contacts_v30.vcf", "salesforce_leads_report.csv"]
    assert [r[2] for r in rows] == ["2 added", "3 added"]
    undo = window.findChild(QPushButton, "undo1")
    assert undo is not None
    with qtbot.waitSignal(window.changed, timeout=10_000):
        qtbot.mouseClick(undo, Qt.MouseButton.LeftButton)
    said = window.status.text()
    assert said.startswith("Removed 3 contacts imported from salesforce_leads_report.csv on ")
    assert "batch" not in said
    state = window.table.item(1, 3)
    assert state is not None and state.text().startswith("Undone ")
    assert window.table.cellWidget(1, 3) is None, "no Undo on an undone import"
    assert store.count_contacts() == 2


def test_the_tray_menu_opens_both_windows_and_a_merge_reloads_open_views(
    qtbot: QtBot, tmp_path: Path
) -> None:
    from desktop.adapters.instance_address import instance_address
    from desktop.adapters.paths import resolve_paths
    from desktop.cli import build_parser
    from desktop.qt.app import CallerCardApp
    from desktop.qt.contact_view import ContactView
    from desktop.qt.single_instance import SingleInstance

    args = build_parser().parse_args(["--data-dir", str(tmp_path / "data"), "--background"])
    paths = resolve_paths(args.data_dir)
    paths.ensure()
    seed = Store.open(paths.database)
    surname, full = lindqvists(seed)
    seed.close()
    instance = SingleInstance(instance_address(paths.data_dir))
    assert instance.acquire()
    app = CallerCardApp(args, paths, instance, demo=False)
    try:
        app.show_contact(surname)
        view = app.windows.contact_views[surname]
        assert isinstance(view, ContactView)
        app.tray.import_history_action.trigger()
        assert isinstance(app.windows.import_history, ImportHistoryWindow)
        assert app.windows.import_history.isVisible()
        app.tray.duplicates_action.trigger()
        window = app.windows.duplicates
        assert isinstance(window, DuplicatesWindow)
        qtbot.waitUntil(lambda: not window.busy_finding() and window.list.count() == 1)
        window.merge()
        assert window.status.text() == "Merged Lindqvist into Astrid Lindqvist."
        assert view.status.text().startswith("Merged Lindqvist into Astrid Lindqvist: ")
        card = app.lookup.card_for("+1 415 555 0173 x44", candidates=False)
        assert [c.id for c in card.contacts] == [full]
    finally:
        for widget in (view, app.windows.import_history, app.windows.duplicates):
            if isinstance(widget, QWidget):
                widget.close()
        app.shutdown()
        instance.release()


def test_screenshots_on_a_real_display(xvfb_display: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [PYTHON, "-m", "tests.qt.test_duplicates_window", "screenshot", str(SHOTS)],
        cwd=REPO, env=python_env(DISPLAY=xvfb_display, QT_QPA_PLATFORM="xcb"),
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report == {"pairs": 2, "batches": 5}
    for name in ("duplicates_preview.png", "import_history.png"):
        assert (SHOTS / name).stat().st_size > 10_000


def _screenshot(out: Path) -> int:
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "cc.sqlite3")
        options = ImportOptions(NumberPolicy("US"))
        for name in ("excel_prospects_us_cp1252.csv", "salesforce_leads_report.csv",
                     "apple_ios_contacts_v30.vcf"):  # fmt: skip
            import_file(store, SAMPLES / "contacts" / name, options)
        store.undo_import(1)
        two_priyas(store)
        window = DuplicatesWindow(store)
        window.move(30, 30)
        window.open()
        while window.busy_finding():
            app.processEvents()
        select(window, "Lindqvist")
        for _ in range(30):
            app.processEvents()
        window.grab().save(str(out / "duplicates_preview.png"))
        history = ImportHistoryWindow(store)
        history.move(30, 30)
        history.open()
        for _ in range(30):
            app.processEvents()
        history.grab().save(str(out / "import_history.png"))
        print(json.dumps({"pairs": window.list.count(), "batches": history.table.rowCount()}))
        window.close()
        history.close()
        store.close()
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "screenshot":
        raise SystemExit(_screenshot(Path(sys.argv[2])))
    raise SystemExit(__doc__)


def test_every_column_heading_fits_at_2x_on_a_1600_by_1000_screen(
    qtbot: QtBot, store: Store
) -> None:
    """At QT_SCALE_FACTOR=2 a 1600×1000 screen is 800×500 to Qt and the window fits in it:
    "Astrid Lindqvist (stays)" was cut at both ends, reading "strid Lindqvist (stay"."""
    from desktop.qt.screen_fit import FRAME_ALLOWANCE

    lindqvists(store)
    window = opened(qtbot, store)
    window.resize(800 - FRAME_ALLOWANCE.width(), 500 - FRAME_ALLOWANCE.height())
    window.show()
    qtbot.waitExposed(window)
    select(window, "Lindqvist")
    head = window.table.horizontalHeader()
    model = window.table.model()
    for column in range(4):
        title = model.headerData(column, Qt.Orientation.Horizontal)
        assert head.sectionSizeFromContents(column).width() <= head.sectionSize(column), title
    tip = model.headerData(1, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert "Astrid Lindqvist: the contact that stays" in tip


def test_two_merges_are_taken_back_one_after_the_other(qtbot: QtBot, store: Store) -> None:
    """A rep merges both suggested pairs, then sees the second was wrong and the first too:
    Undo takes back the newest merge, and pressed again the one before it."""
    two_priyas(store)
    lindqvists(store)
    before = everything(store)
    window = opened(qtbot, store)
    for name in ("Lindqvist", "Priya"):
        select(window, next(p.first.name for p in window.pairs if name in p.first.name
                            or name in p.second.name))  # fmt: skip
        with qtbot.waitSignal(window.changed):
            qtbot.mouseClick(window.merge_button, Qt.MouseButton.LeftButton)
    assert window.list.count() == 0
    assert window.undo_button.isVisible() and window.undo_button.text() == "Undo merge (2)"

    with qtbot.waitSignal(window.loaded, timeout=10_000):
        qtbot.mouseClick(window.undo_button, Qt.MouseButton.LeftButton)
    assert window.list.count() == 1 and "Priya" in window.status.text()
    assert window.undo_button.isVisible() and window.undo_button.text() == "Undo merge"
    with qtbot.waitSignal(window.loaded, timeout=10_000):
        qtbot.mouseClick(window.undo_button, Qt.MouseButton.LeftButton)
    assert window.list.count() == 2 and "Lindqvist" in window.status.text()
    assert not window.undo_button.isVisible()
    assert everything(store) == before


def test_no_pair_chosen_shows_no_numbered_column_headings(qtbot: QtBot, store: Store) -> None:
    # With nothing to compare, the preview's headings read "1 2 3 4" (Qt's defaults).
    store.add_contact(NewContact("Only One", company="Solo Ltd"))
    window = opened(qtbot, store)
    assert window.pairs == []
    head = window.table.horizontalHeader()
    model = window.table.model()
    shown = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(4)]
    assert head.isHidden() or not any(shown), shown
    assert window.summary.text() == "", "nothing listed, so nothing to choose"
    assert window.status.text().startswith("No possible duplicates")
    # Used as a rep: two empty panes read as a window that failed to load.
    assert window.split.isHidden() and not window.empty.isHidden()
    assert window.empty.text().startswith("Nothing to merge.")
    two_priyas(store)
    with qtbot.waitSignal(window.loaded, timeout=10_000):
        window.open()
    assert not window.split.isHidden() and window.empty.isHidden()
    select(window, "Priya Raman")
    assert not head.isHidden()
    assert model.headerData(1, Qt.Orientation.Horizontal) == "Stays"


@pytest.mark.parametrize("act", ["merge", "dismiss"])
def test_after_the_last_pair_the_window_says_no_more_duplicates(
    qtbot: QtBot, store: Store, act: str
) -> None:
    """Used as a rep: merging the last pair left two blank panes; only the footer said
    "Merged Kestrel Logistics Ltd into Kestrel Logistics."."""
    lindqvists(store)
    window = opened(qtbot, store)
    assert window.list.count() == 1
    button = window.merge_button if act == "merge" else window.dismiss_button
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.list.count() == 0)
    assert window.split.isHidden() and not window.empty.isHidden()
    assert window.empty.text().startswith("No more possible duplicates.")
    said = ("Merged Lindqvist into Astrid Lindqvist." if act == "merge"
            else "Lindqvist and Astrid Lindqvist will not be suggested again.")  # fmt: skip
    assert window.status.text() == said

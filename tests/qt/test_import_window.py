"""The Import… window: preview, mapping, an import off the GUI thread, cancel, undo, and
what it looks like on a real X server."""

from __future__ import annotations

import csv
import itertools
import json
import resource
import subprocess
import textwrap
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot

from desktop.adapters.demo_book import seed_demo_book
from desktop.adapters.importing import ImportReport
from desktop.adapters.store import Store, UndoResult
from desktop.core.import_mapping import Field
from desktop.core.numbers import NumberPolicy
from desktop.qt.import_window import ImportWindow
from tests.conftest import PYTHON, REPO, python_env
from tests.hostile_workbooks import far_cell_xlsx, huge_strings_count_xlsx, repeated_cells_ods

# The offscreen platform cannot pass size hints to a window manager; that is all it says.
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")

LIMIT = 1024 * 1024 * 1024  # address space for the window's process (and its reader child)
SCREENSHOT = REPO / "artifacts" / "screenshots" / "import_window.png"


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> ImportWindow:
    w = ImportWindow(tmp_path / "cc.sqlite3", lambda: NumberPolicy("US"))
    qtbot.addWidget(w)
    w.show()
    return w


def load(qtbot: QtBot, w: ImportWindow, path: Path) -> None:
    """Choose `path` and wait for its preview, which is read off the GUI thread."""
    with qtbot.waitSignal(w.previewed, timeout=30_000):
        w.load(path)


def import_and_wait(qtbot: QtBot, w: ImportWindow) -> object:
    with qtbot.waitSignal(w.imported, timeout=30_000) as blocker:
        w.import_button.click()
    return blocker.args[0]


def test_known_export_is_previewed_mapped_and_imported(
    qtbot: QtBot, window: ImportWindow, samples: Path, tmp_path: Path
) -> None:
    load(qtbot, window, samples / "contacts" / "outlook_contacts_en_cp1252.csv")
    assert window.source_label.text() == "CSV, cp1252, ',', header on line 1"
    assert window.table.horizontalHeaderItem(1).text() == "First Name"
    assert window.table.item(1, 1).text() == "Zoë"
    assert window.mapping()[1] is Field.FIRST_NAME
    assert window.import_button.isEnabled()
    # Nothing to say yet, so no empty line under the preview: at 2× on a 1600×1000 screen
    # that line and its spacing left the preview one row tall.
    assert not window.summary.isVisible()
    report = import_and_wait(qtbot, window)
    assert isinstance(report, ImportReport) and report.imported == 3
    assert window.summary.text().startswith("outlook_contacts_en_cp1252.csv: 3 imported")
    assert window.summary.isVisible()
    assert window.undo_button.isVisible() and not window.save_rejected_button.isVisible()
    assert Store.open(tmp_path / "cc.sqlite3").count_contacts() == 3


def test_unknown_headers_open_the_mapping_step_and_the_choice_is_remembered(
    qtbot: QtBot, window: ImportWindow, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "own.csv", [["Kunde", "Rufnummer"], ["Ann", "+1 415 555 0142"]])
    load(qtbot, window, path)
    assert not window.import_button.isEnabled()
    assert "Which column is which?" in window.hint.text()
    for column, field_ in ((0, Field.NAME), (1, Field.PHONE)):
        combo = window.table.cellWidget(0, column)
        assert isinstance(combo, QComboBox)
        combo.setCurrentIndex(combo.findData(field_.value))
    assert window.import_button.isEnabled()
    # The rep's own choice, not "matched by their headers" (which they were not).
    assert window.hint.text().startswith("Using the columns you chose")
    assert isinstance(import_and_wait(qtbot, window), ImportReport)
    again = [["Kunde", "Rufnummer"], ["Bo", "+1 415 555 0143"]]
    load(qtbot, window, write_csv(tmp_path / "own2.csv", again))
    assert window.mapping() == {0: Field.NAME, 1: Field.PHONE}
    assert "last time" in window.hint.text()


def test_imported_text_is_shown_as_plain_text(
    qtbot: QtBot, window: ImportWindow, tmp_path: Path
) -> None:
    name = "<b>Eve</b> <img src='x'>"
    load(qtbot, window, write_csv(tmp_path / "x.csv", [["Name", "Phone"],
                                                       [name, "+1 415 555 0142"],
                                                       ["", "+1 415 555 0143"]]))
    assert window.table.item(1, 0).text() == name
    import_and_wait(qtbot, window)
    for label in (window.summary, window.hint, window.source_label):
        assert label.textFormat() is Qt.TextFormat.PlainText
    assert "Rejected line 3" in window.details.toPlainText()
    out = tmp_path / "fix.csv"
    window.save_rejected_to(out)
    assert "+1 415 555 0143" in out.read_text(encoding="utf-8-sig")


def test_the_gui_stays_responsive_and_cancel_changes_nothing(
    qtbot: QtBot, window: ImportWindow, tmp_path: Path
) -> None:
    rows = [["Name", "Phone"]] + [[f"P{i}", f"+1 415 {200 + i % 700} {i % 10000:04d}"]
                                  for i in range(40_000)]
    load(qtbot, window, write_csv(tmp_path / "big.csv", rows))
    ticks: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start(10)
    window.import_button.click()
    assert window.cancel_button.isVisible() and not window.close_button.isEnabled()
    qtbot.waitUntil(lambda: window.progress.value() > 0, timeout=30_000)
    window.cancel_button.click()
    qtbot.waitUntil(lambda: window.summary.text() == "Cancelled. Nothing was imported.",
                    timeout=60_000)  # fmt: skip
    timer.stop()
    assert Store.open(tmp_path / "cc.sqlite3").count_contacts() == 0
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    # The import runs off the GUI thread, so the window keeps answering. This holds that
    # design, not a speed: a stall of seconds means the work came back onto the GUI thread.
    # The longest sub-second stall is a figure that moves with the machine's load (0.25 s
    # failed here on a 2-core box at load 20); benchmarks/import_throughput.py reports it.
    assert ticks and max(gaps) < 2.0, f"the GUI thread stalled for {max(gaps):.2f} s"


def test_undo_from_the_window(qtbot: QtBot, window: ImportWindow, samples: Path,
                              tmp_path: Path) -> None:
    load(qtbot, window, samples / "contacts" / "apple_ios_contacts_v30.vcf")
    assert window.results.item(0, 0).text() == "Astrid Lindqvist"
    planned = window.plan_summary.text()
    assert planned.startswith("Importing will add 2 new contacts")
    import_and_wait(qtbot, window)
    # Used as a rep: "Importing will add 3 new contacts" stayed above "3 imported", as if
    # the file still waited to be imported.
    assert window.plan_summary.text() == "Imported as planned below."
    assert window.tabs.tabText(0) == "Contacts as they were stored"
    with qtbot.waitSignal(window.imported, timeout=10_000) as blocker:
        window.undo_button.click()
    assert isinstance(blocker.args[0], UndoResult)
    assert window.plan_summary.text() == planned  # not imported any more: the plan again
    assert window.tabs.tabText(0) == "Contacts as they will be stored"
    assert Store.open(tmp_path / "cc.sqlite3").count_contacts() == 0
    assert window.summary.text().startswith(
        "Removed 2 contacts imported from apple_ios_contacts_v30.vcf on "
    ), "in words for people, not 'undid batch 1'"


def test_a_binary_file_gets_a_message_not_a_crash(
    qtbot: QtBot, window: ImportWindow, tmp_path: Path
) -> None:
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10)
    load(qtbot, window, path)
    assert "binary file" in window.hint.text() and not window.import_button.isEnabled()


SHOT = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from PySide6.QtWidgets import QApplication
    from desktop.core.numbers import NumberPolicy
    from desktop.qt.import_window import ImportWindow

    app = QApplication(sys.argv)
    w = ImportWindow(Path(sys.argv[1]), lambda: NumberPolicy("US"))
    w.show()
    shown = []
    w.previewed.connect(lambda: shown.append(1))
    w.load(Path(sys.argv[2]))
    while not shown:
        app.processEvents()
        time.sleep(0.01)
    done = []
    w.imported.connect(done.append)
    w.import_button.click()
    deadline = time.monotonic() + 30
    while not done and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    for _ in range(20):
        app.processEvents()
        time.sleep(0.02)
    w.grab().save(sys.argv[3])
    table = w.results
    check = table.columnCount() - 1
    seen = table.columnViewportPosition(check) + 150 <= table.viewport().width()
    print(w.width(), w.height(), seen)
    """
)


@pytest.mark.xvfb
def test_screenshot_under_xvfb(xvfb_display: str, samples: Path, tmp_path: Path) -> None:
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [PYTHON, "-c", SHOT, str(tmp_path / "cc.sqlite3"),
         str(samples / "contacts" / "excel_prospects_us_cp1252.csv"), str(SCREENSHOT)],
        env=python_env(DISPLAY=xvfb_display, QT_QPA_PLATFORM="xcb"),
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert SCREENSHOT.stat().st_size > 10_000
    # On a 1600×1000 screen the Check column's sentence is in view, not behind a scroll.
    assert done.stdout.split()[-1] == "True", done.stdout


HOSTILE = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    from PySide6.QtWidgets import QApplication
    from desktop.core.numbers import NumberPolicy
    from desktop.qt.import_window import ImportWindow

    app = QApplication(sys.argv)
    w = ImportWindow(Path(sys.argv[1]), lambda: NumberPolicy("US"))
    w.show()
    shown = []
    w.previewed.connect(lambda: shown.append(1))
    for name in sys.argv[2:]:
        shown.clear()
        w.load(Path(name))
        deadline = time.monotonic() + 60
        while not shown and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.01)
        print(json.dumps({"file": Path(name).name, "hint": w.hint.text(),
                          "import": w.import_button.isEnabled()}), flush=True)
    """
)


def test_hostile_workbooks_dropped_on_the_window_leave_the_app_running(
    tmp_path: Path, samples: Path
) -> None:
    # A real Qt process, its address space capped as a desktop session might be: before,
    # the first of these files aborted it (exit 134) from inside the reader.
    files = [far_cell_xlsx(tmp_path / "far.xlsx"), huge_strings_count_xlsx(tmp_path / "n.xlsx"),
             repeated_cells_ods(tmp_path / "big.ods"),
             samples / "contacts" / "prospects_mixed_types.xlsx"]  # fmt: skip

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT))

    done = subprocess.run(
        [PYTHON, "-c", HOSTILE, str(tmp_path / "cc.sqlite3"), *map(str, files)],
        env=python_env(QT_QPA_PLATFORM="offscreen"), capture_output=True, text=True,
        timeout=100, check=False, preexec_fn=limit,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    seen = [json.loads(line) for line in done.stdout.splitlines()]
    assert [s["file"] for s in seen] == [f.name for f in files]
    far, count, ods, good = seen
    assert "column XFD" in far["hint"] and not far["import"]
    assert "4,294,967,295 shared strings" in count["hint"] and not count["import"]
    assert "this workbook could not be read" in ods["hint"] and not ods["import"]
    # And it still answers: the next, ordinary workbook is previewed and ready to import.
    assert good["import"] and "cannot be imported" not in good["hint"]


def test_the_preview_says_which_lines_are_not_utf8_and_where_a_quote_never_closes(
    qtbot: QtBot, window: ImportWindow, tmp_path: Path
) -> None:
    mixed = tmp_path / "mixed.csv"
    mixed.write_bytes(b"Name,Phone\r\nZo\xc3\xab M\xc3\xbcller,+1 415 555 0142\r\n"
                      b"Jos\xe9 Garc\xeda,+1 415 555 0143\r\n")  # fmt: skip
    load(qtbot, window, mixed)
    assert window.details.isVisible()
    assert window.details.toPlainText().startswith(
        "Check line 3: bytes that are not UTF-8, read as Windows-1252 ('é')"
    )
    assert window.table.item(1, 0).text() == "Zoë Müller"
    unclosed = tmp_path / "unclosed.csv"
    unclosed.write_text('Name,Phone\nZoe,"+1 415 555 0142\nBob,+1 415 555 0143\n')
    load(qtbot, window, unclosed)
    assert window.details.toPlainText().startswith(
        "Check line 2: a quote opens on this line and is never closed"
    )


def test_files_handed_over_wait_their_turn_and_no_result_is_swept_away(
    qtbot: QtBot, window: ImportWindow, tmp_path: Path
) -> None:
    # Found trying it as a user: `import --window a.csv b.csv` showed only b.csv, and a file
    # handed over after an import replaced its result and Undo before anyone saw them.
    first = write_csv(tmp_path / "first.csv", [["Name", "Phone"], ["Ann Lee", "+1 415 555 0144"]])
    second = write_csv(tmp_path / "second.csv", [["Name", "Phone"], ["Bo Kim", "+1 415 555 0145"]])
    with qtbot.waitSignal(window.previewed, timeout=30_000):
        window.open_file(first)
        window.open_file(second)
    assert window.path_edit.text() == str(first)
    assert window.waiting.text() == "Waiting: second.csv" and window.next_button.isVisible()
    import_and_wait(qtbot, window)
    assert window.undo_button.isVisible(), "the result and its Undo stay until Next file"
    assert window.path_edit.text() == str(first)
    with qtbot.waitSignal(window.previewed, timeout=30_000):
        window.next_button.click()
    assert window.path_edit.text() == str(second)
    assert not window.next_button.isVisible()


def test_a_file_chosen_in_the_welcome_replaces_a_finished_import_at_once(
    qtbot: QtBot, tmp_path: Path
) -> None:
    # Used as a rep: the welcome's Choose a file… for a second file brought the Import window
    # back on the first file, already imported, with "Waiting: outlook.csv" and Next file.
    from desktop.qt.import_action import ImportAction

    action = ImportAction(tmp_path / "cc.sqlite3")
    first = write_csv(tmp_path / "first.csv", [["Name", "Phone"], ["Ann Lee", "+1 415 555 0144"]])
    second = write_csv(tmp_path / "second.csv", [["Name", "Phone"], ["Bo Kim", "+1 415 555 0145"]])
    action.choose_and_import(NumberPolicy("US"))
    window = action.window
    assert window is not None
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.previewed, timeout=30_000):
        action.open_file(first, NumberPolicy("US"), chosen_now=True)
    import_and_wait(qtbot, window)
    with qtbot.waitSignal(window.previewed, timeout=30_000):
        action.open_file(second, NumberPolicy("US"), chosen_now=True)
    assert window.path_edit.text() == str(second)
    assert not window.waiting.isVisible() and not window.next_button.isVisible()
    assert window.import_button.isEnabled()


def test_import_opened_again_after_closing_on_a_result_starts_fresh(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """Used as a rep: Import… reopened, 18 imports later, on the welcome's "phone_multi.vcf:
    2 imported, 1 merged (batch 3)" with a live "Undo this import" for that old batch, and a
    file handed over waited under it ("Waiting: de_quoted_cp1252.csv", Next file)."""
    from desktop.qt.import_action import ImportAction

    action = ImportAction(tmp_path / "cc.sqlite3")
    first = write_csv(tmp_path / "first.csv", [["Name", "Phone"], ["Ann Lee", "+1 415 555 0144"]])
    second = write_csv(tmp_path / "second.csv", [["Name", "Phone"], ["Bo Kim", "+1 415 555 0145"]])
    action.choose_and_import(NumberPolicy("US"))
    window = action.window
    assert window is not None
    qtbot.addWidget(window)
    load(qtbot, window, first)
    import_and_wait(qtbot, window)
    assert window.undo_button.isVisible()
    window.close_button.click()
    assert not window.isVisible()

    action.choose_and_import(NumberPolicy("US"))
    assert window.isVisible() and window.empty.isVisible()
    assert not window.undo_button.isVisible(), "old imports are undone in Import history"
    assert window.path_edit.text() == "" and not window.summary.isVisible()
    assert window.tabs.tabText(0) == "Contacts as they will be stored"
    window.close_button.click()

    # A file handed over once the window was closed on a result is shown at once.
    load(qtbot, window, first)
    import_and_wait(qtbot, window)
    window.close_button.click()
    with qtbot.waitSignal(window.previewed, timeout=30_000):
        action.open_file(second, NumberPolicy("US"))
    assert window.path_edit.text() == str(second)
    assert not window.waiting.isVisible() and window.import_button.isEnabled()


def test_an_import_that_changed_nothing_says_so_above_the_rows(
    qtbot: QtBot, window: ImportWindow, tmp_path: Path
) -> None:
    """Used as a rep: "Imported as planned below." stood above "0 imported, 3 already
    there (nothing changed)"."""
    path = write_csv(tmp_path / "a.csv", [["Name", "Phone"], ["Ann Lee", "+1 415 555 0144"],
                                          ["Bo Kim", "+1 415 555 0145"]])  # fmt: skip
    load(qtbot, window, path)
    import_and_wait(qtbot, window)
    load(qtbot, window, path)
    report = import_and_wait(qtbot, window)
    assert isinstance(report, ImportReport) and report.batch_id is None
    assert window.summary.text() == (
        "a.csv: 0 imported, 0 merged, 2 already there, 0 rejected (nothing changed)")
    assert window.plan_summary.text() == (
        "Nothing was imported: every contact below is in your contacts already, as the file "
        "has it.")  # fmt: skip
    assert window.tabs.tabText(0) == "Contacts in the file"
    assert not window.undo_button.isVisible()


def test_another_file_all_already_there_is_kept_as_an_import(
    qtbot: QtBot, window: ImportWindow, tmp_path: Path
) -> None:
    """b.csv's people all came from a.csv: nothing is added, and its import is recorded, so
    undoing a.csv leaves them (h-merge3)."""
    rows = [["Name", "Phone"], ["Ann Lee", "+1 415 555 0144"], ["Bo Kim", "+1 415 555 0145"]]
    load(qtbot, window, write_csv(tmp_path / "a.csv", [*rows, ["Cy Day", "+1 415 555 0146"]]))
    import_and_wait(qtbot, window)
    load(qtbot, window, write_csv(tmp_path / "b.csv", rows))
    report = import_and_wait(qtbot, window)
    assert isinstance(report, ImportReport) and report.batch_id == 2
    assert window.plan_summary.text() == (
        "Nothing was imported: every contact below is in your contacts already, as the file "
        "has it. The import is kept in Import history: undoing another file that has them "
        "leaves them.")  # fmt: skip
    assert window.tabs.tabText(0) == "Contacts in the file"
    window.grab().save("/tmp/h-merge3/import_window_all_there.png")


def test_a_minimized_import_window_comes_back_when_a_file_is_handed_over(
    qtbot: QtBot, tmp_path: Path
) -> None:
    from desktop.qt.import_action import ImportAction

    action = ImportAction(tmp_path / "cc.sqlite3")
    action.choose_and_import(NumberPolicy("US"))
    window = action.window
    assert window is not None
    qtbot.addWidget(window)
    window.showMinimized()
    qtbot.waitUntil(window.isMinimized)
    path = write_csv(tmp_path / "a.csv", [["Name", "Phone"], ["Ann Lee", "+1 415 555 0144"]])
    with qtbot.waitSignal(window.previewed, timeout=30_000):
        action.open_file(path, NumberPolicy("US"))
    assert not window.isMinimized()


def test_preview_says_which_country_numbers_are_read_in_and_it_can_be_changed(
    qtbot: QtBot, window: ImportWindow, samples: Path, tmp_path: Path
) -> None:
    # The rep's home region is the US (the fixture); the file is a German Excel export.
    load(qtbot, window, samples / "contacts" / "excel_prospects_de_semicolon_cp1252.csv")
    assert window.region_label.text() == (
        "Numbers without a country code are read as: Germany — from the German headers, .de "
        "e-mail addresses, +49 numbers and its semicolons and decimal commas"
    )
    assert window.region_label.textFormat() == Qt.TextFormat.PlainText
    with qtbot.waitSignal(window.previewed, timeout=30_000):
        window.region_choice.setCurrentIndex(window.region_choice.findData("AT"))
    assert window.region_label.text() == (
        "Numbers without a country code are read as: Austria — chosen for this file"
    )
    with qtbot.waitSignal(window.previewed, timeout=30_000):
        window.region_choice.setCurrentIndex(window.region_choice.findData(""))
    report = import_and_wait(qtbot, window)
    assert isinstance(report, ImportReport) and report.imported == 3
    assert window.details.toPlainText().startswith("Numbers without a country code are read as: "
                                                   "Germany")  # fmt: skip
    store = Store.open(tmp_path / "cc.sqlite3")
    assert [c.name for c, _n in store.contacts_for_number("+493090182055")] == ["Jürgen Schäfer"]


def test_demo_book_is_named_in_the_window_and_removed_with_one_click(
    qtbot: QtBot, window: ImportWindow, tmp_path: Path
) -> None:
    store = Store.open(tmp_path / "cc.sqlite3")
    seed_demo_book(store)
    path = write_csv(tmp_path / "p.csv", [["Name", "Phone"], ["Ann Lee", "+1 415 555 0177"]])
    load(qtbot, window, path)
    assert window.remove_demo_button.isVisible()
    assert "7 demo contacts" in window.demo_note.text()
    with qtbot.waitSignal(window.imported, timeout=30_000) as blocker:
        window.remove_demo_button.click()
    assert blocker.args[0].summary() == "Removed the 7 demo contacts."
    assert window.summary.text() == "Removed the 7 demo contacts."
    assert not window.remove_demo_button.isVisible()
    assert store.count_contacts() == 0 and store.search_simple("Kowalski") == []


def test_a_waiting_preview_is_worked_out_again_when_another_process_imports(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """The window waits in front with a planned file while another process (`callercard
    import` from a terminal) imports: the CLI removes the demo book with its first real import
    and adds the contact the plan counted as new. Without the window being left and activated
    again, it no longer offers to remove demo contacts that are gone, nor counts Ann as new.
    (It was worked out again only when it came back to the front.)"""
    data = tmp_path / "data"
    data.mkdir()
    database = data / "callercard.sqlite3"
    store = Store.open(database)
    seed_demo_book(store)
    w = ImportWindow(database, lambda: NumberPolicy("US"))
    qtbot.addWidget(w)
    w.show()
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    ann = ["Ann Lee", "+1 415 555 0177"]
    path = write_csv(tmp_path / "p.csv", [["Name", "Phone"], ann])
    load(qtbot, w, path)
    assert "7 demo contacts" in w.demo_note.text()
    assert "1 new" in w.plan_summary.text()
    other = write_csv(tmp_path / "other.csv", [["Name", "Phone"], ann])
    cli = subprocess.Popen([PYTHON, "-m", "desktop", "import", str(other), "--data-dir",
                            str(data)], env=python_env(), stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        with qtbot.waitSignal(w.planned, timeout=60_000):
            pass  # the window's own event loop runs while the other process imports
    finally:
        assert cli.wait(timeout=60) == 0
    assert store.count_contacts() == 1  # the demo book went with the terminal's import
    assert w.isActiveWindow()
    assert not w.remove_demo_button.isVisible()
    assert "demo" not in w.demo_note.text()
    assert "1 new" not in w.plan_summary.text()
    store.close()


def test_a_file_with_nothing_to_check_is_previewed_without_a_sideways_scroll(
    qtbot: QtBot, window: ImportWindow, tmp_path: Path
) -> None:
    """Every row is fine: the empty Check column takes only what is left of the view, instead
    of pushing the table past its edge."""
    window.resize(860, 600)
    path = write_csv(tmp_path / "p.csv", [
        ["Name", "Company", "E-mail", "Phone"],
        ["Ann Lee", "Lee Partners", "ann@example.com", "+1 415 555 0177"],
    ])  # fmt: skip
    load(qtbot, window, path)
    qtbot.wait(100)  # the columns are fitted again once the headers settled
    assert window.results.horizontalScrollBar().maximum() == 0


def test_a_finished_import_still_fits_a_2x_screen(
    qtbot: QtBot, window: ImportWindow, samples: Path
) -> None:
    """At 2× on a 1600×1000 screen (800×500 to Qt) the window grew to 527 px once the import
    was done (its 100% bar and a 110 px box of details), and Close went below the screen."""
    from desktop.qt.screen_fit import FRAME_ALLOWANCE

    room = 500 - FRAME_ALLOWANCE.height()
    window.resize(800 - FRAME_ALLOWANCE.width(), room)
    load(qtbot, window, samples / "contacts" / "hubspot_contacts_export.csv")
    import_and_wait(qtbot, window)
    qtbot.waitUntil(lambda: window.details.isVisible())
    assert window.summary.text().startswith("hubspot_contacts_export.csv: 3 imported")
    assert window.minimumSizeHint().height() <= room
    assert window.height() <= room
    close = window.close_button.geometry()
    assert close.bottom() < window.height()

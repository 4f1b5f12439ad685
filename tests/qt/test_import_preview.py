"""The Import window shows the result, not the raw file: contacts as they will be stored, the
merges and flags beside them; a flagged number is corrected in its cell and a column chosen, and
the preview is worked out again; the import uses both."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QComboBox, QLineEdit
from pytestqt.qtbot import QtBot

from desktop.adapters.importing import ImportOptions, ImportReport, import_file
from desktop.adapters.store import Store
from desktop.core.import_mapping import Field
from desktop.core.numbers import NumberPolicy
from desktop.qt.import_preview import RAW_ROLE
from desktop.qt.import_window import ImportWindow
from tests.adapters.test_import_vcard_corrections import phone_vcf
from tests.adapters.test_import_vcard_lost_letters import outlook_vcf
from tests.conftest import PYTHON, REPO, python_env

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")
SHOTS = REPO / "artifacts" / "screenshots"


def cell_texts(w: ImportWindow) -> list[list[str]]:
    t = w.results
    return [[t.item(r, c).text() if t.item(r, c) else "" for c in range(t.columnCount())]
            for r in range(t.rowCount())]  # fmt: skip


def test_merge_flag_correction_and_column_choice(
    qtbot: QtBot, samples: Path, tmp_path: Path
) -> None:
    database = tmp_path / "cc.sqlite3"
    store = Store.open(database)
    import_file(store, samples / "contacts" / "hubspot_contacts_export.csv",
                ImportOptions(NumberPolicy("US")))  # fmt: skip
    store.close()
    w = ImportWindow(database, lambda: NumberPolicy("US"))
    qtbot.addWidget(w)
    w.show()
    with qtbot.waitSignal(w.planned, timeout=30_000):
        w.load(samples / "contacts" / "excel_prospects_de_semicolon_cp1252.csv")
    assert w.tabs.currentWidget() is w.results
    titles = [w.results.horizontalHeaderItem(c).text() for c in range(w.results.columnCount())]
    assert titles == ["Name", "Company", "E-mail", "Telefon", "Mobil", "What happens", "Check"]
    jurgen = cell_texts(w)[0]
    assert jurgen[:5] == ["Jürgen Schäfer", "Müller & Söhne GmbH", "j.schaefer@example.de",
                          "+49 30 90182055", "⚠ 4,93091E+11 (kept as text)"]
    assert jurgen[5] == "Will merge into Jürgen Schäfer: same e-mail (adds notes)"
    assert jurgen[6].startswith("⚠ Mobil: a spreadsheet destroyed this number")
    assert cell_texts(w)[1][4] == "+49 30 90182012 · mobile"
    assert w.plan_summary.text().startswith(
        "Importing will add 2 new contacts, merge 1 into contacts you have; 1 row has "
        "something to check (marked ⚠).")
    # Correct the number in its cell: the editor starts from the file's text, Return takes
    # the correction (and does not import), and the preview is worked out again.
    item = w.results.item(0, 4)
    assert item.data(RAW_ROLE) == "4,93091E+11"
    w.results.setFocus()
    w.results.setCurrentItem(item)
    w.results.editItem(item)
    editor = w.results.open_editor
    assert isinstance(editor, QLineEdit) and editor.text() == "4,93091E+11"
    editor.selectAll()
    QTest.keyClicks(editor, "030 9018 2056")
    with qtbot.waitSignal(w.planned, timeout=30_000):
        QTest.keyClick(editor, Qt.Key.Key_Return)
    assert cell_texts(w)[0][4] == "+49 30 90182056 · mobile"
    assert "You corrected 1 cell." in w.plan_summary.text()
    assert Store.open(database).count_contacts() == 3, "Return took the edit; it did not import"
    # Choose a column: "Mobil" read as a work phone instead.
    combo = w.table.cellWidget(0, 4)
    assert isinstance(combo, QComboBox)
    with qtbot.waitSignal(w.planned, timeout=30_000):
        combo.setCurrentIndex(combo.findData(Field.WORK_PHONE.value))
    assert cell_texts(w)[1][4] == "+49 30 90182012 · work"
    with qtbot.waitSignal(w.imported, timeout=30_000) as done:
        w.import_button.click()
    report = done.args[0]
    assert isinstance(report, ImportReport) and (report.imported, report.merged) == (2, 1)
    numbers = {n.e164: n.label for c, _n in Store.open(database).contacts_for_number(
        "+493090182056") for n in c.numbers}  # fmt: skip
    assert numbers["+493090182056"] == "work"


def planned_over(qtbot: QtBot, tmp_path: Path, imported: Path, loaded: Path) -> ImportWindow:
    """The Import window at the size the app opens it, planning `loaded` over a book that
    already holds `imported`."""
    database = tmp_path / "cc.sqlite3"
    store = Store.open(database)
    import_file(store, imported, ImportOptions(NumberPolicy("US")))
    store.close()
    w = ImportWindow(database, lambda: NumberPolicy("US"))
    qtbot.addWidget(w)
    w.resize(1120, 680)
    w.show()
    with qtbot.waitSignal(w.planned, timeout=30_000):
        w.load(loaded)
    return w


def test_what_to_check_stays_in_view_when_the_other_columns_are_wide(
    qtbot: QtBot, samples: Path, tmp_path: Path
) -> None:
    """A German file merging into Jürgen: two number columns and a long "What happens" left
    the Check column's sentence half behind a sideways scroll in the window as the app opens
    it (1120 wide); the wide columns give way (wrapped) down to 110 pixels each."""
    w = planned_over(qtbot, tmp_path, samples / "contacts" / "hubspot_contacts_export.csv",
                     samples / "contacts" / "excel_prospects_de_semicolon_cp1252.csv")
    table = w.results
    check = table.columnCount() - 1
    qtbot.wait(50)  # the headers settle on the next turn of the event loop; fitted again then
    widths = [table.columnWidth(c) for c in range(check + 1)]
    assert sum(widths) <= table.viewport().width(), widths
    assert widths[check] >= 200 and min(widths) >= 110


def test_what_happens_stays_in_view_for_a_card_with_many_numbers(
    qtbot: QtBot, samples: Path, tmp_path: Path
) -> None:
    """Used as a rep: a phone's vCard (four numbers on Maya's card) put the What happens
    column, "Will merge into Jürgen Schäfer…", behind a sideways scroll at the size the app
    opens the window (1120 wide), when no row had anything to check."""
    w = planned_over(qtbot, tmp_path,
                     samples / "contacts" / "excel_prospects_de_semicolon_cp1252.csv",
                     samples / "contacts" / "android_contacts_v21.vcf")  # fmt: skip
    table = w.results
    titles = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert "Number 4" in titles
    qtbot.wait(50)  # the headers settle on the next turn of the event loop; fitted again then
    assert table.horizontalScrollBar().maximum() == 0
    happens = titles.index("What happens")
    assert any(table.item(r, happens).text().startswith("Will merge into Jürgen Schäfer")
               for r in range(table.rowCount()))  # fmt: skip


@pytest.mark.xvfb
def test_preview_screenshots_under_xvfb(
    xvfb_display: str, samples: Path, tmp_path: Path
) -> None:
    database = tmp_path / "cc.sqlite3"
    store = Store.open(database)
    import_file(store, samples / "contacts" / "hubspot_contacts_export.csv",
                ImportOptions(NumberPolicy("US")))  # fmt: skip
    store.close()
    SHOTS.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [PYTHON, "-m", "tests.qt.show_import_preview_demo", str(database),
         str(samples / "contacts" / "excel_prospects_de_semicolon_cp1252.csv"), str(SHOTS)],
        env=python_env(DISPLAY=xvfb_display, QT_QPA_PLATFORM="xcb"),
        capture_output=True, text=True, timeout=90, check=False, cwd=REPO,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.splitlines()[-1])
    assert report["editor_started_with"] == "4,93091E+11"
    assert report["runs_past"] == 0, "the Check column's sentence ran past the view's edge"
    assert report["rows"][0][4] == "+49 30 90182056 · mobile" and report["state"] == "ready"
    for name in ("import_preview.png", "import_preview_fixed.png"):
        assert (SHOTS / name).stat().st_size > 10_000


def test_a_vcard_number_is_corrected_in_its_cell_and_imported_so(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """A phone's vCard: each TEL under Number 1, 2…, a number that does not read flagged with
    its own problem, corrected in place as a CSV cell is; the import stores the correction.
    (vCard numbers were one read-only "Numbers" cell.)"""
    database = tmp_path / "cc.sqlite3"
    w = ImportWindow(database, lambda: NumberPolicy("US"))
    qtbot.addWidget(w)
    w.show()
    with qtbot.waitSignal(w.planned, timeout=30_000):
        w.load(phone_vcf(tmp_path))
    titles = [w.results.horizontalHeaderItem(c).text() for c in range(w.results.columnCount())]
    assert titles == ["Name", "Company", "E-mail", "Number 1", "Number 2", "Number 3",
                      "What happens", "Check"]  # fmt: skip
    maya, jurgen = cell_texts(w)
    assert maya[3:6] == ["+1 415-555-0142 · mobile", "⚠ 555-01 (kept as text)",
                         "⚠ 0171 2345678 (kept as text)"]  # fmt: skip
    assert "too short" in w.results.item(0, 4).toolTip()
    assert "too long" in w.results.item(0, 5).toolTip()
    assert jurgen[3:6] == ["⚠ ask reception (kept as text)", "", ""]
    assert not w.results.item(1, 4).flags() & Qt.ItemFlag.ItemIsEditable  # no second TEL
    assert "Double-click a number to correct it." in w.plan_summary.text()
    for row, column, text in ((0, 5, "+49 171 2345678"), (1, 3, "+49 30 901820")):
        item = w.results.item(row, column)
        w.results.setFocus()
        w.results.setCurrentItem(item)
        w.results.editItem(item)
        editor = w.results.open_editor
        assert isinstance(editor, QLineEdit) and editor.text() == item.data(RAW_ROLE)
        editor.selectAll()
        QTest.keyClicks(editor, text)
        with qtbot.waitSignal(w.planned, timeout=30_000):
            QTest.keyClick(editor, Qt.Key.Key_Return)
    maya, jurgen = cell_texts(w)
    assert maya[5] == "+49 171 2345678 · berlin" and jurgen[3] == "+49 30 901820 · main"
    assert w.results.item(0, 5).font().italic()
    assert "the file says &#x27;0171 2345678&#x27;" in w.results.item(0, 5).toolTip()
    assert "You corrected 2 cells." in w.plan_summary.text()
    with qtbot.waitSignal(w.imported, timeout=30_000) as done:
        w.import_button.click()
    assert isinstance(done.args[0], ImportReport) and done.args[0].imported == 2
    store = Store.open(database)
    assert [c.name for c, _n in store.contacts_for_number("+491712345678")] == ["Maya Okafor"]
    assert [c.name for c, _n in store.contacts_for_number("+4930901820")] == ["Jürgen Schäfer"]
    store.close()


def test_a_code_page_vcards_lost_letters_are_shown_as_a_csvs_are(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """Outlook's Windows-1252 vCard: the details say where letters were lost and what to do,
    and the card's row says it in the Check column, as for a CSV (vCards said nothing)."""
    w = ImportWindow(tmp_path / "cc.sqlite3", lambda: NumberPolicy("US"))
    qtbot.addWidget(w)
    w.show()
    with qtbot.waitSignal(w.planned, timeout=30_000):
        w.load(outlook_vcf(tmp_path))
    details = w.details.toPlainText().splitlines()
    assert w.details.isVisible()
    assert details[0].startswith("Check line 1 (Name, Company): 2 fields in 1 card hold a “?”")
    assert details[1].startswith("Check line 1, Name: “?ukasz Nowak” has a “?” where the file")
    lukasz, jurgen = cell_texts(w)
    assert lukasz[0] == "?ukasz Nowak"
    assert lukasz[-1] == ("⚠ a “?” for a lost letter in Name, Company: export the card again "
                          "in UTF-8")  # fmt: skip
    assert jurgen[-1] == ""


def test_the_preview_says_numbers_as_people_write_them(qtbot: QtBot, tmp_path: Path) -> None:
    """A German rep reads "+49 171 2345678", not "+491712345678"; the cell as the file has it
    and the stored form are a hover away."""
    path = tmp_path / "kunden.csv"
    path.write_text("Name,Firma,Mobil\nJonas Becker,Stadtwerke Kiel,0171 2345678\n"
                    "Mike Kowalski,Harbor Freight,+1 (415) 555-0142\n",
                    encoding="utf-8")  # fmt: skip
    w = ImportWindow(tmp_path / "cc.sqlite3", lambda: NumberPolicy("DE"))
    qtbot.addWidget(w)
    w.show()
    with qtbot.waitSignal(w.planned, timeout=30_000):
        w.load(path)
    jonas, mike = cell_texts(w)
    assert jonas[3] == "+49 171 2345678 · mobile" and mike[3] == "+1 415-555-0142 · mobile"
    tip = w.results.item(0, 3).toolTip()
    assert "0171 2345678 → stored as +491712345678" in tip

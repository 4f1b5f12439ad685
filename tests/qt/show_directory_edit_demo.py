"""Settings' Edit dialog for a team directory on a real X display, for
tests/qt/test_directory_edit_fit.py.

    python -m tests.qt.show_directory_edit_demo OUT.png DATABASE NAME

Opens Settings on Team directories as the app does, selects NAME, clicks Edit…, saves a
screenshot of the whole screen and prints one JSON report: the dialog's and its buttons' places
against the screen's available area, and whether any field's text is cut.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget

from desktop.adapters.bundled import default_opener_templates
from desktop.adapters.settings import Settings
from desktop.adapters.store import Store
from desktop.core.numbers import NumberPolicy
from desktop.qt.bridge import ThreadBridge
from desktop.qt.directory_dialog import EditDirectoryDialog
from desktop.qt.directory_tasks import DirectoryTasks
from desktop.qt.settings_directories import DirectoriesPage
from desktop.qt.settings_window import SettingsWindow


def rect(widget: QWidget) -> list[int]:
    top_left = widget.mapToGlobal(QPoint(0, 0))
    return [top_left.x(), top_left.y(), widget.width(), widget.height()]


def main() -> None:
    out, database, name = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
    app = QApplication(sys.argv[:1])
    app.setStyle("Fusion")
    window = SettingsWindow(Settings(my_name="Alex Seller"), default_opener_templates(), "US")
    store = Store.open(database)
    tasks = DirectoryTasks(store.path, lambda: NumberPolicy("US"), ThreadBridge())
    page = DirectoriesPage(store, tasks)
    window.add_directories_page(page)
    window.show_page("Team directories")
    window.show()
    assert QTest.qWaitForWindowExposed(window, 10000)
    page.list.setCurrentItem(page.list.findItems(name, Qt.MatchFlag.MatchStartsWith)[0])
    page.edit_button.click()
    dialog = page.dialog
    assert isinstance(dialog, EditDirectoryDialog)
    assert QTest.qWaitForWindowExposed(dialog, 10000)
    QTest.qWait(300)  # the first paint after the expose
    screen = window.screen()
    screen.grabWindow(0).save(out)
    area: QRect = screen.availableGeometry()
    cut = [field.objectName() or field.text() for field in dialog.findChildren(QLineEdit)
           if field.isVisible() and field.fontMetrics().horizontalAdvance(field.text())
           > field.contentsRect().width() - 8]  # fmt: skip
    print(json.dumps({
        "scale": screen.devicePixelRatio(),
        "available": [area.x(), area.y(), area.width(), area.height()],
        "dialog": rect(dialog),
        "save": rect(dialog.add_button),
        "test": rect(dialog.test_button),
        "title": dialog.windowTitle(),
        "cut": cut,
    }))  # fmt: skip
    store.close()


if __name__ == "__main__":
    main()

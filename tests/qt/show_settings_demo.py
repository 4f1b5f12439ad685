"""The settings window on a real X display, for tests/qt/test_settings_fit.py.

    python -m tests.qt.show_settings_demo OUT.png PAGE [DATABASE [SYNC_NAME]]

Opens Settings on PAGE (a sidebar title) as the app does, saves a screenshot of the whole
screen and prints one JSON report: where Save and Cancel are against the screen's available
area, and whether the page scrolls. With DATABASE, the Team directories page lists that
store's directories; with SYNC_NAME, Sync now is clicked on that one first and its outcome
waited for.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from PySide6.QtCore import QEventLoop, QPoint, QRect, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QScrollArea

from desktop.adapters.bundled import default_opener_templates
from desktop.adapters.settings import Settings
from desktop.adapters.store import Store
from desktop.core.numbers import NumberPolicy
from desktop.qt.bridge import ThreadBridge
from desktop.qt.directory_tasks import DirectoryTasks
from desktop.qt.settings_directories import DirectoriesPage
from desktop.qt.settings_window import SettingsWindow


def rect_of(widget: QDialogButtonBox, which: QDialogButtonBox.StandardButton) -> list[int]:
    button = widget.button(which)
    top_left = button.mapToGlobal(QPoint(0, 0))
    return [top_left.x(), top_left.y(), button.width(), button.height()]


def wait_ms(ms: int) -> None:
    """The event loop for `ms`, with the interpreter free meanwhile: PySide6's QTest.qWait keeps
    the GIL while it waits, and the sync's thread crawled (8 s to import its modules)."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def main() -> None:
    out, page = sys.argv[1], sys.argv[2]
    app = QApplication(sys.argv[:1])
    app.setStyle("Fusion")
    window = SettingsWindow(Settings(my_name="Alex Seller"), default_opener_templates(), "US")
    if len(sys.argv) > 3:
        store = Store.open(Path(sys.argv[3]))
        tasks = DirectoryTasks(store.path, lambda: NumberPolicy("US"), ThreadBridge())
        window.add_directories_page(DirectoriesPage(store, tasks))
    window.show_page(page)
    window.show()
    assert QTest.qWaitForWindowExposed(window, 10000)
    if len(sys.argv) > 4 and window.directories is not None:
        directories = window.directories
        found = directories.list.findItems(sys.argv[4], Qt.MatchFlag.MatchStartsWith)
        directories.list.setCurrentItem(found[0])
        directories.sync_button.click()
        for _ in range(300):
            if directories.sync_button.isEnabled():
                break
            wait_ms(100)
    QTest.qWait(300)  # the first paint after the expose
    screen = window.screen()
    screen.grabWindow(0).save(out)
    area: QRect = screen.availableGeometry()
    scroll = window.pages.currentWidget()
    assert isinstance(scroll, QScrollArea)
    bar = scroll.verticalScrollBar()
    print(json.dumps({
        "scale": screen.devicePixelRatio(),
        "available": [area.x(), area.y(), area.width(), area.height()],
        "save": rect_of(window.buttons, QDialogButtonBox.StandardButton.Save),
        "cancel": rect_of(window.buttons, QDialogButtonBox.StandardButton.Cancel),
        "buttons_visible": window.buttons.isVisible(),
        "scrolls": bar.isVisible() and bar.maximum() > 0,
        # The whole page inside the area that shows it: nothing cut off below.
        "fits": scroll.widget().height() <= scroll.viewport().height(),
        "sideways": scroll.horizontalScrollBar().isVisible()
        and scroll.horizontalScrollBar().maximum() > 0,
        "page": window.page_list.currentItem().text(),
        "status": window.directories.status.text() if window.directories else "",
    }))  # fmt: skip


if __name__ == "__main__":
    main()

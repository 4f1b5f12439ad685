"""The settings window on a real X display, for tests/qt/test_settings_fit.py.

    python -m tests.qt.show_settings_demo OUT.png PAGE

Opens Settings on PAGE (a sidebar title) as the app does, saves a screenshot of the whole
screen and prints one JSON report: where Save and Cancel are against the screen's available
area, and whether the page scrolls.
"""

from __future__ import annotations

import json
import sys

from PySide6.QtCore import QPoint, QRect
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QScrollArea

from desktop.adapters.bundled import default_opener_templates
from desktop.adapters.settings import Settings
from desktop.qt.settings_window import SettingsWindow


def rect_of(widget: QDialogButtonBox, which: QDialogButtonBox.StandardButton) -> list[int]:
    button = widget.button(which)
    top_left = button.mapToGlobal(QPoint(0, 0))
    return [top_left.x(), top_left.y(), button.width(), button.height()]


def main() -> None:
    out, page = sys.argv[1], sys.argv[2]
    app = QApplication(sys.argv[:1])
    app.setStyle("Fusion")
    window = SettingsWindow(Settings(my_name="Alex Seller"), default_opener_templates(), "US")
    window.show_page(page)
    window.show()
    assert QTest.qWaitForWindowExposed(window, 10000)
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
        "page": window.page_list.currentItem().text(),
    }))  # fmt: skip


if __name__ == "__main__":
    main()

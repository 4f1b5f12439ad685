"""Windows sized for the screen they open on: a preferred size, never more than fits.

At QT_SCALE_FACTOR=2 a 1600×1000 screen is 800×500 to Qt; a window asking for more would put
its Save button below the screen's edge, where nobody can reach it.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QCursor, QGuiApplication, QScreen
from PySide6.QtWidgets import QWidget

# Room for the title bar and borders the window manager adds outside the widget.
FRAME_ALLOWANCE = QSize(16, 48)


def fit_to_screen(window: QWidget, preferred: QSize, *, centre_on: QScreen | None = None) -> None:
    """Resize `window` to `preferred`, shrunk to its screen's available area, and move it
    wholly inside that area; with `centre_on`, to the middle of that screen instead. A window
    never placed yet opens in the middle of the screen under the mouse (where the rep is
    looking), not in its top-left corner."""
    if centre_on is None and not window.testAttribute(Qt.WidgetAttribute.WA_Moved):
        centre_on = QGuiApplication.screenAt(QCursor.pos())
    screen = centre_on or window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        window.resize(preferred)
        return
    area = screen.availableGeometry()
    room = area.size() - FRAME_ALLOWANCE
    size = preferred.boundedTo(room).expandedTo(window.minimumSizeHint().boundedTo(room))
    window.resize(size)
    x, y = window.x(), window.y()
    if centre_on is not None:
        outer = size + FRAME_ALLOWANCE
        x = area.left() + (area.width() - outer.width()) // 2
        y = area.top() + (area.height() - outer.height()) // 2
    x = min(max(x, area.left()), area.right() - size.width() - FRAME_ALLOWANCE.width())
    y = min(max(y, area.top()), area.bottom() - size.height() - FRAME_ALLOWANCE.height())
    window.move(max(x, area.left()), max(y, area.top()))

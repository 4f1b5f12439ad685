"""Windows sized for the screen they open on: a preferred size, never more than fits.

At QT_SCALE_FACTOR=2 a 1600×1000 screen is 800×500 to Qt; a window asking for more would put
its Save button below the screen's edge, where nobody can reach it.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QCursor, QGuiApplication, QScreen
from PySide6.QtWidgets import QWidget

from desktop.qt.card_view import MAX_WIDTH as CARD_MAX_WIDTH
from desktop.qt.popup_stack import MARGIN as CARDS_MARGIN
from desktop.qt.popup_stack import SPACING as CARDS_SPACING

# Room for the title bar and borders the window manager adds outside the widget.
FRAME_ALLOWANCE = QSize(16, 48)


def fit_to_screen(window: QWidget, preferred: QSize, *, centre_on: QScreen | None = None) -> None:
    """Resize `window` to `preferred`, shrunk to its screen's available area, and move it
    wholly inside that area; with `centre_on`, to the middle of that screen instead. A window
    never placed yet opens in the middle of the screen under the mouse (where the rep is
    looking), not in its top-left corner. A centred window that would sit under the caller
    cards' column (always on top, down the right edge) moves left just clear of it when the
    screen has the room: a card ringing while Callbacks was open covered its Call back
    button."""
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
        clear = clear_of_cards(area.right() + 1, outer.width())
        if clear >= area.left():  # no room beside the cards: centred, as the rep expects
            x = min(x, clear)
    x = min(max(x, area.left()), area.right() - size.width() - FRAME_ALLOWANCE.width())
    y = min(max(y, area.top()), area.bottom() - size.height() - FRAME_ALLOWANCE.height())
    window.move(max(x, area.left()), max(y, area.top()))


def clear_of_cards(area_right: int, outer_width: int) -> int:
    """The x that puts a window `outer_width` wide just left of the column the caller cards
    stack in (popup_stack: MARGIN from the right edge, at most a card's width wide), so that
    a ring does not cover the window's buttons on the right."""
    return area_right - CARDS_MARGIN - CARD_MAX_WIDTH - CARDS_SPACING - outer_width

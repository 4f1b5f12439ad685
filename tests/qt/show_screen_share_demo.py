"""A redacted card and the tray menu on a real X display: screenshots to look at.

Run by tests/qt/test_screen_share.py in a child process (DISPLAY set, QT_QPA_PLATFORM=xcb):

    python -m tests.qt.show_screen_share_demo OUT_DIR

Do Not Disturb is reported on (as the watcher would), a known prospect rings, and the card
on screen is grabbed from the X server, next to the tray menu opened at the same time.
Saves OUT_DIR/screen_share_card.png and OUT_DIR/screen_share_menu.png and prints one JSON
report.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QPoint
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QWidget

from desktop.qt.capture_exclusion import NoExclusion
from desktop.qt.card_view import CardView
from desktop.qt.icons import TrayLook, tray_icon
from desktop.qt.popup_stack import PopupStack
from desktop.qt.screen_share import ScreenShareGuard
from desktop.qt.tray import TrayMenu
from tests.qt.show_popup_demo import exact_card


def pump(seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        QCoreApplication.processEvents()
        time.sleep(0.01)


def grab(app: QApplication, widget: QWidget, path: Path) -> int:
    """Grabs what the X server shows of `widget`; the number of distinct colours in it."""
    frame = widget.frameGeometry()
    image = app.primaryScreen().grabWindow(0, frame.x(), frame.y(), frame.width(),
                                           frame.height()).toImage()  # fmt: skip
    image.save(str(path))
    return len({image.pixel(x, y) for x in range(0, image.width(), 3)
                for y in range(0, image.height(), 3)})  # fmt: skip


def visible_texts(widget: QWidget) -> list[str]:
    if isinstance(widget, CardView):  # a card paints most of its text itself
        return widget.shown_texts()
    found = widget.findChildren(QLabel) + widget.findChildren(QPushButton)
    return [w.text() for w in found if w.isVisibleTo(widget) and w.text()]


def main() -> int:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    stack = PopupStack()
    stack.warm_up()
    menu = TrayMenu(tray_icon(TrayLook.COLOUR), False)
    guard = ScreenShareGuard(stack, NoExclusion(), keep_out=False)
    guard.changed.connect(lambda: menu.set_screen_share(guard.keep_out(), guard.describe()))
    guard.set_do_not_disturb(True)
    popup = stack.show(exact_card(), "demo")
    assert popup is not None
    pump(0.8)
    card_colours = grab(app, popup, out / "screen_share_card.png")
    menu.menu.popup(QPoint(popup.x() - 420, popup.y() - 40))
    pump(0.8)
    menu_colours = grab(app, menu.menu, out / "screen_share_menu.png")
    report = {
        "platform": app.platformName(),
        "card_texts": visible_texts(popup),
        "card_size": [popup.width(), popup.height()],
        "card_colours": card_colours,
        "menu": [a.text() for a in menu.menu.actions() if a.isVisible() and not a.isSeparator()],
        "menu_checked": menu.screen_share_action.isChecked(),
        "menu_colours": menu_colours,
        "menu_width": menu.menu.width(),
        "screen_width": app.primaryScreen().geometry().width(),
    }
    menu.menu.hide()
    menu.hide()
    stack.dismiss_all()
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The paused tray icon and the fallback window on a real X display: a screenshot to look at.

Run by tests/qt/test_pause_visible.py in a child process (DISPLAY set, QT_QPA_PLATFORM=xcb):

    python -m tests.qt.show_paused_tray_demo OUT_DIR

Saves OUT_DIR/tray_paused.png: each tray look at 16, 22, 32 and 48 px, running (top row) and
paused (bottom row), on a light and a dark panel strip, followed by the fallback window (what
a desktop with no tray shows) paused for an hour, grabbed from the X server. Prints one JSON
report.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QPoint, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QApplication

from desktop.core.pause import pause_text
from desktop.qt.icons import TrayLook, tray_icon
from desktop.qt.tray import TrayMenu

SIZES = (16, 22, 32, 48)
PANELS = (QColor("#f0f0f0"), QColor("#2b2b2b"))


def pump(seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        QCoreApplication.processEvents()
        time.sleep(0.01)


def icon_strip() -> tuple[QImage, bool]:
    """Both states of every look; True when each paused icon differs from its running one."""
    pad, cell = 8, max(SIZES) + 8
    looks = list(TrayLook)
    width = pad + len(PANELS) * len(looks) * len(SIZES) * cell
    image = QImage(width, 2 * cell + pad, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    differs = True
    x = pad
    for panel in PANELS:
        for look in looks:
            for size in SIZES:
                painter.fillRect(x - 4, 0, cell, 2 * cell + pad, panel)
                running = tray_icon(look).pixmap(size, size)
                paused = tray_icon(look, paused=True).pixmap(size, size)
                differs &= running.toImage() != paused.toImage()
                painter.drawPixmap(QPoint(x, pad), running)
                painter.drawPixmap(QPoint(x, pad + cell), paused)
                x += cell
    painter.end()
    return image, differs


def main() -> int:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    menu = TrayMenu(tray_icon(TrayLook.COLOUR), False,
                    paused_icon=tray_icon(TrayLook.COLOUR, paused=True))  # fmt: skip
    now = datetime.now().astimezone()
    text = pause_text(now + timedelta(minutes=60), now, "24h")
    menu.set_paused(True, text)
    menu.start(show_fallback=True)  # Xvfb has no tray host: the fallback window shows
    window = menu.fallback
    window.move(40, 40)
    window.show()
    pump(0.8)
    screen = app.primaryScreen()
    frame = window.frameGeometry()
    grab = screen.grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height()).toImage()
    strip, differs = icon_strip()
    sheet = QImage(max(strip.width(), grab.width()), strip.height() + grab.height() + 8,
                   QImage.Format.Format_ARGB32)  # fmt: skip
    sheet.fill(Qt.GlobalColor.white)
    painter = QPainter(sheet)
    painter.drawImage(0, 0, strip)
    painter.drawImage(0, strip.height() + 8, grab)
    painter.end()
    sheet.save(str(out / "tray_paused.png"))
    report = {
        "platform": app.platformName(),
        "tray_visible": menu.has_tray,
        "fallback_visible": window.isVisible(),
        "paused_label": window.paused_label.text() if window.paused_label.isVisible() else "",
        "pause_button": window.pause.text(),
        "tooltip": menu.tray.toolTip(),
        "menu_pause": menu.pause_action.text(),
        "paused_icons_differ": differs,
        "grab_colours": len({grab.pixel(x, y) for x in range(0, grab.width(), 4)
                             for y in range(0, grab.height(), 4)}),
    }  # fmt: skip
    menu.hide()
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

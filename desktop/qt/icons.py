"""Application icons, drawn from the bundled SVGs at whatever size is asked for."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSize, Qt
from PySide6.QtGui import QIcon, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from desktop.adapters.bundled import read_bytes

_SIZES = (16, 22, 24, 32, 48, 64, 128, 256)


def app_icon() -> QIcon:
    renderer = QSvgRenderer(QByteArray(read_bytes("callercard.svg", "icons")))
    icon = QIcon()
    for size in _SIZES:
        pixmap = QPixmap(QSize(size, size))
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        renderer.render(painter)
        painter.end()
        icon.addPixmap(pixmap)
    return icon

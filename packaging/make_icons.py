"""Render the icons the installers need from the bundled SVGs, through the app's own engine.

    python packaging/make_icons.py OUT_DIR

writes OUT_DIR/png/<look>-<size>[@2x].png for every look at 16, 22, 32, 64 and 256 px (1x
and 2x), OUT_DIR/callercard.ico (Windows: 16-256 px, PNG-compressed entries) and
OUT_DIR/callercard.icns (macOS: 16-1024 px). No Pillow: ICO and ICNS both take PNG data as
is, so the containers are a few lines of struct packing.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize
from PySide6.QtGui import QGuiApplication, QIcon, QPixmap

from desktop.qt.icons import TrayLook, tray_icon

PNG_SIZES = (16, 22, 32, 64, 256)
ICO_SIZES = (16, 20, 24, 32, 40, 48, 64, 256)
# ICNS element types holding PNG data, by pixel size (ic11-ic14 are the @2x slots).
ICNS_TYPES = (
    (b"icp4", 16), (b"icp5", 32), (b"icp6", 64), (b"ic07", 128), (b"ic08", 256),
    (b"ic09", 512), (b"ic10", 1024), (b"ic11", 32), (b"ic12", 64), (b"ic13", 512),
    (b"ic14", 1024),
)  # fmt: skip


def png_bytes(pixmap: QPixmap) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    pixmap.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def render(icon: QIcon, size: int, scale: float = 1.0) -> QPixmap:
    return icon.pixmap(QSize(size, size), scale)


def ico(icon: QIcon) -> bytes:
    images = [png_bytes(render(icon, s)) for s in ICO_SIZES]
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    entries = b""
    for size, data in zip(ICO_SIZES, images, strict=True):
        side = 0 if size >= 256 else size  # 0 means 256 in an ICO directory
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
    return header + entries + b"".join(images)


def icns(icon: QIcon) -> bytes:
    body = b""
    for kind, size in ICNS_TYPES:
        data = png_bytes(render(icon, size))
        body += kind + struct.pack(">I", 8 + len(data)) + data
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def make_icons(out: Path) -> list[Path]:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    assert app is not None
    written: list[Path] = []
    (out / "png").mkdir(parents=True, exist_ok=True)
    for look in TrayLook:
        icon = tray_icon(look)
        for size in PNG_SIZES:
            for scale, suffix in ((1.0, ""), (2.0, "@2x")):
                path = out / "png" / f"{look.name.lower()}-{size}{suffix}.png"
                render(icon, size, scale).save(str(path), "PNG")
                written.append(path)
    colour = tray_icon(TrayLook.COLOUR)
    for name, data in (("callercard.ico", ico(colour)), ("callercard.icns", icns(colour))):
        (out / name).write_bytes(data)
        written.append(out / name)
    return written


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python packaging/make_icons.py OUT_DIR")
    for path in make_icons(Path(sys.argv[1])):
        print(path)

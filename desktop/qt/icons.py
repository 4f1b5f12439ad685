"""The application and tray icons, drawn from the bundled SVGs at exactly the size asked for.

An icon engine renders the SVG on demand at the device pixel size (size × scale factor), so
a 2x or 1.5x screen gets real pixels instead of an upscaled bitmap. The art is drawn on a
pixel grid: small sizes (16-23 px) use the 16 px art at 16 px, centred, so edges stay
crisp where scaling by 1.375 would blur every one of them.

Tray looks: a colour icon, a glyph for light panels, one for dark panels, and a macOS
template (a mask the menu bar tints). Which one fits is decided by `tray_look`.
"""

from __future__ import annotations

import enum
import logging
import os
import sys

import shiboken6
from PySide6.QtCore import QByteArray, QPoint, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QIcon,
    QIconEngine,
    QImage,
    QPainter,
    QPixmap,
)
from PySide6.QtSvg import QSvgRenderer

from desktop.adapters.bundled import read_bytes

log = logging.getLogger(__name__)

SIZES = (16, 20, 22, 24, 32, 48, 64, 128, 256)
_GRID = 16  # the small art's grid; the large art's 4-unit grid also lands on it
# Every engine handed to a QIcon, while the icon keeps it (the icon deletes it). Once the
# app's tray could be collected at quit, the collector freeing it with its icons segfaulted
# in ~QIcon (2 runs of 2 of a set of Qt tests; none of 5 since the engines are held here):
# the engine's Python half could go first, and the icon then deleted an engine without it.
_ENGINES: list[SvgIconEngine] = []


class TrayLook(enum.Enum):
    COLOUR = ("callercard.svg", "callercard-small.svg")
    ON_LIGHT = ("tray-on-light.svg", "tray-on-light.svg")
    ON_DARK = ("tray-on-dark.svg", "tray-on-dark.svg")
    TEMPLATE = ("tray-template.svg", "tray-template.svg")


def snapped_rect(px: int) -> QRect:
    """Where the art goes in a px × px image: 16-23 px draws the 16 px art at 16 px, centred."""
    if _GRID <= px < _GRID + 8:
        offset = (px - _GRID) // 2
        return QRect(offset, offset, _GRID, _GRID)
    return QRect(0, 0, px, px)


class SvgIconEngine(QIconEngine):
    """Renders `large` (or `small`, below 32 px) at the exact device pixel size."""

    def __init__(self, large: bytes, small: bytes, name: str, *, paused: bool = False) -> None:
        super().__init__()
        self._large_svg = large
        self._small_svg = small
        self._name = name
        self._paused = paused
        self._large = QSvgRenderer(QByteArray(large))
        self._small = QSvgRenderer(QByteArray(small))
        self._cache: dict[tuple[int, float, bool], QImage] = {}

    def _image(self, logical: int, scale: float, disabled: bool) -> QImage:
        key = (logical, scale, disabled)
        image = self._cache.get(key)
        if image is None:
            side = max(1, round(logical * scale))
            # Padding is decided in logical pixels, so the glyph keeps its size at 2x.
            art = max(1, round(snapped_rect(logical).width() * scale))
            offset = (side - art) // 2
            image = QImage(side, side, QImage.Format.Format_ARGB32_Premultiplied)
            image.fill(Qt.GlobalColor.transparent)
            painter = QPainter(image)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            if disabled:
                painter.setOpacity(0.4)
            renderer = self._small if art < 2 * _GRID else self._large
            renderer.render(painter, QRectF(offset, offset, art, art))
            if self._paused:
                _paint_pause_badge(painter, side)
            painter.end()
            self._cache[key] = image
        return image

    def scaledPixmap(
        self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float
    ) -> QPixmap:
        logical = max(1, min(size.width(), size.height()))
        image = self._image(logical, scale, mode is QIcon.Mode.Disabled)
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(scale)
        return pixmap

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return self.scaledPixmap(size, mode, state, 1.0)

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        scale = painter.device().devicePixelRatioF() if painter.device() else 1.0
        side = min(rect.width(), rect.height())
        pixmap = self.scaledPixmap(QSize(side, side), mode, state, scale)
        corner = rect.center() - QPoint(side // 2, side // 2)
        painter.drawPixmap(QRect(corner, QSize(side, side)), pixmap)

    def availableSizes(
        self, mode: QIcon.Mode = QIcon.Mode.Normal, state: QIcon.State = QIcon.State.Off
    ) -> list[QSize]:
        # Tray hosts that take pixmaps (StatusNotifierItem, Windows) pick from these.
        return [QSize(s, s) for s in SIZES]

    def actualSize(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QSize:
        side = min(size.width(), size.height())
        return QSize(side, side)

    def clone(self) -> QIconEngine:
        return SvgIconEngine(self._large_svg, self._small_svg, self._name, paused=self._paused)

    def key(self) -> str:
        return "CallerCardSvgIconEngine"

    def iconName(self) -> str:
        return self._name

    def isNull(self) -> bool:
        return not self._large.isValid()


def _paint_pause_badge(painter: QPainter, side: int) -> None:
    """A pause sign in a disc over the lower right of the icon: popups are paused. Big enough
    to read at 16 px; amber, so it reads on light and dark panels alike (on macOS the menu
    bar tints the template, and the disc's shape still shows)."""
    disc = side * 0.62
    x = y = side - disc
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("#202124"))
    painter.drawEllipse(QRectF(x, y, disc, disc))
    inner = disc * 0.84
    pad = (disc - inner) / 2
    painter.setBrush(QColor("#F2A900"))
    painter.drawEllipse(QRectF(x + pad, y + pad, inner, inner))
    bar_w, bar_h = disc * 0.14, disc * 0.46
    gap = disc * 0.12
    top = y + (disc - bar_h) / 2
    left = x + (disc - 2 * bar_w - gap) / 2
    painter.setBrush(QColor("#202124"))
    painter.drawRect(QRectF(left, top, bar_w, bar_h))
    painter.drawRect(QRectF(left + bar_w + gap, top, bar_w, bar_h))


def _icon(look: TrayLook, *, paused: bool = False) -> QIcon:
    large, small = look.value
    engine = SvgIconEngine(read_bytes(large, "icons"), read_bytes(small, "icons"), "",
                           paused=paused)  # fmt: skip
    _ENGINES[:] = [kept for kept in _ENGINES if shiboken6.isValid(kept)]  # deleted: let go
    _ENGINES.append(engine)
    return QIcon(engine)


def app_icon() -> QIcon:
    """The colour application icon: windows, the taskbar, About."""
    return _icon(TrayLook.COLOUR)


def tray_icon(look: TrayLook, *, paused: bool = False) -> QIcon:
    """The tray icon for ``look``; ``paused`` adds the pause badge."""
    icon = _icon(look, paused=paused)
    icon.setIsMask(look is TrayLook.TEMPLATE)
    return icon


def _windows_taskbar_is_light() -> bool | None:
    """The taskbar's own theme (Windows 10 1903+), which may differ from the apps' theme."""
    if sys.platform == "win32":
        import winreg

        key_path = r"Software\Microsoft\Windows\CurrentVersion\Themes\Personalize"
        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, key_path) as key:
                value, _kind = winreg.QueryValueEx(key, "SystemUsesLightTheme")
        except OSError:
            return None
        return bool(value)
    return None


def tray_look(
    platform: str,
    dark_scheme: bool | None,
    desktop: str = "",
    windows_light_taskbar: bool | None = None,
) -> TrayLook:
    """The tray icon that reads best on this panel.

    `dark_scheme` is the system colour scheme (None when the desktop does not say);
    `desktop` is XDG_CURRENT_DESKTOP.
    """
    if platform == "darwin":
        return TrayLook.TEMPLATE
    if platform == "win32":
        if windows_light_taskbar is None:
            return TrayLook.COLOUR
        return TrayLook.ON_LIGHT if windows_light_taskbar else TrayLook.ON_DARK
    if "GNOME" in desktop.upper().split(":"):
        return TrayLook.ON_DARK  # the top bar stays dark whatever the scheme
    if dark_scheme is None:
        return TrayLook.COLOUR
    return TrayLook.ON_DARK if dark_scheme else TrayLook.ON_LIGHT


def current_tray_look() -> TrayLook:
    """`tray_look` for this session, from Qt's colour scheme and the environment."""
    scheme = QGuiApplication.styleHints().colorScheme()
    dark: bool | None = None
    if scheme is Qt.ColorScheme.Dark:
        dark = True
    elif scheme is Qt.ColorScheme.Light:
        dark = False
    look = tray_look(
        sys.platform, dark, os.environ.get("XDG_CURRENT_DESKTOP", ""), _windows_taskbar_is_light()
    )
    log.info("tray icon: %s (colour scheme %s)", look.name.lower(), scheme.name)
    return look

"""A card line is shortened exactly where QFontMetrics.elidedText shortens it, though most
lines are not measured at all (LineFit sums their characters' advances instead)."""

from __future__ import annotations

import random
import string

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from pytestqt.qtbot import QtBot

from desktop.qt.painted_text import LineFit


def test_lines_are_shortened_exactly_where_elided_text_shortens_them(qtbot: QtBot) -> None:
    rng = random.Random(7)
    letters = string.ascii_letters + string.digits + " .,'-&()·é"
    lines = ["".join(rng.choice(letters) for _ in range(rng.randrange(1, 60))) for _ in range(300)]
    lines += ["WWWWWWWWWWWW", "AVAVAVAVAV", "Tr.Ty.Yo.Wa", "fi fl ffi", "\u05e9\u05dc\u05d5"]
    for size, bold in ((10, False), (13, True), (20, False)):
        font = QFont()
        font.setPointSize(size)
        font.setBold(bold)
        metrics = QFontMetrics(font)
        fit = LineFit()
        fit.set_font(font)
        for line in lines:
            natural = metrics.horizontalAdvance(line)
            for width in (natural - 3, natural, natural + 1, natural + 40, 10):
                expected = metrics.elidedText(line, Qt.TextElideMode.ElideRight, width)
                assert fit.elided(metrics, line, width) == expected, (line, width, size)

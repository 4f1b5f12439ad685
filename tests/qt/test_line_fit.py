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
    # Names and role lines beyond ASCII: accented Latin, Greek, Cyrillic, the card's own
    # punctuation, and what the font may not draw itself (a combining mark, Hebrew, Han).
    wider = letters + "ÆØÅæøåŁłŐőŸÿßÇçÑñĞğİıŠšŽžẞỆệΑαΩωЖжЯяЁё…–—‘’“”•‰\u0301\u05e9中"
    lines = ["".join(rng.choice(letters) for _ in range(rng.randrange(1, 60))) for _ in range(300)]
    lines += ["".join(rng.choice(wider) for _ in range(rng.randrange(1, 60))) for _ in range(300)]
    lines += ["WWWWWWWWWWWW", "AVAVAVAVAV", "Tr.Ty.Yo.Wa", "fi fl ffi", "\u05e9\u05dc\u05d5"]
    lines += [
        "Zoë Ørsted",
        "Buyer · Fabrikam · from West team",
        "09:00 Mon · Kraków",
        "Ŧŧ ŦŴŶ ĀVĀVĀV",
        "Å\u0301ngström",
    ]
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


def test_a_line_in_the_fonts_own_glyphs_is_as_tall_as_a_plain_one(qtbot: QtBot) -> None:
    """Card lines whose every character the font draws itself share one measured height
    (names with accents, " · " role lines); any other line is measured on its own."""
    font = QFont()
    metrics = QFontMetrics(font)
    fit = LineFit()
    fit.set_font(font)
    own = ["Zoë Ørsted", "Buyer · Fabrikam · from West team", "Ёлка Ωmega", "Dvořák – “ok”…"]
    other = ["\u05e9\u05dc\u05d5m", "Han 中", "Ångstro\u0308m", "tab\there"]
    assert [line for line in own if not fit.own_font(line)] == []
    assert [line for line in other if fit.own_font(line)] == []
    plain = metrics.boundingRect(0, 0, 2000, 2000, 0, "Plain").height()
    for line in own:
        assert metrics.boundingRect(0, 0, 2000, 2000, 0, line).height() == plain, line

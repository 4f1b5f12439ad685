"""A run of a card's static text drawn by one widget: laid out when the card is filled, painted
in one pass.

A caller card is mostly lines a rep only reads (the headline, the role line, "Why we called",
the attempts, the notes). As one QLabel each they cost a widget's polish, layout and paint
apiece on every ring (about 40 µs per label painted, twenty of them on a full card). Here each
line is a `TextPart`: its text is measured and placed for the panel's known width in
`lay_out()`, before the card is shown, and `paintEvent` draws them all. The parts that are
clicked or selected (a "Show all" link, the number) stay widgets, placed by the panel between
its lines.

The geometry copies the QLabels and layouts it replaces (a QLabel's size hint is its font
metrics' bounding rectangle of the text, painted with the same flags), so the card looks the
same. Text is drawn with QPainter, which never reads markup: a caller ID of `<b>x</b>` reads
literally, as Qt.PlainText labels did.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import Enum

from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QFontMetricsF,
    QHelpEvent,
    QPainter,
    QPaintEvent,
    QPixmap,
    QRawFont,
    QTextLayout,
    QTextOption,
)
from PySide6.QtWidgets import QAbstractButton, QSizePolicy, QToolTip, QWidget

from desktop.core.display_text import one_line

Tooltip = Callable[[str], str]  # full text -> the tooltip's rich text (plain_tooltip)
# A paragraph's lines: text, width -> height (whole pixels), layout, height (exact)
_Wrapped = tuple[str, int, int, "QTextLayout | None", float]
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_WRAP = int(Qt.TextFlag.TextWordWrap)
_ALIGN_RIGHT = int(Qt.AlignmentFlag.AlignRight)
_PRINTABLE_ASCII = [chr(code) for code in range(0x20, 0x7F)]
# Scripts drawn one character after another, with no joining or reordering: Latin (names
# such as "Zoë Ørsted"), Greek, Cyrillic, and the punctuation the card itself writes
# (" · " between a title and a company, "…", dashes, quotes).
_SIMPLE_BLOCKS = ((0x00A0, 0x052F), (0x1E00, 0x1EFF), (0x2010, 0x2027), (0x2030, 0x205E))
_SIMPLE_KINDS = ("L", "N", "P", "S", "Zs")  # no marks (combining), no format characters
_advances: dict[str, _Advances] = {}  # QFont.key() -> character -> advance
_NO_SIZE = QSize()


class _Advances(dict[str, float]):
    """A font's own advance of each character it draws itself; infinite for one it may not
    (another script, a fallback font's glyph, a combining mark), so a sum that meets one
    says "measure this line"."""

    def __init__(self, font: QFont) -> None:
        self._metrics = QFontMetricsF(font)
        self._raw = QRawFont.fromFont(font)
        super().__init__((char, self._metrics.horizontalAdvance(char)) for char in _PRINTABLE_ASCII)

    def __missing__(self, char: str) -> float:
        code = ord(char)
        simple = (
            any(low <= code <= high for low, high in _SIMPLE_BLOCKS)
            and unicodedata.category(char).startswith(_SIMPLE_KINDS)
            and self._raw.supportsCharacter(code)
        )
        advance = self._metrics.horizontalAdvance(char) if simple else math.inf
        self[char] = advance
        return advance


class LineFit:
    """Whether a line surely fits a width, told without shaping it (elidedText shapes the
    whole line, ~30 µs per line on a ring, and most lines fit).

    The sum of the characters' own advances, plus a pixel for each (kerning, which can widen
    a pair a little), bounds the line's width. Only characters the font draws itself, from
    scripts with no joining or reordering, are summed: other text may come from a fallback
    font, and is measured by elidedText as before.
    """

    def __init__(self) -> None:
        self._advances: dict[str, float] = {}

    def set_font(self, font: QFont) -> None:
        if font.letterSpacing() or font.wordSpacing():
            self._advances = {}  # spacing the sum would not count: always measured
            return
        key = font.key()
        known = _advances.get(key)
        if known is None:
            known = _advances[key] = _Advances(font)
        self._advances = known

    def own_font(self, text: str) -> bool:
        """Whether every character of `text` is drawn from the font itself (so the line is
        exactly as tall as one of plain ASCII)."""
        return bool(self._advances) and text.isprintable() and self._width(text) < math.inf

    def elided(self, metrics: QFontMetrics, text: str, width: int) -> str:
        """`text` on one line, shortened with "…" at the right to `width`."""
        if self._advances and text.isprintable() and self._width(text) + len(text) + 2 <= width:
            return text
        return metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)

    def _width(self, text: str) -> float:
        return sum(map(self._advances.__getitem__, text))


class Ink(Enum):
    """Which of the theme's colours a part is drawn in."""

    TEXT = "text"
    MUTED = "muted"


class TextPart:
    """One static text of a panel: a line that elides, a paragraph that wraps, or a chip.

    It answers the QLabel calls the card makes (setText, setVisible, isHidden, setToolTip)
    and the questions a test or a screen reader asks (text, full_text, isVisible, toolTip).
    """

    def __init__(
        self,
        panel: TextPanel,
        name: str,
        *,
        ink: Ink = Ink.TEXT,
        wrap: bool = False,
        elide: bool = False,
        gap: int = 0,
        align_right: bool = False,
    ) -> None:
        self._panel = panel
        self._name = name
        self.ink = ink
        self.wrap = wrap
        self.elide = elide
        self.gap = gap  # space above the text that belongs to it (a section title's)
        self.align_right = align_right
        self.font = QFont()
        self.metrics = QFontMetrics(self.font)
        self._fit = LineFit()
        self.margins = (0, 0, 0, 0)  # left, top, right, bottom: the chip's padding
        self._full = ""
        self._shown = ""  # the text drawn: elided for an eliding part
        self._flat = ""  # an eliding part's whole text, on one line
        self._tooltip: str | None = None  # an eliding part's own tooltip text
        self._tip = ""  # the tooltip shown
        self._hidden = False
        self._heights: dict[tuple[bool, bool], int] = {}
        self._wrapped: _Wrapped | None = None
        self._elided_for: tuple[str, str | None, int] | None = None
        self.rect = QRect()  # where it is drawn, in panel coordinates
        self._natural: tuple[str, int] | None = None  # text -> its width on one line
        self._look = 0  # bumped when the font changes
        self._flags_for: tuple[str, int] | None = None  # text -> its drawing flags
        self._area = QRect()  # the text's own rectangle, inside margins and gap
        self._draw_flags = 0
        self._origin = QPointF()  # a paragraph's first line
        panel._adopt(self)

    # -- what the card sets --

    def setText(self, text: str) -> None:
        """The text as it is shown (wrapped or not): a QLabel's setText."""
        self.set_full_text(text)

    def set_full_text(self, text: str, tooltip: str | None = None) -> None:
        """An eliding part shortens `text` to its width; `tooltip` replaces the default (the
        full text when it had to be shortened)."""
        if text != self._full or tooltip != self._tooltip:
            self._full = text
            self._tooltip = tooltip
            if not self.elide:
                self._shown = text
            self._panel._stale = True

    def setToolTip(self, tip: str) -> None:
        self._tip = tip

    def setVisible(self, visible: bool) -> None:
        if self._hidden == visible:
            self._hidden = not visible
            self._panel._stale = True

    def setFont(self, font: QFont) -> None:
        self.font = QFont(font)
        self.metrics = QFontMetrics(self.font, self._panel)
        self._fit.set_font(self.font)
        self._heights.clear()
        self._wrapped = None
        self._elided_for = None
        self._natural = None
        self._look += 1
        self._panel._stale = True

    # -- what is shown --

    def objectName(self) -> str:
        return self._name

    def isHidden(self) -> bool:
        return self._hidden

    def isVisible(self) -> bool:
        return not self._hidden and self._panel.isVisible()

    def isVisibleTo(self, ancestor: QWidget) -> bool:
        return not self._hidden and self._panel.isVisibleTo(ancestor)

    def text(self) -> str:
        """What is drawn (an eliding part's shortened line)."""
        return self._shown

    def full_text(self) -> str:
        return self._full

    def is_elided(self) -> bool:
        return self._shown != one_line(self._full)

    def toolTip(self) -> str:
        return self._tip

    def wordWrap(self) -> bool:
        return self.wrap

    def textFormat(self) -> Qt.TextFormat:
        """QPainter draws text as it is, never as markup."""
        return Qt.TextFormat.PlainText

    def colour(self) -> QColor:
        """The colour it is drawn in."""
        return self._panel._colours[self.ink]

    def geometry_in(self, ancestor: QWidget) -> QRect:
        """Where it is drawn, in `ancestor`'s coordinates."""
        return self.rect.translated(self._panel.mapTo(ancestor, QPoint(0, 0)))

    def needed_height(self, width: int) -> int:
        """The height its text needs at `width` (what QLabel.heightForWidth answered)."""
        return self._text_height(self._shown, width) + self.gap + self.margins[1] + self.margins[3]

    # -- measuring (the panel's) --

    def _spoken(self) -> str:
        return self._flat if self.elide else self._shown

    def _flags(self) -> int:
        """QLabel's drawing flags: aligned by the text's own direction, vertically centred."""
        text = self._shown
        if self._flags_for is not None and self._flags_for[0] == text:
            return self._flags_for[1]
        right = self.align_right != _right_to_left(text)
        flags = _RIGHT if right else _LEFT
        if self.wrap:
            flags |= _WRAP
        self._flags_for = (text, flags)
        return flags

    def _text_height(self, text: str, width: int) -> int:
        if self.wrap:
            return self._wrapped_lines(text, width)[2]
        # One line's height depends on the font, not the words (QLabel would lay the text out
        # again on every ring). Only text in the font's own glyphs is cached: a fallback font
        # can make a line taller.
        key = (text == "", text.isascii() or self._fit.own_font(text))
        known = self._heights.get(key) if key[1] else None
        if known is not None:
            return known
        line = self.metrics.boundingRect(0, 0, 2000, 2000, 0, text).height()
        if key[1]:
            self._heights[key] = line
        return line

    def _wrapped_lines(self, text: str, width: int) -> _Wrapped:
        """A paragraph broken into lines at `width` once: measured here, drawn from here."""
        known = self._wrapped
        if known is not None and known[0] == text and known[1] == width:
            return known
        if text:
            layout, total = _break_lines(text, self.font, width, _right_to_left(text),
                                         self.metrics.leading())  # fmt: skip
            wrapped: _Wrapped = (text, width, math.ceil(total), layout, total)
        else:
            wrapped = (text, width, self.metrics.height(), None, 0.0)
        self._wrapped = wrapped
        return wrapped

    def _lay_out(self, width: int, tooltip: Tooltip) -> int:
        """Elide to `width` and return the height it takes (0 when hidden)."""
        if self._hidden:
            return 0
        left, top, right, bottom = self.margins
        inner = width - left - right
        if self.elide:
            state = (self._full, self._tooltip, inner)
            if state != self._elided_for:
                self._elided_for = state
                self._flat = flat = one_line(self._full)
                self._shown = self._fit.elided(self.metrics, flat, inner)
                if self._tooltip is not None:
                    self._tip = tooltip(self._tooltip)
                else:
                    self._tip = tooltip(self._full) if self._shown != flat else ""
        return self.gap + top + self._text_height(self._shown, inner) + bottom

    def _natural_width(self) -> int:
        text = self._shown
        if self._natural is None or self._natural[0] != text:
            width = self.metrics.boundingRect(0, 0, 2000, 2000, 0, text).width()
            self._natural = (text, width)
        left, _top, right, _bottom = self.margins
        return self._natural[1] + left + right

    def _prepare(self) -> None:
        """Where the text goes, once its rectangle is known. A paragraph is drawn from the
        lines it was measured with; a single line is drawn with QLabel's own call."""
        left, top, right, bottom = self.margins
        self._area = area = self.rect.adjusted(left, self.gap + top, -right, -bottom)
        self._draw_flags = self._flags()
        if self.wrap:
            wrapped = self._wrapped_lines(self._shown, area.width())
            # Vertically centred, as QPainter.drawText would place it.
            self._origin = QPointF(area.left(), area.top() + (area.height() - wrapped[4]) / 2)

    def _draw_text(self, painter: QPainter) -> None:
        if not self.wrap:
            painter.setFont(self.font)
            painter.drawText(self._area, self._draw_flags, self._shown)
            return
        layout = self._wrapped[3] if self._wrapped is not None else None
        if layout is None:
            return
        if not self._draw_flags & _ALIGN_RIGHT:
            layout.draw(painter, self._origin)
            return
        for i in range(layout.lineCount()):  # right to left text: each line to the right
            line = layout.lineAt(i)
            x = self._area.width() - line.horizontalAdvance()
            line.draw(painter, self._origin + QPointF(x, 0))

    def _paint(self, painter: QPainter, colours: dict[Ink, QColor]) -> None:
        painter.setPen(colours[self.ink])
        self._draw_text(painter)


class Chip(TextPart):
    """The match tier ("Exact number") on a rounded tint of its colour."""

    def __init__(self, panel: TextPanel, name: str) -> None:
        super().__init__(panel, name)
        self.text_colour = QColor()
        self.fill_colour = QColor()
        self._drawn: tuple[tuple[object, ...], QPixmap] | None = None

    def setFont(self, font: QFont) -> None:
        super().setFont(font)
        # The padding the style sheet once gave it (2 px 8 px), plus the indent QLabel adds to
        # a framed label: the width of an "x", half of it before the text.
        x = self.metrics.horizontalAdvance("x")
        self.margins = (8 + x // 2, 2, 8 + x - x // 2, 2)

    def set_colours(self, text: QColor, fill: QColor) -> None:
        if (text, fill) != (self.text_colour, self.fill_colour):
            self.text_colour, self.fill_colour = text, fill
            self._panel.update(self.rect)

    def _paint(self, painter: QPainter, colours: dict[Ink, QColor]) -> None:
        painter.drawPixmap(self.rect.topLeft(), self._image(painter.device().devicePixelRatioF()))

    def _image(self, ratio: float) -> QPixmap:
        """The chip drawn once per text, size and colours: its antialiased rounded tint and
        its semi-bold text cost ~0.1 ms on every ring, and the tier rarely changes."""
        key = (self._shown, self.rect.width(), self.rect.height(), self.fill_colour.rgba(),
               self.text_colour.rgba(), ratio, self._look)  # fmt: skip
        if self._drawn is None or self._drawn[0] != key:
            pixmap = QPixmap(round(self.rect.width() * ratio), round(self.rect.height() * ratio))
            pixmap.setDevicePixelRatio(ratio)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(self.fill_colour)
            painter.drawRoundedRect(QRectF(0, 0, self.rect.width(), self.rect.height()), 4, 4)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            painter.setPen(self.text_colour)
            painter.translate(-self.rect.topLeft())
            self._draw_text(painter)
            painter.end()
            self._drawn = (key, pixmap)
        return self._drawn[1]


def _break_lines(
    text: str, font: QFont, width: int, rtl: bool, leading: int
) -> tuple[QTextLayout, float]:
    """`text` broken into lines at `width` as qt_format_text (QPainter.drawText, so QLabel)
    breaks and stacks them; the layout and its height."""
    # qt_format_text breaks the line at "\n" and reads "\r" as a space; QTextLayout does
    # neither by itself, and ran the lines of a note together.
    layout = QTextLayout(text.replace("\r", " ").replace("\n", "\u2028"), font)
    layout.setCacheEnabled(True)
    option = QTextOption()
    option.setAlignment(Qt.AlignmentFlag.AlignLeft)  # right alignment is per line, when drawn
    direction = Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight
    option.setTextDirection(direction)
    layout.setTextOption(option)
    line_width = float(max(0, width))
    layout.beginLayout()
    total = float(-leading)
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(line_width)
        total = math.ceil(total + leading)
        line.setPosition(QPointF(0.0, total))
        total += line.ascent() + line.descent()  # unrounded, as qt_format_text adds them
    layout.endLayout()
    return layout, total


Cell = TextPart | QWidget


def _hidden(cell: Cell | None) -> bool:
    return cell is None or cell.isHidden()


def _hint_height(cell: Cell, width: int, tooltip: Tooltip) -> int:
    if isinstance(cell, TextPart):
        return cell._lay_out(width, tooltip)
    return 0 if cell.isHidden() else cell.sizeHint().height()


@dataclass
class Row:
    """A chip and a right-aligned line beside it, `gap` apart (the card's header)."""

    chip: Chip
    beside: TextPart
    gap: int


@dataclass
class GridRow:
    """One row of a two-column grid: a key and its value (`stack` under the value column
    instead: a message and its "Show all", `bottom` px below them)."""

    key: TextPart | None = None
    value: Cell | None = None
    stack: list[Cell] = field(default_factory=list)
    bottom: int = 0


@dataclass
class Grid:
    rows: list[GridRow]
    column_gap: int
    row_gap: int


@dataclass
class Space:
    height: int


Item = TextPart | QWidget | Row | Grid | Space


class TextPanel(QWidget):
    """Lines of a card between its interactive parts, laid out top to bottom as the
    QVBoxLayout they replace did: `spacing` between items that show something."""

    def __init__(self, parent: QWidget, spacing: int) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self._spacing = spacing
        self._items: list[Item] = []
        self._parts: list[TextPart] = []
        self._width = 0
        self._height = 0
        self._has_content = False
        self._stale = True  # a part changed since the last lay_out
        self._widgets: list[QWidget] = []  # placed here between the parts
        self._placed_widgets: list[tuple[bool, QSize]] = []
        self._tooltip: Tooltip = lambda text: text
        self._colours: dict[Ink, QColor] = {Ink.TEXT: QColor(), Ink.MUTED: QColor()}

    def _adopt(self, part: TextPart) -> None:
        self._parts.append(part)

    def add(self, item: Item) -> None:
        """Items in reading order; widgets in them must be this panel's children. A button
        keeps its own width, on the left (a "Show all" link); other widgets get the width."""
        self._items.append(item)
        self._widgets += [cell for cell in _cells(item) if isinstance(cell, QWidget)]

    def set_tooltip_format(self, tooltip: Tooltip) -> None:
        self._tooltip = tooltip

    def set_colours(self, text: QColor, muted: QColor) -> None:
        self._colours = {Ink.TEXT: text, Ink.MUTED: muted}
        self.update()

    def parts(self) -> list[TextPart]:
        return list(self._parts)

    def shown_parts(self) -> Iterator[TextPart]:
        """The parts that draw something, top to bottom."""
        return (part for part in self._parts if not part.isHidden() and part.text())

    def texts(self) -> Iterator[QWidget | TextPart]:
        """Its parts and widgets in reading order, shown or not."""
        for item in self._items:
            yield from _cells(item)

    def has_content(self) -> bool:
        """Whether anything showed at the last `lay_out` (a panel of blank rows keeps its
        height but, like an empty layout, gets no spacing around it)."""
        return self._has_content

    # -- layout --

    def lay_out(self, width: int) -> int:
        """Measure and place every part and widget for `width`; returns the height. Texts
        already measured at this width are not measured again."""
        # A hidden widget's size cannot move anything (a QPushButton's sizeHint costs ~10 µs
        # on a ring, and most "Show all" links are hidden).
        widgets = [(True, _NO_SIZE) if w.isHidden() else (False, w.sizeHint())
                   for w in self._widgets]  # fmt: skip
        if not self._stale and width == self._width and widgets == self._placed_widgets:
            return self._height
        self._stale = False
        self._placed_widgets = widgets
        self._width = width
        y = 0
        shown_before = False
        for item in self._items:
            shows = _shows(item)
            if shows and shown_before:
                y += self._spacing
            shown_before = shown_before or shows
            y += self._place(item, y, width)
        self._has_content = shown_before
        for part in self._parts:
            if not part.isHidden():
                part._prepare()
        if y != self._height:
            self._height = y
            self.updateGeometry()
        # What a screen reader reads: every line shown, an elided one in full.
        description = "\n".join(part._spoken() for part in self.shown_parts())
        if description != self.accessibleDescription():
            self.setAccessibleDescription(description)
        self.update()
        return y

    def _place(self, item: Item, y: int, width: int) -> int:
        """Place `item` at `y`; its height."""
        tooltip = self._tooltip
        if isinstance(item, Space):
            return item.height
        if isinstance(item, TextPart | QWidget):
            height = _hint_height(item, width, tooltip)
            _set_rect(item, QRect(0, y, _cell_width(item, width), height))
            return height
        if isinstance(item, Row):
            chip, beside = item.chip, item.beside
            x = 0
            heights = [_hint_height(chip, width, tooltip)]
            if not chip.isHidden():
                x = chip._natural_width() + self._spacing
            x += item.gap
            heights.append(_hint_height(beside, width - x, tooltip))
            height = max(heights)
            chip.rect = QRect(0, y, chip._natural_width(), height)
            beside.rect = QRect(x, y, width - x, height)
            return height
        return self._place_grid(item, y, width)

    def _place_grid(self, grid: Grid, y: int, width: int) -> int:
        keys = [row.key for row in grid.rows if row.key is not None and not row.key.isHidden()]
        key_width = max((key._natural_width() for key in keys), default=0)
        x = key_width + grid.column_gap if keys else 0
        top = y
        shown_before = False
        for row in grid.rows:
            shows = _row_shows(row)
            if shows and shown_before:
                y += grid.row_gap
            shown_before = shown_before or shows
            if row.stack:
                for cell in row.stack:
                    height = _hint_height(cell, width - x, self._tooltip)
                    _set_rect(cell, QRect(x, y, _cell_width(cell, width - x), height))
                    y += height
                y += row.bottom  # an empty layout's margin still counts, as in QGridLayout
                continue
            height = 0
            if row.key is not None:
                height = row.key._lay_out(key_width, self._tooltip)
            if row.value is not None:
                height = max(height, _hint_height(row.value, width - x, self._tooltip))
            if row.key is not None:
                row.key.rect = QRect(0, y, key_width, height)
            if row.value is not None:
                _set_rect(row.value, QRect(x, y, width - x, height))
            y += height
        return y - top

    def sizeHint(self) -> QSize:
        return QSize(self._width, self._height)

    def minimumSizeHint(self) -> QSize:
        return QSize(0, self._height)

    # -- Qt overrides --

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        area = event.rect()
        for part in self._parts:
            if not part.isHidden() and part.rect.intersects(area):
                part._paint(painter, self._colours)
        painter.end()

    def show_tip(self, event: QHelpEvent) -> None:
        """The tooltip of the part under the pointer (its full text, when it is shortened),
        shown while the pointer stays on that part; none elsewhere."""
        for part in self._parts:
            if not part.isHidden() and part.rect.contains(event.pos()):
                if part.toolTip():
                    QToolTip.showText(event.globalPos(), part.toolTip(), self, part.rect)
                    return
                break
        QToolTip.hideText()
        event.ignore()


class PartTips(QObject):
    """Answers tooltip requests for the TextPanels it is installed on (`follow`).

    It is installed only while the pointer is over the card (enter to leave): a TextPanel
    that answered them itself, in a Python event(), was called for each of its events, some
    twenty on every ring, ~0.2 ms of the card's paint, with no pointer anywhere near it.
    """

    def follow(self, panels: list[TextPanel], following: bool) -> None:
        for panel in panels:
            if following:
                panel.installEventFilter(self)
            else:
                panel.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(watched, TextPanel):
            assert isinstance(event, QHelpEvent)
            watched.show_tip(event)
            return True
        return False


def _cells(item: Item) -> Iterator[Cell]:
    if isinstance(item, TextPart | QWidget):
        yield item
    elif isinstance(item, Row):
        yield from (item.chip, item.beside)
    elif isinstance(item, Grid):
        for row in item.rows:
            yield from (cell for cell in (row.key, row.value) if cell is not None)
            yield from row.stack


def _shows(item: Item) -> bool:
    """Whether `item` shows anything (a layout gives spacing only around such items)."""
    if isinstance(item, Space):
        return False
    if isinstance(item, TextPart | QWidget):
        return not item.isHidden()
    if isinstance(item, Row):
        return not (item.chip.isHidden() and item.beside.isHidden())
    return any(_row_shows(row) for row in item.rows)


def _row_shows(row: GridRow) -> bool:
    cells = [row.key, row.value, *row.stack]
    return any(not _hidden(cell) for cell in cells)


def _cell_width(cell: Cell, width: int) -> int:
    if isinstance(cell, QAbstractButton):
        return min(width, cell.sizeHint().width())  # a link keeps its own width, on the left
    return width


def _set_rect(cell: Cell, rect: QRect) -> None:
    if isinstance(cell, TextPart):
        cell.rect = rect
    elif not cell.isHidden() and cell.geometry() != rect:
        cell.setGeometry(rect)


def _right_to_left(text: str) -> bool:
    """QString::isRightToLeft: the first strong character decides (QLabel aligns by it)."""
    if text.isascii():
        return False
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return False
        if kind in ("R", "AL"):
            return True
    return False

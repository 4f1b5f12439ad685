"""What a caller card shows: its content view, filled from a `Card` (desktop/core/card_text
words it), fitted to its text, themed from the desktop's palette.

The window around it (flags that never take focus, warm-up, show and hide, dismissal, the
painted signal) is desktop/qt/popup.py. Parts of the card, top to bottom: the tier chip and
caller-ID name, the name and role, the facts grid (number, local time), the people at a
switchboard, the promise, "Why we called" with the last attempts, notes, "Who could this be?",
the picker (built on demand), the opener and the action row. A new state (a missed call to
return, say) is a block built in `_build` at its place in that order and filled in `_fill`.

The text a rep only reads is drawn by `TextPanel`s (desktop/qt/painted_text.py), measured for
the card's fixed width when it is filled: one for the caller (chip to local time), one for the
story (promise to notes). What is clicked or selected stays a widget: the people's and guesses'
names, "Show all", the number, the buttons, the picker. `shown_texts()` lists what it shows.

Every string that came from a caller, a call log or an import is shown as plain text: a caller
ID of `<img src=x>` must read literally, never as markup.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QEnterEvent,
    QGuiApplication,
    QPainter,
    QPaintEvent,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QMenu,
    QPushButton,
    QSizePolicy,
    QSpacerItem,
    QVBoxLayout,
    QWidget,
)

from desktop.core.card import REDACTED_LABEL, Candidate, Card, MatchTier, why_we_called
from desktop.core.card_text import (
    MESSAGE_PREVIEW,
    MESSAGE_PREVIEW_LINES,
    NOTES_PREVIEW,
    NOTES_PREVIEW_LINES,
    WITHHELD,
    call_day,
    caller_id_name,
    lines_preview,
    name_line,
    next_step_line,
    outcome_text,
    person_line,
    place_and_time,
    preview,
    readable_number,
    role_line,
    sentence,
    story_title,
    switchboard_number,
)
from desktop.core.display_text import display_text, one_line
from desktop.core.internal_extension import call_back_to, internal_extension
from desktop.core.localtime import HourCycle
from desktop.core.models import Attempt, Contact
from desktop.core.switchboard import either_of, names_one_of, shared_company
from desktop.qt.painted_text import (
    Chip,
    Grid,
    GridRow,
    Ink,
    Item,
    LineFit,
    PartTips,
    Row,
    Space,
    TextPanel,
    TextPart,
)
from desktop.qt.palette import CardFonts, card_fonts, card_theme, stylesheet
from desktop.qt.plain_tooltip import plain_tooltip
from desktop.qt.system_clock import hour_cycle

if TYPE_CHECKING:
    from desktop.core.localtime import LocalTime
    from desktop.qt.candidate_picker import CandidatePicker

    PickerFactory = Callable[[QWidget], CandidatePicker]

MIN_WIDTH = 380
MAX_WIDTH = 420
MAX_ATTEMPTS = 3
MAX_PEOPLE = 4  # switchboard: more than this collapse into "and N more"
MAX_CALL_BACK_FOR = 12  # Call back's "for whom" menu on a shared number: a screenful
MAX_CANDIDATES = 3
OPENER_GAP = 10  # above the opener block, apart from what the card says of the caller
STRIPE_WIDTH = 5  # the match-tier colour down the card's left edge
COPIED_FEEDBACK_MS = 1500
SCREEN_MARGIN = 16  # the stack keeps cards this far inside the screen's available area
_RESTYLED = (QEvent.Type.PaletteChange, QEvent.Type.FontChange)


# ---- text shaping: pure functions, tested directly ------------------------------------------


def button_text(text: str) -> str:
    """Buttons read `&` as a mnemonic marker; "AT&T" must not become "AT_T"."""
    return text.replace("&", "&&")


# ---- widgets ----------------------------------------------------------------------------------


class _Showable(Protocol):
    def isHidden(self) -> bool: ...
    def setVisible(self, visible: bool) -> None: ...


def _set_shown(widget: _Showable, shown: bool) -> None:
    # setVisible() costs a layout pass even when nothing changes; most rings change little.
    if widget.isHidden() == shown:
        widget.setVisible(shown)


def _plain_label(parent: QWidget, *, muted: bool = False, wrap: bool = False) -> QLabel:
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    if muted:
        label.setProperty("muted", True)
    return label


class ElidedLabel(QLabel):
    """One line that shortens itself with "…" to the width it is given; full text in a tooltip.

    Its size hint never asks for the text's width, so a 200-character company name cannot
    widen the card.
    """

    def __init__(self, parent: QWidget, *, muted: bool = False) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        if muted:
            self.setProperty("muted", True)
        self._full = ""
        self._tooltip: str | None = None
        self._elided_for: tuple[str, str | None, int, int] | None = None
        # Bumped when the font or style changes: cheaper than comparing QFont.key() per ring.
        self._look = 0
        self._heights: dict[tuple[bool, bool], tuple[int, int]] = {}  # (min, preferred)
        self._fit = LineFit()
        self._fit_look = -1  # the _look _fit was told the font of

    def set_full_text(self, text: str, tooltip: str | None = None) -> None:
        """`tooltip` replaces the default (the full text when it had to be shortened)."""
        self._full = text
        self._tooltip = tooltip
        self._elide()

    def full_text(self) -> str:
        return self._full

    def is_elided(self) -> bool:
        return self.text() != one_line(self._full)

    def minimumSizeHint(self) -> QSize:
        return QSize(0, self._hint_heights()[0])

    def sizeHint(self) -> QSize:
        return QSize(0, self._hint_heights()[1])

    def _hint_heights(self) -> tuple[int, int]:
        # One line's height depends on the font, not on the words, so it is measured once per
        # font; QLabel would lay the text out again on every ring. Only text in the font's own
        # glyphs is cached: a fallback font (Arabic, Thai, emoji) can make a line taller.
        text = self.text()
        key = (text == "", text.isascii() or self._fit.own_font(text))
        if not key[1]:
            return super().minimumSizeHint().height(), super().sizeHint().height()
        heights = self._heights.get(key)
        if heights is None:
            heights = (super().minimumSizeHint().height(), super().sizeHint().height())
            self._heights[key] = heights
        return heights

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._look += 1
            self._heights.clear()
        super().changeEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        state = (self._full, self._tooltip, self.width(), self._look)
        if state == self._elided_for:
            return
        self._elided_for = state
        flat = one_line(self._full)
        if self._fit_look != self._look:
            self._fit_look = self._look
            self._fit.set_font(self.font())
        shown = self._fit.elided(self.fontMetrics(), flat, self.width())
        if shown != self.text():
            self.setText(shown)
        if self._tooltip is not None:
            tip = plain_tooltip(self._tooltip)
        else:
            tip = plain_tooltip(self._full) if shown != flat else ""
        if tip != self.toolTip():
            self.setToolTip(tip)


class _HoverSelectable(ElidedLabel):
    """An ElidedLabel the mouse can select text in (the number, to paste it elsewhere).

    A selectable QLabel paints through a text document, 0.08 ms of every ring's paint on
    Xvfb, for a selection only a pointer already over the label can start: it becomes
    selectable when the pointer enters, and plain again when it leaves nothing selected.
    """

    def enterEvent(self, event: QEnterEvent) -> None:
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        super().enterEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        super().leaveEvent(event)
        if not self.hasSelectedText():
            self.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)


class _LinkButton(QPushButton):
    """A name you can click: opens the contact. Plain text, styled as a link."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setProperty("link", True)
        self.setFlat(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)


class _PaintProbe(QPushButton):
    """The card's last child, so its paintEvent ends every repaint pass of the card.

    perf-limits.md measures "shown" as the end of the last widget's paintEvent; a signal from
    here tells the app that the pixels are in the backing store, without polling.
    """

    def __init__(self, parent: QWidget, on_painted: Callable[[], None]) -> None:
        super().__init__(parent)
        self._on_painted = on_painted

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        self._on_painted()


class _Expandable:
    """Wrapped text cut to a preview of a few lines, with "Show all" for the rest: a long
    voicemail or note is readable in full without one ever making the card tower. On a screen
    too short for the whole card, the card folds it to a link alone ("Show notes")."""

    def __init__(
        self,
        panel: TextPanel,
        names: tuple[str, str],  # the text's, the link's
        limit: int,
        on_resized: Callable[[_Expandable], None],
        what: str,
        lines: int = 1,  # the text's own lines kept in the preview (1: run together)
    ) -> None:
        self.text = TextPart(panel, names[0], ink=Ink.MUTED, wrap=True)
        self._lines = lines
        self.more = _LinkButton(panel)
        self.more.setObjectName(names[1])
        self.more.clicked.connect(self.expand)
        self._limit = limit
        self._full = ""
        self._quoted = False
        self._what = what
        self._on_resized = on_resized
        self.expanded = False

    def fill(self, text: str, *, quoted: bool = False) -> None:
        self._full, self._quoted, self.expanded = text, quoted, False
        if self._lines > 1:
            shown, cut = lines_preview(text, self._limit, self._lines)
        else:
            shown, cut = preview(text, self._limit)
        self.text.setText(self._quote(shown))
        self.more.setText("Show all")
        _set_shown(self.text, bool(shown))
        _set_shown(self.more, cut)

    def expand(self) -> None:
        self.expanded = True
        self.text.setText(self._quote(display_text(self._full.strip())))
        _set_shown(self.text, True)
        _set_shown(self.more, False)
        self._on_resized(self)

    def can_fold(self) -> bool:
        return not self.text.isHidden()

    def fold(self) -> None:
        """Only the link: the text is one click away."""
        self.expanded = False
        _set_shown(self.text, False)
        self.more.setText(f"Show {self._what}")
        _set_shown(self.more, True)

    def hide(self) -> None:
        self.expanded = False
        _set_shown(self.text, False)
        _set_shown(self.more, False)

    def _quote(self, text: str) -> str:
        return f"“{text}”" if self._quoted and text else text


class _AttemptRow:
    def __init__(
        self, panel: TextPanel, row: int, on_resized: Callable[[_Expandable], None]
    ) -> None:
        self.date = TextPart(panel, f"attempt{row}Date", ink=Ink.MUTED)
        self.outcome = TextPart(panel, f"attempt{row}Outcome")
        # The message under the outcome, wrapped: a voicemail is read, not guessed at.
        names = (f"attempt{row}Message", f"attempt{row}More")
        self.message = _Expandable(panel, names, MESSAGE_PREVIEW, on_resized, "message",
                                   MESSAGE_PREVIEW_LINES)  # fmt: skip
        self.rows = [
            GridRow(key=self.date, value=self.outcome),
            GridRow(stack=[self.message.text, self.message.more], bottom=3),
        ]

    def fill(self, attempt: Attempt | None, now: datetime, cycle: HourCycle) -> None:
        for widget in (self.date, self.outcome):
            _set_shown(widget, attempt is not None)
        if attempt is None:
            self.message.hide()
            return
        self.date.setText(call_day(attempt.at, now, cycle))
        self.date.setToolTip(plain_tooltip(attempt.at.astimezone().strftime("%Y-%m-%d %H:%M")))
        self.outcome.setText(outcome_text(attempt))
        self.message.fill(attempt.message, quoted=True)


class _WrappedDetail(QLabel):
    """A guess's strongest reason, wrapped rather than shortened: it ends in the number that
    links the guess ("Same number block as +1 415-555-0142"), and "…" cut exactly that. The
    weaker reason after " · " waits in the tooltip: both wrapped made each guess three lines.
    """

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self.setProperty("muted", True)
        # Wrapped text asks for its width; only the card's width decides, never the reason.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        self._full = ""

    def set_full_text(self, text: str) -> None:
        self._full = one_line(text)
        strongest = self._full.split(" · ", 1)[0]
        self.setText(strongest)
        self.setToolTip(plain_tooltip(self._full) if strongest != self._full else "")

    def full_text(self) -> str:
        return self._full


class _PersonRow:
    """One person behind a shared number, or one "who could this be" guess."""

    def __init__(self, parent: QWidget, grid: QGridLayout, row: int, kind: str) -> None:
        self.name = _LinkButton(parent)
        # A person's line ends in their title, which may be shortened; a guess's in its proof.
        self.detail: ElidedLabel | _WrappedDetail = (
            _WrappedDetail(parent) if kind == "candidate" else ElidedLabel(parent, muted=True)
        )
        # A reason wrapped to two lines keeps its name beside its first line.
        top = Qt.AlignmentFlag.AlignTop if kind == "candidate" else Qt.AlignmentFlag(0)
        grid.addWidget(self.name, row, 0, top)
        grid.addWidget(self.detail, row, 1, top)
        self.name.setObjectName(f"{kind}{row}")
        self.detail.setObjectName(f"{kind}{row}Detail")
        self.contact_id = 0

    def fill(self, name: str, detail: str, contact_id: int | None) -> None:
        visible = contact_id is not None
        _set_shown(self.name, visible)
        _set_shown(self.detail, visible)
        if contact_id is None:
            return
        self.contact_id = contact_id
        self.name.setText(button_text(one_line(name)))
        self.name.setToolTip(plain_tooltip(f"Open {name}"))
        self.detail.set_full_text(detail)


def _layouts_in(layout: QLayout) -> list[QLayout]:
    """`layout` and every layout nested in it, innermost first."""
    found: list[QLayout] = []
    for i in range(layout.count()):
        item = layout.itemAt(i)
        nested = item.layout() if item is not None else None
        if nested is not None:
            found += _layouts_in(nested)
    found.append(layout)
    return found


def _row_grid(*, stretch_column: int) -> QGridLayout:
    """The tight rows of a card's list (people, attempts, candidates)."""
    grid = QGridLayout()
    grid.setHorizontalSpacing(10)
    grid.setVerticalSpacing(1)
    grid.setColumnStretch(stretch_column, 1)
    return grid


def _painted_title(panel: TextPanel, name: str, text: str, *, gap: int = 8) -> TextPart:
    """A section title drawn by `panel`; the gap above it goes with it when it is hidden."""
    title = TextPart(panel, name, ink=Ink.MUTED, gap=gap)
    title.setText(text)
    return title


def _section_title(parent: QWidget, text: str, *, gap: int = 8) -> QLabel:
    label = _plain_label(parent)
    label.setProperty("section", True)
    label.setText(text)
    # The gap above belongs to the title, so it disappears with a hidden section.
    label.setContentsMargins(0, gap, 0, 0)
    return label


class CardView(QWidget):
    """The card's content. Built once; `_fill` per ring, `_fit_height` to its text."""

    copy_opener_clicked = Signal(str)  # call_key; the opener is already on the clipboard
    open_search_requested = Signal(str)  # the caller ID as the source gave it
    open_contact_requested = Signal(object)  # contact id (int; a rowid can outgrow a C int)
    caller_identified = Signal(str, object)  # call_key, contact id: the picker settled who it is
    height_changed = Signal()  # the card grew or shrank while shown (the stack re-packs)
    # The number a missed call's Call back dials (call_back_to: e164, or a colleague's
    # extension "3103"), and the contact the card names (int; None for none): a number several
    # contacts share is called back for the one whose call it was (desktop.core.callee)
    call_back_requested = Signal(str, object)

    def __init__(
        self,
        parent: QWidget | None,
        flags: Qt.WindowType,
        *,
        picker_factory: PickerFactory | None = None,
    ) -> None:
        super().__init__(parent, flags)
        self._picker_factory = picker_factory
        self._picker: CandidatePicker | None = None
        self.setObjectName("callerCard")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self._tier = MatchTier.NONE
        self._theme = card_theme(QGuiApplication.palette())

        self._card: Card | None = None
        self._call_back_menu: QMenu | None = None  # built for the first shared number
        self._open_menu: QMenu | None = None  # Open contact's "which of them", likewise
        self._call_key = ""
        self._opened: _Expandable | None = None  # the text the rep asked for last
        self._call_back: QPushButton | None = None  # built with the first missed call
        self._hint_layouts: tuple[int, list[QLayout]] = (-1, [])  # root's count -> its layouts
        self._restyling = False
        self._kept_above = 0  # room the stack keeps above this card ("+N more"), in pixels
        self._tips = PartTips(self)  # the painted lines' tooltips, while the pointer is here

        self._build()
        self._apply_theme()
        self.setFixedWidth(self._card_width())

        self._copied_timer = QTimer(self)
        self._copied_timer.setSingleShot(True)
        self._copied_timer.timeout.connect(self._reset_copy_button)

    # -- what the window around the card provides (desktop/qt/popup.py) --

    def take_focus(self) -> bool:
        """Give the card the keyboard; the window decides whether it may."""
        return False

    def _probe_painted(self) -> None:
        """The card's last widget has painted."""

    def dismiss(self) -> None:
        """The user is done with this card (its Dismiss button)."""
        self.hide()

    # -- construction (once) --

    def _build(self) -> None:
        # Widgets are created with this card as parent in reading order: painting follows
        # creation order, which keeps the Dismiss button (the probe) the last widget painted.
        root = QVBoxLayout(self)
        root.setContentsMargins(18, 12, 14, 12)
        root.setSpacing(4)

        # The caller, drawn by one widget: the chip and caller-ID name, the headline, the role
        # line and the facts (the number stays a label, so it can be selected).
        self._head = TextPanel(self, spacing=root.spacing())
        self._chip = Chip(self._head, "tierChip")
        self._source = TextPart(self._head, "callerIdName", ink=Ink.MUTED, elide=True,
                                align_right=True)  # fmt: skip
        self._name = TextPart(self._head, "name", elide=True)
        self._role = TextPart(self._head, "role", elide=True)
        self._number_key = TextPart(self._head, "numberKey", ink=Ink.MUTED)
        self._number_key.setText("Number")
        self._number = _HoverSelectable(self._head)
        self._time_key = TextPart(self._head, "localTimeKey", ink=Ink.MUTED)
        self._time_key.setText("Local time")
        self._time = TextPart(self._head, "localTime", elide=True)
        facts = [GridRow(self._number_key, self._number), GridRow(self._time_key, self._time)]
        head: list[Item] = [
            Row(self._chip, self._source, gap=12),
            Space(4),
            self._name,
            self._role,
            Space(6),
            Grid(facts, column_gap=12, row_gap=2),
        ]
        for item in head:
            self._head.add(item)
        root.addWidget(self._head)

        # People at a shared number (switchboard).
        self._people_title = _section_title(self, "People at this number")
        root.addWidget(self._people_title)
        people = _row_grid(stretch_column=1)
        self._people = [_PersonRow(self, people, i, "person") for i in range(MAX_PEOPLE)]
        root.addLayout(people)
        self._people_more = _plain_label(self, muted=True)
        root.addWidget(self._people_more)

        # What the rep needs to know before saying hello, drawn by one widget: the promise,
        # why we called and the last attempts, the next step and the notes. Their "Show all"
        # links are widgets it places.
        story = TextPanel(self, spacing=root.spacing())
        self._story = story
        # The callback window the rep promised, when they call inside it.
        self._promise = TextPart(story, "promise", wrap=True)
        self._why_title = _painted_title(story, "whyTitle", "Why we called")
        self._reason = TextPart(story, "reason", wrap=True)
        self._referral = TextPart(story, "referral", ink=Ink.MUTED, elide=True)
        self._attempts = [_AttemptRow(story, i, self._expanded) for i in range(MAX_ATTEMPTS)]
        # The contact's next step and imported notes.
        self._notes_title = _painted_title(story, "notesTitle", "Notes")
        self._next_step = TextPart(story, "nextStep", wrap=True)
        self._notes = _Expandable(story, ("notes", "notesMore"), NOTES_PREVIEW, self._expanded,
                                  "notes", NOTES_PREVIEW_LINES)  # fmt: skip
        parts: list[Item] = [
            self._promise,
            self._why_title,
            self._reason,
            self._referral,
            Grid([r for row in self._attempts for r in row.rows], column_gap=10, row_gap=1),
            self._notes_title,
            self._next_step,
            self._notes.text,
            self._notes.more,
        ]
        for item in parts:
            story.add(item)
        root.addWidget(story)
        # A story with nothing to show still takes the blank rows' height, without spacing,
        # as the layouts it replaced did (so the card keeps its proportions).
        self._story_blank = QSpacerItem(0, 0, QSizePolicy.Policy.Minimum,
                                        QSizePolicy.Policy.Fixed)  # fmt: skip
        root.addItem(self._story_blank)

        # Who could this be (unknown callers).
        self._candidates_title = _section_title(self, "Who could this be?")
        root.addWidget(self._candidates_title)
        candidates = _row_grid(stretch_column=1)
        self._candidates = [
            _PersonRow(self, candidates, i, "candidate") for i in range(MAX_CANDIDATES)
        ]
        root.addLayout(candidates)
        self._picker_index = root.count()  # the picker, built on demand, goes here

        # The opener, set apart: it is what the rep reads aloud. The gap goes with it.
        self._opener_gap = QSpacerItem(0, OPENER_GAP, QSizePolicy.Policy.Minimum,
                                       QSizePolicy.Policy.Fixed)  # fmt: skip
        root.addItem(self._opener_gap)
        self._opener_block = QFrame(self)
        self._opener_block.setObjectName("openerBlock")
        opener_layout = QVBoxLayout(self._opener_block)
        opener_layout.setContentsMargins(10, 7, 10, 8)
        opener_layout.setSpacing(2)
        # Painted too: as a selectable label it cost a QTextDocument layout per ring (~0.25
        # ms); "Copy opener" puts it on the clipboard.
        self._opener_text = TextPanel(self._opener_block, spacing=opener_layout.spacing())
        self._opener_text.setObjectName("openerText")
        self._opener_title = _painted_title(self._opener_text, "openerTitle", "Opener", gap=0)
        self._opener = TextPart(self._opener_text, "opener", wrap=True)
        self._opener_text.add(self._opener_title)
        self._opener_text.add(self._opener)
        opener_layout.addWidget(self._opener_text)
        root.addWidget(self._opener_block)

        root.addSpacing(8)
        actions = QHBoxLayout()
        actions.setSpacing(6)
        self._copy = QPushButton("Copy opener", self)
        self._copy.clicked.connect(self._copy_opener)
        self._open = QPushButton("Open contact", self)
        self._open.clicked.connect(self._open_first_contact)
        self._search = _LinkButton(self)
        self._search.setText("Search…")
        self._search.setToolTip("Search your contacts for this caller")
        self._search.clicked.connect(self._request_search)
        self._identify = QPushButton("Who is it?", self)
        self._identify.setToolTip(
            "Narrow the guesses by name, then link this number or add a contact"
        )
        self._identify.clicked.connect(self.open_picker)
        actions.addWidget(self._identify)
        actions.addWidget(self._copy)
        actions.addWidget(self._open)
        actions.addSpacing(4)
        actions.addWidget(self._search)
        actions.addStretch(1)
        self._dismiss = _PaintProbe(self, self._probe_painted)
        self._dismiss.setText("Dismiss")
        self._dismiss.setToolTip("Dismiss (Esc)")
        self._dismiss.clicked.connect(self.dismiss)
        actions.addWidget(self._dismiss)
        root.addLayout(actions)

        for row in self._people + self._candidates:
            row.name.clicked.connect(self._make_open(row))
        # Names for tests, style sheets and accessibility tools.
        for name, widget in (
            ("head", self._head),
            ("number", self._number),
            ("peopleTitle", self._people_title),
            ("peopleMore", self._people_more),
            ("story", self._story),
            ("candidatesTitle", self._candidates_title),
            ("copyOpener", self._copy),
            ("openContact", self._open),
            ("search", self._search),
            ("identify", self._identify),
            ("dismiss", self._dismiss),
        ):
            widget.setObjectName(name)

    def _make_open(self, row: _PersonRow) -> Callable[[], None]:
        return lambda: self.open_contact_requested.emit(row.contact_id)

    def _card_width(self) -> int:
        # Wide enough for about 58 average characters of the desktop font, within the design range.
        return max(MIN_WIDTH, min(MAX_WIDTH, self.fontMetrics().averageCharWidth() * 58))

    def _apply_theme(self) -> None:
        self._theme = card_theme(QGuiApplication.palette())
        self.setStyleSheet(stylesheet(self._theme))
        for panel in (self._head, self._story, self._opener_text):
            panel.set_colours(self._theme.text, self._theme.muted)
            panel.set_tooltip_format(plain_tooltip)
        self._paint_chip()
        self._apply_fonts(card_fonts(QGuiApplication.font()))

    def _apply_fonts(self, fonts: CardFonts) -> None:
        self._chip.setFont(fonts.chip)
        self._source.setFont(fonts.small)
        self._name.setFont(fonts.name)
        self._role.setFont(fonts.body)
        for label in (self._number_key, self._time_key, self._people_more):
            label.setFont(fonts.small)
        for label in (self._number, self._time, self._reason, self._opener):
            label.setFont(fonts.body)
        for title in (
            self._people_title,
            self._why_title,
            self._notes_title,
            self._candidates_title,
            self._opener_title,
        ):
            title.setFont(fonts.section)
        self._referral.setFont(fonts.small)
        self._next_step.setFont(fonts.body)
        self._notes.text.setFont(fonts.small)
        self._notes.more.setFont(fonts.small)
        for attempt in self._attempts:
            attempt.date.setFont(fonts.small)
            attempt.outcome.setFont(fonts.small)
            attempt.message.text.setFont(fonts.small)
            attempt.message.more.setFont(fonts.small)
        for row in self._people + self._candidates:
            row.name.setFont(fonts.strong)
            row.detail.setFont(fonts.small)

    @property
    def card(self) -> Card | None:
        return self._card

    def text_parts(self) -> list[TextPart]:
        """The card's painted text parts, top to bottom, shown or not (see shown_texts)."""
        return self._head.parts() + self._story.parts() + self._opener_text.parts()

    def text_part(self, name: str) -> TextPart | None:
        return next((part for part in self.text_parts() if part.objectName() == name), None)

    def shown_texts(self) -> list[str]:
        """Every text the card shows: its lines (painted or labels) top to bottom, then its
        buttons. (Screen readers get the painted lines as the panels' accessible
        descriptions.)"""
        lines: list[QLabel | TextPart] = []
        for child in self.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
            if isinstance(child, QLabel):
                lines.append(child)
                continue
            panels = [child] if isinstance(child, TextPanel) else child.findChildren(TextPanel)
            for panel in panels:
                lines += [c for c in panel.texts() if isinstance(c, QLabel | TextPart)]
            if not isinstance(child, TextPanel):
                lines += child.findChildren(QLabel)
        buttons = self.findChildren(QPushButton)
        shown = [item.text() for item in [*lines, *buttons] if item.isVisibleTo(self)]
        return [text for text in shown if text]

    def _fill(self, card: Card) -> None:
        if card.redacted:
            self._fill_redacted(card)
            return
        now = datetime.now().astimezone()
        first = card.contacts[0] if card.contacts else None
        number = readable_number(card.number, card.caller_id)

        self._show_tier(card.match)
        self._chip.setText(card.match.label)
        said = caller_id_name(card.number, first)
        source = f"Caller ID: {said}" if said else ""
        self._source.set_full_text(source)
        _set_shown(self._source, bool(source))  # an empty one would still take its row

        headline = name_line(card, number)
        role = role_line(first) if first is not None else ""
        self._name.set_full_text(headline)
        _set_shown(self._chip, headline != card.match.label)  # "Number withheld" once
        self._role.set_full_text(role)
        _set_shown(self._role, bool(role))
        self.setAccessibleName(f"{card.match.label}: {headline}")

        show_number = not card.number.withheld and headline != number
        self._number.set_full_text(switchboard_number(number, card))
        _set_shown(self._number, show_number)
        _set_shown(self._number_key, show_number)
        when_where = place_and_time(card.local_time)
        self._time.set_full_text(when_where)
        _set_shown(self._time, bool(when_where))
        _set_shown(self._time_key, bool(when_where))

        self._fill_people(card, now)
        self._fill_story(first, now, several=len(card.contacts) > 1)
        self._fill_notes(first)
        self._promise.setText(card.promise)
        _set_shown(self._promise, bool(card.promise))
        self._fill_candidates(card.candidates if first is None else ())

        self._opener.setText(display_text(card.opener.strip()))
        _set_shown(self._opener_block, bool(card.opener.strip()))
        _set_shown(self._copy, bool(card.opener.strip()))
        self._reset_copy_button()
        _set_shown(self._open, first is not None)
        if self._open.menu() is not None:  # a card reused from a shared number's missed call
            self._open.setMenu(None)  # type: ignore[arg-type]  # Qt takes nullptr: no menu
        # A withheld caller may still say who they are: the search opens empty for the name.
        _set_shown(self._search, card.number.withheld or bool(card.caller_id.strip()))
        _set_shown(self._identify, self._can_identify(card))
        if self._picker is not None:
            _set_shown(self._picker, False)

    def _show_tier(self, tier: MatchTier) -> None:
        if self._tier is not tier:
            self._tier = tier
            # Re-polishing the whole card would cost ~350 µs, so the accent stripe and the
            # chip are painted by hand (paintEvent, _TierChip) instead of by the style sheet.
            self._paint_chip()
            self.update(0, 0, STRIPE_WIDTH, self.height())

    def _paint_chip(self) -> None:
        tier = self._tier
        self._chip.set_colours(self._theme.accents[tier], self._theme.chip_backgrounds[tier])

    # -- a missed call --

    def show_missed(self, rang: str, failure: str = "") -> None:
        """The call ended unanswered: the card folds to who called, "Missed call · 14:05",
        their number and local time, and Call back beside Dismiss. Call back needs a number
        the card shows: none for a withheld caller or a redacted card. Never takes focus.
        `failure`: why a call back did not go through, said where the promise stands."""
        card = self._card
        if card is None:
            return
        self._chip.setText(f"Missed call · {rang}" if rang else "Missed call")
        _set_shown(self._chip, True)
        self._source.set_full_text("")
        self.setAccessibleName(f"Missed call: {self._name.full_text()}")
        for widget in (self._opener_block, self._copy, self._search, self._identify,
                       self._people_title, self._people_more):  # fmt: skip
            _set_shown(widget, False)
        # The promise made to them is in Callbacks; a failed call back is what matters now.
        self._promise.setText(failure)
        _set_shown(self._promise, bool(failure))
        for row in self._people:
            row.fill("", "", None)
        now = datetime.now().astimezone()
        self._fill_story(None, now, several=False)
        self._fill_notes(None)
        self._fill_candidates(())
        if self._picker is not None:
            _set_shown(self._picker, False)
        can_call = (bool(call_back_to(card.number)) and not card.number.withheld
                    and not card.redacted)  # fmt: skip
        if card.number.withheld and not card.redacted:  # says why there is no Call back
            named = self._name.full_text() != WITHHELD  # else it said so just above
            self._role.set_full_text("Number withheld: no number to call back" if named
                                     else "No number to call back")  # fmt: skip
            _set_shown(self._role, True)
        # Who rang from a number nobody has is still worth settling: Who is it? stays.
        _set_shown(self._identify, self._can_identify(card) and not card.redacted)
        button = self._call_back_button()
        # A number several people share, and no caller-ID name said whose call it was: the
        # rep says whom the call back is for (its note and Callbacks go there), where it
        # went to the one last in touch as if we knew.
        unsure = (can_call and len(card.contacts) > 1
                  and not names_one_of(card.contacts, card.number.display_name))  # fmt: skip
        if unsure:
            button.setMenu(self._for_whom(card.contacts))
            # Nor does Open contact know whom the rep means: it asks too, as Call back does.
            self._open.setMenu(self._open_whom(card.contacts))
            # Nothing said whose call it was: the big line names no one person either.
            self._name.set_full_text(either_of(card.contacts))
            company = shared_company(card.contacts)
            self._role.set_full_text(company)
            _set_shown(self._role, bool(company))
            self.setAccessibleName(f"Missed call: {self._name.full_text()}")
        else:  # a card reused from a shared number's call
            for asking in (button, self._open):
                if asking.menu() is not None:
                    asking.setMenu(None)  # type: ignore[arg-type]  # Qt takes nullptr: no menu
        if can_call:
            tip = f"Call {readable_number(card.number, '')}"
            button.setToolTip(plain_tooltip(f"{tip}: choose whom the call is for" if unsure
                                            else tip))  # fmt: skip
        _set_shown(button, can_call)
        self._refit()

    def _call_back_button(self) -> QPushButton:
        if self._call_back is None:
            button = QPushButton("Call back", self)
            button.setObjectName("callBack")
            button.setDefault(True)
            button.clicked.connect(self._request_call_back)
            # Hidden explicitly: a layout would otherwise show a new child of a visible card
            # on the next event-loop pass, Call back included on a withheld caller's card.
            button.hide()
            root = self.layout()
            assert isinstance(root, QVBoxLayout)
            for i in range(root.count()):
                item = root.itemAt(i)
                row = item.layout() if item is not None else None
                if isinstance(row, QHBoxLayout) and row.indexOf(self._dismiss) >= 0:
                    row.insertWidget(0, button)  # first: it is what the rep came back for
            self._call_back = button
        return self._call_back

    def _for_whom(self, contacts: tuple[Contact, ...]) -> QMenu:
        """Call back's menu on a shared number: one entry per person at it, in the card's
        order (the one last in touch first)."""
        if self._call_back_menu is None:
            self._call_back_menu = QMenu(self)
            self._call_back_menu.setObjectName("callBackFor")
        menu = self._call_back_menu
        menu.clear()
        for contact in contacts[:MAX_CALL_BACK_FOR]:
            who = one_line(contact.name or contact.company) or "(no name)"
            # "&" would make the next letter a shortcut and vanish from the name.
            action = menu.addAction(f"Call back for {display_text(who)}".replace("&", "&&"))
            action.triggered.connect(lambda _c=False, cid=contact.id: self._call_back_for(cid))
        return menu

    def _open_whom(self, contacts: tuple[Contact, ...]) -> QMenu:
        """Open contact's menu on a card that names no one person: an entry per person at
        the number, as Call back's menu has them."""
        if self._open_menu is None:
            self._open_menu = QMenu(self)
            self._open_menu.setObjectName("openContactFor")
        menu = self._open_menu
        menu.clear()
        for contact in contacts[:MAX_CALL_BACK_FOR]:
            who = one_line(contact.name or contact.company) or "(no name)"
            action = menu.addAction(f"Open {display_text(who)}".replace("&", "&&"))
            action.triggered.connect(
                lambda _c=False, cid=contact.id: self.open_contact_requested.emit(cid))
        return menu

    def _call_back_for(self, contact_id: int) -> None:
        card = self._card
        if card is not None and (dialled := call_back_to(card.number)) and not card.redacted:
            self.call_back_requested.emit(dialled, contact_id)

    def offers_call_back(self) -> bool:
        return self._call_back is not None and not self._call_back.isHidden()

    def _request_call_back(self) -> None:
        card = self._card
        if self._call_back is not None and self._call_back.menu() is not None:
            return  # its menu says whom for (_open_first_contact)
        if card is not None and (dialled := call_back_to(card.number)) and not card.redacted:
            who = card.contacts[0].id if card.contacts else None
            self.call_back_requested.emit(dialled, who)

    def _fill_redacted(self, card: Card) -> None:
        """The company and REDACTED_LABEL (desktop.core.redaction): every other part is
        hidden or emptied, so nothing the previous caller left in a label can show."""
        now = datetime.now().astimezone()
        self._show_tier(card.match)
        headline = one_line(card.headline)
        self._chip.setText(REDACTED_LABEL)
        _set_shown(self._chip, headline != REDACTED_LABEL)  # no company: the label once
        self._source.set_full_text("")
        self._name.set_full_text(headline)
        self.setAccessibleName(f"{REDACTED_LABEL}: {headline}")
        self._role.set_full_text("")
        for widget in (self._role, self._number, self._number_key, self._time, self._time_key,
                       self._promise, self._opener_block, self._copy, self._open,
                       self._search, self._identify):  # fmt: skip
            _set_shown(widget, False)
        self._number.set_full_text("")
        self._time.set_full_text("")
        self._promise.setText("")
        self._opener.setText("")
        self._fill_people(card, now)
        self._fill_story(None, now, several=False)
        self._fill_notes(None)
        self._fill_candidates(())
        if self._picker is not None:
            _set_shown(self._picker, False)

    def _fill_people(self, card: Card, now: datetime) -> None:
        several = len(card.contacts) > 1
        _set_shown(self._people_title, several)
        shown = card.contacts[:MAX_PEOPLE] if several else ()
        for i, row in enumerate(self._people):
            if i < len(shown):
                person = shown[i]
                detail = person_line(person, card.number.e164, now, hour_cycle())
                row.fill(person.name or person.company, detail, person.id)
            else:
                row.fill("", "", None)
        hidden = len(card.contacts) - len(shown) if several else 0
        self._people_more.setText(f"and {hidden} more" if hidden > 0 else "")
        _set_shown(self._people_more, hidden > 0)

    def _fill_story(self, contact: Contact | None, now: datetime, *, several: bool) -> None:
        reason = why_we_called(contact) if contact else ""
        referred = one_line(contact.referred_by) if contact else ""
        attempts = contact.attempts[:MAX_ATTEMPTS] if contact else ()
        _set_shown(self._why_title, bool(reason or referred or attempts))
        if contact is not None:
            self._why_title.setText(story_title(contact, attempts, several=several))
        self._reason.setText(sentence(reason))
        _set_shown(self._reason, bool(reason))
        self._referral.set_full_text(f"Referred by {referred}" if referred else "")
        _set_shown(self._referral, bool(referred))
        cycle = hour_cycle() if attempts else "24h"  # asked once, not per row
        for i, row in enumerate(self._attempts):
            row.fill(attempts[i] if i < len(attempts) else None, now, cycle)

    def _fill_notes(self, contact: Contact | None) -> None:
        step = next_step_line(contact) if contact is not None else ""
        self._next_step.setText(step)
        _set_shown(self._next_step, bool(step))
        if contact is not None and contact.notes.strip():
            self._notes.fill(contact.notes)
        else:
            self._notes.hide()
        _set_shown(self._notes_title, bool(step) or not self._notes.text.isHidden())

    def _fill_candidates(self, candidates: tuple[Candidate, ...]) -> None:
        shown = candidates[:MAX_CANDIDATES]
        _set_shown(self._candidates_title, bool(shown))
        for i, row in enumerate(self._candidates):
            if i < len(shown):
                guess = shown[i]
                row.fill(guess.contact.name or guess.contact.company, guess.why, guess.contact.id)
            else:
                row.fill("", "", None)

    def _fit_height(self) -> None:
        # A nested widget's layout tells its parent about new text only on a later event-loop
        # pass; the height is needed now, before the stack places the card.
        block_layout = self._opener_block.layout()
        if block_layout is not None:
            block_layout.invalidate()
        self._opener_block.updateGeometry()
        height = self._content_height()
        room = self._room()
        if height > room:
            # A card taller than the screen would hide its opener and buttons: the notes, then
            # the older messages, fold to their "Show …" links until it fits; never the text
            # the rep just asked for.
            foldable = [self._notes] + [row.message for row in reversed(self._attempts)]
            for part in foldable:
                if height <= room:
                    break
                if part is not self._opened and part.can_fold():
                    part.fold()
                    height = self._content_height()
            # Then Who is it?'s guesses show fewer at once (the list scrolls): its buttons
            # and the card's went past the screen's bottom edge at 2x.
            picker = self._picker
            while height > room and picker is not None and not picker.isHidden() and (
                picker.row_limit() > 1
            ):
                picker.set_row_limit(picker.row_limit() - 1)
                height = self._content_height()
        if height != self.height():
            self.setFixedHeight(height)

    def _content_height(self) -> int:
        layout = self.layout()
        assert layout is not None  # built in __init__
        self._lay_out_text(layout)
        # Only the height is asked here; the geometry is set once, by show() or the resize
        # that follows (activating here too laid every widget out twice per ring). Nested
        # layouts keep their old hints until told: activate() used to tell them.
        self._forget_hints(layout)
        width = self.width()
        return (
            layout.totalHeightForWidth(width)
            if layout.hasHeightForWidth()
            else layout.totalSizeHint().height()
        )

    def _forget_hints(self, layout: QLayout) -> None:
        # The card's layouts are all made in _build (later only widgets go in), so the tree is
        # walked once: wrapping each of its items for Python cost ~60 µs on every ring.
        if self._hint_layouts[0] != layout.count():
            self._hint_layouts = (layout.count(), _layouts_in(layout))
        for nested in self._hint_layouts[1]:
            nested.invalidate()

    def _lay_out_text(self, layout: QLayout) -> None:
        """The painted text is measured for the card's width, which is fixed, before the
        layout asks the panels for their heights."""
        margins = layout.contentsMargins()
        width = self.width() - margins.left() - margins.right()
        self._head.lay_out(width)
        opener_layout = self._opener_block.layout()
        assert opener_layout is not None  # built in _build
        inset = opener_layout.contentsMargins()
        self._opener_text.lay_out(width - inset.left() - inset.right())
        height = self._story.lay_out(width)
        opener = not self._opener_block.isHidden()
        # Without an opener (a missed call's card) the blank story and the opener's gap were
        # an empty band between "Local time" and the buttons: the buttons follow the text.
        blank = 0 if self._story.has_content() or not opener else height
        _set_shown(self._story, self._story.has_content() and height > 0)
        if self._story_blank.sizeHint().height() != blank:
            self._story_blank.changeSize(0, blank, QSizePolicy.Policy.Minimum,
                                         QSizePolicy.Policy.Fixed)  # fmt: skip
        gap = OPENER_GAP if opener else 0
        if self._opener_gap.sizeHint().height() != gap:
            self._opener_gap.changeSize(0, gap, QSizePolicy.Policy.Minimum,
                                        QSizePolicy.Policy.Fixed)  # fmt: skip

    def keep_room_above(self, height: int) -> None:
        """Leave `height` pixels of the screen above the card: the stack's "+N more" entry goes
        there, above the newest card, in its column. A card as tall as the screen (at 2× a
        1600×1000 screen is 500 high) folds as it does for the screen's edge; without this
        the entry went to a column of its own, beside the card, where it read as another
        call's. The stack says so before it places the card, and re-packs after."""
        if height == self._kept_above:
            return
        self._kept_above = height
        if self._card is not None:
            self._fit_height()

    def _room(self) -> int:
        """The height the screen the card is on can show, inside the stack's margins and
        below what the stack keeps above it."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return 1 << 20
        return screen.availableGeometry().height() - 2 * SCREEN_MARGIN - self._kept_above

    # -- who is it (unknown callers) --

    def _can_identify(self, card: Card) -> bool:
        return (
            self._picker_factory is not None
            and card.match is MatchTier.NONE
            # a colleague's extension too: "3103" is linked or saved as a number is
            and (card.number.e164 is not None or bool(internal_extension(card.number)))
        )

    def open_picker(self) -> None:
        """Swap the guesses for the picker: a name box that narrows them as the caller says
        who they are, and one click to link the number or make a contact."""
        card = self._card
        if card is None or not self._can_identify(card) or self._picker_factory is None:
            return
        if self._picker is None:
            picker = self._picker_factory(self)
            layout = self.layout()
            assert isinstance(layout, QVBoxLayout)
            layout.insertWidget(self._picker_index, picker)
            picker.focus_wanted.connect(self.take_focus)
            picker.linked.connect(self._identified)
            picker.created.connect(self._identified)
            # Narrowing changes the list's height: follow it, or a gap or a clip appears.
            picker.installEventFilter(self)
            self._picker = picker
        self._picker.set_card(card)
        _set_shown(self._candidates_title, False)
        for row in self._candidates:
            row.fill("", "", None)
        _set_shown(self._picker, True)
        _set_shown(self._identify, False)
        self._fit_height()
        self.height_changed.emit()
        self.take_focus()  # the cursor goes into the name box

    def _identified(self, contact_id: object) -> None:
        self.caller_identified.emit(self._call_key, contact_id)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._picker and event.type() == QEvent.Type.LayoutRequest:
            QTimer.singleShot(0, self._refit)
        return super().eventFilter(watched, event)

    def _expanded(self, part: _Expandable) -> None:
        self._opened = part
        self._refit()

    def update_local_time(self, local: LocalTime) -> None:
        """The caller's clock moved on while the card is up: only that line changes (what
        the rep opened or typed on the card stays as it is)."""
        card = self._card
        if card is None or card.redacted or local.text == card.local_time.text:
            return
        self._card = replace(card, local_time=local)
        when_where = place_and_time(local)
        self._time.set_full_text(when_where)
        _set_shown(self._time, bool(when_where))
        _set_shown(self._time_key, bool(when_where))
        self._refit()
        self.update()

    def _refit(self) -> None:
        before = self.height()
        self._fit_height()
        if self.isVisible() and self.height() != before:
            self.height_changed.emit()

    # -- buttons --

    def _copy_opener(self) -> None:
        if self._card is None or not self._card.opener.strip():
            return
        clipboard = QGuiApplication.clipboard()
        clipboard.setText(self._card.opener.strip())
        self._copy.setText("Copied ✓")
        self._copied_timer.start(COPIED_FEEDBACK_MS)
        self.copy_opener_clicked.emit(self._call_key)

    def _reset_copy_button(self) -> None:
        if self._copy.text() != "Copy opener":
            self._copy.setText("Copy opener")

    def _open_first_contact(self) -> None:
        # With a menu the button opens whom the rep picks there: a click too quick for the
        # menu (Enter, a test's) is not a pick of the first.
        if self._open.menu() is None and self._card is not None and self._card.contacts:
            self.open_contact_requested.emit(self._card.contacts[0].id)

    def _request_search(self) -> None:
        if self._card is not None:
            withheld = self._card.number.withheld
            self.open_search_requested.emit("" if withheld else self._card.caller_id)

    # -- Qt overrides --

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if event.rect().left() < STRIPE_WIDTH:
            painter = QPainter(self)
            painter.fillRect(0, 0, STRIPE_WIDTH, self.height(), self._theme.accents[self._tier])
            painter.end()

    def changeEvent(self, event: QEvent) -> None:
        # The desktop switched light/dark or its font: the card's own palette or font follows
        # it, and the sheet holds concrete colours, so it is rebuilt. (Not in event(): a
        # Python event() is called for every event of the card, ten on every ring.)
        if event.type() in _RESTYLED and not self._restyling:
            self._restyling = True  # the new sheet may change the palette again
            try:
                self._apply_theme()
                self.setFixedWidth(self._card_width())
                if self._card is not None:
                    self._fit_height()
            finally:
                self._restyling = False
        super().changeEvent(event)

    def enterEvent(self, event: QEnterEvent) -> None:
        self._tips.follow(self._panels(), True)
        super().enterEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        self._tips.follow(self._panels(), False)
        super().leaveEvent(event)

    def _panels(self) -> list[TextPanel]:
        return [self._head, self._story, self._opener_text]

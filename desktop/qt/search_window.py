"""Find anyone by name, company, notes or a few digits of their number, as you type.

Keyboard first: the query field keeps the focus, Up/Down (and Page Up/Down) move through the
results, Enter opens the selected person, Esc closes the window. Every keystroke runs one
indexed search (well under a frame at 100k contacts: benchmarks/search_latency.py); a short
timer only folds together keystrokes that arrive faster than that.

Names, companies, notes and reasons come from imports and call logs, so results are painted as
plain text by the delegate below, never as rich text.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QFont,
    QFontMetrics,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPalette,
    QShortcut,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from desktop.adapters.store import StoreError
from desktop.core.candidates import readable, short_date
from desktop.core.card import why_we_called
from desktop.core.display_text import display_text, one_line
from desktop.core.models import DEMO_MARK
from desktop.core.search_query import SearchFilters, SearchHit, SearchQuery, parse_query
from desktop.core.sources import sources_text
from desktop.qt.screen_fit import fit_to_screen

SEARCH_DELAY_MS = 25
DEFAULT_DAYS = 7
SEARCH_KEYS = QKeySequence.StandardKey.Find  # Ctrl+F (Cmd+F on macOS) in every app window
_PRIMARY = Qt.ItemDataRole.UserRole + 1
_SECONDARY = Qt.ItemDataRole.UserRole + 2
_ID = Qt.ItemDataRole.UserRole
_FIELD_NAMES = {
    "company": "company", "title": "title", "email": "email", "notes": "notes",
    "reason": "reason", "referred_by": "referral", "next_step": "next step",
}  # fmt: skip

Search = Callable[[SearchQuery], list[SearchHit]]


def plain_tooltip(text: str) -> str:
    """Tooltips guess rich text and have no plain mode: escaped and wrapped, `<b>` reads as
    typed."""
    return f"<p style='white-space:pre-wrap'>{html.escape(display_text(text))}</p>" if text else ""


def result_lines(hit: SearchHit, now: datetime) -> tuple[str, str]:
    """The two lines a result shows: who, and why they might be the one."""
    contact = hit.contact
    who = one_line(contact.name) or one_line(contact.company) or "(no name)"
    role = " · ".join(
        one_line(p) for p in (contact.title, contact.company) if p.strip() and one_line(p) != who
    )
    primary = f"{who} — {role}" if role else who
    if contact.demo:
        primary = f"{DEMO_MARK} · {primary}"
    details: list[str] = []
    numbers = [n for n in contact.numbers if n.e164 or n.raw.strip()]
    if numbers:
        first = readable(numbers[0].e164) if numbers[0].e164 else one_line(numbers[0].raw)
        details.append(first + (f" (+{len(numbers) - 1})" if len(numbers) > 1 else ""))
    sources = sources_text(contact.sources)
    if sources:
        details.append(f"from {sources}")
    if contact.last_contacted is not None:
        details.append(f"last contact {short_date(contact.last_contacted, now)}")
    else:
        details.append("never contacted")
    why = one_line(why_we_called(contact))
    if why:
        details.append(why)
    else:
        found_in = [_FIELD_NAMES[f] for f in hit.matched_in if f in _FIELD_NAMES]
        if found_in:
            details.append("found in " + ", ".join(found_in))
    return primary, " · ".join(details)


class ResultDelegate(QStyledItemDelegate):
    """Two plain-text lines per result: the name in bold, the details muted and elided."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.padding = 6

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        metrics = QFontMetrics(option.font)
        return QSize(200, metrics.height() * 2 + self.padding * 2 + 2)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:  # fmt: skip
        style_option = QStyleOptionViewItem(option)
        self.initStyleOption(style_option, index)
        style_option.text = ""
        widget = style_option.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, style_option, painter, widget)
        rect = style_option.rect.adjusted(
            self.padding + 4, self.padding, -self.padding, -self.padding
        )
        selected = bool(style_option.state & QStyle.StateFlag.State_Selected)
        palette: QPalette = style_option.palette
        text_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        text_colour = palette.color(text_role)
        muted = palette.color(text_role)
        muted.setAlphaF(0.7 if selected else 0.62)
        bold = QFont(style_option.font)
        bold.setBold(True)
        line = QFontMetrics(bold).height()
        painter.save()
        painter.setFont(bold)
        painter.setPen(text_colour)
        primary = QFontMetrics(bold).elidedText(
            str(index.data(_PRIMARY) or ""), Qt.TextElideMode.ElideRight, rect.width()
        )
        flags = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop) | int(
            Qt.TextFlag.TextSingleLine
        )
        painter.drawText(rect.adjusted(0, 0, 0, -line), flags, primary)
        regular = QFont(style_option.font)
        painter.setFont(regular)
        painter.setPen(muted)
        secondary = QFontMetrics(regular).elidedText(
            str(index.data(_SECONDARY) or ""), Qt.TextElideMode.ElideRight, rect.width()
        )
        painter.drawText(rect.adjusted(0, line + 1, 0, 0), flags, secondary)
        painter.restore()


class SearchWindow(QWidget):
    contact_chosen = Signal(object)  # contact id (int; a rowid can outgrow a C int)

    def __init__(self, search: Search, *, clock: Callable[[], datetime] | None = None) -> None:
        super().__init__(None, Qt.WindowType.Window)
        self.setWindowTitle("CallerCard — Search")
        self.setMinimumSize(420, 320)
        self._search = search
        self._clock = clock or (lambda: datetime.now(UTC))

        self.query = QLineEdit(self)
        self.query.setPlaceholderText("Name, company, notes, or 3+ digits of a number")
        self.query.setClearButtonEnabled(True)
        big = QFont(self.query.font())
        big.setPointSizeF(big.pointSizeF() * 1.15)
        self.query.setFont(big)
        self.query.setMinimumHeight(QFontMetrics(big).height() + 14)
        self.query.installEventFilter(self)

        self.recent = QCheckBox("Called in the last", self)
        self.days = QSpinBox(self)
        self.days.setRange(1, 3650)
        self.days.setValue(DEFAULT_DAYS)
        self.days.setSuffix(" days")
        self.days.setEnabled(False)
        self.awaiting = QCheckBox("Message left, no callback", self)
        self.awaiting.setToolTip("We left a voicemail in the last year and they have not "
                                 "called back or talked to us since")  # fmt: skip
        self.referral = QCheckBox("Has a referral", self)
        filters = QHBoxLayout()
        filters.setSpacing(6)
        filters.addWidget(self.recent)
        filters.addWidget(self.days)
        filters.addSpacing(14)
        filters.addWidget(self.awaiting)
        filters.addSpacing(14)
        filters.addWidget(self.referral)
        filters.addStretch(1)

        self.results = QListWidget(self)
        self.results.setItemDelegate(ResultDelegate(self.results))
        self.results.setUniformItemSizes(True)
        self.results.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the query keeps the keyboard
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.status = QLabel("", self)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        self.hint = QLabel("↑↓ choose · Enter open · Esc close", self)
        self.hint.setTextFormat(Qt.TextFormat.PlainText)
        self.hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        footer = QHBoxLayout()
        footer.addWidget(self.status, 1)
        footer.addWidget(self.hint)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 14, 14, 10)
        layout.setSpacing(8)
        layout.addWidget(self.query)
        layout.addLayout(filters)
        layout.addWidget(self.results, 1)
        layout.addLayout(footer)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.run_search)
        self.query.textChanged.connect(self._timer.start)
        self.query.returnPressed.connect(self._choose_current)
        self.recent.toggled.connect(self.days.setEnabled)
        for box in (self.recent, self.awaiting, self.referral):
            box.toggled.connect(self.run_search)
            box.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.days.valueChanged.connect(self.run_search)
        self.results.itemActivated.connect(self._choose)
        self.results.itemClicked.connect(self._choose)
        QShortcut(SEARCH_KEYS, self, self.focus_query)
        self._show_idle_hint()
        # 600×520 ran below a 2× 1600×1000 screen (800×500 to Qt), hiding the count.
        fit_to_screen(self, QSize(600, 520))

    # -- public --

    def open(self, text: str = "") -> None:
        self.query.setText(text)
        bring_to_front(self)
        self.focus_query()
        self.run_search()

    def focus_query(self) -> None:
        self.query.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.query.selectAll()

    def filters(self) -> SearchFilters:
        return SearchFilters(
            days=self.days.value() if self.recent.isChecked() else None,
            awaiting_callback=self.awaiting.isChecked(),
            has_referral=self.referral.isChecked(),
        )

    def result_ids(self) -> list[int]:
        return [int(self.results.item(i).data(_ID)) for i in range(self.results.count())]

    def run_search(self) -> None:
        self._timer.stop()
        query = parse_query(self.query.text(), self.filters())
        self.results.clear()
        if not query.searchable:
            if query.short_fragments and not query.terms:
                self.status.setText("Type at least 3 digits of a number.")
            else:
                self._show_idle_hint()
            return
        try:
            hits = self._search(query)
        except StoreError as exc:
            self.status.setText(f"Search failed: {exc}")
            return
        now = self._clock()
        for hit in hits:
            primary, secondary = result_lines(hit, now)
            item = QListWidgetItem()
            item.setData(_ID, hit.contact.id)
            item.setData(_PRIMARY, primary)
            item.setData(_SECONDARY, secondary)
            # Screen readers and tooltips get the same plain text the delegate paints.
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{primary}. {secondary}")
            item.setToolTip(plain_tooltip(f"{primary}\n{secondary}"))
            self.results.addItem(item)
        if hits:
            self.results.setCurrentRow(0)
            self.status.setText(f"{len(hits)} found" if len(hits) > 1 else "1 found")
        else:
            text = one_line(self.query.text())
            shown = text if len(text) <= 40 else text[:39] + "…"
            self.status.setText(f"No one matches “{shown}”." if shown else "No one matches.")

    # -- keyboard --

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.query and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            steps = {
                Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1,
                Qt.Key.Key_PageDown: 8, Qt.Key.Key_PageUp: -8,
            }  # fmt: skip
            step = steps.get(Qt.Key(event.key()))
            if step is not None and self.results.count():
                row = min(max(self.results.currentRow() + step, 0), self.results.count() - 1)
                self.results.setCurrentRow(row)
                return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close()
        else:
            super().keyPressEvent(event)

    def _show_idle_hint(self) -> None:
        self.status.setText("Search names, companies, notes, reasons, or digits of a number.")

    def _choose_current(self) -> None:
        if self._timer.isActive():
            self.run_search()  # Enter right after typing opens what was typed
        item = self.results.currentItem()
        if item is not None:
            self._choose(item)

    def _choose(self, item: QListWidgetItem) -> None:
        self.contact_chosen.emit(int(item.data(_ID)))


def install_search_shortcut(window: QWidget, open_search: Callable[[], None]) -> QShortcut:
    """Ctrl+F (Cmd+F) in `window` opens the search window."""
    return QShortcut(SEARCH_KEYS, window, open_search)


def bring_to_front(window: QWidget) -> None:
    """Show, raise and focus a window the rep asked for (never used for the popup), out of
    the taskbar too: asked for while minimized, it would otherwise stay there unseen."""
    if window.isMinimized():
        window.setWindowState(window.windowState() & ~Qt.WindowState.WindowMinimized)
    window.show()
    if QGuiApplication.platformName() != "offscreen":  # it has no stacking order to change
        window.raise_()
    window.activateWindow()

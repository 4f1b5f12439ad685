"""Find anyone by name, company, notes or a few digits of their number, as you type.

Keyboard first: the query field keeps the focus, Up/Down (and Page Up/Down) move through the
results, Enter opens the selected person, Esc closes the window. Every keystroke runs one
indexed search (well under a frame at 100k contacts: benchmarks/search_latency.py); a short
timer only folds together keystrokes that arrive faster than that.

Under the people found, a "Calls" group lists the calls for what was typed, the newest first:
those with the people found by name, company or number, and those whose caller ID said it
(unknown callers included): "mike" finds MIKE CELL's missed calls, "0177" the calls from
numbers holding 0177. "Called in the last N days" narrows the calls too ("all the Mikes this
week"). A call row's Call back places the call as every Call button does (on a person's row,
to the number it shows first); Enter opens the contact a call was with.

Names, companies, notes, reasons and caller ID names come from imports and call logs, so
results are painted as plain text by the delegate below, never as rich text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

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
    QPushButton,
    QSpinBox,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from desktop.adapters.store import SEARCH_LIMIT, LoggedCall, StoreError
from desktop.adapters.store.calls import CALL_SEARCH_LIMIT
from desktop.adapters.store.search import SEARCH_ATTEMPTS
from desktop.core.call_summary import call_who, what_happened, when_text
from desktop.core.candidates import readable
from desktop.core.card import why_we_called
from desktop.core.display_text import one_line
from desktop.core.localtime import HourCycle
from desktop.core.models import DEMO_MARK, Contact, Direction, StoredNumber
from desktop.core.number_edit import shown_number
from desktop.core.search_query import (
    SearchFilters,
    SearchHit,
    SearchQuery,
    parse_query,
)
from desktop.core.search_reasons import how_found
from desktop.core.sources import sources_text
from desktop.core.unread_caller_id import caller_id_text
from desktop.qt.book_watch import while_shown
from desktop.qt.call_list import CALLER_ID_NAME_TIP, is_missed
from desktop.qt.number_table import place_call
from desktop.qt.plain_tooltip import plain_tooltip
from desktop.qt.screen_fit import fit_to_screen
from desktop.qt.system_clock import hour_cycle

if TYPE_CHECKING:
    from pathlib import Path

    from desktop.qt.click_to_call import ClickToCall

SEARCH_DELAY_MS = 25
REFRESH_DELAY_MS = 300
DEFAULT_DAYS = 7
SEARCH_KEYS = QKeySequence.StandardKey.Find  # Ctrl+F (Cmd+F on macOS) in every app window
_PRIMARY = Qt.ItemDataRole.UserRole + 1
_SECONDARY = Qt.ItemDataRole.UserRole + 2
_ID = Qt.ItemDataRole.UserRole  # a contact's id; a call's contact id, or None
_KIND = Qt.ItemDataRole.UserRole + 3  # one of the three below
_NUMBER = Qt.ItemDataRole.UserRole + 4  # a call's number (E.164)
PERSON, HEADING, CALL = "person", "heading", "call"

Search = Callable[[SearchQuery], list[SearchHit]]
FindCalls = Callable[[SearchQuery, list[SearchHit]], list[LoggedCall]]


def first_number(contact: Contact,
                 fragments: Sequence[Sequence[str]] = ()) -> StoredNumber | None:  # fmt: skip
    """The number a result shows first and Call back dials: the one holding the digits
    searched for ("0199" found Chris by his second number, and his row showed the first), else
    one that can be called ("030" kept as text only is no use at the top), and a voice line
    before a fax: an Outlook export lists Business Fax before Business Phone, and Zoë's row
    showed her fax and Call back dialled it."""
    numbers = sorted((n for n in contact.numbers if n.e164 or n.raw.strip()),
                     key=lambda n: (n.e164 is None, n.is_fax))  # fmt: skip
    for number in numbers:
        digits = ((number.e164 or "").lstrip("+"),
                  "".join(ch for ch in number.raw if ch.isascii() and ch.isdigit()))
        if fragments and all(any(f in d for f in forms for d in digits) for forms in fragments):
            return number
    return numbers[0] if numbers else None


def result_lines(hit: SearchHit, now: datetime, fragments: Sequence[Sequence[str]] = (),
                 cycle: HourCycle = "24h") -> tuple[str, str]:  # fmt: skip
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
    shown = first_number(contact, fragments)
    if shown is not None:
        others = sum(1 for n in contact.numbers if n.e164 or n.raw.strip()) - 1
        first = one_line(shown_number(shown))  # with its extension: a desk, not the line
        # "and 1 more", not "(+1)": beside a number, "+1" read as the US country code.
        details.append(first + (f" and {others} more" if others else ""))
    sources = sources_text(contact.sources)
    if sources:
        details.append(f"from {sources}")
    calls_in = [a for a in contact.attempts if a.direction is Direction.IN]  # newest first
    if contact.last_contacted is not None:
        # As the Calls group under it says it: "today 10:37", not "Mon 7 Dec" for this morning.
        details.append(f"last contact {when_text(contact.last_contacted, now, cycle)}")
    elif calls_in:
        # They called and nobody has spoken to them yet: a call that rang with no end seen
        # ("rang") is a call too, where "never contacted" hid two calls in from a prospect.
        said = "missed their call" if is_missed(calls_in[0]) else "they called"
        details.append(f"{said} {when_text(calls_in[0].at, now, cycle)}"
                       + _calls_count(len(calls_in), len(contact.attempts)))  # fmt: skip
    else:
        details.append("never contacted")
    why = one_line(why_we_called(contact))
    details.extend(how_found(hit, why))
    if why:
        details.append(why)
    return primary, " · ".join(details)


def _calls_count(calls_in: int, loaded: int) -> str:
    """" (2 calls)"; the search loads a person's latest SEARCH_ATTEMPTS calls only, so when
    that many are loaded there may be more: " (3+ calls)"."""
    if calls_in < 2:
        return ""
    return f" ({calls_in}+ calls)" if loaded >= SEARCH_ATTEMPTS else f" ({calls_in} calls)"


def call_lines(call: LoggedCall, now: datetime, cycle: HourCycle = "24h") -> tuple[str, str]:
    """A call row's two parts, shown on one line: who (in bold), then the number and what
    happened when: ("MIKE CELL (caller ID)", "+1 415-555-0177 · missed Tue 14:05")."""
    attempt = call.attempt
    who = call_who(attempt, call.contact)
    rest = [readable(attempt.number_e164)] if attempt.number_e164 else []
    if attempt.caller_id:  # no number we can read: a colleague's "x3103", else the caller ID
        # as received, found by it
        said = caller_id_text(attempt.caller_id)
        if said != who:  # an extension nobody has is named by it: "x3199", once
            rest.append(said)
    rest.append(f"{what_happened(attempt)} {when_text(attempt.at, now, cycle)}")
    return who, " · ".join(rest)


def fit_call_row(who: str, rest: str, bold: QFontMetrics, regular: QFontMetrics,
                 width: int) -> tuple[str, str]:  # fmt: skip
    """What a call row shows in `width` pixels: who, then " · " and the rest.

    What happened and when ends the row and is its point: "…voicemail left yesterday 15:05"
    was cut to "missed t…" behind a long caller ID name. So the who gives way first (down to
    half the row), then the number or caller ID before the outcome, and only then is the
    outcome itself shortened."""
    parts = rest.split(" · ") if rest else []
    last = regular.horizontalAdvance(" · " + parts[-1]) if parts else 0
    shown_who = bold.elidedText(who, Qt.TextElideMode.ElideRight, max(width - last, width // 2))
    room = max(width - bold.horizontalAdvance(shown_who), 0)
    while len(parts) > 1 and regular.horizontalAdvance(" · " + " · ".join(parts)) > room:
        parts.pop(0)
    if not parts:
        return shown_who, ""
    return shown_who, regular.elidedText(" · " + " · ".join(parts), Qt.TextElideMode.ElideRight,
                                         room)  # fmt: skip


class ResultDelegate(QStyledItemDelegate):
    """Two plain-text lines per result: the name in bold, the details muted and elided."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.padding = 6

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        metrics = QFontMetrics(option.font)
        kind = index.data(_KIND)
        if kind == HEADING:  # room above it parts it from the people
            return QSize(200, metrics.height() + self.padding * 2 + 8)
        if kind == CALL:
            return QSize(200, metrics.height() + self.padding * 2)
        return QSize(200, metrics.height() * 2 + self.padding * 2 + 2)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:  # fmt: skip
        kind = index.data(_KIND)
        if kind == HEADING:
            self._paint_heading(painter, option, index)
            return
        if kind == CALL:
            self._paint_call(painter, option, index)
            return
        style_option = self._item_background(painter, option, index)
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

    def _paint_heading(self, painter: QPainter, option: QStyleOptionViewItem,
                       index: QModelIndex | QPersistentModelIndex) -> None:  # fmt: skip
        """The group's name in bold, muted, on a rule across the list."""
        bold = QFont(option.font)
        bold.setBold(True)
        rect = option.rect.adjusted(self.padding + 4, self.padding + 8, -self.padding, 0)
        colour = option.palette.color(QPalette.ColorRole.Text)
        colour.setAlphaF(0.75)
        painter.save()
        if index.row() > 0:  # a rule under the people; with nobody found there is none
            painter.setPen(option.palette.color(QPalette.ColorRole.Mid))
            painter.drawLine(option.rect.left() + 4, option.rect.top() + 4,
                             option.rect.right() - 4, option.rect.top() + 4)  # fmt: skip
        painter.setFont(bold)
        painter.setPen(colour)
        text = QFontMetrics(bold).elidedText(str(index.data(_PRIMARY) or ""),
                                             Qt.TextElideMode.ElideRight, rect.width())  # fmt: skip
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
                         | int(Qt.TextFlag.TextSingleLine), text)  # fmt: skip
        painter.restore()

    def _item_background(
        self, painter: QPainter, option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QStyleOptionViewItem:  # fmt: skip
        """The row's background and selection as the style draws them, without its text (the
        text is drawn by hand, plain); the option, to draw the text in."""
        style_option = QStyleOptionViewItem(option)
        self.initStyleOption(style_option, index)
        style_option.text = ""
        widget = style_option.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, style_option, painter, widget)
        return style_option

    def _paint_call(self, painter: QPainter, option: QStyleOptionViewItem,
                    index: QModelIndex | QPersistentModelIndex) -> None:  # fmt: skip
        """One line: who in bold, then the number and when, muted; the details give way
        first when the row is narrow."""
        style_option = self._item_background(painter, option, index)
        rect = style_option.rect.adjusted(self.padding + 4, self.padding, -self.padding,
                                          -self.padding)  # fmt: skip
        selected = bool(style_option.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        text_colour = style_option.palette.color(role)
        muted = style_option.palette.color(role)
        muted.setAlphaF(0.7 if selected else 0.62)
        bold = QFont(style_option.font)
        bold.setBold(True)
        flags = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter) | int(
            Qt.TextFlag.TextSingleLine
        )
        regular = QFont(style_option.font)
        who, rest = fit_call_row(str(index.data(_PRIMARY) or ""),
                                 str(index.data(_SECONDARY) or ""), QFontMetrics(bold),
                                 QFontMetrics(regular), rect.width())  # fmt: skip
        painter.save()
        painter.setFont(bold)
        painter.setPen(text_colour)
        painter.drawText(rect, flags, who)
        used = QFontMetrics(bold).horizontalAdvance(who)
        rest_rect = rect.adjusted(used, 0, 0, 0)
        painter.setFont(regular)
        painter.setPen(muted)
        painter.drawText(rest_rect, flags, rest)
        painter.restore()


class SearchWindow(QWidget):
    contact_chosen = Signal(object)  # contact id (int; a rowid can outgrow a C int)

    def __init__(self, search: Search, *, clock: Callable[[], datetime] | None = None,
                 calls: FindCalls | None = None, database: Path | None = None,
                 home: Callable[[SearchQuery], SearchQuery] | None = None) -> None:  # fmt: skip
        super().__init__(None, Qt.WindowType.Window)
        self.setWindowTitle("CallerCard — Search")
        self.setMinimumSize(420, 320)
        self._search = search
        self._find_calls = calls
        # What was typed read as the home region writes numbers ("0171" is also 49171 in DE):
        # the search, and which number a result shows first, both go by it.
        self._home = home or (lambda query: query)
        self._clock = clock or (lambda: datetime.now().astimezone())
        self.placer: ClickToCall | None = None  # set by the app: how its calls are placed
        self.scheme = "tel"

        self.query = QLineEdit(self)
        self.query.setPlaceholderText("Name, company, notes, or 3+ digits of a number")
        self.query.setClearButtonEnabled(True)
        big = QFont(self.query.font())
        big.setPointSizeF(big.pointSizeF() * 1.15)
        self.query.setFont(big)
        self.query.setMinimumHeight(QFontMetrics(big).height() + 14)
        self.query.installEventFilter(self)

        self.recent = QCheckBox("Called in the last", self)
        # "Called" reads as "I called": a rep asked whether Mikey, who rang us, belonged.
        self.recent.setToolTip("A call either way, answered or not: people you called and "
                               "people who called you")  # fmt: skip
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
        self.results.setUniformItemSizes(False)  # people take two lines, calls one
        self.results.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the query keeps the keyboard
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.status = QLabel("", self)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        self.hint = QLabel("↑↓ choose · Enter open · Esc close", self)
        self.hint.setTextFormat(Qt.TextFormat.PlainText)
        self.hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.call = QPushButton("&Call back", self)
        self.call.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # the query keeps the keyboard
        self.call.clicked.connect(self.call_selected)
        self.call.hide()  # shown with the results
        footer = QHBoxLayout()
        footer.addWidget(self.status, 1)
        footer.addWidget(self.hint)
        footer.addWidget(self.call)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 14, 14, 10)
        layout.setSpacing(8)
        layout.addWidget(self.query)
        layout.addLayout(filters)
        layout.addWidget(self.results, 1)
        layout.addLayout(footer)
        # As narrow as the filters allow: at 420 they were cut ("Called in th", "Has a refer").
        self.setMinimumWidth(max(420, layout.minimumSize().width()))

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.run_search)
        # Edits elsewhere come a keystroke at a time (the contact view saves each): one
        # search again once they pause.
        self._stale = QTimer(self)
        self._stale.setSingleShot(True)
        self._stale.setInterval(REFRESH_DELAY_MS)
        self._stale.timeout.connect(self._search_again)
        if database is not None:
            # Left open while an import runs in a terminal or a directory syncs: those commit
            # through their own connections, and the people shown are read again.
            while_shown(self, database, self.refresh)
        self.query.textChanged.connect(self._timer.start)
        self.query.returnPressed.connect(self._choose_current)
        self.recent.toggled.connect(self.days.setEnabled)
        for box in (self.recent, self.awaiting, self.referral):
            box.toggled.connect(self.run_search)
            box.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.days.valueChanged.connect(self.run_search)
        self.results.itemActivated.connect(self._choose)
        self.results.itemClicked.connect(self._clicked)
        self.results.currentItemChanged.connect(lambda *_: self._update_call())
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

    def _rows(self, kind: str) -> list[QListWidgetItem]:
        return [item for i in range(self.results.count())
                if (item := self.results.item(i)).data(_KIND) == kind]  # fmt: skip

    def result_ids(self) -> list[int]:
        """The people listed, in order."""
        return [int(item.data(_ID)) for item in self._rows(PERSON)]

    def call_rows(self) -> list[str]:
        """The calls listed, in order, each as its line reads."""
        return [f"{item.data(_PRIMARY)} · {item.data(_SECONDARY)}" for item in self._rows(CALL)]

    def shown_call_rows(self) -> list[str]:
        """The calls listed, each as it is painted at the list's width now."""
        delegate = self.results.itemDelegate()
        assert isinstance(delegate, ResultDelegate)
        bold = QFont(self.results.font())
        bold.setBold(True)
        shown = []
        for item in self._rows(CALL):
            rect = self.results.visualItemRect(item)
            width = rect.width() - 2 * delegate.padding - 4  # as _paint_call insets it
            who, rest = fit_call_row(str(item.data(_PRIMARY) or ""),
                                     str(item.data(_SECONDARY) or ""), QFontMetrics(bold),
                                     QFontMetrics(self.results.font()), width)  # fmt: skip
            shown.append(who + rest)
        return shown

    def calls_heading(self) -> str:
        return next((str(item.data(_PRIMARY)) for item in self._rows(HEADING)), "")

    def refresh(self) -> None:
        """A contact was edited, merged or removed elsewhere: the results shown are worked out
        again shortly, staying on the person the rep had chosen when they are still found."""
        if self.isVisible() and self.query.text().strip():
            self._stale.start()

    def _search_again(self) -> None:
        current = self.results.currentItem()
        person = current is not None and current.data(_KIND) == PERSON
        chosen = current.data(_ID) if current is not None and person else None
        self.run_search()
        for row in range(self.results.count()):
            item = self.results.item(row)
            if chosen is not None and item.data(_KIND) == PERSON and item.data(_ID) == chosen:
                self.results.setCurrentRow(row)
                break

    def run_search(self) -> None:
        self._timer.stop()
        query = self._home(parse_query(self.query.text(), self.filters()))
        self.results.clear()
        self.call.hide()
        if not query.searchable:
            if query.short_fragments and not query.terms:
                self.status.setText("Type at least 3 digits of a number.")
            else:
                self._show_idle_hint()
            return
        try:
            hits = self._search(query)
            calls = self._find_calls(query, hits) if self._find_calls is not None else []
        except StoreError as exc:
            self.status.setText(f"Search failed: {exc}")
            return
        now = self._clock()
        for hit in hits:
            primary, secondary = result_lines(hit, now, query.fragment_forms(), hour_cycle())
            item = QListWidgetItem()
            item.setData(_KIND, PERSON)
            item.setData(_ID, hit.contact.id)
            # Call back calls the number the row shows first.
            first = first_number(hit.contact, query.fragment_forms())
            item.setData(_NUMBER, (first.e164 if first is not None else None) or next(
                (n.e164 for n in hit.contact.numbers if n.e164), ""))  # fmt: skip
            item.setData(_PRIMARY, primary)
            item.setData(_SECONDARY, secondary)
            # Screen readers and tooltips get the same plain text the delegate paints.
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{primary}. {secondary}")
            item.setToolTip(plain_tooltip(f"{primary}\n{secondary}"))
            self.results.addItem(item)
        if calls:
            self._add_calls(calls, query.filters.days, now.astimezone())
        if hits or calls:
            self.results.setCurrentRow(0 if hits else 1)  # a call: the row under its heading
            counted = f"{len(calls)} call" + ("s" if len(calls) > 1 else "")
            if not hits:  # "no contact" read as if the calls had none ("Bo (caller ID…)")
                self.status.setText(f"no one found · {counted}")
            else:
                found = f"{len(hits)} found" if len(hits) > 1 else "1 found"
                if len(hits) >= SEARCH_LIMIT:  # the best of more: "30 found" read as all
                    found = f"{len(hits)} shown; more may match"
                self.status.setText(f"{found} · {counted}" if calls else found)
        else:
            text = one_line(self.query.text())
            shown = text if len(text) <= 40 else text[:39] + "…"
            self.status.setText(f"No one matches “{shown}”." if shown else "No one matches.")
        self._update_call()

    def _add_calls(self, calls: list[LoggedCall], days: int | None, now: datetime) -> None:
        heading = QListWidgetItem()
        heading.setData(_KIND, HEADING)
        within = f" in the last {days} days" if days is not None else ""
        newest = f"the newest {len(calls)}" if len(calls) >= CALL_SEARCH_LIMIT else "newest first"
        heading.setData(_PRIMARY, f"Calls{within} · {newest}")
        heading.setData(Qt.ItemDataRole.AccessibleTextRole, f"Calls{within} · {newest}")
        heading.setFlags(Qt.ItemFlag.ItemIsEnabled)  # a label: never chosen
        self.results.addItem(heading)
        cycle = hour_cycle()
        for call in calls:
            who, rest = call_lines(call, now, cycle)
            item = QListWidgetItem()
            item.setData(_KIND, CALL)
            item.setData(_ID, call.contact.id if call.contact is not None else None)
            item.setData(_NUMBER, call.attempt.number_e164 or "")
            item.setData(_PRIMARY, who)
            item.setData(_SECONDARY, rest)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{who} · {rest}")
            tip = f"{who} · {rest}"
            if call.contact is None and call.attempt.caller_name:
                tip += f"\n{CALLER_ID_NAME_TIP}"
            item.setToolTip(plain_tooltip(tip))
            self.results.addItem(item)

    # -- calling back --

    def selected_number(self) -> str:
        """The selected call's number, or the selected person's first dialable one."""
        item = self.results.currentItem()
        if item is None or item.data(_KIND) not in (CALL, PERSON):
            return ""
        return str(item.data(_NUMBER) or "")

    def call_selected(self) -> None:
        number = self.selected_number()
        if number:
            # For the person or call selected: the number may be one others share.
            item = self.results.currentItem()
            who = item.data(_ID) if item is not None else None
            place_call(self.placer, number, self, self.status.setText, scheme=self.scheme,
                       contact_id=int(who) if who is not None else None)  # fmt: skip

    def _update_call(self) -> None:
        # With people alone too: "Message left, no callback" lists whom to call back, and
        # only the calls' rows brought the button (used as a rep: Open, then Call, per person).
        self.call.setVisible(bool(self._rows(CALL) or self._rows(PERSON)))
        number = self.selected_number()
        self.call.setEnabled(bool(number))
        if number and self.placer is not None:  # with whom, and their time there
            self.call.setToolTip(self.placer.tooltip(number))
        elif number:
            self.call.setToolTip(f"Call {readable(number)}")
        elif (item := self.results.currentItem()) is not None and item.data(_KIND) == PERSON:
            who = str(item.data(_PRIMARY)).split(" — ")[0]
            self.call.setToolTip(plain_tooltip(f"{who} has no number that can be dialled: "
                                               "open them to add or fix one"))  # fmt: skip
        else:
            self.call.setToolTip("Choose a call or a person to call")

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
                self._move(step)
                return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close()
        else:
            super().keyPressEvent(event)

    def _show_idle_hint(self) -> None:
        self.status.setText("Search names, companies, notes, reasons, or digits of a number.")

    def _move(self, step: int) -> None:
        """Up/Down through the rows, past the Calls heading."""
        last = self.results.count() - 1
        row = min(max(self.results.currentRow() + step, 0), last)
        while 0 <= row <= last and self.results.item(row).data(_KIND) == HEADING:
            row += 1 if step > 0 else -1
        if not 0 <= row <= last:  # the heading was at the end it moved to: stay
            row = self.results.currentRow()
        self.results.setCurrentRow(row)

    def _choose_current(self) -> None:
        if self._timer.isActive():
            self.run_search()  # Enter right after typing opens what was typed
        item = self.results.currentItem()
        if item is not None:
            self._choose(item)

    def _clicked(self, item: QListWidgetItem) -> None:
        """A person opens at a click; a call is chosen, for Call back (Enter or a double
        click opens the contact it was with)."""
        if item.data(_KIND) == PERSON:
            self._choose(item)

    def _choose(self, item: QListWidgetItem) -> None:
        kind = item.data(_KIND)
        if kind == HEADING:
            return
        if item.data(_ID) is not None:
            self.contact_chosen.emit(int(item.data(_ID)))
        elif kind == CALL:  # nobody has the number: nothing to open, so say what there is
            self.status.setText(f"Nobody has {readable(str(item.data(_NUMBER)))}: "
                                "Call back calls it.")  # fmt: skip


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

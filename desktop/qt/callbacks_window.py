"""Callbacks: who is waiting for a call from us, whom we are waiting for, the callback
windows the rep promised, and the follow-ups those left; with the other end's clock.

Built like Recent calls (number_table.py): one list, here grouped under a heading for each
section that has someone in it (and, with nobody, a line saying what would be listed), and
the same Open / Copy number / Call back actions. A missed call from a number
nobody has waits here too, named by its caller ID ("MIKE CELL (caller ID)"); its Open is
"Who is it?", which gives the number to a contact or makes a new one (who_is_it.py). A number
whose time there is
outside business hours says so in its row, and Call back asks the status line to repeat it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHeaderView, QLabel, QPushButton, QTreeWidgetItem

from desktop.adapters.callbacks import CallbackEntry
from desktop.adapters.store import StoreError
from desktop.core.business_hours import BusinessHours
from desktop.core.call_summary import unknown_who
from desktop.core.callbacks import Section
from desktop.core.candidates import readable
from desktop.core.card import MatchTier
from desktop.core.card_text import lines_in_one
from desktop.core.display_text import one_line
from desktop.core.internal_extension import extension_call_text
from desktop.core.localtime import HourCycle
from desktop.core.put_off import PutOffKey, key_of, moment_text
from desktop.qt.call_list import CALLER_ID_NAME_TIP
from desktop.qt.clock_tick import tick_while_shown
from desktop.qt.number_table import CONTACT, NUMBER, NumberTableWindow
from desktop.qt.palette import card_theme
from desktop.qt.plain_tooltip import plain_tooltip
from desktop.qt.put_off_controls import PutOffControls
from desktop.qt.screen_fit import fit_to_screen

_WARNING = Qt.ItemDataRole.UserRole + 2
_CLOCK = Qt.ItemDataRole.UserRole + 3
_SECTION = Qt.ItemDataRole.UserRole + 4  # a heading's Section
_ENTRY = Qt.ItemDataRole.UserRole + 5  # a row's CallbackEntry
COLUMNS = ("Who", "Number", "What", "Their time")
# In place of an empty list: a rep on their first morning saw four "… (0)" headings and could
# not tell a quiet day from a window that does not work, nor what would ever land here.
NOTHING_WAITING = (
    "Nobody is waiting for a call from you.\n\n"
    "Missed calls from your contacts, voicemails you left and the times people asked you to "
    "call back are listed here, each with the time of day where they are."
)
# How long what the rep's last click did ("Put off until 09:00 tomorrow") stays before the
# count on the status line: the list is read again on every commit, and the note went with it.
SAID_FOR = timedelta(seconds=60)
NOTE_CHARS = 60  # of the note under What: the column's width follows its longest line
# Room a cell's text does not get: the stylesheet's item padding and the style's text margins.
_H_PAD = 10
_V_PAD = 8


def entry_row(entry: CallbackEntry) -> tuple[str, str, str, str]:
    item = entry.item
    if item.contact is None:  # a number nobody has: what its caller ID said, marked as such
        who = unknown_who(item.attempt.caller_name, item.attempt.caller_id)
    else:
        who = one_line(item.contact.name or item.contact.company) or "(no name)"
        company = one_line(item.contact.company)
        if company and item.contact.name and company != who:
            who += f" · {company}"
    number = said_number(item.dial)
    clock = entry.clock.text
    if entry.clock.problem:  # in full in the tooltip and when calling
        clock += f" — {entry.clock.problem}"
    return who, number, what_cell(item.detail, item.attempt.message), clock


def said_number(dialled: str) -> str:
    """A number as the list says it ("+1 415-555-0142"), a colleague's extension "x3103"."""
    return (extension_call_text(dialled) or readable(dialled)) if dialled else ""


def what_cell(detail: str, note: str) -> str:
    """What is due, and under it what the rep noted or said on their voicemail: "Call them
    back by 12:00 tomorrow" alone did not say what about (`callercard callbacks` printed it,
    the window did not). A note's lines are kept apart (" · "), as in Recent calls; a long
    note is cut here and whole in the cell's tooltip."""
    note = lines_in_one(note, NOTE_CHARS)[0]
    return f"{one_line(detail)}\n{note}" if note else one_line(detail)


class CallbacksWindow(NumberTableWindow):
    # The rep called them another way (a desk phone, a mobile): (contact id or None, number).
    # Nothing else would ever take the entry off the list (used as a rep: "No softphone could
    # place the call. Number copied.", dialled by hand, and the callback stayed due).
    log_requested = Signal(object, str)

    def __init__(self, load: Callable[[], list[CallbackEntry]], *, scheme: str = "tel",
                 count: Callable[[], int] | None = None,
                 put_off: Callable[[PutOffKey, datetime | None], None] | None = None,
                 hours: Callable[[], BusinessHours] | None = None, cycle: HourCycle = "24h",
                 clock: Callable[[], datetime] | None = None,
                 language: str = "en") -> None:  # fmt: skip
        """``put_off`` writes a Snooze (None: due again now); without it there is none."""
        super().__init__("CallerCard — Callbacks", list(COLUMNS), scheme=scheme)
        self.log_button = QPushButton("Log a call…", self)
        self.log_button.setToolTip("You called them from another phone: log the call and "
                                   "write how it went")  # fmt: skip
        self.log_button.clicked.connect(self.log_selected)
        self.action_row.insertWidget(self.action_row.indexOf(self.call), self.log_button)
        self._write_put_off = put_off
        self._cycle = cycle
        self._clock = clock or (lambda: datetime.now().astimezone())
        self.put_off = PutOffControls(self, hours or BusinessHours, cycle, self._clock,
                                      language)  # fmt: skip
        self.put_off.chosen.connect(self._put_off_chosen)
        if put_off is not None:
            self.action_row.insertWidget(self.action_row.indexOf(self.log_button),
                                         self.put_off.button)  # fmt: skip
            self.body.insertWidget(self.body.indexOf(self.table) + 1, self.put_off)
        else:
            self.put_off.button.hide()
        # What "Callbacks (N due)" counts: every one, where the list stops at its newest
        # CALLBACKS_LIMIT per section, so the window says both.
        self._count = count
        self._due = 0
        fit_to_screen(self, QSize(760, 480))
        self.setMinimumSize(520, 320)
        self._load = load
        self.entries: list[CallbackEntry] = []
        self._wanted: list[int] = []  # each column's width for its text on one line
        self._widen_pending = False  # opened, and not yet as wide as its rows want
        self._armed = ""  # a number outside their hours, asked about once: the next click calls
        self._question = ""  # what the status line asked about it
        self._said = ""  # what the rep's last click did, said before the count until
        self._said_until: datetime | None = None
        self.table.setItemsExpandable(False)
        # Long rows wrap inside their columns instead of being cut: "several time zones: …
        # before 8:00 in some" is wider than a small screen on its own.
        self.table.setWordWrap(True)
        self.table.setUniformRowHeights(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        head = self.table.header()
        head.setStretchLastSection(False)
        head.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.viewport().installEventFilter(self)
        self.empty = QLabel(NOTHING_WAITING, self)
        self.empty.setTextFormat(Qt.TextFormat.PlainText)
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setMaximumWidth(520)  # a few short lines in the middle, not one long one
        self.empty.hide()
        self.body.insertWidget(self.body.indexOf(self.table) + 1, self.empty, 1,
                               Qt.AlignmentFlag.AlignHCenter)  # fmt: skip
        self._unread = False  # the store could not be read: an empty list says nothing then
        self.status.setWordWrap(True)
        # Left open, "Missed call 40 min ago", their time of day and what is due follow the
        # clock; a commit (a call, an import) reloads it at once as before.
        tick_while_shown(self, self._age)

    def open(self) -> None:
        """Opened (not raised while shown), it is as wide as its rows want, as far as the
        screen lets it: at its 760 px a German book's "Jürgen Schäfer · Müller & Söhne GmbH"
        and "05:31 — before 8:00" wrapped, "8:00" alone on a line, on a 1600 px screen."""
        shown = self.isVisible()
        if not shown:
            self._widen_pending = True
        super().open()
        self._widen_for_rows()

    def _widen_for_rows(self) -> None:
        """Once per opening, as soon as there are rows: a window opened on an empty list kept
        its 760 px for the long rows a call brought later, wrapped, until it was reopened. A
        window already fitted to its rows is left as the rep sized it."""
        if not self._widen_pending or not self.isVisible() or not self._wanted:
            return
        if self.table.isHidden():
            return
        self._widen_pending = False
        # The table's frame, the rows' indentation under their headings, the scroll bar and
        # the window's margins: what the columns' own widths leave out.
        extra = (self.width() - self.table.viewport().width()
                 + self.table.indentation() + self.table.verticalScrollBar().sizeHint().width())
        wanted = sum(self._wanted) + extra
        if wanted > self.width():
            fit_to_screen(self, QSize(wanted, self.height()), centre_on=self.screen())

    def reload(self) -> None:
        try:
            self.entries = self._load()
            self._due = self._count() if self._count is not None else 0
            problem = ""
        except StoreError as exc:
            self.entries = []
            problem = f"Could not read the callbacks: {exc}"
        self._unread = bool(problem)
        self.refresh()
        if problem:
            self.status.setText(problem)

    def _age(self) -> None:
        """Read again for the clock's sake: the list is rebuilt only when a row's words or the
        count changed, and keeps where the rep had scrolled to."""
        try:
            entries = self._load()
            due = self._count() if self._count is not None else 0
        except StoreError:
            return  # said by the next reload; a busy store is no news for a clock tick
        if due == self._due and list(map(entry_row, entries)) == list(map(entry_row, self.entries)):
            if self._said and not self._still_said() and not self._armed:
                self.status.setText(self._count_line())  # the note has had its minute
            return
        self.entries, self._due, self._unread = entries, due, False
        scroll = self.table.verticalScrollBar()
        kept = scroll.value()
        self.refresh()
        scroll.setValue(kept)

    def refresh(self) -> None:
        # The row the rep is on stays chosen when the list is read again (a call came or went
        # meanwhile): Call back must never land on somebody else.
        armed = self._armed  # clearing the list below forgets it
        current = self.table.currentItem()
        parent = current.parent() if current is not None else None
        kept = None
        if current is not None and parent is not None:
            kept = (parent.data(0, _SECTION), current.data(0, CONTACT), current.data(0, NUMBER))
        if self.table.isHidden() and (self.entries or self._unread):
            # The table back in place of the empty note, laid out before its rows are: filled
            # and measured at its hidden size (no height), it measured one row, asked for no
            # more width and wrapped "Jürgen Schäfer · Müller & Söhne" a word a line.
            self.table.show()
            self.empty.hide()
            self.body.activate()
        self.table.clear()
        bold = QFont(self.table.font())
        bold.setBold(True)
        warn = card_theme(self.palette()).accents[MatchTier.SWITCHBOARD]  # the cards' amber
        first: QTreeWidgetItem | None = None
        for section in Section:
            shown = [e for e in self.entries if e.item.section is section]
            if not shown:
                continue  # "Follow-ups due (0)" under every other heading was only noise
            heading = QTreeWidgetItem([f"{section.heading} ({len(shown)})", "", "", ""])
            heading.setFont(0, bold)
            heading.setData(0, _SECTION, section.value)
            heading.setFlags(Qt.ItemFlag.ItemIsEnabled)
            heading.setFirstColumnSpanned(True)
            self.table.addTopLevelItem(heading)
            heading.setFirstColumnSpanned(True)
            for entry in shown:
                row = QTreeWidgetItem(list(entry_row(entry)))
                contact = entry.item.contact
                row.setData(0, CONTACT, contact.id if contact is not None else None)
                if contact is None and entry.item.attempt.caller_name:
                    row.setToolTip(0, CALLER_ID_NAME_TIP)
                # A colleague with no number is called back on their extension ("3103").
                row.setData(0, NUMBER, entry.item.dial)
                if entry.item.attempt.message:
                    row.setToolTip(2, plain_tooltip(entry.item.attempt.message))
                row.setData(0, _ENTRY, entry)
                row.setData(0, _WARNING, entry.clock.warning)
                row.setData(0, _CLOCK, entry.clock.said or entry.clock.text)  # with their day
                if entry.clock.warning:
                    row.setForeground(3, warn)
                    row.setToolTip(3, f"Their time: {entry.clock.text} — {entry.clock.warning}")
                heading.addChild(row)
                first = first or row
                if kept == (section.value, row.data(0, CONTACT), row.data(0, NUMBER)):
                    first, kept = row, None
            heading.setExpanded(True)
        if first is not None:
            self.table.setCurrentItem(first)
        quiet = not self.entries and not self._unread
        self.table.setVisible(not quiet)
        self.empty.setVisible(quiet)
        self.status.setText(self._count_line())
        # Measured once per fill: the row heights set below would change what is measured.
        # At least the heading's own width: a list of short times ("09:13") cut "Their time"
        # to "Their ti".
        head = self.table.header()
        self._wanted = [max(self.table.sizeHintForColumn(c), head.sectionSizeHint(c))
                        for c in range(len(COLUMNS))]  # fmt: skip
        self._fit_columns(new_rows=True)
        self._widen_for_rows()
        self._update_actions()
        if armed and armed == self.selected_number():
            # Still on the number asked about: the question stays, and the next click calls.
            self._armed = armed
            self.call.setText("Call anyway")
            self.status.setText(self._question)

    def _count_line(self) -> str:
        """"2 due · waiting for 5", after what the rep's last click did while it is news."""
        listed = sum(1 for e in self.entries if e.item.due)
        due = max(listed, self._due)
        said = f"{due} due" if due else "Nothing due"
        if due > listed:
            said += f" · the newest {listed} listed"
        # "Nothing due" alone above five people under "We are waiting for them" read as a
        # contradiction: they are not due, they are waited for, and the line says so.
        waiting = sum(1 for e in self.entries if e.item.section is Section.WAITING_FOR_THEM)
        if waiting:
            said += f" · waiting for {waiting}"
        # A "call them back by" whose day has not come is listed, not due: said so, or
        # "Nothing due" read as if the promise listed below were forgotten.
        later = sum(1 for e in self.entries if e.item.section is Section.WAITING_FOR_US
                    and not e.item.due and e.item.attempt.callback_until is not None)  # fmt: skip
        if later:
            said += f" · {later} to call back later"
        return f"{self._said} · {said}" if self._still_said() else said

    def _still_said(self) -> bool:
        return bool(self._said) and self._said_until is not None and (
            self._clock() < self._said_until)

    def _say_done(self, text: str) -> None:
        self._said, self._said_until = text, self._clock() + SAID_FOR
        if not self._armed:
            self.status.setText(self._count_line())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_columns()
        return super().eventFilter(watched, event)

    def _fit_columns(self, *, new_rows: bool = False) -> None:
        """Every column at its text's width when the window has the room; when it has not,
        the number keeps its width (a number does not wrap) and the others share what is left
        in proportion to their text, wrapping, so Their time is never cut off."""
        room = self.table.viewport().width()
        wanted = self._wanted
        if not wanted:
            return
        if sum(wanted) <= room:
            widths = list(wanted)
            widths[2] += room - sum(wanted)  # What takes the spare room, as it stretched
        else:
            share = max(room - wanted[1], 0)
            wrapping = sum(w for c, w in enumerate(wanted) if c != 1) or 1
            widths = [wanted[1] if c == 1 else w * share // wrapping for c, w in enumerate(wanted)]
            widths[3] += max(room - sum(widths), 0)  # what rounding down left
        head = self.table.header()
        if [head.sectionSize(c) for c in range(len(COLUMNS))] == widths:
            if new_rows:  # same columns, rows just made: they still need their heights
                self._wrap_rows(widths)
            return
        for column, width in enumerate(widths):
            head.resizeSection(column, width)
        self._wrap_rows(widths)

    def _wrap_rows(self, widths: list[int]) -> None:
        """Each row as tall as its most wrapped cell: the view itself measures rows at one
        line whatever the column's width."""
        metrics = self.table.fontMetrics()
        widths = [widths[0] - self.table.indentation(), *widths[1:]]  # rows sit under headings
        rows = [row for i in range(self.table.topLevelItemCount())
                if (heading := self.table.topLevelItem(i)) is not None
                for j in range(heading.childCount()) if (row := heading.child(j)) is not None]
        for row in rows:
            lines = max(
                metrics.boundingRect(QRect(0, 0, max(widths[c] - _H_PAD, 1), 100_000),
                                     Qt.TextFlag.TextWordWrap, row.text(c)).height()
                for c in range(len(COLUMNS))
            )  # fmt: skip
            row.setSizeHint(0, QSize(self._wanted[0], lines + _V_PAD))
        self.table.doItemsLayout()

    def call_selected(self) -> None:
        """Outside their business hours the first click says so and the second calls."""
        number = self.selected_number()
        if not number:
            return
        item = self.table.currentItem()
        if item is None:
            return
        warning = str(item.data(0, _WARNING) or "")
        if warning and self._armed != number:
            self._armed = number
            self._question = (f"It is {item.data(0, _CLOCK)} there: {warning}. "
                              "Click Call anyway to call now.")  # fmt: skip
            self.status.setText(self._question)
            self.call.setText("Call anyway")
            return
        self._disarm()
        self.dial(number, asked=bool(warning))

    def _put_off_chosen(self, until: object) -> None:
        """Snooze's choice written for the chosen entry, and the list read again: the entry
        moves under Put off (or back), and the count follows."""
        item = self.table.currentItem()
        entry = item.data(0, _ENTRY) if item is not None else None
        if self._write_put_off is None or not isinstance(entry, CallbackEntry):
            return
        key = key_of(entry.item)
        try:
            self._write_put_off(key, until if isinstance(until, datetime) else None)
        except StoreError as exc:
            self.status.setText(f"Not put off: {exc}")
            return
        now = self._clock()
        self._said = ""  # the list read again below says the count alone
        self.reload()
        self._say_done(f"Put off until {moment_text(until, now, self._cycle)}"
                       if isinstance(until, datetime) else "Due again now")  # fmt: skip

    def log_selected(self) -> None:
        number = self.selected_number()
        item = self.table.currentItem()
        if not number or item is None:
            return
        contact = item.data(0, CONTACT)
        self.log_requested.emit(contact, number)
        # A contact's call opens its wrap-up; a number nobody has has none, and its row just
        # went: used as a rep, nothing said the click had done anything.
        still = any(e.item.dial == number and e.item.section is Section.WAITING_FOR_US
                    for e in self.entries)  # fmt: skip
        if contact is None and not still:
            self._say_done(f"Call to {said_number(number)} logged")

    def _disarm(self) -> None:
        self._armed = ""
        self.call.setText("Call back")

    def _update_actions(self) -> None:
        if self._armed and self._armed != self.selected_number():
            self._disarm()
        super()._update_actions()
        self.log_button.setEnabled(bool(self.selected_number()))
        entry = item.data(0, _ENTRY) if (item := self.table.currentItem()) is not None else None
        self.put_off.offer(enabled=isinstance(entry, CallbackEntry),
                           put_off=isinstance(entry, CallbackEntry)
                           and entry.item.section is Section.PUT_OFF)  # fmt: skip
        item = self.table.currentItem()
        unknown = item is not None and item.data(0, CONTACT) is None and bool(
            item.data(0, NUMBER))
        if unknown:
            self.open_button.setEnabled(True)
        self.open_button.setText("Who is it?" if unknown else "Open")

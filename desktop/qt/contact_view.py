"""One person, in full: the card the popup shows, every call we made or took, and the fields
the rep keeps up to date (who they are: name, title, company, e-mail; why we called, referral,
next step, notes, their own opener). A team directory's person keeps the directory's name,
title, company and e-mail: its next sync would write them back.

Edits are written the moment they are made, one committed UPDATE per change: there is no Save
button to forget and nothing waits in memory for a crash to lose. If the write fails (the
database is locked by an import, the disk is full), the text stays in the field, the status
line says it is not saved, and the view keeps retrying until it is.

Another process may write to the same contact while the view is open (an import adds a line to
the notes, a sync brings a teammate's note): while shown, the view follows the database's
commits (BookWatch) and shows what changed, and each save merges with what the field holds by
then (adapters.contact_edits.save_field), so the rep's next keystroke does not write back the
text from before and wipe it.

Names, notes and messages come from imports and call logs: they are shown as plain text only.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QFont, QKeyEvent, QPalette, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.adapters.contact_edits import NumberRow, gone_reason, numbers_of, save_field
from desktop.adapters.directories.mirror import LOCAL_SOURCE, contact_sources
from desktop.adapters.importing.followed_rows import told_about
from desktop.adapters.lookup import CallerLookup
from desktop.adapters.people_search import sources_of
from desktop.adapters.store import StoreError
from desktop.adapters.store.call_heirs import heir_after
from desktop.core.business_hours import BusinessHours, their_clock
from desktop.core.call_summary import when_text
from desktop.core.callbacks import stays_text
from desktop.core.candidates import readable
from desktop.core.card_text import call_day, lines_in_one, outcome_text
from desktop.core.display_text import one_line
from desktop.core.localtime import HourCycle, local_time_for
from desktop.core.models import DEMO_MARK, Attempt, Contact, Direction, StoredNumber
from desktop.core.openers import opener_for, opener_values, unfilled
from desktop.core.sources import sources_text
from desktop.core.unread_caller_id import caller_id_text
from desktop.qt.book_watch import BookWatch, while_shown
from desktop.qt.contact_fixes import DeleteBar, NumberEditor
from desktop.qt.number_table import call_number, copy_number
from desktop.qt.plain_tooltip import plain_tooltip
from desktop.qt.screen_fit import fit_to_screen
from desktop.qt.search_window import bring_to_front
from desktop.qt.system_clock import hour_cycle
from desktop.qt.text_box_height import grow_with_text

if TYPE_CHECKING:
    from desktop.qt.click_to_call import ClickToCall

RETRY_MS = 2000
# Fields the card's head shows: a save redraws it. A team directory keeps them.
WHO_FIELDS = frozenset({"name", "title", "company", "email"})


@dataclass(frozen=True)
class _Field:
    name: str  # the store column
    label: str
    multiline: bool
    placeholder: str


FIELDS = (
    # Who they are, first: used as a rep, a misspelt name or a stale company could be fixed
    # nowhere (only numbers had Edit), so the card went on saying it wrong.
    _Field("name", "Name", False, "Their name as the card should say it"),
    _Field("title", "Title", False, "Their job title"),
    _Field("company", "Company", False, "Where they work"),
    _Field("email", "E-mail", False, "Their e-mail address"),
    _Field("reason", "Why we called", False, "What the call was about"),
    _Field("referred_by", "Referred by", False, "Who sent us to them"),
    _Field("next_step", "Next step", False, "What happens next"),
    _Field("notes", "Notes", True, "Anything worth remembering"),
    _Field("opener_override", "Their opener", True,
           "Leave empty to use the prepared opener; {first_name}, {reason}… fill in"),
)  # fmt: skip


def attempt_row(
    attempt: Attempt, now: datetime, cycle: HourCycle = "24h"
) -> tuple[str, str, str, str, str]:
    """When, which way, how it ended, which number, what was said: the history's columns."""
    # As Recent calls and the card say it: "Tue 8 Dec 00:49" beside them read as another day.
    when = call_day(attempt.at, now, cycle, timed=True)
    way = "In" if attempt.direction is Direction.IN else "Out"
    outcome = outcome_text(attempt)
    if attempt.number_e164:
        number = readable(attempt.number_e164)
    else:  # a colleague's extension ("x3103"), else the caller ID as it came ("" if withheld)
        caller_id = attempt.caller_id
        number = caller_id_text(caller_id)
    # A note's lines kept apart, as in Recent calls: a row holds one line.
    message = lines_in_one(attempt.message)[0]
    said = " — ".join(t for t in (one_line(attempt.reason), message) if t)
    return when, way, outcome, number, said


def _plain(parent: QWidget, *, muted: bool = False, wrap: bool = False) -> QLabel:
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if muted:
        label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return label


# The notes box's height in lines: grows with a long note up to the most, then scrolls.
NOTES_LINES = (4, 14)
OPENER_LINES = (2, 6)  # their own opener: a sentence or two, as the card says it


class ContactView(QWidget):
    """A window for one contact. Build with the lookup (store, templates, policy), then
    `load()`; `saved` fires after each successful write with the field name."""

    saved = Signal(str)
    search_requested = Signal()

    def __init__(self, lookup: CallerLookup, contact_id: int, *,
                 clock: Callable[[], datetime] | None = None,
                 hours: BusinessHours | None = None,
                 placer: ClickToCall | None = None) -> None:  # fmt: skip
        super().__init__(None, Qt.WindowType.Window)
        self.lookup = lookup
        self.placer = placer  # how Call places calls (the app's); None: a tel: link
        self.contact_id = contact_id
        self.hours = hours or BusinessHours()
        self._clock = clock or (lambda: datetime.now().astimezone())
        self._contact: Contact | None = None
        self._directory = ""  # the team directory this contact is mirrored from, if any
        self._loading = False
        self._unsaved: set[str] = set()
        self._base: dict[str, str] = {}  # each field as last read or written: what a save merges
        self._read_failed = False  # the status line says why the contact could not be read
        self._gone = False  # greyed out: the contact was merged away or deleted
        self._book_watch: BookWatch | None = None
        self.setWindowTitle("CallerCard — Contact")
        self._build()
        # The fields and history scroll and the buttons stay put, so a small screen (800×500 at
        # 2×) shows Delete and Close instead of a window taller than the screen.
        fit_to_screen(self, QSize(680, 760))
        self._retry = QTimer(self)
        self._retry.setInterval(RETRY_MS)
        self._retry.timeout.connect(self._save_pending)

    # -- construction --

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 12)
        outer.setSpacing(8)
        self.body_scroll = QScrollArea(self)
        self.body_scroll.setWidgetResizable(True)
        self.body_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.body_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget(self.body_scroll)
        self.body_scroll.setWidget(body)
        outer.addWidget(self.body_scroll, 1)
        root = QVBoxLayout(body)
        root.setContentsMargins(18, 16, 18, 4)
        root.setSpacing(10)

        self.name = _plain(self)
        big = QFont(self.name.font())
        big.setPointSizeF(big.pointSizeF() * 1.45)
        big.setBold(True)
        self.name.setFont(big)
        self.role = _plain(self)
        self.email = _plain(self, muted=True)
        self.sources = _plain(self, muted=True)  # "From your contacts, team": where it is found
        # A followed file that changed a cell the rep had typed over: what they had there.
        self.file_changes = _plain(self, wrap=True)
        self.file_changes.setVisible(False)
        self.numbers_box = QWidget(self)
        self.numbers = QGridLayout(self.numbers_box)
        self.numbers.setContentsMargins(0, 0, 0, 0)
        self.numbers.setHorizontalSpacing(10)
        self.numbers.setVerticalSpacing(2)
        self.place = _plain(self, muted=True)
        header = QVBoxLayout()
        header.setSpacing(3)
        header.addWidget(self.name)
        header.addWidget(self.role)
        header.addWidget(self.email)
        header.addWidget(self.sources)
        header.addWidget(self.file_changes)
        header.addSpacing(4)
        header.addWidget(self.numbers_box)
        self.number_editor = NumberEditor(self.lookup.store, self.contact_id,
                                          lambda: self.lookup.policy.region, self)  # fmt: skip
        self.number_editor.done.connect(self._numbers_changed)
        header.addWidget(self.number_editor)
        self.add_number_button = QToolButton(self)
        self.add_number_button.setText("Add number…")
        self.add_number_button.clicked.connect(lambda: self.number_editor.edit(None))
        place_row = QHBoxLayout()
        place_row.addWidget(self.place, 1)
        place_row.addWidget(self.add_number_button)
        header.addLayout(place_row)
        root.addLayout(header)

        self.opener_box = QFrame(self)
        self.opener_box.setFrameShape(QFrame.Shape.StyledPanel)
        opener_layout = QVBoxLayout(self.opener_box)
        opener_layout.setContentsMargins(10, 8, 10, 8)
        opener_layout.setSpacing(2)
        opener_title = _plain(self.opener_box, muted=True)
        opener_title.setText("Opener on the card")
        self.opener = _plain(self.opener_box, wrap=True)
        opener_layout.addWidget(opener_title)
        opener_layout.addWidget(self.opener)
        root.addWidget(self.opener_box)

        form = QFormLayout()
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(6)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.editors: dict[str, QLineEdit | QPlainTextEdit] = {}
        for field in FIELDS:
            editor: QLineEdit | QPlainTextEdit
            if field.multiline:
                editor = QPlainTextEdit(self)
                editor.setTabChangesFocus(True)
                editor.setPlaceholderText(field.placeholder)
                # As tall as their text in any theme's font: a fixed 2 lines + 14 px, set
                # for the font of the moment, clipped an opener in GTK's (Adwaita:dark).
                grow_with_text(editor, NOTES_LINES if field.name == "notes" else OPENER_LINES)
                editor.textChanged.connect(self._saver(field.name))
            else:
                editor = QLineEdit(self)
                editor.setPlaceholderText(field.placeholder)
                editor.textEdited.connect(self._saver(field.name))
            editor.setObjectName(field.name)
            self.editors[field.name] = editor
            form.addRow(field.label, editor)
        root.addLayout(form)

        self.history_title = _plain(self)
        bold = QFont(self.history_title.font())
        bold.setBold(True)
        self.history_title.setFont(bold)
        root.addWidget(self.history_title)
        self.history = QTreeWidget(self)
        self.history.setColumnCount(5)
        self.history.setHeaderLabels(["When", "", "Outcome", "Number", "Reason — message"])
        self.history.setRootIsDecorated(False)
        self.history.setUniformRowHeights(True)
        self.history.setAlternatingRowColors(True)
        self.history.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.history.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.history.setWordWrap(False)
        self.history.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.history.setStyleSheet("QTreeView::item { padding: 3px 2px; }")
        head = self.history.header()
        for column in range(4):
            head.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        head.setStretchLastSection(True)
        self.history.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        # A few calls stay readable when the window is short; the rest scroll with the body.
        self.history.setMinimumHeight(self.history.fontMetrics().lineSpacing() * 8)
        root.addWidget(self.history, 1)

        self.delete_bar = DeleteBar(self.lookup.store, self)
        self.delete_bar.deleted.connect(self._deleted)
        self.delete_bar.restored.connect(self._restored)
        bottom = QVBoxLayout()
        bottom.setContentsMargins(18, 0, 18, 0)
        bottom.setSpacing(8)
        outer.addLayout(bottom)
        bottom.addWidget(self.delete_bar)
        footer = QHBoxLayout()
        self.delete_button = QPushButton("Delete contact…", self)
        self.delete_button.clicked.connect(self._ask_delete)
        footer.addWidget(self.delete_button)
        self.status = _plain(self, muted=True)
        footer.addWidget(self.status, 1)
        search = QPushButton("Search…", self)
        search.clicked.connect(self.search_requested)
        close = QPushButton("Close", self)
        close.clicked.connect(self.close)
        footer.addWidget(search)
        footer.addWidget(close)
        bottom.addLayout(footer)

    # -- data --

    def load(self) -> bool:
        """Read the contact afresh; False (and a message) when it no longer exists."""
        try:
            contact = self.lookup.store.contact(self.contact_id, attempts_limit=None)
        except StoreError as exc:
            self.status.setText(f"Could not read this contact: {exc}")
            self._read_failed = True
            return False
        if contact is None:
            self.status.setText(gone_reason(self.lookup.store, self.contact_id))
            self._read_failed = self._gone = True
            self._set_editable(False)
            return False
        if self._gone:
            self._gone = False
            # Back after it was gone (its merge taken back, in Duplicates or Import history):
            # the view said "Merged … into …" with every field greyed out while the contact
            # was there again.
            self._set_editable(True)
        self._contact = contact
        for field in FIELDS:
            if field.name in self._unsaved:
                continue  # what the rep typed is merged with the stored text when it is saved
            value = getattr(contact, field.name)
            self._base[field.name] = value
            self._show_value(field.name, value)
        self._show_card(contact)
        self._show_sources()
        self._show_history(contact)
        # What the last change said ("Added +1 646-555-0100.", "Saved.") stays: the view reads
        # the contact again on its own commit, and that wiped the sentence at once.
        if not self._unsaved and (self._read_failed or not self.status.text()):
            self.status.setText("Changes are saved as you type.")
        self._read_failed = False
        return True

    def _set_editable(self, editable: bool) -> None:
        for editor in (*self.editors.values(), self.add_number_button, self.delete_button,
                       self.numbers_box, self.number_editor):  # fmt: skip
            editor.setEnabled(editable)

    def open(self) -> None:
        self.load()
        bring_to_front(self)
        # Laid out now, not at the next turn of the event loop: the body of a scroll area
        # waits for a posted layout request, and until then a click on Call lands nowhere.
        body = self.body_scroll.widget()
        layout = body.layout() if body is not None else None
        if layout is not None:
            layout.activate()

    def _show_card(self, contact: Contact) -> None:
        now = self._clock()
        self._show_head(contact)
        while self.numbers.count():
            item = self.numbers.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        facts = []
        said = ""  # the time "Their time" already says, not repeated beside each number
        first = next((n.e164 for n in contact.numbers if n.e164 and not n.is_fax), None)
        if first:
            local = local_time_for(first, now, self.lookup.policy.region, self.lookup.place_lookup,
                                   hour_cycle=hour_cycle())  # fmt: skip
            facts += [f"Their time {local.text}" if local.text else "", local.place]
            said = local.text
        for row, number in enumerate(contact.numbers):
            self._number_row(row, number)
            if number.e164:
                self._their_time(row, number.e164, now, said)
        self.numbers.setColumnStretch(4, 1)
        self._edit_buttons()
        if contact.last_contacted is not None:
            # As Search and the Calls below say it: "today 14:02", not "Tue 8 Dec" on Tue 8 Dec.
            when = when_text(contact.last_contacted, now.astimezone(), hour_cycle())
            facts.append(f"last contact {when}")
        place = " · ".join(f for f in facts if f)
        self.place.setText(place)
        self.place.setVisible(bool(place))
        self._show_opener(contact)

    def _show_head(self, contact: Contact) -> None:
        """Name, role and e-mail at the top, and the window's title."""
        who = one_line(contact.name) or one_line(contact.company) or "(no name)"
        self.name.setText(who)
        self.setWindowTitle(f"CallerCard — {who}")
        role = " · ".join(one_line(p) for p in (DEMO_MARK if contact.demo else "",
                                                  contact.title, contact.company)
                          if p.strip() and one_line(p) != who)  # fmt: skip
        self.role.setText(role)
        self.role.setVisible(bool(role))
        self.email.setText(one_line(contact.email))
        self.email.setVisible(bool(contact.email.strip()))

    def _show_sources(self) -> None:
        try:
            found_in = sources_text(sources_of(self.lookup.store, self.contact_id))
            own = contact_sources(self.lookup.store, [self.contact_id])[self.contact_id]
        except (StoreError, sqlite3.Error):
            found_in, own = "", LOCAL_SOURCE  # only the line is missing; the contact was read
        self.sources.setText(f"From {found_in}" if found_in else "")
        self.sources.setVisible(bool(found_in))
        try:
            told = told_about(self.lookup.store, self.contact_id)
        except (StoreError, sqlite3.Error):
            told = ""
        self.file_changes.setText(told)
        self.file_changes.setVisible(bool(told))
        # A team directory's person is hidden from this rep's cards, never deleted: the
        # directory's next sync would bring them back.
        self._directory = "" if own == LOCAL_SOURCE else own
        self.delete_button.setText("Hide from my cards…" if self._directory
                                   else "Delete contact…")  # fmt: skip
        placeholders = {field.name: field.placeholder for field in FIELDS}
        for name in WHO_FIELDS:  # the directory's next sync would write its own back
            editor = self.editors[name]
            editor.setReadOnly(bool(self._directory))
            # "Their job title" in an empty box that takes no typing invited a rep to type.
            editor.setPlaceholderText("" if self._directory else placeholders[name])
            editor.setToolTip(plain_tooltip(f"Kept by {self._directory}: change it there."
                                            if self._directory else ""))  # fmt: skip

    def _number_row(self, row: int, number: StoredNumber) -> None:
        """Number, its label, and Call / Copy, in aligned columns (a fax has no Call: an
        Outlook export lists Business Fax first, and its Call dialled the fax machine)."""
        box = self.numbers_box
        e164 = number.e164
        # Without an E.164 the text as written says it all, an internal extension ("x3103")
        # included.
        text = readable(e164) if e164 else one_line(number.raw)
        if number.extension and e164:
            text += f" ext. {number.extension}"
        shown = _plain(box)
        shown.setText(text)
        self.numbers.addWidget(shown, row, 0)
        kind = _plain(box, muted=True)
        kind.setText(one_line(number.label))
        self.numbers.addWidget(kind, row, 1)
        if e164 is None:
            return
        if not number.is_fax:
            call = QToolButton(box)
            call.setText("Call")
            call.setToolTip(self.placer.tooltip(e164) if self.placer
                            else "Open in your softphone (tel: link)")  # fmt: skip
            call.clicked.connect(lambda: self._call(e164))
            self.numbers.addWidget(call, row, 2)
        copy = QToolButton(box)
        copy.setText("Copy")
        copy.setToolTip("Copy the number")
        copy.clicked.connect(lambda: copy_number(e164))
        self.numbers.addWidget(copy, row, 3)

    def _call(self, e164: str) -> None:
        if self.placer is not None:
            # For this contact: a number others share too is called for them.
            self.placer.call(e164, self, report=self.status.setText, contact_id=self.contact_id)
        else:
            call_number(e164)

    def _edit_buttons(self) -> None:
        """An Edit button at the end of each number's row (ids read with the numbers' order)."""
        for row, stored in enumerate(numbers_of(self.lookup.store, self.contact_id)):
            edit = QToolButton(self.numbers_box)
            edit.setText("Edit")
            edit.setObjectName(f"editNumber{row}")
            edit.setToolTip("Change, relabel or remove this number")
            edit.clicked.connect(lambda _c=False, r=stored: self._edit_number(r))
            self.numbers.addWidget(edit, row, 5)

    def _edit_number(self, row: NumberRow) -> None:
        self.number_editor.edit(row)

    def _numbers_changed(self, said: str) -> None:
        self.load()
        self.status.setText(said)
        self.saved.emit("numbers")

    def _ask_delete(self) -> None:
        if self._contact is not None:
            who = one_line(self._contact.name) or one_line(self._contact.company) or "this contact"
            now = self._clock().astimezone()
            store = self.lookup.store
            window = store.open_window_of(self.contact_id, now)
            heir = (heir_after(store.connection, store.contact_of, window.number_e164,
                               self.contact_id)
                    if window is not None and window.number_e164 else None)  # fmt: skip
            promise = (stays_text(window, readable(window.number_e164) if window.number_e164
                                  else "", now, hour_cycle(),
                                  one_line(heir.name or heir.company) if heir else "")
                       if window is not None else "")  # fmt: skip
            self.delete_bar.ask(self.contact_id, who, len(self._contact.attempts),
                                self._directory, promise)  # fmt: skip

    def _deleted(self, said: str) -> None:
        self._unsaved.clear()
        self._retry.stop()
        self.number_editor.cancel()
        self.status.setText(said)
        for widget in (*self.editors.values(), self.add_number_button, self.delete_button,
                       self.numbers_box):  # fmt: skip
            widget.setEnabled(False)
        self._gone = True  # its Undo, or another window's, brings it back editable
        self.saved.emit("deleted")

    def _restored(self, contact_id: int, said: str) -> None:
        self._gone = False
        self.contact_id = contact_id
        self.number_editor.contact_id = contact_id
        for widget in (*self.editors.values(), self.add_number_button, self.delete_button,
                       self.numbers_box):  # fmt: skip
            widget.setEnabled(True)
        self.load()
        self.status.setText(said)
        self.saved.emit("restored")

    def _their_time(self, row: int, e164: str, now: datetime, said: str) -> None:
        """Their clock beside the number when it differs from `said` (the time at the top),
        with a warning outside their business hours: every number of a one-office contact
        repeated '09:18 there' under 'Their time 09:18'."""
        cycle = hour_cycle()
        clock = their_clock(e164, now.astimezone(), self.hours, cycle)
        if not clock.text or (clock.text == said and not clock.problem):
            return
        label = _plain(self.numbers_box, muted=True)
        label.setObjectName(f"theirTime{row}")
        if clock.text == said:  # the time is said above; the warning is still worth saying
            label.setText(clock.problem[:1].upper() + clock.problem[1:])
        else:
            label.setText(f"{clock.text} there"
                          + (f" — {clock.problem}" if clock.problem else ""))  # fmt: skip
        if clock.warning:
            label.setToolTip(clock.warning)
        self.numbers.addWidget(label, row, 4)

    def _show_opener(self, contact: Contact) -> None:
        now = self._clock()
        opener = opener_for(contact, self.lookup.templates, now, self.lookup.my_name)
        text = opener.text.strip()
        values = opener_values(contact, now, self.lookup.my_name)
        waiting = unfilled(contact.opener_override, values)
        if contact.opener_override.strip() and waiting:
            # The rep typed their own opener and the card says another: say why, or it reads
            # as their opener being ignored.
            names = " and ".join(f"{{{name}}}" for name in waiting)
            text += f"\n(Their opener is used once {names} can be filled in.)"
        self.opener.setText(text or "(no opener: add a reason, a referral or your own)")

    def _show_history(self, contact: Contact) -> None:
        now = self._clock()
        self.history.clear()
        for attempt in contact.attempts:
            columns = attempt_row(attempt, now, hour_cycle())
            item = QTreeWidgetItem(list(columns))
            item.setToolTip(4, plain_tooltip(columns[4]))
            self.history.addTopLevelItem(item)
        count = len(contact.attempts)
        calls = f"{count} call{'s' if count != 1 else ''}" if count else "no calls yet"
        self.history_title.setText(f"History ({calls})")

    # -- saving --

    def _saver(self, name: str) -> Callable[..., None]:
        def save(*_args: object) -> None:
            if not self._loading:
                self._unsaved.add(name)
                self._save_pending()

        return save

    def _value(self, name: str) -> str:
        editor = self.editors[name]
        return editor.toPlainText() if isinstance(editor, QPlainTextEdit) else editor.text()

    def _show_value(self, name: str, value: str) -> None:
        """Put `value` in the field without it counting as the rep's edit. In the field the rep
        is in, the cursor stays where it was (text another process added after it does not
        move it)."""
        editor = self.editors[name]
        if self._value(name) == value:
            return
        typing = editor.hasFocus()
        self._loading = True
        try:
            if isinstance(editor, QPlainTextEdit):
                position = editor.textCursor().position()
                editor.setPlainText(value)
                if typing:
                    cursor = editor.textCursor()
                    cursor.setPosition(min(position, len(value)))
                    editor.setTextCursor(cursor)
            else:
                position = editor.cursorPosition()
                editor.setText(value)
                if typing:
                    editor.setCursorPosition(min(position, len(value)))
        finally:
            self._loading = False

    def _save_pending(self) -> None:
        merged = False
        for name in sorted(self._unsaved):
            typed = self._value(name)
            multiline = next(f.multiline for f in FIELDS if f.name == name)
            try:
                base = self._base.get(name, "")
                stored = save_field(self.lookup.store, self.contact_id, name, base, typed,
                                    multiline=multiline)  # fmt: skip
            except StoreError as exc:
                self.status.setText(f"Not saved yet ({exc}); retrying. Your text is kept here.")
                self._retry.start()
                return
            self._base[name] = stored
            if stored != typed:  # with what was written elsewhere meanwhile
                self._show_value(name, stored)
                merged = True
            self._unsaved.discard(name)
            self.saved.emit(name)
        self._retry.stop()
        self.status.setText("Saved, with what was added elsewhere meanwhile." if merged
                            else "Saved.")  # fmt: skip
        contact = self.lookup.store.contact(self.contact_id, attempts_limit=3)
        if contact is not None:
            self._show_head(contact)
            self._show_opener(contact)  # "Hi {first_name}" follows a corrected name

    def has_unsaved(self) -> bool:
        return bool(self._unsaved)

    # -- keyboard and closing --

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close()
        else:
            super().keyPressEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._book_watch is None:  # from now on it runs while the view is shown
            self._book_watch = while_shown(self, self.lookup.store.path, self._committed_elsewhere)
            self._book_watch.start()

    def _committed_elsewhere(self) -> None:
        if self._contact is not None:  # not once it is gone: load() said why already
            self.load()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._unsaved:
            self._save_pending()
        super().closeEvent(event)

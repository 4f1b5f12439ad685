"""Recent calls, both ways, with who they were and a way to call back (number_table.py).

Missed calls have their own view, because they are the ones waiting for a callback. A call the
rep made or took can have its wrap-up written or corrected later (Wrap-up…): the app opens the
same window as at the call's end, filled with what was saved.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QHeaderView, QPushButton, QTreeWidgetItem

from desktop.adapters.store import LoggedCall, StoreError
from desktop.adapters.store.calls import CALLS_LIMIT
from desktop.core.call_summary import unknown_who
from desktop.core.candidates import readable
from desktop.core.card_text import WITHHELD, call_day, lines_in_one, outcome_label
from desktop.core.display_text import display_text, one_line
from desktop.core.internal_extension import extension_digits
from desktop.core.localtime import HourCycle
from desktop.core.models import Attempt, Contact, Direction, Outcome
from desktop.core.unread_caller_id import caller_id_text
from desktop.qt.column_room import widen_to_longest
from desktop.qt.number_table import CALLER_ID, CONTACT, NUMBER, NumberTableWindow
from desktop.qt.plain_tooltip import plain_tooltip
from desktop.qt.screen_fit import fit_to_screen
from desktop.qt.system_clock import hour_cycle

VIEWS = ("All", "Incoming", "Outgoing", "Missed")
_MISSED = (Outcome.MISSED, Outcome.NO_ANSWER)

Calls = list[LoggedCall]
ATTEMPT = Qt.ItemDataRole.UserRole + 2  # the row's attempt id, when a wrap-up can be opened
_CALL = Qt.ItemDataRole.UserRole + 3  # the row's attempt id, always: the row kept on a reload
# Fixed text (a tooltip would read a caller's name as rich text).
CALLER_ID_NAME_TIP = "The name the caller ID gave: nobody in your contacts has this number"
UNREAD_CALLER_ID_TIP = ("The caller ID as the phone received it: not a number CallerCard can "
                        "read or dial. Copy it to dial it by hand.")  # fmt: skip
_WHO, _NOTE = 2, 5  # the columns that share what When, the arrow, Number and Outcome leave
NOTE_CHARS = 60  # of a wrap-up's note in its column; whole in the cell's tooltip


def is_missed(attempt: Attempt) -> bool:
    return attempt.direction is Direction.IN and attempt.outcome in _MISSED


def shown_in(view: str, attempt: Attempt) -> bool:
    if view == "Incoming":
        return attempt.direction is Direction.IN
    if view == "Outgoing":
        return attempt.direction is Direction.OUT
    if view == "Missed":
        return is_missed(attempt)
    return True


def can_wrap_up(attempt: Attempt, contact: Contact | None) -> bool:
    """A call of this rep's that was not missed: a teammate's shared note is theirs to edit,
    and a call out to a number nobody has has no one to note it on (as at the call's end)."""
    if attempt.rep or is_missed(attempt):
        return False
    return contact is not None or attempt.direction is Direction.IN


def call_row(
    attempt: Attempt, contact: Contact | None, now: datetime, cycle: HourCycle = "24h"
) -> tuple[str, ...]:
    # As the card says it ("Today 19:29"): "Mon 7 Dec 19:29" beside it read as another day.
    when = call_day(attempt.at, now, cycle, timed=True)
    way = "In" if attempt.direction is Direction.IN else "Out"
    if is_missed(attempt):
        way = "Missed"
    if contact is not None:
        who = one_line(contact.name or contact.company)
    elif (attempt.number_e164 is None and not attempt.caller_id
          and not one_line(attempt.caller_name)):  # fmt: skip
        who = WITHHELD  # as its card said it: "Unknown" read as a number nobody has
    else:  # nobody we know: who the caller ID said it was, if it said
        who = unknown_who(attempt.caller_name, attempt.caller_id)
    number = readable(attempt.number_e164) if attempt.number_e164 else ""
    if attempt.caller_id:  # not a number we can read: a colleague's "x3103", else as it came
        number = caller_id_text(attempt.caller_id)
    outcome = outcome_label(attempt)
    if attempt.direction is Direction.IN and attempt.outcome is Outcome.UNKNOWN:
        outcome = "Rang"  # a hook's ring whose end has not come (or never will: Jitsi)
    # What the rep noted at the wrap-up: "Left voicemail" alone did not say what about.
    note, _cut = lines_in_one(display_text(attempt.message), NOTE_CHARS)
    return when, way, who or "(no name)", number, outcome, note


class CallList(NumberTableWindow):
    wrap_up_requested = Signal(int)  # attempt id: write or correct how the call went

    def __init__(self, load: Callable[[], Calls], *, scheme: str = "tel",
                 clock: Callable[[], datetime] | None = None) -> None:  # fmt: skip
        super().__init__("CallerCard — Calls", ["When", "", "Who", "Number", "Outcome", "Note"],
                         scheme=scheme)  # fmt: skip
        fit_to_screen(self, QSize(820, 480))
        # Fixed floor: button labels change with the selection, and a minimum that follows
        # them would re-negotiate the window's size hints on every row.
        self.setMinimumSize(480, 320)
        self._load = load
        self._clock = clock or (lambda: datetime.now().astimezone())
        self._calls: Calls = []

        tabs = QHBoxLayout()
        tabs.setSpacing(4)
        self.views = QButtonGroup(self)
        for i, name in enumerate(VIEWS):
            button = QPushButton(name, self)
            button.setCheckable(True)
            button.setChecked(i == 0)
            self.views.addButton(button, i)
            tabs.addWidget(button)
        tabs.addStretch(1)
        self.views.idToggled.connect(self._view_toggled)
        self._mark_view()
        self.body.insertLayout(0, tabs)
        self.wrap_up_button = QPushButton("Wrap-up…", self)
        self.wrap_up_button.setToolTip("Write or correct how this call went")
        self.wrap_up_button.clicked.connect(self.wrap_up_selected)
        self.action_row.insertWidget(1, self.wrap_up_button)

        self.table.setUniformRowHeights(True)
        self.table.setAlternatingRowColors(True)
        head = self.table.header()
        for column in (0, 1, 3, 4):
            head.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        # Who and the note share what the others leave, each elided at its edge: a long
        # imported name cannot push the note out of the window, nor a note the name. Who is
        # sized by _share_room, the note takes the rest.
        head.setSectionResizeMode(_WHO, QHeaderView.ResizeMode.Interactive)
        head.setSectionResizeMode(_NOTE, QHeaderView.ResizeMode.Stretch)
        head.setStretchLastSection(False)
        self.table.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self._share_room()
        return super().eventFilter(watched, event)

    def _share_room(self) -> None:
        """Who as wide as its longest name, leaving the note at least a third of the room
        (all it needs, when its notes are shorter)."""
        widen_to_longest(self.table, self.table.header(), _WHO, _NOTE, (0, 1, 3, 4), 3)

    def view(self) -> str:
        return VIEWS[max(0, self.views.checkedId())]

    def _view_toggled(self, _id: int, on: bool) -> None:
        if on:
            self._mark_view()
            self.refresh()

    def _mark_view(self) -> None:
        """The chosen view's button in bold: a checked push button's shade alone did not say
        which calls the list held."""
        for button in self.views.buttons():
            font = button.font()
            font.setBold(button.isChecked())
            button.setFont(font)

    def reload(self) -> None:
        try:
            self._calls = self._load()
        except StoreError as exc:
            self._calls = []
            self.status.setText(f"Could not read the calls: {exc}")
        self.refresh()

    def refresh(self) -> None:
        now = self._clock()
        cycle = hour_cycle()
        view = self.view()
        current = self.table.currentItem()
        keep = current.data(0, _CALL) if current is not None else None
        self.table.clear()
        chosen = None
        for call in self._calls:
            attempt, contact = call.attempt, call.contact
            if not shown_in(view, attempt):
                continue
            item = QTreeWidgetItem(list(call_row(attempt, contact, now, cycle)))
            if contact is None and attempt.caller_name:
                item.setToolTip(2, CALLER_ID_NAME_TIP)
            if attempt.caller_id:
                item.setToolTip(3, UNREAD_CALLER_ID_TIP)
            if attempt.message.strip():
                item.setToolTip(5, plain_tooltip(attempt.message))
            item.setData(0, CONTACT, contact.id if contact else None)
            item.setData(0, NUMBER, attempt.number_e164 or "")
            item.setData(0, CALLER_ID, attempt.caller_id)
            item.setData(0, ATTEMPT, call.id if can_wrap_up(attempt, contact) else None)
            item.setData(0, _CALL, call.id)
            self.table.addTopLevelItem(item)
            if keep is not None and call.id == keep:
                chosen = item  # a reload (a call logged, a wrap-up saved) keeps the rep's row
        first = chosen or self.table.topLevelItem(0)
        if first is not None:
            self.table.setCurrentItem(first)
        missed = sum(1 for c in self._calls if is_missed(c.attempt))
        shown = self.table.topLevelItemCount()
        kind = "" if view == "All" else f"{view.lower()} "  # "3 outgoing calls"
        said = f"{shown} {kind}call" if shown == 1 else f"{shown} {kind}calls"
        if len(self._calls) >= CALLS_LIMIT:  # the list stops there: "200 calls" read as all
            loaded = len(self._calls)
            said = (f"the newest {loaded} calls" if shown == loaded
                    else f"{shown} of the newest {loaded} calls")  # fmt: skip
        self.status.setText(said + (f" · {missed} missed" if missed else ""))
        self._share_room()
        self._update_actions()

    def open_selected(self) -> None:
        item = self.table.currentItem()
        if item is not None and item.data(0, CONTACT) is None and self._selected_extension():
            self.search_requested.emit(self._selected_caller_id())  # Who is it? for "3103"
            return
        super().open_selected()

    def _selected_extension(self) -> str:
        return extension_digits(self._selected_caller_id())

    def wrap_up_selected(self) -> None:
        item = self.table.currentItem()
        if item is not None and item.data(0, ATTEMPT) is not None:
            self.wrap_up_requested.emit(int(item.data(0, ATTEMPT)))

    def _update_actions(self) -> None:
        super()._update_actions()
        item = self.table.currentItem()
        self.wrap_up_button.setEnabled(item is not None and item.data(0, ATTEMPT) is not None)
        # A withheld caller or an unreadable caller ID has nothing to look up: Who is it? did
        # nothing there. A colleague's extension has: the rep can say whose it is.
        self.open_button.setEnabled(item is not None and bool(
            item.data(0, CONTACT) is not None or item.data(0, NUMBER)
            or self._selected_extension()))  # fmt: skip
        unknown = item is not None and item.data(0, CONTACT) is None
        self.open_button.setText("Who is it?" if unknown else "Open")

"""For a caller we do not know: who might it be, narrowed as they say their name, and one
click to settle it.

The popup embeds this under its "Who could this be?" section. It starts with the card's
ranked candidates (switchboard, number block, our recent voicemails in the caller's area, each
with its reason), narrowed at once by the caller ID's name when it names someone ("MIKE ROSS",
"PDX WIRELESS"; not "SAN FRANCISCO CA": core/cnam.py), which stands in the name box.
Typing "mike" as the caller says "Hi, this is Mike" narrows to the Mikes, linked ones first,
then every other Mike we called. Then:
- "This is them" stores the caller's number on the chosen contact, so the next call from it
  matches exactly, and gives them the calls already logged from it (a colleague's internal
  extension, "3103", is kept as "x3103", the extension their next call finds);
- "New contact" makes a contact with the number, the name typed (or "Caller <number>"), and
  the note typed during the call; a caller ID's capitals are cased as people write names, and
  a business's name goes in Company (core/caller_name_parts.py). When the number has become
  someone's since the card was made (an import from a terminal named them meanwhile), New
  contact first offers them, selected for This is them; a second click makes the new contact.

The search box needs the keyboard, and the popup never takes it on its own: `focus_wanted`
fires when the rep clicks into the picker, and the popup answers with `take_focus()`.
Names and reasons are painted as plain text (search_window.ResultDelegate).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent, QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.adapters.lookup import CallerLookup
from desktop.adapters.store import NewContact, StoreError
from desktop.core.caller_name_parts import NameParts, contact_from_caller_name
from desktop.core.candidates import readable
from desktop.core.card import Candidate, Card
from desktop.core.cnam import searchable_name
from desktop.core.display_text import one_line
from desktop.core.internal_extension import internal_extension
from desktop.core.models import StoredNumber
from desktop.core.numbers import CallerNumber
from desktop.qt.plain_tooltip import plain_tooltip
from desktop.qt.search_window import ResultDelegate

NARROW_DELAY_MS = 25
VISIBLE_ROWS = 4
_ID = Qt.ItemDataRole.UserRole
_PRIMARY = Qt.ItemDataRole.UserRole + 1
_SECONDARY = Qt.ItemDataRole.UserRole + 2


class CandidatePicker(QWidget):
    linked = Signal(object)  # contact id: the caller's number now belongs to them
    created = Signal(object)  # contact id of the new contact
    focus_wanted = Signal()  # the rep clicked in: the popup should take_focus()

    def __init__(self, lookup: CallerLookup, parent: QWidget | None = None, *,
                 clock: Callable[[], datetime] | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.lookup = lookup
        self._clock = clock or (lambda: datetime.now().astimezone())
        self._number: CallerNumber | None = None
        self._initial: tuple[Candidate, ...] = ()
        self._said = ""  # the caller ID's name, put in the name box for the rep
        # New contact offered who has the number now (their ids): the next click makes the
        # contact anyway, while the list shows that offer and they still are who has it.
        self._offered: tuple[int, ...] = ()
        # Guesses shown at once; fewer when the card would not fit the screen (the list
        # scrolls): at 2x on a laptop screen the card's buttons went past its bottom edge.
        self._row_limit = VISIBLE_ROWS

        self.name = QLineEdit(self)
        self.name.setPlaceholderText("Caller says their name…")
        self.name.setClearButtonEnabled(True)
        self.name.installEventFilter(self)
        self.list = QListWidget(self)
        self.list.setItemDelegate(ResultDelegate(self.list))
        self.list.setUniformItemSizes(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.viewport().installEventFilter(self)
        self.empty = QLabel(self)
        self.empty.setTextFormat(Qt.TextFormat.PlainText)
        self.empty.setWordWrap(True)
        self.note = QPlainTextEdit(self)
        self.note.setPlaceholderText("Note about this call (kept with a new contact)")
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(self.note.fontMetrics().lineSpacing() * 2 + 12)
        self.note.installEventFilter(self)
        self.link_button = QPushButton("This is them", self)
        self.link_button.setToolTip("Save this number on the selected contact")
        self.new_button = QPushButton("New contact", self)
        self.new_button.setToolTip("Make a contact with this number, the name and the note")
        self.status = QLabel(self)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)

        buttons = QHBoxLayout()
        buttons.setSpacing(6)
        buttons.addWidget(self.link_button)
        buttons.addWidget(self.new_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.name)
        layout.addWidget(self.list)
        layout.addWidget(self.empty)
        layout.addWidget(self.note)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self.status.hide()

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(NARROW_DELAY_MS)
        self._timer.timeout.connect(self.narrow)
        self.name.textChanged.connect(self._timer.start)
        # Another name typed is another question: its guesses replace the offer's list.
        self.name.textChanged.connect(self._withdraw_offer)
        self.name.returnPressed.connect(self.link_selected)
        self.list.itemActivated.connect(lambda _item: self.link_selected())
        self.list.currentRowChanged.connect(lambda _row: self._update_buttons())
        self.link_button.clicked.connect(self.link_selected)
        self.new_button.clicked.connect(self.create_contact)
        self._update_buttons()

    # -- the call --

    def set_card(self, card: Card) -> None:
        """Start over for this call: its number and the candidates the card ranked."""
        self._number = card.number if _from_the_call(card.number) is not None else None
        self._initial = card.candidates
        # The rep asked the caller's name with it on the card all along ("PDX WIRELESS"):
        # it starts the search, selected, so the name the caller says replaces it.
        self._said = searchable_name(card.number.display_name, card.local_time.place)
        self.name.blockSignals(True)
        self.name.setText(self._said if self._number is not None else "")
        self.name.selectAll()
        self.name.blockSignals(False)
        self.note.clear()
        self._say("")
        self._withdraw_offer()
        self._row_limit = VISIBLE_ROWS  # the card asks for fewer again if it must
        self.setEnabled(self._number is not None)
        if self.name.text():
            self.narrow()
        else:
            self._show(self._initial)

    def narrow(self) -> None:
        self._timer.stop()
        if self._number is None:
            return
        typed = self.name.text()
        if not typed.strip():
            self._show(self._initial)
            return
        try:
            found = self.lookup.candidates_for(self._number, self._clock(), named=[typed])
        except StoreError as exc:
            self._say(f"Search failed: {exc}")
            return
        if not found and typed == self._said:
            # Nobody has the caller ID's name: the number's own guesses still stand.
            self._show(self._initial, unmatched=typed)
            return
        self._show(found)

    def selected_id(self) -> int | None:
        item = self.list.currentItem()
        return int(item.data(_ID)) if item is not None else None

    def shown_ids(self) -> list[int]:
        return [int(self.list.item(i).data(_ID)) for i in range(self.list.count())]

    def link_selected(self) -> None:
        if self._timer.isActive():
            self.narrow()
        contact_id = self.selected_id()
        stored = _from_the_call(self._number) if self._number is not None else None
        if contact_id is None or stored is None:
            return
        try:
            self.lookup.store.link_number(contact_id, stored)
        except StoreError as exc:
            self._say(f"Not linked: {exc}")
            return
        self._say(f"Saved {stored.raw} on {self._name_of(contact_id)}.")
        self.linked.emit(contact_id)

    def create_contact(self) -> None:
        self._timer.stop()  # the name typed so far is the name; no narrowing after this
        stored = _from_the_call(self._number) if self._number is not None else None
        if stored is None:
            return
        # The caller ID's capitals as people write them; a business goes in Company.
        parts = contact_from_caller_name(self.name.text())
        if not parts.name and not parts.company:
            parts = NameParts(f"Caller {stored.raw}")
        name = parts.name or parts.company
        if stored.e164 and self._offer_owners(stored.e164):
            return
        try:
            contact_id = self.lookup.store.add_caller_as_contact(
                NewContact(name=parts.name, company=parts.company,
                           notes=self.note.toPlainText().strip(), numbers=(stored,))
            )  # fmt: skip
        except StoreError as exc:
            self._say(f"Not saved: {exc}. The note is still here.")
            return
        self._say(f"New contact {name} saved.")
        self.created.emit(contact_id)

    def _offer_owners(self, e164: str) -> bool:
        """Whoever has `e164` now, in the list with the first selected, instead of a second
        contact on one number (Used as a rep: "Priya N (from a call)" next to the "Priya
        Natarajan" an import had just added, and Duplicates did not say so). True if offered;
        False when nobody has it, or when this very offer is on show (New contact anyway)."""
        try:
            owners = self.lookup.store.contacts_for_number(e164, attempts_limit=0)
        except StoreError as exc:
            self._say(f"Not saved: {exc}. The note is still here.")
            return True
        ids = tuple(contact.id for contact, _ in owners)
        if not owners or ids == self._offered:
            return False
        self._offered = ids
        self._show(tuple(Candidate(contact, "Has this number") for contact, _ in owners))
        self.list.setCurrentRow(0)
        first = owners[0][0]
        who = one_line(first.name) or one_line(first.company) or "a contact"
        self._say(f"{readable(e164)} is {who[:40]}'s already. This is them keeps it theirs; "
                  f"New contact anyway makes another contact.")  # fmt: skip
        self.new_button.setText("New contact anyway")
        return True

    def _withdraw_offer(self) -> None:
        if not self._offered:
            return
        self._offered = ()
        self.new_button.setText("New contact")
        self._say("")

    # -- display --

    def _show(self, candidates: tuple[Candidate, ...], *, unmatched: str = "") -> None:
        """`unmatched`: the caller ID's name, which no contact has, over other guesses."""
        self.list.clear()
        for candidate in candidates:
            contact = candidate.contact
            who = one_line(contact.name) or one_line(contact.company) or "(no name)"
            if contact.company.strip() and one_line(contact.company) != who:
                who += f" — {one_line(contact.company)}"
            item = QListWidgetItem()
            item.setData(_ID, contact.id)
            item.setData(_PRIMARY, who)
            item.setData(_SECONDARY, one_line(candidate.why))
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{who}. {candidate.why}")
            item.setToolTip(plain_tooltip(f"{who}\n{candidate.why}"))
            self.list.addItem(item)
        self._size_list()
        self.list.setVisible(bool(candidates))
        if candidates:
            # Under a name nobody has, no guess is chosen for the rep: Enter in the name box
            # linked the number to the first guess, someone the caller ID did not name.
            self.list.setCurrentRow(-1 if unmatched else 0)
            self.empty.setText(
                f"No contact is called “{unmatched[:40]}”."
            )
            self.empty.setVisible(bool(unmatched))
        else:
            typed = one_line(self.name.text())
            self.empty.setText(
                f"No one called “{typed[:40]}” — make a new contact?" if typed
                else "No one linked to this number yet."
            )  # fmt: skip
            self.empty.show()
        self._update_buttons()

    def row_limit(self) -> int:
        return self._row_limit

    def set_row_limit(self, rows: int) -> None:
        """Show at most `rows` guesses at once (at least one); the others scroll. Its new
        height is known as this returns, for the card to measure itself again."""
        self._row_limit = max(1, min(rows, VISIBLE_ROWS))
        self._size_list()
        layout = self.layout()
        if layout is not None:
            layout.invalidate()
        self.updateGeometry()

    def _size_list(self) -> None:
        count = self.list.count()
        rows = min(max(count, 1), self._row_limit)
        row_height = self.list.sizeHintForRow(0) if count else 0
        self.list.setFixedHeight(row_height * rows + 2 * self.list.frameWidth())
        current = self.list.currentItem()
        if current is not None:  # the chosen guess stays in sight in a shorter list
            self.list.scrollToItem(current)

    def _say(self, text: str) -> None:
        # An empty status line would still take a line of the card's height.
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def _update_buttons(self) -> None:
        self.link_button.setEnabled(self.selected_id() is not None)
        self.new_button.setEnabled(self._number is not None)

    def _name_of(self, contact_id: int) -> str:
        for i in range(self.list.count()):
            item = self.list.item(i)
            if int(item.data(_ID)) == contact_id:
                return str(item.data(_PRIMARY)).split(" — ")[0]
        return "the contact"

    def hideEvent(self, event: QHideEvent) -> None:
        self._timer.stop()  # the call is over; nothing left to narrow
        super().hideEvent(event)

    # -- keyboard --

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.FocusIn) and not (
            self.window().isActiveWindow()
        ):
            self.focus_wanted.emit()
        if watched is self.name and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            step = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1}.get(Qt.Key(event.key()))
            if step is not None and self.list.count():
                row = min(max(self.list.currentRow() + step, 0), self.list.count() - 1)
                self.list.setCurrentRow(row)
                return True
        return super().eventFilter(watched, event)


def _from_the_call(number: CallerNumber) -> StoredNumber | None:
    """The caller's number as a contact keeps it: written as people write it, not as the
    softphone reported it ("sip:+13125550193@127.0.0.1:5994;user=phone" showed in the contact
    view, with the caller's address); a colleague's extension as "x3103", kept as the
    extension a call from 3103 finds. None when there is nothing to keep (withheld, text)."""
    if number.withheld:
        return None
    if number.e164:
        return StoredNumber(readable(number.e164), number.e164, number.extension, "from a call")
    digits = internal_extension(number)
    return StoredNumber(f"x{digits}", None, digits, "from a call") if digits else None

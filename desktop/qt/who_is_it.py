"""Who is it?, after the call: a number nobody has, chosen in Callbacks or Recent calls, given
to one of the rep's contacts or made a new contact, with the picker the ringing card has.

Used as a rep, Who is it? there searched for the number and found what was known already,
"Nobody has +1 312-555-0199: Call back calls it.": the rep who learnt who had called (from
their voicemail, from a colleague) could say so nowhere but in a contact's Add number….
Linked here, the number's calls become that contact's and its Callbacks entry is theirs.

The name its last call's caller ID gave ("PDX WIRELESS") starts the search, as on the card.
The window is as tall as what it shows: the picker's list comes and goes as the name narrows,
and a fixed 300 px left a band of nothing under the buttons when nobody was listed.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop.adapters.lookup import CallerLookup
from desktop.adapters.store import StoreError
from desktop.core.candidates import readable
from desktop.core.internal_extension import extension_call_text
from desktop.qt.candidate_picker import CandidatePicker
from desktop.qt.screen_fit import fit_to_screen

WIDTH = 460


class WhoIsItWindow(QWidget):
    settled = Signal(object)  # the contact id the number now belongs to

    def __init__(self, lookup: CallerLookup, number: str) -> None:
        super().__init__(None, Qt.WindowType.Window)
        self.number = number
        shown = extension_call_text(number) or readable(number)  # "x3103", as the lists say
        self.setWindowTitle(f"CallerCard — Who is {shown}?")
        self.title = QLabel(self)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setText(f"Who called from {shown}?")
        bold = QFont(self.title.font())
        bold.setBold(True)
        self.title.setFont(bold)
        self.picker = CandidatePicker(lookup, self)
        self.picker.name.setPlaceholderText("Their name, or a few letters of it…")
        self.picker.linked.connect(self._settled)
        self.picker.created.connect(self._settled)
        close = QPushButton("Close", self)
        close.setObjectName("close")
        close.clicked.connect(self.close)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 10)
        layout.setSpacing(8)
        layout.addWidget(self.title)
        layout.addWidget(self.picker)
        layout.addLayout(bottom)
        try:
            self.picker.set_card(lookup.card_for(number, lookup.store.caller_name_of(number)))
        except StoreError as exc:
            self.picker.setEnabled(False)
            self.title.setText(f"Could not read the contacts: {exc}")
        fit_to_screen(self, QSize(WIDTH, self._content_height(WIDTH)))

    def open(self) -> None:
        from desktop.qt.search_window import bring_to_front

        bring_to_front(self)
        self.picker.name.setFocus()
        self.picker.name.selectAll()  # the caller ID's name, replaced by the first key typed

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if event.type() == QEvent.Type.LayoutRequest:
            # The list shown or gone, a status line: as tall as that, no band of nothing.
            height = self._content_height(self.width())
            screen = self.screen()
            if screen is not None:
                height = min(height, screen.availableGeometry().height() - 48)
            if height != self.height():
                self.resize(self.width(), height)
        return handled

    def _content_height(self, width: int) -> int:
        layout = self.layout()
        assert layout is not None
        if layout.hasHeightForWidth():
            return layout.totalHeightForWidth(width)
        return layout.totalSizeHint().height()

    def _settled(self, contact_id: object) -> None:
        self.settled.emit(contact_id)
        self.close()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close()
        else:
            super().keyPressEvent(event)

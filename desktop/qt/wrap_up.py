"""The wrap-up: after an outbound call to a contact, how it went, in three clicks at most.

It asks for the outcome (voicemail left / no answer / gatekeeper / talked), the message left
and the reason we called, prefilled from the contact's current reason. Saving writes them onto
the call's attempt and makes the reason the contact's current one, so the card of their
callback says why we called. That is how "why we called" gets captured without extra work.

Like the caller card it never takes the keyboard on its own: it appears without activation
(the rep may already be typing notes elsewhere), stays on top, and is an ordinary window once
clicked: Tab walks it, Alt+V/N/G/T pick the outcome, Ctrl+Enter saves, Esc skips. Every text
from the call or the contact is shown as plain text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QCloseEvent, QFont, QKeyEvent, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core.callbacks import (
    MAX_WINDOW_TEXT,
    Window,
    parse_window,
    window_of,
    window_text,
)
from desktop.core.candidates import readable, short_date
from desktop.core.display_text import display_text, one_line
from desktop.core.models import Attempt, Contact, Outcome
from desktop.qt.popup_stack import screen_under_cursor

WIDTH = 400
MARGIN = 16  # from the screen's available edge, as the cards keep
CHOICES = (
    (Outcome.VOICEMAIL, "&Voicemail left"),
    (Outcome.NO_ANSWER, "&No answer"),
    (Outcome.GATEKEEPER, "&Gatekeeper"),
    (Outcome.TALKED, "&Talked"),
)
_FLAGS = Qt.WindowType.Tool | Qt.WindowType.WindowStaysOnTopHint


@dataclass(frozen=True)
class WrapUpResult:
    attempt_id: int
    outcome: Outcome
    message: str
    reason: str
    callback: Window | None = None  # when the rep said they'd be in for the callback


def who_line(contact: Contact) -> str:
    name = one_line(contact.name) or "(no name)"
    company = one_line(contact.company)
    return f"{name} · {company}" if company and company != name else name


def call_line(attempt: Attempt, now: datetime) -> str:
    local = attempt.at.astimezone(now.tzinfo)
    day = "today" if local.date() == now.date() else short_date(attempt.at, now)
    when = f"{day} {local.hour:02d}:{local.minute:02d}"
    number = readable(attempt.number_e164) if attempt.number_e164 else ""
    return f"Called {number}, {when}" if number else f"Called {when}"


def _plain(text: str, parent: QWidget, *, muted: bool = False) -> QLabel:
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    label.setWordWrap(True)
    if muted:
        label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return label


class WrapUp(QWidget):
    """One call's wrap-up. ``saved`` carries a WrapUpResult; ``skipped`` the attempt id."""

    saved = Signal(object)
    skipped = Signal(object)

    def __init__(
        self,
        attempt_id: int,
        contact: Contact,
        attempt: Attempt,
        *,
        now: datetime | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, _FLAGS)
        self.attempt_id = attempt_id
        self._done = False
        self.setWindowTitle(f"Wrap-up — {who_line(contact)}")
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setAttribute(Qt.WidgetAttribute.WA_MacAlwaysShowToolWindow)
        self.setFixedWidth(WIDTH)
        now = now or datetime.now(UTC)
        self._now = now.astimezone() if now.tzinfo is UTC else now  # windows: the rep's zone

        root = QVBoxLayout(self)
        root.setContentsMargins(16, 14, 16, 14)
        root.setSpacing(6)
        title = _plain("How did the call go?", self)
        font = QFont(title.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        title.setFont(font)
        root.addWidget(title)
        self.who = _plain(who_line(contact), self)
        root.addWidget(self.who)
        self.call = _plain(call_line(attempt, now), self, muted=True)
        root.addWidget(self.call)
        root.addSpacing(4)

        grid = QGridLayout()
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(4)
        self.outcomes = QButtonGroup(self)
        self.buttons: dict[Outcome, QRadioButton] = {}
        for index, (outcome, text) in enumerate(CHOICES):
            button = QRadioButton(text, self)
            self.outcomes.addButton(button, index)
            self.buttons[outcome] = button
            grid.addWidget(button, index // 2, index % 2)
        root.addLayout(grid)
        root.addSpacing(4)

        message_label = _plain("Message left", self)
        root.addWidget(message_label)
        self.message = QPlainTextEdit(self)
        self.message.setTabChangesFocus(True)
        self.message.setPlaceholderText("What you said on their voicemail or to the gatekeeper")
        self.message.setPlainText(attempt.message)
        self.message.setFixedHeight(self.message.fontMetrics().lineSpacing() * 3 + 14)
        message_label.setBuddy(self.message)
        root.addWidget(self.message)

        reason_label = _plain("Why we called", self)
        root.addWidget(reason_label)
        self.reason = QLineEdit(self)
        self.reason.setPlaceholderText("Shown on their card when they call back")
        self.reason.setText(display_text(attempt.reason or contact.reason))
        self.reason.setCursorPosition(0)
        self.reason.returnPressed.connect(self.save)
        reason_label.setBuddy(self.reason)
        root.addWidget(self.reason)

        window_label = _plain("You'll be in for their callback", self)
        root.addWidget(window_label)
        self.callback_field = QLineEdit(self)
        self.callback_field.setPlaceholderText("e.g. tomorrow 9-12, Fri 2-4pm, by 17:00")
        self.callback_field.setMaxLength(MAX_WINDOW_TEXT)
        said = window_of(attempt)
        if said is not None:
            self.callback_field.setText(window_text(said, self._now))
        self.callback_field.returnPressed.connect(self.save)
        self.callback_field.textEdited.connect(lambda _text: self._update_save())
        window_label.setBuddy(self.callback_field)
        root.addWidget(self.callback_field)

        self.hint = _plain("Pick how it went to save.", self, muted=True)
        row = QHBoxLayout()
        row.addWidget(self.hint)
        row.addStretch(1)  # keeps the buttons their own size when the hint is hidden
        self.skip_button = QPushButton("Skip", self)
        self.skip_button.clicked.connect(self.skip)
        self.save_button = QPushButton("Save", self)
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        row.addWidget(self.skip_button)
        row.addWidget(self.save_button)
        root.addSpacing(4)
        root.addLayout(row)

        chosen = self.buttons.get(attempt.outcome)
        if chosen is not None:
            chosen.setChecked(True)
        self.outcomes.idToggled.connect(lambda _id, _on: self._update_save())
        self._update_save()
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(self.save)
        self.setTabOrder(self.buttons[Outcome.VOICEMAIL], self.message)

    # -- state --

    def outcome(self) -> Outcome | None:
        for outcome, button in self.buttons.items():
            if button.isChecked():
                return outcome
        return None

    def callback_window(self) -> Window | None:
        """Raises ValueError, saying what it understands, for words it cannot read."""
        return parse_window(self.callback_field.text(), self._now)

    def result(self) -> WrapUpResult | None:
        outcome = self.outcome()
        if outcome is None:
            return None
        try:
            window = self.callback_window()
        except ValueError:
            return None
        return WrapUpResult(
            self.attempt_id,
            outcome,
            self.message.toPlainText().strip(),
            " ".join(self.reason.text().split()),
            window,
        )

    def _update_save(self) -> None:
        problem = "" if self.outcome() is not None else "Pick how it went to save."
        try:
            window = self.callback_window()
        except ValueError as exc:
            problem = f"Callback window: {exc}"
        else:
            if window is not None and not problem:
                problem = f"You'll be in {window_text(window, self._now)}"
        self.save_button.setEnabled(self.result() is not None)
        self.hint.setText(problem)
        self.hint.setVisible(bool(problem))

    # -- actions --

    def save(self) -> None:
        result = self.result()
        if result is None:
            return
        self._done = True
        self.saved.emit(result)
        self.close()

    def skip(self) -> None:
        if not self._done:
            self._done = True
            self.skipped.emit(self.attempt_id)
        self.close()

    def reveal(self) -> None:
        """Show it at the top-right of the screen the rep is looking at, without taking the
        keyboard (the caller cards stack up from the bottom-right)."""
        self.adjustSize()
        screen = screen_under_cursor()
        if screen is not None:
            area = screen.availableGeometry()
            self.move(QPoint(area.right() - self.width() - MARGIN, area.top() + MARGIN))
        self.show()

    # -- Qt overrides --

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.skip()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._done:  # the window manager's close button is a skip
            self._done = True
            self.skipped.emit(self.attempt_id)
        event.accept()

"""The wrap-up: after every call, how it went, in three clicks at most.

After an outbound call to a contact it asks for the outcome (voicemail left / no answer /
gatekeeper / talked), the message left, the reason we called (prefilled from the contact's
current reason) and when the rep will be in for the callback. After an answered incoming call
(a contact's or a stranger's; a missed one waits in Callbacks instead) it asks how it went
(talked / their gatekeeper / they left voicemail, "talked" preselected), a note, what it was
about and when to call them back by. Saving writes them onto the call's attempt and makes the
reason the contact's current one, so the card of their next call says it. After a call out,
the fields are worded for the outcome chosen ("Note" once "Talked" is picked, not "Message
left"). After a contact's incoming call it shows the "call them back by" still open from an
earlier call, kept unless the rep picks Done (store/callbacks.py open_promise).

It opens once the call has ended, and never takes the keyboard on its own: it appears without
activation and refuses focus (the rep may be on the next call, typing into the CRM) until the
rep clicks into it; from then on it is an ordinary window: Tab walks it, Alt+letter picks the
outcome, Ctrl+Enter saves, Esc skips. Esc with words the rep typed asks first (a second Esc
drops them): one stray key lost a whole note. Every text from the call or the contact is plain
text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QFont,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPalette,
    QShortcut,
    QTextCursor,
)
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

from desktop.core.call_summary import unknown_who
from desktop.core.callbacks import (
    MAX_WINDOW_TEXT,
    OpenPromise,
    Window,
    by_text,
    parse_window,
    window_examples,
    window_of,
    window_text,
)
from desktop.core.candidates import readable, short_date
from desktop.core.card_text import WITHHELD
from desktop.core.display_text import display_text, one_line
from desktop.core.localtime import HourCycle, clock_text
from desktop.core.models import Attempt, Contact, Direction, Outcome
from desktop.core.unread_caller_id import caller_id_text
from desktop.qt.popup_stack import screen_under_cursor

WIDTH = 400
MARGIN = 16  # from the screen's available edge, as the cards keep
MAX_OPEN = 3  # wrap-ups open at once; calls beyond that are in Recent calls, unasked
CASCADE = 28  # each further open wrap-up this much lower and to the left, its title visible
CHOICES = (
    (Outcome.VOICEMAIL, "&Voicemail left"),
    (Outcome.NO_ANSWER, "&No answer"),
    (Outcome.GATEKEEPER, "&Gatekeeper"),
    (Outcome.TALKED, "&Talked"),
)
INBOUND_CHOICES = (
    (Outcome.TALKED, "&Talked"),
    (Outcome.GATEKEEPER, "Their &gatekeeper"),
    (Outcome.VOICEMAIL, "They left &voicemail"),
)
_FLAGS = (
    Qt.WindowType.Tool
    | Qt.WindowType.WindowStaysOnTopHint
    | Qt.WindowType.WindowDoesNotAcceptFocus  # until the rep clicks into it
)


@dataclass(frozen=True)
class _Words:
    """What the window asks, by the call's direction."""

    choices: tuple[tuple[Outcome, str], ...]
    message: str
    message_hint: str
    reason: str
    reason_hint: str
    callback: str  # its examples follow the rep's clock: see window_examples


_OUTBOUND = _Words(
    CHOICES,
    "Message left", "What you said on their voicemail or to the gatekeeper",
    "Why we called", "Shown on their card when they call back",
    "You'll be in for their callback",
)  # fmt: skip
# After a call out, what the rep is asked follows the outcome they chose: with "Talked"
# picked the form still asked for the message left on their voicemail and when the rep would
# be in for a callback nobody was asked for. (message, its hint, the window's label)
_OUTCOME_WORDS = {
    Outcome.VOICEMAIL: ("Message left", "What you said on their voicemail",
                        "You'll be in for their callback"),
    Outcome.GATEKEEPER: ("Message left", "What you told the gatekeeper",
                         "You'll be in for their callback"),
    Outcome.NO_ANSWER: ("Note", "Anything to remember about this try",
                        "You'll be in if they call back"),
    Outcome.TALKED: ("Note", "What they said, what you agreed",
                     "They'll call you back, you'll be in"),
}
_INBOUND = _Words(
    INBOUND_CHOICES,
    "Note", "What they asked for, what you promised",
    "What it was about", "Shown on their card the next time they call",
    "Call them back by",
)  # fmt: skip


@dataclass(frozen=True)
class WrapUpResult:
    attempt_id: int
    outcome: Outcome
    message: str
    reason: str
    callback: Window | None = None  # when the rep said they'd be in for the callback
    promise_done: bool = False  # the open promise shown (OpenPromise) is done


def who_line(contact: Contact | None, attempt: Attempt | None = None) -> str:
    """The contact's name and company; for a stranger, the name their caller ID gave and
    their number ("MIKE ROSS (caller ID) · +1 415-555-0177": the number alone named nobody)."""
    if contact is None:
        number = attempt.number_e164 if attempt is not None else None
        said = one_line(attempt.caller_name) if attempt is not None else ""
        shown = readable(number) if number else WITHHELD
        if attempt is not None and attempt.caller_id:  # a caller ID we cannot read: as it came
            shown = caller_id_text(attempt.caller_id)
        return f"{unknown_who(said)} · {shown}" if said else shown
    company = one_line(contact.company)
    name = one_line(contact.name) or company or "(no name)"  # a company alone: its name
    return f"{name} · {company}" if company and company != name else name


def call_line(
    attempt: Attempt, now: datetime, cycle: HourCycle = "24h", *, number_said: bool = False
) -> str:
    """When the call was, and from or to which number unless the line above said it already
    (`number_said`: a stranger is named by their number, which read twice in a row)."""
    local = attempt.at.astimezone(now.tzinfo)
    day = "today" if local.date() == now.date() else short_date(attempt.at, now)
    when = f"{day} {clock_text(local, local.date(), cycle)}"
    number = readable(attempt.number_e164) if attempt.number_e164 and not number_said else ""
    if attempt.direction is Direction.IN:
        return f"They called from {number}, {when}" if number else f"They called, {when}"
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
        contact: Contact | None,
        attempt: Attempt,
        *,
        now: datetime | None = None,
        hour_cycle: HourCycle = "24h",
        language: str = "en",  # besides English, the callback time's (core/time_words.py)
        promise: OpenPromise | None = None,  # the contact's "call them back by" still open
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, _FLAGS)
        self.attempt_id = attempt_id
        self.slot = 0  # its place in the cascade of open wrap-ups (reveal)
        self.inbound = attempt.direction is Direction.IN
        words = _INBOUND if self.inbound else _OUTBOUND
        self._done = False
        self.setWindowTitle(f"Wrap-up — {who_line(contact, attempt)}")
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setAttribute(Qt.WidgetAttribute.WA_MacAlwaysShowToolWindow)
        self.setFixedWidth(WIDTH)
        now = now or datetime.now(UTC)
        self._now = now.astimezone() if now.tzinfo is UTC else now  # windows: the rep's zone
        self._cycle = hour_cycle
        self._language = language

        root = QVBoxLayout(self)
        root.setContentsMargins(16, 14, 16, 14)
        root.setSpacing(6)
        title = _plain("How did the call go?", self)
        font = QFont(title.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        title.setFont(font)
        root.addWidget(title)
        self.who = _plain(who_line(contact, attempt), self)
        root.addWidget(self.who)
        stranger = contact is None  # named by their number on the line above
        self.call = _plain(call_line(attempt, now, hour_cycle, number_said=stranger), self,
                           muted=True)  # fmt: skip
        root.addWidget(self.call)
        root.addSpacing(4)

        grid = QGridLayout()
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(4)
        self.outcomes = QButtonGroup(self)
        self.buttons: dict[Outcome, QRadioButton] = {}
        for index, (outcome, text) in enumerate(words.choices):
            button = QRadioButton(text, self)
            self.outcomes.addButton(button, index)
            self.buttons[outcome] = button
            grid.addWidget(button, index // 2, index % 2)
        root.addLayout(grid)
        root.addSpacing(4)

        message_label = _plain(words.message, self)
        self.message_label = message_label
        root.addWidget(message_label)
        self.message = QPlainTextEdit(self)
        self.message.setTabChangesFocus(True)
        self.message.setPlaceholderText(words.message_hint)
        self.message.setPlainText(attempt.message)
        self.message.setFixedHeight(self.message.fontMetrics().lineSpacing() * 3 + 14)
        message_label.setBuddy(self.message)
        root.addWidget(self.message)

        reason_label = _plain(words.reason, self)
        root.addWidget(reason_label)
        self.reason = QLineEdit(self)
        self.reason.setPlaceholderText(words.reason_hint)
        self.reason.setText(display_text(attempt.reason or (contact.reason if contact else "")))
        self.reason.setCursorPosition(0)
        self.reason.returnPressed.connect(self.save)
        reason_label.setBuddy(self.reason)
        root.addWidget(self.reason)

        self.promise: QLabel | None = None
        self.keep_promise: QRadioButton | None = None
        self.promise_done: QRadioButton | None = None
        if promise is not None:
            self._add_promise(root, promise)

        window_label = _plain(words.callback, self)
        self.window_label = window_label
        root.addWidget(window_label)
        self.callback_field = QLineEdit(self)
        self.callback_field.setPlaceholderText(
            "e.g. " + ", ".join(window_examples(self._cycle, deadline=self.inbound,
                                                language=language)))  # fmt: skip
        self.callback_field.setMaxLength(MAX_WINDOW_TEXT)
        said = window_of(attempt)
        if said is not None:
            self.callback_field.setText(window_text(said, self._now, self._cycle))
        self.callback_field.returnPressed.connect(self.save)
        self.callback_field.textEdited.connect(lambda _text: self._update_save())
        window_label.setBuddy(self.callback_field)
        root.addWidget(self.callback_field)

        # On a line of its own above the buttons: beside them it had a third of the width and
        # "Call them back by: say by when, e.g. …" ran to three grey lines against the window's
        # edge. Its room is kept while it is hidden, so the window does not jump as one types.
        # Two lines of room from the start, whatever it says (a refusal takes two): empty, it
        # had none, and "Call them back by 17:00 tomorrow" appearing as the rep typed pushed
        # Skip and Save down a line, under a click aimed at Save.
        self.hint = _plain("Pick how it went to save.", self, muted=True)
        kept = self.hint.sizePolicy()
        kept.setRetainSizeWhenHidden(True)
        self.hint.setSizePolicy(kept)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.hint.setMinimumHeight(2 * self.hint.fontMetrics().lineSpacing())
        root.addSpacing(2)
        root.addWidget(self.hint)
        row = QHBoxLayout()
        row.addStretch(1)
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
        self._opened_outcome = self.outcome()  # what follow() may change: none the rep chose
        self.outcomes.idToggled.connect(lambda _id, _on: self._update_save())
        self._update_save()
        if not self.inbound:
            self.outcomes.idToggled.connect(lambda _id, _on: self._follow_outcome())
            self._follow_outcome()
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(self.save)
        self.setTabOrder(self.buttons[words.choices[0][0]], self.message)
        self._opened = self._typed()  # what Esc may drop without asking
        self._asked_about: tuple[str, str, str, bool] | None = None  # what the last Esc asked about
        # A click anywhere in it is the rep turning to it: only then may it have the keyboard.
        for child in self.findChildren(QWidget):
            child.installEventFilter(self)

    def _add_promise(self, root: QVBoxLayout, promise: OpenPromise) -> None:
        """The promise an earlier call left open, said where the rep decides on this call's
        callback: kept unless the rep says it is done (their calling about something else
        settled it silently before)."""
        heading = _plain("Still open from an earlier call", self)
        root.addWidget(heading)
        self.promise = _plain(promise.text(self._now, self._cycle), self)
        self.promise.setIndent(10)
        root.addWidget(self.promise)
        row = QHBoxLayout()
        row.setContentsMargins(10, 0, 0, 0)
        group = QButtonGroup(self)
        self.keep_promise = QRadioButton("&Keep it open", self)
        self.promise_done = QRadioButton("&Done", self)
        for button in (self.keep_promise, self.promise_done):
            group.addButton(button)
            row.addWidget(button)
        row.addStretch(1)
        (self.promise_done if promise.done else self.keep_promise).setChecked(True)
        self.keep_promise.setToolTip("It stays in Callbacks until you call them back. A new "
                                     "time below replaces it.")  # fmt: skip
        self.promise_done.setToolTip("Nothing left to do: it leaves Callbacks.")
        root.addLayout(row)
        root.addSpacing(2)

    def _follow_outcome(self) -> None:
        """The outbound form's labels for the outcome chosen (none yet: the generic ones)."""
        outcome = self.outcome()
        generic = (_OUTBOUND.message, _OUTBOUND.message_hint, _OUTBOUND.callback)
        message, hint, callback = generic if outcome is None else _OUTCOME_WORDS[outcome]
        self.message_label.setText(message)
        self.message.setPlaceholderText(hint)
        self.window_label.setText(callback)

    def follow(self, attempt: Attempt) -> None:
        """The call's row as it is now: a note another program logged on it (`callercard
        log-call` from a dialer or CRM, moments after the dial) is shown where the rep has not
        chosen or typed yet, so Save keeps what it says. With no outcome picked the window
        stayed as it opened, and Save wrote the rep's choice over the note's. What the rep
        picked or typed stays theirs. It stays open: it still asks what the note may not say
        (why, when to call back), and closing under the rep's pointer loses what they meant to
        type."""
        if self._done:
            return
        button = self.buttons.get(attempt.outcome)
        if button is not None and self.outcome() == self._opened_outcome:
            button.setChecked(True)
            self._opened_outcome = attempt.outcome
        message, reason, callback, done = self._opened
        if self.message.toPlainText() == message and attempt.message.strip():
            message = attempt.message
            if message != self.message.toPlainText():
                self.message.setPlainText(message)
        said = display_text(attempt.reason)
        if self.reason.text() == reason and said.strip():
            reason = said
            if reason != self.reason.text():
                self.reason.setText(reason)
                self.reason.setCursorPosition(0)
        self._opened = (message, reason, callback, done)  # the note's words are not the rep's

    # -- focus on the rep's click --

    def accepts_focus(self) -> bool:
        return not self.windowFlags() & Qt.WindowType.WindowDoesNotAcceptFocus

    def take_focus(self) -> None:
        """Let the window have the keyboard (the rep clicked into it)."""
        flags = self.windowFlags() & ~Qt.WindowType.WindowDoesNotAcceptFocus
        if flags != self.windowFlags():
            # On the live QWindow: setWindowFlags() would hide and re-create the window.
            self.overrideWindowFlags(flags)
            handle = self.windowHandle()
            if handle is not None:
                handle.setFlags(flags)
        self.activateWindow()

    def accept_focus_from_the_start(self) -> None:
        """Before it is first shown: a window the rep opened (Recent calls' Wrap-up…) is an
        ordinary one that is activated when it appears. Taking the no-focus hint off a window
        already mapped is not enough for every window manager (openbox keeps the first)."""
        self.setWindowFlags(self.windowFlags() & ~Qt.WindowType.WindowDoesNotAcceptFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating, False)

    def type_into_note(self) -> None:
        """What the rep types next goes into the note, after what it says (the window's first
        focus would be the outcome buttons, where typing goes nowhere)."""
        self.message.moveCursor(QTextCursor.MoveOperation.End)
        self.message.setFocus(Qt.FocusReason.OtherFocusReason)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.MouseButtonPress and not self.accepts_focus():
            self.take_focus()
            if isinstance(watched, QWidget) and watched.focusPolicy() != Qt.FocusPolicy.NoFocus:
                watched.setFocus(Qt.FocusReason.MouseFocusReason)
        return super().eventFilter(watched, event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if not self.accepts_focus():
            self.take_focus()
        super().mousePressEvent(event)

    # -- state --

    def outcome(self) -> Outcome | None:
        for outcome, button in self.buttons.items():
            if button.isChecked():
                return outcome
        return None

    def callback_window(self) -> Window | None:
        """Raises ValueError, saying what it understands, for words it cannot read."""
        return parse_window(self.callback_field.text(), self._now, deadline=self.inbound,
                            cycle=self._cycle, language=self._language)  # fmt: skip

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
            self.promise_done is not None and self.promise_done.isChecked(),
        )

    def _typed(self) -> tuple[str, str, str, bool]:
        """What the rep has said so far; Done on an open promise counts, as a note does (one
        Esc dropped it without a word, the promise kept)."""
        done = self.promise_done is not None and self.promise_done.isChecked()
        return (self.message.toPlainText(), self.reason.text(), self.callback_field.text(), done)

    def _update_save(self) -> None:
        problem = "" if self.outcome() is not None else "Pick how it went to save."
        refused = False
        try:
            window = self.callback_window()
        except ValueError as exc:
            problem = f"{'Call them back by' if self.inbound else 'Callback window'}: {exc}"
            refused = True
        else:
            if window is not None and not problem:
                problem = (
                    f"Call them back {by_text(window, self._now, self._cycle)}"
                    if self.inbound
                    else f"You'll be in {window_text(window, self._now, self._cycle)}"
                )
        self.save_button.setEnabled(self.result() is not None)
        self.hint.setText(problem)
        self.hint.setVisible(bool(problem))
        # Words it cannot read are why Save is grey: said in the text's colour, not as a hint.
        self.hint.setForegroundRole(QPalette.ColorRole.WindowText if refused
                                    else QPalette.ColorRole.PlaceholderText)  # fmt: skip
        self._fit_height()

    def _fit_height(self) -> None:
        """Taller when the line above the buttons wraps onto another: a fixed-width window
        does not grow for a label's height-for-width by itself, and its rows were squeezed
        over one another instead ("Why we called" on the message box). Never shorter, so
        the rows stay where they are as the rep types."""
        layout = self.layout()
        if layout is None or not layout.hasHeightForWidth():
            return
        needed = layout.totalHeightForWidth(self.width())
        if needed > self.height():
            self.resize(self.width(), needed)

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

    def reveal(self, position: int = 0, cards: QRect | None = None) -> None:
        """Show it at the top-right of the screen the rep is looking at, without taking the
        keyboard (the caller cards stack up from the bottom-right); `position` other open
        wrap-ups cascade it down and left. Where the `cards` on screen reach that high (four
        stacked), it stands to their left: a wrap-up never covers a ringing caller's card."""
        self.slot = position
        self.adjustSize()
        screen = screen_under_cursor()
        if screen is not None:
            area = screen.availableGeometry()
            step = CASCADE * position
            spot = QRect(QPoint(area.right() - self.width() - MARGIN - step,
                                area.top() + MARGIN + step), self.size())  # fmt: skip
            if cards is not None and spot.intersects(cards):
                left = cards.left() - MARGIN - self.width() - step
                if left >= area.left():
                    spot.moveLeft(left)
            self.move(spot.topLeft())
        self.show()

    # -- Qt overrides --

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            typed = self._typed()
            if typed not in (self._opened, self._asked_about):  # typed since: ask again
                self._asked_about = typed
                only_done = typed[:3] == self._opened[:3]  # the promise's Done alone
                self.hint.setText("Esc again drops Done, the promise kept; Ctrl+Enter "
                                  "saves it." if only_done and typed[3] else
                                  "Esc again drops what you typed; Ctrl+Enter saves it.")
                self.hint.setVisible(True)
                return
            self.skip()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._done:  # the window manager's close button is a skip
            self._done = True
            self.skipped.emit(self.attempt_id)
        event.accept()

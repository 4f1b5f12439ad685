"""A question the rep must answer in a CallerCard window stands above the caller cards while it
is asked. The cards stay on top at the bottom-right of the screen; at 2x they cover most of a
window, and the contact view's "Delete Dana Whitfield …?" had its Delete and Keep under them
(used as a rep: the window had to be dragged off the screen to reach them).

Decided: the question's window rises above the cards for as long as it asks, rather than the
cards stepping aside: no card moves or goes (a ringing caller's least of all), and a card that
arrives meanwhile is raised over it as any new card is. It goes back under them once the
question is answered or the rep turns to another window."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QWidget

_ON_TOP = Qt.WindowType.WindowStaysOnTopHint


def above_cards(window: QWidget) -> bool:
    """Whether `window` stands above the cards now."""
    return bool(window.windowFlags() & _ON_TOP)


def stand_above_cards(window: QWidget, above: bool) -> None:
    """Put the top-level `window` above the always-on-top cards, or back among ordinary
    windows. On the live window: setWindowFlags() would hide and re-create it."""
    flags = window.windowFlags()
    wanted = flags | _ON_TOP if above else flags & ~_ON_TOP
    if wanted != flags:
        window.overrideWindowFlags(wanted)
        handle = window.windowHandle()
        if handle is not None:
            handle.setFlags(wanted)
    if above and window.isVisible():
        window.raise_()


class WhileAsking(QObject):
    """Keeps `window` above the cards from `ask()` until `done()`, or until the rep turns to
    another window (the question then waits where it is, under the cards like the rest)."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        self._asking = False
        window.installEventFilter(self)

    def ask(self) -> None:
        self._asking = True
        stand_above_cards(self._window, True)

    def done(self) -> None:
        if self._asking:
            self._asking = False
            stand_above_cards(self._window, False)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and event.type() in (QEvent.Type.WindowDeactivate,
                                                        QEvent.Type.Hide):  # fmt: skip
            self.done()
        return super().eventFilter(watched, event)

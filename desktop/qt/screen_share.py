"""Presentation-safe cards: one switch, whatever the platform can do about screen shares.

`ScreenShareGuard` holds the rep's setting ("Keep cards out of screen shares") and, on
Linux, the desktop's Do Not Disturb, and decides with desktop.core.redaction.protection:

- Windows and macOS: with the setting on, every card window (the pooled ones and the
  "+N more" entry) is excluded from captures as it is built and when the setting changes
  (desktop.qt.capture_exclusion). A system that refuses (Windows before 10 2004) gets
  redacted cards instead.
- Linux: cards are redacted while the setting is on or Do Not Disturb is on. The watcher
  (desktop.adapters.do_not_disturb) is loaded and started by `watch_do_not_disturb()` after
  start-up, never on the ring path; it reports from its own thread, and the report reaches
  the cards through the app's ThreadBridge (which drops it once the app is quitting), or a
  queued signal without one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from desktop.core.redaction import Protection, protection
from desktop.qt.capture_exclusion import CaptureExclusion
from desktop.qt.popup_stack import PopupStack

if TYPE_CHECKING:
    from desktop.adapters.do_not_disturb import DoNotDisturbWatcher

log = logging.getLogger(__name__)


class ScreenShareGuard(QObject):
    changed = Signal()  # protection() or do_not_disturb() changed
    _do_not_disturb_reported = Signal(bool)  # from the watcher's thread, queued to ours

    def __init__(self, stack: PopupStack, exclusion: CaptureExclusion, keep_out: bool,
                 parent: QObject | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self._stack = stack
        self._exclusion = exclusion
        self._keep_out = keep_out
        self._do_not_disturb = False
        self._refused = False  # the OS refused to exclude a window
        self._guarding = False
        self._watcher: DoNotDisturbWatcher | None = None
        self._protection = Protection.NONE
        self._do_not_disturb_reported.connect(self.set_do_not_disturb)
        self._update()

    # -- what the app and the tests read --

    def protection(self) -> Protection:
        return self._protection

    def keep_out(self) -> bool:
        return self._keep_out

    def do_not_disturb(self) -> bool:
        return self._do_not_disturb

    def describe(self) -> str:
        """One short line for the tray menu: why cards are redacted, or "" when they are not."""
        if self._protection is not Protection.REDACTED:
            return ""
        if not self._keep_out:
            return "Do Not Disturb is on: cards show the company only"
        if self._refused:
            return "The system refused to hide cards: they show the company only"
        return "Cards show the company only (Linux cannot hide windows)"

    # -- inputs --

    def set_keep_out(self, keep_out: bool) -> None:
        if keep_out != self._keep_out:
            self._keep_out = keep_out
            self._update()

    def set_do_not_disturb(self, on: bool) -> None:
        if on != self._do_not_disturb:
            log.info("do not disturb is %s", "on" if on else "off")
            self._do_not_disturb = on
            self._update()

    def watch_do_not_disturb(
        self, env: Mapping[str, str], choose: Callable[[Mapping[str, str]], DoNotDisturbWatcher]
        | None = None, on_main: Callable[[Callable[[], None], QObject], None] | None = None,
    ) -> None:  # fmt: skip
        """Follow the desktop's Do Not Disturb where windows cannot be excluded. Idempotent."""
        if self._exclusion.supported or self._watcher is not None:
            return
        if choose is None:
            from desktop.adapters.do_not_disturb import choose_watcher

            choose = choose_watcher
        self._watcher = choose(env)
        if on_main is None:
            self._watcher.start(self._do_not_disturb_reported.emit)
        else:
            self._watcher.start(lambda on: on_main(lambda: self.set_do_not_disturb(on), self))

    def protect_window(self, window: QWidget) -> bool:
        """A window the app opens by itself (a wrap-up) that names the caller: kept out of
        captures like the cards where they are (True), or False while the cards are
        redacted, when it must not show at all (Linux cannot hide it; a refusing Windows)."""
        if self._protection is Protection.EXCLUDED and not self._exclusion.apply(window, True):
            self._refuse()
        return self._protection is not Protection.REDACTED

    def close(self) -> None:
        if self._watcher is not None:
            self._watcher.stop()
            self._watcher = None

    # -- applying it --

    def _update(self) -> None:
        if self._exclusion.supported and (self._keep_out or self._guarding):
            # Installed once the rep first asks; from then on each card window built gets
            # the current choice, and every existing one is set now.
            self._guarding = True
            self._refused = False
            self._stack.set_window_guard(self._guard)
        level = protection(keep_out=self._keep_out, do_not_disturb=self._do_not_disturb,
                           can_exclude=self._exclusion.supported and not self._refused)  # fmt: skip
        self._stack.set_redacted(level is Protection.REDACTED)
        if level is not self._protection:
            log.info("screen shares: %s (%s)", level.value, self._exclusion.name)
            self._protection = level
        self.changed.emit()

    def _guard(self, window: QWidget) -> None:
        if self._exclusion.apply(window, self._keep_out) or not self._keep_out:
            return
        self._refuse()

    def _refuse(self) -> None:
        if not self._refused:
            log.warning("screen shares: %s refused to exclude a card window; cards are "
                        "redacted instead", self._exclusion.name)  # fmt: skip
            self._refused = True
            if self._protection is Protection.EXCLUDED:
                self._stack.set_redacted(True)
                self._protection = Protection.REDACTED
                self.changed.emit()

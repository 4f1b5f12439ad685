"""Popups paused (for an hour, until tomorrow, or until resumed): saved in the settings, said
by the tray, its menu and the no-tray window, and lifted when its end has passed. Calls are
still logged while paused; the missed cards that waited come back when popups resume."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer

from desktop.core.pause import PauseLength, pause_end, pause_over

if TYPE_CHECKING:
    from collections.abc import Callable

    from desktop.adapters.settings import Settings
    from desktop.qt.tray import TrayMenu

log = logging.getLogger("callercard")

PAUSE_CHECK_MS = 15_000  # how often a pause with an end is checked (and its text refreshed)


class PopupPause:
    def __init__(self, settings: Callable[[], Settings], apply: Callable[[Settings], None],
                 tray: TrayMenu, bring_back: Callable[[], None]) -> None:  # fmt: skip
        """`apply` saves and applies changed settings; `bring_back` shows what waited."""
        self._settings = settings
        self._apply = apply
        self._tray = tray
        self._bring_back = bring_back
        # A pause with an end is checked now and then rather than timed to the minute: a
        # timer does not count the time a laptop sleeps.
        self._check = QTimer()
        self._check.setInterval(PAUSE_CHECK_MS)
        self._check.timeout.connect(self.show)

    def set_paused(self, paused: bool, until: datetime | None = None) -> None:
        """Pause popups (until ``until``, or until resumed) or resume them."""
        self._apply(self._settings().with_changes(
            popups_paused=paused, popups_paused_until=until.isoformat() if paused and until
            else "",
        ))  # fmt: skip
        if not paused:  # by the rep, or a pause that ended: what waited is shown now
            self._bring_back()
        self.show()

    def pause_for(self, length: str) -> None:
        """"hour" or "tomorrow" (a PauseLength), from the tray menu or the fallback window."""
        try:
            kind = PauseLength(length)
        except ValueError:
            log.warning("unknown pause length %r", length)
            return
        self.set_paused(True, pause_end(kind, datetime.now().astimezone()))

    def paused(self) -> bool:
        settings = self._settings()
        return settings.popups_paused and not pause_over(settings.pause_end(), datetime.now(UTC))

    def show(self) -> None:
        """The tray, its menu and the fallback window say whether popups are paused and for
        how long; a pause whose end has passed is lifted."""
        settings = self._settings()
        if settings.popups_paused and not self.paused():
            log.info("popups resumed: the pause has ended")
            self.set_paused(False)
            return
        from desktop.core.pause import pause_text
        from desktop.qt.system_clock import hour_cycle

        if settings.popups_paused:
            now = datetime.now().astimezone()
            self._tray.set_paused(True, pause_text(settings.pause_end(), now, hour_cycle()))
        else:
            self._tray.set_paused(False)
        if settings.popups_paused and settings.pause_end() is not None:
            self._check.start()
        else:
            self._check.stop()

    def stop(self) -> None:
        """At quit: a pause's end must not resume popups (and restart the call sources) in a
        process that goes on after the app, on a closed store."""
        self._check.stop()

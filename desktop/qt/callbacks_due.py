"""Who waits for a call back: the Callbacks window (its Snooze and Log a call…) and the
menu's "Callbacks (N due)", which says the same number as the window, counted when the menu
opens, after each call and commit, and on the clock while the no-tray window shows it."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from desktop.adapters.store import StoreError

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from desktop.adapters.settings import Settings
    from desktop.adapters.store import Store
    from desktop.adapters.trace import RingTrace
    from desktop.qt.callbacks_window import CallbacksWindow
    from desktop.qt.click_to_call import ClickToCall
    from desktop.qt.tray import TrayMenu
    from desktop.qt.wrap_up_windows import WrapUpWindows

log = logging.getLogger("callercard")


class CallbacksDue:
    def __init__(
        self, database: Path, store: Store, tray: TrayMenu, trace: RingTrace, *,
        settings: Callable[[], Settings], placer: Callable[[], ClickToCall],
        wrap_ups: WrapUpWindows, show_contact: Callable[[int], None],
        who_is_it: Callable[[str], None], seen: Callable[[], None],
    ) -> None:  # fmt: skip
        """`placer`: the Call buttons' ClickToCall, made on first use; `seen`: the rep has
        seen the calls missed while the app was closed (they are in the window)."""
        self._database = database
        self._store = store
        self._tray = tray
        self._trace = trace
        self._settings = settings
        self._placer = placer
        self._wrap_ups = wrap_ups
        self._show_contact = show_contact
        self._who_is_it = who_is_it
        self._seen = seen
        self.window: CallbacksWindow | None = None
        self._follow_the_clock_in_the_menu()

    def open(self) -> None:
        """Who waits for a call from us, whom we wait for, promised windows, follow-ups."""
        from desktop.adapters.callbacks import business_hours, load_callbacks
        from desktop.qt.callbacks_window import CallbacksWindow
        from desktop.qt.system_clock import hour_cycle, time_language

        if self.window is None:
            store, settings = self._store, self._settings
            window = CallbacksWindow(lambda: load_callbacks(
                store, datetime.now().astimezone(), business_hours(settings()), hour_cycle()),
                count=self._count_due_for_menu_too, put_off=self._put_off,
                hours=lambda: business_hours(settings()), cycle=hour_cycle(),
                language=time_language())  # fmt: skip
            window.follow_commits(self._database)
            window.committed_elsewhere.connect(self.count)  # reads the window again
            window.contact_chosen.connect(self._show_contact)
            window.search_requested.connect(self._who_is_it)  # a number nobody has
            window.log_requested.connect(self._log_call_by_hand)
            window.placer = self._placer()
            self.window = window
        self.window.open()
        self.count()
        self._seen()  # the calls missed while closed are in it

    def count(self) -> None:
        """The menu's "Callbacks (N due)": counted when the menu opens and after each call."""
        due = self._count_for_menu()
        if due is None:
            return
        if self.window is not None and self.window.isVisible():
            self.window.reload()  # open: a call back made leaves it, a new miss comes
        self._trace.write("callbacks_due", "", due=due)

    def _put_off(self, key: object, until: datetime | None) -> None:
        """Callbacks' Snooze (store/put_off.py); None: due again now."""
        from desktop.core.put_off import PutOffKey

        assert isinstance(key, PutOffKey)
        if until is None:
            self._store.take_back(key)
        else:
            self._store.put_off(key, until, datetime.now().astimezone())

    def _log_call_by_hand(self, contact_id: object, e164: str) -> None:
        """Callbacks' Log a call…: the rep called from another phone. Logged as a call made
        now (so it is called back, as after a Call button) and its wrap-up opens."""
        import uuid

        from desktop.core.dialers import is_extension
        from desktop.core.models import Attempt, Direction

        # A colleague's extension ("3103": Callbacks' number for them) is kept as dialled,
        # as a call to it from a softphone is; it is no E.164.
        attempt = (Attempt(Direction.OUT, datetime.now(UTC), caller_id=e164) if is_extension(e164)
                   else Attempt(Direction.OUT, datetime.now(UTC), number_e164=e164))  # fmt: skip
        owner = contact_id if isinstance(contact_id, int) else None
        try:
            attempt_id = self._store.record_call(owner, attempt, "by hand",
                                                 f"hand:{uuid.uuid4().hex}")  # fmt: skip
        except StoreError as exc:
            if self.window is not None:  # where it was asked for
                self.window.status.setText(f"The call was not logged: {exc}")
            return
        if attempt_id is not None:
            self._wrap_ups.asked(attempt_id)
        self.count()

    def _count_due_for_menu_too(self) -> int:
        """The Callbacks window's count, which the menu then says too: the window reads it
        again on its clock tick (a promised window ran out: a follow-up is due), and the menu
        said the number of the last call or commit until then ("4 due" beside "3 due")."""
        from desktop.adapters.callbacks import count_due

        due = count_due(self._store, datetime.now().astimezone())
        self._tray.set_callbacks_due(due)
        return due

    def _follow_the_clock_in_the_menu(self) -> None:
        """The no-tray window's menu is always open: its "Callbacks (N due)" follows the clock
        while shown, as the Callbacks window does (the tray's own menu counts as it opens)."""
        from desktop.qt.clock_tick import tick_while_shown

        tick_while_shown(self._tray.fallback, self._count_for_menu)

    def _count_for_menu(self) -> int | None:
        """The menu's count read again; None while the store cannot say (it is busy)."""
        try:
            return self._count_due_for_menu_too()
        except StoreError as exc:
            log.info("callbacks not counted: %s", exc)
            return None

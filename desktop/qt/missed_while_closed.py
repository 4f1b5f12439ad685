"""At start, one quiet word of the calls missed while the app was not running.

The app keeps when it last ran (adapters/last_running.py). Once start-up has had time to read
what the softphone logged meanwhile (its log's calls are recorded as they are caught up), the
missed calls since then that still wait in Callbacks are counted and the rep is told once, in
the tray's message (a click opens Callbacks), or without a tray, the desktop's notification
and the fallback window's status line. Nothing takes focus and no card pops.

Without a tray, and with the menu window hidden (a hook's --background start), the rep may
see none of that: a notification service may be missing too, and the status line is in a
window nobody opened. Those periods are kept (adapters/untold_missed.py) until the rep opens
the menu window or Callbacks, or runs `callercard callbacks`; a later start tells them with
its own, where they were lost with the run.

A call of those that ended recently, within a missed card's own time (popup_stack
MISSED_FOR_MS), gets its missed card too, as if the app had been running: a call ringing at
the quit and missed just after it, or one missed during a restart, is what the rep was about
to call back, and a hook-started app with no tray says nothing the rep sees until its window
is opened (h-rep4). Its time counts from when it ended at the earliest (the quit, or its ring
when later), which is all the history knows of its end. Older ones only wait in Callbacks and
the count, as before.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QObject, QTimer

from desktop.adapters.last_running import STILL_RUNNING_EVERY_S, LastRunning
from desktop.adapters.store import Store, StoreError
from desktop.adapters.trace import RingTrace
from desktop.adapters.untold_missed import Period, UntoldMissed
from desktop.core.missed_while_closed import (
    TITLE,
    missed_while_closed_text,
    unwrapped_while_closed_text,
    where_they_wait,
)
from desktop.core.models import Attempt
from desktop.qt.popup_stack import MISSED_FOR_MS
from desktop.qt.tray import TrayMenu

log = logging.getLogger(__name__)

# After the start, time for the watched logs' catch-up to be read and recorded (a ring
# pipeline record waits 40 ms, the writer thread a few more): a call the softphone logged
# while the app was closed counts, however it reached the history.
COUNT_AFTER_MS = 3000
# A call still ringing at the quit that ends missed after it rang at most this long before: a
# ring goes to voicemail or drops within minutes; an older open call is one whose hook sends
# no end, or one that was answered.
RINGS_AT_MOST_S = 15 * 60


class MissedWhileClosed(QObject):
    def __init__(self, last_running: LastRunning, untold: UntoldMissed, store: Store,
                 tray: TrayMenu, trace: RingTrace, notify: Callable[[str, str], object],
                 parent: QObject | None = None, *,
                 missed_card: Callable[[int, datetime], object] | None = None,
                 shown: Callable[[Attempt, bool], bool] | None = None,
                 missed_for_ms: int = MISSED_FOR_MS,
                 owed_wrap_ups: Callable[[list[int], bool], object] | None = None,
                 ) -> None:  # fmt: skip
        super().__init__(parent)
        # Calls taken that ended while closed, whose wrap-ups wait (WrapUpWindows.owe), and
        # whether the missed calls' message said so already.
        self._owed_wrap_ups = owed_wrap_ups
        # Whether this app put a card up for a call, or (asked so) the last run left one up
        # for it (RingPipeline.showed_call): a ring that started the app, recorded by its
        # hook before it ran, or one missed before a crash is no call missed while closed.
        self._shown = shown
        # A recent call's missed card: (its id, when it ended at the earliest).
        self._missed_card = missed_card
        self._missed_for = timedelta(milliseconds=missed_for_ms)
        self._last = last_running
        self._untold = untold
        self._store = store
        self._tray = tray
        self._trace = trace
        self._notify = notify  # the desktop's notifications, for a desktop without a tray
        self._still = QTimer(self)
        self._still.setInterval(STILL_RUNNING_EVERY_S * 1000)
        self._still.timeout.connect(self._save_running)

    def start(self, after: Callable[[int, Callable[[], object]], None]) -> None:
        """The app starts now: `after(ms, work)` runs the count once the catch-up is read."""
        closed_since, open_then = self._last.load_with_open()
        started = datetime.now(UTC)
        self._last.save(started)
        self._still.start()
        periods = self._untold.load()
        known: int | None = None
        if closed_since is not None and closed_since < started:
            periods.append((closed_since, started, open_then))
            # A call that rang before the quit and ended missed while the app was closed (a
            # softphone logs it so) is recorded only now, by the catch-up: counted by when it
            # was recorded, after the calls the history held at the start, not by its ring.
            try:
                known = self._store.last_attempt_id()
            except StoreError as exc:
                log.info("calls recorded at start not told apart: %s", exc)
        if periods:
            after(COUNT_AFTER_MS, lambda: self.tell(periods, known))

    def stop(self) -> None:
        """At quit: the app ran until now."""
        self._still.stop()
        self._save_running()

    def _save_running(self) -> None:
        """The app runs now, with these calls still ringing: a hook's ring recorded while it
        ran whose end comes once it has quit (`callercard end --missed`, the old row updated)
        is a call missed while it was closed."""
        now = datetime.now(UTC)
        try:
            open_calls = self._store.open_calls_since(now - timedelta(seconds=RINGS_AT_MOST_S))
        except StoreError as exc:
            log.info("calls still ringing not looked up: %s", exc)
            open_calls = []
        self._last.save(now, open_calls)

    def tell(self, periods: list[Period], known: int | None = None) -> int:
        """Tell the rep of the missed calls in `periods` (closed since, started, and the calls
        still ringing then) that still wait; how many there were. Calls of the last period
        include those that rang before it and were recorded after the call of id `known` (the
        newest at this start), or were still ringing when the app last ran and ended missed
        since. Kept untold, each period keeps the calls it counted that rang before it."""
        try:
            last = len(periods) - 1
            found = [self._store.missed_ids_between(since, until, known if i == last else None,
                                                    ids)
                     for i, (since, until, ids) in enumerate(periods)]  # fmt: skip
            # A card the last run left up says nothing of an earlier closing's calls: it may
            # be the card they got at that start, untold as missed while closed since.
            found = [self._not_shown(ids, left_up=i == last) for i, ids in enumerate(found)]
        except StoreError as exc:
            log.info("calls missed while closed not counted: %s", exc)
            return 0
        calls = sum(len(ids) for ids in found)
        self._cards_for_recent(periods, found)
        owed = self._wrap_ups_owed(periods, known)
        periods = [(since, until, tuple(found[i]) if i == last else ids)
                   for i, (since, until, ids) in enumerate(periods)]  # fmt: skip
        told = True
        if calls:
            text = missed_while_closed_text(calls)
            # One message: a second one in its place would hide the first.
            more = unwrapped_while_closed_text(len(owed)) if owed else ""
            log.info("%s", f"{text}. {more}" if more else text)
            if not self._tray.tell_opening_callbacks(TITLE, text, more):
                self._notify(TITLE, f"{where_they_wait(text, clickable=False)} {more}".strip())
                told = self._tray.fallback.isVisible()
        if owed and self._owed_wrap_ups is not None:
            self._owed_wrap_ups(owed, bool(calls))
        if told:
            self._untold.told()
        else:
            self._untold.keep(periods)
        self._trace.write("missed_while_closed", "", calls=calls, told=told,
                          since=int(min(p[0] for p in periods).timestamp()))  # fmt: skip
        return calls

    def _wrap_ups_owed(self, periods: list[Period], known: int | None) -> list[int]:
        """The calls taken that ended while the app was closed (quit or killed mid-call, the
        end recorded without it): their wrap-ups are to wait in the menu, said once, as none
        was ever offered and nothing said one was owed (h-rep6). This start's closed time
        only: an earlier one's were there to be asked about at the start after it."""
        if self._owed_wrap_ups is None or known is None or not periods:
            return []
        since, until, open_then = periods[-1]
        try:
            return self._store.talked_unwrapped_between(since, until, known, open_then)
        except StoreError as exc:
            log.info("calls taken while closed not looked up: %s", exc)
            return []

    def _not_shown(self, ids: list[int], *, left_up: bool) -> list[int]:
        """`ids` but the calls this app showed a card for (or, `left_up`, the last run)."""
        if self._shown is None:
            return ids
        rows = [(i, self._store.attempt_by_id(i)) for i in ids]
        return [i for i, row in rows if row is None or not self._shown(row[1], left_up)]

    def _cards_for_recent(self, periods: list[Period], found: list[list[int]]) -> None:
        """The calls of `found` (each period's) that ended within a missed card's time of now
        get their missed cards, oldest first."""
        if self._missed_card is None:
            return
        now = datetime.now(UTC)
        for (since, _until, _ids), ids in zip(periods, found, strict=True):
            for attempt_id in ids:
                try:
                    row = self._store.attempt_by_id(attempt_id)
                except StoreError as exc:
                    log.info("missed cards of calls missed while closed not shown: %s", exc)
                    return
                if row is None:
                    continue
                # It ended after the quit, and after it rang: no sooner than the later.
                ended_by = max(row[1].at, since)
                if now - ended_by <= self._missed_for:
                    self._missed_card(attempt_id, ended_by)

    def seen(self) -> None:
        """The rep opened the menu window, whose status line says it, or Callbacks."""
        self._untold.told()

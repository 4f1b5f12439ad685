"""The app's call-history writes, on a thread of their own, and never lost.

An import holds the contact database's write lock for the whole file (its all-or-nothing
promise), tens of seconds for a big one. A call recorded from the GUI thread meanwhile held
that thread for the busy timeout and then failed, and the call was gone. So every write the
ring path makes (a call into the history, a call log's position, a wrap-up) is a job for this
writer: one thread with its own connection, jobs done in the order they came. A job that
finds the database locked waits and is tried again for as long as it takes; while jobs wait
they are kept in a journal on disk (write_journal.py), so a quit or a crash loses none of
them: the next start replays the journal before anything new. The lookups that make a card
stay on the GUI thread: in WAL mode a writer never blocks a reader.

It also records the calls hooks left in their inbox (hook_inbox.py) when neither the app nor
they could: at its start, and whenever `inbox_changed` says the file changed. No wrap-up is
ever shown for them; a ring that may still ring, and an end, are told to the cards
(CallWritten.for_cards: the ring pipeline decides whether a card pops, late).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from desktop.adapters.call_history import CallHistory, Recorded
from desktop.adapters.hook_inbox import HookInbox, InboxLocked
from desktop.adapters.lookup import CallerLookup
from desktop.adapters.store import Store, StoreError
from desktop.adapters.write_journal import (
    Job,
    LogCall,
    RecordCall,
    SavePosition,
    SaveWrapUp,
    WriteJournal,
)
from desktop.core.events import CallEvent, CallState
from desktop.core.models import Direction

log = logging.getLogger(__name__)

# How long SQLite itself waits for the lock before a job counts as waiting: short, so the
# thread stays free to journal what queues up behind it and to hear that the app is quitting.
BUSY_TIMEOUT_MS = 200
# An eighth of SQLite's default: it fills within a few dozen rings of random callers, and the
# writes come after the card has painted.
WRITER_CACHE_MB = 0.25
RETRY_FIRST_S = 0.05
RETRY_MAX_S = 1.0
CLOSE_WAIT_S = 2.0  # at quit, how long waiting jobs are still tried before they are journaled
# A hook's end whose ring is not in the history yet is tried again after these pauses: a ring
# whose line never reached the app (it was not running yet, or its queue was full) is recorded
# by its hook itself, and an end that came a moment later could be done first and find
# nothing, leaving the call "outcome unknown" for good. (A ring the app read late it records
# itself, before its end: desktop.core.late_ring.) The hook writes within a second or so; a
# ring that was never logged at all costs these few reads. While it waits the end is kept in
# the journal too: an app killed meanwhile finishes the call at its next start, when the ring
# is long written. A ring kept in the hooks' inbox is that end's too: it waits on while the
# inbox is held unread, and is tried at once when the inbox gives rings.
END_RETRY_S = (0.25, 0.5, 1.0, 2.0, 4.0)
_OVER = (CallState.ENDED, CallState.MISSED)


@dataclass(frozen=True)
class CallWritten:
    """What became of a call event: recorded (None when it changed nothing, such as a ring),
    or why it could not be (a locked database is never a reason: that waits)."""

    event: CallEvent
    recorded: Recorded | None
    # From an earlier session's journal, or a hook's inbox: history only, never a window.
    replayed: bool = False
    error: str = ""
    # A hook's ring or end from the inbox, recorded, told to the cards: a ring whose end was
    # not among the lines read with it may still ring (its card may pop, late), an end closes
    # the card its ring put up. Never a wrap-up.
    for_cards: bool = False
    # A ring told with its end among the lines read with it: over, no card pops; its end,
    # missed and recent, leaves the missed card (the app was still starting, say).
    over: bool = False


@dataclass
class _Pending:
    job: Job
    replayed: bool  # from the journal of an earlier session: history only, never a window
    journaled: bool
    tries: int = 0  # an end done before its ring was in the history: how often so far
    due: float = 0.0  # when it is tried again (monotonic)
    inbox: bool = False  # a hook left it in its inbox: history only, never a window


class HistoryWriter:
    """``submit`` from any thread. Each call that was recorded or failed is reported through
    ``on_written``, other problems through ``on_problem``, both called on the writer's
    thread."""

    def __init__(
        self,
        database: Path,
        journal: Path,
        lookup: CallerLookup,
        on_written: Callable[[CallWritten], None],
        on_problem: Callable[[str], None],
        on_note_queued: Callable[[], None] | None = None,
        inbox: Path | None = None,
        *,
        start: bool = True,
    ) -> None:
        """``start`` False: the thread starts at ``start()``, once whoever hears of the calls
        it writes listens (the journal's and the inbox's calls are written as it starts, and a
        Qt signal with no slot connected yet drops them)."""
        # It works after the card has painted, off the ring path, so a small page cache will
        # do (the OS keeps the file's pages); the ring's lookups have the GUI thread's.
        self._store = Store.open(database, cache_mb=WRITER_CACHE_MB)
        self._store.connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        self.history = CallHistory(self._store, lookup)
        self._lookup = lookup
        self._journal = WriteJournal(journal)
        self._inbox = HookInbox(inbox) if inbox is not None else None
        # Read at the start: hooks may have left calls while no app ran, or before it watched.
        self._inbox_due = self._inbox is not None
        self._inbox_waits = False  # its calls wait for the database (and the log said so)
        self._on_written = on_written
        self._on_problem = on_problem
        self._on_note_queued = on_note_queued  # a wrap-up waits in a shared card's outbox
        self._cond = threading.Condition()
        self._backlog: deque[_Pending] = deque(
            _Pending(job, replayed=True, journaled=True) for job in self._journal.read()
        )
        self._journal_dirty = bool(self._backlog)  # the journal holds jobs
        self._flush_wanted = False  # the call log positions held in memory, at quit
        self._closing_by: float | None = None  # monotonic deadline once close() was called
        self._later: list[_Pending] = []  # ends waiting for their ring (END_RETRY_S)
        if self._backlog:
            log.info("replaying %d history writes left waiting last time", len(self._backlog))
        self._thread = threading.Thread(target=self._run, name="history-writer", daemon=True)
        if start:
            self._thread.start()

    def start(self) -> None:
        """Starts the writing thread, when built with ``start`` False (once; again is a no-op)."""
        if self._thread.ident is None:
            self._thread.start()

    def submit(self, job: Job) -> None:
        with self._cond:
            self._backlog.append(_Pending(job, replayed=False, journaled=False))
            self._cond.notify()

    def inbox_changed(self) -> None:
        """The hooks' inbox may hold calls: from the file watcher's thread, or any other."""
        if self._inbox is None:
            return
        with self._cond:
            self._inbox_due = True
            self._cond.notify()

    def close(self, wait_s: float = CLOSE_WAIT_S) -> None:
        """Finish what is queued, trying for at most ``wait_s`` while the database is locked;
        what is still waiting then stays in the journal for the next start."""
        with self._cond:
            self._flush_wanted = True
            self._closing_by = time.monotonic() + wait_s
            self._cond.notify()
        self.start()  # never started (the app failed to start): what is queued is kept
        self._thread.join()
        self._store.close()

    # -- the writer's thread ------------------------------------------------------------

    def _run(self) -> None:
        pause = RETRY_FIRST_S
        while True:
            with self._cond:
                while True:
                    self._take_due()
                    if (self._backlog or self._flush_wanted or self._inbox_due
                            or self._closing_by is not None):  # fmt: skip
                        break
                    self._cond.wait(self._until_due())
                if not self._backlog and not self._flush_wanted and not self._inbox_due:
                    return  # closing, nothing left
                inbox, self._inbox_due = self._inbox_due, False
                jobs = bool(self._backlog) or self._flush_wanted
                item = self._backlog[0] if self._backlog else None
            # The inbox's calls waited for the app already: they go before what came since.
            inbox_waits = inbox and not self._take_inbox()
            if inbox_waits:
                with self._cond:
                    self._inbox_due = True
            elif inbox:
                pause = RETRY_FIRST_S
                continue
            # An inbox held by a hook (stopped mid-append) must not hold up the jobs too.
            if jobs and self._attempt(item):
                pause = RETRY_FIRST_S
                with self._cond:
                    if item is None:
                        self._flush_wanted = False
                    else:
                        self._backlog.popleft()
                    if not self._backlog and not self._later and self._journal_dirty:
                        self._journal.clear()
                        self._journal_dirty = False
                continue
            # Locked: keep everything waiting on disk, then wait a little and try again.
            self._journal_backlog()
            with self._cond:
                closing_by = self._closing_by
                if closing_by is not None and time.monotonic() >= closing_by:
                    log.warning("quitting with %d history writes waiting for the database; "
                                "they are kept for the next start", len(self._backlog))
                    return
                self._cond.wait(pause)
            pause = min(pause * 2, RETRY_MAX_S)

    def _attempt(self, item: _Pending | None) -> bool:
        """Do one job (None: write the positions); False when the database was locked."""
        try:
            if item is None:
                self.history.flush()
            else:
                self._do(item)
        except (StoreError, sqlite3.Error) as exc:
            if _is_locked(exc):
                return False
            self._report(item, exc)
        except Exception as exc:  # a bug in one job must not stop every later one
            log.exception("history write failed")
            self._report(item, exc)
        return True

    def _do(self, item: _Pending) -> None:
        job = item.job
        if isinstance(job, RecordCall):
            recorded = self.history.record(job.event)
            if recorded is not None:
                self._on_written(CallWritten(job.event, recorded, item.replayed or item.inbox))
            elif self.history.end_unmatched:
                # One kept from the last run too: its ring may wait in the hooks' inbox, held
                # by a hook a moment as the app starts (its read gives up after 0.5 s).
                self._try_later(item)
        elif isinstance(job, SaveWrapUp):
            saved = self._store.save_wrap_up(job.attempt_id, job.outcome, job.message,
                                             job.reason, job.callback,
                                             promise_done=job.promise_done)  # fmt: skip
            if saved and job.rep:
                self._share(job)
        elif isinstance(job, SavePosition):
            self.history.remember_position(job.origin, job.cursor)
        elif isinstance(job, LogCall):
            self._log_call(job)

    def _try_later(self, item: _Pending) -> None:
        with self._cond:
            if self._closing_by is not None:
                return  # the app quits: the journal keeps it for the next start
            if item.tries < len(END_RETRY_S):
                pause = END_RETRY_S[item.tries]
            elif self._inbox_due:
                # Its ring may be in the hooks' inbox, held by a hook (stopped mid-append)
                # since before the end came: dropped, the call stayed "outcome unknown".
                pause = END_RETRY_S[-1]
            else:
                return  # its ring was never logged: nothing to finish
            item.due = time.monotonic() + pause
            item.tries += 1
            self._later.append(item)
        # An inbox line goes once this returns: the journal keeps the end from then on.
        if not item.journaled or (item.inbox and item.tries == 1):
            self._keep_on_disk([item])

    def _take_inbox(self) -> bool:
        """Record the calls in the hooks' inbox, in order, and remove each line once its
        write committed; False when the database (or the inbox) was locked: what is left
        waits for the next try."""
        assert self._inbox is not None
        try:
            read = self._inbox.read()
        except InboxLocked:
            return False
        except OSError as exc:
            log.warning("%s: calls left by hooks not read (%s)", self._inbox.path, exc)
            return True  # the next change to it, or the next start, tries again
        if read.lines and not self._inbox_waits:  # once, not at every retry of a long wait
            log.info("recording %d calls hooks left in %s", len(read.lines), self._inbox.path)
        done = 0
        committed = True
        events = [self._keyed(line.event) if line.event is not None else None
                  for line in read.lines]  # fmt: skip
        for index, line in enumerate(read.lines):
            event = events[index]
            job: Job | None = line.note if event is None else RecordCall(event)
            if job is not None:
                item = _Pending(job, replayed=False, journaled=True, inbox=True)
                committed = self._attempt(item)
                if not committed:
                    break
            if event is not None:
                self._tell_cards(event, events[index + 1 :])
            done = line.end
        if any(e is not None and e.state is CallState.RINGING for e in events):
            self._ends_due_now()
        try:
            self._inbox.remove(read.data[:done])
        except InboxLocked:
            return False  # the lines stay, to be recorded again: that writes nothing twice
        except OSError as exc:
            log.warning("%s: calls recorded but not removed (%s)", self._inbox.path, exc)
        if not committed and not self._inbox_waits:
            log.info("database locked by another program: calls hooks left wait (%s)",
                     self._inbox.path)  # fmt: skip
        self._inbox_waits = not committed  # said once while they wait
        return committed

    def _ends_due_now(self) -> None:
        """Rings came from the inbox: the ends waiting for their ring (one that reached the
        app over its socket before the app read the inbox) are tried at once, not seconds
        later, so the call reads missed as soon as its missed card is up."""
        with self._cond:
            for item in self._later:
                item.due = 0.0

    def _tell_cards(self, event: CallEvent, read_after: list[CallEvent | None]) -> None:
        """An inbox call's ring or end, recorded, for the cards (CallWritten.for_cards): a
        call whose line never reached the app (its listen queue full, it hung a moment) may
        still ring, or the rep be on it. A ring whose end came with it is over: told as
        such, for when it rang (its end's missed card), never to pop its card."""
        if not event.hook or event.direction is not Direction.IN:
            return
        over = False
        if event.state is CallState.RINGING:
            over = any(e is not None and e.call_key == event.call_key and e.state in _OVER
                       for e in read_after)  # fmt: skip
        elif event.state not in _OVER:
            return
        self._on_written(CallWritten(event, None, replayed=True, for_cards=True, over=over))

    def _keyed(self, event: CallEvent) -> CallEvent:
        """A hook's call keyed by its number, as the app keys the line it reads: a hook that
        did not wait for the app left it keyed by the caller ID as spelled (hook_record)."""
        from desktop.core.ring_input import from_call_event, keyed_by_number

        parse = self._lookup.parse
        return keyed_by_number(from_call_event(event), lambda c: parse(c).e164).event

    def _take_due(self) -> None:
        """Ends whose pause is over go to the back of the queue (all of them at quit: one
        last try). The lock is held."""
        now = time.monotonic()
        closing = self._closing_by is not None
        waiting: list[_Pending] = []
        for item in self._later:
            if closing or item.due <= now:
                self._backlog.append(item)  # still in the journal: not cleared while it waits
            else:
                waiting.append(item)
        self._later = waiting

    def _until_due(self) -> float | None:
        if not self._later:
            return None
        return max(0.0, min(item.due for item in self._later) - time.monotonic())

    def _log_call(self, job: LogCall) -> None:
        """A call note log-call left (the database was busy), as log-call records it; shared
        at the next sync of the contact's books."""
        from desktop.adapters.call_note_log import record_note
        from desktop.adapters.directories import mirror
        from desktop.adapters.directories.call_sharing import cards_of
        from desktop.core.call_notes import note_value

        note = record_note(self._store, job.number_e164, job.note, job.contact_id)
        log.info("call note for %s recorded (log-call left it)", job.number_e164)
        # The cards log-call itself would have shared it on: that contact's only.
        cards = (cards_of(self._store, job.contact_id, job.number_e164)
                 if job.contact_id is not None else [])  # fmt: skip
        if cards:
            mirror.enqueue_note(self._store, [(c.directory.id, c.href) for c in cards],
                                note_value(note))  # fmt: skip
            if self._on_note_queued is not None:
                self._on_note_queued()

    def _share(self, job: SaveWrapUp) -> None:
        from desktop.adapters.directories.call_sharing import queue_wrap_up_note

        if queue_wrap_up_note(self._store, job.attempt_id, job.rep):
            log.info("wrap-up of attempt %d queued for its shared card", job.attempt_id)
            if self._on_note_queued is not None:
                self._on_note_queued()

    def _report(self, item: _Pending | None, exc: Exception) -> None:
        job = item.job if item is not None else None
        if isinstance(job, RecordCall):
            self._on_written(CallWritten(job.event, None, item is not None and item.replayed,
                                         str(exc)))  # fmt: skip
        elif isinstance(job, SaveWrapUp):
            self._on_problem(f"The wrap-up was not saved: {exc}")
        elif isinstance(job, LogCall):
            log.warning("call note for %s not recorded: %s", job.number_e164, exc)
        else:
            log.warning("call log positions not saved: %s", exc)

    def _journal_backlog(self) -> None:
        with self._cond:
            fresh = [p for p in self._backlog if not p.journaled]
        if self._keep_on_disk(fresh):
            log.info("database locked by another program: %d history writes wait (%s)",
                     len(fresh), self._journal.path)  # fmt: skip

    def _keep_on_disk(self, items: list[_Pending]) -> bool:
        """Appended to the journal (on the writer's thread); False when there were none or
        the journal could not be written."""
        if not items:
            return False
        with self._cond:
            for pending in items:
                pending.journaled = True
        self._journal_dirty = True
        try:
            self._journal.append([p.job for p in items])
        except OSError as exc:
            log.warning("%s: waiting history writes not kept on disk (%s)",
                        self._journal.path, exc)  # fmt: skip
            return False
        return True


def _is_locked(exc: BaseException) -> bool:
    cause = exc.__cause__ if isinstance(exc, StoreError) else exc
    text = str(cause)
    return isinstance(cause, sqlite3.OperationalError) and ("locked" in text or "busy" in text)

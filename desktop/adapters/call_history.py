"""Calls the softphones report, written into the contact book's history.

* An incoming call that is over becomes an inbound attempt: MISSED when nobody answered,
  TALKED otherwise, whether or not the number belongs to a contact (an unknown caller's calls
  are adopted when their number is later given to a contact). A withheld caller's missed call
  is kept too, and so is a call from a caller ID that is not a number we can read (a number
  written nationally for another country, a PBX extension, "Reception"): with no E.164 but
  the caller ID as received (desktop.core.unread_caller_id), so no call the rep got is
  forgotten.
* An outbound call to a known number becomes an attempt against that contact, with the
  contact's current reason, as soon as the source reports it (MicroSIP: while dialling; the
  end-of-call logs: at the end). When it ends, ``Recorded.wrap_up`` asks the app to open
  the wrap-up; never for a call that reached nobody (failed, or rang out: it is logged "No
  answer" and the missed call it returned stays due, so there is nothing to ask), never for
  a call read as catch-up (it ended while the app was not running) and never twice for one
  attempt. One to a number nobody has is kept only when that number
  called us (it returns their call, and takes it off Callbacks), with no wrap-up. An
  answered incoming call gets its wrap-up too, once it is over (a missed one waits in
  Callbacks instead).
* Every call is recorded once, whatever reads it again: the store keys each attempt by
  (source, call key + start time). Hooks key calls by number alone, and the time keeps two
  calls from one number apart.
* A ring/end hook (``callercard ring``/``end``, the URL endpoint, the demo ring:
  ``CallEvent.hook``) knows only that a call rang and ended. Its ring is logged at once, as an
  inbound call whose outcome is not known yet ("rang": not a contact, not a missed call), so a
  ring is logged even when no end follows (Jitsi sends none, the app may quit) and while
  popups are paused. Its end finishes that row: MISSED for ``end --missed`` (and Twinkle's
  ``in_call_failed``), TALKED otherwise. An end whose ring was never logged logs nothing.
  Hook rows carry call keys starting with ``hook:`` (store.HOOK_KEY_PREFIX), then the ring's
  time to the ms (``hook:<number>@<second>.<ms>``; rows logged before that say the second).
* A hook's ring is one row whoever writes it: its hook, or the app it started or that read its
  line too late (desktop.core.late_ring), which all write it at the time the hook stamped it.
  It is stored only if no ring of the same caller, source and key rang at the same time to the
  ms (ONE_RING_WITHIN_S: two processes work it out from one stamp), whatever that row's
  outcome by now, looked for and written in one transaction (Store.record_ring_once). The
  second alone took a caller who rang again within it (a call ended at once, then redialled)
  for the call already over, and dropped the new ring, whose end then found none. A withheld
  ring written late looks under every withheld key: the app may have keyed its card apart,
  its hook never does; so two withheld callers ringing half a second apart stay two calls,
  however late either was read. (Two withheld callers the app keys apart as they ring stay
  two calls, however close.)
* One call reported by two sources is one attempt. The rule: two reports of an inbound call
  from the same number (or both withheld, or both from one unreadable caller ID by
  same_caller_key), one of them from a hook, whose start times are
  within SAME_CALL_S seconds, are the same call. A softphone's own log or event stream
  (MicroSIP, Twinkle, Linphone, baresip, ...) is the richer source: it knows whether the call
  was answered and when it started, so its report takes over the hook's row (its source, key,
  start and outcome; the row's id, and so any note on it, stay). A hook's ring that arrives
  after the softphone's record of the call is dropped, and a hook's end never overrides a
  softphone's outcome. Two hook rings with the same key within the window while the first is
  still ringing are one call too. Reports from two softphone sources are not merged (one
  phone writes one log). The cost of the rule: a caller who rings again within SAME_CALL_S
  seconds of a call a softphone logged is logged once.
* A call placed from CallerCard (click to call: source DIAL_SOURCE, keys ``dial:…``) is logged
  as an outbound attempt when it is placed. The softphone that placed it may report it too
  (baresip's events, twinkle.ch, MicroSIP's log): its first report of an outbound call to the
  same number starting within SAME_CALL_S seconds takes that row over, as with a hook's ring,
  so the call is one attempt, and the softphone's end of it opens the wrap-up. When the
  softphone's report comes first (the dial is asked from a worker thread), the placed call
  is that row and no second one is written.
* A call note the rep logs (`callercard log-call`, from a dialer or CRM) for a number called
  moments ago is about that call (NOTE_AFTER_CALL_S says how long "moments" is): when the
  softphone reported the call first, the note updates that row (cli_log_call.py); when the
  note comes first, the softphone's report of the call finds the note's row and writes none
  (what the note says stands, and no wrap-up asks it again). A teammate's note, read from a
  shared card, is never taken for a call of ours.
* A call log's position (HistoryEvent.cursor) is stored with the call it came with, in one
  transaction. Positions reached by calls that record nothing are kept in memory and written
  now and then (``flush``): losing one costs a re-read, never a call.
* An incoming call keeps the name its caller ID gave ("MIKE CELL"), so the history can say who
  an unknown caller claimed to be: one line, at most CALLER_NAME_MAX characters; never a
  withheld caller's (softphones make one up: "Anonymous"), nor one without a letter (the number
  again). When a softphone takes over a hook's row, the name is the softphone's if it gave one.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TypeVar

from desktop.adapters.directories.mirror import CALL_NOTE_SOURCE
from desktop.adapters.lookup import CallerLookup
from desktop.adapters.store import NearCall, Store, StoreError
from desktop.core.call_in_flight import key_stamp
from desktop.core.callee import callee
from desktop.core.card import MatchTier
from desktop.core.dialects.end_of_call import HistoryEvent
from desktop.core.events import CallEvent, CallFailed, CallGone, CallState, CallUnanswered
from desktop.core.internal_extension import call_back_to
from desktop.core.ipc import HOOK_KEY_PREFIX
from desktop.core.matching import classify
from desktop.core.models import Attempt, Contact, Direction, Outcome
from desktop.core.numbers import CallerNumber
from desktop.core.unread_caller_id import kept_caller_id
from desktop.core.withheld_calls import TOLD_APART, WITHHELD_KEY, is_withheld_key

log = logging.getLogger(__name__)

CURSOR_FLUSH_S = 5.0
SAME_CALL_S = 10  # a hook's ring and a softphone's record of one call start this close
# A call note (`callercard log-call`) for a number called moments ago is about that call. The
# history keeps when a call started, not when it ended: "moments ago" is a call out started
# within this long before the note (a call of up to a quarter of an hour, noted within five
# minutes of its end), with no other call with that number since.
NOTE_AFTER_CALL_S = 20 * 60
DIAL_SOURCE = "dial"  # calls placed from CallerCard's Call buttons
DIAL_KEY_PREFIX = "dial:"
OPEN_CALL_S = 12 * 3600  # how far back an end looks for its ring after a restart
RING_BEFORE_END_S = 2  # the ring's and the end's wall times come from two processes' clocks
# One ring logged by two processes (its hook and the app it started) has one time, worked out
# from the hook's one monotonic stamp to within microseconds: two rings of one caller this
# close are taken for one call. A second's resolution took calls 1-2 s apart for one, and a
# quarter of a second a call answered, ended and rung again by a fast PBX (0.18 s apart).
# (The ringing card keeps its wider margin, core/call_in_flight: its time may be a read's.)
ONE_RING_WITHIN_S = 0.05
# One ring's second as two processes work it out from its hook's monotonic stamp (a hook, and
# the app that read the hook's line): it differs by one when the ring fell on a second's edge
# (each reads the wall clock and the monotonic one a few µs apart). The ms in the keys tell.
SAME_RING_S = 1
_OVER = (CallState.ENDED, CallState.MISSED)
# A call of ours with one of these outcomes reached nobody: nothing to wrap up.
_REACHED_NOBODY = (Outcome.NO_ANSWER, Outcome.FAILED)
# Per-call bookkeeping kept in memory is bounded, so a day of calls does not grow the app: the
# oldest entry goes. A wrap-up is offered again only if a call's end were reported after 2000
# newer calls (the sources forget lines they reported at the same count); a hook's ring past
# the limit is found again in the database by its end (open_hook_call).
WRAPPED_LIMIT = 2000
HOOK_RINGING_LIMIT = 200
CALLER_NAME_MAX = 80  # longer than any CNAM (15) or SIP display name seen; a bound on junk
_K = TypeVar("_K")
_V = TypeVar("_V")


@dataclass(frozen=True)
class Recorded:
    attempt_id: int
    contact_id: int | None
    direction: Direction
    outcome: Outcome
    wrap_up: bool  # open the wrap-up window for this attempt now


class CallHistory:
    """Used from one thread only, like the store it writes to (in the app: the history
    writer's, history_writer.py)."""

    def __init__(
        self,
        store: Store,
        lookup: CallerLookup,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self._lookup = lookup
        self._clock = clock
        # Attempts whose wrap-up was offered this session, oldest first (an ordered set).
        self._wrapped: dict[int, None] = {}
        self._ringing: dict[str, int] = {}  # a hook's call key -> the attempt its ring logged
        self._pending_cursors: dict[str, str] = {}
        self._last_flush = clock()
        self.end_unmatched = False  # see record()

    # -- call log positions --------------------------------------------------------------

    def cursor_for(self, origin: str) -> str | None:
        """Where a watched log was read up to: hand it to HistorySource.resume_from."""
        pending = self._pending_cursors.get(origin)
        return pending if pending is not None else self._store.source_cursor(origin)

    def remember_position(self, origin: str, cursor: str) -> None:
        """A log's position without a call to go with it (the first watch's baseline)."""
        if origin and cursor:
            self._pending_cursors.pop(origin, None)
            self._store.save_source_cursor(origin, cursor)

    def flush(self) -> None:
        """Raises StoreError when the database refuses; what was not written is kept."""
        self._last_flush = self._clock()
        for origin, cursor in list(self._pending_cursors.items()):
            self._store.save_source_cursor(origin, cursor)
            del self._pending_cursors[origin]

    # -- calls ---------------------------------------------------------------------------

    def record(self, event: CallEvent) -> Recorded | None:
        """Put ``event`` into the history if it belongs there; None when it changed nothing
        (a ring, a call recorded already, an outbound call to a stranger). ``end_unmatched``
        then says whether it was a hook's end whose ring is not in the history: a hook that
        recorded the ring itself (the app read it late) may still be writing it."""
        self.end_unmatched = False
        if event.hook and event.direction is Direction.IN:
            return self._record_hook(event)
        if event.direction is Direction.IN and event.state not in _OVER:
            return None  # a softphone's ring: recorded when it says how the call ended
        cursor = _cursor_of(event)
        number = self._lookup.parse(event.number, event.name)
        if event.direction is Direction.IN:
            contact = self._contact_for(number)
        else:
            contact = self._callee_for(number, event.time, event.for_contact)
        if event.direction is Direction.IN:
            recorded = self._record_incoming(event, number, contact, cursor)
        else:
            recorded = self._record_outgoing(event, number, contact, cursor)
        if recorded is None and cursor is not None:
            self._pending_cursors[cursor[0]] = cursor[1]
        elif cursor is not None:
            self._pending_cursors.pop(cursor[0], None)
        if self._pending_cursors and self._clock() - self._last_flush >= CURSOR_FLUSH_S:
            try:
                self.flush()
            except StoreError as exc:  # the call itself is stored; they go with a later one
                log.info("call log positions not saved yet: %s", exc)
        return recorded

    def _record_incoming(
        self,
        event: CallEvent,
        number: CallerNumber,
        contact: Contact | None,
        cursor: tuple[str, str] | None,
    ) -> Recorded | None:
        outcome = Outcome.MISSED if event.state is CallState.MISSED else Outcome.TALKED
        if isinstance(event, CallGone):
            outcome = Outcome.UNKNOWN  # its end was never written (core/events.py)
        attempt = Attempt(Direction.IN, event.time, outcome, number_e164=number.e164,
                          caller_name=caller_name(number), caller_id=unread_caller_id(number))
        contact_id = contact.id if contact is not None else None
        key = _call_key(event)
        if self._store.call_attempt(event.source, key) is None:
            near = self._store.calls_near(number.e164, Direction.IN, event.time, SAME_CALL_S,
                                          caller_id=attempt.caller_id)  # fmt: skip
            hooked = next((c for c in near if c.from_hook), None)
            if hooked is not None and outcome is Outcome.UNKNOWN:
                return None  # the hook's row is this call, and knows as much or more
            if hooked is not None:  # a hook logged this call: the softphone's report is richer
                self._store.take_over_call(
                    hooked.id, contact_id, attempt, event.source, key, cursor=cursor
                )
                return Recorded(hooked.id, contact_id, Direction.IN, outcome,
                                self._offer_wrap_up(hooked.id, outcome, event))  # fmt: skip
        attempt_id = self._store.record_call(
            contact_id, attempt, event.source, key, cursor=cursor
        )
        if attempt_id is None:
            return None
        return Recorded(attempt_id, contact_id, Direction.IN, outcome,
                        self._offer_wrap_up(attempt_id, outcome, event))  # fmt: skip

    def _offer_wrap_up(self, attempt_id: int, outcome: Outcome, event: CallEvent) -> bool:
        """An answered incoming call that just ended: once per attempt, never for catch-up."""
        if outcome is not Outcome.TALKED or getattr(event, "catch_up", False):
            return False
        return self._first_offer(attempt_id)

    def _first_offer(self, attempt_id: int) -> bool:
        """Whether this attempt's wrap-up was not offered yet (and now counts as offered)."""
        if attempt_id in self._wrapped:
            return False
        _remember(self._wrapped, attempt_id, None, WRAPPED_LIMIT)
        return True

    def _record_outgoing(
        self,
        event: CallEvent,
        number: CallerNumber,
        contact: Contact | None,
        cursor: tuple[str, str] | None,
    ) -> Recorded | None:
        # A stranger's number: only a call returning one of theirs is kept; so is an
        # extension nobody has that called us ("3199"), which settles that missed call.
        dialled = call_back_to(number)
        if contact is None and not (dialled and self._store.has_called_us(dialled)):
            return None
        key = _call_key(event)
        existing = self._store.call_attempt(event.source, key)
        taken_over = False
        noted = False
        if existing is None and event.source != DIAL_SOURCE:
            existing = self._take_over_dialed(event, number, contact, key, cursor)
            taken_over = existing is not None
            # A colleague's extension ("3103") is noted as a number is (log-call x3103).
            dialled = call_back_to(number)
            if existing is None and dialled:
                existing = self._store.note_after(dialled, event.time, NOTE_AFTER_CALL_S,
                                                  CALL_NOTE_SOURCE)  # fmt: skip
                # The rep logged this call before its softphone reported it: the note's row
                # is the call, kept under the note's key (the note comes back from a shared
                # card by that key), and what it says stands: nothing to wrap up.
                noted = existing is not None
        elif existing is None:
            existing = self._reported_before_dialed(event, number)
        if noted:
            if cursor is not None:
                self._store.save_source_cursor(*cursor)
            return None
        # A call that failed is news even on a row already written: the callback it took off
        # is due again, so whoever counts them must hear of it.
        failed_now = False
        if existing is not None and isinstance(event, CallFailed):
            failed_now = taken_over or existing[2].outcome is not Outcome.FAILED
            existing = self._failed(existing, event, key, cursor)
        elif existing is not None and isinstance(event, CallUnanswered):
            # As news as a failure: the row read "Called" (a return that reached them).
            failed_now = taken_over or existing[2].outcome is Outcome.UNKNOWN
            existing = self._unanswered(existing, event, key, cursor)
        if existing is None:
            outcome = _outgoing_outcome(event, Outcome.UNKNOWN)
            # A stranger's number is named by what the softphone called it, as a caller's is.
            # A call to a colleague's extension keeps the extension dialled, as their call
            # from it does: it has no E.164 to say it by.
            attempt = Attempt(Direction.OUT, event.time, outcome,
                              reason=contact.reason if contact else "", number_e164=number.e164,
                              caller_name="" if contact else caller_name(number),
                              caller_id=unread_caller_id(number) if contact or not number.e164
                              else "")  # fmt: skip
            attempt_id = self._store.record_call(
                contact.id if contact else None, attempt, event.source, key, cursor=cursor
            )  # fmt: skip
            if attempt_id is None:
                return None
        else:
            attempt_id, outcome = existing[0], existing[2].outcome
            # Our "Called" row, taken over as a call that reached nobody: the callback it
            # settled is due again, news as a failure is (it used to ride on the wrap-up).
            failed_now = failed_now or (taken_over and outcome in _REACHED_NOBODY)
            if cursor is not None:
                self._store.save_source_cursor(*cursor)
        wrap_up = (
            contact is not None  # a wrap-up is written on a contact
            # It reached nobody (failed, or rang out): the history says so already and the
            # missed call it returned stays due; a "How did it go?" would ask what is known.
            and outcome not in _REACHED_NOBODY
            and not isinstance(event, CallFailed)
            and event.state in _OVER
            and not getattr(event, "catch_up", False)
            and self._first_offer(attempt_id)
        )
        if not wrap_up and existing is not None and not failed_now:
            return None  # seen before (ringing again, or read again): nothing new
        # A row already written keeps whom it was for (a Call button's, a log-call note's).
        whose = existing[1] if existing is not None and existing[1] is not None else (
            contact.id if contact else None)  # fmt: skip
        return Recorded(attempt_id, whose, Direction.OUT, outcome, wrap_up)

    def _take_over_dialed(
        self,
        event: CallEvent,
        number: CallerNumber,
        contact: Contact | None,
        key: str,
        cursor: tuple[str, str] | None,
    ) -> tuple[int, int | None, Attempt] | None:
        """The softphone's first report of a call we placed: it takes over our row. A call to
        a colleague's extension is found by it ("sip:3103@pbx" reports our "3103")."""
        near = self._store.calls_near(number.e164, Direction.OUT, event.time, SAME_CALL_S,
                                      caller_id=unread_caller_id(number))  # fmt: skip
        dialed = next((c for c in near if c.source == DIAL_SOURCE
                       and c.call_key.startswith(DIAL_KEY_PREFIX)), None)  # fmt: skip
        if dialed is None:
            return None
        found = self._store.attempt_by_id(dialed.id)
        if found is None:
            return None
        outcome = _outgoing_outcome(event, dialed.outcome)
        attempt = replace(found[1], at=event.time, outcome=outcome)
        # The Call button knew whom it called (a card's, on a number others share too).
        contact_id = found[0] if found[0] is not None else contact.id if contact else None
        self._store.take_over_call(dialed.id, contact_id, attempt, event.source, key,
                                   cursor=cursor)  # fmt: skip
        log.info("%s reported the call placed as attempt %d", event.source, dialed.id)
        return dialed.id, contact_id, attempt

    def _failed(
        self,
        existing: tuple[int, int | None, Attempt],
        event: CallFailed,
        key: str,
        cursor: tuple[str, str] | None,
    ) -> tuple[int, int | None, Attempt]:
        """The call the softphone reported dialling (its row, or ours it took over) failed."""
        attempt_id, contact_id, attempt = existing
        if attempt.outcome is Outcome.FAILED:
            return existing
        failed = replace(attempt, outcome=Outcome.FAILED)
        self._store.take_over_call(attempt_id, contact_id, failed, event.source, key,
                                   cursor=cursor)  # fmt: skip
        log.info("%s could not place the call of attempt %d: %s", event.source, attempt_id,
                 event.why)  # fmt: skip
        return attempt_id, contact_id, failed

    def _unanswered(
        self,
        existing: tuple[int, int | None, Attempt],
        event: CallUnanswered,
        key: str,
        cursor: tuple[str, str] | None,
    ) -> tuple[int, int | None, Attempt]:
        """The call the softphone reported dialling ended with nobody answering: its row says
        No answer, unless it already says what happened (an outcome the rep chose in a
        wrap-up, or a failure), which stands."""
        attempt_id, contact_id, attempt = existing
        if attempt.outcome is not Outcome.UNKNOWN:
            return existing
        unanswered = replace(attempt, outcome=Outcome.NO_ANSWER)
        self._store.take_over_call(attempt_id, contact_id, unanswered, event.source, key,
                                   cursor=cursor)  # fmt: skip
        log.info("nobody answered the call of attempt %d: %s", attempt_id,
                 event.why or "hung up before an answer")  # fmt: skip
        return attempt_id, contact_id, unanswered

    def _reported_before_dialed(
        self, event: CallEvent, number: CallerNumber
    ) -> tuple[int, int | None, Attempt] | None:
        """The softphone reported the call we placed before our own row was written (the
        dial is asked from a worker thread, and baresip's event can come first): that row
        is the call, and ours is not written."""
        near = self._store.calls_near(number.e164, Direction.OUT, event.time, SAME_CALL_S,
                                      caller_id=unread_caller_id(number))  # fmt: skip
        reported = next((c for c in near if c.source != DIAL_SOURCE), None)
        if reported is None:
            return None
        found = self._store.attempt_by_id(reported.id)
        if found is None:
            return None
        log.info("%s had reported the call placed as attempt %d", reported.source, reported.id)
        return reported.id, found[0], found[1]

    def _record_hook(self, event: CallEvent) -> Recorded | None:
        """A hook's ring logs the call; its end says how it went (see the module's text)."""
        number = self._lookup.parse(event.number, event.name)
        base = _hook_key(event.call_key or event.number)
        unread = unread_caller_id(number)
        if event.state is CallState.RINGING:
            near = self._store.calls_near(number.e164, Direction.IN, event.time, SAME_CALL_S,
                                          caller_id=unread)  # fmt: skip
            if any(not c.from_hook or self._still_ringing(c, base, event.time) for c in near):
                return None  # a softphone logged it already, or this call is still ringing
            contact = self._contact_for(number)
            contact_id = contact.id if contact is not None else None
            attempt = Attempt(Direction.IN, event.time, Outcome.UNKNOWN,
                              number_e164=number.e164, caller_name=caller_name(number),
                              caller_id=unread)  # fmt: skip
            # Its hook and an app that read it late may both write it: one row, whoever does.
            # The app may have keyed a withheld call apart, its hook never does. Otherwise only
            # the same ring is: the same second, or for a withheld caller the same ms (two
            # withheld callers a moment apart are two calls; nothing else tells them apart).
            # A late one is told from another withheld caller's by its ms (two processes work
            # out one ring's time to within a ms or so): not by its second, which took two
            # withheld callers ringing half a second apart for one.
            withheld = base == WITHHELD_KEY
            late_withheld = event.late and is_withheld_key(base)
            same = (f"{WITHHELD_KEY}@", TOLD_APART) if late_withheld else ()
            window = None if withheld and not event.late else SAME_RING_S
            attempt_id = self._store.record_ring_once(
                contact_id, attempt, event.source, f"{base}@", _ring_stamp(event.time), window,
                same, same_ring=_rang_with(event.time),
            )  # fmt: skip
            if attempt_id is None:
                return None
            _remember(self._ringing, base, attempt_id, HOOK_RINGING_LIMIT)
            return Recorded(attempt_id, contact_id, Direction.IN, Outcome.UNKNOWN, False)
        if event.state not in _OVER:
            return None
        outcome = Outcome.MISSED if event.state is CallState.MISSED else Outcome.TALKED
        attempt_id = self._ringing.pop(base, None)
        if attempt_id is None:
            since = datetime.fromtimestamp(event.time.timestamp() - OPEN_CALL_S, UTC)
            # Never a call that rang after this end (one a retried end might otherwise take).
            until = datetime.fromtimestamp(event.time.timestamp() + RING_BEFORE_END_S, UTC)
            if unread:  # by same_caller_key: "sip:Reception@pbx" may end as "Reception"
                attempt_id = self._store.open_unread_call(unread, since, until)
            elif base != WITHHELD_KEY:  # a plain withheld end is the newest's, whatever its key
                attempt_id = self._store.open_hook_call(number.e164, base + "@", since, until)
            if attempt_id is None and is_withheld_key(base) and not unread:
                # Its ring logged under another withheld key (desktop.core.withheld_calls).
                attempt_id = self._store.open_withheld_call(
                    since, until, excluding=set(self._ringing.values())
                )
        if attempt_id is None:
            log.info("%s ended, but its ring is not logged (yet): nothing to record", base)
            self.end_unmatched = True
            return None
        if not self._store.finish_call(attempt_id, outcome):
            return None  # a softphone has said how it went
        found = self._store.attempt_by_id(attempt_id)
        contact_id = found[0] if found is not None else None
        return Recorded(attempt_id, contact_id, Direction.IN, outcome,
                        self._offer_wrap_up(attempt_id, outcome, event))  # fmt: skip

    @staticmethod
    def _still_ringing(logged: NearCall, base: str, at: datetime) -> bool:
        """Whether a call a hook logged is the one ringing at `at` under `base`. Every withheld
        caller keys alike: another one's call ringing a moment earlier (its ring read by the
        app too late, its hook logging it; or two calls while the app is not running) is a
        call of its own; the same call's ring logged twice (by its hook and the app it
        started) has the same time, to the ms (ONE_RING_WITHIN_S)."""
        if logged.outcome is not Outcome.UNKNOWN or not logged.call_key.startswith(base + "@"):
            return False
        if base != WITHHELD_KEY:
            return True
        stamp = key_stamp(logged.call_key)
        if stamp is None:
            return False
        rang, to_the_ms = stamp
        if not to_the_ms:  # logged before rings were stamped to the ms: whole seconds, cut down
            return abs(rang - at.timestamp()) <= RING_BEFORE_END_S
        return abs(rang - at.timestamp()) <= ONE_RING_WITHIN_S

    def _contact_for(self, number: CallerNumber) -> Contact | None:
        contacts = self._holders(number)
        return contacts[0] if contacts else None

    def _holders(self, number: CallerNumber) -> tuple[Contact, ...]:
        rows = self._lookup.holders(number, attempts_limit=0)
        tier, contacts = classify(number, rows)
        return contacts if tier in (MatchTier.EXACT, MatchTier.SWITCHBOARD) else ()

    def _callee_for(
        self, number: CallerNumber, at: datetime, meant: int | None = None
    ) -> Contact | None:
        """Whom a call out to `number` was for: on a number several contacts share, the one
        the Call button's card was for (`meant`), else the one whose missed call from it is
        due, else the one last in touch on it (core/callee.py), where the caller's own
        ranking only says who rings."""
        contacts = self._holders(number)
        if len(contacts) < 2 or not number.e164:
            return contacts[0] if contacts else None
        history = self._store.number_history(number.e164, [c.id for c in contacts], at)
        return callee(contacts, history, meant=meant, name=number.display_name)


def caller_name(number: CallerNumber) -> str:
    """The caller ID's name as the history keeps it (see the module's text); "" for none."""
    if number.withheld:
        return ""
    name = " ".join(number.display_name.split())[:CALLER_NAME_MAX].rstrip()
    return name if any(ch.isalpha() for ch in name) else ""


def unread_caller_id(number: CallerNumber) -> str:
    """The caller ID as the history keeps it for a call whose number could not be read
    (desktop.core.unread_caller_id); "" for a readable number or a withheld caller."""
    if number.e164 is not None or number.withheld:
        return ""
    return kept_caller_id(number.raw)


def _call_key(event: CallEvent) -> str:
    key = event.call_key or f"{event.source}:{event.number}"
    return f"{key}@{int(event.time.timestamp())}"


def _ring_stamp(at: datetime) -> str:
    """When a hook's call rang, as its key says it: to the ms, which tells one ring logged by
    two processes from a caller ringing again within the second (_rang_with)."""
    ms = round(at.timestamp() * 1000)
    return f"{ms // 1000}.{ms % 1000:03d}"


def _rang_with(at: datetime) -> Callable[[str], bool]:
    """Whether a ring logged under a key is the one ringing at `at`, read twice (by its hook
    and the app it started, or that read it late): the same time to ONE_RING_WITHIN_S. A
    ring logged to the second only (before rings were stamped to the ms) is taken to be, as
    then, within Store.record_ring_once's window."""

    def same(call_key: str) -> bool:
        stamp = key_stamp(call_key)
        if stamp is None:
            return False
        rang, to_the_ms = stamp
        return not to_the_ms or abs(rang - at.timestamp()) <= ONE_RING_WITHIN_S

    return same


def _hook_key(call_key: str) -> str:
    return call_key if call_key.startswith(HOOK_KEY_PREFIX) else HOOK_KEY_PREFIX + call_key


def _outgoing_outcome(event: CallEvent, otherwise: Outcome) -> Outcome:
    """A failed call (it reached nobody), one the source says was not answered, or as is."""
    if isinstance(event, CallFailed):
        return Outcome.FAILED
    if isinstance(event, CallUnanswered):
        return Outcome.NO_ANSWER
    return Outcome.NO_ANSWER if getattr(event, "answered", None) is False else otherwise


def _cursor_of(event: CallEvent) -> tuple[str, str] | None:
    if isinstance(event, HistoryEvent) and event.origin and event.cursor:
        return event.origin, event.cursor
    return None


def _remember(entries: dict[_K, _V], key: _K, value: _V, limit: int) -> None:
    """entries[key] = value, the oldest entry forgotten when `limit` are held already."""
    entries.pop(key, None)
    if len(entries) >= limit:
        del entries[next(iter(entries))]
    entries[key] = value

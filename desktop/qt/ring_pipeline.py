"""What happens to a call, in the order it happens: ring → lookup → card shown → after-paint
work (a notification if the card may be hidden, guesses for an unknown caller) → recorded in
the history → end.

Every way a call arrives (watched logs, baresip, the URL endpoint, hooks, the demo, the Test
ring) comes in as one `RingInput` through `arrive`; a call placed from a Call button is
logged through it too (`placed`). The trace stages written here (`read`,
`matched`, `same_call`, `shown`, `ended`, `recorded`, `record_failed`) are read by tests and by
benchmarks/ring_latency.py: keep their names and fields.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.adapters.call_history import SAME_CALL_S
from desktop.adapters.history_writer import CallWritten, HistoryWriter
from desktop.adapters.lookup import CallerLookup
from desktop.adapters.missed_cards_file import OpenMissedCard
from desktop.adapters.native_heap import release_idle_memory
from desktop.adapters.store import Store, StoreError
from desktop.adapters.trace import RingTrace
from desktop.adapters.write_journal import RecordCall
from desktop.core.caller_user_part import same_caller_key
from desktop.core.card import Card, MatchTier
from desktop.core.card_text import card_lines
from desktop.core.dialects.end_of_call import HistoryEvent
from desktop.core.events import (
    CallEvent,
    CallFailed,
    CallGone,
    CallState,
    CallUnanswered,
    key_source,
)
from desktop.core.internal_extension import call_back_to
from desktop.core.late_ring import still_ringing
from desktop.core.localtime import LocalTime
from desktop.core.models import Attempt, Direction, Outcome
from desktop.core.numbers import CallerNumber
from desktop.core.ring_input import RingInput, from_call_event, keyed_by_number
from desktop.core.withheld_calls import WITHHELD_KEY, WithheldCalls
from desktop.qt.notifier import Notifier, PopupObstacles
from desktop.qt.popup_stack import PopupStack

log = logging.getLogger("callercard")

# A ring's card paints within a few ms; the history write waits until after that.
RECORD_DELAY_MS = 40
# How often the caller's local time on the cards shown is brought up to date.
CLOCK_TICK_MS = 15_000
# Once no call has ended for this long, what calls freed (cards' text, queries, a closed
# wrap-up) is handed back to the system (desktop.adapters.native_heap); well under a ms.
RELEASE_AFTER_MS = 2000


class RingPipeline(QObject):
    callbacks_changed = Signal()  # a missed call or a call out was recorded
    missed_card_kept = Signal(str)  # e164: an unanswered call's card stays up
    missed_card_back = Signal(str)  # e164: it is up again, because the call back failed
    wrap_up_due = Signal(int)  # attempt id: the call just ended and asks how it went

    def __init__(
        self,
        lookup: CallerLookup,
        popups: PopupStack,
        writes: HistoryWriter,
        trace: RingTrace,
        *,
        notifier: Notifier,
        obstacles: PopupObstacles,
        paused: Callable[[], bool],
        report_problem: Callable[[str], None],
    ) -> None:
        super().__init__()
        self.lookup = lookup
        self.popups = popups
        self.writes = writes
        self.trace = trace
        self.notifier = notifier
        self.obstacles = obstacles
        self._paused = paused
        self._report_problem = report_problem
        self._ringing: dict[str, Card] = {}  # call key -> its card, until painted
        # Call key -> when it rang, while its card is up: the card built again for the call
        # must not list the call itself (logged after the ring) as a past one.
        self._rang_at: dict[str, datetime] = {}
        self._withheld = WithheldCalls(popups.has_popup)
        # A second source's key for a call already on screen -> that call's key.
        self._same_call: dict[str, str] = {}
        # Call key -> when it rang: a hook's ring read late (the app was stopped or hung) and
        # over by then, so no card rang; its end, if missed, leaves the missed card.
        self._late_unseen: dict[str, datetime] = {}
        # The calls this app put a card up for (who, when it rang), ringing or missed: none
        # of them was missed while CallerCard was closed, though a hook that started the app
        # for it recorded it before the app ran (showed_call).
        self._cards_shown: deque[tuple[str, datetime]] = deque(maxlen=200)
        # The missed cards the last run left up (who, their last ring): their calls rang
        # while it ran, though after its last 'still running' stamp when it crashed.
        self._left_up: list[tuple[str, datetime]] = []
        # Call key -> when its last ring came, and its last end: a hook's ring from the
        # inbox (its line never reached us) pops no card for a call shown already, by its
        # line read late, nor for one whose end came by the socket first.
        self._rang: dict[str, datetime] = {}
        self._ended: dict[str, datetime] = {}
        # Call key -> when it ended: a hook's `end --missed` that found no card of its call
        # (its ring waits in the inbox, unread yet): that ring, read later, leaves the missed
        # card.
        self._missed_no_card: dict[str, datetime] = {}
        self._to_record: list[CallEvent] = []  # call events waiting to go into the history
        # One timer, started by each ring: a QTimer.singleShot costs 10-40 µs of the ring's
        # path (it builds a timer object each time), a start() 1 µs.
        self._record_soon = QTimer(self)
        self._record_soon.setSingleShot(True)
        self._record_soon.setInterval(RECORD_DELAY_MS)
        self._record_soon.timeout.connect(self.record_pending)
        self._quiet = QTimer(self)
        self._quiet.setSingleShot(True)
        self._quiet.setInterval(RELEASE_AFTER_MS)
        self._quiet.timeout.connect(self._calls_quiet)
        popups.painted.connect(self._painted)
        self._clocks = QTimer(self)  # runs while cards are shown
        self._clocks.setInterval(CLOCK_TICK_MS)
        self._clocks.timeout.connect(self.tick_clocks)
        popups.set_clock(self._clock_now)
        popups.caller_identified.connect(self._caller_identified)

    # -- in -----------------------------------------------------------------------------------

    def arrive(self, call: RingInput) -> None:
        """A source reported a call: its card pops or goes, then it is logged (after paint)."""
        call = self.keyed(call)
        if call.call_key == WITHHELD_KEY and call.live:
            call = self._withheld_apart(call)
        if call.rings and call.event.hook and self._ring_read_twice(call):
            pass  # its line read after its hook left it in the inbox too, whose card popped
        elif call.rings:
            self._ring(call)
        elif call.ends:
            self._end(call)
        elif _read_late_over(call):
            _remember_late(self._late_unseen, call.call_key, call.event.time)
        elif call.calls_out and self.popups.missed_keys():
            self._called_back(call)
        elif call.answered and self.popups.missed_keys():
            self._answered(call)
        elif call.event.direction is Direction.OUT and call.live:
            self._call_out_went_on(call)
        elif _logged_at_its_end(call):
            self._logged_at_end(call)
        if call.recorded:
            self.record_later(call.event)

    def keyed(self, call: RingInput) -> RingInput:
        """A hook's call keyed by its number's E.164, however the hook spelled it
        (desktop.core.ring_input.keyed_by_number)."""
        return keyed_by_number(call, lambda caller_id: self.lookup.parse(
            caller_id, call.event.name).e164)  # fmt: skip

    def _withheld_apart(self, call: RingInput) -> RingInput:
        """A hook's withheld caller, keyed apart from another one ringing now (its own card,
        its own row in the history) and ended newest first (desktop.core.withheld_calls)."""
        if call.rings:
            key = self._withheld.ring_key()
        elif call.ends:
            key = self._withheld.end_key()
        else:
            return call
        if key == call.call_key:
            return call
        return replace(call, event=replace(call.event, call_key=key))

    def placed(self, placed: object, watched_formats: set[str]) -> None:
        """A Call button placed a call: it is logged now, as an outbound attempt. When a
        watched source will report it (baresip's events, twinkle.ch, ...) that report takes the
        row over and its end opens the wrap-up; otherwise nothing will say when the call ends,
        so it is logged as over and the wrap-up opens at once."""
        from desktop.adapters.call_history import DIAL_KEY_PREFIX, DIAL_SOURCE
        from desktop.core.dialers import REPORTED_BY
        from desktop.qt.click_to_call import PlacedCall

        assert isinstance(placed, PlacedCall)
        dialer = placed.result.dialer
        reporters = REPORTED_BY.get(dialer, frozenset()) if dialer is not None else frozenset()
        followed = placed.result.follows_up and bool(reporters & watched_formats)
        # Called back, from the missed card or from anywhere else: its missed card goes; kept
        # aside when the softphone will report the call, which may yet fail (_call_out_went_on).
        if followed:
            called_back = self.popups.set_aside_missed_for(placed.e164, placed.asked_ns)
        else:
            called_back = self.popups.close_missed_for(placed.e164)
        label = dialer.label if dialer is not None else "a softphone"
        self.arrive(from_call_event(CallEvent(
            DIAL_SOURCE, Direction.OUT, CallState.RINGING if followed else CallState.ENDED,
            placed.e164, "", datetime.now(UTC), call_key=f"{DIAL_KEY_PREFIX}{placed.e164}",
            where=f"Call button ({label})", read_ns=placed.asked_ns,
            for_contact=placed.contact_id,
        )))  # fmt: skip
        self.trace.write("dialed", placed.e164, dialer=dialer.value if dialer else "",
                         followed=followed, missed_cards_closed=called_back)  # fmt: skip
        log.info("call placed to %s with %s (%s)", placed.e164, label,
                 "its end will be reported" if followed else "wrap-up now")  # fmt: skip

    def _called_back(self, call: RingInput) -> None:
        """The rep dialled from the softphone itself: a missed card for that number goes, as
        after its Call back button."""
        e164 = self._e164_of(call)
        dialled_ns = call.read_ns or time.monotonic_ns()
        closed = self.popups.set_aside_missed_for(e164, dialled_ns) if e164 else 0
        if closed:
            self.trace.write("called_back", e164 or "", missed_cards_closed=closed)

    def _answered(self, call: RingInput, began: datetime | None = None) -> None:
        """The rep took a call from a number whose missed card is up: they are no longer
        waiting for us (Callbacks says so too), so the card and its Call back go, and do not
        come back at the next start. Learnt from the answer itself (baresip, Linphone) or
        only from the end (a hook's `end --answered`, MicroSIP's log): either way.

        Only the missed cards of earlier calls go, never the call's own: one call two sources
        report differently (a hook's `end --missed`, then the softphone's log of it as taken)
        took away the missed card of the very call the rep did not answer. `began`: when this
        call rang here (its card's ring, `_answer_began`, taken before its end forgot it)."""
        if not self.popups.missed_keys():
            return
        e164 = self.lookup.parse(call.caller_id, call.event.name).e164
        if began is None:
            began = self._answer_began(call)
        person = self._only_holder(e164) if e164 else None
        closed = 0
        if e164 and began is not None:
            closed = self.popups.close_missed_for(e164, rang_before=began, person=person)
        elif e164:  # a hook's end: its own earlier ring was under its key
            closed = self.popups.close_missed_for(e164, not_of=call.call_key, person=person)
        if closed:
            self.trace.write("answered", e164 or "", missed_cards_closed=closed)

    def _only_holder(self, e164: str) -> int | None:
        """The one contact who has this number, whose call taken on it reached them on every
        number (a shared number's call is not known to be any one holder's): None else."""
        try:
            holders = self.lookup.store.contacts_for_number(e164, 0)
        except StoreError as exc:
            log.info("holders of %s not read: %s", e164, exc)
            return None
        return holders[0][0].id if len(holders) == 1 else None

    def _answer_began(self, call: RingInput) -> datetime | None:
        """When the taken call began, to tell the caller's earlier calls from it: its card's
        ring while that card still rings (its own, or another source's for the same call); a
        softphone log's call, when its log says it began, less the margin within which two
        reports are one call (SAME_CALL_S). None for a hook's end whose ring has no card up:
        it says when it ended only."""
        shown_as = self._same_call.get(call.call_key, call.call_key)
        rang = self._rang_at.get(shown_as)
        if rang is not None and self.popups.has_popup(shown_as):
            return rang
        if call.event.hook:
            return None
        return call.event.time - timedelta(seconds=SAME_CALL_S)

    def _call_out_went_on(self, call: RingInput) -> None:
        """A call out answered, over or failed. One that failed before the far end rang
        (CallFailed), or that the far end refused once it rang (CallUnanswered: "486 Busy
        Here"), brings back the missed card its call back took away, saying so, with
        Call back to try again: the rep was looking at it, and the callback is still due.
        It is brought back rather than left up until the call is known to go through,
        because most calls do, and a card the rep just acted on should go at once. One the
        rep hung up before an answer does not: they know, and Callbacks keeps it due."""
        if call.event.state is CallState.RINGING:
            return
        e164 = self._e164_of(call)
        if not e164:
            return
        event = call.event
        why = event.why if isinstance(event, CallFailed | CallUnanswered) else ""
        if not isinstance(event, CallFailed) and not why:
            self.popups.called_back_through(e164)
            return
        key = self.popups.restore_missed(e164, why)
        self.trace.write("call_back_failed", e164, card=key or "")
        if key is not None:
            self.missed_card_back.emit(e164)

    def _e164_of(self, call: RingInput) -> str | None:
        """A call out's number, read as the lookup reads numbers."""
        return self.lookup.parse(call.caller_id).e164

    def calls_in_flight(self) -> int:
        """Calls this pipeline still keeps something for: rung, not yet painted or ended."""
        return len(self._ringing) + len(self._same_call)

    # -- ring → lookup → show -----------------------------------------------------------------

    def _ring(self, call: RingInput) -> None:
        caller_id, call_key = call.caller_id, call.call_key
        _remember_late(self._rang, call_key, call.event.time)
        try:
            # Guesses for an unknown caller cost a few ms of queries: they follow the card.
            # Its own row may be in the history already (a hook that found no app recorded
            # it): that is no earlier call (core/call_in_flight.is_ringing_call).
            card = self.lookup.card_for(caller_id, call.event.name, candidates=False,
                                        ringing_at=call.event.time)  # fmt: skip
        except StoreError as exc:
            self._trace_read(call)
            self._report_problem(f"Could not look up {caller_id!r}: {exc}")
            return
        matched_ns = time.monotonic_ns()
        # Traced once the card is built, each stage at its own time, and written once it has
        # painted (the next line written, `shown`, or the record after it): a trace line's
        # write costs 40 µs, which a ring without --trace never pays.
        self._trace_read(call, held=True)
        self.trace.write("matched", caller_id, t_ns=matched_ns, match=card.match.value,
                         call_key=call_key, contacts=[c.id for c in card.contacts],
                         held=True)  # fmt: skip
        if self._paused():
            self.trace.release()
            log.info("popups paused: not showing %s", caller_id)
            return
        same = self._same_call_elsewhere(card, call_key)
        if same is not None:
            # The phone's hook and its call log both report a ring: one call, one card, and
            # the end either of them reports closes it.
            self._same_call[call_key] = same
            self.trace.write("same_call", caller_id, call_key=call_key, as_call=same)
            return
        self._ringing[call_key] = card
        self._rang_at[call_key] = call.event.time
        self._card_shown(card.number, card.caller_id, call.event.time)
        if self.popups.show(card, call_key) is None:
            self.trace.release()  # it waits collapsed in "+N more": no paint will follow
        self._forget_calls_gone()

    def _trace_read(self, call: RingInput, *, held: bool = False) -> None:
        self.trace.write("read", call.caller_id, t_ns=call.read_ns, source=call.source,
                         call_key=call.call_key, held=held)  # fmt: skip

    def _forget_calls_gone(self) -> None:
        """Nothing is kept for a call the cards no longer have: dismissed before it painted,
        or dropped from "+N more" because no end ever came (a hook that sends only `ring`)."""
        has = self.popups.has_popup
        for key in [k for k in self._ringing if not has(k)]:
            del self._ringing[key]
        for alias in [a for a, key in self._same_call.items() if not has(key)]:
            del self._same_call[alias]
        for key in [k for k in self._rang_at if not has(k)]:
            del self._rang_at[key]

    def _same_call_elsewhere(self, card: Card, call_key: str) -> str | None:
        """The ringing call another source already showed for this number, if any."""
        if not card.number.e164 or self.popups.has_popup(call_key):
            return None
        since = time.monotonic_ns() - SAME_CALL_S * 1_000_000_000
        other = self.popups.call_for_number(card.number.e164, since)
        if other is None or key_source(other) == key_source(call_key):
            return None  # two calls from one switchboard number on one phone stay two
        return other

    # -- after paint --------------------------------------------------------------------------

    def _painted(self, call_key: str, t_ns: int) -> None:
        card = self._ringing.pop(call_key, None)
        if card is None:
            return  # a card updated after its ring (guesses added, caller identified)
        self.trace.write("shown", card.caller_id, t_ns=t_ns, call_key=call_key)
        if not self._clocks.isActive():
            self._clocks.start()
        log.info("card shown for %s (%s)", call_key, card.match.value)
        QTimer.singleShot(0, lambda: self._after_shown(card, call_key))

    def _after_shown(self, card: Card, call_key: str) -> None:
        """What a ring also wants, once its card is on screen: nothing here may delay it."""
        self._tell_if_hidden(card)
        if card.match is MatchTier.NONE and card.number.e164:
            self._add_candidates(card, call_key)

    def _tell_if_hidden(self, card: Card) -> None:
        """A card behind a full-screen window helps nobody: the platform's notifier tells too."""
        obstacle = self.obstacles.check()
        card = self.popups.shown_form(card)  # a redacted card is redacted there too
        if obstacle:
            channel = self.notifier.notify(card.headline, "\n".join(card_lines(card)[1:5]))
            log.info("card for %s may be hidden (%s): also sent to %s", card.display_number,
                     obstacle, channel.value)  # fmt: skip

    def _add_candidates(self, card: Card, call_key: str) -> None:
        popup = self.popups.popup_for(call_key)
        if popup is None or popup.card is not card:
            return  # the call ended or the card moved on
        try:
            guesses = self.lookup.candidates_for(card.number, datetime.now(UTC))
        except StoreError as exc:
            log.warning("no guesses for %s: %s", card.display_number, exc)
            return
        if guesses:
            self.popups.show(replace(card, candidates=tuple(guesses)), call_key)

    def tick_clocks(self, now: datetime | None = None) -> None:
        """Each card shown gets its caller's local time as of now: a call, and a missed
        call's card after it, can stay up for many minutes."""
        shown = self.popups.popups()
        if not shown:
            self._clocks.stop()
            return
        now = now or datetime.now(UTC)
        for popup in shown:
            card = popup.card
            if card is not None and card.local_time.zones:
                popup.update_local_time(self.lookup.local_time_now(card.number, now))

    def _clock_now(self, card: Card) -> LocalTime:
        """A card that waited for room comes up (a missed card restored at start behind
        ringing calls): its caller's clock as of now, and the tick keeps it so, though it
        started no tick when it was added with no room."""
        if not self._clocks.isActive():
            self._clocks.start()
        return self.lookup.local_time_now(card.number)

    def _caller_identified(self, call_key: str, _contact_id: object) -> None:
        """The rep linked the number or made a contact: the card becomes an exact match."""
        popup = self.popups.popup_for(call_key)
        if popup is None or popup.card is None:
            return
        self._look_up_again(call_key, popup.card)

    def refresh_cards(self) -> None:
        """The book changed here (a number given to someone, a name fixed, a merge, an
        import): every card up, ringing or missed, is looked up again, so a caller named in
        Callbacks or a contact window is named on their card too."""
        for call_key, card in self.popups.calls_up():
            if card.number.e164 and not card.number.withheld:
                try:
                    self._look_up_again(call_key, card)
                except StoreError as exc:
                    log.warning("cards not looked up again: %s", exc)
                    return

    def look_up_if_changed(self, call_key: str, old: Card) -> None:
        """Another process committed (desktop/qt/cards_watch.py): the card is shown again
        only if who it names changed, so a card is not redrawn for each call logged."""
        try:
            card = self._card_again(call_key, old)
        except StoreError as exc:
            log.warning("card for %s not looked up again: %s", old.display_number, exc)
            return
        if (card.match, card.contacts, card.promise) != (old.match, old.contacts, old.promise):
            self.popups.show(card, call_key)
            self.trace.write("card_refreshed", old.caller_id, call_key=call_key,
                             headline=card.headline)  # fmt: skip

    def _look_up_again(self, call_key: str, old: Card) -> None:
        self.popups.show(self._card_again(call_key, old), call_key)

    def _card_again(self, call_key: str, old: Card) -> Card:
        rang = self._rang_at.get(call_key)
        # Its own row is the one still open (a softphone's record taking the hook's row over
        # may start a little before the ring: it has no end until the call's end): a call of
        # theirs that ended is listed however close before, as on the ring's first card.
        return self.lookup.card_for(old.caller_id, old.number.display_name, ringing_at=rang)

    # -- end ----------------------------------------------------------------------------------

    def _end(self, call: RingInput) -> None:
        """An incoming call is over, its card goes. The one place a call's end is decided on:
        `call.missed` is whether nobody answered it (the log said so, or `callercard end
        --missed`)."""
        _remember_late(self._ended, call.call_key, call.event.time)
        if call.call_key not in self._same_call and not self.popups.has_popup(call.call_key):
            self._same_as_ringing(call)
        rang = self._late_unseen.pop(call.call_key, None)
        if (call.event.hook and call.missed and rang is None
                and call.call_key not in self._same_call
                and not self.popups.has_popup(call.call_key)):  # fmt: skip
            _remember_late(self._missed_no_card, call.call_key, call.event.time)
        taken = _taken(call.event)
        began = self._answer_began(call) if taken else None  # before its end forgets its ring
        self.end_call(call.call_key, call.caller_id, missed=call.missed)
        if taken:
            self._answered(call, began)
        if rang is not None and call.missed:
            # Its ring was read late, over by then: no card rang, so the missed card comes
            # now, as for a missed call a log wrote only at its end.
            self._missed_with_no_ring(replace(call, event=replace(call.event, time=rang)))

    def _same_as_ringing(self, call: RingInput) -> bool:
        """A call this source reports over without its ring having reached us, while another
        source's card for that number rings: that card is this call's, and this end is its end.
        A softphone whose hook reports only the ring (Jitsi, MicroSIP with no end hook set)
        and whose log wrote the call only at its end, or its ring and its end between two
        reads: without this the card went on ringing after the call was missed. The same test
        as for two rings (SAME_CALL_S), against when the log says the call began."""
        e164 = self.lookup.parse(call.caller_id, call.event.name).e164
        if not e164:
            return False  # two withheld callers are not known to be one call
        other = self.popups.ringing_near(e164, call.event.time, SAME_CALL_S)
        if other is None or key_source(other) == key_source(call.call_key):
            return False
        self._same_call[call.call_key] = other
        self.trace.write("same_call", call.caller_id, call_key=call.call_key, as_call=other)
        return True

    def _logged_at_end(self, call: RingInput) -> None:
        """A call an end-of-call log wrote as it ended: the card another source rang for it
        goes, or folds to a missed card; a missed call that had no card gets one."""
        missed = call.event.state is CallState.MISSED
        taken = _taken(call.event)
        began = None
        if self._same_as_ringing(call):
            began = self._answer_began(call) if taken else None
            self.end_call(call.call_key, call.caller_id, missed=missed)
        elif missed:
            self._missed_with_no_ring(call)
        if taken:
            self._answered(call, began)

    def end_call(self, call_key: str, caller_id: str, *, missed: bool = False) -> None:
        """The call is over: its card goes, or stays as a missed call's with Call back when
        the end said nobody answered (traced, so hooks can be checked from outside)."""
        shown_as = self._same_call.pop(call_key, call_key)
        kept = self._keep_missed_card(shown_as) if missed else None
        closed = kept is None and self.popups.close_for_call(shown_as)
        if closed:
            self._rang_at.pop(shown_as, None)
        for alias in [a for a, key in self._same_call.items() if key == shown_as]:
            del self._same_call[alias]
        self._ringing.pop(shown_as, None)  # a collapsed card that never painted
        self.trace.write("ended", caller_id, call_key=call_key, closed=closed, as_call=shown_as,
                         missed=missed, kept=kept is not None)  # fmt: skip
        self._quiet.start()  # restarted by each end: never while calls come thick and fast

    def _calls_quiet(self) -> None:
        # What the first calls imported (the wrap-up's modules, ...), as start-up's warm-up.
        release_idle_memory()

    def _keep_missed_card(self, call_key: str) -> str | None:
        """An unanswered call's card stays as "Missed call · 14:05" with Call back.

        Decided from the end event's own state (a softphone's MISSED, `end --missed`), not
        from the history writer's `recorded` outcome: that one is computed from the same
        state, only later, on another thread, and not at all when the write fails, a
        softphone's row already settled the call, or the number cannot be stored."""
        kept = self.popups.keep_missed(call_key)
        card = self.popups.card_for(kept) if kept is not None else None
        if card is not None:
            # A card with no room (collapsed in "+N more" as it ended) waits off the screen.
            popup = self.popups.popup_for(kept) if kept is not None else None
            dialled = call_back_to(card.number)  # a colleague's extension ("3103") too
            offers = popup.offers_call_back() if popup else bool(dialled)
            self.trace.write("missed_card", "", call_key=kept, waiting=popup is None,
                             call_back=offers)  # fmt: skip
            if dialled:  # watched for as it is called back
                self.missed_card_kept.emit(dialled)
        return kept

    def _missed_with_no_ring(self, call: RingInput) -> None:
        """A call the softphone logged only once it was over, missed (linphonec 5.1 writes
        its call log at a call's end and nothing at its ring): no card rang for it, so its
        missed card comes now, once. Not for a call whose card did ring (a hook's ring, its
        log line after), nor for one read at start or late: that is history (Callbacks)."""
        number = self.lookup.parse(call.caller_id, call.event.name)
        if self._paused() or self.popups.has_card_near(
            number, call.caller_id, call.call_key, call.event.time, SAME_CALL_S
        ):
            return
        self._add_missed(call.caller_id, number, call.event.time, 1,
                         call_key=call.call_key, rang_unseen=True)  # fmt: skip

    def reopen_missed(self, kept: OpenMissedCard) -> str | None:
        """A missed card open when the app last quit comes back (its key), unless its caller
        was called back since, by anyone, or a call with them was answered (logged while the
        app was not running): Callbacks no longer lists them either."""
        number = self.lookup.parse(kept.caller_id, kept.name)
        since = int(kept.rang.timestamp())
        store = self.lookup.store
        dialled = call_back_to(number)  # a colleague's extension ("3103") is called back too
        # Rows keep whole seconds: in the missed call's own second, only what was recorded
        # after it (the call answered just before the caller redialled is no answer since).
        after = store.missed_id_at(dialled, since) if dialled else 0
        if dialled and (store.called_out_since(dialled, since, after)
                        or (number.e164 and store.talked_since(number.e164, since, after))):
            return None
        # Its time on screen goes on from when it was first a missed card, not anew: a card
        # restored at each start outlived newer ones (h-rep4, 19 min and two restarts).
        return self._add_missed(kept.caller_id, number, kept.rang, kept.tries,
                                call_key="restored", restored=True,
                                missed_at=kept.shown or kept.rang)  # fmt: skip

    def showed_call(self, attempt: Attempt, left_up: bool = True) -> bool:
        """Whether a card was up for the call: its ring or its missed card here (a ring that
        started the app is recorded by its hook before the app ran, and was told twice, by
        its card and as '1 call missed while CallerCard was closed'), or, when `left_up`, a
        missed card the last run left up, which stood for its caller's missed calls up to
        its last ring (a call missed in the minutes before a crash came back as '2 tries'
        and '1 call missed while CallerCard was closed')."""
        who = _who(attempt.number_e164, attempt.caller_id)
        if attempt.direction is not Direction.IN or not who:
            return False
        near = timedelta(seconds=SAME_CALL_S)
        return any(shown == who and abs(rang - attempt.at) <= near
                   for shown, rang in self._cards_shown) or (
            left_up and any(shown == who and attempt.at <= rang + near
                            for shown, rang in self._left_up))  # fmt: skip

    def showed_before(self, kept: OpenMissedCard) -> None:
        """A missed card the last run left up (missed-cards.json), shown again now or once
        popups resume."""
        number = self.lookup.parse(kept.caller_id, kept.name)
        who = "" if number.withheld else _who(number.e164, kept.caller_id)
        if who:
            self._left_up.append((who, kept.rang))

    def _card_shown(self, number: CallerNumber, caller_id: str, rang: datetime) -> None:
        who = "" if number.withheld else _who(number.e164, caller_id)
        if who:
            self._cards_shown.append((who, rang))

    def missed_while_closed(self, attempt_id: int, ended_by: datetime) -> str | None:
        """A call missed while the app was closed that ended recently (not before `ended_by`:
        the quit, or its ring) gets the missed card the app would have left up, with what is
        left of its time from then (desktop/qt/missed_while_closed.py). None when popups are
        paused (Callbacks and the count have it), or the call is gone or has no caller ID."""
        if self._paused():
            return None
        row = self.lookup.store.attempt_by_id(attempt_id)
        if row is None:
            return None
        attempt = row[1]
        caller_id = attempt.number_e164 or attempt.caller_id
        if not caller_id:
            return None
        number = self.lookup.parse(caller_id, attempt.caller_name)
        return self._add_missed(caller_id, number, attempt.at, 1, call_key="closed",
                                missed_at=ended_by, while_closed=True)  # fmt: skip

    def _add_missed(self, caller_id: str, number: CallerNumber, rang: datetime, tries: int, *,
                    call_key: str, restored: bool = False, rang_unseen: bool = False,
                    missed_at: datetime | None = None,
                    while_closed: bool = False) -> str | None:  # fmt: skip
        try:
            card = self.lookup.card_for_number(caller_id, number, candidates=False)
        except StoreError as exc:
            self._report_problem(f"Could not look up {caller_id!r}: {exc}")
            return None
        key = self.popups.add_missed(card, call_key, rang, tries, missed_at)
        if not (restored or while_closed):
            self._card_shown(number, caller_id, rang)
        popup = self.popups.popup_for(key)
        traced = ({"restored": True} if restored else {"rang_unseen": True} if rang_unseen
                  else {"while_closed": True} if while_closed else {})  # fmt: skip
        self.trace.write("missed_card", caller_id, call_key=key,
                         call_back=popup is not None and popup.offers_call_back(),
                         goes_in_s=self.popups.missed_goes_in_s(key), **traced)  # fmt: skip
        dialled = call_back_to(card.number)  # a colleague's extension ("3103") too
        if dialled:  # up, or waiting for room
            self.missed_card_kept.emit(dialled)
            if restored:  # calls back made while the app was not running
                self.note_tried(dialled)
        if popup is not None and not self._clocks.isActive():
            # Started by a ring's card, but a card brought back at start, or one for a call
            # logged only once it was over, rang nothing: its caller's time stood still.
            self._clocks.start()
        return key

    def _count_tries(self, event: CallEvent, contact_id: int | None) -> None:
        """A missed call is in the history: the caller's missed card counts their tries as
        Callbacks does, so one dismissed before they called again does not leave the next
        card saying they tried once. A caller ID that is no number too, as the history
        tells its calls apart (same_caller_key)."""
        number = self.lookup.parse(event.number, event.name)
        if not self.popups.has_missed_from(number, event.number):
            return
        try:
            tries = _tries_of(self.lookup.store, number, event.number, contact_id,
                              datetime.now(UTC))  # fmt: skip
        except StoreError as exc:
            log.info("tries of %s not counted: %s", number.e164 or event.number, exc)
            return
        self.popups.count_tries(number, event.number, tries)

    def note_tried(self, e164: str) -> None:
        """The calls back to `e164` (or a colleague's extension, "3103") that reached nobody
        since their last missed call, as
        Callbacks says them ("Tried 14:05, no answer"), on their missed card if one is up:
        it stays up after such a call (the callback is still due), and must say it was tried."""
        if e164 not in self.popups.missed_numbers():
            return
        try:
            tried = self.lookup.store.unreached_since_missed(e164)
        except StoreError as exc:
            log.info("calls back to %s not looked up: %s", e164, exc)
            return
        self.popups.note_tried(e164, tried)

    # -- recorded -----------------------------------------------------------------------------

    def record_later(self, event: CallEvent) -> None:
        # Recording writes to the database: done after the card has had its chance to paint,
        # in arrival order, so a call's ring is always recorded before its end.
        if not self._to_record:
            self._record_soon.start()
        self._to_record.append(event)

    def record_pending(self) -> None:
        self.trace.release()  # a ring whose card never painted (dismissed first)
        pending, self._to_record = self._to_record, []
        for event in pending:
            self.writes.submit(RecordCall(event))

    def call_written(self, written: object) -> None:
        """The history writer's answer (through the bridge): traced, and what it asks for."""
        assert isinstance(written, CallWritten)
        event, recorded = written.event, written.recorded
        if written.for_cards:
            self._from_inbox(event, over=written.over)
            return
        if written.error:
            where = event.where or event.source
            self._report_problem(f"Could not record the call from {where}: {written.error}")
            self.trace.write("record_failed", event.number, call_key=event.call_key,
                             error=written.error)  # fmt: skip
            return
        if recorded is None:
            return
        self.trace.write(
            "recorded", event.number, call_key=event.call_key,
            attempt=recorded.attempt_id, outcome=recorded.outcome.value,
            wrap_up=recorded.wrap_up,
        )  # fmt: skip
        if recorded.outcome is Outcome.MISSED and recorded.direction is Direction.IN:
            self._count_tries(event, recorded.contact_id)
        if recorded.direction is Direction.OUT or recorded.outcome is Outcome.MISSED:
            # A call back that reached nobody is said on the card; a new missed call is one
            # nobody has tried since.
            # A colleague's extension ("3103") too, as their card's Call back dials it.
            dialled = call_back_to(self.lookup.parse(event.number, event.name))
            if dialled:
                self.note_tried(dialled)
        if recorded.outcome is Outcome.MISSED or recorded.direction is Direction.OUT:
            self.callbacks_changed.emit()  # a missed call waits for us; a call out may settle one
        if recorded.wrap_up and not written.replayed and not self._paused():
            self.wrap_up_due.emit(recorded.attempt_id)


    def _from_inbox(self, event: CallEvent, *, over: bool = False) -> None:
        """A hook's ring or end the writer recorded from the hooks' inbox (its line never
        reached us): a ring that may still ring pops its card, late (desktop.core.late_ring
        .still_ringing), once: never for a call whose card this app showed or whose end it
        read already, nor one whose end was read with it (`over`); one whose `end --missed`
        came first, over the socket, leaves its missed card; an end closes the card its ring
        put up, or, missed and recent, leaves the missed card of a ring that popped none.
        Recorded already: not again."""
        call = RingInput(event, time.monotonic_ns())
        key = call.call_key
        if event.state is CallState.RINGING:
            seen = (self._seen_near(self._rang, key, event.time)
                    or self._seen_near(self._ended, key, event.time, after=True)
                    or key in self._late_unseen or self.popups.has_popup(key))  # fmt: skip
            card = still_ringing(event.time, datetime.now(UTC)) and not seen and not over
            self.trace.write("inbox_ring", event.number, call_key=key, card=card)
            if card:
                self._ring(self._withheld_apart(call) if key == WITHHELD_KEY else call)
            elif (self._seen_near(self._missed_no_card, key, event.time, after=True)
                  and not self._seen_near(self._rang, key, event.time)):  # fmt: skip
                # Not a ring whose card the rep dismissed before its end: that stays gone.
                self._missed_before_its_ring(call)
            elif not seen:
                # Over by now, or soon told so: its end, if missed and recent, leaves the
                # missed card (`_end`), as a call read late does.
                _remember_late(self._late_unseen, key, event.time)
            return
        if self._seen_near(self._ended, key, event.time):
            return  # its line reached us too, and ended the call
        up = self.popups.has_popup(key) and key not in self.popups.missed_keys()
        if up or key in self._same_call:
            self._end(self._withheld_apart(call) if key == WITHHELD_KEY else call)
        elif key in self._late_unseen:
            # Its ring and its end both waited in the inbox for an app still starting: a
            # missed card while the rep may still be at the desk (the time a missed card
            # stays up), as for a call missed while the app ran; older, Callbacks has it.
            age_s = (datetime.now(UTC) - event.time).total_seconds()
            if age_s > self.popups.missed_for_ms / 1000:
                self._late_unseen.pop(key, None)
                return
            self._end(call)

    def _missed_before_its_ring(self, call: RingInput) -> None:
        """An inbox ring whose `end --missed` reached us first, over the socket (the app
        woke, or finished starting, before it read the inbox): that end found no card, so the
        missed card comes now, as when the ring is read first, while the rep may still be at
        the desk (the time a missed card stays up)."""
        ended = self._missed_no_card.pop(call.call_key)
        age_s = (datetime.now(UTC) - ended).total_seconds()
        if age_s <= self.popups.missed_for_ms / 1000:
            self._missed_with_no_ring(call)

    def _ring_read_twice(self, call: RingInput) -> bool:
        """Whether this hook ring is one already handled, read again (from the inbox, then
        its line): rung at about the same time and not ended since. A caller who rings again
        right after an end (a test's hook, a redial within the second) is a new call."""
        key = call.call_key
        if not self._seen_near(self._rang, key, call.event.time):
            return False
        ended = self._ended.get(key)
        return ended is None or ended < self._rang[key]

    @staticmethod
    def _seen_near(seen: dict[str, datetime], key: str, at: datetime, *,
                   after: bool = False) -> bool:  # fmt: skip
        """Whether `seen` has the call `key` at about `at`: one hook's stamp, read from its
        line and from the inbox (`after`: at it or later, but for a second of clock between
        the hook's stamp and our reading of an end)."""
        when = seen.get(key)
        if when is None:
            return False
        gap_s = (when - at).total_seconds()
        return gap_s >= -1 if after else abs(gap_s) <= ONE_RING_S


def _tries_of(store: Store, number: CallerNumber, caller_id: str, contact_id: int | None,
              now: datetime) -> int:  # fmt: skip
    """Missed calls from this caller since we last reached them, counted as Callbacks
    counts them (desktop.adapters.callbacks): a contact's on any of their numbers; a caller ID
    that is no number's since the last call with it that was answered."""
    if contact_id is not None:
        return store.missed_tries([contact_id], now).get(contact_id, 1)
    e164 = number.e164
    if e164 is None:
        return store.unread_missed_tries(caller_id, now)
    unknown = store.unknown_missed_not_returned(now)
    return next((u.tries for u in unknown if u.attempt.number_e164 == e164), 1)


# A hook's ring read twice (its line, late, and the inbox) is one stamp turned into a wall
# time twice: a few ms apart. A second call from the number is seconds later at the least.
ONE_RING_S = 1.0

# Late rings whose end has not come (a hook that sends none): the oldest are forgotten.
LATE_UNSEEN_LIMIT = 64


def _read_late_over(call: RingInput) -> bool:
    """A hook's ring the app read late (desktop.core.late_ring) with its call over by then:
    no card pops for it."""
    event = call.event
    return (not call.live and event.late and event.hook and event.direction is Direction.IN
            and event.state is CallState.RINGING)  # fmt: skip


def _remember_late(late: dict[str, datetime], call_key: str, rang: datetime) -> None:
    late.pop(call_key, None)
    late[call_key] = rang
    while len(late) > LATE_UNSEEN_LIMIT:
        del late[next(iter(late))]


def _taken(event: CallEvent) -> bool:
    """An incoming call over that its source knows was answered: a softphone's ENDED (the
    history's TALKED), not a call whose end its source never wrote (CallGone); a hook's end
    only when it said so (`end --answered`). A plain `end` is recorded as taken too, but some
    hooks send it for every call, the missed ones as well (one call two sources report: the
    log's MISSED, then the hook's plain end), so the card it would close may be the call's own."""
    if event.direction is not Direction.IN or event.state is not CallState.ENDED:
        return False
    return event.said_answered if event.hook else not isinstance(event, CallGone)


def _logged_at_its_end(call: RingInput) -> bool:
    """An incoming call an end-of-call log reported as it was written, not at start nor late
    (HistoryEvent.catch_up): whether a card rang for it is the pipeline's to say."""
    event = call.event
    return (
        isinstance(event, HistoryEvent)
        and not event.catch_up
        and event.direction is Direction.IN
        and event.state in (CallState.ENDED, CallState.MISSED)
    )


def _who(e164: str | None, caller_id: str) -> str:
    """Who a call is from, as showed_call tells its calls apart: its number, or a caller ID
    that is no number ("3103" ringing, "sip:3103@pbx" ending), as the history tells those
    apart (same_caller_key); "" for nobody to tell."""
    if e164:
        return e164
    key = same_caller_key(caller_id)
    return f"caller ID {key}" if key else ""

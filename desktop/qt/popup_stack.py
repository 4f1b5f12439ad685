"""Where caller cards go: the screen under the mouse, bottom-right, newest on top.

Users of every caller-ID tool complain about popups on the wrong monitor, so each card goes
to the screen the rep is looking at (the one under the cursor) at the moment it rings.
Overlapping calls stack upward from the bottom-right corner; a column that reaches the top
of the screen continues in a new column to its left. A second event for the same call
updates that call's card instead of adding one.

At most `max_cards` cards are on screen, and never more than the screen holds without two of
them overlapping (at a scale factor of 2 a 1600×1000 screen holds one column of two cards):
past that, the oldest ringing calls collapse into one "+N more ringing" entry
(desktop.qt.more_calls) that lists them and opens any of them, MAX_WAITING of them at most. A card
whose call collapses or ends goes back to the pool, which therefore never holds more than
max(prebuilt, max_cards) windows however many calls ring at once.

A call that ends unanswered keeps its card, folded to "Missed call · 14:05" with Call back
(`keep_missed`), for MISSED_FOR_MS or until dismissed. One caller has one missed card: a
second missed call replaces it, and the card says so, "Missed call · 14:05 (2 tries)"; so
does a caller ID that is no number ("Reception"), one card per caller as the history counts
them (desktop.core.unread_caller_id.same_caller_key).
Withheld callers are not known to be one person, yet a pile of identical "Number withheld"
cards says no more than one: their missed calls share one card (one per name the caller ID
gave, mostly none), "Missed call · 14:05 (2 withheld calls)". The
missed cards open when the app last quit come back (`add_missed`); `missed_changed` tells
whoever keeps them for the next start. A missed card is one of the `max_cards`, but it
gives way to a ringing call before that would collapse: it waits, off the screen but
counted in "+N more" ("+2 more ringing · 1 missed", listed below the ringing calls, and
opened from there as they are), and comes back once a card's room is free; a call that
ends missed while collapsed waits so too (MAX_WAITING of them at most). A missed card's
MISSED_FOR_MS counts from when it became one (`missed_at`, kept across restarts): one that
comes up later (from "+N more", restored at start) has what is left of it, and at least
MISSED_AT_LEAST_MS to be seen, so an older missed card never outlives newer ones.
Waiting, it is still one of the missed cards kept for the next start (`open_missed`). A
card that waited is shown with its caller's clock as of then, not as of its lookup
(`set_clock`). Calling the caller back takes their missed card off the screen, kept aside
for CALL_BACK_FAILS_WITHIN_S: a call back the softphone then reports failed brings the card
back, "call back failed", with Call back.

The pool is filled to that size in idle time, one card per turn of the event loop, after
start-up's warm-up and after each card has painted: a card built while a call rings pays
for its window and first paint on the ring path, so the fifth overlapping call must find one
ready as the first does.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QCursor, QGuiApplication, QScreen
from PySide6.QtWidgets import QWidget

from desktop.core.callbacks import Unreached
from desktop.core.caller_user_part import same_caller_key
from desktop.core.card import Card
from desktop.core.card_text import call_back_failure, card_number, missed_when
from desktop.core.events import key_source
from desktop.core.internal_extension import call_back_to
from desktop.core.localtime import LocalTime, clock_text
from desktop.core.numbers import CallerNumber
from desktop.core.redaction import redact
from desktop.qt.more_calls import MoreCalls
from desktop.qt.popup import Popup
from desktop.qt.stay_on_top import StayOnTop
from desktop.qt.system_clock import hour_cycle

if TYPE_CHECKING:
    from desktop.qt.card_view import PickerFactory

PREBUILT = 3  # built with the stack; the pool grows to MAX_CARDS in idle time
MAX_CARDS = 5  # on screen at once; older ringing calls wait in the "+N more" entry
# Calls waiting in "+N more" at most: a hook that sends only `ring` never reports an end, so
# without a bound its calls would pile up there for as long as the app runs. The oldest goes.
MAX_WAITING = 50
MARGIN = 16  # from the screen's available edge (the taskbar is already outside it)
# Ten minutes: long enough for the sales call the rep was on when it rang (the usual reason
# a call is missed) to end with the card still there, short enough that it does not sit in
# the corner all afternoon; Recent calls and Callbacks keep the missed call after that.
MISSED_FOR_MS = 10 * 60 * 1000
# A missed card whose time ran out off the screen (waiting for room, or while the app was
# closed) is still shown this long when it comes up: the rep sees what they were to act on.
MISSED_AT_LEAST_MS = 60 * 1000
SPACING = 10  # between stacked cards
# How long a missed card taken away by a call back is kept aside, in case the softphone reports
# that call failed: a SIP failure comes before the far end rings, within INVITE's 32 s timeout.
CALL_BACK_FAILS_WITHIN_S = 60
# Said on a missed card brought back because the call back did not go through.
CALL_BACK_FAILED = "call back failed"


def screen_under_cursor() -> QScreen | None:
    screens = QGuiApplication.screens()
    if len(screens) == 1:
        # Asking where the cursor is costs a round trip to the X server (0.2-0.6 ms of the
        # ring); with one screen the answer cannot change anything.
        return screens[0]
    return QGuiApplication.screenAt(QCursor.pos()) or QGuiApplication.primaryScreen()


@dataclass
class _Call:
    card: Card
    screen: QScreen | None
    popup: Popup | None  # None while the call waits in the "+N more" entry
    # When it started ringing (aware, local), for the "+N more" entry: formatted only if a
    # card collapses, because asking the locale for its clock costs ~0.1 ms of the ring.
    rang: datetime | None = None
    rang_ns: int = 0  # time.monotonic_ns() when it started ringing
    missed: QTimer | None = None  # the call ended unanswered; the card goes when this fires
    # time.monotonic_ns() when a call back to this missed caller was reported failed; 0: none.
    call_back_failed_ns: int = 0
    call_back_failed_why: str = ""  # what the softphone said ("486 Busy Here")
    tries: int = 1  # a missed card: the caller's missed calls it stands for
    # A missed card: the calls back since their last missed call that reached nobody, said on
    # it in Callbacks' words ("Tried 14:05, no answer"); None: none.
    tried: Unreached | None = None
    # It was off the screen (collapsed, or a missed card waiting for room): its card's
    # clock is that of its lookup, and it gets its caller's clock of now when it comes up.
    waited: bool = False
    # A missed card that never rang here (add_missed: restored at start, logged by a softphone
    # at its end): on a full screen it waits rather than push a ringing call's card off.
    arrived: bool = False
    # A missed card: when it became one (aware), which its MISSED_FOR_MS counts from.
    missed_at: datetime | None = None


class PopupStack(QObject):
    """Owns the cards and places them. The app talks to this, never to a Popup directly."""

    dismissed = Signal(str)  # call_key; the user dismissed that call's card
    copy_opener_clicked = Signal(str)  # call_key
    open_search_requested = Signal(str)  # caller ID
    open_contact_requested = Signal(object)  # contact id (int)
    painted = Signal(str, object)  # call_key, time.monotonic_ns() (int) when the card was painted
    caller_identified = Signal(str, object)  # call_key, contact id (an unknown caller, settled)
    call_back_requested = Signal(str, object)  # number or extension, contact id: Call back
    missed_changed = Signal()  # a missed card came, went, or counts one more try

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        prebuilt: int = PREBUILT,
        max_cards: int = MAX_CARDS,
        margin: int = MARGIN,
        spacing: int = SPACING,
        pick_screen: Callable[[], QScreen | None] = screen_under_cursor,
        picker_factory: PickerFactory | None = None,
        missed_for_ms: int = MISSED_FOR_MS,
        missed_at_least_ms: int = MISSED_AT_LEAST_MS,
    ) -> None:
        super().__init__(parent)
        self._missed_for_ms = missed_for_ms
        self._missed_at_least_ms = min(missed_at_least_ms, missed_for_ms)
        self._missed_count = 0  # makes each missed card's key unique
        self._missed_told: list[tuple[str, int]] = []  # the missed cards missed_changed told of
        self._picker_factory = picker_factory
        self._margin = margin
        self._spacing = spacing
        self._pick_screen = pick_screen
        self._max_cards = max(1, max_cards)
        self._pool_size = max(prebuilt, self._max_cards)
        self._pool: list[Popup] = []  # every card built; bounded by _pool_size
        self._free: list[Popup] = []
        self._top_up_pending = False
        self._calls: dict[str, _Call] = {}  # in order of arrival: the oldest sits lowest
        # A called-back caller's number -> their missed card's key, call and when it was set
        # aside (time.monotonic_ns()), until the call back fails or CALL_BACK_FAILS_WITHIN_S.
        self._set_aside: dict[str, tuple[str, _Call, int]] = {}
        self._redacted = False  # cards show desktop.core.redaction.redact(card)
        # The caller's clock as of now, for a card that comes up after waiting (set_clock).
        self._clock: Callable[[Card], LocalTime | None] | None = None
        # The missed card the rep opened from "+N more": it has a card though ringing calls
        # fill the room, until the next call rings.
        self._asked: str | None = None
        # Applied to every card window once it exists (capture exclusion on Windows/macOS).
        self._window_guard: Callable[[QWidget], None] | None = None
        self._on_top = StayOnTop(QGuiApplication.platformName(), self)
        for _ in range(prebuilt):
            popup = self._build()
            self._pool.append(popup)
            self._free.append(popup)
        self._more = MoreCalls()
        self._more.open_requested.connect(self.bring_up)
        self._on_top.watch(self._more)

    def _build(self) -> Popup:
        popup = Popup(picker_factory=self._picker_factory)
        popup.dismissed.connect(self._on_dismissed)
        popup.caller_identified.connect(self.caller_identified)
        popup.height_changed.connect(self._fit)
        popup.copy_opener_clicked.connect(self.copy_opener_clicked)
        popup.open_search_requested.connect(self.open_search_requested)
        popup.open_contact_requested.connect(self.open_contact_requested)
        popup.painted.connect(self.painted)
        popup.painted.connect(self._schedule_top_up)
        popup.painted.connect(lambda _key, _ns: self._on_top.check_soon(popup))
        popup.call_back_requested.connect(self.call_back_requested)
        return popup

    def warm_up(self) -> None:
        """Call once at start-up: every pre-built card creates its window and paints once; the
        rest of the pool follows in idle time."""
        for popup in self._pool:
            popup.warm_up()
            self._guard(popup)
        self._schedule_top_up()

    def _schedule_top_up(self) -> None:
        if not self._top_up_pending and len(self._pool) < self._pool_size:
            self._top_up_pending = True
            QTimer.singleShot(0, self._top_up)

    def _top_up(self) -> None:
        """Build and warm one more ready card, then yield: a ring that arrived meanwhile is
        handled before the next one is built."""
        self._top_up_pending = False
        if len(self._pool) >= self._pool_size:
            return
        popup = self._build()
        popup.warm_up()
        self._guard(popup)
        self._pool.append(popup)
        self._free.insert(0, popup)
        self._schedule_top_up()

    # -- per call --

    def show(self, card: Card, call_key: str) -> Popup | None:
        """Show `card` for `call_key`; a call that already has a card gets it updated. A new
        call always gets a card; None when `call_key` waits collapsed (its card is updated)."""
        call = self._calls.get(call_key)
        if call is not None:
            call.card = card
            if call.popup is None:
                self._tell_more()
                return None
            self._fill(call_key, call)
            self._fit()
            if call.popup is not None:  # it grew past what the screen holds: collapsed
                call.popup.reveal()
            return call.popup
        rang = datetime.now().astimezone()
        self._calls[call_key] = _Call(card, self._pick_screen(), None, rang, time.monotonic_ns())
        self._asked = None  # a ringing call comes before a missed card opened from the list
        self._settle(call_key)
        self._forget_oldest_waiting()
        return self._calls[call_key].popup

    def _forget_oldest_waiting(self) -> None:
        waiting = [key for key, call in self._calls.items()
                   if call.popup is None and call.missed is None]  # fmt: skip
        if len(waiting) > MAX_WAITING:
            for key in waiting[: len(waiting) - MAX_WAITING]:
                del self._calls[key]
            self._tell_more()

    def bring_up(self, call_key: str) -> Popup | None:
        """Give a collapsed call, or a missed card waiting for room, a card (it counts as the
        newest now); None if no such call."""
        call = self._calls.pop(call_key, None)
        if call is None:
            return None
        self._calls[call_key] = call
        if call.missed is not None:
            self._asked = call_key  # the rep asked for it: it takes a ringing card's room
        self._settle(call_key)
        return call.popup

    def set_clock(self, clock: Callable[[Card], LocalTime | None] | None) -> None:
        """`clock(card)`: the caller's local time now (None: none to say), for a card that
        comes up after waiting for room, so that it never shows the clock of its lookup."""
        self._clock = clock

    def call_for_number(self, e164: str, since_ns: int) -> str | None:
        """The key of the newest call with a card for this number that started ringing at or
        after ``since_ns`` (time.monotonic_ns())."""
        for key in reversed(self._calls):
            call = self._calls[key]
            if call.missed is None and call.card.number.e164 == e164 and call.rang_ns >= since_ns:
                return key
        return None

    def ringing_near(self, e164: str, at: datetime, within_s: float) -> str | None:
        """The key of the newest call still ringing (not a missed card) for this number that
        rang within `within_s` seconds of `at`, on screen or in "+N more"."""
        for key in reversed(self._calls):
            call = self._calls[key]
            if (call.missed is None and call.card.number.e164 == e164 and call.rang is not None
                    and abs((call.rang - at).total_seconds()) <= within_s):  # fmt: skip
                return key
        return None

    def has_card_near(self, number: CallerNumber, caller_id: str, call_key: str, at: datetime,
                      within_s: float) -> bool:  # fmt: skip
        """Whether a card, ringing or missed, is up for the call `call_key` reported, from this
        caller, that rang within `within_s` seconds of `at`: the same call, reported again.
        One under that key, or another source's (a hook's ring, then the softphone's log of
        the call); never another call of the same source, which reports each call once under
        its own key. From this caller: this number; any withheld caller (a phone names one
        "Anonymous", a hook not at all); one caller ID that is no number, by same_caller_key.
        Nothing else is near a withheld call: another withheld caller is not this one."""
        caller = _caller_of(number, caller_id)
        if caller is None:
            return False
        source = key_source(call_key)
        for key, call in self._calls.items():
            rang_key = key.partition(":")[2] if call.missed is not None else key
            if (call.rang is not None and abs((call.rang - at).total_seconds()) <= within_s
                    and (rang_key == call_key or key_source(rang_key) != source)
                    and _caller_of(call.card.number, call.card.caller_id) == caller):  # fmt: skip
                return True
        return False

    def has_popup(self, call_key: str) -> bool:
        """Whether the call has a card, on screen or collapsed into "+N more"."""
        return call_key in self._calls

    def popup_for(self, call_key: str) -> Popup | None:
        call = self._calls.get(call_key)
        return call.popup if call else None

    def close_for_call(self, call_key: str) -> bool:
        """The call ended: its card goes away and the others close the gap. False if none."""
        call = self._calls.pop(call_key, None)
        if call is None:
            return False
        self._release(call)
        self._settle()
        return True

    def dismiss_all(self) -> None:
        """Clear every card without emitting `dismissed` (the app asked, not the user)."""
        calls = list(self._calls.values())
        self._calls.clear()
        self._set_aside.clear()
        for call in calls:
            self._release(call)
        self._more.set_calls([], [])

    def visible_count(self) -> int:
        """Cards on screen, not counting the "+N more" entry."""
        return sum(1 for popup in self.popups() if popup.isVisible())

    def collapsed_count(self) -> int:
        return sum(1 for c in self._calls.values() if c.popup is None and c.missed is None)

    def missed_waiting(self) -> int:
        """Missed cards off the screen, waiting for room."""
        return sum(1 for c in self._calls.values() if c.popup is None and c.missed is not None)

    def card_for(self, call_key: str) -> Card | None:
        """The card of a call up or waiting (whole, not redacted); None if no such call."""
        call = self._calls.get(call_key)
        return call.card if call else None

    def more_entry(self) -> MoreCalls:
        return self._more

    def calls_up(self) -> list[tuple[str, Card]]:
        """Every call with a card, on screen or waiting in "+N more", and the card it was
        given (whole, not redacted), oldest first."""
        return [(key, call.card) for key, call in self._calls.items()]

    def let_go(self) -> None:
        """At quit: the stack, every card it built (shown or free) and "+N more" are deleted,
        so what was connected to their signals (the app's own slots) is let go with them."""
        self._pool_size = 0  # a top-up already queued builds no card after this
        for popup in self._pool:
            popup.deleteLater()
        self._more.deleteLater()
        self.deleteLater()

    def popups(self) -> list[Popup]:
        """Cards in use, oldest (lowest) first."""
        return [call.popup for call in self._calls.values() if call.popup is not None]

    def built_count(self) -> int:
        """Card windows that exist, in use or free."""
        return len(self._pool)

    def take_focus(self) -> bool:
        """Give the keyboard to the newest card (the app binds this to a hotkey)."""
        return any(popup.take_focus() for popup in reversed(self.popups()))

    # -- screen shares --

    @property
    def redacted(self) -> bool:
        return self._redacted

    def set_redacted(self, redacted: bool) -> None:
        """Show every card, now and from now on, redacted (company and "Callback") or whole;
        the cards on screen change in place."""
        if redacted == self._redacted:
            return
        self._redacted = redacted
        for key, call in self._calls.items():
            if call.popup is not None:
                self._fill(key, call)
        self._fit()

    def shown_form(self, card: Card) -> Card:
        """The card as the cards show it right now (for anything else that tells of a call)."""
        return self._shown(card)

    def set_window_guard(self, guard: Callable[[QWidget], None] | None) -> None:
        """`guard` is applied to every card window built so far and to each one built later
        (the "+N more" entry included); None stops applying it to new ones."""
        self._window_guard = guard
        for popup in self._pool:
            if popup.is_warm():
                self._guard(popup)
        if self._more.isVisible():
            self._guard(self._more)

    def _guard(self, window: QWidget) -> None:
        if self._window_guard is not None:
            self._window_guard(window)

    def _shown(self, card: Card) -> Card:
        return redact(card) if self._redacted else card

    # -- missed calls --

    def keep_missed(self, call_key: str) -> str | None:
        """The call ended unanswered: its card stays, folded to "Missed call" with Call back,
        under a new key (returned) so that the caller ringing again gets a card of its own.
        A call collapsed into "+N more" becomes a missed card all the same, one that waits
        for room (at 2x a screen holds one ringing card). None when the call has no card
        (dismissed, paused): then it simply ends, as an answered call does."""
        call = self._calls.get(call_key)
        if call is None or call.missed is not None:
            return None
        call.tries = self._replace_missed_like(call.card) + 1
        self._missed_count += 1
        key = f"missed-{self._missed_count}:{call_key}"
        # Renamed where it stands: the card keeps its place in the stack.
        self._calls = {(key if k == call_key else k): c for k, c in self._calls.items()}
        call.missed_at = datetime.now(UTC)
        call.missed = self._goes_in_time(key, call)
        if call.popup is not None:
            self._fill(key, call)
        waiting = [k for k, c in self._calls.items() if c.missed is not None and c.popup is None]
        for old in waiting[: max(0, len(waiting) - MAX_WAITING)]:
            del self._calls[old]  # as "+N more" holds, so do the missed that wait: the oldest go
        self._settle()
        return key

    def add_missed(self, card: Card, call_key: str, rang: datetime, tries: int = 1,
                   missed_at: datetime | None = None) -> str:  # fmt: skip
        """A missed call whose card never rang here gets the missed card `keep_missed` leaves,
        as the newest card, without taking focus: a call a softphone logs only at its end, or
        a missed card that was open when the app last quit (`rang`: when it rang, aware;
        `tries`: the missed calls it stood for; `missed_at`: when it first became a missed
        card, whose time it has what is left of; None: now). Its key."""
        tries += self._replace_missed_like(card)
        self._missed_count += 1
        key = f"missed-{self._missed_count}:{call_key}"
        call = _Call(card, self._pick_screen(), None, rang.astimezone(), time.monotonic_ns(),
                     tries=tries, arrived=True,
                     missed_at=missed_at or datetime.now(UTC))  # fmt: skip
        call.missed = self._goes_in_time(key, call)
        self._calls[key] = call
        self._settle(key)
        return key

    def _replace_missed_like(self, card: Card) -> int:
        """One missed card per caller (and one for withheld callers of one name): the older
        ones go, for the newest. The missed calls those stood for."""
        caller = _missed_caller(card)
        if caller is None:
            return 0
        tries = 0
        like = [k for k, c in self._calls.items()
                if c.missed is not None and _missed_caller(c.card) == caller]  # fmt: skip
        for old in like:
            call = self._calls.pop(old)
            tries += call.tries
            self._release(call)
        return tries

    def count_tries(self, number: CallerNumber, caller_id: str, tries: int) -> None:
        """The history counts `tries` missed calls from this caller since we last reached
        them, as Callbacks says it: their missed card says no fewer, though an earlier card
        of theirs was dismissed or timed out before they called again. A caller ID that is
        no number ("Reception") is counted so too; withheld callers are not one caller."""
        raised = False
        for key in self._missed_from(number, caller_id):
            call = self._calls[key]
            if tries > call.tries:
                call.tries, raised = tries, True
                if call.popup is not None:
                    self._fill(key, call)
        if raised:
            self._fit()

    def note_tried(self, e164: str, tried: Unreached | None) -> None:
        """The calls back to `e164` since their last missed call that reached nobody, as the
        history has them: their missed card says so, as Callbacks does, until one reaches
        them (then the card goes) or they call again (then there is none since)."""
        changed = False
        for key in self._missed_of(e164):
            call = self._calls[key]
            if call.tried != tried:
                call.tried, changed = tried, True
                if call.popup is not None:
                    self._fill(key, call)
        if changed:
            self._fit()

    def has_missed_from(self, number: CallerNumber, caller_id: str) -> bool:
        """Whether a missed card is up for this caller (a number, or a caller ID that is no
        number, by same_caller_key); never for a withheld one."""
        return bool(self._missed_from(number, caller_id))

    def _missed_from(self, number: CallerNumber, caller_id: str) -> list[str]:
        caller = _caller_of(number, caller_id)
        if caller is None or caller[0] == "withheld":
            return []
        return [k for k, c in self._calls.items() if c.missed is not None
                and _caller_of(c.card.number, c.card.caller_id) == caller]  # fmt: skip

    def open_missed(self) -> list[tuple[Card, datetime | None, int]]:
        """The missed cards up, oldest first: each one's card (whole, not redacted), when its
        last call rang and the tries it stands for."""
        return [(c.card, c.rang, c.tries) for c in self._calls.values() if c.missed is not None]

    def missed_goes_in_s(self, key: str) -> int | None:
        """How long a missed card up has left, in whole seconds (for the trace); None for one
        not up, whose time stands still while it waits for room."""
        call = self._calls.get(key)
        if call is None or call.missed is None or not call.missed.isActive():
            return None
        return round(call.missed.remainingTime() / 1000)

    def missed_since(self) -> list[datetime | None]:
        """When each of `open_missed`'s cards became a missed card, in the same order."""
        return [c.missed_at for c in self._calls.values() if c.missed is not None]

    def close_missed_for(
        self, e164: str, *, rang_before: datetime | None = None, not_of: str = "",
        person: int | None = None,
    ) -> int:  # fmt: skip
        """The rep called them back: their missed cards go. How many went. A call of theirs
        answered: those that rang `rang_before` it, or (a call known by its key only) those of
        another call than `not_of`; the answered call's own missed card stays. `person`: the
        contact reached, whose missed cards on their other numbers go too (Callbacks no longer
        lists them either)."""
        keys = [k for k in self._missed_of(e164, person)
                if (rang_before is None or _rang_before(self._calls[k].rang, rang_before))
                and (not not_of or k.partition(":")[2] != not_of)]  # fmt: skip
        for key in keys:
            self.close_for_call(key)
        return len(keys)

    def set_aside_missed_for(self, e164: str, dialled_ns: int) -> int:
        """The rep is calling them back (a call out that began at `dialled_ns`,
        time.monotonic_ns()): their missed card goes from the screen but is kept aside, for
        `restore_missed` if that call fails. A card already back because a call back failed
        after `dialled_ns` stays: the report is of that failed call (the Call button's answer
        and the softphone's own report of one call reach us in either order). How many went."""
        now = time.monotonic_ns()
        limit = CALL_BACK_FAILS_WITHIN_S * 1_000_000_000
        for number in [n for n, (_, _, at) in self._set_aside.items() if now - at > limit]:
            del self._set_aside[number]
        keys = [k for k in self._missed_of(e164)
                if not 0 < dialled_ns <= self._calls[k].call_back_failed_ns]
        for key in keys:
            call = self._calls.pop(key)
            self._release(call)
            self._set_aside[e164] = (key, call, now)
        if keys:
            self._settle()
        return len(keys)

    def restore_missed(self, e164: str, why: str = "") -> str | None:
        """A call back to `e164` failed: their missed card comes back (or, still up, says so),
        "call back failed" and what the softphone said (`why`), with Call back, for a full
        MISSED_FOR_MS. Its key; None when the rep had no missed card of theirs (called from a
        list, or kept aside too long)."""
        now = time.monotonic_ns()
        up = next(iter(self._missed_of(e164)), None)
        aside = self._set_aside.pop(e164, None)
        if up is not None:  # it rang and was missed again meanwhile, or was never taken
            call = self._calls[up]
            call.call_back_failed_ns, call.call_back_failed_why = now, why
            if call.popup is not None:
                self._fill(up, call)
                self._fit()
            return up
        if aside is None or now - aside[2] > CALL_BACK_FAILS_WITHIN_S * 1_000_000_000:
            return None
        key, call, _ = aside
        call.call_back_failed_ns, call.call_back_failed_why = now, why
        call.missed_at = datetime.now(UTC)  # news again: its full time
        call.missed = self._goes_in_time(key, call)
        self._calls[key] = call  # the newest: it is news again
        self._settle(key)
        return key

    def called_back_through(self, e164: str) -> None:
        """The call back was answered or ended as a call: no card to bring back for it."""
        self._set_aside.pop(e164, None)

    def _missed_of(self, e164: str, person: int | None = None) -> list[str]:
        """The keys of this caller's missed cards, oldest first; with `person`, those that
        name that contact alone too, from any of their numbers."""
        # A colleague's extension ("3103") is called back as it is dialled (call_back_to).
        return [k for k, c in self._calls.items()
                if c.missed is not None
                and (call_back_to(c.card.number) == e164
                     or _names_only(c.card, person))]  # fmt: skip

    def _goes_in_time(self, key: str, call: _Call) -> QTimer:
        """A missed card's timer: the card goes once MISSED_FOR_MS from `missed_at` is over."""
        timer = QTimer()  # no parent: it goes with its call
        timer.setSingleShot(True)
        timer.timeout.connect(lambda: self.close_for_call(key))
        timer.start(self._missed_left_ms(call))
        return timer

    @property
    def missed_for_ms(self) -> int:
        """How long a missed card stays up."""
        return self._missed_for_ms

    def _missed_left_ms(self, call: _Call) -> int:
        """What is left of a missed card's time, and at least MISSED_AT_LEAST_MS (never more
        than the whole): it comes up now, and the rep is to see it."""
        at_least = self._missed_at_least_ms
        if call.missed_at is None:
            return self._missed_for_ms
        gone_ms = (datetime.now(UTC) - call.missed_at).total_seconds() * 1000
        return max(at_least, min(self._missed_for_ms, round(self._missed_for_ms - gone_ms)))

    def missed_keys(self) -> list[str]:
        return [k for k, c in self._calls.items() if c.missed is not None]

    def missed_numbers(self) -> list[str]:
        """The numbers of the missed cards up, a colleague's extension as it is called back
        ("3103"); a withheld caller's has none."""
        return [e164 for c in self._calls.values()
                if c.missed is not None and (e164 := call_back_to(c.card.number))]  # fmt: skip

    def _with_cards(self) -> list[str]:
        """The calls that get cards, in arrival order: the newest `max_cards` ringing ones,
        then the newest missed cards in the room left; older missed cards wait for room. A
        missed card the rep opened from "+N more" has a card before the ringing ones."""
        ringing = [k for k, c in self._calls.items() if c.missed is None]
        missed = [k for k, c in self._calls.items() if c.missed is not None]
        cards = self._max_cards
        asked = self._asked if self._asked in missed else None
        if asked is not None:  # opened from "+N more": it has one of the cards
            missed.remove(asked)
            cards -= 1
        room = cards - min(len(ringing), cards)
        chosen = set(ringing[len(ringing) - min(len(ringing), cards) :])
        chosen |= set(missed[max(0, len(missed) - room) :])
        if asked is not None:
            chosen.add(asked)
        return [k for k in self._calls if k in chosen]

    def _fill(self, key: str, call: _Call) -> None:
        assert call.popup is not None
        call.popup.set_card(self._shown(call.card), key)
        if call.missed is not None:
            rang = call.rang
            # With its weekday once it is not today's (a card kept over midnight or a restart).
            today = datetime.now().astimezone().date()
            said = missed_when(clock_text(rang, today, hour_cycle()) if rang else "", call.tries,
                               withheld=call.card.number.withheld)  # fmt: skip
            failure = ""
            if call.call_back_failed_ns:
                said = f"{said} · {CALL_BACK_FAILED}" if said else CALL_BACK_FAILED
                failure = call_back_failure(call.call_back_failed_why)
            elif call.tried is not None:
                failure = call.tried.text(datetime.now().astimezone(), hour_cycle())
            call.popup.show_missed(said, failure)

    # -- internals --

    def _tell_more(self) -> None:
        """"+N more" lists the ringing calls collapsed and the missed cards waiting."""
        calls = self._calls.items()
        ringing = [(key, _entry_label(call, self._shown(call.card))) for key, call in calls
                   if call.popup is None and call.missed is None]  # fmt: skip
        missed = [(key, _missed_label(call, self._shown(call.card))) for key, call in calls
                  if call.popup is None and call.missed is not None]  # fmt: skip
        self._more.set_calls(ringing, missed)

    def _settle(self, newest: str | None = None) -> None:
        """The newest `max_cards` ringing calls get cards, the others collapse; missed cards
        take the room left, the newest first, the others wait off the screen; then re-place all.

        With `newest` (a call that just rang or was brought up), only that call gains a card:
        the others that wait collapsed found no room before and the screen has not grown, so
        filling their cards would only cost the ring path time. A call that ends frees room,
        and then every waiting call in the newest `max_cards` is tried."""
        shown = self._with_cards()
        with_cards = set(shown)
        for key, call in self._calls.items():
            if key not in with_cards:
                self._release(call)
        if newest is not None:
            shown = [newest] if newest in with_cards else []
        revealed: list[Popup] = []
        for key in shown:
            call = self._calls[key]
            if call.popup is None:
                call.popup = self._free_popup()
                self._catch_up_clock(call)
                self._fill(key, call)
                revealed.append(call.popup)
                if call.missed is not None and not call.missed.isActive():
                    # A card that waited for room is up for what is left of its time.
                    call.missed.start(self._missed_left_ms(call))
        self._fit()
        in_use = self.popups()
        for popup in revealed:
            if popup in in_use:
                popup.reveal()
                self._on_top.shown(popup)

    def _catch_up_clock(self, call: _Call) -> None:
        """A card that waited (a missed card restored at start behind ringing calls, a call
        opened from "+N more") shows its caller's clock of now, not of its lookup."""
        if not call.waited:
            return  # a call that just rang: looked up a moment ago, on the ring's path
        call.waited = False
        if self._clock is not None and call.card.local_time.zones:
            local = self._clock(call.card)
            if local is not None:
                call.card = replace(call.card, local_time=local)

    def _release(self, call: _Call) -> None:
        call.waited = True  # every way off the screen, or never on it, comes here
        if call.missed is not None:  # a missed card waiting for room: its time starts when up
            call.missed.stop()
        popup, call.popup = call.popup, None
        if popup is not None:
            popup.retract()
            popup.keep_room_above(0)  # its next call may have the column to itself
            self._on_top.hidden(popup)
            self._free.append(popup)

    def _free_popup(self) -> Popup:
        if self._free:
            # Never one the window manager is still withdrawing: shown again before that, it
            # can come back below other windows (desktop.qt.stay_on_top).
            return self._free.pop(self._on_top.choose(self._free))
        # Calls overlapping faster than idle time could top the pool up: grow now, bounded.
        popup = self._build()
        popup.warm_up()
        self._guard(popup)
        self._pool.append(popup)
        return popup

    def _on_dismissed(self, call_key: str) -> None:
        call = self._calls.pop(call_key, None)
        if call is not None:
            self._release(call)
            self._settle()
        self.dismissed.emit(call_key)

    def _fit(self) -> None:
        """Place every card; while a screen cannot hold its cards side by side, the oldest
        card on it collapses into the "+N more" entry (the newest call keeps its card)."""
        while True:
            self._tell_more()
            crowded = self._repack()
            if crowded is None:
                break
            self._release(self._calls[crowded])
        if self._more.count and not self._more.isVisible():
            self._guard(self._more)
            self._on_top.before_show(self._more)
            self._more.show()
            self._on_top.shown(self._more)
        self._tell_if_missed_changed()

    def _tell_if_missed_changed(self) -> None:
        # Every change to the cards ends here (a ring, an end, a dismissal, a timeout): a few
        # µs for the five cards at most, and a signal only when the missed ones changed.
        missed = [(k, c.tries) for k, c in self._calls.items() if c.missed is not None]
        if missed != self._missed_told:
            self._missed_told = missed
            self.missed_changed.emit()

    def _repack(self) -> str | None:
        """Move the cards into place; the call whose card must collapse for the others to fit,
        or None when they all fit."""
        screens = QGuiApplication.screens()
        columns: dict[int, list[tuple[str, QWidget]]] = {}
        targets: dict[int, QScreen | None] = {}
        newest = 0
        for key, call in self._calls.items():
            if call.popup is None:
                continue
            # A monitor unplugged since the ring: its cards move to the primary screen.
            if call.screen is None or call.screen not in screens:
                call.screen = QGuiApplication.primaryScreen()
            newest = id(call.screen)
            targets[newest] = call.screen
            columns.setdefault(newest, []).append((key, call.popup))
        below_more: QWidget | None = None
        if self._more.count and newest in columns:
            # Above the newest card, where the eye already is, in its column: a card as tall
            # as the screen folds to leave the entry its room (Popup.keep_room_above).
            below_more = columns[newest][-1][1]
            self._more.setFixedWidth(below_more.width())
            self._more.adjustSize()  # its height, before it was ever shown
            columns[newest].append(("", self._more))
        for call in self._calls.values():
            if call.popup is not None:
                kept = self._more.height() + self._spacing if call.popup is below_more else 0
                call.popup.keep_room_above(kept)
        for screen_id, placed in columns.items():
            cards = [(k, w) for k, w in placed if k]
            stays = self._kept_up([k for k, _ in cards])
            # Never that card, nor one the rep is typing in (its picker grew it).
            collapsible = [k for k, w in cards if k != stays and not w.isActiveWindow()]
            collapsible.sort(key=lambda k: self._calls[k].missed is None)  # missed ones first
            if not self._place_on(targets[screen_id], [w for _, w in placed]) and collapsible:
                return collapsible[0]
        return None

    def _kept_up(self, keys: list[str]) -> str:
        """The card of a column that never collapses: the newest, the one the rep's eyes are
        on (a call that just rang out stays where it rang), but not a missed card that arrived
        from elsewhere (restored at start, logged by a softphone at its end): the phones
        ringing now keep their cards before it, unless the rep opened it from "+N more"."""
        wanted = [k for k in keys if not self._calls[k].arrived or k == self._asked]
        return (wanted or keys)[-1]

    def _place_on(self, screen: QScreen | None, widgets: list[QWidget]) -> bool:
        """Stack `widgets` (oldest first) in columns from the bottom-right corner of the
        screen's available area; False when they do not all fit inside it."""
        if screen is None:
            return True
        area = screen.availableGeometry()
        left = area.x() + self._margin
        right = area.x() + area.width() - self._margin
        bottom = area.y() + area.height() - self._margin
        top = area.y() + self._margin
        x, y = right, bottom
        column_width = 0
        in_column = 0
        fits = True
        for widget in widgets:
            width, height = widget.width(), widget.height()
            if y - height < top and y != bottom:
                x -= column_width + self._spacing  # this column is full: start one to its left
                if widget is self._more and in_column > 1:
                    # A full column of cards: one gives way (a missed one first), for the
                    # entry to sit in it above the newest; beside the column it covered the
                    # rep's other windows (h-rep6).
                    fits = False
                # "+N more" above a card that could not fold to leave it room: level with
                # that card's top, where the eye is, not at the foot of a column of its own.
                y = y + self._spacing + height if widget is self._more else bottom
                column_width = 0
                in_column = 0
            in_column += 1
            column_width = max(column_width, width)
            # What does not fit stays on screen (a card taller than the screen keeps its top
            # edge visible) and is reported, so that the oldest card collapses.
            fits = fits and x - width >= left and y - height >= top
            place_x = max(x - width, left)
            place_y = max(y - height, top)
            y -= height + self._spacing
            if widget.screen() is not screen:
                widget.setScreen(screen)
            if widget.x() != place_x or widget.y() != place_y:
                widget.move(place_x, place_y)
        return fits


def _missed_caller(card: Card) -> tuple[str, str] | None:
    """Whose missed calls share a card: a number's, withheld callers' of one name (a withheld
    number with a name is still someone the rep can tell apart), or one caller ID that is no
    number ("Reception", "sip:front-desk@pbx"), told apart as the history tells them
    (same_caller_key); None for a caller ID with nothing to tell it by."""
    return _caller_of(card.number, card.caller_id, withheld_by_name=True)


def _caller_of(
    number: CallerNumber, caller_id: str, *, withheld_by_name: bool = False
) -> tuple[str, str] | None:
    """Who a call is from: its number, a withheld caller (by the name the caller ID gave,
    when asked), or a caller ID that is no number (same_caller_key); None for nobody."""
    if number.e164:
        return ("number", number.e164)
    if number.withheld:
        return ("withheld", number.display_name if withheld_by_name else "")
    caller = same_caller_key(caller_id)
    return ("caller ID", caller) if caller else None


def _missed_label(call: _Call, card: Card) -> str:
    """A missed card waiting for room, as its card would say it: "Missed call 14:05 (2
    tries) · Mike Kowalski · +1 415-555-0142"."""
    today = datetime.now().astimezone().date()
    rang = clock_text(call.rang, today, hour_cycle()) if call.rang is not None else ""
    said = missed_when(rang, call.tries, withheld=card.number.withheld)
    number = card_number(card)
    headline = number if card.headline == card.display_number else card.headline
    parts = [f"Missed call {said}".strip(), headline]
    if number and number != headline:
        parts.append(number)
    return " · ".join(p for p in parts if p)


def _entry_label(call: _Call, card: Card) -> str:
    """Who, from which number, since when: enough to pick the call to bring up."""
    number = card_number(card)
    # Named by its number alone: the number as people write it, once.
    headline = number if card.headline == card.display_number else card.headline
    parts = [headline]
    if number and number != headline:
        parts.append(number)
    if call.rang is not None:
        parts.append(f"rang {clock_text(call.rang, call.rang.date(), hour_cycle())}")
    return " · ".join(parts)


def _names_only(card: Card, person: int | None) -> bool:
    """Whether the card names that contact and nobody else (a switchboard's 'Dana Whitfield or
    Raj Patel' is not settled by reaching one of them)."""
    return person is not None and [c.id for c in card.contacts] == [person]


def _rang_before(rang: datetime | None, moment: datetime) -> bool:
    return rang is None or rang < moment  # a card kept with no ring time: an earlier call

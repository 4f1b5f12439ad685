"""The Callbacks view's content, read from the store: the four sections of
core/callbacks.py, each entry with the other end's clock (core/business_hours.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from desktop.adapters.settings import Settings
from desktop.adapters.store import LoggedCall, Store
from desktop.core.business_hours import BusinessHours, TheirClock, their_clock
from desktop.core.callbacks import CallbackItem, callback_items, unknown_caller
from desktop.core.localtime import HourCycle
from desktop.core.models import Attempt, Contact, Direction
from desktop.core.put_off import put_off


@dataclass(frozen=True)
class CallbackEntry:
    item: CallbackItem
    clock: TheirClock


def business_hours(settings: Settings) -> BusinessHours:
    return BusinessHours(settings.business_start_hour, settings.business_end_hour,
                         settings.business_weekends)  # fmt: skip


def load_callbacks(
    store: Store, now: datetime, hours: BusinessHours, cycle: HourCycle
) -> list[CallbackEntry]:
    """``now`` aware, in the rep's zone (it words "today" and the windows)."""
    missed_calls = store.missed_not_returned(now)
    missed = _pairs(missed_calls)
    unknown = store.unknown_missed_not_returned(now)
    # The call back that rang out since each missed call, said beside it (keyed as
    # callback_items looks it up: a contact's id, or a number nobody has).
    whose: dict[int, int | str] = {c.id: c.contact.id for c in missed_calls
                                   if c.contact is not None}  # fmt: skip
    whose.update({u.id: who for u in unknown if (who := unknown_caller(u.attempt))})
    missed_unreached = {whose[mid]: tried
                        for mid, tried in store.unreached_after_missed(list(whose)).items()}
    # A promise whose contact has gone since waits under its number (contact None), keyed
    # by it as a number nobody has is.
    windows = [c for c in store.callback_windows(now)
               if c.contact is not None or c.attempt.number_e164]  # fmt: skip
    promises: dict[int, int | str] = {
        c.id: c.contact.id if c.contact is not None else c.attempt.number_e164 or ""
        for c in windows if c.attempt.direction is Direction.IN
    }  # fmt: skip
    unreached = {promises[pid]: tried
                 for pid, tried in store.unreached_since(list(promises)).items()}  # fmt: skip
    items = callback_items(
        missed,
        # A voicemail whose contact has gone since waits under its number (contact None).
        [(c.attempt, c.contact) for c in store.voicemails_awaiting(now)
         if c.contact is not None or c.attempt.number_e164],
        [(c.attempt, c.contact) for c in windows],
        now,
        cycle,
        [(u.attempt, u.tries) for u in unknown],
        store.missed_tries([c.id for _a, c in missed], now),
        _rang(store, now),
        unreached,
        missed_unreached,
    )
    items = put_off(items, store.put_off_until(now), now, cycle)
    return [
        CallbackEntry(item, their_clock(item.number, now, hours, cycle) if item.number
                      else TheirClock("", "", several_zones=False))
        for item in items
    ]  # fmt: skip


def count_due(store: Store, now: datetime) -> int:
    """What "Callbacks (N due)" counts: missed calls not returned (unknown numbers too),
    windows run out (the entries core/callbacks.py marks due), none put off."""
    return store.callbacks_due(now)


def _rang(store: Store, now: datetime) -> list[tuple[Attempt, Contact | None]]:
    """Calls that rang with no outcome reported (core/callbacks.py), with their contacts."""
    rang = store.rang_not_returned(now)
    ids = [cid for _a, cid in rang if cid is not None]
    contacts = {c.id: c for c in store.contacts_by_id(ids, attempts_limit=0)} if ids else {}
    # A contact deleted since is a number nobody has.
    return [(a, contacts.get(cid) if cid is not None else None) for a, cid in rang]


def _pairs(calls: list[LoggedCall]) -> list[tuple[Attempt, Contact]]:
    return [(call.attempt, call.contact) for call in calls if call.contact is not None]


def entry_json(entry: CallbackEntry) -> dict[str, Any]:
    item, attempt = entry.item, entry.item.attempt
    return {
        "section": item.section.value,
        "contact": {"id": item.contact.id, "name": item.contact.name,
                    "company": item.contact.company} if item.contact is not None else None,
        "caller_name": attempt.caller_name or None,  # the caller ID's, for a number nobody has
        # What to call them back on: a colleague's extension ("3103") when they have no
        # number, which log-call takes too; "extension" says it is one.
        "number": item.dial or None,
        "extension": item.extension or None,
        "call_at": attempt.at.isoformat(),
        "detail": item.detail,
        "due": item.due,
        "tries": item.tries,
        "message": attempt.message,
        "callback_from": attempt.callback_from.isoformat() if attempt.callback_from else None,
        "callback_until": attempt.callback_until.isoformat() if attempt.callback_until else None,
        "put_off_until": item.until.isoformat() if item.until else None,
        "put_off_from": item.put_off_from.value if item.put_off_from else None,
        "their_time": entry.clock.text or None,
        "their_time_warning": entry.clock.warning,
        "several_time_zones": entry.clock.several_zones,
    }  # fmt: skip

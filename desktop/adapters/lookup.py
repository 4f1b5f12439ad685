"""From a caller ID to a card: parse, look up, classify, fill. The one path every ring takes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from desktop.adapters.directories.mirror import contact_origins
from desktop.adapters.store import Store
from desktop.core.call_in_flight import is_ringing_call, without_ringing_call
from desktop.core.callbacks import promise_line
from desktop.core.candidates import (
    AREA_MESSAGE_DAYS,
    caller_name_words,
    plan_for,
    rank_candidates,
)
from desktop.core.card import Candidate, Card, MatchTier
from desktop.core.cnam import searchable_name
from desktop.core.internal_extension import internal_extension
from desktop.core.localtime import HourCycle, LocalTime, PlaceLookup, local_time_for
from desktop.core.matching import classify
from desktop.core.models import Attempt, Contact, StoredNumber
from desktop.core.numbers import CallerNumber, NumberPolicy, parse_number
from desktop.core.openers import opener_for, switchboard_opener
from desktop.core.search_query import parse_query
from desktop.core.sources import one_entry_per_person
from desktop.core.switchboard import rank_by_caller_name

CANDIDATE_ROWS = 12  # stored numbers read per prefix, and voicemails per area
CANDIDATE_ATTEMPTS = 5  # enough history to find the voicemail that explains a callback


class CallerLookup:
    def __init__(
        self,
        store: Store,
        policy: NumberPolicy,
        templates: Mapping[str, str],
        *,
        my_name: str = "",
        place_lookup: PlaceLookup | None = None,
        attempts_limit: int = 3,
        hour_cycle: HourCycle | None = None,
    ) -> None:
        self.store = store
        self.policy = policy
        self.templates = dict(templates)
        self.my_name = my_name
        self.place_lookup = place_lookup
        self.attempts_limit = attempts_limit
        self.hour_cycle = hour_cycle  # the desktop's clock; None: the home region's custom

    def parse(self, caller_id: str, display_name: str = "") -> CallerNumber:
        number = parse_number(caller_id, self.policy)
        if display_name and not number.display_name and not number.withheld:
            number = replace(number, display_name=display_name.strip())
        return number

    def card_for(
        self, caller_id: str, display_name: str = "", now: datetime | None = None,
        *, candidates: bool = True, ringing_at: datetime | None = None,
    ) -> Card:  # fmt: skip
        """`ringing_at`: the card of a call ringing since then (its first card, or one built
        again during the call), whose own row may be in the history already: it is no past
        attempt (core/call_in_flight.is_ringing_call)."""
        number = self.parse(caller_id, display_name)
        return self.card_for_number(
            caller_id, number, now, candidates=candidates, ringing_at=ringing_at
        )

    def card_for_number(
        self, caller_id: str, number: CallerNumber, now: datetime | None = None,
        *, candidates: bool = True, ringing_at: datetime | None = None,
    ) -> Card:  # fmt: skip
        """`candidates=False` leaves guesses for an unknown number out (they cost 1-2 ms at
        100k contacts), for a caller that paints first and adds them with `candidates_for`."""
        now = now or datetime.now(UTC)
        limit = self.attempts_limit
        rows = self.holders(number, limit + (ringing_at is not None))
        if ringing_at is not None:
            rows = [(without_ringing_call(c, ringing_at, limit), n) for c, n in rows]
        tier, contacts = classify(number, rows)
        if contacts:
            merged = one_entry_per_person(
                contacts, contact_origins(self.store, [c.id for c in contacts])
            )
            # Merging orders by recency again; the caller-ID name has the first word.
            contacts = rank_by_caller_name(merged, number.display_name)
        opener = (
            switchboard_opener(contacts, self.templates, now, self.my_name)
            if tier is MatchTier.SWITCHBOARD
            else opener_for(contacts[0] if contacts else None, self.templates, now, self.my_name)
        )
        local = (
            local_time_for(number.e164, now, self.policy.region, self.place_lookup,
                           hour_cycle=self.hour_cycle)
            if number.e164 and tier is not MatchTier.WITHHELD
            else LocalTime()
        )
        cycle = self.hour_cycle or "24h"  # the windows' hours as typed, unless told
        return Card(
            caller_id=caller_id,
            number=number,
            match=tier,
            contacts=contacts,
            candidates=(
                self.candidates_for(number, now)
                if candidates and tier is MatchTier.NONE
                else ()
            ),
            opener=opener.text,
            local_time=local,
            # In the rep's own zone: the window was typed in it, and "today" is theirs.
            promise=promise_line(
                contacts[0].attempts if contacts
                else self._unowned(number, ringing_at),
                now.astimezone(), cycle,
            ),
        )

    def _unowned(self, number: CallerNumber, ringing_at: datetime | None) -> tuple[Attempt, ...]:
        """A number nobody has: its past calls, where a promise made to a contact deleted
        since waits (Callbacks lists it under the number), for the card to say it as a
        contact's is said."""
        if not number.e164 or number.withheld:
            return ()
        limit = self.attempts_limit
        past = self.store.attempts_on_number(number.e164, limit + (ringing_at is not None))
        if ringing_at is not None:
            past = tuple(a for a in past if not is_ringing_call(a, ringing_at))
        return past[:limit]

    def holders(
        self, number: CallerNumber, attempts_limit: int
    ) -> list[tuple[Contact, StoredNumber]]:
        """The stored numbers a caller's is, with their contacts: by E.164, or for a caller ID
        that is an internal extension ("3103"), the numbers kept as that extension."""
        if number.withheld:
            return []
        if number.e164:
            return self.store.contacts_for_number(number.e164, attempts_limit)
        extension = internal_extension(number)
        return self.store.contacts_for_extension(extension, attempts_limit) if extension else []

    def local_time_now(self, number: CallerNumber, now: datetime | None = None) -> LocalTime:
        """The caller's clock as of `now`: a card stays up for the whole call, and a missed
        call's card for minutes more, so its time is brought up to date while shown."""
        if not number.e164 or number.withheld:
            return LocalTime()
        return local_time_for(number.e164, now or datetime.now(UTC), self.policy.region,
                              self.place_lookup, hour_cycle=self.hour_cycle)  # fmt: skip

    def candidates_for(
        self, number: CallerNumber, now: datetime, named: Sequence[str] = ()
    ) -> tuple[Candidate, ...]:
        """Ranked guesses for a number nobody has: a few index range scans (the number's
        prefixes, our recent voicemails in its area), then desktop.core.candidates ranks.
        `named` narrows to people with those words in their name, adding search hits. The
        caller ID's name, when it names someone, adds the people it names (a name search)."""
        plan = plan_for(number)
        # A colleague's extension ("3103") has no number to guess by, but the name they say
        # (or their caller ID gives) finds them, for the rep to link it or save them.
        if plan is None and not internal_extension(number):
            return ()
        place = (self.place_lookup(plan.e164) if plan is not None and self.place_lookup
                 and number.display_name else "")  # fmt: skip
        caller_name = searchable_name(number.display_name, place)
        said = caller_name_words(caller_name)
        ids: list[int] = []
        for prefix in plan.prefixes if plan is not None else ():
            ids += [cid for cid, _ in self.store.numbers_with_prefix(prefix, CANDIDATE_ROWS)]
        if plan is not None and plan.area_prefix:
            since = now - timedelta(days=AREA_MESSAGE_DAYS)
            ids += self.store.voicemails_in_area(plan.area_prefix, since, CANDIDATE_ROWS)
        words = [w for w in named if w.strip()]
        if words:
            ids += [h.contact.id for h in self.store.search(parse_query(" ".join(words)), now=now)]
        if said is not None:
            ids += self.store.ids_named(said.words, now, CANDIDATE_ROWS)
        contacts = self.store.contacts_by_id(list(dict.fromkeys(ids)), CANDIDATE_ATTEMPTS)
        return rank_candidates(number, contacts, now, named=words, caller_name=caller_name)

    def card_for_contact(self, contact_id: int, now: datetime | None = None) -> Card | None:
        """The card a call from this contact would show, for looking someone up by hand."""
        contact = self.store.contact(contact_id, self.attempts_limit)
        if contact is None:
            return None
        [contact] = one_entry_per_person([contact], contact_origins(self.store, [contact.id]))
        now = now or datetime.now(UTC)
        first = next((n for n in contact.numbers if n.e164), None)
        number = self.parse(first.e164 or "") if first else CallerNumber("", False, None)
        local = (
            local_time_for(number.e164, now, self.policy.region, self.place_lookup,
                           hour_cycle=self.hour_cycle)
            if number.e164
            else LocalTime()
        )
        return Card(
            caller_id=first.raw if first else "",
            number=number,
            match=MatchTier.EXACT if first else MatchTier.NONE,
            contacts=(contact,),
            candidates=(),
            opener=opener_for(contact, self.templates, now, self.my_name).text,
            local_time=local,
        )

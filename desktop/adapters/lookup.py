"""From a caller ID to a card: parse, look up, classify, fill. The one path every ring takes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime

from desktop.adapters.store import Store
from desktop.core.card import Card, MatchTier
from desktop.core.localtime import LocalTime, PlaceLookup, local_time_for
from desktop.core.matching import classify
from desktop.core.numbers import CallerNumber, NumberPolicy, parse_number
from desktop.core.openers import opener_for


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
    ) -> None:
        self.store = store
        self.policy = policy
        self.templates = dict(templates)
        self.my_name = my_name
        self.place_lookup = place_lookup
        self.attempts_limit = attempts_limit

    def parse(self, caller_id: str, display_name: str = "") -> CallerNumber:
        number = parse_number(caller_id, self.policy)
        if display_name and not number.display_name and not number.withheld:
            number = replace(number, display_name=display_name.strip())
        return number

    def card_for(
        self, caller_id: str, display_name: str = "", now: datetime | None = None
    ) -> Card:
        return self.card_for_number(caller_id, self.parse(caller_id, display_name), now)

    def card_for_number(
        self, caller_id: str, number: CallerNumber, now: datetime | None = None
    ) -> Card:
        now = now or datetime.now(UTC)
        rows = (
            self.store.contacts_for_number(number.e164, self.attempts_limit)
            if number.e164 and not number.withheld
            else []
        )
        tier, contacts = classify(number, rows)
        opener = opener_for(contacts[0] if contacts else None, self.templates, now, self.my_name)
        local = (
            local_time_for(number.e164, now, self.policy.region, self.place_lookup)
            if number.e164 and tier is not MatchTier.WITHHELD
            else LocalTime()
        )
        return Card(
            caller_id=caller_id,
            number=number,
            match=tier,
            contacts=contacts,
            candidates=(),
            opener=opener.text,
            local_time=local,
        )

    def card_for_contact(self, contact_id: int, now: datetime | None = None) -> Card | None:
        """The card a call from this contact would show, for looking someone up by hand."""
        contact = self.store.contact(contact_id, self.attempts_limit)
        if contact is None:
            return None
        now = now or datetime.now(UTC)
        first = next((n for n in contact.numbers if n.e164), None)
        number = self.parse(first.e164 or "") if first else CallerNumber("", False, None)
        local = (
            local_time_for(number.e164, now, self.policy.region, self.place_lookup)
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

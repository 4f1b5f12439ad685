"""Search as the rep reads it: one entry per person across the local book and the team
directories, as on the card (desktop.core.sources)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from desktop.adapters.directories.mirror import contact_origins
from desktop.adapters.store import SEARCH_LIMIT, Store
from desktop.core.search_query import SearchHit, SearchQuery
from desktop.core.sources import one_hit_per_person


def search_people(
    store: Store, query: SearchQuery, *, now: datetime | None = None, limit: int = SEARCH_LIMIT
) -> list[SearchHit]:
    hits = store.search(query, now=now, limit=limit)
    origins = contact_origins(store, [hit.contact.id for hit in hits])
    if not origins:  # no team directory among them: nothing to fold
        return hits
    by_id = {hit.contact.id: hit for hit in hits}
    people = one_hit_per_person([hit.contact for hit in hits], origins)
    return [replace(by_id[person.id], contact=person) for person in people]

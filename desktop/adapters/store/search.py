"""Search: full text and number fragments over the indexes of search_index.py.

Queries never use ORDER BY rank (bm25 over every match: 11 ms at 100k, 120+ ms at 1M): each
round takes a bounded, unordered slice of the matches, the recently contacted first, and
desktop.core.search_query ranks the few hundred rows that come back.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime

from desktop.adapters.store.callbacks import Callbacks
from desktop.adapters.store.connection import StoreError, describe
from desktop.core.models import Contact
from desktop.core.search_query import (
    SearchHit,
    SearchQuery,
    contains_fragments,
    digits_expression,
    facet_expression,
    filter_tokens,
    parse_query,
    passes_filters,
    rank,
    recency_tokens,
    text_expression,
)

log = logging.getLogger(__name__)


SEARCH_LIMIT = 30  # results shown
SEARCH_ATTEMPTS = 3  # attempts loaded per result, as on the card
SEARCH_ROUND_LIMIT = 40  # ids taken per round (recent, ever contacted, anyone)
SEARCH_POOL_LIMIT = 2000  # ids intersected with the awaiting-callback set
SEARCH_DIGIT_CAP = 1000  # matching numbers considered per digit query
RECENT_DAYS = 30


class Search(Callbacks):
    def search(
        self, query: SearchQuery, *, now: datetime | None = None, limit: int = SEARCH_LIMIT
    ) -> list[SearchHit]:
        """Ranked contacts for a parsed query; [] for anything unsearchable. Never raises on
        what was typed: a query the index still refuses counts as no match."""
        if not query.searchable:
            return []
        now = now or datetime.now(UTC)
        try:
            ids = self._search_ids(query, now)
            contacts = [
                c for c in self.contacts_by_id(ids, attempts_limit=0)
                if passes_filters(c, query.filters, now)
                and contains_fragments(c, query.fragments)
            ]  # fmt: skip
            hits = rank(query, contacts, now)[:limit]
            attempts = self._recent_attempts([h.contact.id for h in hits], SEARCH_ATTEMPTS)
            return [
                SearchHit(
                    replace(h.contact, attempts=attempts.get(h.contact.id, ())),
                    h.score,
                    h.matched_in,
                )
                for h in hits
            ]
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError) and _is_query_error(exc):
                log.info("search for %r: the index refused it (%s)", query.text[:80], exc)
                return []
            raise StoreError(f"{self.path}: {describe(exc)}") from exc

    def search_simple(self, text: str, limit: int = SEARCH_LIMIT) -> list[Contact]:
        """`search` for plain typed text."""
        return [hit.contact for hit in self.search(parse_query(text), limit=limit)]

    def _search_ids(self, query: SearchQuery, now: datetime) -> list[int]:
        """Candidate contact ids, a hundred or so. A query matching more people than one slice
        holds (unordered, newest rows first) takes a second slice of those called in the last
        RECENT_DAYS, so a huge match set still yields the people a callback comes from. (Each
        slice of a prefix longer than the prefix indexes re-merges every word it expands to,
        so rounds are kept few.)"""
        filters = query.filters
        parts = [text_expression(query.terms)] if query.terms else []
        parts += [facet_expression(group) for group in filter_tokens(filters, now)]
        waiting = self._awaiting(now) if filters.awaiting_callback else None
        if waiting is not None and not parts and not query.fragments:
            return waiting[0][:SEARCH_ROUND_LIMIT]
        ids: list[int] = []
        if query.terms or (parts and not query.fragments):
            if waiting is not None:
                # The awaiting list sets the order; take a wide slice to intersect with it.
                ids += self._fts_ids(" AND ".join(parts), SEARCH_POOL_LIMIT)
            elif filters.days is not None:  # already a recency window
                ids += self._fts_ids(" AND ".join(parts), SEARCH_ROUND_LIMIT)
            else:
                everyone = self._fts_ids(" AND ".join(parts), SEARCH_ROUND_LIMIT)
                if len(everyone) == SEARCH_ROUND_LIMIT:  # only a slice: fetch the recent too
                    recent = facet_expression(recency_tokens(now, RECENT_DAYS))
                    ids += self._fts_ids(" AND ".join([*parts, recent]), SEARCH_ROUND_LIMIT)
                ids += everyone
        if query.fragments:
            # With words too, the rounds above are checked for the digits after loading;
            # this adds matches of both that the rounds' slices missed.
            ids += self._number_ids(query, parts)
        ids = list(dict.fromkeys(ids))
        if waiting is not None:
            order = waiting[1]
            ids = sorted((i for i in ids if i in order), key=order.__getitem__)
            ids = ids[:SEARCH_ROUND_LIMIT]
        return ids

    def _fts_ids(self, expression: str, limit: int) -> list[int]:
        return [
            r[0]
            for r in self._conn.execute(
                "SELECT rowid FROM contact_search WHERE contact_search MATCH ? "
                "ORDER BY rowid DESC LIMIT ?",
                (expression, limit),
            )
        ]

    def _number_ids(self, query: SearchQuery, parts: Sequence[str]) -> list[int]:
        digits = digits_expression(query.fragments)
        if parts:
            # Words and digits ("mike 415"): the words' matches among the owners of matching
            # numbers. "+rowid" keeps SQLite from running the word query once per owner; the
            # digit side is capped so a common fragment cannot stall a keystroke.
            return [
                r[0]
                for r in self._conn.execute(
                    "SELECT rowid FROM contact_search WHERE contact_search MATCH ? "
                    "AND +rowid IN (SELECT p.contact_id FROM phone_numbers p WHERE p.id IN "
                    "  (SELECT rowid FROM number_search WHERE number_search MATCH ? "
                    "   ORDER BY rowid DESC LIMIT ?)) "
                    "ORDER BY rowid DESC LIMIT ?",
                    (" AND ".join(parts), digits, SEARCH_DIGIT_CAP, SEARCH_ROUND_LIMIT),
                )
            ]
        # Digits alone: owners of matching numbers, the recently contacted first, among a
        # capped slice of the matches (a 3-digit fragment can match a tenth of the book).
        return [
            r[0]
            for r in self._conn.execute(
                "SELECT p.contact_id FROM (SELECT rowid AS number_id FROM number_search "
                "  WHERE number_search MATCH ? ORDER BY rowid DESC LIMIT ?) m "
                "JOIN phone_numbers p ON p.id = m.number_id "
                "JOIN contacts c ON c.id = p.contact_id "
                "ORDER BY c.last_contacted_at IS NULL, c.last_contacted_at DESC, m.number_id DESC "
                "LIMIT ?",
                (digits, SEARCH_DIGIT_CAP, SEARCH_ROUND_LIMIT * 2),
            )
        ]


def _is_query_error(exc: sqlite3.OperationalError) -> bool:
    """FTS5 refusing a query (as opposed to the database failing)."""
    text = str(exc)
    return text.startswith("fts5:") or "malformed MATCH" in text

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
from desktop.core.given_names import equivalent_names
from desktop.core.internal_extension import extension_digits
from desktop.core.models import Contact
from desktop.core.search_query import (
    SearchHit,
    SearchQuery,
    called_since,
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
# "Called in the last N days": any call with them since a moment, missed and unanswered ones too
# (contact_search's facets only know the last time we were in contact). One seek in
# attempts_contact_at per row the index hands back: 'mi' + 30 days takes 0.1 ms at 100k
# contacts where gathering the window's calls first (20,000 rows) took 17 ms.
_CALLED_SINCE = "EXISTS (SELECT 1 FROM attempts WHERE contact_id = {id} AND at >= ?)"
_CALLED_SINCE_ROW = _CALLED_SINCE.format(id="contact_search.rowid")


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
                and contains_fragments(c, query.fragment_forms())
            ]  # fmt: skip
            hits = rank(query, contacts, now)[:limit]
            attempts = self._recent_attempts([h.contact.id for h in hits], SEARCH_ATTEMPTS)
            return [
                SearchHit(
                    replace(h.contact, attempts=attempts.get(h.contact.id, ())),
                    h.score,
                    h.matched_in,
                    h.tier,
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

    def ids_named(self, words: Sequence[str], now: datetime, limit: int) -> list[int]:
        """Up to 2 x `limit` people whose name or company has `words` (folded, as
        search_query.words gives them; the last may be cut short, as a carrier cuts a caller-ID
        name at 15 characters), unranked: who a caller-ID name may mean. Two bounded slices,
        the recently contacted then the newest rows, where `search` loads and ranks a hundred
        to show (7 ms at 100k contacts; this is 2 ms for a name 300 people share)."""
        if not words or not all(w.isalnum() for w in words):
            return []
        *whole, last = words
        terms = " AND ".join([*(_or_given_names(f'"{w}"', w) for w in whole),
                              _or_given_names(f'"{last}"*', last)])  # fmt: skip
        named = f"{{name company}} : ({terms})"
        recent = facet_expression(recency_tokens(now, RECENT_DAYS))
        try:
            ids = self._fts_ids(f"{named} AND {recent}", limit)
            return list(dict.fromkeys(ids + self._fts_ids(named, limit)))
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError) and _is_query_error(exc):
                return []
            raise StoreError(f"{self.path}: {describe(exc)}") from exc

    def _search_ids(self, query: SearchQuery, now: datetime) -> list[int]:
        """Candidate contact ids, a hundred or so. A query matching more people than one slice
        holds (unordered, newest rows first) takes a second slice of those called in the last
        RECENT_DAYS, so a huge match set still yields the people a callback comes from. (Each
        slice of a prefix longer than the prefix indexes re-merges every word it expands to,
        so rounds are kept few.)"""
        filters = query.filters
        parts = [text_expression(query.terms)] if query.terms else []
        parts += [facet_expression(group) for group in filter_tokens(filters, now)]
        since_at = called_since(filters, now)
        since = int(since_at.timestamp()) if since_at is not None else None
        waiting = self._awaiting(now) if filters.awaiting_callback else None
        if waiting is not None and not parts and not query.fragments and since is None:
            return waiting[0][:SEARCH_ROUND_LIMIT]
        ids: list[int] = []
        if query.terms or (parts and not query.fragments):
            if waiting is not None:
                # The awaiting list sets the order; take a wide slice to intersect with it.
                ids += self._fts_ids(" AND ".join(parts), SEARCH_POOL_LIMIT, since)
            elif since is not None:  # already a recency window
                ids += self._fts_ids(" AND ".join(parts), SEARCH_ROUND_LIMIT, since)
            else:
                everyone = self._fts_ids(" AND ".join(parts), SEARCH_ROUND_LIMIT)
                if len(everyone) == SEARCH_ROUND_LIMIT:  # only a slice: fetch the recent too
                    recent = facet_expression(recency_tokens(now, RECENT_DAYS))
                    ids += self._fts_ids(" AND ".join([*parts, recent]), SEARCH_ROUND_LIMIT)
                ids += everyone
        elif since is not None and not query.fragments:  # "called in the last N days" alone
            limit = SEARCH_POOL_LIMIT if waiting is not None else SEARCH_ROUND_LIMIT
            ids += self._called_ids(since, limit)
        if query.fragments:
            if not parts and since is None:
                ids += self._extension_ids(query)
            # With words too, the rounds above are checked for the digits after loading;
            # this adds matches of both that the rounds' slices missed.
            ids += self._number_ids(query, parts, since)
        ids = list(dict.fromkeys(ids))
        if waiting is not None:
            order = waiting[1]
            ids = sorted((i for i in ids if i in order), key=order.__getitem__)
            ids = ids[:SEARCH_ROUND_LIMIT]
        return ids

    def _fts_ids(self, expression: str, limit: int, since: int | None = None) -> list[int]:
        """Matches of `expression`, the newest rows first; with `since`, only people with a
        call at or after it."""
        called = f" AND {_CALLED_SINCE_ROW}" if since is not None else ""
        return [
            r[0]
            for r in self._conn.execute(
                "SELECT rowid FROM contact_search WHERE contact_search MATCH ?"  # noqa: S608
                f"{called} ORDER BY rowid DESC LIMIT ?",
                (expression, *([since] if since is not None else []), limit),
            )
        ]

    def _called_ids(self, since: int, limit: int) -> list[int]:
        """The people with a call at or after `since`, the latest call first: the window's
        calls newest first (attempts_at), read only until `limit` people are found."""
        ids: dict[int, None] = {}
        for (cid,) in self._conn.execute(
            "SELECT contact_id FROM attempts WHERE at >= ? AND contact_id IS NOT NULL "
            "ORDER BY at DESC",
            (since,),
        ):
            ids[int(cid)] = None
            if len(ids) >= limit:
                break
        return list(ids)

    def _extension_ids(self, query: SearchQuery) -> list[int]:
        """The colleagues whose internal extension is the digits typed ("3103"), whatever the
        digit round holds: in a large book, more outside numbers hold 3103 than it takes
        (capped, the recently called first), and the colleague was left out. One seek in
        schema 20's index phone_numbers_internal."""
        if len(query.fragments) != 1:
            return []
        [digits] = query.fragments
        if extension_digits(digits) != digits:
            return []
        return [
            r[0]
            for r in self._conn.execute(
                "SELECT contact_id FROM phone_numbers WHERE e164 IS NULL AND extension = ? "
                "AND extension <> '' LIMIT ?",
                (digits, SEARCH_ROUND_LIMIT),
            )
        ]

    def _number_ids(self, query: SearchQuery, parts: Sequence[str], since: int | None) -> list[int]:
        digits = digits_expression(query.fragment_forms())
        window = [since] if since is not None else []
        if parts:
            # Words and digits ("mike 415"): the words' matches among the owners of matching
            # numbers. "+rowid" keeps SQLite from running the word query once per owner; the
            # digit side is capped so a common fragment cannot stall a keystroke.
            called = f"AND {_CALLED_SINCE_ROW} " if since is not None else ""
            return [
                r[0]
                for r in self._conn.execute(
                    "SELECT rowid FROM contact_search WHERE contact_search MATCH ? "  # noqa: S608
                    "AND +rowid IN (SELECT p.contact_id FROM phone_numbers p WHERE p.id IN "
                    "  (SELECT rowid FROM number_search WHERE number_search MATCH ? "
                    f"   ORDER BY rowid DESC LIMIT ?)) {called}"
                    "ORDER BY rowid DESC LIMIT ?",
                    (" AND ".join(parts), digits, SEARCH_DIGIT_CAP, *window, SEARCH_ROUND_LIMIT),
                )
            ]
        # Digits alone: owners of matching numbers, the recently contacted first, among a
        # capped slice of the matches (a 3-digit fragment can match a tenth of the book).
        called = f"WHERE {_CALLED_SINCE.format(id='p.contact_id')} " if since is not None else ""
        return [
            r[0]
            for r in self._conn.execute(
                "SELECT p.contact_id FROM (SELECT rowid AS number_id FROM number_search "  # noqa: S608
                "  WHERE number_search MATCH ? ORDER BY rowid DESC LIMIT ?) m "
                "JOIN phone_numbers p ON p.id = m.number_id "
                f"JOIN contacts c ON c.id = p.contact_id {called}"
                "ORDER BY c.last_contacted_at IS NULL, c.last_contacted_at DESC, m.number_id DESC "
                "LIMIT ?",
                (digits, SEARCH_DIGIT_CAP, *window, SEARCH_ROUND_LIMIT * 2),
            )
        ]


def _or_given_names(term: str, word: str) -> str:
    """`term`, or any other form of the given name `word` as a whole word in the name: a caller
    ID's "MIKE" may be the book's Michael."""
    others = equivalent_names(word)
    if not others:
        return term
    return f"({term} OR {{name}} : (" + " OR ".join(f'"{n}"' for n in others) + "))"


def _is_query_error(exc: sqlite3.OperationalError) -> bool:
    """FTS5 refusing a query (as opposed to the database failing)."""
    text = str(exc)
    return text.startswith("fts5:") or "malformed MATCH" in text

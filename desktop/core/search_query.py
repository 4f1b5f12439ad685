"""What a person typed into a search box, made safe for SQLite FTS5, and how results rank.

Search-as-you-type has to survive whatever is typed or pasted: FTS5 syntax (`"`, `*`, `-`,
`NEAR`, `)`), a 10,000-character paste, emoji, right-to-left text. So user text never reaches
FTS5 as syntax: it is cut into words the way FTS5's unicode61 tokenizer cuts it (letters,
digits and private-use characters form words, everything else separates them), and each word
becomes a quoted prefix term `"mik"*`. Inside quotes NEAR, AND, OR and NOT are plain words.

Runs of digits are number fragments, not words: "0142", "(415) 555" and "+44 20" search the
phone numbers (digits separated only by phone punctuation join into one fragment). A fragment
needs 3 digits, the shortest run the trigram number index can look up. A fragment typed with
the home country's trunk prefix ("0171" in Germany) is looked for in E.164 too ("49171"),
either form matching (with_home_trunk).

Ranking happens here, over the few hundred rows the index hands back unordered: FTS5's bm25
`ORDER BY rank` scores every match and costs 11 ms at 100k contacts and 120-180 ms at 1M
(perf-limits.md section 3), too slow for a keystroke. A contact scores for the field each
word matched (name above company above notes), for where a digit fragment sits in a number
(the last digits and the area code above the middle), and for how recently we contacted them.
Scores order people within a tier, and the tiers come first: words found as typed in who
someone is (name, company, title, e-mail), then words found only as another form of a given
name ("mike" finding Michael, given_names.py), then words found only in what the rep wrote
about them (notes, reason, next step, referred by). A recent call lifts a person within their
tier and never above it: "mike" lists every Mike and Michael before Dana, whose note says
"Mike K", however recently we spoke to her.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from desktop.core.card import contact_json
from desktop.core.given_names import equivalent_names, given_name, same_given_name
from desktop.core.internal_extension import extension_digits
from desktop.core.models import Contact

MAX_QUERY_CHARS = 256  # a paste longer than this is cut; nobody types more
MAX_TERMS = 8
MAX_TERM_CHARS = 64
MAX_FRAGMENTS = 3
MIN_FRAGMENT_DIGITS = 3  # the trigram index cannot look up less
MAX_WINDOW_DAYS = 36_500  # a century: every call a book holds
DAY_TOKEN_LIMIT = 62  # windows up to this many days use day tokens, longer ones month tokens
RECENCY_HALF_LIFE_DAYS = 30.0
RECENCY_WEIGHT = 8.0

# The FTS5 columns people's words are matched in; `facets` holds tokens only the app writes.
TEXT_COLUMNS = ("name", "company", "title", "email", "notes", "reason", "referred_by",
                "next_step")  # fmt: skip
FIELD_WEIGHTS = {
    "name": 10.0,
    "company": 6.0,
    "title": 4.0,
    "email": 4.0,
    "referred_by": 3.0,
    "reason": 2.0,
    "next_step": 2.0,
    "notes": 2.0,
}
WHOLE_WORD_BONUS = 4.0  # "mike" typed in full beats "mike" as the start of "mikela"
# The fields that say who someone is; the rest are what the rep wrote about them.
WHO_COLUMNS = frozenset({"name", "company", "title", "email"})
# Tiers, best first (SearchHit.tier).
TIER_AS_TYPED = 0  # every word in who they are, spelled as typed (or a prefix of it)
TIER_GIVEN_NAME = 1  # some word only as another form of their given name ("mike": Michael)
TIER_NOTES = 2  # some word only in what the rep wrote about them
TIER_UNEXPLAINED = 3
# A word the index matched only as another form of a name's word that is not the given name
# ("mike" and Tom Michael, whose surname it is): the index cannot tell a given name from a
# surname, so `rank` leaves these out.
TIER_NOT_THEIR_NAME = 4
# The index matched, but this module's reading of the words did not (tokenizer corner cases):
# still a result, ranked below every explained one.
UNEXPLAINED_MATCH = 0.5
# Where a digit fragment sits in a stored number.
SUFFIX_WEIGHT = 6.0  # "0142": the last digits, the way people quote a number
LEADING_WEIGHT = 5.0  # "415": the area code, right after the country code
INSIDE_WEIGHT = 3.0
# "3103" is the whole of a colleague's internal extension: them, before the outside numbers
# that end in 3103 (desktop.core.internal_extension).
EXTENSION_WEIGHT = 7.0

# Characters that may sit between the digit groups of one number: "(415) 555-0142".
_NUMBER_PUNCTUATION = frozenset(" -.()/+\u00a0\u2010\u2011\u2012\u2013\u2212")


@dataclass(frozen=True)
class SearchFilters:
    days: int | None = None  # called (either way) in the last N days
    awaiting_callback: bool = False  # we left a message and they have not called back
    has_referral: bool = False

    @property
    def active(self) -> bool:
        return self.days is not None or self.awaiting_callback or self.has_referral


@dataclass(frozen=True)
class SearchQuery:
    text: str  # as typed (cut to MAX_QUERY_CHARS)
    terms: tuple[str, ...] = ()  # words, each searched as a prefix
    fragments: tuple[str, ...] = ()  # ASCII digit runs of at least MIN_FRAGMENT_DIGITS
    short_fragments: tuple[str, ...] = ()  # digit runs too short to look up
    filters: SearchFilters = field(default_factory=SearchFilters)
    # Each fragment in E.164 digits where it was written the home country's way ("0171" in
    # Germany is "49171"), "" where not: beside `fragments`, set by with_home_trunk.
    international: tuple[str, ...] = ()

    def fragment_forms(self) -> tuple[tuple[str, ...], ...]:
        """Each fragment with the other way a stored number may hold it: any one matches."""
        other = self.international or ("",) * len(self.fragments)
        return tuple((f, i) if i else (f,) for f, i in zip(self.fragments, other, strict=True))

    @property
    def searchable(self) -> bool:
        """Whether there is anything to look up at all."""
        return bool(self.terms or self.fragments or self.filters.active)


@dataclass(frozen=True)
class SearchHit:
    contact: Contact
    score: float
    matched_in: tuple[str, ...]  # field names the words matched, plus "number"
    tier: int = TIER_AS_TYPED  # how the words matched, best first (TIER_*): ranks before score


def parse_query(text: str, filters: SearchFilters | None = None) -> SearchQuery:
    """Split typed text into prefix words and number fragments. Never raises."""
    text = text[:MAX_QUERY_CHARS]
    typed = text
    if (extension := extension_digits(text)) and not text.strip().isdigit():
        # "x3103", "Ext. 3103": an extension as the contact view writes it, looked for by its
        # digits ("x3103" as a word found nobody).
        text = extension
    terms: list[str] = []
    digit_runs: list[str] = []
    pending_digits = ""  # digit groups of one number seen so far: "(415) 555" -> "415555"
    for word, is_digits, gap in _words(unicodedata.normalize("NFKC", text)):
        if is_digits:
            if pending_digits and all(ch in _NUMBER_PUNCTUATION for ch in gap):
                pending_digits += word
            else:
                if pending_digits:
                    digit_runs.append(pending_digits)
                pending_digits = word
            continue
        if pending_digits:
            digit_runs.append(pending_digits)
            pending_digits = ""
        if len(terms) < MAX_TERMS:
            term = word[:MAX_TERM_CHARS]
            if term not in terms:
                terms.append(term)
    if pending_digits:
        digit_runs.append(pending_digits)
    fragments = [d for d in dict.fromkeys(digit_runs) if len(d) >= MIN_FRAGMENT_DIGITS]
    short = [d for d in dict.fromkeys(digit_runs) if len(d) < MIN_FRAGMENT_DIGITS]
    return SearchQuery(
        text=typed,
        terms=tuple(terms),
        fragments=tuple(f[:MAX_TERM_CHARS] for f in fragments[:MAX_FRAGMENTS]),
        short_fragments=tuple(short),
        filters=filters or SearchFilters(),
    )


def _words(text: str) -> Iterable[tuple[str, bool, str]]:
    """(word, all decimal digits?, separators before it), in the way unicode61 cuts words."""
    word: list[str] = []
    gap: list[str] = []
    for ch in text:
        if _is_word_char(ch):
            word.append(ch)
            continue
        if word:
            yield _word(word, "".join(gap))
            word = []
            gap = []
        gap.append(ch)
    if word:
        yield _word(word, "".join(gap))


def _word(chars: list[str], gap: str) -> tuple[str, bool, str]:
    if all(ch.isdecimal() for ch in chars):
        # Arabic-Indic or full-width digits spell the same number as ASCII ones.
        return "".join(str(unicodedata.decimal(ch)) for ch in chars), True, gap
    return "".join(chars), False, gap


def _is_word_char(ch: str) -> bool:
    category = unicodedata.category(ch)
    return category[0] in "LN" or category == "Co"


# -- FTS5 expressions -----------------------------------------------------------------------


# Letters the index's unicode61 tokenizer keeps as they are, because Unicode gives them no
# base letter to fall back to: "Søren" is no "soren" to it, nor "Łukasz" a "lukasz". People
# type names without them, so the index holds them spelled out (store/schema.py migration 5) and
# a query's words are spelled out the same way. ß too: casefold spells it "ss", unicode61 not.
SPELLED_OUT = {
    "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ß": "ss", "ẞ": "SS",
    "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "TH",
    "ı": "i", "ħ": "h", "Ħ": "H", "ŧ": "t", "Ŧ": "T",
}  # fmt: skip
_SPELL_OUT = str.maketrans(SPELLED_OUT)


def _quoted(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def text_expression(terms: Sequence[str]) -> str:
    """Every word as a prefix, all required, in the text columns only; a given name also as
    any of its other forms, whole words in the name ("mike": Michael, not Michaela, nor a
    company called Michael's)."""
    joined = " AND ".join(_term_expression(t) for t in terms)
    return "{" + " ".join(TEXT_COLUMNS) + "} : (" + joined + ")"


def _term_expression(term: str) -> str:
    typed = f"{_quoted(term.translate(_SPELL_OUT))}*"
    others = equivalent_names(fold(term))
    if not others:
        return typed
    return f"({typed} OR {{name}} : (" + " OR ".join(_quoted(n) for n in others) + "))"


def with_home_trunk(query: SearchQuery, trunk: str, country_code: str) -> SearchQuery:
    """`query` with its fragments that start with the home country's trunk prefix ("0" in
    Germany and Britain) also read in E.164: a German rep types Lena's mobile as "0171",
    and a number stored from "+49 171 2345678" holds "49171", never "0171" (used as a rep,
    "0171" found nobody). The fragment as typed is still looked for too: it may be digits
    inside a number, not its start."""
    if not trunk or not country_code:
        return query
    international = tuple(
        country_code + f[len(trunk):]
        if f.startswith(trunk) and not f.startswith(trunk * 2) and len(f) > len(trunk) + 1
        else ""
        for f in query.fragments
    )
    international = tuple(i if i not in query.fragments else "" for i in international)
    return replace(query, international=international) if any(international) else query


def _forms(fragment: str | Sequence[str]) -> tuple[str, ...]:
    return (fragment,) if isinstance(fragment, str) else tuple(fragment)


def digits_expression(fragments: Sequence[str | Sequence[str]]) -> str:
    """Each fragment (or any of its forms) as a substring of one stored number (trigram
    index)."""
    groups = [" OR ".join(_quoted(f) for f in _forms(each)) for each in fragments]
    return " AND ".join(g if " OR " not in g else f"({g})" for g in groups)


def facet_expression(tokens: Sequence[str]) -> str:
    """Any of the facet tokens (they are the app's own: letters and digits only)."""
    return "{facets} : (" + " OR ".join(tokens) + ")"


def recency_tokens(now: datetime, days: int) -> tuple[str, ...]:
    """Facet tokens covering the last `days` days (UTC, as the index writes them): one per
    day for short windows, one per month beyond DAY_TOKEN_LIMIT days. A superset of the
    window; the exact cut is made on the loaded contacts."""
    now = now.astimezone(UTC)
    days = max(1, days)  # today from local midnight may start on yesterday's UTC date
    if days <= DAY_TOKEN_LIMIT:
        return tuple(f"d{(now - timedelta(days=d)):%Y%m%d}" for d in range(days + 1))
    start = now - timedelta(days=days)
    months = []
    year, month = start.year, start.month
    while (year, month) <= (now.year, now.month):
        months.append(f"m{year:04d}{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return tuple(months)


def filter_tokens(filters: SearchFilters, now: datetime) -> list[tuple[str, ...]]:
    """The facet token groups every result must have one of (each group ANDed). "Called in
    the last N days" has none: the facets know when we were last in contact, and an
    unanswered or missed call is a call too (the store asks the call history, called_since)."""
    groups: list[tuple[str, ...]] = []
    if filters.has_referral:
        groups.append(("referral",))
    return groups


def called_since(filters: SearchFilters, now: datetime) -> datetime | None:
    """Where "called in the last N days" starts: any call with the person at or after it, in
    either direction, answered or not. None without that filter."""
    return None if filters.days is None else days_before(now, filters.days)


def days_before(now: datetime, days: int) -> datetime:
    """`days` days before `now`; 0 is today, from the rep's own midnight (`--days 0` found
    nothing at all: the last 0 days). A window longer than MAX_WINDOW_DAYS (`--days 99999999`,
    which ran past the year 1) is every call there is."""
    if days <= 0:
        return now.astimezone().replace(hour=0, minute=0, second=0, microsecond=0)
    return now - timedelta(days=min(days, MAX_WINDOW_DAYS))


def passes_filters(contact: Contact, filters: SearchFilters, now: datetime) -> bool:
    """The exact test behind the coarse facet tokens (awaiting_callback and the days called
    need the call history and are checked by the store)."""
    return not (filters.has_referral and not contact.referred_by.strip())


# -- ranking --------------------------------------------------------------------------------


def fold(text: str) -> str:
    """Case and accents folded the way the index folds them ("José" -> "jose")."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFKC", stripped).casefold().translate(_SPELL_OUT)


# Words as unicode61 cuts them, near enough for scoring: runs of letters and digits.
_WORD = re.compile(r"[^\W_]+")


def words(text: str) -> list[str]:
    """The folded words of `text`."""
    return _WORD.findall(fold(text))


def number_digits(contact: Contact) -> list[str]:
    """Each stored number's digits: E.164 without "+", and as written when that differs."""
    out = []
    for number in contact.numbers:
        if number.e164:
            out.append(number.e164.lstrip("+"))
        written = "".join(ch for ch in number.raw if ch.isascii() and ch.isdigit())
        if written and not any(written in d for d in out):
            out.append(written)
    return out


def recency_score(contact: Contact, now: datetime) -> float:
    if contact.last_contacted is None:
        return 0.0
    age_days = max(0.0, (now - contact.last_contacted).total_seconds() / 86400)
    return RECENCY_WEIGHT * math.pow(0.5, age_days / RECENCY_HALF_LIFE_DAYS)


def contains_fragments(contact: Contact, fragments: Sequence[str | Sequence[str]]) -> bool:
    """Whether one of the contact's numbers holds each digit fragment (one of its forms)."""
    if not fragments:
        return True
    numbers = number_digits(contact)
    return all(any(f in digits for f in _forms(each) for digits in numbers)
               for each in fragments)  # fmt: skip


def score(query: SearchQuery, contact: Contact, now: datetime,
          folded_terms: Sequence[str] | None = None) -> SearchHit:  # fmt: skip
    """How well `contact` answers `query`; `folded_terms` saves folding the terms per row."""
    terms = folded_terms if folded_terms is not None else [fold(t) for t in query.terms]
    total = 0.0
    matched: list[str] = []
    # Per word, its best match: the lowest tier, then the most points within it.
    best = dict.fromkeys(terms, (TIER_UNEXPLAINED, 0.0))
    where = dict.fromkeys(terms, "")
    given = [t for t in terms if equivalent_names(t)]
    for name in TEXT_COLUMNS:
        value = getattr(contact, name)
        if not value:
            continue
        folded = fold(value)
        present = [t for t in terms if t in folded]  # cheap test before cutting words
        others = given if name == "name" else []
        if not present and not others:
            continue
        words = _WORD.findall(folded)
        weight = FIELD_WEIGHTS[name]
        tier = TIER_AS_TYPED if name in WHO_COLUMNS else TIER_NOTES
        for term in present:
            for word in words:
                if word.startswith(term):
                    here = (tier, weight + (WHOLE_WORD_BONUS if word == term else 0.0))
                    if _better(here, best[term]):
                        best[term], where[term] = here, name
        first = given_name(folded) if others else ""
        for term in others:
            if same_given_name(term, first):
                here = (TIER_GIVEN_NAME, weight)
            elif not where[term] and any(same_given_name(term, word) for word in words):
                # Why the index matched, unless a later field explains it better (the notes).
                best[term], where[term] = (TIER_NOT_THEIR_NAME, 0.0), name
                continue
            else:
                continue
            if _better(here, best[term]):
                best[term], where[term] = here, name
    tier = TIER_AS_TYPED
    for term in terms:
        term_tier, points = best[term]
        if term_tier == TIER_NOT_THEIR_NAME:
            return SearchHit(contact, 0.0, (), TIER_NOT_THEIR_NAME)
        total += points if where[term] else UNEXPLAINED_MATCH
        tier = max(tier, term_tier)
        if where[term] and where[term] not in matched:
            matched.append(where[term])
    if query.fragments:
        numbers = number_digits(contact)
        extensions = {n.extension for n in contact.numbers if n.is_internal}
        for forms in query.fragment_forms():
            points = EXTENSION_WEIGHT if extensions.intersection(forms) else 0.0
            for fragment, digits in ((f, d) for f in forms for d in numbers):
                position = digits.find(fragment)
                if position < 0:
                    continue
                if digits.endswith(fragment):
                    points = max(points, SUFFIX_WEIGHT)
                elif position <= 3:
                    points = max(points, LEADING_WEIGHT)
                else:
                    points = max(points, INSIDE_WEIGHT)
            total += points if points else UNEXPLAINED_MATCH
        matched.append("number")
    total += recency_score(contact, now)
    return SearchHit(contact, total, tuple(matched), tier)


def _better(match: tuple[int, float], than: tuple[int, float]) -> bool:
    return match[0] < than[0] or (match[0] == than[0] and match[1] > than[1])


def rank(query: SearchQuery, contacts: Iterable[Contact], now: datetime) -> list[SearchHit]:
    """Best first: tier, score, then the most recently contacted, then name, then id
    (stable)."""
    terms = [fold(t) for t in query.terms]
    hits = [hit for hit in (score(query, c, now, terms) for c in contacts)
            if hit.tier != TIER_NOT_THEIR_NAME]  # fmt: skip
    epoch = datetime.min.replace(tzinfo=UTC)
    hits.sort(
        key=lambda h: (
            h.tier,
            -h.score,
            -(h.contact.last_contacted or epoch).timestamp(),
            fold(h.contact.name or h.contact.company),
            h.contact.id,
        )
    )
    return hits


def hit_json(hit: SearchHit) -> dict[str, Any]:
    """A result with the fields `lookup --json` gives each contact, plus how it ranked."""
    return {**contact_json(hit.contact), "score": round(hit.score, 2),
            "matched_in": list(hit.matched_in)}  # fmt: skip

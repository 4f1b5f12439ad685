"""Whether two names in an import can be one person: the names compared word by word, with
case and accents folded as search folds them."""

from __future__ import annotations

import re
import unicodedata

from desktop.core.search_query import SPELLED_OUT


def names_agree(a: str, b: str) -> bool:
    """Whether two names can be one person: one is missing, or one's words are all in the
    other ("Maya" and "Maya Okafor"), ignoring case and accents."""
    return words_agree(name_words(a), name_words(b))


def words_agree(a: frozenset[str], b: frozenset[str]) -> bool:
    """`names_agree` for names already split with `name_words`."""
    return not a or not b or a <= b or b <= a


def name_words(name: str) -> frozenset[str]:
    """A name's words, case and accents folded ("Søren" is "soren", as search has it): what
    `names_agree` compares."""
    folded = name.casefold()
    if not folded.isascii():
        for ch in set(folded) - _FOLDED_ALREADY:
            # Character by character gives what folding the whole name would: NFKD splits
            # each character on its own, and the marks it splits off are dropped anyway.
            _UNACCENTED[ord(ch)] = SPELLED_OUT.get(ch) or "".join(
                c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)
            )
            _FOLDED_ALREADY.add(ch)  # only now: another thread may be folding a name too
        folded = folded.translate(_UNACCENTED)
    return frozenset(_WORD.findall(folded))


# Every character met so far, without its accents, and spelled out as search spells it
# ("é" -> "e", "ø" -> "o"): str.translate then folds a name in one call.
_UNACCENTED: dict[int, str] = {}
_FOLDED_ALREADY: set[str] = set()
_WORD = re.compile(r"\w+")

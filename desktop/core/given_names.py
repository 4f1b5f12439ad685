"""Given names that are one person's: a caller says "Hi, this is Mike, returning your call" and
the rep types what they heard, while the book says "Michael Brandt". Search, the unknown
caller's guesses and the switchboard's ordering use this to find Michael from "mike" (and Mike
from "michael"), ranking the spelling typed first.

A small table curated by hand (common English forms plus a few German and Italian ones reps
meet), not a download: a wrong entry puts strangers in the results, so each group is a name
and the forms people really use for it. Names are whole words, matched exactly: "Mikes" (a
surname) and "Michaela" are not Michael. A nickname may belong to more than one name ("chris"
is Christopher, Christine and Christian; "alex" Alexander and Alexandra), and only that far:
"christopher" finds Chris, not Christine.
"""

from __future__ import annotations

import re

# Each group: a name and the forms people call its bearers by, folded (lower case, no accents).
_GROUPS: tuple[tuple[str, ...], ...] = (
    ("michael", "mike", "mick", "mickey", "mikey", "micky"),
    ("robert", "rob", "bob", "bobby", "robbie", "robby"),
    ("william", "will", "bill", "billy", "willy", "liam"),
    ("elizabeth", "elisabeth", "liz", "lizzie", "lizzy", "beth", "betty", "betsy", "eliza"),
    ("james", "jim", "jimmy", "jamie"),
    ("katherine", "catherine", "kathryn", "katharine", "katharina", "kate", "katie", "kathy",
     "cathy", "kat", "kathi"),
    ("alexander", "alex", "alec", "sasha"),
    ("alexandra", "alex", "sasha", "lexi"),
    ("christopher", "chris", "topher"),
    ("christine", "christina", "chris", "tina", "chrissy"),
    ("christian", "chris"),
    ("daniel", "dan", "danny"),
    ("david", "dave", "davey"),
    ("thomas", "tom", "tommy"),
    ("anthony", "antony", "tony"),
    ("stephen", "steven", "steve", "stevie"),
    ("stephanie", "steph"),
    ("jennifer", "jen", "jenn", "jenny"),
    ("samuel", "sam", "sammy"),
    ("samantha", "sam", "sammy"),
    ("richard", "rick", "ricky", "rich", "richie", "dick"),
    ("edward", "ed", "eddie", "ted", "ned"),
    ("joseph", "josef", "joe", "joey"),
    ("john", "johnny", "jack"),
    ("jonathan", "jon", "jonny"),
    ("margaret", "maggie", "meg", "peggy"),
    ("patrick", "pat", "paddy"),
    ("patricia", "pat", "patty", "trish"),
    ("nicholas", "nicolas", "nick", "nicky"),
    ("benjamin", "ben", "benny"),
    ("matthew", "matt"),
    ("andrew", "andy", "drew"),
    ("peter", "pete"),
    ("susan", "sue", "susie", "suzy"),
    ("deborah", "debbie", "debra", "deb"),
    ("rebecca", "becky", "becca"),
    ("jessica", "jess", "jessie"),
    ("gregory", "greg"),
    ("timothy", "tim", "timmy"),
    ("joshua", "josh"),
    ("nathaniel", "nathan", "nate"),
    ("frederick", "fred", "freddie"),
    ("charles", "charlie", "chuck"),
    ("lawrence", "larry"),
    ("ronald", "ron", "ronnie"),
    ("donald", "don", "donnie"),
    ("douglas", "doug"),
    ("kenneth", "ken", "kenny"),
    ("gerald", "gerry", "jerry"),
    ("raymond", "ray"),
    ("jacob", "jake"),
    ("zachary", "zach", "zack"),
    ("victoria", "vicky", "tori"),
    ("abigail", "abby"),
    ("pamela", "pam"),
    ("kimberly", "kim"),
    ("theresa", "teresa", "terri", "tess"),
    ("barbara", "barb"),
    # German-speaking and Italian forms reps meet.
    ("johannes", "johann", "hans", "hannes"),
    ("josef", "joseph", "sepp", "jupp"),
    ("wilhelm", "willi", "willy"),
    ("friedrich", "fritz"),
    ("heinrich", "heinz"),
    ("nikolaus", "klaus"),
    ("ulrich", "uli", "ulli"),
    ("ursula", "uschi"),
    ("margarete", "margarethe", "grete", "gretel"),
    ("giuseppe", "beppe", "peppe"),
    ("giovanni", "gianni"),
)  # fmt: skip


def _table(groups: tuple[tuple[str, ...], ...]) -> dict[str, frozenset[str]]:
    table: dict[str, set[str]] = {}
    for group in groups:
        for name in group:
            table.setdefault(name, set()).update(n for n in group if n != name)
    return {name: frozenset(others) for name, others in table.items()}


EQUIVALENTS = _table(_GROUPS)


def equivalent_names(word: str) -> tuple[str, ...]:
    """The other given names that `word` (folded, a whole word) may be the same person's, in
    a stable order; () for a word that is no given name in the table ("mikes", "brandt")."""
    return tuple(sorted(EQUIVALENTS.get(word, ())))


def same_given_name(typed: str, word: str) -> bool:
    """Whether `word` (folded, from a name) is another form of the given name `typed`."""
    return word in EQUIVALENTS.get(typed, ())


# Words before a given name that are no name: "Dr. Michael Brandt" goes by Michael.
_TITLES = frozenset({
    "dr", "mr", "mrs", "ms", "miss", "mx", "prof", "professor", "sir", "dame", "rev", "fr",
    "herr", "frau", "dipl", "ing", "mag", "sig", "signor", "signora", "dott",
})  # fmt: skip
# What may follow a comma without it meaning "Surname, Given": "Michael Brandt, Jr."
_AFTER_A_COMMA = frozenset({"jr", "sr", "ii", "iii", "iv", "phd", "md", "mba", "esq", "cpa"})
_WORD = re.compile(r"[^\W_]+")


def given_name(folded_name: str) -> str:
    """The word of a person's name (folded) that is their given name, "" for none: the first
    word, "Michael Brandt"; after the comma, "Brandt, Michael"; past a title or an initial,
    "Dr. Michael Brandt", "J. Michael Brandt". Only that word stands for another form of it:
    "mike" is not Tom Michael, whose surname Michael is."""
    head, comma, tail = folded_name.partition(",")
    tail_words = _WORD.findall(tail)
    if comma and tail_words and not set(tail_words) <= _AFTER_A_COMMA:
        head = tail
    return next((w for w in _WORD.findall(head) if w not in _TITLES and len(w) > 1), "")


def caller_id_given_name(folded_name: str) -> str:
    """The given name in a caller ID's name (folded), "" for none. Carriers send CNAM surname
    first with no comma ("BRANDT MICHAEL"), people's own phones given name first ("MICHAEL B"):
    with no comma, a first word that is no given name in the table gives way to a later word
    that is one. "TOM MICHAEL" stays Tom's (his first word is a given name); a first name the
    table does not hold before a surname it does ("ROSS MICHAEL" for a Ross) reads as
    surname first, the form carriers send."""
    first = given_name(folded_name)
    if "," in folded_name or not first or first in EQUIVALENTS:
        return first
    later = (w for w in _WORD.findall(folded_name) if w != first and w in EQUIVALENTS)
    return next(later, first)

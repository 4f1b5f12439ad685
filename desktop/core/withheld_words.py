"""The words a phone shows instead of a withheld caller's number, and how they are compared.

Its own module, with no imports, because two very different callers need the one list:
desktop.core.callerid_text reads every caller ID with it, and a `callercard ring` / `end`
hook keys its call by it (desktop.core.ipc_line.hook_call_key), in a process that must not
pay callerid_text's ~22 ms of imports for a caller ID that is just a word ("anonymous",
"Reception").
"""

from __future__ import annotations

# Compared after casefolding and dropping everything but letters and digits, so "Out of Area",
# "OUT-OF-AREA" and "out_of_area" are one entry. Never matched by substring: "Anonymous Coward"
# is not a phone number either, but it is not a withheld marker.
WITHHELD_WORDS = frozenset(
    {
        "anonymous", "anonymouscaller", "anonym", "anonyme",
        "restricted", "restrictednumber",
        "private", "privatenumber", "privatecaller", "privat", "privé", "prive",
        "unavailable", "unavailablenumber", "notavailable", "calleridunavailable",
        "unknown", "unknowncaller", "unknownnumber", "unbekannt", "inconnu", "inconnue",
        "withheld", "numberwithheld", "blocked", "callerblocked", "calleridblocked",
        "outofarea", "nocallerid", "nocli", "nonumber",
        "unterdrückt", "rufnummerunterdrückt", "masqué", "numéromasqué", "numeromasque",
        "p", "o",  # analog caller ID: P = private, O = out of area
    }
)  # fmt: skip


def squash(text: str) -> str:
    """`text` as WITHHELD_WORDS spells its entries: casefolded, letters and digits alone."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())

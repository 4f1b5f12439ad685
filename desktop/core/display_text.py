"""Untrusted text (caller names, imported cells, notes, reasons) made safe to show.

A bidi override inside a caller name reorders everything after it up to the end of the
paragraph, the app's own words included: "Mike \\u202egnp.exe" shows as "Mike exe.png", and the
same trick turns a card line into something the app never wrote. Embeddings, isolates and marks
are the same tool with weaker effect.

The controls are removed, not wrapped in FSI…PDI. Removing them leaves a name as it would read
had its writer not steered it: Arabic and Hebrew letters still run right to left, by the
letters' own direction, which is all a real name needs. Wrapping would add invisible characters
to text that is also elided (cutting a PDI off), copied to the clipboard, sent in D-Bus
notifications and printed to terminals, none of which should carry them. Only what is shown
goes through here; the stored text stays as it came.
"""

from __future__ import annotations

# LRE RLE PDF LRO RLO, LRI RLI FSI PDI, LRM RLM, ALM.
BIDI_CONTROLS = frozenset(
    [
        *map(chr, range(0x202A, 0x202F)),
        *map(chr, range(0x2066, 0x206A)),
        "\u200e",
        "\u200f",
        "\u061c",
    ]
)
_REMOVE = dict.fromkeys(map(ord, BIDI_CONTROLS))


def display_text(text: str) -> str:
    """`text` without bidi override, embedding, isolate and mark characters."""
    return text if text.isascii() else text.translate(_REMOVE)


def shown(value: str) -> bool:
    """Whether a value says anything once on the card: not spaces or direction marks only."""
    return bool(value.strip() if value.isascii() else one_line(value))


def one_line(text: str) -> str:
    """Untrusted text for a one-line label: bidi controls gone, all whitespace runs one space."""
    return " ".join(display_text(text).split())

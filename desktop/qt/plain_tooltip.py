"""Tooltips that show untrusted text (a caller's name, a note, a cell of an imported file, a
server's error) as the characters it is.

QToolTip has no plain-text mode: it guesses, and `<b>Mike</b>` would render bold. Escaping
every character and wrapping the result makes the guess irrelevant. Every tooltip whose text
did not come from this program goes through `plain_tooltip`.
"""

from __future__ import annotations

import html

from desktop.core.display_text import display_text

TOOLTIP_LINE = 90  # characters: a longer line of a tooltip wraps


def plain_tooltip(text: str) -> str:
    """`text` as a tooltip shows it literally; "" for none."""
    if not text:
        return ""
    shown = display_text(text)
    # Qt lays a wrapping tooltip out narrow: "Call +1 / 617-555-0199" on two lines. Short
    # lines stay whole; only a line too long for a tooltip wraps.
    long = any(len(line) > TOOLTIP_LINE for line in shown.splitlines())
    return f'<p style="white-space:{"pre-wrap" if long else "pre"}">{html.escape(shown)}</p>'

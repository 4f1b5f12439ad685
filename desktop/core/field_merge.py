"""A field the rep edits in a window while something else changes it in the database (an import
adding a line to the notes, a teammate's call note from a sync, a second window): what to
store so that neither side's text is lost.

The window knows three texts: what the field held when it last read or wrote it (`base`),
what the rep has typed since (`mine`), and what the database holds now (`stored`). Only the
rep changed it: their text. Only the other side did: theirs. Both did: the rep's text, with
what the other side added kept where it was added (before or after the text the rep started
from), or, when it changed lines inside it, its new lines after the rep's. Nothing is taken
out that either side wrote; the rep can tidy what they see.
"""

from __future__ import annotations


def merged_edit(base: str, mine: str, stored: str, *, multiline: bool = True) -> str:
    """What to store for a field the rep turned from `base` into `mine` while the database
    came to hold `stored`. A single-line field keeps the rep's text when both changed it: the
    rep is looking at it, and a second line cannot be shown there."""
    if stored in (base, mine):
        return mine
    if mine == base:
        return stored
    if not multiline:
        return mine
    if stored.startswith(base):
        return _joined(mine, stored[len(base):])
    if stored.endswith(base):
        return _joined(stored[: len(stored) - len(base)], mine)
    kept = set(base.splitlines()) | set(mine.splitlines())
    theirs = [line for line in stored.splitlines() if line.strip() and line not in kept]
    return _joined(mine, "\n".join(theirs)) if theirs else mine


def followed_notes(was_files: str, mine: str, files: str) -> str:
    """Notes a followed file changed (`was_files` to `files`) after the rep edited them
    (`was_files` to `mine`): the rep's lines, then the file's new ones. A line the file had
    and no longer has is the file's, not the rep's: it goes ('Budget Q1' beside 'Budget Q2'
    told the rep a budget nobody has any more)."""
    old_lines = set(was_files.splitlines())
    now_lines = set(files.splitlines())
    kept = [line for line in mine.splitlines() if line not in old_lines or line in now_lines]
    have = set(kept)
    new = [line for line in files.splitlines() if line.strip() and line not in have]
    return _joined("\n".join(kept), "\n".join(new))


def _joined(first: str, second: str) -> str:
    """Two texts one after the other, on separate lines unless either already ends or starts
    one; with one empty, the other alone (without the line break it was added after)."""
    if not first:
        return second.lstrip("\n")
    if not second:
        return first
    if first.endswith("\n") or second.startswith("\n"):
        return first + second
    return f"{first}\n{second}"

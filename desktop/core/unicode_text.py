"""Text that arrived as JSON escapes or as undecodable bytes can hold lone surrogates ("\\ud800"):
a valid Python str, but not Unicode. SQLite, UTF-8 files and D-Bus refuse it with an exception,
so such text is mended where it comes in, not where it would fail."""

from __future__ import annotations


def whole_unicode(text: str) -> str:
    """`text` with every lone surrogate replaced by U+FFFD (a pair written as two escapes
    becomes the character it encodes)."""
    if text.isascii():
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")

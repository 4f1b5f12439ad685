"""How a list window shares its width between a column of names and a column of free text.

Split evenly, the names were cut ("DANA WHITFIELD (caller…" at 2×) beside a text column as
wide and empty; given all they ask for, a long name pushed the text out of the window.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QAbstractItemView, QHeaderView


def widen_to_longest(
    view: QAbstractItemView, head: QHeaderView, column: int, text_column: int,
    others: Sequence[int], text_share: int,
) -> None:  # fmt: skip
    """`column` as wide as its longest entry, leaving `text_column` what it needs, up to one
    `text_share`-th of the room the `others` leave; never narrower than its heading."""

    def needs(at: int) -> int:
        return max(head.sectionSizeHint(at), view.sizeHintForColumn(at))

    room = view.viewport().width() - sum(needs(c) for c in others)
    text = min(needs(text_column), room // text_share)
    wide = max(head.sectionSizeHint(column), min(needs(column), room - text))
    if head.sectionSize(column) != wide:
        head.resizeSection(column, wide)

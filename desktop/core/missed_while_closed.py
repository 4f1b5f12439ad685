"""What the rep is told at start of the calls missed while CallerCard was not running.

Those calls rang no card (nothing was running to show one) and wait in Callbacks. One quiet
line says so, once, rather than a card per call: a morning's missed calls popping up as cards
at login would bury the screen and say nothing Callbacks does not list better.
"""

from __future__ import annotations

TITLE = "CallerCard"


def missed_while_closed_text(calls: int) -> str:
    """ "3 calls missed while CallerCard was closed"."""
    said = "1 call" if calls == 1 else f"{calls} calls"
    return f"{said} missed while CallerCard was closed"


def where_they_wait(text: str, *, clickable: bool) -> str:
    """`text` and where those calls are: the tray's message opens Callbacks when clicked; a
    notification or a status line cannot."""
    return f"{text}. Click to open Callbacks." if clickable else f"{text}: they wait in Callbacks."


def unwrapped_while_closed_text(calls: int) -> str:
    """What the rep is told of the calls they took that ended while CallerCard was closed (a
    quit or a crash mid-call): no wrap-up asked how they went. Their wrap-ups wait in the
    menu, not opened at once: a start is no time for a stack of old windows."""
    if calls == 1:
        return ("1 call you took ended while CallerCard was closed: its wrap-up waits "
                "(Open waiting wrap-ups in the menu).")  # fmt: skip
    return (f"{calls} calls you took ended while CallerCard was closed: their wrap-ups wait "
            "(Open waiting wrap-ups in the menu).")  # fmt: skip


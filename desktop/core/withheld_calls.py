"""Withheld callers ringing at the same time, told apart.

A ring or end hook keys a call by its caller ID (desktop.core.ipc_line.hook_call_key), and
every withheld caller keys alike, as "hook:": a phone may ring with "anonymous" and end with
no caller ID at all. So a second withheld call ringing while the first card was up took that
card over, and the first end closed the only card for two calls.

A withheld ring now gets a key of its own while another withheld call has a card ("hook:~2",
"hook:~3", ...; plain "hook:" when none has, as before). An end keyed "hook:" says nothing about
which of them ended, so it ends the newest withheld call that still has a card. Newest first
is what overlapping calls usually are for one rep: the second call rings while the rep is on
the first (call waiting), and is the one that gives up or is declined while the first goes on.
Calls a withheld caller made one after the other (each card gone before the next rang) keep
the plain key: the history finds their rows as before.

Where the app cannot tell which row an end is for, the history (adapters/call_history.py) takes
the newest withheld call whose end is not known and whose card is not up under another key,
whichever key it was logged under: a ring read too late, which its hook logged as "hook:" while
the app keyed its card "hook:~2", and calls that rang before the app was restarted (its keys
given are gone with it; a plain end is then the newest call's, as here).
"""

from __future__ import annotations

from collections.abc import Callable

from desktop.core.ipc_line import HOOK_KEY_PREFIX

WITHHELD_KEY = HOOK_KEY_PREFIX  # what hook_call_key gives every withheld caller
TOLD_APART = WITHHELD_KEY + "~"  # then 2, 3, ...: a withheld call with another one's card up


def is_withheld_key(key: str) -> bool:
    """Whether a hook's call key is a withheld caller's, plain or told apart."""
    return key == WITHHELD_KEY or key.startswith(TOLD_APART)


class WithheldCalls:
    """The withheld calls with a card, in the order they rang."""

    def __init__(self, has_card: Callable[[str], bool]) -> None:
        self._has_card = has_card
        self._ringing: list[str] = []  # keys given, oldest first; pruned of calls gone

    def ring_key(self) -> str:
        """The key for a withheld call that rings now."""
        self._forget_gone()
        taken = set(self._ringing)
        key, n = WITHHELD_KEY, 1
        while key in taken or self._has_card(key):
            n += 1
            key = f"{TOLD_APART}{n}"
        self._ringing.append(key)
        return key

    def end_key(self) -> str:
        """The key of the call an end with no caller ID ends: the newest withheld call with a
        card; the plain key when none has (the history looks for its ring by that)."""
        self._forget_gone()
        return self._ringing.pop() if self._ringing else WITHHELD_KEY

    def _forget_gone(self) -> None:
        """A call whose card went (dismissed, kept as a missed card, dropped unended) is not
        one an end could still be for."""
        self._ringing = [key for key in self._ringing if self._has_card(key)]

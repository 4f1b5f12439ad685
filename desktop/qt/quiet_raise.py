"""A window brought on top of the others without taking the keyboard.

Qt's `raise_()` on X asks to be restacked with a ConfigureRequest, which a window manager may
refuse from an application that does not have the focus: openbox left the welcome under the
softphone's window ("Getting started…" seemed to do nothing; measured: refused in 6 of 6
tries once the softphone's window was active). EWMH's _NET_RESTACK_WINDOW with source
indication 2 ("a direct user action", which choosing the menu item is) is honoured, and moves
the window without activating it. Without a window manager nobody answers that message, so
`raise_()` is asked too: there it restacks the window itself.
"""

from __future__ import annotations

import logging

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from desktop.qt.xcb_client import XcbClient

log = logging.getLogger(__name__)

_USER_ACTION = 2  # EWMH source indication: a pager, or anything acting for the user
_ABOVE = 0  # X's stack mode Above


def raise_quietly(window: QWidget) -> None:
    """On top of the other windows, the keyboard left where it is. `window` is shown."""
    platform = QGuiApplication.platformName()
    if platform == "offscreen":  # it has no stacking order to change
        return
    window.raise_()
    if platform != "xcb":
        return
    try:
        x = XcbClient()
    except OSError as exc:
        log.info("cannot ask the window manager to raise %s: %s", window.objectName(), exc)
        return
    try:
        restack = x.atom(b"_NET_RESTACK_WINDOW")
        x.tell_window_manager(int(window.winId()), restack, _USER_ACTION, 0, _ABOVE)
    except OSError as exc:
        log.info("cannot ask the window manager to raise %s: %s", window.objectName(), exc)
    finally:
        x.close()

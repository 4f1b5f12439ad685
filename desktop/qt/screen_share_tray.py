"""Keeping cards out of screen shares, as the tray shows and toggles it: its menu says whether
cards are kept out and how (or why they cannot be), and its toggle is saved like the setting
and applied to the cards on screen at once. The guard itself is desktop/qt/screen_share.py."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from desktop.adapters.trace import RingTrace
    from desktop.qt.popup_stack import PopupStack
    from desktop.qt.screen_share import ScreenShareGuard
    from desktop.qt.tray import TrayMenu


def screen_share_in_tray(popups: PopupStack, tray: TrayMenu, trace: RingTrace, *,
                         keep_out: bool, set_keep_out: Callable[[bool], None],
                         ) -> ScreenShareGuard:  # fmt: skip
    """The cards' guard, `keep_out` as Settings say; `set_keep_out` saves the tray's toggle."""
    from desktop.qt.capture_exclusion import capture_exclusion_for
    from desktop.qt.screen_share import ScreenShareGuard

    guard = ScreenShareGuard(popups, capture_exclusion_for(), keep_out)

    def show() -> None:
        tray.set_screen_share(guard.keep_out(), guard.describe())
        trace.write("screen_share", "", protection=guard.protection().value,
                    do_not_disturb=guard.do_not_disturb())  # fmt: skip

    guard.changed.connect(show)
    tray.screen_share_toggled.connect(set_keep_out)
    show()
    return guard

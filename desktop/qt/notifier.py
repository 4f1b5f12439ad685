"""When the card cannot be seen, say it through the platform's own notifier.

Two parts:

- `PopupObstacles.check()` tells whether a card would be hidden right now: no screen at all,
  or a full-screen window in front (X11: the active window's _NET_WM_STATE, read over its own
  xcb connection; Windows: SHQueryUserNotificationState). Wayland and macOS do not tell
  other apps, so there it answers "" and the card alone is shown.
- `Notifier.notify()` picks, in order, the tray balloon (`QSystemTrayIcon.showMessage`, when
  a tray that supports messages is up), a desktop notification over D-Bus
  (org.freedesktop.Notifications), or the log. The choice is logged whenever it changes.

D-Bus goes through jeepney, not QtDBus: from Python, QtDBus sends ints as int32 and an empty
list as `av`, and GLib-based notification daemons refuse Notify unless it is `susssasa{sv}i`.
"""

from __future__ import annotations

import ctypes
import enum
import html
import logging
import os
import sys
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QSystemTrayIcon

from desktop.core.display_text import display_text
from desktop.qt.xcb_client import XcbClient

log = logging.getLogger(__name__)

APP_ID = "io.callercard.CallerCard"
NOTIFY_TIMEOUT_S = 3.0


class Channel(enum.Enum):
    TRAY = "the tray icon's balloon"
    DBUS = "a desktop notification (org.freedesktop.Notifications)"
    LOG = "the log only"


# --- the platform's notifier --------------------------------------------------------------------


class DesktopNotifications:
    """org.freedesktop.Notifications on the session bus."""

    NAME = "org.freedesktop.Notifications"

    def __init__(self, bus_address: str | None = None) -> None:
        self._bus_address = bus_address

    def _connect(self) -> Any:
        from jeepney.io.blocking import open_dbus_connection  # type: ignore[import-untyped]

        address = self._bus_address or os.environ.get("DBUS_SESSION_BUS_ADDRESS")
        if not address:
            raise OSError("no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)")
        return open_dbus_connection(bus=address, auth_timeout=NOTIFY_TIMEOUT_S)

    def send(self, title: str, body: str) -> int:
        """Show a notification; returns the daemon's id, or raises OSError saying why not."""
        if sys.platform in ("win32", "darwin"):
            raise OSError(f"no org.freedesktop.Notifications on {sys.platform}")
        from jeepney import DBusAddress, MessageType, new_method_call  # type: ignore[import-untyped]
        from jeepney.bus_messages import message_bus  # type: ignore[import-untyped]

        try:
            conn = self._connect()
        except (OSError, ValueError, StopIteration) as exc:
            raise OSError(f"cannot reach the session bus ({exc})") from exc
        try:
            owned = conn.send_and_get_reply(
                message_bus.NameHasOwner(self.NAME), timeout=NOTIFY_TIMEOUT_S
            ).body[0]
            activatable = conn.send_and_get_reply(
                message_bus.ListActivatableNames(), timeout=NOTIFY_TIMEOUT_S
            ).body[0]
            if not owned and self.NAME not in activatable:
                raise OSError("no notification daemon on the session bus")
            address = DBusAddress("/org/freedesktop/Notifications", bus_name=self.NAME,
                                  interface=self.NAME)  # fmt: skip
            hints = {"desktop-entry": ("s", APP_ID), "urgency": ("y", 1)}
            # Daemons may render the body as markup: a caller's name is untrusted text.
            args: tuple[object, ...] = (
                "CallerCard",
                0,
                APP_ID,
                title,
                html.escape(body, quote=False),
                [],
                hints,
                -1,
            )
            reply = conn.send_and_get_reply(
                new_method_call(address, "Notify", "susssasa{sv}i", args),
                timeout=NOTIFY_TIMEOUT_S,
            )
            if reply.header.message_type is MessageType.error:
                raise OSError(f"the notification daemon refused: {reply.body}")
            return int(reply.body[0])
        except TimeoutError as exc:
            raise OSError("the notification daemon did not answer") from exc
        finally:
            conn.close()


class Notifier:
    """Tray balloon, else desktop notification, else the log; the choice is logged."""

    def __init__(
        self,
        tray: QSystemTrayIcon | None,
        desktop: DesktopNotifications | None = None,
        *,
        in_thread: bool = True,
        on_main: Callable[[Callable[[], None]], None] | None = None,
    ) -> None:
        self._tray = tray
        self._desktop = desktop or DesktopNotifications()
        self._in_thread = in_thread
        # The app's ThreadBridge.call_from_thread: the daemon's answer is taken in the GUI
        # thread. Without one (a test) it is taken in the sending thread.
        self._on_main = on_main
        self._last: Channel | None = None
        self._last_reason = ""

    def _chose(self, channel: Channel, reason: str = "") -> None:
        if channel is not self._last or reason != self._last_reason:
            log.info("notifier: using %s%s", channel.value, f" ({reason})" if reason else "")
            self._last, self._last_reason = channel, reason

    def notify(self, title: str, body: str) -> Channel:
        """Tell the user without a window. Returns the channel tried first."""
        # The title is a caller's name more often than not.
        title, body = display_text(title), display_text(body)
        tray = self._tray
        if tray is not None and tray.isVisible() and QSystemTrayIcon.isSystemTrayAvailable():
            if QSystemTrayIcon.supportsMessages():
                self._chose(Channel.TRAY)
                tray.showMessage(title, body, QSystemTrayIcon.MessageIcon.Information, 15000)
                return Channel.TRAY
            why_not_tray = "the tray cannot show messages"
        else:
            why_not_tray = "no system tray"
        if self._in_thread:
            # A hung daemon must not stall the GUI thread; the outcome is logged from there.
            threading.Thread(target=self._send_from_thread, args=(title, body, why_not_tray),
                             name="callercard-notify", daemon=True).start()  # fmt: skip
            return Channel.DBUS
        return self._sent(title, body, *self._send(title, body, why_not_tray))

    def _send_from_thread(self, title: str, body: str, why_not_tray: str) -> None:
        channel, reason = self._send(title, body, why_not_tray)

        def answered() -> None:
            self._sent(title, body, channel, reason)

        if self._on_main is None:
            answered()
        else:
            self._on_main(answered)

    def _send(self, title: str, body: str, why_not_tray: str) -> tuple[Channel, str]:
        try:
            self._desktop.send(title, body)
        except OSError as exc:
            return Channel.LOG, f"{why_not_tray}; D-Bus: {exc}"
        return Channel.DBUS, why_not_tray

    def _sent(self, title: str, body: str, channel: Channel, reason: str) -> Channel:
        self._chose(channel, reason)
        if channel is Channel.LOG:
            log.warning("notification: %s: %s", title, body)
        return channel


# --- what would hide a card ---------------------------------------------------------------------

# SHQueryUserNotificationState: the states in which Windows itself holds notifications back.
_WINDOWS_BUSY = {
    1: "the screen is locked or the screensaver is on",  # QUNS_NOT_PRESENT
    2: "a full-screen application is in front",  # QUNS_BUSY
    3: "a full-screen Direct3D application is running",  # QUNS_RUNNING_D3D_FULL_SCREEN
    4: "presentation mode is on",  # QUNS_PRESENTATION_MODE
    7: "a full-screen Store app is in front",  # QUNS_APP
}


def windows_obstacle(state: int) -> str:
    return _WINDOWS_BUSY.get(state, "")


def _windows_state() -> int:
    if sys.platform == "win32":
        state = ctypes.c_int(0)
        if ctypes.windll.shell32.SHQueryUserNotificationState(ctypes.byref(state)) == 0:
            return state.value
    return 0


class _XcbFullscreen:
    """Reads the active window's _NET_WM_STATE over a private xcb connection."""

    def __init__(self) -> None:
        self._x = XcbClient()
        self._active = self._x.atom(b"_NET_ACTIVE_WINDOW")
        self._state = self._x.atom(b"_NET_WM_STATE")
        self._fullscreen = self._x.atom(b"_NET_WM_STATE_FULLSCREEN")

    def active_window_is_fullscreen(self) -> bool:
        active = self._x.property(self._x.root, self._active)
        if not active or active[0] == 0:
            return False
        return self._fullscreen in self._x.property(active[0], self._state)

    def close(self) -> None:
        self._x.close()


class PopupObstacles:
    """Why a card would not be seen right now, or "" when nothing is in the way."""

    def __init__(
        self, platform_name: str, windows_state: Callable[[], int] = _windows_state
    ) -> None:
        self._platform = platform_name
        self._windows_state = windows_state
        self._x11: _XcbFullscreen | None = None
        self._x11_failed = False

    def check(self) -> str:
        if not QGuiApplication.screens():
            return "no screen is attached"
        if self._platform == "windows":
            return windows_obstacle(self._windows_state())
        if self._platform == "xcb" and not self._x11_failed:
            try:
                if self._x11 is None:
                    self._x11 = _XcbFullscreen()
                if self._x11.active_window_is_fullscreen():
                    return "a full-screen window is in front"
            except OSError as exc:
                self._x11_failed = True
                log.info("popups: cannot see full-screen windows on this X server (%s)", exc)
        return ""

    def close(self) -> None:
        if self._x11 is not None:
            self._x11.close()
            self._x11 = None

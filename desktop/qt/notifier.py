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
import ctypes.util
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


class _AtomReply(ctypes.Structure):
    _fields_ = [("response_type", ctypes.c_uint8), ("pad0", ctypes.c_uint8),
                ("sequence", ctypes.c_uint16), ("length", ctypes.c_uint32),
                ("atom", ctypes.c_uint32)]  # fmt: skip


class _Screen(ctypes.Structure):
    _fields_ = [("root", ctypes.c_uint32)]  # the rest is never read


class _ScreenIterator(ctypes.Structure):
    _fields_ = [("data", ctypes.POINTER(_Screen)), ("rem", ctypes.c_int),
                ("index", ctypes.c_int)]  # fmt: skip


class _XcbFullscreen:
    """Reads the active window's _NET_WM_STATE over a private xcb connection.

    libxcb reports errors in each reply (a window that just closed is not fatal), unlike
    Xlib's process-wide error handler, which would fight Qt's.
    """

    def __init__(self) -> None:
        # The soname first: a frozen bundle carries libxcb.so.1, which find_library cannot see.
        try:
            xcb = ctypes.CDLL("libxcb.so.1")
        except OSError:
            name = ctypes.util.find_library("xcb")
            if name is None:
                raise OSError("libxcb is not available") from None
            xcb = ctypes.CDLL(name)
        xcb.xcb_connect.restype = ctypes.c_void_p
        xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_int)]
        xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
        xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
        xcb.xcb_get_setup.restype = ctypes.c_void_p
        xcb.xcb_get_setup.argtypes = [ctypes.c_void_p]
        xcb.xcb_setup_roots_iterator.restype = _ScreenIterator
        xcb.xcb_setup_roots_iterator.argtypes = [ctypes.c_void_p]
        xcb.xcb_screen_next.argtypes = [ctypes.POINTER(_ScreenIterator)]
        xcb.xcb_intern_atom.restype = ctypes.c_uint  # a cookie is one unsigned int
        xcb.xcb_intern_atom.argtypes = [ctypes.c_void_p, ctypes.c_uint8, ctypes.c_uint16,
                                        ctypes.c_char_p]  # fmt: skip
        xcb.xcb_intern_atom_reply.restype = ctypes.POINTER(_AtomReply)
        xcb.xcb_intern_atom_reply.argtypes = [ctypes.c_void_p, ctypes.c_uint, ctypes.c_void_p]
        xcb.xcb_get_property.restype = ctypes.c_uint
        xcb.xcb_get_property.argtypes = [ctypes.c_void_p, ctypes.c_uint8, ctypes.c_uint32,
                                         ctypes.c_uint32, ctypes.c_uint32, ctypes.c_uint32,
                                         ctypes.c_uint32]  # fmt: skip
        xcb.xcb_get_property_reply.restype = ctypes.c_void_p
        xcb.xcb_get_property_reply.argtypes = [ctypes.c_void_p, ctypes.c_uint, ctypes.c_void_p]
        xcb.xcb_get_property_value.restype = ctypes.c_void_p
        xcb.xcb_get_property_value.argtypes = [ctypes.c_void_p]
        xcb.xcb_get_property_value_length.argtypes = [ctypes.c_void_p]
        self._xcb = xcb
        self._libc = ctypes.CDLL(None)
        self._libc.free.argtypes = [ctypes.c_void_p]
        screen = ctypes.c_int(0)
        self._conn = xcb.xcb_connect(None, ctypes.byref(screen))
        if not self._conn or xcb.xcb_connection_has_error(self._conn):
            self.close()
            raise OSError("cannot connect to the X server")
        roots = xcb.xcb_setup_roots_iterator(xcb.xcb_get_setup(self._conn))
        for _ in range(screen.value):
            xcb.xcb_screen_next(ctypes.byref(roots))
        self._root = int(roots.data.contents.root)
        self._active = self._atom(b"_NET_ACTIVE_WINDOW")
        self._state = self._atom(b"_NET_WM_STATE")
        self._fullscreen = self._atom(b"_NET_WM_STATE_FULLSCREEN")

    def _atom(self, name: bytes) -> int:
        cookie = self._xcb.xcb_intern_atom(self._conn, 0, len(name), name)
        reply = self._xcb.xcb_intern_atom_reply(self._conn, cookie, None)
        if not reply:
            raise OSError(f"the X server has no atom {name.decode()}")
        atom = int(reply.contents.atom)
        self._libc.free(ctypes.cast(reply, ctypes.c_void_p))
        return atom

    def _property(self, window: int, prop: int) -> list[int]:
        cookie = self._xcb.xcb_get_property(self._conn, 0, window, prop, 0, 0, 64)
        reply = self._xcb.xcb_get_property_reply(self._conn, cookie, None)
        if not reply:  # the window is gone, or never had the property
            return []
        try:
            size = self._xcb.xcb_get_property_value_length(reply)
            data = self._xcb.xcb_get_property_value(reply)
            count = size // 4
            return list((ctypes.c_uint32 * count).from_address(data)) if count else []
        finally:
            self._libc.free(reply)

    def active_window_is_fullscreen(self) -> bool:
        active = self._property(self._root, self._active)
        if not active or active[0] == 0:
            return False
        return self._fullscreen in self._property(active[0], self._state)

    def close(self) -> None:
        if self._conn:
            self._xcb.xcb_disconnect(self._conn)
            self._conn = None


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

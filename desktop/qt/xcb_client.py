"""A private xcb connection to the X server, over ctypes: read window properties, send
client messages to the window manager.

Private, so that the app's own requests never mix with Qt's, and over libxcb, not Xlib: libxcb
reports errors in each reply (a window that just closed is not fatal), unlike Xlib's
process-wide error handler, which would fight Qt's.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util

CLIENT_MESSAGE = 33  # XCB_CLIENT_MESSAGE
# What EWMH says a client message to the window manager is sent with (to the root window).
_TO_WINDOW_MANAGER = (1 << 19) | (1 << 20)  # SUBSTRUCTURE_NOTIFY | SUBSTRUCTURE_REDIRECT


class _AtomReply(ctypes.Structure):
    _fields_ = [("response_type", ctypes.c_uint8), ("pad0", ctypes.c_uint8),
                ("sequence", ctypes.c_uint16), ("length", ctypes.c_uint32),
                ("atom", ctypes.c_uint32)]  # fmt: skip


class _Screen(ctypes.Structure):
    _fields_ = [("root", ctypes.c_uint32)]  # the rest is never read


class _ScreenIterator(ctypes.Structure):
    _fields_ = [("data", ctypes.POINTER(_Screen)), ("rem", ctypes.c_int),
                ("index", ctypes.c_int)]  # fmt: skip


class _ClientMessage(ctypes.Structure):
    _fields_ = [("response_type", ctypes.c_uint8), ("format", ctypes.c_uint8),
                ("sequence", ctypes.c_uint16), ("window", ctypes.c_uint32),
                ("type", ctypes.c_uint32), ("data", ctypes.c_uint32 * 5)]  # fmt: skip


def _libxcb() -> ctypes.CDLL:
    # The soname first: a frozen bundle carries libxcb.so.1, which find_library cannot see.
    try:
        return ctypes.CDLL("libxcb.so.1")
    except OSError:
        name = ctypes.util.find_library("xcb")
        if name is None:
            raise OSError("libxcb is not available") from None
        return ctypes.CDLL(name)


class XcbClient:
    """One connection to the display in $DISPLAY. Raises OSError when there is none."""

    def __init__(self) -> None:
        xcb = _libxcb()
        xcb.xcb_connect.restype = ctypes.c_void_p
        xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_int)]
        xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
        xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
        xcb.xcb_flush.argtypes = [ctypes.c_void_p]
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
        xcb.xcb_send_event.restype = ctypes.c_uint
        xcb.xcb_send_event.argtypes = [ctypes.c_void_p, ctypes.c_uint8, ctypes.c_uint32,
                                       ctypes.c_uint32, ctypes.c_void_p]  # fmt: skip
        self._xcb = xcb
        self._libc = ctypes.CDLL(None)
        self._libc.free.argtypes = [ctypes.c_void_p]
        screen = ctypes.c_int(0)
        self._conn: int | None = xcb.xcb_connect(None, ctypes.byref(screen))
        if not self._conn or xcb.xcb_connection_has_error(self._conn):
            self.close()
            raise OSError("cannot connect to the X server")
        roots = xcb.xcb_setup_roots_iterator(xcb.xcb_get_setup(self._conn))
        for _ in range(screen.value):
            xcb.xcb_screen_next(ctypes.byref(roots))
        self.root = int(roots.data.contents.root)

    def atom(self, name: bytes) -> int:
        cookie = self._xcb.xcb_intern_atom(self._conn, 0, len(name), name)
        reply = self._xcb.xcb_intern_atom_reply(self._conn, cookie, None)
        if not reply:
            raise OSError(f"the X server has no atom {name.decode()}")
        atom = int(reply.contents.atom)
        self._libc.free(ctypes.cast(reply, ctypes.c_void_p))
        return atom

    def property(self, window: int, prop: int) -> list[int]:
        """A 32-bit property's values (atoms, windows, cardinals); [] when there is none."""
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

    def tell_window_manager(self, window: int, message: int, *data: int) -> None:
        """Send the client message EWMH defines for a request about a mapped `window`."""
        event = _ClientMessage(CLIENT_MESSAGE, 32, 0, window, message,
                               (ctypes.c_uint32 * 5)(*data))  # fmt: skip
        self._xcb.xcb_send_event(self._conn, 0, self.root, _TO_WINDOW_MANAGER,
                                 ctypes.byref(event))  # fmt: skip
        self._xcb.xcb_flush(self._conn)

    def close(self) -> None:
        if self._conn:
            # One round trip first: a message sent just before the disconnect was lost now and
            # then (the X server dropped what it had not handled yet; 2 of 3 tries once).
            with contextlib.suppress(OSError):
                self.atom(b"WM_STATE")
            self._xcb.xcb_disconnect(self._conn)
        self._conn = None

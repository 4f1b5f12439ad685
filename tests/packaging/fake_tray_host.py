"""A stand-in XEmbed tray host: owns _NET_SYSTEM_TRAY_S0 and announces it, like a panel's tray
does when it starts (ICCCM 2.8 MANAGER message), then waits to be killed. It embeds nothing.

    DISPLAY=:N python -m tests.packaging.fake_tray_host
"""

from __future__ import annotations

import ctypes
import struct
import sys
import time

STRUCTURE_NOTIFY_MASK = 0x00020000
CLIENT_MESSAGE = 33


class _Screen(ctypes.Structure):
    _fields_ = [("root", ctypes.c_uint32), ("default_colormap", ctypes.c_uint32),
                ("white_pixel", ctypes.c_uint32), ("black_pixel", ctypes.c_uint32),
                ("current_input_masks", ctypes.c_uint32), ("width", ctypes.c_uint16),
                ("height", ctypes.c_uint16), ("width_mm", ctypes.c_uint16),
                ("height_mm", ctypes.c_uint16), ("min_maps", ctypes.c_uint16),
                ("max_maps", ctypes.c_uint16), ("root_visual", ctypes.c_uint32)]  # fmt: skip


class _Iterator(ctypes.Structure):
    _fields_ = [("data", ctypes.POINTER(_Screen)), ("rem", ctypes.c_int),
                ("index", ctypes.c_int)]  # fmt: skip


class _AtomReply(ctypes.Structure):
    _fields_ = [("response_type", ctypes.c_uint8), ("pad", ctypes.c_uint8),
                ("sequence", ctypes.c_uint16), ("length", ctypes.c_uint32),
                ("atom", ctypes.c_uint32)]  # fmt: skip


def main() -> int:
    xcb = ctypes.CDLL("libxcb.so.1")
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_generate_id.argtypes = [ctypes.c_void_p]
    xcb.xcb_generate_id.restype = ctypes.c_uint32
    xcb.xcb_get_setup.restype = ctypes.c_void_p
    xcb.xcb_get_setup.argtypes = [ctypes.c_void_p]
    xcb.xcb_setup_roots_iterator.restype = _Iterator
    xcb.xcb_setup_roots_iterator.argtypes = [ctypes.c_void_p]
    xcb.xcb_intern_atom.restype = ctypes.c_uint
    xcb.xcb_intern_atom.argtypes = [ctypes.c_void_p, ctypes.c_uint8, ctypes.c_uint16,
                                    ctypes.c_char_p]  # fmt: skip
    xcb.xcb_intern_atom_reply.restype = ctypes.POINTER(_AtomReply)
    xcb.xcb_intern_atom_reply.argtypes = [ctypes.c_void_p, ctypes.c_uint, ctypes.c_void_p]
    xcb.xcb_create_window.argtypes = [ctypes.c_void_p, ctypes.c_uint8, ctypes.c_uint32,
                                      ctypes.c_uint32, ctypes.c_int16, ctypes.c_int16,
                                      ctypes.c_uint16, ctypes.c_uint16, ctypes.c_uint16,
                                      ctypes.c_uint16, ctypes.c_uint32, ctypes.c_uint32,
                                      ctypes.c_void_p]  # fmt: skip
    xcb.xcb_set_selection_owner.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_uint32,
                                            ctypes.c_uint32]  # fmt: skip
    xcb.xcb_send_event.argtypes = [ctypes.c_void_p, ctypes.c_uint8, ctypes.c_uint32,
                                   ctypes.c_uint32, ctypes.c_char_p]  # fmt: skip
    xcb.xcb_flush.argtypes = [ctypes.c_void_p]

    conn = xcb.xcb_connect(None, None)
    screen = xcb.xcb_setup_roots_iterator(xcb.xcb_get_setup(conn)).data.contents

    def atom(name: bytes) -> int:
        cookie = xcb.xcb_intern_atom(conn, 0, len(name), name)
        return int(xcb.xcb_intern_atom_reply(conn, cookie, None).contents.atom)

    window = xcb.xcb_generate_id(conn)
    xcb.xcb_create_window(conn, 0, window, screen.root, 0, 0, 1, 1, 0, 1, screen.root_visual,
                          0, None)  # fmt: skip
    selection = atom(b"_NET_SYSTEM_TRAY_S0")
    xcb.xcb_set_selection_owner(conn, window, selection, 0)
    event = struct.pack("=BBHII5I", CLIENT_MESSAGE, 32, 0, screen.root, atom(b"MANAGER"), 0,
                        selection, window, 0, 0)  # fmt: skip
    xcb.xcb_send_event(conn, 0, screen.root, STRUCTURE_NOTIFY_MASK, event)
    xcb.xcb_flush(conn)
    print("tray host ready", flush=True)
    time.sleep(600)
    return 0


if __name__ == "__main__":
    sys.exit(main())

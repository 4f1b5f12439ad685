"""Keeping a card's window out of screen captures, where the operating system can.

- Windows 10 2004+: `SetWindowDisplayAffinity(hwnd, WDA_EXCLUDEFROMCAPTURE)`; the window
  stays visible here and is left out of shares and screenshots (KeePassXC ships it). Older
  Windows refuses the value, and the card is redacted instead.
- macOS: the NSWindow's `sharingType = NSWindowSharingNone`, set through the Objective-C
  runtime (`objc_msgSend`) on the NSView that `QWidget.winId()` returns. ScreenCaptureKit
  ignores it from macOS 15 on, which is why the setting's text promises "out of screen
  shares where the system allows".
- Linux: neither X11 nor Wayland can exclude one window from a capture; `apply` says so
  (False) and the card is redacted instead (desktop.core.redaction).

The OS function each one calls is injected, so tests here can check what the code asks of
Windows and macOS without either.
"""

from __future__ import annotations

import ctypes
import functools
import sys
from collections.abc import Callable
from typing import Protocol

from PySide6.QtWidgets import QWidget

WDA_NONE = 0x00
WDA_EXCLUDEFROMCAPTURE = 0x11
NS_WINDOW_SHARING_NONE = 0
NS_WINDOW_SHARING_READ_ONLY = 1  # the default: others may capture it

SetAffinity = Callable[[int, int], bool]  # (HWND, affinity) -> the call succeeded
ObjcSend = Callable[..., int]  # (receiver, selector name, *integer args) -> id or integer


class CaptureExclusion(Protocol):
    name: str
    supported: bool  # False: this platform never excludes a window

    def apply(self, window: QWidget, exclude: bool) -> bool:
        """Exclude `window` from captures (or allow it again); True when the OS took it."""
        ...


class WindowsDisplayAffinity:
    name = "SetWindowDisplayAffinity"
    supported = True

    def __init__(self, set_affinity: SetAffinity | None = None) -> None:
        self._set_affinity = set_affinity or _user32_set_affinity

    def apply(self, window: QWidget, exclude: bool) -> bool:
        hwnd = int(window.winId())  # creates the native window if it did not exist yet
        return self._set_affinity(hwnd, WDA_EXCLUDEFROMCAPTURE if exclude else WDA_NONE)


class MacSharingType:
    name = "NSWindow sharingType"
    supported = True

    def __init__(self, send: ObjcSend | None = None) -> None:
        self._send = send or _objc_send

    def apply(self, window: QWidget, exclude: bool) -> bool:
        view = int(window.winId())  # an NSView*
        ns_window = self._send(view, "window")
        if not ns_window:
            return False
        wanted = NS_WINDOW_SHARING_NONE if exclude else NS_WINDOW_SHARING_READ_ONLY
        self._send(ns_window, "setSharingType:", wanted)
        # Read back: a setter on a nil or foreign object is silently ignored.
        return self._send(ns_window, "sharingType") == wanted


class NoExclusion:
    name = "none (this platform cannot keep a window out of captures)"
    supported = False

    def apply(self, window: QWidget, exclude: bool) -> bool:
        return False


def capture_exclusion_for(platform: str = sys.platform) -> CaptureExclusion:
    if platform == "win32":
        return WindowsDisplayAffinity()
    if platform == "darwin":
        return MacSharingType()
    return NoExclusion()


def _user32_set_affinity(hwnd: int, affinity: int) -> bool:
    if sys.platform != "win32":
        raise OSError("SetWindowDisplayAffinity exists on Windows only")
    from ctypes import wintypes

    user32 = ctypes.WinDLL("user32", use_last_error=True)
    call = user32.SetWindowDisplayAffinity
    call.argtypes = [wintypes.HWND, wintypes.DWORD]
    call.restype = wintypes.BOOL
    return bool(call(hwnd, affinity))


@functools.cache
def _libobjc() -> ctypes.CDLL:
    objc = ctypes.cdll.LoadLibrary("/usr/lib/libobjc.A.dylib")
    objc.sel_registerName.restype = ctypes.c_void_p
    objc.sel_registerName.argtypes = [ctypes.c_char_p]
    return objc


def _objc_send(receiver: int, selector: str, *args: int) -> int:
    """objc_msgSend with integer (pointer-sized) arguments and result."""
    if sys.platform != "darwin":
        raise OSError("the Objective-C runtime exists on macOS only")
    objc = _libobjc()
    send = objc.objc_msgSend
    # Typed per call: objc_msgSend takes whatever the selector's method takes.
    send.restype = ctypes.c_void_p
    send.argtypes = [ctypes.c_void_p, ctypes.c_void_p] + [ctypes.c_ulong] * len(args)
    selector_id = objc.sel_registerName(selector.encode("ascii"))
    result = send(receiver, selector_id, *args)
    return int(result or 0)

"""Whether the Linux desktop's Do Not Disturb is on, followed as it changes, without Qt.

Each desktop keeps it elsewhere (shared/reference/directories-and-dialing.md §5):

- KDE Plasma: the `Inhibited` property of org.freedesktop.Notifications, announced with
  PropertiesChanged on the session bus (Plasma turns it on by itself while the screen is
  shared). Other daemons that implement the property are followed the same way.
- GNOME: gsettings `org.gnome.desktop.notifications show-banners` (false means DND);
  `gsettings monitor` prints each change.
- Xfce: xfconf `/do-not-disturb` in channel `xfce4-notifyd`; `xfconf-query -m` prints
  each change.

Every watcher waits for the desktop to speak (a D-Bus signal, a line from a monitor
process) on a thread of its own; nothing polls. `on_change` is called from that thread with
the current state once at start and after every change; a watcher that cannot run (no bus,
no tool) reports False once and says why in the log.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import socket
import subprocess
import threading
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from desktop.adapters.child_process import end_child

log = logging.getLogger(__name__)

NOTIFICATIONS = "org.freedesktop.Notifications"
NOTIFICATIONS_PATH = "/org/freedesktop/Notifications"
BUS_TIMEOUT_S = 3.0
GNOME_SCHEMA = "org.gnome.desktop.notifications"
GNOME_KEY = "show-banners"
XFCE_CHANNEL = "xfce4-notifyd"
XFCE_PROPERTY = "/do-not-disturb"

OnChange = Callable[[bool], None]


class DoNotDisturbWatcher(Protocol):
    name: str

    def start(self, on_change: OnChange) -> None: ...

    def stop(self) -> None: ...


class NotificationsInhibited:
    """org.freedesktop.Notifications' `Inhibited`, read once and then followed through
    PropertiesChanged; a daemon that leaves the bus counts as off, a new one is read."""

    name = "org.freedesktop.Notifications Inhibited (KDE)"

    def __init__(self, bus_address: str | None = None) -> None:
        self._bus_address = bus_address
        self._conn: Any = None
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, on_change: OnChange) -> None:
        self._thread = threading.Thread(target=self._run, args=(on_change,),
                                        name="callercard-dnd-dbus", daemon=True)  # fmt: skip
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        conn = self._conn
        if conn is not None:
            # Wakes the blocked receive; closing alone would not on Linux.
            with contextlib.suppress(OSError):
                conn.sock.shutdown(socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join(BUS_TIMEOUT_S)
        if conn is not None:
            conn.close()

    def _run(self, on_change: OnChange) -> None:
        from jeepney import HeaderFields, MatchRule  # type: ignore[import-untyped]
        from jeepney.bus_messages import message_bus  # type: ignore[import-untyped]
        from jeepney.io.blocking import open_dbus_connection  # type: ignore[import-untyped]

        address = self._bus_address or os.environ.get("DBUS_SESSION_BUS_ADDRESS")
        if not address:
            log.info("do not disturb: no session bus, so it is taken as off")
            on_change(False)
            return
        try:
            conn = open_dbus_connection(bus=address, auth_timeout=BUS_TIMEOUT_S)
        except (OSError, ValueError, StopIteration) as exc:
            log.info("do not disturb: cannot reach the session bus (%s); taken as off", exc)
            on_change(False)
            return
        self._conn = conn
        changed = MatchRule(type="signal", interface="org.freedesktop.DBus.Properties",
                            member="PropertiesChanged", path=NOTIFICATIONS_PATH)  # fmt: skip
        changed.add_arg_condition(0, NOTIFICATIONS)
        owner = MatchRule(type="signal", sender="org.freedesktop.DBus",
                          interface="org.freedesktop.DBus", member="NameOwnerChanged")  # fmt: skip
        owner.add_arg_condition(0, NOTIFICATIONS)
        signals: deque[Any] = deque(maxlen=64)
        try:
            with conn.filter(changed, queue=signals), conn.filter(owner, queue=signals):
                for rule in (changed, owner):
                    conn.send_and_get_reply(message_bus.AddMatch(rule), timeout=BUS_TIMEOUT_S)
                on_change(self._read(conn))
                while not self._stopping.is_set():
                    message = conn.recv_until_filtered(signals)
                    if message.header.fields.get(HeaderFields.member) == "PropertiesChanged":
                        _, values, invalidated = message.body
                        if "Inhibited" in values:
                            on_change(bool(values["Inhibited"][1]))
                        elif "Inhibited" in invalidated:
                            on_change(self._read(conn))
                    else:  # the daemon came or went: what the new one says, or off
                        on_change(self._read(conn) if message.body[2] else False)
        except (OSError, ValueError, TimeoutError) as exc:
            if not self._stopping.is_set():
                log.warning("do not disturb: the session bus went away (%s); taken as off", exc)
                on_change(False)

    def _read(self, conn: Any) -> bool:
        from jeepney import DBusAddress, MessageType, Properties

        address = DBusAddress(NOTIFICATIONS_PATH, bus_name=NOTIFICATIONS,
                              interface=NOTIFICATIONS)  # fmt: skip
        reply = conn.send_and_get_reply(Properties(address).get("Inhibited"),
                                        timeout=BUS_TIMEOUT_S)  # fmt: skip
        if reply.header.message_type is MessageType.error:
            return False  # no daemon, or one without the property: nothing is inhibited
        signature, value = reply.body[0]
        return signature == "b" and bool(value)


class MonitoredSetting:
    """A desktop setting read with one command and followed by a monitor command that
    prints a line per change (gsettings monitor, xfconf-query -m): each line re-reads it."""

    def __init__(self, name: str, read: list[str], monitor: list[str],
                 is_on: Callable[[str], bool]) -> None:  # fmt: skip
        self.name = name
        self._read_command = read
        self._monitor_command = monitor
        self._is_on = is_on
        self._process: subprocess.Popen[str] | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    def start(self, on_change: OnChange) -> None:
        self._thread = threading.Thread(target=self._run, args=(on_change,),
                                        name="callercard-dnd-monitor", daemon=True)  # fmt: skip
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        process = self._process
        if process is not None:
            end_child(process, BUS_TIMEOUT_S)
        if self._thread is not None:
            self._thread.join(BUS_TIMEOUT_S)
        if process is not None and process.stdout is not None:
            process.stdout.close()

    def _read(self) -> bool:
        done = subprocess.run(self._read_command, capture_output=True, text=True,
                              timeout=BUS_TIMEOUT_S, check=False)  # fmt: skip
        if done.returncode != 0:
            log.info("do not disturb: %s said %s; taken as off", self._read_command[0],
                     done.stderr.strip() or f"exit {done.returncode}")  # fmt: skip
            return False
        return self._is_on(done.stdout.strip())

    def _run(self, on_change: OnChange) -> None:
        try:
            # The monitor first, so a change made between the read and its start is not lost.
            self._process = subprocess.Popen(
                self._monitor_command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                stdin=subprocess.DEVNULL, text=True,
            )  # fmt: skip
            on_change(self._read())
            assert self._process.stdout is not None
            for _line in self._process.stdout:
                if self._stopping.is_set():
                    return
                on_change(self._read())
        except (OSError, subprocess.SubprocessError) as exc:
            log.info("do not disturb: %s cannot run (%s); taken as off", self.name, exc)
            on_change(False)


def gnome_banners(gsettings: str = "gsettings") -> MonitoredSetting:
    return MonitoredSetting(
        "GNOME show-banners (gsettings)",
        [gsettings, "get", GNOME_SCHEMA, GNOME_KEY],
        [gsettings, "monitor", GNOME_SCHEMA, GNOME_KEY],
        lambda text: text == "false",  # banners hidden: Do Not Disturb
    )


def xfce_do_not_disturb(xfconf_query: str = "xfconf-query") -> MonitoredSetting:
    return MonitoredSetting(
        "Xfce do-not-disturb (xfconf)",
        [xfconf_query, "-c", XFCE_CHANNEL, "-p", XFCE_PROPERTY],
        [xfconf_query, "-c", XFCE_CHANNEL, "-p", XFCE_PROPERTY, "-m"],
        lambda text: text == "true",
    )


def choose_watcher(env: Mapping[str, str]) -> DoNotDisturbWatcher:
    """The watcher for this desktop (XDG_CURRENT_DESKTOP), logged; KDE's D-Bus property
    is the default, as other notification daemons implement it too."""
    desktops = {part.strip().upper() for part in env.get("XDG_CURRENT_DESKTOP", "").split(":")}
    watcher: DoNotDisturbWatcher
    gsettings = shutil.which("gsettings")
    xfconf = shutil.which("xfconf-query")
    if desktops & {"GNOME", "UNITY", "BUDGIE", "PANTHEON"} and gsettings:
        watcher = gnome_banners(gsettings)
    elif "XFCE" in desktops and xfconf:
        watcher = xfce_do_not_disturb(xfconf)
    else:
        watcher = NotificationsInhibited(env.get("DBUS_SESSION_BUS_ADDRESS"))
    log.info("do not disturb: following %s", watcher.name)
    return watcher

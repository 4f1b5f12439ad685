"""A notification daemon with KDE's Do Not Disturb, as a child process on a test's session bus.

Owns org.freedesktop.Notifications, answers Properties.Get/GetAll for `Inhibited`, and takes
commands on stdin: `on` / `off` set `Inhibited` and announce it with PropertiesChanged, as
Plasma does; `invalidate X` sets it to X and announces only that it changed (the other form
the signal allows). It prints `ready` once it owns the name and `done` after each command.

    python fake_notifications_daemon.py BUS_ADDRESS [on|off]
"""

from __future__ import annotations

import sys
import threading
from typing import Any

from jeepney import (
    DBusAddress,
    HeaderFields,
    MessageType,
    new_error,
    new_method_return,
    new_signal,
)
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection

NAME = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"
PROPERTIES = "org.freedesktop.DBus.Properties"


class Daemon:
    def __init__(self, address: str, inhibited: bool) -> None:
        self.conn = open_dbus_connection(address)
        self.inhibited = inhibited
        self.lock = threading.Lock()  # one writer on the socket at a time
        reply = self.conn.send_and_get_reply(message_bus.RequestName(NAME))
        assert reply.body[0] == 1, f"could not own {NAME}: {reply.body}"

    def send(self, message: Any) -> None:
        with self.lock:
            self.conn.send(message)

    def serve(self) -> None:
        while True:
            msg = self.conn.receive()
            if msg.header.message_type is not MessageType.method_call:
                continue
            fields = msg.header.fields
            member = fields.get(HeaderFields.member)
            if fields.get(HeaderFields.interface) == PROPERTIES and member == "Get":
                interface, prop = msg.body
                if interface == NAME and prop == "Inhibited":
                    self.send(new_method_return(msg, "v", (("b", self.inhibited),)))
                    continue
            elif fields.get(HeaderFields.interface) == PROPERTIES and member == "GetAll":
                self.send(new_method_return(msg, "a{sv}", ({"Inhibited": ("b", self.inhibited)},)))
                continue
            self.send(new_error(msg, "org.freedesktop.DBus.Error.UnknownMethod", "s", (member,)))

    def announce(self, inhibited: bool, *, invalidate: bool) -> None:
        self.inhibited = inhibited
        changed: dict[str, tuple[str, bool]] = {} if invalidate else {"Inhibited": ("b", inhibited)}
        emitter = DBusAddress(PATH, interface=PROPERTIES)
        gone = ["Inhibited"] if invalidate else []
        self.send(new_signal(emitter, "PropertiesChanged", "sa{sv}as", (NAME, changed, gone)))


def main() -> None:
    address = sys.argv[1]
    daemon = Daemon(address, len(sys.argv) > 2 and sys.argv[2] == "on")
    threading.Thread(target=daemon.serve, daemon=True).start()
    print("ready", flush=True)
    for line in sys.stdin:
        words = line.split()
        if words[:1] == ["invalidate"]:
            daemon.announce(words[1] == "on", invalidate=True)
        elif words:
            daemon.announce(words[0] == "on", invalidate=False)
        print("done", flush=True)


if __name__ == "__main__":
    main()

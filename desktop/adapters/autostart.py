"""Start CallerCard when I log in: one login entry per platform, straight into the tray.

The methods are ordered candidates; the first one usable here is chosen and the choice is
logged (qutebrowser's and maestral's pattern):

1. Flatpak Background portal: inside a sandbox the host's autostart folder is out of reach,
   so the desktop is asked to start us (org.freedesktop.portal.Background).
2. XDG autostart entry: `$XDG_CONFIG_HOME/autostart/io.callercard.CallerCard.desktop`.
3. macOS LaunchAgent: `~/Library/LaunchAgents/io.callercard.CallerCard.plist`. A login item
   (SMAppService) needs a signed bundle and takes no arguments; a LaunchAgent works for a
   pip install too and passes --background.
4. Windows Run key: `HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run`, value CallerCard.

Every entry runs `--background`, so a login starts the tray without opening a window.
"""

from __future__ import annotations

import logging
import os
import plistlib
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from desktop.adapters.atomic_file import write_atomic
from desktop.adapters.regular_file import read_regular

log = logging.getLogger(__name__)

APP_ID = "io.callercard.CallerCard"
RUN_VALUE = "CallerCard"
_MAX_ENTRY_BYTES = 64 * 1024  # a .desktop entry of ours is a few hundred bytes
RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
PORTAL_TIMEOUT_S = 120.0  # the desktop may ask the user first; nobody answers in 5 s


class AutostartError(Exception):
    """The login entry could not be written or removed; the message says where and why."""


class AutostartMethod(Protocol):
    title: str  # for the log and the settings window: "XDG autostart entry", …

    def unusable(self) -> str:
        """Why this method cannot work here; "" when it can."""
        ...

    def enable(self, argv: Sequence[str]) -> str:
        """Start `argv` at login; returns where the entry went."""
        ...

    def disable(self) -> None: ...

    def is_enabled(self) -> bool | None:
        """None when the platform cannot be asked (the Flatpak portal)."""
        ...


def in_flatpak(env: Mapping[str, str] = os.environ) -> bool:
    return "FLATPAK_ID" in env or Path("/.flatpak-info").exists()


def launch_argv(extra: Sequence[str] = (), env: Mapping[str, str] = os.environ) -> list[str]:
    """The command a login runs: this very program, into the tray, with `extra` arguments."""
    if env.get("APPIMAGE"):  # the mounted image goes away; the .AppImage file stays
        base = [env["APPIMAGE"]]
    elif in_flatpak(env):
        base = ["callercard"]  # the manifest's command, inside the sandbox
    elif getattr(sys, "frozen", False):
        base = [sys.executable]
    else:
        base = [sys.executable, "-m", "desktop"]
    return [*base, "--background", *extra]


# --- XDG autostart ------------------------------------------------------------------------------

# Desktop Entry Specification, "The Exec key": these force an argument into double quotes,
# and inside the quotes ", `, $ and \ take a backslash.
_EXEC_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


def exec_quote(arg: str) -> str:
    """One argument for an Exec= line, as the key file stores it."""
    if arg and not (set(arg) & _EXEC_RESERVED):
        quoted = arg
    else:
        inner = "".join("\\" + c if c in '"`$\\' else c for c in arg)
        quoted = f'"{inner}"'
    # "%" starts a field code; a literal one is doubled. Then the key file's own escaping
    # doubles every backslash again (the spec's four-backslash rule).
    return quoted.replace("%", "%%").replace("\\", "\\\\")


def _entry_value(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n")


class _LoginFile:
    """A login item that is one file the session reads at login: written whole, or removed."""

    path: Path
    noun: str  # what the file is called in messages

    def content(self, argv: Sequence[str]) -> bytes:
        raise NotImplementedError

    def enable(self, argv: Sequence[str]) -> str:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(self.path, self.content(argv), mode=0o644)
        except OSError as exc:
            raise AutostartError(
                f"{self.path}: cannot write the {self.noun} ({exc.strerror or exc})"
            ) from exc
        return str(self.path)

    def disable(self) -> None:
        try:
            self.path.unlink(missing_ok=True)
        except OSError as exc:
            raise AutostartError(
                f"{self.path}: cannot remove the {self.noun} ({exc.strerror or exc})"
            ) from exc


class XdgAutostart(_LoginFile):
    title = "XDG autostart entry"
    noun = "login entry"

    def __init__(self, config_home: Path, platform: str = sys.platform,
                 env: Mapping[str, str] = os.environ) -> None:  # fmt: skip
        self.path = config_home / "autostart" / f"{APP_ID}.desktop"
        self._platform = platform
        self._env = env

    def unusable(self) -> str:
        if self._platform in ("win32", "darwin", "cygwin"):
            return f"not used on {self._platform}"
        if in_flatpak(self._env):
            return "inside a Flatpak sandbox the host's autostart folder is not ours"
        return ""

    def entry(self, argv: Sequence[str]) -> str:
        lines = [
            "[Desktop Entry]",
            "Type=Application",
            "Name=CallerCard",
            "Comment=Pops a prepared card the instant a prospect calls back",
            "Exec=" + " ".join(exec_quote(a) for a in argv),
            f"Icon={APP_ID}",
            "Terminal=false",
            "NoDisplay=true",
            "X-GNOME-Autostart-enabled=true",
            # KDE starts autostart entries before the panel; a tray app wants the panel first.
            "X-KDE-autostart-after=panel",
        ]
        if os.path.isabs(argv[0]):
            # A moved or removed install then skips the entry instead of failing at login.
            lines.insert(5, "TryExec=" + _entry_value(argv[0]))
        return "\n".join(lines) + "\n"

    def content(self, argv: Sequence[str]) -> bytes:
        return self.entry(argv).encode("utf-8")

    def is_enabled(self) -> bool | None:
        try:
            text = read_regular(self.path, _MAX_ENTRY_BYTES).decode("utf-8")
        except (OSError, UnicodeDecodeError):
            return False
        keys = dict(line.split("=", 1) for line in text.splitlines() if "=" in line)
        return keys.get("Hidden") != "true" and keys.get("X-GNOME-Autostart-enabled") != "false"


# --- Flatpak Background portal -----------------------------------------------------------------

# (response code, results) from org.freedesktop.portal.Request.Response.
PortalCall = Callable[[dict[str, tuple[str, Any]]], tuple[int, dict[str, Any]]]


class FlatpakPortal:
    title = "Flatpak Background portal"

    def __init__(self, env: Mapping[str, str] = os.environ, call: PortalCall | None = None,
                 bus_address: str | None = None) -> None:  # fmt: skip
        self._env = env
        self._bus_address = bus_address
        self._call = call or self._request_background

    def unusable(self) -> str:
        return "" if in_flatpak(self._env) else "not inside a Flatpak sandbox"

    def _ask(self, autostart: bool, argv: Sequence[str]) -> None:
        options: dict[str, tuple[str, Any]] = {
            "reason": ("s", "Start CallerCard when you log in, so it can show who is calling."),
            "autostart": ("b", autostart),
            "dbus-activatable": ("b", False),
        }
        if argv:
            options["commandline"] = ("as", list(argv))
        try:
            code, results = self._call(options)
        except (OSError, TimeoutError, ValueError, KeyError) as exc:
            raise AutostartError(f"the Background portal did not answer ({exc})") from exc
        granted = results.get("autostart", ("b", False))
        granted_value = granted[1] if isinstance(granted, tuple) else granted
        if code == 1:
            raise AutostartError(
                "the desktop declined to start CallerCard at login; allow it under "
                "Background apps in the system settings"
            )
        if code != 0:
            raise AutostartError(f"the Background portal failed (response {code})")
        if autostart and not granted_value:
            raise AutostartError("the desktop did not allow CallerCard to start at login")

    def enable(self, argv: Sequence[str]) -> str:
        self._ask(True, argv)
        return "the desktop's Background portal"

    def disable(self) -> None:
        self._ask(False, ())

    def is_enabled(self) -> bool | None:
        return None  # the portal has no question for this; the setting is the record

    def _request_background(
        self, options: dict[str, tuple[str, Any]]
    ) -> tuple[int, dict[str, Any]]:
        """RequestBackground over the session bus, waiting for the Request's Response."""
        import secrets  # here, not at start-up: it maps OpenSSL (~3 MB)

        from jeepney import DBusAddress, MatchRule, MessageType, new_method_call  # type: ignore[import-untyped]
        from jeepney.bus_messages import message_bus  # type: ignore[import-untyped]
        from jeepney.io.blocking import open_dbus_connection  # type: ignore[import-untyped]

        portal = DBusAddress("/org/freedesktop/portal/desktop",
                             bus_name="org.freedesktop.portal.Desktop",
                             interface="org.freedesktop.portal.Background")  # fmt: skip
        token = f"callercard{secrets.token_hex(6)}"
        conn = open_dbus_connection(bus=self._bus_address or "SESSION")
        try:
            sender = conn.unique_name.lstrip(":").replace(".", "_")
            # Subscribing before the call: the portal may answer before the reply arrives.
            handle = f"/org/freedesktop/portal/desktop/request/{sender}/{token}"
            rule = MatchRule(type="signal", interface="org.freedesktop.portal.Request",
                             member="Response", path=handle)  # fmt: skip
            conn.send_and_get_reply(message_bus.AddMatch(rule), timeout=10)
            with conn.filter(rule) as responses:
                body = ("", {**options, "handle_token": ("s", token)})
                reply = conn.send_and_get_reply(
                    new_method_call(portal, "RequestBackground", "sa{sv}", body), timeout=10
                )
                if reply.header.message_type is MessageType.error:
                    raise OSError(f"{reply.body[0] if reply.body else 'D-Bus error'}")
                signal = conn.recv_until_filtered(responses, timeout=PORTAL_TIMEOUT_S)
        finally:
            conn.close()
        code, results = signal.body
        return int(code), dict(results)


# --- macOS LaunchAgent --------------------------------------------------------------------------


class LaunchAgent(_LoginFile):
    title = "macOS LaunchAgent"
    noun = "LaunchAgent"

    def __init__(self, home: Path, platform: str = sys.platform) -> None:
        self.path = home / "Library" / "LaunchAgents" / f"{APP_ID}.plist"
        self._platform = platform

    def unusable(self) -> str:
        return "" if self._platform == "darwin" else f"not used on {self._platform}"

    def plist(self, argv: Sequence[str]) -> bytes:
        return plistlib.dumps(
            {
                "Label": APP_ID,
                "ProgramArguments": list(argv),
                "RunAtLoad": True,
                "KeepAlive": False,
                # A GUI app: only in the logged-in user's window session, scheduled as one.
                "LimitLoadToSessionType": "Aqua",
                "ProcessType": "Interactive",
            }
        )

    def content(self, argv: Sequence[str]) -> bytes:
        return self.plist(argv)

    def is_enabled(self) -> bool | None:
        return self.path.exists()


# --- Windows Run key ----------------------------------------------------------------------------


class RunKeyStore(Protocol):
    """The values under HKCU\\…\\Run; tests use a dict-backed one."""

    def get(self, name: str) -> str | None: ...

    def set(self, name: str, value: str) -> None: ...

    def delete(self, name: str) -> None: ...


class WinregRunKey:
    """The real Run key, through winreg (Windows only)."""

    def get(self, name: str) -> str | None:
        if sys.platform == "win32":
            import winreg

            try:
                with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY) as key:
                    value, _kind = winreg.QueryValueEx(key, name)
            except FileNotFoundError:
                return None
            return str(value)
        return None

    def set(self, name: str, value: str) -> None:
        if sys.platform == "win32":
            import winreg

            with winreg.CreateKey(winreg.HKEY_CURRENT_USER, RUN_KEY) as key:
                winreg.SetValueEx(key, name, 0, winreg.REG_SZ, value)
            return
        raise OSError("the Windows registry exists only on Windows")

    def delete(self, name: str) -> None:
        if sys.platform == "win32":
            import winreg

            try:
                access = winreg.KEY_SET_VALUE
                with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY, 0, access) as key:
                    winreg.DeleteValue(key, name)
            except FileNotFoundError:
                pass


class WindowsRunKey:
    title = "Windows Run key"

    def __init__(self, registry: RunKeyStore | None = None, platform: str = sys.platform) -> None:
        self._registry = registry or WinregRunKey()
        self._platform = platform

    def unusable(self) -> str:
        return "" if self._platform == "win32" else f"not used on {self._platform}"

    @staticmethod
    def command_line(argv: Sequence[str]) -> str:
        # The shell splits this with CommandLineToArgvW rules, which list2cmdline writes.
        return subprocess.list2cmdline(list(argv))

    def enable(self, argv: Sequence[str]) -> str:
        try:
            self._registry.set(RUN_VALUE, self.command_line(argv))
        except OSError as exc:
            raise AutostartError(f"HKCU\\{RUN_KEY}: cannot set {RUN_VALUE} ({exc})") from exc
        return f"HKCU\\{RUN_KEY}\\{RUN_VALUE}"

    def disable(self) -> None:
        try:
            self._registry.delete(RUN_VALUE)
        except OSError as exc:
            raise AutostartError(f"HKCU\\{RUN_KEY}: cannot remove {RUN_VALUE} ({exc})") from exc

    def is_enabled(self) -> bool | None:
        return self._registry.get(RUN_VALUE) is not None


# --- the choice ---------------------------------------------------------------------------------


def autostart_candidates(
    platform: str = sys.platform,
    env: Mapping[str, str] = os.environ,
    home: Path | None = None,
) -> list[AutostartMethod]:
    home = home or Path.home()
    config_home = Path(env.get("XDG_CONFIG_HOME") or home / ".config")
    return [
        FlatpakPortal(env),
        XdgAutostart(config_home, platform, env),
        LaunchAgent(home, platform),
        WindowsRunKey(platform=platform),
    ]


def choose_autostart(candidates: Sequence[AutostartMethod]) -> AutostartMethod | None:
    """The first usable method, logged with the reasons the earlier ones were passed over."""
    passed: list[str] = []
    for method in candidates:
        why = method.unusable()
        if not why:
            log.info("autostart: using %s%s", method.title,
                     f" (passed over {'; '.join(passed)})" if passed else "")  # fmt: skip
            return method
        passed.append(f"{method.title}: {why}")
    log.warning("autostart: no way to start at login here (%s)", "; ".join(passed))
    return None


class LoginStart:
    """The app's handle on start-at-login: the chosen method, applied off the GUI thread.

    A portal may wait for the user's answer, so `apply` runs in a short-lived thread and
    hands any problem to `on_problem` (which must be safe to call from that thread).
    """

    def __init__(
        self,
        extra_args: Sequence[str],
        on_problem: Callable[[str], None],
        candidates: Sequence[AutostartMethod] | None = None,
    ) -> None:
        self.method = choose_autostart(autostart_candidates() if candidates is None else candidates)
        self._extra = list(extra_args)
        self._on_problem = on_problem

    @property
    def unavailable(self) -> str:
        """Why start-at-login cannot be offered here; "" when it can."""
        return "" if self.method is not None else "this system offers no way to start at login"

    def apply_now(self, enabled: bool) -> None:
        method = self.method
        if method is None:
            if enabled:
                self._on_problem(f"Start at login: {self.unavailable}")
            return
        try:
            if enabled:
                where = method.enable(launch_argv(self._extra))
                log.info("autostart: on, through %s", where)
            else:
                method.disable()
                log.info("autostart: off (%s)", method.title)
        except AutostartError as exc:
            log.warning("autostart: %s", exc)
            self._on_problem(f"Start at login: {exc}")

    def apply(self, enabled: bool) -> threading.Thread:
        thread = threading.Thread(
            target=self.apply_now, args=(enabled,), name="callercard-autostart", daemon=True
        )
        thread.start()
        return thread

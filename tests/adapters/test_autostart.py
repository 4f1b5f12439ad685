"""Start at login: the entry each platform gets, written for real where it can be."""

from __future__ import annotations

import logging
import plistlib
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Any

import pytest
from jeepney import DBusAddress, HeaderFields, new_method_return, new_signal
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection

from desktop.adapters.autostart import (
    APP_ID,
    AutostartError,
    FlatpakPortal,
    LaunchAgent,
    WindowsRunKey,
    XdgAutostart,
    autostart_candidates,
    choose_autostart,
    launch_argv,
)

ARGV = ["/opt/Caller Card/bin/callercard", "--background", "--data-dir", "/home/a/My $data 100%"]


def parse_exec(line: str) -> list[str]:
    """Undo the key-file escaping, then the Exec quoting, as a launcher does."""
    text = line.replace("\\\\", "\\").replace("%%", "%")
    args: list[str] = []
    current: list[str] = []
    quoted = escaped = False
    for char in text:
        if escaped:
            current.append(char)
            escaped = False
        elif quoted and char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == " " and not quoted:
            args.append("".join(current))
            current = []
        else:
            current.append(char)
    return [*args, "".join(current)]


def test_xdg_entry_starts_this_program_in_the_tray_and_passes_validation(tmp_path: Path) -> None:
    method = XdgAutostart(tmp_path / "config", "linux", env={})
    assert method.unusable() == ""
    assert method.enable(ARGV) == str(tmp_path / "config/autostart" / f"{APP_ID}.desktop")
    text = method.path.read_text(encoding="utf-8")
    keys = dict(line.split("=", 1) for line in text.splitlines() if "=" in line)
    assert parse_exec(keys["Exec"]) == ARGV
    assert keys["TryExec"] == ARGV[0]
    assert keys["X-KDE-autostart-after"] == "panel"
    assert method.is_enabled() is True
    validator = shutil.which("desktop-file-validate")
    if validator is None:
        pytest.fail("desktop-file-validate is missing (scripts/bootstrap: desktop-file-utils)")
    result = subprocess.run([validator, str(method.path)], capture_output=True, text=True)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout
    method.disable()
    method.disable()  # already gone: still fine
    assert method.is_enabled() is False


def test_an_entry_the_user_switched_off_in_the_desktop_counts_as_off(tmp_path: Path) -> None:
    method = XdgAutostart(tmp_path, "linux", env={})
    method.enable(ARGV)
    method.path.write_text(
        method.path.read_text(encoding="utf-8") + "Hidden=true\n", encoding="utf-8"
    )
    assert method.is_enabled() is False


def test_an_unwritable_autostart_folder_is_a_clear_error_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "autostart").write_text("a file where the folder should be", encoding="utf-8")
    method = XdgAutostart(tmp_path, "linux", env={})
    with pytest.raises(AutostartError, match=r"autostart/io\.callercard\.CallerCard\.desktop: "
                                             r"cannot write the login entry"):  # fmt: skip
        method.enable(ARGV)


def test_each_platform_picks_its_own_method_and_logs_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="desktop.adapters.autostart")

    def chosen(platform: str, env: dict[str, str]) -> str:
        method = choose_autostart(autostart_candidates(platform, env, tmp_path))
        assert method is not None
        return method.title

    assert chosen("linux", {}) == "XDG autostart entry"
    assert "passed over Flatpak Background portal: not inside a Flatpak sandbox" in caplog.text
    assert chosen("linux", {"FLATPAK_ID": APP_ID}) == "Flatpak Background portal"
    assert chosen("darwin", {}) == "macOS LaunchAgent"
    assert chosen("win32", {}) == "Windows Run key"
    assert chosen("freebsd14", {}) == "XDG autostart entry"


def test_the_xdg_entry_goes_where_xdg_config_home_says(tmp_path: Path) -> None:
    env = {"XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    method = choose_autostart(autostart_candidates("linux", env, tmp_path / "home"))
    assert isinstance(method, XdgAutostart)
    assert method.path == tmp_path / "cfg/autostart" / f"{APP_ID}.desktop"


def test_macos_launch_agent_runs_at_login_into_the_tray(tmp_path: Path) -> None:
    agent = LaunchAgent(tmp_path, "darwin")
    argv = ["/Applications/CallerCard.app/Contents/MacOS/CallerCard", "--background"]
    where = agent.enable(argv)
    assert where == str(tmp_path / "Library/LaunchAgents" / f"{APP_ID}.plist")
    plist = plistlib.loads(agent.path.read_bytes())
    assert plist == {
        "Label": APP_ID,
        "ProgramArguments": argv,
        "RunAtLoad": True,
        "KeepAlive": False,
        "LimitLoadToSessionType": "Aqua",
        "ProcessType": "Interactive",
    }
    assert agent.is_enabled() is True
    agent.disable()
    assert agent.is_enabled() is False


class DictRegistry:
    def __init__(self, fail: bool = False) -> None:
        self.values: dict[str, str] = {}
        self.fail = fail

    def get(self, name: str) -> str | None:
        return self.values.get(name)

    def set(self, name: str, value: str) -> None:
        if self.fail:
            raise PermissionError(5, "Access is denied")
        self.values[name] = value

    def delete(self, name: str) -> None:
        self.values.pop(name, None)


def test_windows_run_key_quotes_a_path_with_spaces(tmp_path: Path) -> None:
    registry = DictRegistry()
    method = WindowsRunKey(registry, "win32")
    argv = [r"C:\Program Files\CallerCard\CallerCard.exe", "--background"]
    assert method.enable(argv).endswith(r"CurrentVersion\Run\CallerCard")
    assert registry.values == {
        "CallerCard": r'"C:\Program Files\CallerCard\CallerCard.exe" --background'
    }
    assert method.is_enabled() is True
    method.disable()
    assert method.is_enabled() is False


def test_a_locked_down_registry_is_a_clear_error() -> None:
    method = WindowsRunKey(DictRegistry(fail=True), "win32")
    with pytest.raises(AutostartError, match=r"cannot set CallerCard .*Access is denied"):
        method.enable(["C:/x.exe", "--background"])


def test_the_login_command_is_this_program_into_the_tray(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    assert launch_argv(["--data-dir", "/d"], env={}) == [
        sys.executable, "-m", "desktop", "--background", "--data-dir", "/d"
    ]  # fmt: skip
    assert launch_argv(env={"APPIMAGE": "/home/a/CallerCard.AppImage"}) == [
        "/home/a/CallerCard.AppImage", "--background"
    ]  # fmt: skip
    assert launch_argv(env={"FLATPAK_ID": APP_ID}) == ["callercard", "--background"]
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert launch_argv(env={}) == [sys.executable, "--background"]


# --- the Flatpak portal, over a real D-Bus session bus ------------------------------------------


class FakePortal(threading.Thread):
    """Answers one RequestBackground the way xdg-desktop-portal does: reply, then Response."""

    def __init__(self, address: str, code: int, results: dict[str, tuple[str, Any]]) -> None:
        super().__init__(daemon=True)
        self.conn = open_dbus_connection(address)
        self.conn.send_and_get_reply(message_bus.RequestName("org.freedesktop.portal.Desktop"))
        self.code = code
        self.results = results
        self.seen: list[tuple[str, dict[str, tuple[str, Any]]]] = []

    def run(self) -> None:
        while True:
            msg = self.conn.receive(timeout=30)
            if msg.header.fields.get(HeaderFields.member) != "RequestBackground":
                continue
            _parent_window, options = msg.body
            self.seen.append((msg.header.fields[HeaderFields.signature], options))
            sender = msg.header.fields[HeaderFields.sender].lstrip(":").replace(".", "_")
            token = options["handle_token"][1]
            handle = f"/org/freedesktop/portal/desktop/request/{sender}/{token}"
            self.conn.send(new_method_return(msg, "o", (handle,)))
            request = DBusAddress(handle, interface="org.freedesktop.portal.Request")
            self.conn.send(new_signal(request, "Response", "ua{sv}", (self.code, self.results)))
            self.conn.close()
            return


def test_in_a_flatpak_the_desktop_is_asked_to_start_us(session_bus: str) -> None:
    portal = FakePortal(session_bus, 0, {"background": ("b", True), "autostart": ("b", True)})
    portal.start()
    method = FlatpakPortal({"FLATPAK_ID": APP_ID}, bus_address=session_bus)
    assert method.enable(["callercard", "--background"]) == "the desktop's Background portal"
    portal.join(10)
    [(signature, options)] = portal.seen
    assert signature == "sa{sv}"
    assert options["autostart"] == ("b", True)
    assert options["commandline"] == ("as", ["callercard", "--background"])
    assert options["reason"][1].startswith("Start CallerCard when you log in")


def test_a_user_who_says_no_to_the_portal_gets_told_where_to_change_it(session_bus: str) -> None:
    portal = FakePortal(session_bus, 1, {})
    portal.start()
    method = FlatpakPortal({"FLATPAK_ID": APP_ID}, bus_address=session_bus)
    with pytest.raises(AutostartError, match="Background apps in the system settings"):
        method.enable(["callercard", "--background"])
    portal.join(10)


def test_no_portal_on_the_bus_is_a_clear_error(session_bus: str) -> None:
    method = FlatpakPortal({"FLATPAK_ID": APP_ID}, bus_address=session_bus)
    with pytest.raises(AutostartError, match="the Background portal did not answer"):
        method.enable(["callercard", "--background"])

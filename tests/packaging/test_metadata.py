"""Desktop metadata as the platforms' own validators and stores read it.

desktop-file-validate and appstreamcli run for real (scripts/bootstrap installs them); the
Flatpak manifest is held to the permissions the app needs; the Windows installer and the
macOS Info.plist agree with what the app itself writes and expects.
"""

from __future__ import annotations

import json
import plistlib
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from desktop.adapters.autostart import APP_ID, RUN_KEY, RUN_VALUE
from tests.conftest import REPO

PACKAGING = REPO / "packaging"
DESKTOP = PACKAGING / "linux" / f"{APP_ID}.desktop"
METAINFO = PACKAGING / "linux" / f"{APP_ID}.metainfo.xml"
FLATPAK = PACKAGING / "linux" / f"{APP_ID}.json"


def tool(name: str, package: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing; scripts/bootstrap installs it ({package})")
    return path


def desktop_keys(path: Path) -> dict[str, str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line and not line.startswith("#"))


def test_the_desktop_entry_passes_desktop_file_validate() -> None:
    result = subprocess.run([tool("desktop-file-validate", "desktop-file-utils"), str(DESKTOP)],
                            capture_output=True, text=True)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == ""  # not even a hint
    keys = desktop_keys(DESKTOP)
    assert keys["Exec"] == "callercard --open %F"
    assert "text/csv" in keys["MimeType"] and "text/vcard" in keys["MimeType"]
    assert keys["Icon"] == APP_ID


def test_the_appstream_metadata_passes_appstreamcli() -> None:
    result = subprocess.run(
        [tool("appstreamcli", "appstream"), "validate", "--no-net", str(METAINFO)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"\bwarnings?: \d", result.stdout) is None, result.stdout
    root = ET.parse(METAINFO).getroot()
    assert root.findtext("id") == APP_ID
    assert root.findtext("launchable") == DESKTOP.name
    assert root.find("content_rating") is not None


def test_flatpak_asks_only_for_what_the_app_uses() -> None:
    manifest = json.loads(FLATPAK.read_text(encoding="utf-8"))
    assert manifest["id"] == APP_ID
    args = manifest["finish-args"]
    talk = sorted(a.split("=", 1)[1] for a in args if a.startswith("--talk-name="))
    assert talk == [
        "org.freedesktop.Notifications",  # the notifier when a card would be hidden
        "org.freedesktop.secrets",  # the secret store
        "org.kde.StatusNotifierWatcher",  # the tray
    ]
    files = [a.split("=", 1)[1] for a in args if a.startswith("--filesystem=")]
    assert files and all(f.endswith(":ro") for f in files)  # softphone logs, read only
    assert not any(f.split(":")[0] in ("home", "host", "~", "/") for f in files)
    banned = ("--socket=session-bus", "--socket=system-bus", "--device=all", "--share=network")
    assert not [a for a in args if a.startswith(banned)]
    # What the build installs exists, under the names the portal and the desktop look for.
    commands = " ".join(manifest["modules"][-1]["build-commands"])
    for source in re.findall(r"install -Dm644 (\S+) ", commands):
        assert (REPO / source).is_file(), source
    assert f"share/applications/{APP_ID}.desktop" in commands
    assert f"share/metainfo/{APP_ID}.metainfo.xml" in commands
    assert f"share/icons/hicolor/scalable/apps/{APP_ID}.svg" in commands


def test_the_macos_bundle_lives_in_the_menu_bar_only() -> None:
    info = plistlib.loads((PACKAGING / "macos" / "Info.plist").read_bytes())
    assert info["LSUIElement"] is True  # no Dock icon, no app menu: a menu-bar app
    assert info["CFBundleIdentifier"] == APP_ID
    assert info["NSHighResolutionCapable"] is True
    assert info["NSRequiresAquaSystemAppearance"] is False  # follows dark mode
    entitlements = plistlib.loads((PACKAGING / "macos" / "entitlements.plist").read_bytes())
    assert entitlements == {}  # hardened runtime without exceptions


def test_the_windows_installer_writes_the_run_key_the_app_manages() -> None:
    script = (PACKAGING / "windows" / "callercard.iss").read_text(encoding="utf-8")
    assert "PrivilegesRequired=lowest" in script  # per user, like the Run key it writes
    assert f'#define RunKey "{RUN_KEY}"' in script
    assert f'#define AppName "{RUN_VALUE}"' in script
    assert '""{app}\\{#AppExe}"" --background' in script  # quoted path, straight to the tray
    assert "uninsdeletevalue" in script


def test_the_spec_ships_what_a_frozen_app_would_lose() -> None:
    spec = (PACKAGING / "callercard.spec").read_text(encoding="utf-8")
    assert 'copy_metadata("keyring")' in spec
    assert 'collect_submodules("phonenumbers.geodata")' in spec
    for backend in ("SecretService", "macOS", "Windows"):
        assert f'"keyring.backends.{backend}"' in spec
    for package in ("desktop.resources", "desktop.resources.icons", "desktop.resources.demo"):
        assert f'("{package}", ' in spec

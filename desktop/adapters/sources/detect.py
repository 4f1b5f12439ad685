"""Which softphones' call logs exist on this machine, at their default places per OS.

Settings offers what is found here with a checkbox each; nothing is watched until the user
says so. The places come from each program's source or documentation (softphones.md §3).
Yate has no default: its ``cdrfile.conf`` names the file, so that is read when present.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from desktop.adapters.regular_file import read_regular
from desktop.adapters.sources.registry import SOURCE_KINDS

_YATE_CONFS = ("etc/yate/cdrfile.conf", "usr/local/etc/yate/cdrfile.conf")
_YATE_FILE = re.compile(r"^\s*file\s*=\s*(\S.*?)\s*$", re.MULTILINE)
_MAX_CONF_BYTES = 256 * 1024


@dataclass(frozen=True)
class FoundLog:
    kind: str  # a SOURCE_KINDS name
    path: Path
    title: str  # for people: the kind's title

    @property
    def label(self) -> str:
        return f"{self.title} — {self.path}"


def detect_softphones(
    *,
    home: Path | None = None,
    env: Mapping[str, str] | None = None,
    platform: str | None = None,
    root: Path = Path("/"),
) -> list[FoundLog]:
    """Every known call log that exists, for the current user on ``platform`` (sys.platform
    by default). ``root`` is where absolute system paths (/var/log…) are looked up."""
    env = os.environ if env is None else env
    home = Path.home() if home is None else home
    platform = sys.platform if platform is None else platform
    found: list[FoundLog] = []
    seen: set[tuple[str, Path]] = set()
    for kind, path in _candidates(home, env, platform, root):
        if kind not in SOURCE_KINDS or (kind, path) in seen:
            continue
        seen.add((kind, path))
        if _exists(kind, path):
            found.append(FoundLog(kind, path, SOURCE_KINDS[kind].title))
    return found


def _exists(kind: str, path: Path) -> bool:
    try:
        if kind == "jitsi":
            return path.is_dir()
        if kind == "linphonerc":  # offered only when it keeps calls (no-database builds)
            return b"[call_log_" in read_regular(path, _MAX_CONF_BYTES * 4)
        return path.is_file()
    except OSError:
        return False


def _candidates(
    home: Path, env: Mapping[str, str], platform: str, root: Path
) -> Iterator[tuple[str, Path]]:
    if platform.startswith("win"):
        appdata = Path(env.get("APPDATA") or home / "AppData" / "Roaming")
        local = Path(env.get("LOCALAPPDATA") or home / "AppData" / "Local")
        yield "microsip", appdata / "MicroSIP" / "microsip.ini"
        yield "linphone", local / "linphone" / "linphone.db"
        yield "linphone-legacy", local / "linphone" / "call-history.db"
        yield "jitsi", appdata / "Jitsi" / _JITSI_HISTORY
        return
    if platform == "darwin":
        support = home / "Library" / "Application Support"
        yield "linphone", support / "linphone" / "linphone.db"
        yield "linphone-legacy", support / "linphone" / "call-history.db"
        yield "linphonerc", home / ".linphonerc"
        yield "jitsi", support / "Jitsi" / _JITSI_HISTORY
        yield from _telephone(home)
        return
    data = Path(env.get("XDG_DATA_HOME") or home / ".local" / "share")
    config = Path(env.get("XDG_CONFIG_HOME") or home / ".config")
    yield "linphone", data / "linphone" / "linphone.db"
    yield "linphone-legacy", data / "linphone" / "call-history.db"
    yield "linphonerc", config / "linphone" / "linphonerc"
    yield "linphonerc", home / ".linphonerc"
    yield "twinkle", home / ".twinkle" / "twinkle.ch"
    yield "jitsi", home / ".jitsi" / _JITSI_HISTORY
    yield "asterisk", root / "var/log/asterisk/cdr-csv/Master.csv"
    yield "freeswitch", root / "var/log/freeswitch/cdr-csv/Master.csv"
    yield "freeswitch", root / "usr/local/freeswitch/log/cdr-csv/Master.csv"
    for conf in _YATE_CONFS:
        path = _yate_file(root / conf)
        if path is not None:
            yield "yate", path if not path.is_absolute() else root / path.relative_to("/")


_JITSI_HISTORY = Path("history_ver1.0", "callhistory", "default", "default")


def _telephone(home: Path) -> Iterator[tuple[str, Path]]:
    """One plist per account; the sandboxed app keeps them inside its container."""
    for base in (
        home / "Library/Containers/com.tlphn.Telephone/Data/Library/Application Support",
        home / "Library/Application Support",
    ):
        folder = base / "com.tlphn.Telephone" / "CallHistories"
        try:
            plists = sorted(folder.glob("*.plist"))
        except OSError:
            continue
        for plist in plists:
            yield "telephone", plist


def _yate_file(conf: Path) -> Path | None:
    try:
        text = read_regular(conf, _MAX_CONF_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return None
    match = _YATE_FILE.search(text)
    return Path(match.group(1)) if match else None

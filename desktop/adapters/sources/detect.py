"""Which softphones' call logs exist on this machine, at their default places per OS.

Settings offers what is found here with a checkbox each; nothing is watched until the user
says so. The places are the softphone table's (core/softphones.py). Yate has no default: its
``cdrfile.conf`` names the file, so that is read when present.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from desktop.adapters.regular_file import read_regular
from desktop.core.softphones import OS, SOFTPHONES, Base, Found, LogFormat, Place, log_formats

_CONF_FILE = re.compile(r"^\s*file\s*=\s*(\S.*?)\s*$", re.MULTILINE)
_MAX_CONF_BYTES = 256 * 1024


@dataclass(frozen=True)
class FoundLog:
    kind: str  # a source kind: a format name in the softphone table
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
    formats: tuple[LogFormat, ...] | None = None,
) -> list[FoundLog]:
    """Every known call log that exists, for the current user on ``platform`` (sys.platform
    by default). ``root`` is where absolute system paths (/var/log…) are looked up;
    ``formats`` are the softphone table's (core/softphones.py) unless given."""
    env = os.environ if env is None else env
    home = Path.home() if home is None else home
    family = OS.of(sys.platform if platform is None else platform)
    bases = _bases(home, env, root)
    found: list[FoundLog] = []
    seen: set[tuple[str, Path]] = set()
    for log in log_formats() if formats is None else formats:
        if not log.watchable:
            continue
        for place in log.places:
            if place.os is not family:
                continue
            for path in _paths(place, bases[place.base], root):
                if (log.name, path) in seen:
                    continue
                seen.add((log.name, path))
                if _exists(log, place, path):
                    found.append(FoundLog(log.name, path, log.title))
    return found


def set_up_softphones(
    *,
    home: Path | None = None,
    env: Mapping[str, str] | None = None,
    platform: str | None = None,
) -> list[str]:
    """The ids (core/softphones.py) of the softphones whose settings are here: each has been
    started by this user, though it may have logged no call yet."""
    env = os.environ if env is None else env
    home = Path.home() if home is None else home
    family = OS.of(sys.platform if platform is None else platform)
    bases = _bases(home, env, Path("/"))
    found: list[str] = []
    for phone in SOFTPHONES:
        for place in phone.homes:
            if place.os is family and _present(bases[place.base] / place.path):
                found.append(phone.id)
                break
    return found


def log_to_come(
    softphone_id: str,
    *,
    home: Path | None = None,
    env: Mapping[str, str] | None = None,
    platform: str | None = None,
) -> FoundLog | None:
    """Where a softphone set up here will write its call log, for one that has a single log
    file at a fixed place (Twinkle's twinkle.ch, made at the end of its first call): watched
    from the start, the calls the rep places in Twinkle itself are logged too. None for one
    whose log depends on its version (Linphone: linphone.db or call-history.db)."""
    home = Path.home() if home is None else home
    family = OS.of(sys.platform if platform is None else platform)
    formats = [f for p in SOFTPHONES if p.id == softphone_id for f in p.formats if f.watchable]
    if len(formats) != 1:
        return None
    log = formats[0]
    places = [p for p in log.places if p.os is family and p.found is Found.FILE]
    if len(places) != 1:
        return None
    base = _bases(home, os.environ if env is None else env, Path("/"))[places[0].base]
    return FoundLog(log.name, base / places[0].path, log.title)


def _present(path: Path) -> bool:
    try:
        return path.exists()
    except OSError:
        return False


def default_folder(
    kind: str,
    *,
    home: Path | None = None,
    env: Mapping[str, str] | None = None,
    platform: str | None = None,
) -> Path:
    """Where a file dialog asking for the log of `kind` (a format name in the softphone table)
    should open: the nearest folder that exists on the way to its default place on this OS
    (the rep's home when it has none), never the folder the app happened to start in."""
    home = Path.home() if home is None else home
    log = next((f for f in log_formats() if f.name == kind), None)
    if log is None:
        return home
    bases = _bases(home, os.environ if env is None else env, Path("/"))
    family = OS.of(sys.platform if platform is None else platform)
    for place in log.places:
        if place.os is family:
            folder = bases[place.base] / place.path
            folder = folder if place.found in (Found.FOLDER, Found.FILES_IN) else folder.parent
            for candidate in (folder, *folder.parents):
                if candidate.is_dir() and candidate != Path("/"):
                    return candidate
    return home


def _bases(home: Path, env: Mapping[str, str], root: Path) -> dict[Base, Path]:
    return {
        Base.HOME: home,
        Base.ROOT: root,
        Base.APPDATA: Path(env.get("APPDATA") or home / "AppData" / "Roaming"),
        Base.LOCAL_APPDATA: Path(env.get("LOCALAPPDATA") or home / "AppData" / "Local"),
        Base.XDG_DATA: Path(env.get("XDG_DATA_HOME") or home / ".local" / "share"),
        Base.XDG_CONFIG: Path(env.get("XDG_CONFIG_HOME") or home / ".config"),
    }


def _paths(place: Place, base: Path, root: Path) -> Iterator[Path]:
    path = base / place.path
    if place.found is Found.FILES_IN:
        try:
            yield from sorted(path.glob(place.pattern))
        except OSError:
            return
    elif place.found is Found.NAMED_IN_CONF:
        named = _conf_file(path)
        if named is not None:
            yield named if not named.is_absolute() else root / named.relative_to("/")
    else:
        yield path


def _exists(log: LogFormat, place: Place, path: Path) -> bool:
    try:
        if place.found is Found.FOLDER:
            return path.is_dir()
        if log.marker:
            return log.marker in read_regular(path, _MAX_CONF_BYTES * 4)
        if log.name == "linphone":
            # linphonec 5.1 makes a linphone.db too, with no calls table (it logs calls in
            # call-history.db): offered first, watching it gave only an error.
            from desktop.adapters.sources.linphone_db import has_call_table

            return path.is_file() and has_call_table(path)
        return path.is_file()
    except OSError:
        return False


def _conf_file(conf: Path) -> Path | None:
    try:
        text = read_regular(conf, _MAX_CONF_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return None
    match = _CONF_FILE.search(text)
    return Path(match.group(1)) if match else None

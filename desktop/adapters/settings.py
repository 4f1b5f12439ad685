"""Preferences as a declared, versioned schema, stored as JSON and written atomically.

A settings file that cannot be read is moved aside (never overwritten) and the problem is
reported, so a typo made by hand costs the user nothing they cannot recover.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from desktop.adapters.atomic_file import write_atomic
from desktop.adapters.regular_file import read_regular
from desktop.core.dialers import Dialer
from desktop.core.softphones import log_formats

SCHEMA_VERSION = 1
MAX_SETTINGS_BYTES = 4 * 1024 * 1024  # a few KB in use; a read is bounded all the same


def known_source_formats() -> tuple[str, ...]:
    """The source kinds --watch and the settings file accept: the softphone table's."""
    return tuple(f.name for f in log_formats() if f.watchable)


@dataclass(frozen=True)
class WatchedSource:
    format: str
    path: str

    @classmethod
    def parse(cls, spec: str) -> WatchedSource:
        """`FORMAT:PATH`, as given to --watch."""
        fmt, sep, path = spec.partition(":")
        fmt = fmt.strip().lower()
        if not sep or not path.strip():
            raise ValueError(f"--watch wants FORMAT:PATH, got {spec!r}")
        if fmt not in known_source_formats():
            known = ", ".join(known_source_formats())
            raise ValueError(f"unknown source format {fmt!r} in {spec!r} (known: {known})")
        return cls(fmt, path.strip())


@dataclass(frozen=True)
class Settings:
    region: str = ""  # "" means: from the system locale
    outside_line_prefixes: tuple[str, ...] = ()
    sources: tuple[WatchedSource, ...] = ()
    opener_templates: dict[str, str] = field(default_factory=dict)  # overrides by kind
    my_name: str = ""
    popups_paused: bool = False
    popups_paused_until: str = ""  # ISO 8601 with offset when the pause has an end, else ""
    start_at_login: bool = False
    # The other end's business hours, in their local time (Callbacks warns outside them)
    business_start_hour: int = 8
    business_end_hour: int = 18
    business_weekends: bool = False  # True: Saturday and Sunday are working days
    dialer: str = Dialer.AUTOMATIC.value  # "Place calls with" (core/dialers.py)
    # Cards kept out of screen captures, or redacted where the system cannot (core.redaction)
    keep_out_of_screen_shares: bool = False

    def pause_end(self) -> datetime | None:
        """When the pause ends; None when popups are not paused or paused with no end."""
        if not self.popups_paused or not self.popups_paused_until:
            return None
        try:
            until = datetime.fromisoformat(self.popups_paused_until)
        except ValueError:
            return None
        return until if until.tzinfo is not None else None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["version"] = SCHEMA_VERSION
        return data

    @classmethod
    def from_json(cls, data: object) -> Settings:
        if not isinstance(data, dict):
            raise ValueError("the top level is not an object")
        version = data.get("version", SCHEMA_VERSION)
        if not isinstance(version, int) or version > SCHEMA_VERSION:
            raise ValueError(f"settings version {version!r} is newer than this CallerCard")
        return cls(
            region=_str(data, "region").upper(),
            outside_line_prefixes=tuple(
                p for p in _str_list(data, "outside_line_prefixes") if p.isdigit()
            ),
            sources=tuple(_sources(data.get("sources", []))),
            opener_templates={
                k: v
                for k, v in _dict(data, "opener_templates").items()
                if isinstance(k, str) and isinstance(v, str)
            },
            my_name=_str(data, "my_name"),
            popups_paused=bool(data.get("popups_paused", False)),
            popups_paused_until=_str(data, "popups_paused_until")[:64],
            start_at_login=data.get("start_at_login") is True,
            business_start_hour=_hour(data, "business_start_hour", 8),
            business_end_hour=max(
                _hour(data, "business_end_hour", 18), _hour(data, "business_start_hour", 8)
            ),
            business_weekends=data.get("business_weekends") is True,
            dialer=Dialer.parse(data.get("dialer", Dialer.AUTOMATIC.value)).value,
            keep_out_of_screen_shares=data.get("keep_out_of_screen_shares") is True,
        )

    def with_changes(self, **changes: Any) -> Settings:
        return replace(self, **changes)


class SettingsFile:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.problem = ""  # set when the last load had to fall back to defaults

    def load(self) -> Settings:
        self.problem = ""
        try:
            raw = read_regular(self.path, MAX_SETTINGS_BYTES + 1)
        except FileNotFoundError:
            return Settings()
        except OSError as exc:
            self.problem = f"{self.path}: cannot read settings ({exc.strerror}); using defaults"
            return Settings()
        if len(raw) > MAX_SETTINGS_BYTES:
            self.problem = (
                f"{self.path}: more than {MAX_SETTINGS_BYTES} bytes, not this app's settings; "
                "using defaults"
            )
            return Settings()
        try:
            return Settings.from_json(json.loads(raw.decode("utf-8")))
        except (ValueError, UnicodeDecodeError) as exc:
            aside = self.path.with_name(f"{self.path.name}.broken-{int(time.time())}")
            try:
                os.replace(self.path, aside)
                kept = f"kept as {aside.name}"
            except OSError:
                kept = "left in place"
            self.problem = f"{self.path}: unreadable settings ({exc}); {kept}; using defaults"
            return Settings()

    def save(self, settings: Settings) -> None:
        text = json.dumps(settings.to_json(), indent=2, ensure_ascii=False) + "\n"
        write_atomic(self.path, text.encode("utf-8"))


def _str(data: dict[str, Any], key: str) -> str:
    value = data.get(key, "")
    return value if isinstance(value, str) else ""


def _hour(data: dict[str, Any], key: str, default: int) -> int:
    value = data.get(key, default)
    ok = isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 24
    return value if ok else default


def _str_list(data: dict[str, Any], key: str) -> list[str]:
    value = data.get(key, [])
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _dict(data: dict[str, Any], key: str) -> dict[Any, Any]:
    value = data.get(key, {})
    return value if isinstance(value, dict) else {}


def _sources(value: object) -> list[WatchedSource]:
    if not isinstance(value, list):
        return []
    out = []
    for item in value:
        if isinstance(item, dict) and isinstance(item.get("format"), str):
            path = item.get("path")
            if isinstance(path, str) and item["format"] in known_source_formats():
                out.append(WatchedSource(item["format"], path))
    return out

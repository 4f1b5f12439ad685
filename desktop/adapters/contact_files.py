"""Contact files a new rep probably has already: exports in Downloads and Documents.

The welcome window offers them, newest first, so the first import is one click. Only the top
of each folder and one level below are looked at, and only so many entries, so a huge or slow
(network) home folder costs little; this runs off the GUI thread all the same.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

CONTACT_SUFFIXES = frozenset({".csv", ".tsv", ".vcf", ".vcard", ".xlsx", ".xlsm", ".ods"})
FOLDERS = ("Downloads", "Documents")
MAX_ENTRIES = 2000  # per folder, both levels together
SHOWN = 8


@dataclass(frozen=True)
class ContactFile:
    path: Path
    modified: float  # seconds since the epoch
    size: int


def contact_folders(home: Path, env: Mapping[str, str] = os.environ) -> list[Path]:
    """~/Downloads and ~/Documents, or where XDG_DOWNLOAD_DIR / XDG_DOCUMENTS_DIR put them."""
    folders = [home / name for name in FOLDERS]
    for variable in ("XDG_DOWNLOAD_DIR", "XDG_DOCUMENTS_DIR"):
        value = env.get(variable, "")
        if value:
            folders.append(Path(value.replace("$HOME", str(home))))
    return list(dict.fromkeys(folders))


def find_contact_files(
    home: Path, limit: int = SHOWN, env: Mapping[str, str] = os.environ
) -> list[ContactFile]:
    """Up to `limit` contact-like files, the most recently changed first."""
    found: dict[Path, ContactFile] = {}
    for folder in contact_folders(home, env):
        budget = [MAX_ENTRIES]
        for entry in _entries(folder, budget):
            if entry.is_dir(follow_symlinks=False):
                for inner in _entries(Path(entry.path), budget):
                    _add(found, inner)
            else:
                _add(found, entry)
    return sorted(found.values(), key=lambda f: f.modified, reverse=True)[:limit]


def _entries(folder: Path, budget: list[int]) -> list[os.DirEntry[str]]:
    out: list[os.DirEntry[str]] = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if budget[0] <= 0:
                    break
                budget[0] -= 1
                if not entry.name.startswith("."):
                    out.append(entry)
    except OSError:
        pass
    return out


def _add(found: dict[Path, ContactFile], entry: os.DirEntry[str]) -> None:
    if os.path.splitext(entry.name)[1].lower() not in CONTACT_SUFFIXES:
        return
    try:
        if not entry.is_file():
            return
        info = entry.stat()
    except OSError:
        return
    path = Path(entry.path)
    found[path] = ContactFile(path, info.st_mtime, info.st_size)

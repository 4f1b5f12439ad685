"""The record of followed contact files (importing/following.py re-imports them), readable
without loading the importer: the app's start-up and `import --list-followed` need only this."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

from desktop.adapters.atomic_file import write_atomic
from desktop.adapters.store import Store
from desktop.adapters.store.batches import UndoResult

# A followed folder's files: importing.vcards.VCARD_SUFFIXES, not imported from there because
# that module loads vobject.
FOLDER_SUFFIXES = (".vcf", ".vcard")
_HASH_CHUNK = 1 << 20


@dataclass(frozen=True)
class FollowedFile:
    path: Path
    batch_id: int | None  # the batch of the accepted version (None: it added nothing)
    content_hash: str  # of the version last looked at, accepted or refused
    rejected: int  # rows the accepted version rejected
    problem: str  # why the last version was refused; '' once one is accepted
    followed_at: int
    checked_at: int | None
    encoding: str | None = None  # as asked at follow time; None: detected on each read
    region: str | None = None  # for numbers without a country code; None: inferred

    def to_json(self) -> dict[str, object]:
        return {"path": str(self.path), "batch": self.batch_id, "rejected": self.rejected,
                "problem": self.problem, "followed_at": self.followed_at,
                "checked_at": self.checked_at, "encoding": self.encoding,
                "region": self.region}  # fmt: skip


def change_marker(database: Path) -> Path:
    """Rewritten by `import --follow/--unfollow`; the running app watches it and reads the
    list of followed files again (FollowLoop).

    It has a folder of its own: the app watches the marker's folder (it is replaced, not
    written), and beside the database every page SQLite writes woke that watch, some thirty
    times for each call recorded, in the thread that shows the next caller's card."""
    return database.with_name("notices") / "followed-files.changed"


def make_marker_folder(database: Path) -> None:
    change_marker(database).parent.mkdir(mode=0o700, exist_ok=True)


def announce_change(database: Path) -> None:
    make_marker_folder(database)
    write_atomic(change_marker(database), f"{time.time_ns()}\n".encode())


def undo_import(store: Store, batch_id: int) -> UndoResult:
    """Store.undo_import as the rep asks it (the CLI, the windows): a followed file whose last
    version it was stops being followed, and the running app's follow loop is told."""
    result = store.undo_import(batch_id)
    if result.unfollowed:
        announce_change(store.path)
    return result


def followed_key(path: Path) -> Path:
    """How a followed path is stored: absolute, symlinks resolved, so `--unfollow` finds it
    however it is spelled."""
    return Path(path).expanduser().resolve()


def followed_files(store: Store) -> list[FollowedFile]:
    rows = store.connection.execute(
        "SELECT path, batch_id, content_hash, rejected, problem, followed_at, checked_at, "
        "options FROM followed_files ORDER BY id"
    ).fetchall()
    return [FollowedFile(Path(r[0]), r[1], r[2], r[3], r[4], r[5], r[6], *_options(r[7]))
            for r in rows]  # fmt: skip


def _options(text: str) -> tuple[str | None, str | None]:
    try:
        options = json.loads(text)
    except ValueError:
        return None, None
    if not isinstance(options, dict):
        return None, None
    encoding, region = options.get("encoding"), options.get("region")
    return (encoding if isinstance(encoding, str) and encoding else None,
            region if isinstance(region, str) and region else None)  # fmt: skip


def followed_file(store: Store, path: Path) -> FollowedFile | None:
    key = str(followed_key(path))
    return next((f for f in followed_files(store) if str(f.path) == key), None)


def content_hash(path: Path) -> str:
    """SHA-256 of the file, or of a folder's vCard files (names and bytes, by name)."""
    import hashlib  # OpenSSL's few MB stay out of start-up (tests/test_layers.py)

    digest = hashlib.sha256()
    files = [path]
    if path.is_dir():
        files = sorted(
            entry for entry in path.iterdir()
            if entry.suffix.lower() in FOLDER_SUFFIXES and not entry.name.startswith(".")
        )  # fmt: skip
    for file in files:
        digest.update(file.name.encode("utf-8", "surrogateescape") + b"\0")
        with file.open("rb") as stream:
            while chunk := stream.read(_HASH_CHUNK):
                digest.update(chunk)
        digest.update(b"\0")
    return digest.hexdigest()

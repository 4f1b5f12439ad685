"""The running app's side of followed files: watch each one, re-import it once it is saved.

Spreadsheet programs save through a temporary file renamed over the old one, and a sync tool
writes a folder's .vcf files one after another, so each change is acted on only once the file
has been quiet for SETTLE_S: one import per save, never one of a file half written. A save whose
bytes hash as before is settled here; a changed one is imported by a child process
(importing/follow_child.py), so the import shares no GIL with the GUI thread; a ring meanwhile
reads the store (WAL readers never wait for the writer) and its history write is queued and
retried by the HistoryWriter, so neither the GUI nor the ring path waits for an import.

A refused version is reported once (until a version is accepted again, or the reason changes).
`callercard import --follow/--unfollow` rewrites a marker file beside the database; watching it
is how the app hears of a change to the list without a new message in the instance protocol.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from desktop.adapters.filewatch import FileWatcher, WatchedFile
from desktop.adapters.followed_list import (
    change_marker,
    content_hash,
    followed_file,
    followed_files,
    make_marker_folder,
)
from desktop.adapters.store import Store, StoreError
from desktop.core.numbers import NumberPolicy

log = logging.getLogger(__name__)

SETTLE_S = 0.8  # quiet time after the last change before a followed file is read again
# The first look at each followed file (it may have been saved while the app was not running)
# waits this long, so loading the importer never competes with the app's start-up.
FIRST_LOOK_S = 2.0


@dataclass(frozen=True)
class FollowResult:
    """What one look at a followed file did."""

    path: Path
    changed: bool = False  # the bytes differ from the version last looked at
    problem: str = ""  # why the new version was refused (the old batch stays)
    batch: int | None = None  # the new version's batch
    replaced: int | None = None  # the batch it replaced
    calls_kept: int = 0  # calls moved onto the same people in the new version
    summary: str = ""  # the import's one-line summary; "" when nothing was imported


class FollowLoop:
    def __init__(
        self,
        database: Path,
        watcher: FileWatcher,
        policy: Callable[[], NumberPolicy],
        report_problem: Callable[[str], None],
        on_refreshed: Callable[[FollowResult], None] | None = None,
        *,
        settle_s: float = SETTLE_S,
        first_look_s: float = FIRST_LOOK_S,
    ) -> None:
        self.database = database
        self.watcher = watcher
        self.policy = policy
        self.report_problem = report_problem
        self.on_refreshed = on_refreshed
        self.settle_s = settle_s
        self._first_look = time.monotonic() + first_look_s
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._due: dict[Path, float] = {}  # path -> when it will have been quiet long enough
        self._reload = True
        self._stopping = False
        self._watches: dict[Path, WatchedFile] = {}
        self._reported: dict[Path, str] = {}
        self._marker: WatchedFile | None = None
        self._child_lock = threading.Lock()
        self._child: subprocess.Popen[str] | None = None
        self._thread = threading.Thread(target=self._run, name="callercard-follow", daemon=True)

    def start(self) -> None:
        try:
            make_marker_folder(self.database)
        except OSError as exc:  # watched from the data folder instead, which works too
            log.info("no folder for the followed files' marker: %s", exc)
        self._marker = self.watcher.watch(change_marker(self.database), self._list_changed)
        self._thread.start()
        # Running even with nothing followed yet: `import --follow` may add the first file.
        self.watcher.start()

    def stop(self, timeout: float = 5.0) -> None:
        """A re-import in progress is stopped: its transaction never commits, so the file's
        last good version stays, and the next start looks at the file again."""
        self._stopping = True
        self._wake.set()
        with self._child_lock:
            if self._child is not None:
                self._child.terminate()
        if self._thread.is_alive():
            self._thread.join(timeout)
        for watched in [*self._watches.values(), self._marker]:
            if watched is not None:
                self.watcher.unwatch(watched)

    # --- watchdog's thread -------------------------------------------------------------------

    def _list_changed(self) -> None:
        self._reload = True
        self._wake.set()

    def _changed(self, path: Path) -> None:
        with self._lock:
            self._due[path] = time.monotonic() + self.settle_s
        self._wake.set()

    def _watch_problem(self, message: str) -> None:
        self.report_problem(f"Followed contact file: {message}")

    # --- this loop's thread ------------------------------------------------------------------

    def _run(self) -> None:
        store: Store | None = None
        try:
            while not self._stopping:
                if store is None:
                    store = self._open()
                if store is not None and self._reload:
                    self._reload = False
                    self._rewatch(store)
                if store is not None:
                    for path in self._take_due():
                        if self._stopping:
                            break
                        self._refresh(store, path)
                self._wake.wait(self._until_due())
                self._wake.clear()
        finally:
            if store is not None:
                store.close()

    def _open(self) -> Store | None:
        try:
            return Store.open(self.database)
        except StoreError as exc:
            self.report_problem(f"Followed contact files are not re-imported: {exc}")
            self._stopping = True
            return None

    def _rewatch(self, store: Store) -> None:
        try:
            paths = {f.path for f in followed_files(store)}
        except Exception as exc:  # a locked or damaged database: try at the next change
            log.warning("cannot read the followed files: %s", exc)
            return
        for gone in [p for p in self._watches if p not in paths]:
            self.watcher.unwatch(self._watches.pop(gone))
            self._reported.pop(gone, None)
            log.info("no longer following %s", gone)
        for path in sorted(paths - self._watches.keys()):
            on_change = _bound(self._changed, path)
            if path.is_dir():
                watched = self.watcher.watch_folder(path, on_change, self._watch_problem)
            else:
                watched = self.watcher.watch(path, on_change, self._watch_problem)
            self._watches[path] = watched
            log.info("following %s", path)
            # It may have been saved while nothing watched it: looked at once now (an
            # unchanged file costs reading it for its hash, nothing more).
            with self._lock:
                self._due.setdefault(path, max(time.monotonic(), self._first_look))

    def _take_due(self) -> list[Path]:
        now = time.monotonic()
        with self._lock:
            due = [path for path, at in self._due.items() if at <= now]
            for path in due:
                del self._due[path]
        return [path for path in due if path in self._watches]

    def _until_due(self) -> float | None:
        with self._lock:
            if not self._due:
                return None
            return max(0.0, min(self._due.values()) - time.monotonic())

    def _refresh(self, store: Store, path: Path) -> None:
        result = self._look(store, path)
        if result.problem:
            if self._reported.get(path) != result.problem:
                self._reported[path] = result.problem
                log.warning("followed file refused: %s", result.problem)
                self.report_problem(result.problem)
        elif result.summary:
            self._reported.pop(path, None)
            log.info("followed file re-imported: %s (replaced batch %s, kept %d calls)",
                     result.summary, result.replaced, result.calls_kept)  # fmt: skip
        if self.on_refreshed is not None:
            self.on_refreshed(result)

    def _look(self, store: Store, path: Path) -> FollowResult:
        """Unchanged bytes are told here; a change is imported by a child process."""
        try:
            record = followed_file(store, path)
            if record is not None and content_hash(path) == record.content_hash:
                return FollowResult(path)
        except (OSError, sqlite3.Error):
            pass  # the child says what is wrong, in the words every other problem uses
        command = [*child_command(), str(self.database), str(path), self.policy().region]
        try:
            with self._child_lock:
                if self._stopping:
                    return FollowResult(path)
                self._child = subprocess.Popen(
                    command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE, text=True,
                )  # fmt: skip
            out, err = self._child.communicate()
        except OSError as exc:
            return FollowResult(path, True, f"{path}: cannot start the re-import ({exc})")
        finally:
            with self._child_lock:
                self._child = None
        try:
            answer = json.loads(out.strip().splitlines()[-1])
            return FollowResult(
                path, bool(answer["changed"]), str(answer["problem"]), answer.get("batch"),
                answer.get("replaced"), int(answer.get("calls_kept", 0)),
                str(answer.get("summary", "")),
            )  # fmt: skip
        except (ValueError, LookupError, TypeError):
            if self._stopping:
                return FollowResult(path)  # stopped on purpose: nothing was changed
            last = (err.strip().splitlines() or ["no answer"])[-1]
            return FollowResult(path, True, f"{path}: the re-import stopped ({last}); the "
                                "contacts from its last good version stay")  # fmt: skip


def child_command() -> list[str]:
    """importing/follow_child.py: this interpreter with that module, or the frozen bundle's own
    executable (no `python -m`) with desktop.cli.FROZEN_FOLLOW_VERB. Not imported from there:
    the importing package loads the importer, which the app's start-up never does."""
    if getattr(sys, "frozen", False):
        return [sys.executable, "_follow-refresh"]
    return [sys.executable, "-m", "desktop.adapters.importing.follow_child"]


def _bound(callback: Callable[[Path], None], path: Path) -> Callable[[], None]:
    return lambda: callback(path)

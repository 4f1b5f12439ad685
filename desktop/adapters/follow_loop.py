"""The running app's side of followed files: watch each one, re-import it once it is saved.

Spreadsheet programs save through a temporary file renamed over the old one, and a sync tool
writes a folder's .vcf files one after another, so each change is acted on only once the file
has been quiet for SETTLE_S: one import per save, never one of a file half written. Imports run
on this loop's own thread with its own database connection; a ring meanwhile reads the store
(WAL readers never wait for the writer) and its history write is queued and retried by the
HistoryWriter, so neither the GUI nor the ring path waits for an import.

A refused version is reported once (until a version is accepted again, or the reason changes).
`callercard import --follow/--unfollow` rewrites a marker file beside the database; watching it
is how the app hears of a change to the list without a new message in the instance protocol.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.adapters.filewatch import FileWatcher, WatchedFile
from desktop.adapters.followed_list import change_marker, followed_files
from desktop.adapters.store import Store, StoreError
from desktop.core.numbers import NumberPolicy

if TYPE_CHECKING:
    from desktop.adapters.importing.following import Refresh

log = logging.getLogger(__name__)

SETTLE_S = 0.8  # quiet time after the last change before a followed file is read again
# The first look at each followed file (it may have been saved while the app was not running)
# waits this long, so loading the importer never competes with the app's start-up.
FIRST_LOOK_S = 2.0


class FollowLoop:
    def __init__(
        self,
        database: Path,
        watcher: FileWatcher,
        policy: Callable[[], NumberPolicy],
        report_problem: Callable[[str], None],
        on_refreshed: Callable[[Refresh], None] | None = None,
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
        self._thread = threading.Thread(target=self._run, name="callercard-follow", daemon=True)

    def start(self) -> None:
        self._marker = self.watcher.watch(change_marker(self.database), self._list_changed)
        self._thread.start()
        # Running even with nothing followed yet: `import --follow` may add the first file.
        self.watcher.start()

    def stop(self, timeout: float = 5.0) -> None:
        """An import in progress finishes first (its transaction is all or nothing either
        way), up to `timeout`."""
        self._stopping = True
        self._wake.set()
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
        # The importer is loaded here, on this thread, the first time a file is looked at:
        # never by the app's start-up.
        from desktop.adapters.importing.following import Refresh, refresh
        from desktop.adapters.importing.pipeline import ImportOptions

        options = ImportOptions(NumberPolicy(self.policy().region))
        try:
            result = refresh(store, path, options)
        except Exception as exc:  # never let the thread die quietly
            log.exception("re-importing %s failed", path)
            result = Refresh(path, changed=True, problem=f"{path}: {type(exc).__name__}: {exc}")
        if result.problem:
            if self._reported.get(path) != result.problem:
                self._reported[path] = result.problem
                log.warning("followed file refused: %s", result.problem)
                self.report_problem(result.problem)
        elif result.report is not None:
            self._reported.pop(path, None)
            log.info("followed file re-imported: %s (replaced batch %s, kept %d calls)",
                     result.report.summary(), result.replaced_batch,
                     result.calls_kept)  # fmt: skip
        if self.on_refreshed is not None:
            self.on_refreshed(result)


def _bound(callback: Callable[[Path], None], path: Path) -> Callable[[], None]:
    return lambda: callback(path)

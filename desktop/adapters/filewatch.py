"""Call back the moment a file may have changed: through watchdog's native observer, or, on
Linux when the caller runs an event loop, through an inotify descriptor that loop waits on.

Sources that read a softphone's log (MicroSIP's ini, Linphone's database, Twinkle's history)
register the file and re-read it when told; they diff what they read, so being told more often
than the file changed costs a read and nothing else. Nothing here knows any file format.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch
from watchdog.observers.polling import PollingObserver

if TYPE_CHECKING:
    from desktop.adapters.inotify_folders import FolderChanges, InotifyFolders

logger = logging.getLogger(__name__)

# Also the inotify mask: leaving out opened/closed-without-writing keeps the kernel from
# reporting our own reads back to us.
_EVENT_TYPES: list[type[FileSystemEvent]] = [
    FileCreatedEvent,
    FileModifiedEvent,
    FileClosedEvent,
    FileMovedEvent,
    FileDeletedEvent,
    DirCreatedEvent,
    DirMovedEvent,
    DirDeletedEvent,
]
_ARRIVALS = frozenset({"created", "moved"})
_HELPER_JOIN_TIMEOUT_S = 5.0
_SETTLE_ROUNDS = 8  # each round goes one folder deeper, or finds a folder gone

# The caller's event loop, for FileWatcher(event_loop=...): given a descriptor and the function
# to call whenever it is readable, it starts waiting on it and returns how to stop.
EventLoop = Callable[[int, Callable[[], None]], Callable[[], None]]


@dataclass(eq=False)
class WatchedFile:
    """One registration with FileWatcher.watch; pass it back to unwatch."""

    path: Path
    on_change: Callable[[], None]
    on_problem: Callable[[str], None] | None
    folder: str = ""  # the folder watched: the file's own, or its nearest existing ancestor
    name: str = ""  # the entry of `folder` that matters: the file, or the next folder down
    waiting: bool = False  # True while the file's own folder does not exist
    every_entry: bool = False  # `path` is a folder: any entry of it changing counts


class FileWatcher:
    """Calls ``on_change()`` in watchdog's thread, with no delay, whenever a watched file is
    created, written, closed after writing, renamed onto or away, or deleted (right after its
    folder appears, the call comes from a short-lived helper thread instead).

    With ``event_loop`` on Linux, no thread at all: the loop waits on one inotify descriptor
    and every call comes from the loop's thread, in `drain` (the ring is read where the card
    is shown, with no hop between threads). The changes one drain reads call each file back
    once, since a read after them sees them all. Elsewhere ``event_loop`` is not used.

    A file is watched through its folder (non-recursively), which is what makes a replace by
    rename, and a delete followed by a new file, visible at all. While the folder does not
    exist, its nearest existing ancestor is watched until the folder appears. One observer
    (one dispatching thread) serves every watched file. Callback exceptions are logged, never
    raised into watchdog's thread.

    A file that waited for its folder (its ``on_problem`` heard so) and watches it again is
    passed to ``on_watched_again``, from the thread that saw the folder appear, before its
    ``on_change``: whatever shows that problem can take it down.

    Locking: watchdog calls handlers while holding its observer's lock, and our methods call
    the observer while holding ours, so watchdog's thread never takes ours. It reads an
    immutable routing table, and leaves re-anchoring (a folder appearing or vanishing) to a
    short-lived helper thread.
    """

    def __init__(
        self,
        event_loop: EventLoop | None = None,
        on_watched_again: Callable[[Path], None] | None = None,
    ) -> None:
        self._on_watched_again = on_watched_again
        self._lock = threading.RLock()
        self._event_loop = event_loop if sys.platform.startswith("linux") else None
        self._observer: BaseObserver | None = None
        self._folders: InotifyFolders | None = None  # with an event loop, instead of _observer
        self._stop_waiting: Callable[[], None] | None = None
        self._drain_lock = threading.Lock()  # held by the loop's thread while it calls back
        self._draining: int | None = None  # that thread's ident, meanwhile
        self._files: list[WatchedFile] = []
        self._scheduled: dict[str, ObservedWatch | None] = {}  # None: in _folders
        # Replaced, never mutated: watchdog's thread reads it without a lock.
        self._routes: dict[str, dict[str, tuple[WatchedFile, ...]]] = {}
        self._helpers_lock = threading.Lock()
        self._helpers: set[threading.Thread] = set()

    @property
    def running(self) -> bool:
        return self._observer is not None or self._folders is not None

    def watch(
        self,
        path: Path,
        on_change: Callable[[], None],
        on_problem: Callable[[str], None] | None = None,
    ) -> WatchedFile:
        """Start telling ``on_change`` about ``path`` (from start(), or now if running).

        The file need not exist; its folder need not either. ``on_problem`` hears, in plain
        words, why the file cannot be watched as asked (folder missing, watch limit reached).
        """
        watched = WatchedFile(Path(path).absolute(), on_change, on_problem)
        with self._lock:
            self._files.append(watched)
            problems, _moved = self._settle()
        _report(problems)
        return watched

    def watch_folder(
        self,
        path: Path,
        on_change: Callable[[], None],
        on_problem: Callable[[str], None] | None = None,
    ) -> WatchedFile:
        """Like watch(), for every entry of the folder `path` (not of its subfolders): a file
        in it created, written, renamed or deleted, or the folder itself appearing."""
        watched = WatchedFile(Path(path).absolute(), on_change, on_problem, every_entry=True)
        with self._lock:
            self._files.append(watched)
            problems, _moved = self._settle()
        _report(problems)
        return watched

    def unwatch(self, watched: WatchedFile) -> None:
        with self._lock:
            if watched not in self._files:
                return
            self._files.remove(watched)
            self._settle()

    def start(self) -> None:
        """Start watching every registered file, and tell each once: it may have changed while
        nothing watched it."""
        problems: list[tuple[WatchedFile, str]] = []
        started: list[WatchedFile] = []
        with self._lock:
            if self.running:
                return
            try:
                if self._event_loop is not None:
                    self._start_in_loop(self._event_loop)
                else:
                    self._start_observer()
            except OSError as exc:  # e.g. the per-user limit of inotify instances
                problems = [(f, f"cannot watch files for changes: {exc}") for f in self._files]
            except _Polling:
                # Polling adds 0.5 s on average to every ring (perf-limits.md §1).
                problems = [(f, _NO_NATIVE_WATCHER) for f in self._files]
            else:
                self._scheduled.clear()
                problems, _moved = self._settle()
                started = list(self._files)
        _report(problems)
        for watched in started:
            _notify(watched)

    def _start_observer(self) -> None:
        observer = Observer()
        if isinstance(observer, PollingObserver):
            raise _Polling
        observer.start()
        self._observer = observer

    def _start_in_loop(self, event_loop: EventLoop) -> None:
        from desktop.adapters.inotify_folders import InotifyFolders

        folders = InotifyFolders()
        try:
            self._stop_waiting = event_loop(folders.fileno(), self.drain)
        except BaseException:
            folders.close()
            raise
        self._folders = folders

    def stop(self) -> None:
        """Stop watching (and wait for watchdog's thread, or for a drain in progress); no
        callback runs after this returns (unless stop() was called from inside one)."""
        with self._lock:
            observer, self._observer = self._observer, None
            folders, self._folders = self._folders, None
            stop_waiting, self._stop_waiting = self._stop_waiting, None
            self._scheduled.clear()
        if folders is not None:
            if stop_waiting is not None:
                stop_waiting()
            if self._draining != threading.get_ident():
                with self._drain_lock:
                    folders.close()
            else:
                folders.close()
        if observer is None:
            return
        observer.stop()
        current = threading.current_thread()
        if observer is not current:
            observer.join()
        with self._helpers_lock:
            helpers = [helper for helper in self._helpers if helper is not current]
        for helper in helpers:
            helper.join(_HELPER_JOIN_TIMEOUT_S)

    # --- the event loop's thread -----------------------------------------------------------

    def drain(self) -> None:
        """Read what inotify has queued and call back every file it concerns, once each. For
        the event loop only, when the descriptor it was given is readable."""
        if self._draining == threading.get_ident():
            return  # a nested event loop (a modal dialog) in a callback: the next turn reads
        with self._drain_lock:
            folders = self._folders
            if folders is None:
                return
            self._draining = threading.get_ident()
            try:
                self._route(folders.drain())
            finally:
                self._draining = None

    def _route(self, changes: FolderChanges) -> None:
        for folder in changes.gone:
            self._reanchor(folder)  # the watched folder itself is gone
        if changes.overflowed:
            self._reanchor(None)
        told: dict[int, WatchedFile] = {}
        arrived = False
        for folder, name, arrival in changes.entries:
            by_name = self._routes.get(folder, {})
            for watched in (*by_name.get(name, ()), *by_name.get("", ())):
                if not watched.waiting:
                    told.setdefault(id(watched), watched)
                elif arrival:
                    arrived = True  # the next folder down appeared
        if arrived:
            self._reanchor(None)
        if changes.overflowed:
            told.update({id(w): w for w in self._files if not w.waiting})
        for watched in told.values():
            if self._folders is None:
                return  # stopped from inside a callback
            _notify(watched)

    # --- watchdog's thread -----------------------------------------------------------------

    def _on_event(self, folder: str, event: FileSystemEvent) -> None:
        by_name = self._routes.get(folder)
        if by_name is None:
            return
        source = os.fsdecode(event.src_path)
        if event.is_directory and event.event_type == "deleted" and source == folder:
            self._in_helper(folder)  # the watched folder itself is gone
            return
        names = [source.rpartition(os.sep)[2]]
        destination = os.fsdecode(getattr(event, "dest_path", b""))
        if destination:
            names.append(destination.rpartition(os.sep)[2])
        for name in names:
            for watched in (*by_name.get(name, ()), *by_name.get("", ())):
                if not watched.waiting:
                    _notify(watched)
                elif event.event_type in _ARRIVALS:
                    self._in_helper(None)  # the next folder down appeared

    def _in_helper(self, dead_folder: str | None) -> None:
        helper = threading.Thread(
            target=self._reanchor, args=(dead_folder,), name="filewatch-reanchor", daemon=True
        )
        with self._helpers_lock:
            self._helpers = {alive for alive in self._helpers if alive.is_alive()}
            self._helpers.add(helper)
        helper.start()

    # --- helper thread and callers' threads ------------------------------------------------

    def _reanchor(self, dead_folder: str | None) -> None:
        try:
            with self._lock:
                if not self.running:
                    return
                waited = {watched for watched in self._files if watched.waiting}
                problems, moved = self._settle(dead_folder)
            _report(problems)
            for watched in moved:
                if watched in waited:
                    self._watched_again(watched)
            for watched in moved:
                _notify(watched)
        except Exception:
            logger.exception("re-watching after a folder change failed")

    def _watched_again(self, watched: WatchedFile) -> None:
        if self._on_watched_again is None:
            return
        try:
            self._on_watched_again(watched.path)
        except Exception:
            logger.exception("watched-again callback for %s failed", watched.path)

    def _settle(
        self, dead_folder: str | None = None
    ) -> tuple[list[tuple[WatchedFile, str]], list[WatchedFile]]:
        """Point every file at its folder, or its nearest existing ancestor; watch exactly those
        folders; repeat while an awaited folder appeared in the meantime (its creation came
        before the watch that would have seen it). Called with the lock held.

        Returns the problems to report, and the files that now watch their own folder anew:
        each must be told once, since it may have been created along with its folder.
        """
        before = {watched: watched.folder for watched in self._files}
        if dead_folder is not None and dead_folder in self._scheduled:
            self._unschedule(dead_folder)  # its watch died with it, even if it is back already
        problems: list[tuple[WatchedFile, str]] = []
        for _round in range(_SETTLE_ROUNDS):
            for watched in self._files:
                problems += self._anchor(watched)
            self._publish_routes()
            vanished = False
            if self.running:
                scheduling_problems, vanished = self._schedule_needed()
                problems += scheduling_problems
            if not vanished and not any(
                watched.waiting and Path(watched.folder, watched.name).is_dir()
                for watched in self._files
            ):
                break
        moved = [
            watched
            for watched, folder in before.items()
            if folder
            and not watched.waiting
            and watched in self._files
            and (watched.folder != folder or folder == dead_folder)
        ]
        return problems, moved

    def _anchor(self, watched: WatchedFile) -> list[tuple[WatchedFile, str]]:
        parent = watched.path if watched.every_entry else watched.path.parent
        folder = parent
        while not folder.is_dir() and folder.parent != folder:
            folder = folder.parent
        was_waiting = watched.waiting
        watched.folder = str(folder)
        watched.waiting = folder != parent
        if watched.waiting:
            watched.name = parent.relative_to(folder).parts[0]
        else:  # "" routes every entry of a watched folder to it
            watched.name = "" if watched.every_entry else watched.path.name
        if watched.waiting and not was_waiting:
            return [
                (
                    watched,
                    f"folder {parent} does not exist; watching {folder} until it is created",
                )
            ]
        return []

    def _publish_routes(self) -> None:
        routes: dict[str, dict[str, tuple[WatchedFile, ...]]] = {}
        for watched in self._files:
            by_name = routes.setdefault(watched.folder, {})
            by_name[watched.name] = (*by_name.get(watched.name, ()), watched)
        self._routes = routes

    def _schedule_needed(self) -> tuple[list[tuple[WatchedFile, str]], bool]:
        """Watch the folders the files need and no others; True if one vanished meanwhile."""
        needed = {watched.folder for watched in self._files}
        for folder in [folder for folder in self._scheduled if folder not in needed]:
            self._unschedule(folder)
        problems: list[tuple[WatchedFile, str]] = []
        vanished = False
        for folder in sorted(needed - self._scheduled.keys()):
            try:
                if self._folders is not None:
                    self._folders.watch(folder)
                    self._scheduled[folder] = None
                elif self._observer is not None:
                    self._scheduled[folder] = self._observer.schedule(
                        _FolderHandler(self, folder),
                        folder,
                        recursive=False,
                        event_filter=_EVENT_TYPES,
                    )
            except (FileNotFoundError, NotADirectoryError):
                vanished = True  # since it was looked at: the next round anchors higher up
            except OSError as exc:  # e.g. the inotify watch limit
                problems += [
                    (watched, f"cannot watch folder {folder}: {exc}")
                    for watched in self._files
                    if watched.folder == folder
                ]
        return problems, vanished

    def _unschedule(self, folder: str) -> None:
        watch = self._scheduled.pop(folder)
        if self._folders is not None:
            self._folders.unwatch(folder)
        elif self._observer is not None and watch is not None:
            with contextlib.suppress(KeyError, OSError):  # gone already, with its folder
                self._observer.unschedule(watch)


class _FolderHandler(FileSystemEventHandler):
    def __init__(self, watcher: FileWatcher, folder: str) -> None:
        super().__init__()
        self._watcher = watcher
        self._folder = folder

    def dispatch(self, event: FileSystemEvent) -> None:
        try:
            self._watcher._on_event(self._folder, event)
        except Exception:
            logger.exception("handling %r in %s failed", event, self._folder)


class _Polling(Exception):
    """watchdog found no native observer here and would poll."""


_NO_NATIVE_WATCHER = (
    "this system offers no native file-change notification (watchdog would poll, adding "
    "about half a second to every ring); not watching"
)


def _notify(watched: WatchedFile) -> None:
    try:
        watched.on_change()
    except Exception:
        logger.exception("change callback for %s failed", watched.path)


def _report(problems: list[tuple[WatchedFile, str]]) -> None:
    for watched, message in problems:
        if watched.on_problem is None:
            logger.warning("%s: %s", watched.path, message)
            continue
        try:
            watched.on_problem(f"{watched.path}: {message}")
        except Exception:
            logger.exception("problem callback for %s failed", watched.path)

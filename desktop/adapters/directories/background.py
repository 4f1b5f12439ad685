"""Team directories kept in sync from a thread of their own, on a timer and on demand.

The thread has its own database connection, so a slow server never holds up the GUI thread or
a ring (each sync writes in one short transaction at its end). A directory that fails is
reported once, with its reason, and retried with a delay that doubles up to a cap; it is
reported again only after a sync of it has succeeded. The network modules are imported by the
thread, and only once there is a directory to sync.

`share_now()` asks for the call notes waiting in the outbox (a wrap-up just saved) to be
written without waiting for the next sync; a server that cannot take them now keeps them
queued for that sync.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.adapters.directories import mirror
from desktop.adapters.store import Store, StoreError

if TYPE_CHECKING:
    from desktop.adapters.secrets import SecretStore

log = logging.getLogger(__name__)

INTERVAL_S = 15 * 60.0
FIRST_DELAY_S = 10.0  # after start-up, so the first sync never competes with it
MAX_BACKOFF_S = 4 * 3600.0


def problem_about(name: str) -> str:
    """How a directory's reported problem begins: what takes it back once it is over."""
    return f"Team directory {name}: " if name else "Team directories: "


class DirectorySyncLoop:
    def __init__(
        self,
        database: Path,
        region: Callable[[], str],
        report_problem: Callable[[str], None],
        *,
        interval: float = INTERVAL_S,
        first_delay: float = FIRST_DELAY_S,
        max_backoff: float = MAX_BACKOFF_S,
        problem_over: Callable[[str], None] | None = None,
    ) -> None:
        self.database = database
        self.region = region
        self.report_problem = report_problem
        # Takes back a reported problem (by how it begins) once that directory syncs again.
        self.problem_over = problem_over
        self.interval = interval
        self.first_delay = first_delay
        self.max_backoff = max_backoff
        self._wake = threading.Event()
        self._stopping = False
        self._now_requested = False
        self._share_requested = False
        self._failures: dict[str, int] = {}
        self._due: dict[str, float] = {}
        self._synced_elsewhere: set[str] = set()  # added to from other threads
        self._thread = threading.Thread(
            target=self._run, name="callercard-directories", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def sync_now(self) -> None:
        """Sync every directory at once, failing ones included."""
        self._now_requested = True
        self._wake.set()

    def synced_elsewhere(self, name: str) -> None:
        """Directory `name` synced outside the loop (Settings' Sync now or Edit): its failures
        are over, so a new one is reported again and its retry waits no longer. Callable from
        any thread; the loop takes it in on its next round."""
        self._synced_elsewhere.add(name)

    def share_now(self) -> None:
        """Write the queued call notes now (callable from any thread)."""
        self._share_requested = True
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the thread to end and wait a little for it: a sync it was in the middle of is
        abandoned with nothing written (its transaction never began)."""
        self._stopping = True
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        if self._wake.wait(self.first_delay) and self._stopping:
            return
        self._wake.clear()
        store: Store | None = None
        try:
            while not self._stopping:
                if store is None:
                    store = self._open()
                wait = self._round(store) if store is not None else self.interval
                self._wake.wait(wait)
                self._wake.clear()
        finally:
            if store is not None:
                store.close()

    def _open(self) -> Store | None:
        try:
            return Store.open(self.database)
        except StoreError as exc:
            self._fail("", str(exc))
            return None

    def _round(self, store: Store) -> float:
        """Syncs the directories that are due; returns the seconds until the next one is."""
        while self._synced_elsewhere:
            name = self._synced_elsewhere.pop()
            if self._failures.pop(name, 0):
                self._due[name] = time.monotonic() + self.interval
        if self._now_requested:
            self._now_requested = False
            self._due.clear()
        try:
            targets = mirror.directories(store)
        except Exception as exc:  # a damaged or locked database: say so, try again later
            self._fail("", str(exc))
            return self.interval
        if not targets:
            return self.interval
        from desktop.adapters.directories.dav_http import DavError
        from desktop.adapters.directories.syncing import password_for, sync_directory
        from desktop.adapters.secrets import SecretStore, SecretStoreError
        from desktop.core.numbers import NumberPolicy

        secrets: SecretStore | None = None
        if self._share_requested:
            self._share_requested = False
            secrets = self._share_waiting(store, targets)
        for target in targets:
            if self._stopping:
                break
            if self._due.get(target.name, 0.0) > time.monotonic():
                continue
            try:
                if target.username and secrets is None:
                    secrets = SecretStore.open()
                report = sync_directory(store, target, password_for(target, secrets),
                                        NumberPolicy(self.region()))  # fmt: skip
            except (DavError, StoreError, SecretStoreError) as exc:
                self._fail(target.name, str(exc))
                continue
            except Exception as exc:  # never let the thread die quietly
                log.exception("directory %s: sync failed", target.name)
                self._fail(target.name, f"{type(exc).__name__}: {exc}")
                continue
            if self._failures.pop(target.name, 0):
                log.info("directory %s: syncing again", target.name)
                if self.problem_over is not None:
                    self.problem_over(problem_about(target.name))
            log.info("%s%s", report.summary(), report.demo_words())
            self._due[target.name] = time.monotonic() + self.interval
        known = {t.name for t in targets}
        due = [at for name, at in self._due.items() if name in known]
        return max(0.0, min(due, default=time.monotonic() + self.interval) - time.monotonic())

    def _share_waiting(self, store: Store, targets: list[mirror.Directory]) -> SecretStore | None:
        """Writes the outbox of each CardDAV book that has notes waiting; failures stay queued
        for the next sync, which reports them."""
        from desktop.adapters.directories.dav_http import DavError
        from desktop.adapters.directories.note_writer import share_note
        from desktop.adapters.directories.syncing import password_for
        from desktop.adapters.secrets import SecretStore, SecretStoreError

        secrets: SecretStore | None = None
        for target in targets:
            waiting = [n.id for n in mirror.waiting_notes(store, target.id)]
            if target.kind != "carddav" or not waiting or self._stopping:
                continue
            try:
                if target.username and secrets is None:
                    secrets = SecretStore.open()
                done = share_note(store, target, waiting, password_for(target, secrets))
            except (DavError, StoreError, SecretStoreError) as exc:
                log.warning("directory %s: call notes kept for the next sync: %s",
                            target.name, exc)  # fmt: skip
                continue
            log.info("directory %s: %d call note(s) shared, %d refused", target.name,
                     done.shared, len(done.refused))  # fmt: skip
        return secrets

    def _fail(self, name: str, message: str) -> None:
        failures = self._failures.get(name, 0) + 1
        self._failures[name] = failures
        self._due[name] = time.monotonic() + min(self.interval * 2**failures, self.max_backoff)
        log.warning("directory %s: %s (failure %d)", name or "(all)", message, failures)
        if failures == 1:
            self.report_problem(f"{problem_about(name)}{message}. The contacts mirrored so far "
                                "stay available; CallerCard will try again later.")  # fmt: skip

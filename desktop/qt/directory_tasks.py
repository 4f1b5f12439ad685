"""Settings' directory work (test, add, edit, sync, remove) on a worker thread, one task at a time.

The steps are those of `callercard directory` (desktop/adapters/directories/managing.py),
imported by the worker when it runs, so opening Settings loads no network module. The worker
has its own database connection; its progress and its outcome reach the GUI thread through
the app's one ThreadBridge, and no widget is touched anywhere else.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from desktop.core.numbers import NumberPolicy
from desktop.qt.bridge import ThreadBridge

if TYPE_CHECKING:
    from desktop.adapters.directories.directory_form import DirectoryForm
    from desktop.adapters.directories.managing import Added, Edited, Removed
    from desktop.adapters.directories.syncing import SyncReport
    from desktop.adapters.secrets import SecretStore
    from desktop.adapters.store import Store

log = logging.getLogger(__name__)

T = TypeVar("T")
Progress = Callable[[int, int], None]  # cards fetched so far, cards to fetch


class DirectoryTasks:
    def __init__(
        self,
        database: Path,
        policy: Callable[[], NumberPolicy],
        bridge: ThreadBridge,
        secrets: Callable[[], SecretStore] | None = None,
    ) -> None:
        self.database = database
        self.policy = policy
        self.bridge = bridge
        self._secrets = secrets
        self._thread: threading.Thread | None = None
        self._running = False  # set and cleared in the GUI thread

    @property
    def busy(self) -> bool:
        return self._running

    def check(self, form: DirectoryForm, done: Callable[[str | Exception], None],
              stored: str = "") -> None:  # fmt: skip
        """Test `form`; with `stored` (a directory's name), an empty password is its own."""

        def work(_store: Store | None, _progress: Progress) -> str:
            from desktop.adapters.directories.managing import (
                check_connection,
                with_stored_password,
            )

            tried = with_stored_password(form, stored, self._open_secrets) if stored else form
            return check_connection(tried)

        self._start(work, done, None, needs_store=False)

    def add(self, form: DirectoryForm, done: Callable[[Added | Exception], None],
            progress: Progress) -> None:  # fmt: skip
        policy = self.policy()

        def work(store: Store | None, progress: Progress) -> Added:
            from desktop.adapters.directories.managing import add_directory

            assert store is not None
            return add_directory(store, form, policy, self._open_secrets, progress)

        self._start(work, done, progress)

    def edit(self, name: str, form: DirectoryForm, done: Callable[[Edited | Exception], None],
             progress: Progress) -> None:  # fmt: skip
        policy = self.policy()

        def work(store: Store | None, progress: Progress) -> Edited:
            from desktop.adapters.directories.managing import update_directory

            assert store is not None
            return update_directory(store, name, form, policy, self._open_secrets, progress)

        self._start(work, done, progress)

    def sync(self, name: str, done: Callable[[SyncReport | Exception], None],
             progress: Progress) -> None:  # fmt: skip
        policy = self.policy()

        def work(store: Store | None, progress: Progress) -> SyncReport:
            from desktop.adapters.directories.managing import sync_named

            assert store is not None
            return sync_named(store, name, policy, self._open_secrets, progress)

        self._start(work, done, progress)

    def remove(self, name: str, done: Callable[[Removed | Exception], None]) -> None:
        def work(store: Store | None, _progress: Progress) -> Removed:
            from desktop.adapters.directories.managing import remove_directory

            assert store is not None
            return remove_directory(store, name, self._open_secrets)

        self._start(work, done, None)

    def wait(self, timeout: float = 30.0) -> None:
        """For tests and quitting: let a running task end."""
        if self._thread is not None:
            self._thread.join(timeout)

    def _open_secrets(self) -> SecretStore:
        if self._secrets is not None:
            return self._secrets()
        from desktop.adapters.secrets import SecretStore

        return SecretStore.open()

    def _start(
        self,
        work: Callable[[Store | None, Progress], T],
        done: Callable[[T | Exception], None],
        progress: Progress | None,
        *,
        needs_store: bool = True,
    ) -> None:
        if self.busy:
            raise RuntimeError("a directory task is running already")

        def report(fetched: int, total: int) -> None:
            if progress is not None:
                self.bridge.call_from_thread(lambda: progress(fetched, total))

        def run() -> None:
            outcome: T | Exception
            store: Store | None = None
            try:
                from desktop.adapters.store import Store

                store = Store.open(self.database) if needs_store else None
                outcome = work(store, report)
            except Exception as exc:  # every failure is the GUI's to say, in words
                if not hasattr(exc, "words"):
                    log.warning("directory task: %s: %s", type(exc).__name__, exc)
                outcome = exc
            finally:
                if store is not None:
                    store.close()
            self.bridge.call_from_thread(lambda: self._finish(done, outcome))

        self._running = True
        self._thread = threading.Thread(target=run, name="callercard-directory-task", daemon=True)
        self._thread.start()


    def _finish(self, done: Callable[[T | Exception], None], outcome: T | Exception) -> None:
        self._running = False
        done(outcome)


def in_words(exc: Exception) -> str:
    """A failure as the Settings window says it: the server's words when it has them."""
    words = getattr(exc, "words", None)  # DavError and LdapError carry them
    text = words if isinstance(words, str) and words else str(exc) or type(exc).__name__
    if "://" in text.split(" ", 1)[0]:  # an address leads: written as it is typed
        return text
    return text[:1].upper() + text[1:]


def sentence(text: str) -> str:
    """`text` ending as a sentence does, without doubling its own "?" or "."."""
    return text if text.endswith((".", "?", "!")) else f"{text}."

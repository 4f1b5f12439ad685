"""An import's search indexing, on a thread of its own.

Indexing a chunk of contacts for search is one long SQLite statement per index, and sqlite3
lets go of the GIL for the whole of it, so on a 2-core machine it runs next to the importer
mapping the next chunk instead of adding to it (a third of the SQLite time of a big import).
Row-by-row inserts would not gain: they hand the GIL back and forth on every row. The work
still goes through the import's one connection and one transaction; the importer drains the
writer before it changes a row the writer may be indexing.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from types import TracebackType

Job = Callable[[], None]

# Jobs waiting at most: enough to keep the thread busy, few enough that a slow disk makes the
# importer wait rather than pile work up.
MAX_WAITING = 2


class ChunkWriter:
    def __init__(self) -> None:
        self._jobs: queue.Queue[Job | None] = queue.Queue(maxsize=MAX_WAITING)
        self._error: BaseException | None = None
        self._abandoned = False
        self._thread = threading.Thread(target=self._run, name="import-writer", daemon=True)
        self._thread.start()

    def __enter__(self) -> ChunkWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # On the way out of a failed import, what is still queued is not worth writing: the
        # transaction is about to be rolled back.
        self._abandoned = exc is not None
        self._jobs.put(None)
        self._thread.join()
        if exc is None:
            self._raise()

    def submit(self, job: Job) -> None:
        """Run `job` after the jobs before it; waits while MAX_WAITING are queued."""
        self._raise()
        self._jobs.put(job)

    def drain(self) -> None:
        """Wait until every submitted job has run; raise what the first failed one raised."""
        self._jobs.join()
        self._raise()

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            try:
                if job is None:
                    return
                if self._error is None and not self._abandoned:
                    job()
            except BaseException as exc:  # the importer's thread raises it
                self._error = exc
            finally:
                self._jobs.task_done()

"""Calls a hook left for the running app, which neither it nor the hook could record yet.

A hook whose line never reached the running app (its listen queue full, the app stopped or
flooded) records the call itself; while an import holds the database that write fails after
its lock wait. The app's write journal is no place for the call: the running app replays that
file only at its start, and rewrites it meanwhile. So the hook appends the call here, and the
running app's history writer records it, told by a file-system event on this file (the app
watches it with its call logs, desktop/qt/app.py), and at every start.

One call a line, as the write journal spells it (write_journal.job_to_json): a hook's call
event, or a call note `callercard log-call` could not write (a "call-note" line, which an app
older than that skips with a log line), in a file only
this user can read (it holds callers' numbers). Every append, read and rewrite holds an
exclusive lock, taken on a lock file beside it (file_lock.py: fcntl.flock on POSIX,
msvcrt.locking on Windows), so the app never reads half a line a hook is still writing, and a
hook never appends to a file the app is replacing. The inbox itself is opened only under the
lock and closed before the app replaces or removes it, which Windows refuses while another
process has it open. A line is removed only once its call is committed; a crash in between
records it a second time, which changes nothing (a hook's ring and its end are written once,
whoever writes them: call_history.py). A line cut short (its hook killed mid-write) is skipped
with a log line, and never holds up the lines after it.
"""

from __future__ import annotations

import json
import logging
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from desktop.adapters.file_lock import LockHeld, held_lock
from desktop.adapters.regular_file import NotRegularFile, open_regular_fd
from desktop.adapters.write_journal import LogCall, RecordCall, job_from_json, job_to_json
from desktop.core.events import CallEvent

log = logging.getLogger(__name__)

# How long a hook waits for the app to let go of the file (it holds it for one read or one
# rewrite of a few lines), and the app for a hook (one write and its fsync).
HOOK_LOCK_WAIT_S = 2.0
APP_LOCK_WAIT_S = 0.5
_HELD = "the hooks' inbox"
# Appending, never inherited; a FIFO put at the path opens at once and is refused.
_APPEND_FLAGS = (os.O_RDWR | os.O_CREAT | os.O_APPEND | getattr(os, "O_BINARY", 0)
                 | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOINHERIT", 0)
                 | getattr(os, "O_NONBLOCK", 0))  # fmt: skip


# Someone else held the inbox for longer than the wait: try again later.
InboxLocked = LockHeld


@dataclass(frozen=True)
class InboxLine:
    event: CallEvent | None  # None: not a call (cut short, or not ours, or a note); skipped
    end: int  # the offset just after this line: everything before it may go once done
    note: LogCall | None = None  # a call note `callercard log-call` could not write


@dataclass(frozen=True)
class InboxRead:
    data: bytes  # what was read, for `remove` to check against
    lines: tuple[InboxLine, ...]


class HookInbox:
    def __init__(self, path: Path) -> None:
        self.path = path
        # Never removed: a process waiting on a lock file removed under it would lock nothing.
        self.lock_path = path.with_name(path.name + ".lock")

    # -- the hook's side ----------------------------------------------------------------

    def append(self, call: CallEvent | LogCall) -> None:
        """Raises OSError (InboxLocked among them, as TimeoutError) when the call could not
        be kept."""
        job = call if isinstance(call, LogCall) else RecordCall(call)
        line = json.dumps(job_to_json(job), ensure_ascii=False) + "\n"
        with held_lock(self.lock_path, HOOK_LOCK_WAIT_S, _HELD):
            fd = os.open(self.path, _APPEND_FLAGS, 0o600)
            try:
                if not stat.S_ISREG(mode := os.fstat(fd).st_mode):
                    raise NotRegularFile(self.path, mode)
                data = line.encode("utf-8")
                size = os.fstat(fd).st_size
                if size and _byte_at(fd, size - 1) != b"\n":
                    data = b"\n" + data  # a line cut short stays a line of its own
                _write_all(fd, data)
                os.fsync(fd)
            finally:
                os.close(fd)

    # -- the app's side -----------------------------------------------------------------

    def read(self) -> InboxRead:
        """What the inbox holds. Raises InboxLocked, or OSError when it cannot be read."""
        if not os.path.lexists(self.path):
            return InboxRead(b"", ())  # nothing left: no lock file made for nothing
        with held_lock(self.lock_path, APP_LOCK_WAIT_S, _HELD):
            data = self._whole()
        return InboxRead(data, tuple(self._lines(data)))

    def remove(self, taken: bytes) -> None:
        """Remove `taken`, the start of what `read` returned, whose calls are committed (or
        skipped); what hooks appended since stays. Raises InboxLocked, or OSError."""
        if not taken or not os.path.lexists(self.path):
            return
        with held_lock(self.lock_path, APP_LOCK_WAIT_S, _HELD):
            now = self._whole()  # closed again: Windows replaces no file held open
            if not now.startswith(taken):
                # Only hooks append, and only this app removes: never expected. Kept whole,
                # since a call recorded twice is still one call.
                log.warning("%s changed under its lock; nothing removed", self.path)
                return
            rest = now[len(taken) :]
            if rest.strip():
                from desktop.adapters.atomic_file import write_atomic

                write_atomic(self.path, rest)
            else:
                self.path.unlink(missing_ok=True)

    def _whole(self) -> bytes:
        try:
            fd = open_regular_fd(self.path)  # a FIFO put there must not hang the writer
        except FileNotFoundError:
            return b""
        try:
            return _read_all(fd)
        finally:
            os.close(fd)

    def _lines(self, data: bytes) -> list[InboxLine]:
        lines: list[InboxLine] = []
        start = 0
        number = 0
        while start < len(data):
            number += 1
            newline = data.find(b"\n", start)
            if newline < 0:
                # Appends are whole lines made under the lock this read holds: a hook killed
                # in the middle of its write.
                log.warning("%s line %d: cut short, skipped", self.path, number)
                lines.append(InboxLine(None, len(data)))
                break
            raw, start = data[start:newline], newline + 1
            job = self._job(raw, number) if raw.strip() else None
            if isinstance(job, LogCall):
                lines.append(InboxLine(None, start, job))
            else:
                lines.append(InboxLine(job, start))
        return lines

    def _job(self, raw: bytes, number: int) -> CallEvent | LogCall | None:
        try:
            job = job_from_json(json.loads(raw.decode("utf-8", errors="replace")))
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            log.warning("%s line %d: not a call, skipped (%s)", self.path, number, exc)
            return None
        if isinstance(job, LogCall):
            return job
        if not isinstance(job, RecordCall):
            log.warning("%s line %d: not a call, skipped", self.path, number)
            return None
        return job.event


def _byte_at(fd: int, offset: int) -> bytes:
    # Not os.pread, which Windows lacks; a write with O_APPEND goes to the end wherever this
    # leaves the position.
    os.lseek(fd, offset, os.SEEK_SET)
    return os.read(fd, 1)


def _read_all(fd: int) -> bytes:
    chunks: list[bytes] = []
    while chunk := os.read(fd, 1 << 16):
        chunks.append(chunk)
    return b"".join(chunks)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


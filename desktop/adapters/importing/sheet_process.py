"""Workbooks read in a child process with a memory limit, so calamine cannot take the app down.

A failed allocation inside calamine aborts the whole process (Rust does not unwind into
Python), and no check of the file beforehand can promise it never happens. The child runs
calamine on one workbook under RLIMIT_AS and streams the chosen sheet's rows back in chunks,
length-prefixed pickles as the row workers use (our own child, started for this one file). A
child that dies or runs out of memory becomes ImportFailed ("could not be read"), in the
preview and in the import alike, and the app carries on.

The child is `python -m desktop.adapters.importing.sheet_child`, or the frozen bundle with
desktop.cli's FROZEN_SHEET_READER_VERB. It is killed when the reader is closed early (a preview
needs twenty rows) and ends on a broken pipe when the parent is gone.
"""

from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

from desktop.adapters.importing.report import ImportFailed
from desktop.adapters.importing.row_workers import read_frame
from desktop.adapters.importing.spreadsheets import check_sheet_file
from desktop.adapters.importing.tables import Table


def read_sheet_table(path: Path) -> Table:
    """The workbook's contact sheet, read in a child process; raises ImportFailed when the
    file is refused, has no header row, or the reader could not read it."""
    check_sheet_file(path)
    try:
        proc = subprocess.Popen(
            [*reader_command(), str(path)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
    except OSError as exc:
        raise ImportFailed(f"{path}: the workbook reader could not start ({exc})") from exc
    assert proc.stdout is not None and proc.stderr is not None
    stdout = proc.stdout
    # Drained all along: calamine's panic message must not fill the pipe and block the child.
    errors: list[bytes] = []
    stderr = proc.stderr
    drain = threading.Thread(target=lambda: errors.append(stderr.read()),
                             name="sheet-reader-err", daemon=True)  # fmt: skip
    drain.start()
    closed = False

    def close() -> None:
        nonlocal closed
        if closed:
            return
        closed = True
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        drain.join(timeout=5)
        for stream in (stdout, stderr):
            with contextlib.suppress(OSError):
                stream.close()

    def receive() -> tuple[object, ...]:
        """The child's next message; ImportFailed when it refused the file or died."""
        try:
            message = read_frame(stdout)
        except (OSError, EOFError, ValueError) as exc:
            message = None
            errors.append(str(exc).encode())
        if isinstance(message, tuple) and message and message[0] == "failed":
            close()
            raise ImportFailed(str(message[1]))
        if isinstance(message, tuple) and message:
            return message
        close()
        raise ImportFailed(f"{path}: this workbook could not be read ({_why(proc, errors)}); "
                           "save it again from Excel or as CSV UTF-8")  # fmt: skip

    try:
        shape = receive()
        if shape[0] != "table" or len(shape) != 6:
            raise ImportFailed(f"{path}: this workbook could not be read (the reader answered "
                               "out of turn)")  # fmt: skip
    except BaseException:
        close()
        raise
    _tag, kind, source, header, header_line, size = shape
    done = int(str(header_line))

    def records() -> Iterator[tuple[int, list[str]]]:
        nonlocal done
        try:
            while (message := receive())[0] == "rows":
                rows = message[1]
                assert isinstance(rows, list)
                for row in rows:
                    done = row[0]
                    yield row
        finally:
            close()

    assert isinstance(header, list)
    return Table(path, str(kind), str(source), "row", header, done, records(), lambda: done,
                 int(str(size)), close)  # fmt: skip


def _why(proc: subprocess.Popen[bytes], errors: list[bytes]) -> str:
    code = proc.wait()
    text = b"".join(errors).decode("utf-8", "replace")
    if "memory allocation" in text or "capacity overflow" in text or "MemoryError" in text:
        return "it needs more memory than a contact sheet may use"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"the reader stopped with {name}"
    return f"the reader stopped with exit status {code}"


def reader_command() -> list[str]:
    """This interpreter with sheet_child, or the frozen bundle's own executable (which has no
    `python -m`) with desktop.cli.FROZEN_SHEET_READER_VERB."""
    if getattr(sys, "frozen", False):
        return [sys.executable, "_sheet-reader"]
    return [sys.executable, "-m", "desktop.adapters.importing.sheet_child"]

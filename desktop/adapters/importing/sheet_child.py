"""The workbook reader's child process (sheet_process.py starts it): calamine on one workbook
under a memory limit, the chosen sheet streamed to stdout as length-prefixed pickles.

Its own module, never imported by the importing package, so `python -m` runs it once.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import IO

from desktop.adapters.importing.report import ImportFailed
from desktop.adapters.importing.row_workers import pack_frame
from desktop.adapters.importing.spreadsheets import read_sheet_here

# What calamine may use for one workbook: a 100,000-row sheet peaks at 77 MB resident, and the
# biggest accepted one (workbook_guard.py: 400 MB unpacked, 5 million cells of 32 bytes) fits
# with room; a runaway allocation does not.
MEMORY_LIMIT_BYTES = 2 * 1024 * 1024 * 1024
CHUNK_ROWS = 2000


def limit_memory(limit: int = MEMORY_LIMIT_BYTES) -> None:
    """Cap this process's address space where the OS enforces it (Linux; macOS and Windows
    do not, and there only the checks in workbook_guard.py stand between calamine and a
    runaway allocation)."""
    if sys.platform == "win32":  # no resource module there
        return
    import resource

    with contextlib.suppress(ValueError, OSError):
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def serve(path: Path, sink: IO[bytes]) -> None:
    """The child's side: the table's shape, then its rows in chunks, then "end"."""
    limit_memory()
    try:
        table = read_sheet_here(path)
    except ImportFailed as exc:
        sink.write(pack_frame(("failed", str(exc))))
        sink.flush()
        return
    sink.write(pack_frame(("table", table.kind, table.source, table.header, table.header_line,
                           table.size)))  # fmt: skip
    sink.flush()
    chunk: list[tuple[int, list[str]]] = []
    try:
        for row in table.rows:
            chunk.append(row)
            if len(chunk) >= CHUNK_ROWS:
                sink.write(pack_frame(("rows", chunk)))
                sink.flush()
                chunk = []
        if chunk:
            sink.write(pack_frame(("rows", chunk)))
        sink.write(pack_frame(("end",)))
        sink.flush()
    except BrokenPipeError:
        pass  # the parent had enough rows (a preview)
    finally:
        table.close()


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m desktop.adapters.importing.sheet_child WORKBOOK", file=sys.stderr)
        return 2
    serve(Path(argv[0]), sys.stdout.buffer)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

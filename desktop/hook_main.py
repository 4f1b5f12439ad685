"""The frozen bundle's `callercard-hook` (Linux, macOS): `callercard ring` / `end`, light.

A PyInstaller executable runs its runtime hooks before any of our code, and the main one's
(Qt's, inspect's, multiprocessing's, pkgutil's) import PySide6 and half the standard library:
~100 ms on every incoming call, against ~35 ms for the bootloader itself. This executable is
built from this module alone (packaging/callercard.spec), which imports only the hook's fast
path, so it gets none of them. Anything the fast path does not do (no app running, any other
verb, `--help`) is handed to the main executable beside it, with the same arguments, in the
same process (exec), so the softphone still waits for one process and reads one exit code.
A call the running app did not take in time goes there too, to be recorded, with
hook_send.UNANSWERED_ENV telling it not to send the line again.
"""

from __future__ import annotations

import os
import sys

from desktop.hook_argv import parse_hook_argv
from desktop.hook_send import UNANSWERED_ENV, Unanswered, exit_now, send_line

MAIN_EXECUTABLE = "CallerCard" if sys.platform == "darwin" else "callercard"


def main() -> None:
    argv = sys.argv[1:]
    args = parse_hook_argv(argv)
    try:
        code = None if args is None else send_line(args)
    except KeyboardInterrupt:
        exit_now(130)
    if isinstance(code, Unanswered):
        os.environ[UNANSWERED_ENV] = code.value()
    elif code is not None:
        exit_now(code)
    main_executable = os.path.join(os.path.dirname(sys.executable), MAIN_EXECUTABLE)
    os.execv(main_executable, [main_executable, *argv])  # noqa: S606 - our own executable


if __name__ == "__main__":
    main()

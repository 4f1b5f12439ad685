"""Every place CallerCard keeps files, decided in one module.

Order of precedence: --data-dir, then CALLERCARD_HOME, then the platform's user data directory.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from desktop.adapters.regular_file import NotRegularFile

APP_NAME = "CallerCard"
ENV_HOME = "CALLERCARD_HOME"


class AppPaths:
    # A plain class, not a dataclass: `callercard ring` imports this on the softphone's
    # call-setup path, where the dataclasses import alone costs ~10 ms.
    __slots__ = ("data_dir",)

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir

    def __repr__(self) -> str:
        return f"AppPaths({self.data_dir!r})"

    @property
    def database(self) -> Path:
        return self.data_dir / "callercard.sqlite3"

    @property
    def settings(self) -> Path:
        return self.data_dir / "settings.json"

    @property
    def cache_dir(self) -> Path:
        return self.data_dir / "cache"

    @property
    def log_file(self) -> Path:
        return self.data_dir / "callercard.log"

    def ensure(self) -> AppPaths:
        """Create the data directory readable by this user alone."""
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        if os.name == "posix":
            os.chmod(self.data_dir, 0o700)
        self.cache_dir.mkdir(exist_ok=True, mode=0o700)
        return self


def resolve_paths(data_dir: str | os.PathLike[str] | None = None) -> AppPaths:
    if data_dir:
        return AppPaths(Path(data_dir).expanduser().resolve())
    env = os.environ.get(ENV_HOME)
    if env:
        return AppPaths(Path(env).expanduser().resolve())
    import platformdirs

    return AppPaths(Path(platformdirs.user_data_dir(APP_NAME, appauthor=False, roaming=True)))


def create_private_file(path: Path) -> None:
    """Create `path` as an empty file readable by this user alone, if it does not exist.
    Raises NotRegularFile (an OSError) when something else is there: SQLite would wait on a
    FIFO for good."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | getattr(os, "O_NONBLOCK", 0), 0o600)
    except OSError as exc:
        if exc.errno == errno.ENXIO:  # a FIFO no one reads: "no such device" says nothing
            raise NotRegularFile(path, os.stat(path).st_mode) from exc
        raise
    try:
        mode = os.fstat(fd).st_mode
    finally:
        os.close(fd)
    if not stat.S_ISREG(mode):
        raise NotRegularFile(path, mode)
    if os.name == "posix":
        os.chmod(path, 0o600)

"""Every place CallerCard keeps files, decided in one module.

Order of precedence: --data-dir, then CALLERCARD_HOME, then the platform's user data directory.

`callercard ring` needs the data directory on every incoming call (it names the instance's
socket), so `hook_data_dir` finds it without pathlib and, on Linux, without platformdirs, which
together cost more than the rest of the hook (~17 ms against a ~10 ms interpreter start).
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING would import typing on every ring
if TYPE_CHECKING:
    from pathlib import Path

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
    def write_journal(self) -> Path:
        """History writes waiting for the database (history_writer.py)."""
        return self.data_dir / "pending-writes.jsonl"

    @property
    def hook_inbox(self) -> Path:
        """Calls a hook left for the running app (hook_inbox.py). In the folder the app
        watches beside the database (followed_list.change_marker's), not beside the database
        itself, where every page SQLite writes would wake the watch."""
        return self.data_dir / "notices" / "hook-calls.jsonl"

    @property
    def missed_cards(self) -> Path:
        """The missed cards open on screen, for the next start (missed_cards_file.py)."""
        return self.data_dir / "missed-cards.json"

    @property
    def dial_intents(self) -> Path:
        """Whom a call no softphone could place was for, for log-call (dial_intents.py)."""
        return self.data_dir / "dial-intents.txt"

    @property
    def last_running(self) -> Path:
        """When the app was last known to run, for what was missed while it was closed
        (last_running.py)."""
        return self.data_dir / "last-running.txt"

    @property
    def untold_missed(self) -> Path:
        """When it was closed with calls missed that nobody has told the rep of yet
        (untold_missed.py)."""
        return self.data_dir / "missed-untold.txt"

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

    def unwritable_reason(self) -> str:
        """Why nothing can be written in the data directory ("Read-only file system",
        "Permission denied"), or "" when something can."""
        probe = self.data_dir / f".write-test-{os.getpid()}"
        try:
            os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except OSError as exc:
            return exc.strerror or str(exc)
        probe.unlink()
        return ""


def resolve_paths(data_dir: str | os.PathLike[str] | None = None) -> AppPaths:
    from pathlib import Path

    if data_dir:
        return AppPaths(Path(data_dir).expanduser().resolve())
    env = os.environ.get(ENV_HOME)
    if env:
        return AppPaths(Path(env).expanduser().resolve())
    return AppPaths(default_data_dir())


def default_data_dir() -> Path:
    """Where CallerCard keeps its data when neither --data-dir nor CALLERCARD_HOME says."""
    from pathlib import Path

    return Path(_xdg_data_dir() or _platform_data_dir())


def hook_data_dir(data_dir: str | None = None) -> str:
    """The directory resolve_paths(data_dir) names, as text (its address key resolves it)."""
    if data_dir:
        return os.path.expanduser(data_dir)
    env = os.environ.get(ENV_HOME)
    if env:
        return os.path.expanduser(env)
    return _xdg_data_dir() or _platform_data_dir()


def _platform_data_dir() -> str:
    import platformdirs

    return platformdirs.user_data_dir(APP_NAME, appauthor=False, roaming=True)


def _xdg_data_dir() -> str | None:
    """platformdirs' answer on Linux in the usual environment (an absolute XDG_DATA_HOME or
    HOME), or None to ask platformdirs (tests/adapters/test_paths.py holds the two together)."""
    if not sys.platform.startswith("linux") or "ANDROID_DATA" in os.environ:
        return None
    base = os.environ.get("XDG_DATA_HOME", "")
    if not base.startswith("/"):
        if not os.environ.get("HOME", "").startswith("/"):
            return None  # platformdirs falls back on the password database, or refuses
        base = os.path.expanduser("~/.local/share")
    return os.path.join(base, APP_NAME)


def keep_private(*paths: Path) -> None:
    """Make files that exist readable by this user alone, without opening them.

    Only chmod, by name: opening and closing a descriptor on a database this process also has
    open through SQLite would drop every POSIX lock the process holds on it (SQLite's "How To
    Corrupt An SQLite Database File", section 2.2), and another process would then take itself
    for the last user and delete the WAL under us.
    """
    if os.name != "posix":
        return
    for path in paths:
        try:
            if os.stat(path).st_mode & 0o077:
                os.chmod(path, 0o600)
        except FileNotFoundError:
            continue

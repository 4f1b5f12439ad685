"""Where the running instance listens, computed the same way by the server and by every client.

POSIX: a Unix socket in a directory only we can enter: `$XDG_RUNTIME_DIR/callercard` when the
runtime dir exists, else `/tmp/callercard-<uid>`. A directory under /tmp could have been created
by another local user in advance to catch our rings, so an existing one must be a real directory
(not a symlink), ours, and mode 0700, or we refuse to use it.

Windows: a named pipe, `\\\\.\\pipe\\callercard-<user hash>-<key>`; pipes share one global
namespace, so the name carries the user as well as the instance key (the pipe itself gets a
user-only DACL from QLocalServer). QLocalServer accepts the full pipe path as a server name and
the client opens it as a file.

The instance key is a short hash (crc32) of the resolved data directory, so a `--data-dir` test
or demo instance never answers for the real one. `CALLERCARD_INSTANCE` replaces the key (tests,
or two deliberate instances).

Kept to the stdlib, and to os.path rather than pathlib: `callercard ring` imports this on
every incoming call, and pathlib brings re, enum, fnmatch and urllib (~10 ms of a ~10 ms
interpreter start when nothing else loaded them).
"""

from __future__ import annotations

import os
import stat
import sys
import zlib

TYPE_CHECKING = False  # typing.TYPE_CHECKING would import typing on every ring
if TYPE_CHECKING:
    from pathlib import Path
    from typing import TypeAlias, TypeVar

    StrPath: TypeAlias = str | os.PathLike[str]
    _P = TypeVar("_P", bound=StrPath)

ENV_INSTANCE = "CALLERCARD_INSTANCE"
_KEY_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
_MAX_KEY_LEN = 40
# sockaddr_un.sun_path is 108 bytes on Linux and 104 on macOS, both including the final NUL.
_MAX_SOCKET_PATH = 100
_TMP_ROOT = "/tmp"  # noqa: S108 - the directory below it is checked, see module doc


class InstanceDirError(OSError):
    """The socket directory exists but is not safely ours; says which and why."""


def instance_key(data_dir: StrPath) -> str:
    """The name that tells instances apart: the override, or a hash of the data directory."""
    override = os.environ.get(ENV_INSTANCE, "")
    if override:
        if len(override) > _MAX_KEY_LEN or not set(override) <= _KEY_CHARS:
            raise ValueError(
                f"{ENV_INSTANCE}={override!r}: use 1-40 letters, digits, '.', '_' or '-'"
            )
        return override
    # crc32 rather than hashlib: this runs on every ring, and loading OpenSSL costs ~3 ms. The
    # key only has to tell apart the few data directories one user has; it is no secret.
    # realpath is what Path.resolve() does, so the key is the one earlier versions computed.
    return f"{zlib.crc32(os.fsencode(os.path.realpath(data_dir))):08x}"


def instance_address(data_dir: StrPath) -> str:
    """The QLocalServer name / socket path / pipe path both sides use for this data directory."""
    key = instance_key(data_dir)
    if sys.platform == "win32":
        user = zlib.crc32(os.environ.get("USERNAME", "").encode())
        return rf"\\.\pipe\callercard-{user:08x}-{key}"
    name = f"{key}.sock"
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    # The spec requires an absolute path; anything else is a broken session, not a place to use.
    if runtime and os.path.isabs(runtime) and os.path.isdir(runtime):
        base = os.path.normpath(runtime)
        flatpak_id = os.environ.get("FLATPAK_ID", "")
        if flatpak_id:
            # Each `flatpak run` gets a private runtime dir; only app/<id>/ is shared by all
            # instances of the app, so the hook's process can reach the tray app's socket.
            base = os.path.join(base, "app", flatpak_id)
        directory = os.path.join(base, "callercard")
        candidate = os.path.join(directory, name)
        if len(os.fsencode(candidate)) <= _MAX_SOCKET_PATH:
            ensure_private_dir(directory)
            return candidate
    directory = os.path.join(_TMP_ROOT, f"callercard-{os.getuid()}")
    ensure_private_dir(directory)
    return os.path.join(directory, name)


def instance_lock_path(address: str) -> Path:
    """The lock file that decides which process owns `address`."""
    from pathlib import Path  # not on the hook's path: only a failed connect looks at the lock

    if sys.platform == "win32":
        # %TEMP% is per user on Windows; a pipe has no directory to sit next to.
        temp = os.environ.get("TEMP") or os.environ.get("TMP") or str(Path.home())
        pipe_name = address.rsplit("\\", 1)[-1]
        return Path(temp) / f"{pipe_name}.lock"
    return Path(f"{address}.lock")


def ensure_private_dir(path: _P) -> _P:
    """Create `path` mode 0700 if missing; refuse an existing one not safely ours (POSIX)."""
    if sys.platform == "win32":
        raise NotImplementedError("Windows uses a named pipe, not a socket directory")
    try:
        os.mkdir(path, mode=0o700)
    except FileExistsError:
        pass
    else:
        # A strict umask (0o277, say) would leave even us without access.
        os.chmod(path, 0o700)
    try:
        info = os.lstat(path)
    except OSError as exc:
        raise InstanceDirError(f"{path}: cannot check the instance directory: {exc}") from exc
    if stat.S_ISLNK(info.st_mode):
        raise InstanceDirError(f"{path}: is a symbolic link; refusing to use it")
    if not stat.S_ISDIR(info.st_mode):
        raise InstanceDirError(f"{path}: is not a directory")
    if info.st_uid != os.getuid():
        raise InstanceDirError(
            f"{path}: belongs to uid {info.st_uid}, not to us (uid {os.getuid()}); "
            "another user may have created it"
        )
    mode = stat.S_IMODE(info.st_mode)
    if mode != 0o700:
        raise InstanceDirError(
            f"{path}: has mode {mode:04o}; it must be 0700 so other users cannot reach the socket"
        )
    return path

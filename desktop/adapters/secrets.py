"""Every credential CallerCard keeps goes through here, into the system's secret store.

The store is chosen from an ordered list of candidates per platform, each imported by name:
a frozen bundle loses keyring's entry-point discovery, and keyring would then settle on its
failing fallback without a word. A keyring configured by the user (PYTHON_KEYRING_BACKEND or
keyringrc.cfg) wins over the list. The choice, and why the others were passed over, is logged.

A backend that would keep secrets in plain text, discard them, or fail is never used: the
store reports itself insecure and refuses to save, so nothing is silently written in the
clear (maestral falls back to a plain-text file; Vorta asks first; we refuse and say why).
"""

from __future__ import annotations

import logging
import sys
import threading
from dataclasses import dataclass

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

log = logging.getLogger(__name__)

SERVICE = "CallerCard"

# Most preferred first. KWallet needs dbus-python and libsecret needs PyGObject; neither is a
# dependency, so they only count where the user's Python happens to have them.
_CANDIDATES: dict[str, tuple[str, ...]] = {
    "darwin": ("keyring.backends.macOS.Keyring",),
    "win32": ("keyring.backends.Windows.WinVaultKeyring",),
    "linux": (
        "keyring.backends.SecretService.Keyring",
        "keyring.backends.kwallet.DBusKeyring",
        "keyring.backends.libsecret.Keyring",
    ),
}

# What a person calls each store; anything else is shown by keyring's own name.
_LABELS: dict[str, str] = {
    "keyring.backends.macOS.Keyring": "macOS Keychain",
    "keyring.backends.Windows.WinVaultKeyring": "Windows Credential Locker",
    "keyring.backends.SecretService.Keyring": "Secret Service",
    "keyring.backends.libsecret.Keyring": "Secret Service (libsecret)",
    "keyring.backends.kwallet.DBusKeyring": "KWallet",
    "keyring.backends.kwallet.DBusKeyringKWallet4": "KWallet",
    "desktop.adapters.secrets.MemoryKeyring": "Memory (this session only)",
}

# Where passwords are, as the Settings window says it ("Passwords are kept in …").
_PLACES: dict[str, str] = {
    "keyring.backends.macOS.Keyring": "the macOS Keychain",
    "keyring.backends.Windows.WinVaultKeyring": "Windows Credential Locker",
    "keyring.backends.SecretService.Keyring": "your desktop's keyring (Secret Service)",
    "keyring.backends.libsecret.Keyring": "your desktop's keyring (Secret Service)",
    "keyring.backends.kwallet.DBusKeyring": "KWallet",
    "keyring.backends.kwallet.DBusKeyringKWallet4": "KWallet",
    "desktop.adapters.secrets.MemoryKeyring": "memory, for this session only",
}

# Backends that look like a store but keep nothing, or keep it in a file anyone with the
# disk can read.
_INSECURE_MODULES = ("keyring.backends.fail", "keyring.backends.null", "keyrings.alt")


class SecretStoreError(Exception):
    """A secret could not be read, saved or removed; the message says where and why, and
    `words` says it to someone in the Settings window."""

    def __init__(self, message: str, words: str = "") -> None:
        super().__init__(message)
        self.words = words or message


@dataclass(frozen=True)
class SecretStoreStatus:
    secure: bool
    label: str  # "Secret Service", "macOS Keychain", …; "" when there is no secure store
    backend: str  # the keyring class, for logs and bug reports
    detail: str = ""  # why there is no secure store

    def describe(self) -> str:
        """One line for the settings window."""
        if self.secure:
            return f"Secrets are stored in: {self.label}"
        return (
            f"No secure store for secrets ({self.detail}). CallerCard will not save passwords "
            "or tokens until one is available; it never writes them to a plain file."
        )


    def in_words(self) -> str:
        """The one sentence Settings shows: where passwords go, or that they cannot be kept."""
        if self.secure:
            return f"Passwords are kept in {_PLACES.get(self.backend, self.label)}."
        if self.backend:  # keyring was told to use a store that keeps nothing safely
            return ("Your keyring setting keeps no password safely: team directory passwords "
                    "can't be saved.")  # fmt: skip
        return "No keychain found: team directory passwords can't be saved."

    def advice(self) -> str:
        """What to do about an insecure store ("" when it is secure)."""
        if self.secure:
            return ""
        if self.backend:
            return (f"PYTHON_KEYRING_BACKEND or keyringrc.cfg chooses {self.backend}; remove "
                    "that choice to use the system's keychain. Directories without a password "
                    "work as they are.")  # fmt: skip
        return ("Directories without a password work as they are. Start your desktop's keyring "
                "(GNOME Keyring or KWallet), then open Settings again.")  # fmt: skip


def _qualified(obj: object) -> str:
    cls = obj if isinstance(obj, type) else type(obj)
    return f"{cls.__module__}.{cls.__qualname__}"


def _is_insecure(backend: KeyringBackend) -> bool:
    name = _qualified(backend)
    return any(name == m or name.startswith(m + ".") for m in _INSECURE_MODULES)


def _status_for(backend: KeyringBackend) -> SecretStoreStatus:
    name = _qualified(backend)
    if _is_insecure(backend):
        detail = f"keyring is set to {name}, which does not keep secrets safely"
        return SecretStoreStatus(False, "", name, detail)
    return SecretStoreStatus(True, _LABELS.get(name, str(getattr(backend, "name", name))), name)


def _load(dotted: str) -> KeyringBackend:
    """An instance of the named backend, or raises with keyring's reason it is not viable."""
    module_name, _, class_name = dotted.rpartition(".")
    module = __import__(module_name, fromlist=[class_name])
    cls = getattr(module, class_name)
    # keyring's convention: reading `priority` raises when the backend cannot work here.
    cls.priority  # noqa: B018
    backend = cls()
    if not isinstance(backend, KeyringBackend):
        raise TypeError(f"{dotted} is not a keyring backend")
    return backend


def _configured_backend() -> KeyringBackend | None:
    """The keyring the user chose by environment or keyringrc.cfg, if any."""
    import keyring.core

    return keyring.core.load_env() or keyring.core.load_config()


def choose_backend(platform: str = sys.platform) -> tuple[KeyringBackend | None, SecretStoreStatus]:
    """The first working candidate for `platform` (or the configured one), and its status.

    Returns (None, insecure status) when nothing works; logs the choice either way.
    """
    try:
        configured = _configured_backend()
    except Exception as exc:  # keyring raises anything from a broken config or import
        configured = None
        log.warning("secrets: the configured keyring cannot be used (%s)", exc)
    if configured is not None:
        status = _status_for(configured)
        log.info("secrets: using the configured keyring %s (%s)", status.backend,
                 status.label or "insecure: refused for saving")  # fmt: skip
        return configured, status
    key = "linux" if platform.startswith(("linux", "freebsd", "openbsd", "netbsd")) else platform
    skipped: list[str] = []
    for dotted in _CANDIDATES.get(key, ()):
        try:
            backend = _load(dotted)
        except Exception as exc:  # ImportError, RuntimeError from priority, D-Bus errors…
            skipped.append(f"{_LABELS.get(dotted, dotted)}: {exc}")
            continue
        status = _status_for(backend)
        log.info("secrets: using %s (%s)%s", status.label, status.backend,
                 f"; passed over {'; '.join(skipped)}" if skipped else "")  # fmt: skip
        return backend, status
    detail = "; ".join(skipped) or f"no secret store is known on {platform}"
    log.warning("secrets: no secure store: %s", detail)
    return None, SecretStoreStatus(False, "", "", detail)


class SecretStore:
    """Get, set and delete named secrets (e.g. "crm-token") in one secure backend."""

    def __init__(
        self, backend: KeyringBackend | None, status: SecretStoreStatus, service: str = SERVICE
    ) -> None:
        self._backend = backend
        self.status = status
        self.service = service

    @classmethod
    def open(cls, backend: KeyringBackend | None = None, service: str = SERVICE) -> SecretStore:
        """The store on `backend` (tests pass a MemoryKeyring), else the best one here."""
        if backend is not None:
            return cls(backend, _status_for(backend), service)
        chosen, status = choose_backend()
        return cls(chosen, status, service)

    def _usable(self, action: str, name: str) -> KeyringBackend:
        if not self.status.secure or self._backend is None:
            raise SecretStoreError(f"cannot {action} {name!r}: {self.status.describe()}")
        return self._backend

    def get(self, name: str) -> str | None:
        backend = self._usable("read", name)
        try:
            value = backend.get_password(self.service, name)
        except Exception as exc:  # KeyringLocked, InitError, D-Bus and OS errors
            raise SecretStoreError(f"{self.status.label}: cannot read {name!r}: {exc}") from exc
        return value if isinstance(value, str) else None

    def set(self, name: str, value: str) -> None:
        backend = self._usable("save", name)
        try:
            backend.set_password(self.service, name, value)
        except Exception as exc:
            raise SecretStoreError(f"{self.status.label}: cannot save {name!r}: {exc}") from exc

    def delete(self, name: str) -> None:
        """Remove `name`; removing a secret that is not there is not an error."""
        backend = self._usable("remove", name)
        try:
            backend.delete_password(self.service, name)
        except PasswordDeleteError:
            return
        except Exception as exc:
            raise SecretStoreError(f"{self.status.label}: cannot remove {name!r}: {exc}") from exc


class MemoryKeyring(KeyringBackend):
    """Keeps secrets in this process only: the tests' stand-in for the OS keychain.

    Select it with PYTHON_KEYRING_BACKEND=desktop.adapters.secrets.MemoryKeyring. Its priority
    is below keyring's null backend, so keyring's own detection never picks it by accident.
    """

    priority = -2

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._values: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()

    def get_password(self, service: str, username: str) -> str | None:
        with self._lock:
            return self._values.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        with self._lock:
            self._values[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        with self._lock:
            if self._values.pop((service, username), None) is None:
                raise PasswordDeleteError(f"{username!r} is not stored for {service!r}")

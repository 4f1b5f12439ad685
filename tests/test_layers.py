"""The layer rule from STYLE.md, checked mechanically: each layer imports only downward."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "desktop"

# core: stdlib and phonenumbers, and only pure stdlib at that.
CORE_FORBIDDEN = {"PySide6", "watchdog", "keyring", "platformdirs", "sqlite3", "socket",
                  "subprocess", "shutil", "tempfile", "desktop.adapters", "desktop.qt"}  # fmt: skip
ADAPTERS_FORBIDDEN = {"PySide6", "desktop.qt"}
THIRD_PARTY_IN_CORE = {"phonenumbers"}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def violations(layer: str, forbidden: set[str]) -> list[str]:
    found = []
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        for name in imports_of(path):
            if any(name == f or name.startswith(f + ".") for f in forbidden):
                found.append(f"{path.relative_to(PACKAGE.parent)} imports {name}")
    return found


def test_core_is_pure() -> None:
    assert violations("core", CORE_FORBIDDEN) == []


def test_core_uses_only_stdlib_and_phonenumbers() -> None:
    stdlib = sys.stdlib_module_names
    odd = []
    for path in sorted((PACKAGE / "core").rglob("*.py")):
        for name in imports_of(path):
            top = name.split(".")[0]
            if top not in stdlib and top not in THIRD_PARTY_IN_CORE and top != "desktop":
                odd.append(f"{path.name} imports {name}")
    assert odd == []


def test_adapters_never_import_qt() -> None:
    assert violations("adapters", ADAPTERS_FORBIDDEN) == []


@pytest.mark.parametrize("module", ["desktop.cli", "desktop.cli_ring"])
def test_command_line_entry_points_do_not_import_qt(module: str) -> None:
    import subprocess

    code = f"import sys, {module}; print(any(m.startswith('PySide6') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


OUR_NETWORK_MODULES = (
    "desktop.adapters.directories.dav_http", "desktop.adapters.directories.carddav",
    "desktop.adapters.directories.syncing", "desktop.adapters.directories.ldap_client",
    "desktop.adapters.directories.ldap_sync", "desktop.adapters.directories.http_digest", "ldap3",
)  # fmt: skip
NETWORK_MODULES = (*OUR_NETWORK_MODULES, "http.client", "ssl")


def test_directory_networking_stays_off_the_ring_path_and_start_up() -> None:
    """A ring never waits on the network: the CLI's parser, `ring`, the lookup and the app's
    start-up load none of the CardDAV and LDAP clients, nor http.client; the app's start-up
    loads none of the import modules either."""
    import os
    import subprocess

    def loaded(imports: str, names: tuple[str, ...]) -> str:
        code = f"import sys, {imports}; print(sorted(m for m in sys.modules if m in {names!r}))"
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True, env=env)  # fmt: skip
        return out.stdout.strip()

    cli_path = ("desktop.cli, desktop.cli_ring, desktop.adapters.lookup, "
                "desktop.adapters.directories.mirror; desktop.cli.build_parser()")  # fmt: skip
    assert loaded(cli_path, NETWORK_MODULES) == "[]"
    start_up_spares = (*NETWORK_MODULES, "desktop.core.import_mapping", "vobject")
    assert loaded("desktop.qt.app", start_up_spares) == "[]"

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


# Dynamic imports whose module name is not written in the code, each with why it is safe. Any
# other `__import__(x)` or `importlib.import_module(x)` with a computed name fails the test, so
# the layer rules cannot be walked around by naming a module at run time.
DYNAMIC_IMPORTS_ALLOWED = {
    # The keychain backend the user configured by name (keyringrc.cfg / PYTHON_KEYRING_BACKEND):
    # always a keyring backend module, never one of ours.
    ("desktop/adapters/secrets.py", "_load"),
}


def _dynamic_import_name(node: ast.Call) -> ast.expr | None:
    """The module-name argument of `__import__(...)` or `importlib.import_module(...)`."""
    func = node.func
    is_dunder = isinstance(func, ast.Name) and func.id == "__import__"
    is_importlib = (isinstance(func, ast.Attribute) and func.attr == "import_module") or (
        isinstance(func, ast.Name) and func.id == "import_module")  # fmt: skip
    if (is_dunder or is_importlib) and node.args:
        return node.args[0]
    return None


def _functions_by_line(tree: ast.AST) -> dict[int, str]:
    owner: dict[int, str] = {}
    for func in ast.walk(tree):
        if isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for inner in ast.walk(func):
                if hasattr(inner, "lineno"):
                    owner.setdefault(inner.lineno, func.name)
    return owner


def imports_of(path: Path, package: Path = PACKAGE) -> set[str]:
    """Every module the file imports: statements, and `__import__`/`importlib.import_module`
    calls with a literal name. A computed name is returned as `<dynamic in FUNC>` unless it is
    in DYNAMIC_IMPORTS_ALLOWED, so no forbidden set can miss it."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    owners: dict[int, str] | None = None
    relative = path.relative_to(package.parent).as_posix()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Call) and (arg := _dynamic_import_name(node)) is not None:
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                names.add(arg.value)
                continue
            owners = owners if owners is not None else _functions_by_line(tree)
            function = owners.get(node.lineno, "<module>")
            if (relative, function) not in DYNAMIC_IMPORTS_ALLOWED:
                names.add(f"<dynamic in {function}>")
    return names


def violations(layer: str, forbidden: set[str], package: Path = PACKAGE) -> list[str]:
    found = []
    for path in sorted((package / layer).rglob("*.py")):
        for name in imports_of(path, package):
            dynamic = name.startswith("<dynamic")
            if dynamic or any(name == f or name.startswith(f + ".") for f in forbidden):
                found.append(f"{path.relative_to(package.parent).as_posix()} imports {name}")
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


# The one place outside desktop/qt that may start the GUI: the `run` verb's composition root.
QT_IMPORTERS_ALLOWED = {"desktop/cli.py"}


def test_qt_imports_only_core_and_adapters_and_only_the_run_verb_imports_qt() -> None:
    """desktop/qt sits on top: it may import core and adapters (and itself), but not the CLI
    modules; and nothing below it or beside it imports desktop.qt, except the verb that runs
    the app."""
    upward = violations("qt", {"desktop.cli", "desktop.cli_ring", "desktop.cli_events",
                               "desktop.cli_callbacks", "desktop.cli_log_call",
                               "desktop.hook_argv", "desktop.__main__"})  # fmt: skip
    assert upward == []
    importers = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE.parent).as_posix()
        if relative.startswith("desktop/qt/") or relative in QT_IMPORTERS_ALLOWED:
            continue
        if any(n == "desktop.qt" or n.startswith("desktop.qt.") for n in imports_of(path)):
            importers.append(relative)
    assert importers == []


def test_a_dynamic_import_cannot_walk_around_the_layers(tmp_path: Path) -> None:
    """`__import__("PySide6")` in core counts as an import of PySide6, and a computed name is
    reported rather than trusted."""
    core = tmp_path / "desktop" / "core"
    core.mkdir(parents=True)
    (core / "_layer_probe.py").write_text(
        "import importlib\n"
        "def f(name):\n"
        "    __import__('PySide6.QtCore')\n"
        "    return importlib.import_module(name)\n",
        encoding="utf-8",
    )
    found = violations("core", CORE_FORBIDDEN, tmp_path / "desktop")
    assert "desktop/core/_layer_probe.py imports PySide6.QtCore" in found
    assert "desktop/core/_layer_probe.py imports <dynamic in f>" in found


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
    "desktop.adapters.directories.tls_probe",
)  # fmt: skip
NETWORK_MODULES = (*OUR_NETWORK_MODULES, "http.client", "ssl")


def loaded(imports: str, names: tuple[str, ...]) -> str:
    """Which of `names` a fresh interpreter has loaded after `imports`."""
    import os
    import subprocess

    code = f"import sys, {imports}; print(sorted(m for m in sys.modules if m in {names!r}))"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env=env)  # fmt: skip
    return out.stdout.strip()


def test_directory_networking_stays_off_the_ring_path_and_start_up() -> None:
    """A ring never waits on the network: the CLI's parser, `ring`, the lookup and the app's
    start-up load none of the CardDAV and LDAP clients, nor http.client; the app's start-up
    loads none of the import modules either."""
    cli_path = ("desktop.cli, desktop.cli_ring, desktop.adapters.lookup, "
                "desktop.adapters.directories.mirror; desktop.cli.build_parser()")  # fmt: skip
    assert loaded(cli_path, NETWORK_MODULES) == "[]"
    import_modules = ("desktop.core.import_mapping", "desktop.core.import_headers",
                      "desktop.core.import_rows", "desktop.core.import_cards",
                      "desktop.core.import_names")  # fmt: skip
    start_up_spares = (*NETWORK_MODULES, *import_modules, "vobject", *LOADED_WHEN_NEEDED)
    assert loaded("desktop.qt.app", start_up_spares) == "[]"


# Loaded when first needed, never by the tray's start-up: handing over to a running instance,
# the demo book, placing a call, the softphones not being followed (the end-of-call logs'
# parsers hold 0.7 MB), and OpenSSL (_hashlib, ~3 MB resident; for the URL endpoint's token
# and the login-start portal request).
LOADED_WHEN_NEEDED = (
    "desktop.adapters.instance_client", "desktop.adapters.demo_book",
    "desktop.adapters.dialing", "desktop.qt.click_to_call",
    "desktop.adapters.sources.linphone_db", "desktop.adapters.sources.baresip_ctrl",
    "desktop.adapters.sources.history",
    "_hashlib",
)  # fmt: skip
# The windows a rep opens from the tray, and what only they use.
WINDOWS = (
    "desktop.qt.search_window", "desktop.qt.contact_view", "desktop.qt.call_list",
    "desktop.qt.callbacks_window", "desktop.qt.settings_window", "desktop.qt.import_window",
    "desktop.qt.welcome", "desktop.qt.duplicates_window", "desktop.qt.wrap_up",
    "desktop.adapters.secrets", "keyring", "phonenumbers.geocoder",
)  # fmt: skip

READY_PROBE = """
import os, sys
from desktop.adapters import trace

write = trace.RingTrace.write

def probe(self, stage, *args, **fields):
    write(self, stage, *args, **fields)
    if stage == "ready":
        print(sorted(m for m in sys.modules if m in NAMES), flush=True)
        os._exit(0)

trace.RingTrace.write = probe
from desktop.cli import main
main(sys.argv[1:])
"""


def loaded_at_ready(tmp_path: Path, names: tuple[str, ...]) -> str:
    """Which of `names` the real app (tray up, a MicroSIP log followed, a warm card) has loaded
    at the moment its trace says "ready"."""
    import subprocess

    ini = tmp_path / "microsip.ini"
    ini.write_bytes(b"[Calls]\r\n")
    code = f"NAMES = {names!r}\n{READY_PROBE}"
    out = subprocess.run(
        [sys.executable, "-c", code, "--data-dir", str(tmp_path / "data"), "--region", "US",
         "--background", "--watch", f"microsip:{ini}", "--trace", str(tmp_path / "trace")],
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    return out.stdout.strip()


def test_the_tray_is_ready_before_what_only_later_steps_need_is_loaded(tmp_path: Path) -> None:
    """Start-up loads what a ring needs; the rest waits for its first use."""
    spares = (*NETWORK_MODULES, *LOADED_WHEN_NEEDED, *WINDOWS, *DO_NOT_DISTURB_MODULES)
    spares = tuple(name for name in spares if name != "desktop.adapters.demo_book")
    assert loaded_at_ready(tmp_path, spares) == "[]"


DO_NOT_DISTURB_MODULES = ("desktop.adapters.do_not_disturb", "jeepney", "PySide6.QtDBus")


def test_do_not_disturb_watching_stays_off_the_ring_path_and_start_up() -> None:
    """The D-Bus and desktop-tool watchers load when the app starts watching (idle time after
    start-up, on Linux only), never with the ring path nor the screen-share guard itself."""
    ring_path = "desktop.cli, desktop.cli_ring, desktop.adapters.lookup"
    assert loaded(ring_path, DO_NOT_DISTURB_MODULES) == "[]"
    guard = "desktop.qt.app, desktop.qt.screen_share, desktop.qt.capture_exclusion"
    assert loaded(guard, DO_NOT_DISTURB_MODULES) == "[]"


def test_the_gui_never_parses_numbers_itself() -> None:
    """Numbers are read and worded in desktop/core (numbers.parse_number formats the readable
    form once, card_text words it); a view that parsed them again would disagree with the card
    and pay phonenumbers' cost on the ring."""
    assert violations("qt", {"phonenumbers"}) == []

"""What ships inside the package (resources/): read from the package's folder when it has one
on disk, else through importlib.resources."""

from __future__ import annotations

import json
from importlib import util
from pathlib import Path
from typing import Any

_PACKAGE = "desktop.resources"


def read_text(name: str, subpackage: str = "") -> str:
    from importlib import resources

    package = f"{_PACKAGE}.{subpackage}" if subpackage else _PACKAGE
    return resources.files(package).joinpath(name).read_text(encoding="utf-8")


def read_bytes(name: str, subpackage: str = "") -> bytes:
    package = f"{_PACKAGE}.{subpackage}" if subpackage else _PACKAGE
    # The package's own folder first, when it has one on disk (a source tree, an install, a
    # frozen app's unpacked data): importlib.resources' first use imports zipfile, tempfile
    # and more, ~15 ms that the tray icon, drawn before anything else at start-up, skips.
    spec = util.find_spec(package)
    for folder in (spec.submodule_search_locations or []) if spec is not None else []:
        try:
            return (Path(folder) / name).read_bytes()
        except OSError:
            continue
    from importlib import resources

    return resources.files(package).joinpath(name).read_bytes()


def default_opener_templates() -> dict[str, str]:
    data: Any = json.loads(read_text("openers.json"))
    return {str(k): str(v) for k, v in data.items()}


def demo_book() -> Any:
    return json.loads(read_text("demo_book.json", "demo"))

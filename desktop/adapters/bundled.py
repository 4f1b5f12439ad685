"""What ships inside the package (resources/), read only through importlib.resources."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

_PACKAGE = "desktop.resources"


def read_text(name: str, subpackage: str = "") -> str:
    package = f"{_PACKAGE}.{subpackage}" if subpackage else _PACKAGE
    return resources.files(package).joinpath(name).read_text(encoding="utf-8")


def read_bytes(name: str, subpackage: str = "") -> bytes:
    package = f"{_PACKAGE}.{subpackage}" if subpackage else _PACKAGE
    return resources.files(package).joinpath(name).read_bytes()


def default_opener_templates() -> dict[str, str]:
    data: Any = json.loads(read_text("openers.json"))
    return {str(k): str(v) for k, v in data.items()}


def demo_book() -> Any:
    return json.loads(read_text("demo_book.json", "demo"))

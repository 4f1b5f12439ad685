"""What `pip install` puts on a user's machine: pyproject.toml names the packages one by one,
so a package added under desktop/ and not listed there is missing from the wheel, and the
installed app fails on its first import of it."""

from __future__ import annotations

import tomllib

from tests.conftest import REPO


def test_every_package_under_desktop_is_in_the_wheel() -> None:
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(pyproject["tool"]["setuptools"]["packages"])
    on_disk = {
        ".".join(init.parent.relative_to(REPO).parts)
        for init in (REPO / "desktop").rglob("__init__.py")
    }
    assert sorted(on_disk - listed) == []

"""scripts/bootstrap on a fresh Debian/Ubuntu: the README's first command."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO

SYSTEM_PYTHON = Path("/usr/bin/python3")


def bootstrap_packages() -> list[str]:
    """APT_PACKAGES as bash reads it (comments and line breaks included)."""
    script = REPO / "scripts" / "bootstrap"
    listing = subprocess.run(
        ["bash", "-c", f'eval "$(sed -n "/^APT_PACKAGES=(/,/^)/p" {script})"; '
                       'printf "%s\\n" "${APT_PACKAGES[@]}"'],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return listing.stdout.split()


def test_bootstrap_installs_what_debians_python_needs_to_create_the_venv() -> None:
    # On a fresh Debian 12 `python3 -m venv .venv` stops with "ensurepip is not available":
    # the system python3's ensurepip comes in its own package, which bootstrap did not install.
    if shutil.which("dpkg") is None or shutil.which("apt-cache") is None:
        pytest.skip("not a Debian-like system: no dpkg or apt-cache")
    if not SYSTEM_PYTHON.exists():
        pytest.skip("no system /usr/bin/python3")
    ensurepip = subprocess.run(
        [str(SYSTEM_PYTHON), "-c", "import ensurepip; print(ensurepip.__file__)"],
        capture_output=True, text=True,
    )  # fmt: skip
    if ensurepip.returncode != 0:
        pytest.skip("the system python3 has no ensurepip installed here to trace to a package")
    owner = subprocess.run(["dpkg", "-S", ensurepip.stdout.strip()], capture_output=True,
                           text=True, check=True).stdout.split(":")[0]  # fmt: skip
    packages = bootstrap_packages()
    depends = subprocess.run(["apt-cache", "depends", "--no-recommends", "--no-suggests",
                              *packages], capture_output=True, text=True).stdout  # fmt: skip
    pulled_in = {line.split(":", 1)[1].strip() for line in depends.splitlines()
                 if line.strip().startswith("Depends:")}  # fmt: skip
    assert owner in packages or owner in pulled_in, (owner, packages)

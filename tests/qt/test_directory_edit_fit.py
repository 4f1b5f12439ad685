"""Settings' Edit dialog for a team directory fits the screen at 1× and 2×, with a long
address and LDAP's extra rows (screenshots in artifacts/screenshots/)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from desktop.adapters.directories import mirror
from desktop.adapters.store import Store
from tests.conftest import PYTHON, REPO, private_x_server, python_env
from tests.qt.test_settings_fit import SHOTS, inside

pytestmark = pytest.mark.xvfb

LONG_URL = "https://contacts.eu-west.corp-directory.example.com/remote.php/dav/addressbooks/"


def show(database: Path, name: str, out: Path, scale: str, screen: str) -> dict[str, object]:
    with private_x_server(screen) as display:
        result = subprocess.run(
            [PYTHON, "-m", "tests.qt.show_directory_edit_demo", str(out), str(database), name],
            cwd=REPO, capture_output=True, text=True, timeout=60,
            env=python_env(DISPLAY=display, QT_QPA_PLATFORM="xcb", QT_SCALE_FACTOR=scale),
        )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    report: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return report


@pytest.mark.parametrize("name", ["Sales", "corp"])
@pytest.mark.parametrize("scale", ["1", "2"])
def test_the_edit_dialog_fits_at_1x_and_2x(tmp_path: Path, scale: str, name: str) -> None:
    database = tmp_path / "data" / "callercard.db"
    store = Store.open(database)
    mirror.add_directory(store, "Sales", "carddav", LONG_URL + "dana.reyes/sales-team/",
                         LONG_URL + "dana.reyes/sales-team/", "dana.reyes@corp.example")
    options = {"filter": "(&(objectClass=user)(telephoneNumber=*))", "start_tls": "",
               "ca_file": "/etc/ssl/corp-root-ca.pem"}  # fmt: skip
    mirror.add_directory(store, "corp", "ldap", "ldaps://dc1.corp.example:636",
                         "OU=Staff,DC=corp,DC=example",
                         "CN=CallerCard Reader,OU=Service,DC=corp,DC=example", options)
    store.close()
    SHOTS.mkdir(parents=True, exist_ok=True)
    report = show(database, name, SHOTS / f"directory_edit_{name.lower()}_{scale}x.png", scale,
                  "1600x1000x24")  # fmt: skip
    assert report["scale"] == float(scale)
    assert report["title"] == f"Edit {name}"
    assert inside(report["dialog"], report["available"]), report
    assert inside(report["save"], report["dialog"]), report
    assert inside(report["test"], report["dialog"]), report

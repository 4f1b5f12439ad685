"""Opening contact files with CallerCard from a file manager: the desktop entry's Exec line,
with %F expanded as a file manager expands it, hands the files to the running app's Import
window; from the menu (%F empty) it starts the app as before."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, python_env
from tests.traced_app import TracedApp

DESKTOP = REPO / "packaging" / "linux" / "io.callercard.CallerCard.desktop"
CALLERCARD = Path(sys.executable).parent / "callercard"  # the console script the package installs


def exec_line(files: list[Path]) -> list[str]:
    """The entry's Exec as a file manager runs it (Desktop Entry Specification, field codes)."""
    keys = dict(line.split("=", 1) for line in DESKTOP.read_text(encoding="utf-8").splitlines()
                if "=" in line)  # fmt: skip
    argv: list[str] = []
    for word in shlex.split(keys["Exec"]):
        if word == "%F":
            argv += [str(f) for f in files]
        else:
            argv.append(str(CALLERCARD) if word == "callercard" else word)
    return argv


class App(TracedApp):
    def __init__(self, tmp: Path) -> None:
        self.trace = tmp / "trace.jsonl"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "desktop", "--region", "US", "--background",
             "--trace", str(self.trace)],
            env=python_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        self.wait_for(lambda r: r["stage"] == "ready", "the app")


def test_files_opened_with_callercard_reach_the_running_apps_import_window(
    tmp_path: Path, samples: Path
) -> None:
    app = App(tmp_path)
    try:
        files = [samples / "contacts" / "google_contacts.csv",
                 samples / "contacts" / "apple_ios_contacts_v30.vcf"]  # fmt: skip
        seen = len(app.records())
        done = subprocess.run(exec_line(files), env=python_env(), capture_output=True,
                              text=True, timeout=60, check=False)  # fmt: skip
        assert done.returncode == 0, done.stderr
        app.wait_for(lambda r: r["stage"] == "import_window" and r["state"] == "ready",
                     "the first file previewed in the Import window", after=seen, timeout=60)
        # From the menu %F is empty: the running app is asked to show itself, nothing fails.
        menu = subprocess.run(exec_line([]), env=python_env(), capture_output=True, text=True,
                              timeout=60, check=False)  # fmt: skip
        assert menu.returncode == 0, menu.stderr
        assert "already running" in menu.stderr
    finally:
        app.terminate()

"""Whether the welcome is done, and the command a softphone runs to reach this CallerCard.

"Done" is window state, not a preference: a marker file in the data folder, written once, so
the welcome never comes back on its own (it stays a click away in the tray menu).
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path

from desktop.adapters.atomic_file import write_atomic
from desktop.adapters.autostart import in_flatpak
from desktop.adapters.paths import default_data_dir

MARKER = "welcome-done"
HOOK_EXECUTABLE = "callercard-hook"  # packaging/callercard.spec


class WelcomeState:
    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / MARKER

    @property
    def done(self) -> bool:
        return self.path.exists()

    def mark_done(self) -> None:
        write_atomic(self.path, b"The welcome was shown and closed; delete to see it again.\n")


def hook_command(data_dir: Path, env: Mapping[str, str] = os.environ) -> list[str]:
    """The command a softphone's hook runs to reach this CallerCard: with --data-dir when it
    keeps its data anywhere but the default, since a softphone starts it with neither our
    arguments nor our CALLERCARD_HOME (its ring would go to another, empty CallerCard)."""
    command = callercard_command(env)
    if data_dir != default_data_dir():
        command += ["--data-dir", str(data_dir)]
    return command


def callercard_command(env: Mapping[str, str] = os.environ) -> list[str]:
    """This CallerCard as a softphone must start it: a full path, since a softphone's PATH is
    not the shell's (docs/softphone-hooks.md)."""
    if env.get("APPIMAGE"):
        return [env["APPIMAGE"]]
    if in_flatpak(env):
        return ["flatpak", "run", "io.callercard.CallerCard"]
    if getattr(sys, "frozen", False):
        # The Linux and macOS bundles' light hook program (desktop/hook_main.py): the same
        # arguments, a third of the start-up, on every incoming call.
        hook = Path(sys.executable).with_name(HOOK_EXECUTABLE)
        return [str(hook)] if hook.is_file() else [sys.executable]
    script = Path(sys.executable).parent / ("callercard.exe" if sys.platform == "win32"
                                            else "callercard")  # fmt: skip
    if script.is_file():
        return [str(script)]
    found = shutil.which("callercard")
    return [found] if found else [sys.executable, "-m", "desktop"]

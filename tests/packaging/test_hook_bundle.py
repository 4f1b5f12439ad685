"""The frozen `callercard-hook` holds the fast path alone: PyInstaller bundles every module
any import statement reaches from desktop/hook_main.py, lazy ones inside functions included
(packaging/callercard.spec's hook Analysis; packaging/smoke_test.py fails a hook over 4 MB).
A lazy `from desktop.core.card_text import …` three modules away brought phonenumbers (and
8 MB) back into it; this finds that in a second instead of after a bundle build."""

from __future__ import annotations

import modulefinder
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# As the spec's hook Analysis excludes them: the command line and the no-app recording run in
# the main executable.
EXCLUDED = ["PySide6", "shiboken6", "desktop.cli", "desktop.hook_record"]
HEAVY = ("phonenumbers", "PySide6", "shiboken6", "sqlite3", "watchdog", "keyring")


def test_the_hooks_static_imports_reach_nothing_heavy() -> None:
    finder = modulefinder.ModuleFinder(path=[str(ROOT), *sys.path[1:]],
                                       excludes=EXCLUDED)  # fmt: skip
    finder.run_script(str(ROOT / "desktop" / "hook_main.py"))
    reached = set(finder.modules)
    heavy = sorted(m for m in reached if m.split(".")[0] in HEAVY)
    assert heavy == [], heavy
    ours = {m for m in reached if m.startswith("desktop.")}
    assert "desktop.hook_send" in ours, "the fast path itself was found"
    assert not {"desktop.core.card_text", "desktop.core.numbers"} & ours, sorted(ours)

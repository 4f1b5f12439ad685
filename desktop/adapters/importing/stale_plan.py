"""An import from the Import window does what its preview said, or nothing.

The preview is worked out against the contacts as they were when it was read; the rep may press
Import minutes later, after another process changed them (`callercard import`, a directory sync,
the tray's Fix contact). `plan_check` gives the import a check it runs inside its own
transaction, with the import turn and the write lock held, before anything is written: the plan
is worked out again against the contacts as they are now, and if it is not the one the rep saw,
the import stops (nothing written) with PlanChanged, which carries the new plan to show and
ask about again. Nothing can change between that check and the import's writes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from desktop.adapters.importing.pipeline import ImportOptions, Preview, preview_file
from desktop.adapters.store import Store


class PlanChanged(Exception):
    """The contacts changed since the preview: `preview` is what the import would do now."""

    def __init__(self, preview: Preview) -> None:
        super().__init__(f"{preview.path}: the contacts changed since the preview; nothing was "
                         "imported")  # fmt: skip
        self.preview = preview


def plan_check(path: Path, options: ImportOptions, shown: Preview) -> Callable[[Store], None]:
    """For ImportOptions.check_plan: `options` as the shown plan was worked out with (the
    columns as chosen, the cells as corrected)."""
    planned, demo = shown.planned, shown.demo_contacts

    def check(store: Store) -> None:
        now = preview_file(path, options, store)
        if now.planned != planned or now.demo_contacts != demo:
            raise PlanChanged(now)

    return check

"""Contact import: CSV/TXT, XLSX and vCard files into the store as one undoable batch."""

from desktop.adapters.importing.pipeline import (
    ImportOptions,
    Preview,
    file_kind,
    import_file,
    preview_file,
)
from desktop.adapters.importing.report import ImportCancelled, ImportFailed, ImportReport
from desktop.adapters.importing.stale_plan import PlanChanged, plan_check

__all__ = [
    "ImportCancelled",
    "ImportFailed",
    "ImportOptions",
    "ImportReport",
    "PlanChanged",
    "Preview",
    "file_kind",
    "import_file",
    "plan_check",
    "preview_file",
]

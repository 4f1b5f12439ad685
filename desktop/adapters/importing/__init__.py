"""Contact import: CSV/TXT, XLSX and vCard files into the store as one undoable batch."""

from desktop.adapters.importing.pipeline import (
    ImportOptions,
    Preview,
    file_kind,
    import_file,
    preview_file,
)
from desktop.adapters.importing.report import ImportCancelled, ImportFailed, ImportReport

__all__ = [
    "ImportCancelled",
    "ImportFailed",
    "ImportOptions",
    "ImportReport",
    "Preview",
    "file_kind",
    "import_file",
    "preview_file",
]

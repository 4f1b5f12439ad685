"""Import… from the tray: pick a CSV, import it off the GUI thread, say what happened."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from desktop.adapters.csv_import import ImportFailed, ImportReport, import_csv
from desktop.adapters.store import Store, StoreError
from desktop.core.numbers import NumberPolicy


class ImportAction(QObject):
    finished = Signal(object)  # ImportReport or str (what went wrong)

    def __init__(self, database: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.finished.connect(self._show_result)
        self._busy = False

    def choose_and_import(self, policy: NumberPolicy, parent: QWidget | None = None) -> None:
        if self._busy:
            return
        path, _ = QFileDialog.getOpenFileName(
            parent, "Import contacts", "", "Contacts (*.csv *.txt);;All files (*)"
        )
        if path:
            self.start(Path(path), policy)

    def start(self, path: Path, policy: NumberPolicy) -> threading.Thread:
        self._busy = True
        thread = threading.Thread(
            target=self._run, args=(path, policy), name="callercard-import", daemon=True
        )
        thread.start()
        return thread

    def _run(self, path: Path, policy: NumberPolicy) -> None:
        # SQLite connections belong to the thread that made them, so the import gets its own.
        try:
            store = Store.open(self.database)
            try:
                result: ImportReport | str = import_csv(store, path, policy)
            finally:
                store.close()
        except (ImportFailed, StoreError) as exc:
            result = str(exc)
        self.finished.emit(result)

    def _show_result(self, result: ImportReport | str) -> None:
        self._busy = False
        box = QMessageBox()
        box.setWindowTitle("CallerCard import")
        box.setTextFormat(Qt.TextFormat.PlainText)
        if isinstance(result, str):
            box.setIcon(QMessageBox.Icon.Warning)
            box.setText(f"Nothing was imported.\n{result}")
        else:
            box.setIcon(QMessageBox.Icon.Information)
            box.setText(result.summary())
            details = [f"rejected {p}" for p in result.rejected]
            details += [f"warning {p}" for p in result.warnings] + result.merges
            if details:
                box.setDetailedText("\n".join(details))
        box.setModal(False)
        box.show()
        self._box = box


"""The import history as the window and `callercard import --list` show it: every batch with
its file, date and counts, the newest first."""

from __future__ import annotations

from datetime import UTC, datetime

from desktop.adapters.store import Store
from desktop.core.import_history import (
    BatchRecord,
    counts_from_summary,
    kept_from_summary,
    kept_numbers_from_summary,
)


def batch_records(store: Store) -> list[BatchRecord]:
    return [
        BatchRecord(
            int(batch), str(label), str(source), datetime.fromtimestamp(created, UTC),
            datetime.fromtimestamp(undone, UTC) if undone is not None else None,
            counts_from_summary(summary), kept_from_summary(summary),
            kept_numbers_from_summary(summary),
        )
        for batch, label, source, created, undone, summary in store.connection.execute(
            "SELECT id, label, source, created_at, undone_at, summary FROM import_batches "
            "ORDER BY id DESC"
        )
    ]

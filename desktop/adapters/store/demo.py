"""The bundled demo book: the contacts of the import batch whose source is DEMO_BATCH_SOURCE
(desktop.adapters.demo_book loads it). A real import removes it first."""

from __future__ import annotations

from desktop.adapters.store.connection import Database
from desktop.adapters.store.times import unix_now
from desktop.core.import_history import DEMO_SOURCE

DEMO_BATCH_SOURCE = DEMO_SOURCE


class DemoBook(Database):
    def demo_contact_count(self) -> int:
        return int(self._conn.execute(
            "SELECT count(*) FROM contacts WHERE import_batch_id IN (SELECT id FROM "
            "import_batches WHERE source = ? AND undone_at IS NULL)", (DEMO_BATCH_SOURCE,),
        ).fetchone()[0])  # fmt: skip

    def demo_contact_ids(self) -> set[int]:
        """The demo book's contacts: an import removes them first, so its dry run leaves them
        out of what rows are matched against."""
        return {int(r[0]) for r in self._conn.execute(
            "SELECT id FROM contacts WHERE import_batch_id IN (SELECT id FROM "
            "import_batches WHERE source = ? AND undone_at IS NULL)", (DEMO_BATCH_SOURCE,),
        )}  # fmt: skip

    def remove_demo_book(self) -> int:
        """Delete the bundled demo book (contacts, numbers, its own attempts and their search
        entries, by cascade and triggers) inside the caller's transaction; returns how many contacts
        went. A real import calls it first, so no demo row is ever matched or merged into."""
        demo = "SELECT id FROM import_batches WHERE source = ? AND undone_at IS NULL"
        # A real call (from a hook or a softphone's log) that reached a demo contact stays, as
        # a call from its number: the demo goes, what the rep really did never does. Only the
        # demo's own made-up attempts belong to its batch.
        self._conn.execute(
            "UPDATE attempts SET contact_id = NULL WHERE contact_id IN ("  # noqa: S608 (constant)
            f"SELECT id FROM contacts WHERE import_batch_id IN ({demo})) "
            f"AND (import_batch_id IS NULL OR import_batch_id NOT IN ({demo}))",
            (DEMO_BATCH_SOURCE, DEMO_BATCH_SOURCE),
        )
        removed = self._conn.execute(
            f"DELETE FROM contacts WHERE import_batch_id IN ({demo})",  # noqa: S608 (constant)
            (DEMO_BATCH_SOURCE,),
        ).rowcount
        self._conn.execute(
            "UPDATE import_batches SET undone_at = ? WHERE source = ? AND undone_at IS NULL",
            (unix_now(), DEMO_BATCH_SOURCE),
        )
        return int(removed)

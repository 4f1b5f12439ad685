"""The contact book: one SQLite database, WAL, readable by this user alone.

One long-lived connection per thread that uses it; lookups are single indexed queries
(perf-limits.md §3: ~10 µs at a million rows), never LIKE '%suffix' scans.

`Store` is one object over one connection, composed from a class per concern, each in its own
module whose docstring names the tables it owns:

    connection    Database: opening the file, migrations (schema.py), transactions
    contacts      Contacts(Database): contacts read whole, added, edited
    numbers       Numbers(Contacts): who a number belongs to; an unknown caller's number linked
    batches       ImportBatches(Contacts): import batches, the importer's bulk paths, undo
    demo          DemoBook(Database): the bundled demo book
    search_index  SearchIndex(Database): the FTS5 indexes and deferred indexing
    callbacks     Callbacks(Contacts): missed calls, voicemails and windows awaiting a callback
    search        Search(Callbacks): ranked full-text and number-fragment search
    calls         Calls(Contacts): the call history, call-log cursors, wrap-ups
    put_off       PutOff(Database): callbacks put off until a time (Snooze)

Each part works through `self._conn` and `self.transaction()` of Database, and subclasses the
parts whose methods it calls (Search ranks `contacts_by_id` results and filters on
Callbacks' awaiting list), so mypy checks every call across parts and the dependencies read
from the class lines. Callers see one Store with every method, imported from here as before.
Modules beside the package that work on the same tables (contact_edits, contact_undo,
duplicates, import_history, people_search, call_history) take a Store and use its methods or
`Store.connection`.
"""

from __future__ import annotations

from desktop.adapters.store.batches import ImportBatches, ImportIndex, UndoCheck, UndoResult
from desktop.adapters.store.callbacks import Callbacks
from desktop.adapters.store.calls import Calls, LoggedCall, NearCall
from desktop.adapters.store.connection import (
    BUSY_TIMEOUT_MS,
    StoreError,
    database_companions,
    held_by_another,
)
from desktop.adapters.store.contacts import NewContact
from desktop.adapters.store.demo import DEMO_BATCH_SOURCE, DemoBook
from desktop.adapters.store.numbers import Numbers
from desktop.adapters.store.put_off import PutOff
from desktop.adapters.store.search import SEARCH_LIMIT, Search
from desktop.adapters.store.search_index import SearchIndex

__all__ = [
    "BUSY_TIMEOUT_MS",
    "DEMO_BATCH_SOURCE",
    "SEARCH_LIMIT",
    "ImportIndex",
    "LoggedCall",
    "NearCall",
    "NewContact",
    "Store",
    "StoreError",
    "UndoCheck",
    "UndoResult",
    "database_companions",
    "held_by_another",
]


class Store(Search, Callbacks, Calls, Numbers, ImportBatches, DemoBook, SearchIndex, PutOff):
    """The contact book (see the module docstring for its parts)."""

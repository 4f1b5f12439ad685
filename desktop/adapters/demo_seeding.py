"""The demo contact book loaded at the first start, so a newcomer's first ring shows a real
card: only into a new book (no contacts, no import, no calls: calls a hook recorded before the
first start make it the rep's own book). The book itself (desktop/adapters/demo_book.py) is
read only then, never by an ordinary start-up."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from desktop.adapters.store import StoreError

if TYPE_CHECKING:
    from datetime import datetime

    from desktop.adapters.store import Store

log = logging.getLogger("callercard")


def seed_demo_if_new(store: Store, now: datetime) -> bool:
    """True when the demo book was loaded now."""
    if store.count_contacts() != 0 or store.batches() or store.has_calls():
        return False
    from desktop.adapters.demo_book import seed_demo_book

    try:
        seed_demo_book(store, now)
    except StoreError as exc:  # another process is writing: it is not a new book
        log.info("demo contact book not loaded: %s", exc)
        return False
    log.info("no contacts yet: loaded the demo contact book (undo its batch to remove)")
    return True

"""A cheap mark of the contacts an import matches against, to tell when they changed.

The Import window's preview is worked out against the contacts as they were; another process
(`callercard import`, a directory sync, the tray's Fix contact) may change them while the rep
reads it. Working the preview out again costs a read of every contact and number (a few hundred
milliseconds at 100,000 contacts), too much for every commit the database sees: a ring's call
record is one too, and changes nothing a preview shows. This mark covers what a plan depends on
(which contacts there are, their names, companies, e-mails and numbers) in two aggregate scans,
and leaves out what calls change (last_contacted_at, the attempts). It is a hint, not a proof:
the import itself re-checks its plan exactly (stale_plan.plan_check).
"""

from __future__ import annotations

from desktop.adapters.store import Store

BookMark = tuple[float, ...]


def book_mark(store: Store) -> BookMark:
    conn = store.connection
    contacts = conn.execute(
        "SELECT count(*), coalesce(max(id), 0), total(updated_at), "
        "total(length(name) + 3 * length(company) + 7 * length(email)) FROM contacts"
    ).fetchone()
    # A number corrected in place (the tray's Fix contact) keeps its length: its last digits
    # are summed too.
    numbers = conn.execute(
        "SELECT count(*), coalesce(max(id), 0), total(contact_id), total(length(raw) + "
        "3 * length(coalesce(e164, '')) + 7 * length(extension)), "
        "total(CAST(substr(e164, -7) AS INTEGER)) FROM phone_numbers"
    ).fetchone()
    return tuple(float(v) for v in (*contacts, *numbers))

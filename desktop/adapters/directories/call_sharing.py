"""A wrap-up saved here, shared on the contact's card in the team's CardDAV book.

`callercard log-call` records a call and shares it at once (desktop/cli_log_call.py). A
wrap-up's call is recorded already, by the history writer; once the rep has said how it went,
the call is queued as a call note for the cards the contact was mirrored from, in the same
outbox, and the directory sync thread writes it (note_writer: fresh GET, If-Match, a
teammate's edit merged on 412). The note's id comes from the call's key in the history, so
the note read back from the card by the next sync is that call, not a second one.
"""

from __future__ import annotations

from desktop.adapters.directories import mirror
from desktop.adapters.directories.note_writer import SharedCard, shared_cards
from desktop.adapters.store import Store
from desktop.core.call_notes import CallNote, attempt_note_id, note_value


def queue_wrap_up_note(store: Store, attempt_id: int, rep: str) -> int:
    """Queues the call `attempt_id`, as its wrap-up left it, for its contact's shared cards;
    returns how many cards it was queued for (0: the contact is not in a CardDAV book)."""
    found = store.attempt_by_id(attempt_id)
    keyed = store.connection.execute(
        "SELECT source, call_key FROM attempts WHERE id = ?", (attempt_id,)
    ).fetchone()
    if found is None or keyed is None:
        return 0
    contact_id, attempt = found
    if contact_id is None:
        return 0  # a stranger's call: no card to share it on
    cards = cards_of(store, contact_id, attempt.number_e164)
    if not cards:
        return 0
    note_id = attempt_note_id(str(keyed[0]), str(keyed[1]))
    note = CallNote(note_id, attempt.at.replace(microsecond=0), attempt.direction,
                    attempt.outcome, rep, attempt.message.strip(),
                    attempt.reason.strip())  # fmt: skip
    return len(mirror.enqueue_note(store, [(c.directory.id, c.href) for c in cards],
                                   note_value(note)))  # fmt: skip


def cards_of(store: Store, contact_id: int, e164: str | None) -> list[SharedCard]:
    """The contact's own cards; for a contact of the rep's own book, the cards of the same
    person (same name) at the call's number, which the card merged with it."""
    cards = shared_cards(store, [contact_id])
    if cards or e164 is None:
        return cards
    contact = store.contact(contact_id, attempts_limit=0)
    name = " ".join(contact.name.casefold().split()) if contact else ""
    if not name:
        return []
    same = [c.id for c, _n in store.contacts_for_number(e164, attempts_limit=0)
            if " ".join(c.name.casefold().split()) == name]  # fmt: skip
    return shared_cards(store, same)

"""What `callercard log-call` writes for a call note, whoever writes it: the command itself, or
the app's history writer when the command found the database held by another program and left
the note in the hooks' inbox (write_journal.LogCall). One way, so a note kept there is recorded
exactly as one written at once: on the call it is about when that call is in the history,
else as a call of its own, then queued for the shared cards of the contact it belongs to.
"""

from __future__ import annotations

from dataclasses import replace

from desktop.adapters.store import Store
from desktop.core.call_notes import CallNote
from desktop.core.models import Attempt


def record_note(
    store: Store, number_e164: str, note: CallNote, contact_id: int | None
) -> CallNote:
    """Records the note for `number_e164` (or a colleague's extension, "3103"): on the
    call it is about when that call is in the history already
    (a dialer or CRM logs the call the softphone reported moments ago: see
    call_history.NOTE_AFTER_CALL_S), else as a call of its own (the softphone's report, if
    one comes, then finds it: CallHistory._record_outgoing). Written twice, it is one row: the
    call of its own is keyed by the note's id. The note as it is shared: a note on a call is
    shared as its wrap-up would be, so reading it back from the card finds that call. Raises
    StoreError."""
    from desktop.adapters.call_history import NOTE_AFTER_CALL_S
    from desktop.adapters.directories.mirror import CALL_NOTE_SOURCE
    from desktop.core.call_notes import attempt_note_id
    from desktop.core.dialers import is_extension

    # A colleague's extension ("3103") has no E.164: the call keeps it as its caller ID, as
    # their calls from it do.
    extension = is_extension(number_e164)
    attempt = Attempt(note.direction, note.at, note.outcome, note.message, note.reason,
                      None if extension else number_e164,
                      caller_id=number_e164 if extension else "")  # fmt: skip
    call = store.call_just_made(number_e164, note.at, NOTE_AFTER_CALL_S, CALL_NOTE_SOURCE)
    if call is not None:
        attempt_id, source, call_key = call
        if store.note_on_call(attempt_id, note.outcome, note.message, note.reason):
            found = store.attempt_by_id(attempt_id)
            at = found[1].at if found is not None else note.at
            return replace(note, id=attempt_note_id(source, call_key), at=at)
    store.record_call(contact_id, attempt, CALL_NOTE_SOURCE, note.id)
    return note

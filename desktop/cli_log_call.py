"""`callercard log-call NUMBER --outcome O [--message M] [--reason R]`: record an outbound
attempt, for scripts and dialers, and share it on the team's card.

The attempt is recorded here first (so it is never lost to a server that is down); then, when
the number belongs to a contact mirrored from a CardDAV book, the attempt is written into that
card as a call note (docs/team-directories.md), for the next rep who gets the callback.

Exit status: 0 when recorded (and shared, or queued to be shared at the next sync when the
server cannot be reached), 1 when recorded but a server refused the note for good (a book that
is read-only for this user, a card that is gone), 2 when nothing was recorded (not a number),
4 when another program held the database and the note waits in the hooks' inbox for CallerCard
to record (as `callercard ring` / `end` do).
"""

from __future__ import annotations

import argparse
import getpass
import sys
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from desktop.core.models import Contact, Direction, Outcome

if TYPE_CHECKING:
    from pathlib import Path

    from desktop.adapters.directories.mirror import Directory
    from desktop.adapters.directories.note_writer import SharedCard
    from desktop.adapters.paths import AppPaths
    from desktop.adapters.settings import Settings
    from desktop.adapters.store import Store, StoreError
    from desktop.adapters.write_journal import LogCall
    from desktop.core.call_notes import CallNote

# The note waits in the hooks' inbox (hook_record.EXIT_RECORDED_ONLY's code).
KEPT_FOR_APP = 4


def log_call(args: argparse.Namespace) -> int:
    from desktop.adapters.call_note_log import record_note
    from desktop.adapters.store import StoreError, held_by_another
    from desktop.adapters.write_journal import LogCall
    from desktop.cli import CliError, open_context
    from desktop.core.call_notes import CallNote
    from desktop.core.callee import callee
    from desktop.core.callerid_text import not_a_number
    from desktop.core.internal_extension import internal_extension
    from desktop.core.numbers import NumberPolicy, parse_number

    _paths, settings, store, region = open_context(args)
    try:
        number = parse_number(args.number, NumberPolicy(region, settings.outside_line_prefixes))
        # A colleague's internal extension ("3103", "x3103"): the office PBX dials it, so a
        # call to it is theirs and settles their missed call, as a number's does.
        extension = internal_extension(number)
        if number.e164 is None and extension:
            return _log_extension_call(args, settings, store, extension, _paths.hook_inbox)
        if number.e164 is None:
            # The problem quotes the value, cut to a readable length (a 5,000-character paste
            # was printed whole before it).
            problem = number.problem or not_a_number(args.number)
            print(f"callercard: log-call: {problem}; nothing recorded", file=sys.stderr)
            return 2
        from desktop.adapters.directories.call_sharing import cards_of
        from desktop.adapters.directories.note_writer import shared_cards

        contacts = [c for c, _n in store.contacts_for_number(number.e164, attempts_limit=0)]
        teams = shared_cards(store, [c.id for c in contacts])
        now = datetime.now(UTC).replace(microsecond=0)
        # A number several contacts share: the call is for the one whose missed call from it
        # is due, else the one last in touch on it (desktop.core.callee); with nothing to go
        # on, the one a team's card holds, whose teammates read the note.
        history = store.number_history(number.e164, [c.id for c in contacts], now)
        told = history.missed_due or history.in_touch
        contact = callee(contacts, history,
                         meant=teams[0].contact_id if teams and not told else None)  # fmt: skip
        # A note on the call just made is that call's: for whom its Call button was (the
        # missed card's "Call back for Raj Patel"), not the one whose missed call is due; so
        # is one on a call the rep chose that no softphone could place, dialled by hand.
        contact = _callee_of_call_just_made(_paths, store, number.e164, now, contacts) or contact
        # Shared on that contact's cards only, as a wrap-up is: another holder's team card
        # is not told of a call that was not theirs.
        cards = cards_of(store, contact.id, number.e164) if contact else []
        rep = args.rep.strip() or settings.my_name.strip() or getpass.getuser()
        note = CallNote(uuid.uuid4().hex, now, Direction.OUT, Outcome(args.outcome), rep,
                        args.message.strip(), args.reason.strip())  # fmt: skip
        who = contact.name or contact.company if contact else number.e164
        contact_id = contact.id if contact else None
        try:
            note = record_note(store, number.e164, note, contact_id)
        except StoreError as exc:
            if not held_by_another(exc):
                raise CliError(str(exc)) from exc
            return _kept(_paths.hook_inbox, LogCall(number.e164, contact_id, note), who, exc)
        print(f"logged {note.outcome.value} for {who}")
        # The note is queued in a transaction of its own: a crash between the two loses only
        # the sharing, never the call.
        return _share(store, cards, note)
    finally:
        store.close()


def _callee_of_call_just_made(
    paths: AppPaths, store: Store, e164: str, now: datetime, contacts: list[Contact]
) -> Contact | None:
    from desktop.adapters.call_history import NOTE_AFTER_CALL_S
    from desktop.adapters.dial_intents import DialIntents
    from desktop.adapters.directories.mirror import CALL_NOTE_SOURCE

    call = store.call_just_made(e164, now, NOTE_AFTER_CALL_S, CALL_NOTE_SOURCE)
    found = store.attempt_by_id(call[0]) if call is not None else None
    meant = DialIntents(paths.dial_intents).meant(e164, now, NOTE_AFTER_CALL_S)
    # The newer of the two: a call placed after the one that was not is the one just made.
    if meant is not None and (found is None or found[1].at <= meant[1]):
        whom: int | None = meant[0]
    else:
        whom = found[0] if found is not None else None
    return next((c for c in contacts if c.id == whom), None) if whom is not None else None


def _log_extension_call(
    args: argparse.Namespace, settings: Settings, store: Store, extension: str, inbox: Path
) -> int:
    """A call to a colleague's extension, recorded on whoever has it: the call out keeps the
    extension dialled as its caller ID (no E.164 to keep), as a call from it does. Kept in
    the hooks' `inbox` while another program holds the database, as a number's note is
    (call_note_log.record_note takes the extension there too)."""
    from desktop.adapters.directories.note_writer import shared_cards
    from desktop.adapters.store import StoreError, held_by_another
    from desktop.adapters.write_journal import LogCall
    from desktop.cli import CliError
    from desktop.core.call_notes import CallNote

    contacts = [c for c, _n in store.contacts_for_extension(extension, attempts_limit=0)]
    # One nobody has is logged only when it called us (its missed call waits in Callbacks,
    # and this settles it), as a softphone's call back to it is: else a typo's.
    if not contacts and not store.has_called_us(extension):
        print(f"callercard: log-call: nobody has the extension x{extension}; nothing recorded",
              file=sys.stderr)  # fmt: skip
        return 2
    cards = shared_cards(store, [c.id for c in contacts])
    contact = next((c for c in contacts if cards and c.id == cards[0].contact_id),
                   contacts[0] if contacts else None)  # fmt: skip
    now = datetime.now(UTC).replace(microsecond=0)
    rep = args.rep.strip() or settings.my_name.strip() or getpass.getuser()
    note = CallNote(uuid.uuid4().hex, now, Direction.OUT, Outcome(args.outcome), rep,
                    args.message.strip(), args.reason.strip())  # fmt: skip
    from desktop.adapters.call_note_log import record_note

    contact_id = contact.id if contact else None
    who = ((contact.name or contact.company) if contact else "") or f"x{extension}"
    try:
        # On the call to the extension just dialled, when there is one, as a number's note is.
        note = record_note(store, extension, note, contact_id)
    except StoreError as exc:
        if not held_by_another(exc):
            raise CliError(str(exc)) from exc
        return _kept(inbox, LogCall(extension, contact_id, note), who, exc)
    print(f"logged {note.outcome.value} for {who}")
    return _share(store, cards, note)


def _kept(inbox: Path, job: LogCall, who: str, exc: StoreError) -> int:
    """Leave the note in the hooks' inbox, which the running app records from as soon as the
    database lets go, or its next start does: a dialer or a softphone hook runs this, and
    nobody reads what it prints (the note was lost, 'nothing was changed', exit 1). Exit 4, as
    a hook's call kept there; 1 when the inbox could not be written either."""
    from desktop.adapters.hook_inbox import HookInbox
    from desktop.cli import CliError

    try:
        inbox.parent.mkdir(exist_ok=True, mode=0o700)
        HookInbox(inbox).append(job)
    except OSError as kept_exc:
        raise CliError(f"{exc}; not kept for later either ({kept_exc})") from exc
    print(f"callercard: the database is busy (another program is writing it): "
          f"{job.note.outcome.value} for {who} kept; CallerCard records it as soon as it "
          "can", file=sys.stderr)  # fmt: skip
    return KEPT_FOR_APP


def _share(store: Store, cards: list[SharedCard], note: CallNote) -> int:
    """Queues the note for each card, then writes the queue of each of their books now."""
    if not cards:
        return 0
    from desktop.adapters.directories import mirror
    from desktop.adapters.directories.dav_http import DavError
    from desktop.adapters.directories.note_writer import share_note
    from desktop.adapters.directories.syncing import password_for
    from desktop.adapters.secrets import SecretStore, SecretStoreError
    from desktop.core.call_notes import note_value

    queued = mirror.enqueue_note(store, [(c.directory.id, c.href) for c in cards],
                                 note_value(note))  # fmt: skip
    books: dict[int, tuple[Directory, list[int]]] = {}
    for card, queue_id in zip(cards, queued, strict=True):
        books.setdefault(card.directory.id, (card.directory, []))[1].append(queue_id)
    refused = 0
    secrets: SecretStore | None = None
    for book, ids in books.values():
        try:
            if book.username and secrets is None:
                secrets = SecretStore.open()
            done = share_note(store, book, ids, password_for(book, secrets))
        except (DavError, SecretStoreError) as exc:
            print(f"callercard: {book.name}: {exc}; the call is recorded here and will be "
                  "shared at the next sync", file=sys.stderr)  # fmt: skip
            continue
        for reason in done.refused:
            refused += 1
            print(f"callercard: {book.name}: {reason}; not shared", file=sys.stderr)
        if done.shared:
            merged = (f" (merged with {done.conflicts} edit(s) made there meanwhile)"
                      if done.conflicts else "")  # fmt: skip
            print(f"shared on {book.name}{merged}")
    return 1 if refused else 0

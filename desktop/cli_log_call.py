"""`callercard log-call NUMBER --outcome O [--message M] [--reason R]`: record an outbound
attempt, for scripts and dialers, and share it on the team's card.

The attempt is recorded here first (so it is never lost to a server that is down); then, when
the number belongs to a contact mirrored from a CardDAV book, the attempt is written into that
card as a call note (docs/team-directories.md), for the next rep who gets the callback.

Exit status: 0 when recorded (and shared, where there is a card to share it on), 1 when it was
recorded here but could not be shared, 2 when nothing was recorded (a number that is not one).
"""

from __future__ import annotations

import argparse
import getpass
import sys
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from desktop.core.models import Attempt, Direction, Outcome

if TYPE_CHECKING:
    from desktop.adapters.directories.note_writer import SharedCard
    from desktop.core.call_notes import CallNote



def log_call(args: argparse.Namespace) -> int:
    from desktop.adapters.directories.mirror import CALL_NOTE_SOURCE
    from desktop.adapters.store import StoreError
    from desktop.cli import CliError, open_context
    from desktop.core.call_notes import CallNote
    from desktop.core.numbers import NumberPolicy, parse_number

    _paths, settings, store, region = open_context(args)
    try:
        number = parse_number(args.number, NumberPolicy(region, settings.outside_line_prefixes))
        if number.e164 is None:
            print(f"callercard: log-call: {args.number!r}: "
                  f"{number.problem or 'not a phone number'}; nothing recorded", file=sys.stderr)
            return 2
        from desktop.adapters.directories.note_writer import shared_cards

        contacts = [c for c, _n in store.contacts_for_number(number.e164, attempts_limit=0)]
        cards = shared_cards(store, [c.id for c in contacts])
        contact = next((c for c in contacts if cards and c.id == cards[0].contact_id),
                       contacts[0] if contacts else None)  # fmt: skip
        now = datetime.now(UTC).replace(microsecond=0)
        rep = args.rep.strip() or settings.my_name.strip() or getpass.getuser()
        note = CallNote(uuid.uuid4().hex, now, Direction.OUT, Outcome(args.outcome), rep,
                        args.message.strip(), args.reason.strip())  # fmt: skip
        attempt = Attempt(Direction.OUT, now, note.outcome, note.message, note.reason,
                          number.e164)  # fmt: skip
        try:
            store.record_call(contact.id if contact else None, attempt, CALL_NOTE_SOURCE, note.id)
        except StoreError as exc:
            raise CliError(str(exc)) from exc
        who = contact.name or contact.company if contact else number.e164
        print(f"logged {note.outcome.value} for {who}")
        return _share(cards, note)
    finally:
        store.close()


def _share(cards: list[SharedCard], note: CallNote) -> int:
    if not cards:
        return 0
    from desktop.adapters.directories.dav_http import DavError
    from desktop.adapters.directories.note_writer import share_note
    from desktop.adapters.directories.syncing import password_for
    from desktop.adapters.secrets import SecretStore, SecretStoreError

    failed = 0
    secrets: SecretStore | None = None
    for card in cards:
        try:
            if card.directory.username and secrets is None:
                secrets = SecretStore.open()
            conflicts = share_note(card, note, password_for(card.directory, secrets))
        except (DavError, SecretStoreError) as exc:
            failed += 1
            print(f"callercard: {card.directory.name}: {exc}; the call is recorded here but "
                  "not shared", file=sys.stderr)  # fmt: skip
            continue
        merged = f" (merged with {conflicts} edit(s) made there meanwhile)" if conflicts else ""
        print(f"shared on {card.directory.name}{merged}")
    return 1 if failed else 0

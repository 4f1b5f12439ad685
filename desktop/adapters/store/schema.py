"""The database schema as an ordered list of migrations; PRAGMA user_version records progress."""

from __future__ import annotations

from desktop.core.search_query import SPELLED_OUT


def _search_migration() -> str:
    """Migration 2: the search indexes. Frozen once released, like every migration.

    Two external-content FTS5 tables read their text through views, so SQLite keeps one copy
    of each contact's text. `contact_search` holds the words plus a hidden `facets`
    column whose tokens say when we last called ("d20261120", "m202611", "ever"/"never") and
    whether there is a referral, so "called in the last N days" is an index intersection,
    not a scan. Prefix indexes of 1, 2 and 3 characters keep every keystroke on an index: over
    eight text columns a 1-character prefix without one merges every word's list (14 ms at
    100k contacts; 0.1 ms with it, for a 30% larger index). detail='column' drops word
    positions, which only phrase queries need (the app never sends any): the index is 40%
    smaller and builds 25% faster. `number_search` holds each number's digits under the
    trigram tokenizer: any run of 3+ digits is an indexed lookup (never LIKE '%digits%',
    perf-limits.md section 3).

    Two partial indexes cover the voicemails we left: by contact (who still awaits a
    callback) and by number (our recent messages in an unknown caller's area, on the ring
    path: 1-2 ms at a million contacts where the plain number index took 9 ms).

    Triggers keep both in step with single edits. A bulk load sets `search_state.*_deferred_from`
    to the highest id it started from: rows above it skip the per-row FTS work (6.8x the cost of
    the insert itself) and are indexed in one statement when the load ends
    (Store.deferred_search_index).
    """
    raw_digits = "{r}.raw"
    for separator in (" ", "-", "(", ")", ".", "/", "+"):
        raw_digits = f"replace({raw_digits}, '{separator}', '')"
    # The E.164 digits, plus the digits as written when they are not already in there (a
    # national form with its trunk prefix: "020 7946 0958" is searchable as "0207946").
    digits = (
        f"CASE WHEN {raw_digits} = '' OR instr(coalesce({{r}}.e164, ''), {raw_digits}) > 0 "
        "THEN coalesce(substr({r}.e164, 2), '') "
        f"ELSE trim(coalesce(substr({{r}}.e164, 2), '') || ' ' || {raw_digits}) END"
    )

    view, triggers = _contact_search(fold=False)
    # A row is in the index unless a deferred load added it (its id is above the mark).
    numbers_indexed = "{r}.id <= coalesce((SELECT numbers_deferred_from FROM search_state), {r}.id)"
    delete_number = (
        "INSERT INTO number_search(number_search, rowid, digits) "  # noqa: S608
        f"VALUES ('delete', OLD.id, {digits.format(r='OLD')});"
    )
    insert_number = (
        "INSERT INTO number_search(rowid, digits) "  # noqa: S608
        f"VALUES (NEW.id, {digits.format(r='NEW')});"
    )
    return f"""
    CREATE TABLE search_state (
        id                     INTEGER PRIMARY KEY CHECK (id = 1),
        contacts_deferred_from INTEGER,
        numbers_deferred_from  INTEGER
    );
    INSERT INTO search_state(id) VALUES (1);
    CREATE INDEX contacts_last_contacted ON contacts(last_contacted_at);
    CREATE INDEX attempts_at ON attempts(at);
    CREATE INDEX attempts_voicemail ON attempts(contact_id, at)
        WHERE direction = 'out' AND outcome = 'voicemail';
    CREATE INDEX attempts_area_voicemail ON attempts(number_e164, at, contact_id)
        WHERE direction = 'out' AND outcome = 'voicemail';

    {view}
    CREATE VIRTUAL TABLE contact_search USING fts5(
        {_SEARCH_COLUMNS},
        content='contact_search_source', content_rowid='id',
        prefix='1 2 3', detail='column', tokenize='unicode61 remove_diacritics 2'
    );
    {triggers}

    CREATE VIEW number_search_source AS
        SELECT id, {digits.format(r="phone_numbers")} AS digits FROM phone_numbers;
    CREATE VIRTUAL TABLE number_search USING fts5(
        digits, content='number_search_source', content_rowid='id', tokenize='trigram'
    );
    CREATE TRIGGER number_search_ai AFTER INSERT ON phone_numbers
    WHEN (SELECT numbers_deferred_from FROM search_state) IS NULL
    BEGIN {insert_number} END;
    CREATE TRIGGER number_search_ad AFTER DELETE ON phone_numbers
    WHEN {numbers_indexed.format(r="OLD")}
    BEGIN {delete_number} END;
    CREATE TRIGGER number_search_au AFTER UPDATE OF raw, e164 ON phone_numbers
    WHEN {numbers_indexed.format(r="OLD")}
    BEGIN {delete_number} {insert_number} END;

    INSERT INTO contact_search(contact_search) VALUES ('rebuild');
    INSERT INTO number_search(number_search) VALUES ('rebuild');
    """  # noqa: S608 (built from the constants above)


_FACETS = (
    "CASE WHEN {r}.last_contacted_at IS NULL THEN 'never' "
    "ELSE 'ever d' || strftime('%Y%m%d', {r}.last_contacted_at, 'unixepoch') "
    "|| ' m' || strftime('%Y%m', {r}.last_contacted_at, 'unixepoch') END "
    "|| CASE WHEN {r}.referred_by <> '' THEN ' referral' ELSE '' END"
)
_TEXT_COLUMNS = ("name", "company", "title", "email", "notes", "reason", "referred_by",
                 "next_step")  # fmt: skip
_SEARCH_COLUMNS = ", ".join([*_TEXT_COLUMNS, "facets"])

def _spelled_out(expression: str) -> str:
    spelled = expression
    for letter, spelling in SPELLED_OUT.items():
        spelled = f"replace({spelled}, '{letter}', '{spelling}')"
    # The replace chain on every value would cost a bulk load 4x its search indexing; an ASCII
    # value (byte length = character length) and one without these letters skip it.
    return (
        f"CASE WHEN length(CAST({expression} AS BLOB)) = length({expression}) THEN {expression} "
        f"WHEN {expression} GLOB '*[{''.join(SPELLED_OUT)}]*' THEN {spelled} "
        f"ELSE {expression} END"
    )


# Who a contact is: the columns people type names into the search box for.
_SPELLED_OUT_COLUMNS = frozenset({"name", "company", "title", "referred_by"})


def _contact_search(fold: bool) -> tuple[str, str]:
    """The view contact_search reads contacts through, and the triggers that keep the index in
    step with single edits; with `fold`, SPELLED_OUT applied to the columns that name people."""

    def text(r: str, c: str) -> str:
        return _spelled_out(f"{r}.{c}") if fold and c in _SPELLED_OUT_COLUMNS else f"{r}.{c}"

    def contact_values(r: str) -> str:
        return ", ".join([*(text(r, c) for c in _TEXT_COLUMNS), _FACETS.format(r=r)])

    def changed(r_old: str, r_new: str) -> str:
        return " OR ".join(
            [*(f"{r_old}.{c} IS NOT {r_new}.{c}" for c in _TEXT_COLUMNS),
             f"({_FACETS.format(r=r_old)}) IS NOT ({_FACETS.format(r=r_new)})"]
        )  # fmt: skip

    contacts_indexed = (
        "{r}.id <= coalesce((SELECT contacts_deferred_from FROM search_state), {r}.id)"
    )
    delete_contact = (
        f"INSERT INTO contact_search(contact_search, rowid, {_SEARCH_COLUMNS}) "  # noqa: S608
        f"VALUES ('delete', OLD.id, {contact_values('OLD')});"
    )
    insert_contact = (
        f"INSERT INTO contact_search(rowid, {_SEARCH_COLUMNS}) "  # noqa: S608
        f"VALUES (NEW.id, {contact_values('NEW')});"
    )
    columns = (
        ", ".join(f"{text('contacts', c)} AS {c}" for c in _TEXT_COLUMNS)
        if fold else ", ".join(_TEXT_COLUMNS)
    )  # fmt: skip
    view = f"""CREATE VIEW contact_search_source AS
        SELECT id, {columns}, {_FACETS.format(r="contacts")} AS facets
        FROM contacts;"""  # noqa: S608 (built from the constants above)
    triggers = f"""CREATE TRIGGER contact_search_ai AFTER INSERT ON contacts
    WHEN (SELECT contacts_deferred_from FROM search_state) IS NULL
    BEGIN {insert_contact} END;
    CREATE TRIGGER contact_search_ad AFTER DELETE ON contacts
    WHEN {contacts_indexed.format(r="OLD")}
    BEGIN {delete_contact} END;
    CREATE TRIGGER contact_search_au AFTER UPDATE ON contacts
    WHEN {contacts_indexed.format(r="OLD")} AND ({changed("OLD", "NEW")})
    BEGIN {delete_contact} {insert_contact} END;"""  # noqa: S608 (built from the constants above)
    return view, triggers


def _spelled_out_migration() -> str:
    """Migration 5: the contact index with SPELLED_OUT letters spelled out in names, companies,
    titles and referrals, rebuilt. Frozen
    like every migration: a letter added to SPELLED_OUT needs a migration of its own."""
    view, triggers = _contact_search(fold=True)
    return f"""
    DROP TRIGGER contact_search_ai;
    DROP TRIGGER contact_search_ad;
    DROP TRIGGER contact_search_au;
    DROP VIEW contact_search_source;
    {view}
    {triggers}
    INSERT INTO contact_search(contact_search) VALUES ('rebuild');
    INSERT INTO number_search(number_search) VALUES ('rebuild');
    UPDATE search_state SET contacts_deferred_from = NULL, numbers_deferred_from = NULL;
    """  # noqa: S608 (built from the constants above)


# Each entry moves the schema from version i to i+1. Never edit a released migration: append one.
MIGRATIONS: tuple[str, ...] = (
    # 1: contacts, their numbers, call attempts and import batches
    """
    CREATE TABLE import_batches (
        id          INTEGER PRIMARY KEY,
        label       TEXT NOT NULL,
        source      TEXT NOT NULL DEFAULT '',
        created_at  INTEGER NOT NULL,
        undone_at   INTEGER,
        summary     TEXT NOT NULL DEFAULT '{}'
    );
    CREATE TABLE contacts (
        id                INTEGER PRIMARY KEY,
        name              TEXT NOT NULL DEFAULT '',
        title             TEXT NOT NULL DEFAULT '',
        company           TEXT NOT NULL DEFAULT '',
        email             TEXT NOT NULL DEFAULT '',
        notes             TEXT NOT NULL DEFAULT '',
        reason            TEXT NOT NULL DEFAULT '',
        referred_by       TEXT NOT NULL DEFAULT '',
        next_step         TEXT NOT NULL DEFAULT '',
        opener_override   TEXT NOT NULL DEFAULT '',
        created_at        INTEGER NOT NULL,
        updated_at        INTEGER NOT NULL,
        last_contacted_at INTEGER,
        import_batch_id   INTEGER REFERENCES import_batches(id)
    );
    CREATE INDEX contacts_email ON contacts(email) WHERE email <> '';
    CREATE TABLE phone_numbers (
        id              INTEGER PRIMARY KEY,
        contact_id      INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        raw             TEXT NOT NULL,
        e164            TEXT,
        extension       TEXT NOT NULL DEFAULT '',
        label           TEXT NOT NULL DEFAULT '',
        import_batch_id INTEGER REFERENCES import_batches(id)
    );
    CREATE INDEX phone_numbers_e164 ON phone_numbers(e164);
    CREATE INDEX phone_numbers_contact ON phone_numbers(contact_id);
    CREATE TABLE attempts (
        id              INTEGER PRIMARY KEY,
        contact_id      INTEGER REFERENCES contacts(id) ON DELETE CASCADE,
        number_e164     TEXT,
        direction       TEXT NOT NULL CHECK (direction IN ('in', 'out')),
        at              INTEGER NOT NULL,
        outcome         TEXT NOT NULL DEFAULT '',
        message         TEXT NOT NULL DEFAULT '',
        reason          TEXT NOT NULL DEFAULT '',
        source          TEXT NOT NULL DEFAULT '',
        import_batch_id INTEGER REFERENCES import_batches(id)
    );
    CREATE INDEX attempts_contact_at ON attempts(contact_id, at DESC);
    CREATE INDEX attempts_number_at ON attempts(number_e164, at DESC);
    """,
    # 2: full-text and number-fragment search (see _search_migration)
    _search_migration(),
    # 3: the contact importer: what each batch filled in contacts that already existed (so an
    # undo can empty it again), and the column mapping a person chose for each header set
    """
    CREATE TABLE import_changes (
        id         INTEGER PRIMARY KEY,
        batch_id   INTEGER NOT NULL REFERENCES import_batches(id),
        contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        field      TEXT NOT NULL,
        new_value  TEXT NOT NULL
    );
    CREATE INDEX import_changes_batch ON import_changes(batch_id);
    CREATE INDEX import_changes_contact ON import_changes(contact_id);
    CREATE TABLE import_mappings (
        header_key TEXT PRIMARY KEY,
        mapping    TEXT NOT NULL,
        updated_at INTEGER NOT NULL
    );
    """,
    # 4: call logs: the call each logged attempt came from, so a log read twice (a restart, a
    # rotation, a rewrite) records it once, and where each watched log was read up to, so a
    # restart neither repeats nor misses what the log gained meanwhile
    """
    ALTER TABLE attempts ADD COLUMN call_key TEXT NOT NULL DEFAULT '';
    CREATE UNIQUE INDEX attempts_call_key ON attempts(source, call_key) WHERE call_key <> '';
    CREATE TABLE source_cursors (
        origin     TEXT PRIMARY KEY,
        cursor     TEXT NOT NULL,
        updated_at INTEGER NOT NULL
    );
    """,
    # 5: names searchable without letters such as ø, æ, ł (see SPELLED_OUT)
    _spelled_out_migration(),
    # 6: team directories (CardDAV address books) mirrored into contacts: each directory with
    # its sync token, and each mirrored card (href, ETag) with the contact made from it
    """
    CREATE TABLE directories (
        id             INTEGER PRIMARY KEY,
        name           TEXT NOT NULL UNIQUE,
        kind           TEXT NOT NULL,
        url            TEXT NOT NULL,
        collection_url TEXT NOT NULL,
        username       TEXT NOT NULL DEFAULT '',
        sync_token     TEXT NOT NULL DEFAULT '',
        created_at     INTEGER NOT NULL,
        synced_at      INTEGER,
        last_error     TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE directory_cards (
        directory_id INTEGER NOT NULL REFERENCES directories(id) ON DELETE CASCADE,
        href         TEXT NOT NULL,
        etag         TEXT NOT NULL,
        contact_id   INTEGER REFERENCES contacts(id) ON DELETE SET NULL,
        PRIMARY KEY (directory_id, href)
    );
    CREATE INDEX directory_cards_contact ON directory_cards(contact_id);
    """,
    # 7: what else a directory needs to be reached (LDAP: the filter, StartTLS, a CA file),
    # as a JSON object
    """
    ALTER TABLE directories ADD COLUMN options TEXT NOT NULL DEFAULT '{}';
    """,
    # 8: who made an attempt when a teammate did (a shared call note read from a team card);
    # '' for this rep's own
    """
    ALTER TABLE attempts ADD COLUMN rep TEXT NOT NULL DEFAULT '';
    """,
    # 9: call notes waiting to be written into a team card (the server was down, or the rep
    # logged the call from the app): each with its card and the note's vCard value
    """
    CREATE TABLE directory_outbox (
        id           INTEGER PRIMARY KEY,
        directory_id INTEGER NOT NULL REFERENCES directories(id) ON DELETE CASCADE,
        href         TEXT NOT NULL,
        note         TEXT NOT NULL,
        created_at   INTEGER NOT NULL,
        tries        INTEGER NOT NULL DEFAULT 0,
        last_error   TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX directory_outbox_directory ON directory_outbox(directory_id);
    """,
    # 10: the callback window the rep promised on an attempt ("I'll be in tomorrow 9-12"), as
    # Unix times, both or neither (core/callbacks.py); partial indexes for the Callbacks
    # sections (Store.callbacks_due), like attempts_voicemail for the voicemails left
    """
    ALTER TABLE attempts ADD COLUMN callback_from INTEGER;
    ALTER TABLE attempts ADD COLUMN callback_until INTEGER;
    CREATE INDEX attempts_callback ON attempts(contact_id, at) WHERE callback_until IS NOT NULL;
    CREATE INDEX attempts_missed ON attempts(contact_id, at)
        WHERE direction = 'in' AND outcome = 'missed';
    """,
    # 11: fixing contacts by hand: each merge or deletion with what taking it back needs (the
    # rows as they were, as JSON: desktop.adapters.contact_undo), and the pairs a person said
    # are two different people, so they are not suggested as duplicates again
    """
    CREATE TABLE contact_undo (
        id         INTEGER PRIMARY KEY,
        kind       TEXT NOT NULL CHECK (kind IN ('merge', 'delete')),
        contact_id INTEGER NOT NULL,
        summary    TEXT NOT NULL,
        payload    TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        undone_at  INTEGER
    );
    CREATE TABLE duplicate_dismissals (
        low_id     INTEGER NOT NULL,
        high_id    INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (low_id, high_id)
    );
    """,
    # 12: contact files imported with "keep following": re-imported when saved, each replacing
    # its previous batch (importing/following.py). content_hash skips a save that changed
    # nothing; rejected is how many rows the accepted version rejected; problem the last
    # reason a version was refused, '' once one is accepted; options how the person asked it
    # to be read (JSON: encoding, region), so every save is read the same way
    """
    CREATE TABLE followed_files (
        id           INTEGER PRIMARY KEY,
        path         TEXT NOT NULL UNIQUE,
        batch_id     INTEGER REFERENCES import_batches(id),
        content_hash TEXT NOT NULL DEFAULT '',
        rejected     INTEGER NOT NULL DEFAULT 0,
        problem      TEXT NOT NULL DEFAULT '',
        followed_at  INTEGER NOT NULL,
        checked_at   INTEGER,
        options      TEXT NOT NULL DEFAULT '{}'
    );
    """,
    # 13: the name an unknown caller's caller ID gave ("MIKE CELL"), so the history can say
    # who the call claimed to be; '' when it gave none (and always for a withheld number)
    """
    ALTER TABLE attempts ADD COLUMN caller_name TEXT NOT NULL DEFAULT '';
    """,
    # 14: the Search window's calls by caller ID name (Store.search_calls): the named calls
    # with every column it looks at, so "mike" scans this small index, not the history's rows
    """
    CREATE INDEX attempts_caller_name ON attempts(caller_name, number_e164, at)
        WHERE caller_name <> '';
    """,
    # 15: numbers the rep took off a contact by hand (removed it, or corrected it to another):
    # an import merging into that contact, a followed file's next version or a directory's
    # next sync does not bring them back (desktop.adapters.store.removed_numbers); and the
    # numbers the rep gave a contact by hand (linked, added, corrected), which a directory's
    # sync keeps when it replaces the numbers its card carries
    """
    ALTER TABLE phone_numbers ADD COLUMN by_hand INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE removed_numbers (
        contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        e164       TEXT NOT NULL,
        extension  TEXT NOT NULL DEFAULT '',
        removed_at INTEGER NOT NULL,
        PRIMARY KEY (contact_id, e164, extension)
    );
    """,
    # 16: a team-directory card whose contact the rep deleted ("Hide from my cards"): when it
    # was hidden, NULL while shown. A sync keeps its ETag and makes no contact of it, however
    # the server changes the entry, until the rep shows it again (directories/mirror.py)
    """
    ALTER TABLE directory_cards ADD COLUMN hidden_at INTEGER;
    """,
    # 17: a CardDAV card's own UID, '' when it has none (an LDAP entry): a server that renames
    # a card's file (a delete and a put of the same UID under another name) moves the card, and
    # its contact, hidden or followed, goes with it (directories/mirror.py). The cards mirrored
    # so far were read without it: each CardDAV directory's next sync reads every card afresh
    # (its sync token and the cards' ETags forgotten, as Show hidden does) to learn them
    """
    ALTER TABLE directory_cards ADD COLUMN uid TEXT NOT NULL DEFAULT '';
    CREATE INDEX directory_cards_uid ON directory_cards(directory_id, uid) WHERE uid <> '';
    UPDATE directory_cards SET etag = ''
        WHERE directory_id IN (SELECT id FROM directories WHERE kind = 'carddav');
    UPDATE directories SET sync_token = '' WHERE kind = 'carddav';
    """,
    # 18: callbacks the rep put off (Snooze): not due until `until` (store/put_off.py). An
    # entry is its section, who ("c:<contact id>" or "n:<E.164>") and the call it comes from
    """
    CREATE TABLE callbacks_put_off (
        section TEXT NOT NULL,
        who     TEXT NOT NULL,
        call_at INTEGER NOT NULL,
        until   INTEGER NOT NULL,
        put_at  INTEGER NOT NULL,
        PRIMARY KEY (section, who, call_at)
    );
    """,
    # 19: the caller ID as received of a call whose number could not be read (a German
    # number written nationally, a PBX extension, "Reception": desktop.core.unread_caller_id),
    # so the call is kept and can be read back; '' for every other call (number_e164 NULL
    # with '' here is a withheld caller, as before)
    """
    ALTER TABLE attempts ADD COLUMN caller_id TEXT NOT NULL DEFAULT '';
    """,
    # 20: a short internal extension with no number of its own (Active Directory's ipPhone
    # "3103", "x3103"): e164 NULL and its digits in `extension` (desktop.core.internal_extension),
    # found by a ring from "3103" through this index. A team card's NOTE as last applied
    # (directory_cards.note, NULL while not known), so a note a teammate rewrites replaces its
    # old text in the contact's notes and leaves the rep's own. The cards mirrored so far were
    # read without either, and groups were mirrored as people before 8ada7e2: each directory's
    # next sync reads every card again ("reread:" before its ETag; CardDAV's token forgotten),
    # and a card that did not change only has its numbers, its note and its kind learned
    # (directories/mirror.py), not its fields, so nothing the rep changed is undone
    """
    CREATE INDEX phone_numbers_internal ON phone_numbers(extension)
        WHERE e164 IS NULL AND extension <> '';
    ALTER TABLE directory_cards ADD COLUMN note TEXT;
    UPDATE directory_cards SET etag = 'reread:' || etag
        WHERE hidden_at IS NULL AND etag <> '';
    UPDATE directories SET sync_token = '' WHERE kind = 'carddav';
    """,
    # 21: the rep said in this call's wrap-up that the contact's open "call them back by"
    # (made on an earlier call) is done: it leaves Callbacks (store/callbacks.py). An answered
    # call from them no longer settles it on its own
    """
    ALTER TABLE attempts ADD COLUMN promise_done INTEGER NOT NULL DEFAULT 0;
    """,
    # 22: a colleague's extension kept before schema 20 ("3103" in a sheet imported earlier,
    # kept as text: e164 NULL, extension '') is kept as 20 keeps it, so a call from 3103 finds
    # them; and the calls from it logged while nobody had it become theirs, as an import's
    # adopt_unknown_calls does (store/numbers.py). extension_digits() is the rule of
    # desktop.core.internal_extension, a function every connection has (connection.py)
    """
    UPDATE phone_numbers SET extension = extension_digits(raw)
        WHERE e164 IS NULL AND extension = '' AND extension_digits(raw) <> '';
    UPDATE attempts SET contact_id = (SELECT min(p.contact_id) FROM phone_numbers p
            WHERE p.e164 IS NULL AND p.extension = extension_digits(attempts.caller_id)
            AND p.extension <> '')
        WHERE contact_id IS NULL AND number_e164 IS NULL AND caller_id <> ''
        AND (SELECT count(DISTINCT p.contact_id) FROM phone_numbers p
            WHERE p.e164 IS NULL AND p.extension = extension_digits(attempts.caller_id)
            AND p.extension <> '') = 1;
    UPDATE contacts SET last_contacted_at = (SELECT max(at) FROM attempts a
            WHERE a.contact_id = contacts.id)
        WHERE id IN (SELECT contact_id FROM phone_numbers WHERE e164 IS NULL AND extension <> '')
        AND (SELECT max(at) FROM attempts a WHERE a.contact_id = contacts.id)
            > coalesce(last_contacted_at, 0);
    """,
    # 23: what an import's rows matched among the contacts already stored ("merged", "already
    # there"): the contact (e164 and extension NULL) and each number a row carried that it
    # already had, so undoing the import that brought a contact leaves what another file still
    # in the book also has (store/import_holds.py). Imports made before are known to hold a
    # contact they added a number to or filled a field in; an "already there" row left no trace
    """
    CREATE TABLE import_holds (
        batch_id   INTEGER NOT NULL REFERENCES import_batches(id),
        contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        e164       TEXT,
        extension  TEXT
    );
    CREATE INDEX import_holds_contact ON import_holds(contact_id);
    CREATE INDEX import_holds_batch ON import_holds(batch_id);
    INSERT INTO import_holds(batch_id, contact_id)
        SELECT DISTINCT p.import_batch_id, p.contact_id FROM phone_numbers p
        JOIN contacts c ON c.id = p.contact_id
        WHERE p.import_batch_id IS NOT NULL AND p.import_batch_id IS NOT c.import_batch_id
        UNION
        SELECT i.batch_id, i.contact_id FROM import_changes i
        JOIN contacts c ON c.id = i.contact_id WHERE i.batch_id IS NOT c.import_batch_id;
    """,
    # 24: what a followed file said for each contact it brought, as last imported (JSON: its
    # fields and numbers), so the next version updates that contact in place and tells a cell
    # the file changed from a value the rep changed by hand (importing/following.py); and what
    # the last re-import said about the rep's own values there ("told"), for the contact view
    """
    CREATE TABLE followed_rows (
        contact_id  INTEGER PRIMARY KEY REFERENCES contacts(id) ON DELETE CASCADE,
        file_values TEXT NOT NULL,
        told        TEXT NOT NULL DEFAULT ''
    );
    """,
    # 25: when the rep last changed the contact themselves (a field saved, a number typed or
    # linked, a wrap-up's reason, a merge), apart from updated_at, which an import merging into
    # it moves too: undoing the import that brought a contact asks about the rep's changes
    # only (store/batches.py undo_import_check). Before, a change cannot be told from another
    # import's: a contact changed since it was made counts as the rep's, so the undo asks
    """
    ALTER TABLE contacts ADD COLUMN edited_at INTEGER;
    UPDATE contacts SET edited_at = updated_at WHERE updated_at > created_at;
    """,
)

SCHEMA_VERSION = len(MIGRATIONS)

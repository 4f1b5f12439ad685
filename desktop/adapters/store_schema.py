"""The database schema as an ordered list of migrations; PRAGMA user_version records progress."""

from __future__ import annotations

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
)

SCHEMA_VERSION = len(MIGRATIONS)

"""Import as a person sees it: one batch, merges said out loud, undo, bad files, the CLI."""

from __future__ import annotations

import csv
import json
import os
import pty
import select
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from desktop.adapters.importing import (
    ImportCancelled,
    ImportFailed,
    ImportOptions,
    import_file,
    preview_file,
)
from desktop.adapters.importing.pipeline import CHUNK_ROWS
from desktop.adapters.store import Store
from desktop.core.import_mapping import Field
from desktop.core.numbers import NumberPolicy
from desktop.core.search_query import parse_query
from tests.conftest import PYTHON, python_env

US = ImportOptions(NumberPolicy("US"))


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store.open(tmp_path / "cc.sqlite3")


def snapshot(store: Store, clock: bool = True) -> list[tuple[object, ...]]:
    """Every row an import touches; `clock=False` leaves out when rows were changed."""
    rows: list[tuple[object, ...]] = []
    for table in ("contacts", "phone_numbers", "import_batches", "import_changes"):
        columns = [
            c[1] for c in store.connection.execute(f"PRAGMA table_info({table})")
            if clock or c[1] not in ("created_at", "updated_at", "undone_at")
        ]
        query = f"SELECT {', '.join(columns)} FROM {table}"
        rows += [(table, *r) for r in store.connection.execute(query)]
    return rows


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def test_reimporting_the_same_file_changes_nothing(samples: Path, store: Store) -> None:
    path = samples / "contacts" / "google_contacts.csv"
    first = import_file(store, path, US)
    before = snapshot(store)
    again = import_file(store, path, US)
    assert snapshot(store) == before
    assert (again.imported, again.merged, again.unchanged, again.batch_id) == (0, 0, 5, None)
    assert "nothing changed" in again.summary()
    assert first.batch_id is not None


def test_same_person_from_another_export_is_merged_and_the_report_says_so(
    samples: Path, store: Store
) -> None:
    import_file(store, samples / "contacts" / "google_contacts.csv", US)
    report = import_file(store, samples / "contacts" / "salesforce_leads_report.csv", US)
    assert (report.imported, report.merged) == (2, 1)
    assert report.merges == [
        "line 2: merged into 'Maya Okafor' (added number +1 415-555-0171, number +1 415-555-0172);"
        " kept its company 'Brightline Analytics, Inc.' (the file has 'Brightline Analytics')"
    ]
    [(maya, _)] = store.contacts_for_number("+14155550171")
    assert {"+14155550142", "+14155550171"} <= {x.e164 for x in maya.numbers}


def test_undo_takes_back_added_contacts_numbers_and_merged_fields(
    samples: Path, store: Store
) -> None:
    import_file(store, samples / "contacts" / "google_contacts.csv", US)
    # The undo stamps the contacts it empties again as changed now, a second later or not.
    before = snapshot(store, clock=False)
    hub = import_file(store, samples / "contacts" / "hubspot_contacts_export.csv", US)
    jurgen = store.contacts_for_number("+493090182055")[0][0]
    assert jurgen.title == "Leiter Einkauf"  # filled in by the merge
    assert hub.batch_id is not None
    result = store.undo_import(hub.batch_id)
    assert (result.contacts_removed, result.fields_restored) == (1, 1)
    after = [r for r in snapshot(store, clock=False) if r[0] != "import_batches"]
    assert after == [r for r in before if r[0] != "import_batches"]
    assert store.undo_import(hub.batch_id).already_undone


def test_two_people_sharing_a_switchboard_number_stay_two(tmp_path: Path, store: Store) -> None:
    path = write_csv(
        tmp_path / "s.csv",
        [
            ["Name", "Company", "Phone"],
            ["Dana Smith", "Kestrel", "+44 20 7946 0321"],
            ["Maya Okafor", "Kestrel", "+44 20 7946 0321"],
        ],
    )
    report = import_file(store, path, US)
    assert report.imported == 2 and store.count_contacts() == 2


def test_a_file_of_several_chunks_is_stored_indexed_and_merged_across_chunks(
    tmp_path: Path, store: Store
) -> None:
    # More rows than one chunk, numbers parsed by real worker processes, chunks written by the
    # writer thread: a later row about an earlier person still merges into them, and every
    # contact, first chunk or last, is findable by name and by a fragment of its number.
    rows = [["Name", "Company", "Phone", "Notes"]]
    rows += [[f"Person{i:05d} Okafor", f"Firm {i}", f"+1 415 555 {i:04d}", ""]
             for i in range(2 * CHUNK_ROWS + 500)]
    rows.append(["Person00010 Okafor", "", "+1 415 555 0010", "met at the expo"])
    path = write_csv(tmp_path / "big.csv", rows)
    report = import_file(store, path, ImportOptions(NumberPolicy("US"), workers=2))
    assert (report.imported, report.merged, report.rejected) == (2 * CHUNK_ROWS + 500, 1, [])
    assert report.summary() == "big.csv: 4,500 imported, 1 merged, 0 rejected (batch 1)"
    assert report.merges == [
        f"line {len(rows)}: merged into 'Person00010 Okafor' (added notes)"
    ]
    for i in (0, CHUNK_ROWS + 1, 2 * CHUNK_ROWS + 499):
        hits = store.search(parse_query(f"person{i:05d}"))
        assert [h.contact.name for h in hits] == [f"Person{i:05d} Okafor"]
        by_digits = store.search(parse_query(f"555{i:04d}"))
        assert [h.contact.name for h in by_digits] == [f"Person{i:05d} Okafor"]
    merged = store.contacts_for_number("+14155550010")
    assert [(c.name, c.notes) for c, _n in merged] == [("Person00010 Okafor", "met at the expo")]


def test_cancel_leaves_the_store_as_it_was(tmp_path: Path, store: Store) -> None:
    rows = [["Name", "Phone"]] + [[f"P{i}", f"+1 415 555 {i % 100:04d}"] for i in range(6000)]
    path = write_csv(tmp_path / "big.csv", rows)
    cancel = threading.Event()
    seen: list[int] = []

    def progress(done: int, total: int) -> None:
        seen.append(done)
        cancel.set()

    with pytest.raises(ImportCancelled):
        import_file(store, path, US, progress=progress, cancel=cancel)
    assert seen and store.count_contacts() == 0 and store.batches() == []


def test_rejected_rows_are_saved_as_csv_for_fixing(tmp_path: Path, store: Store) -> None:
    path = write_csv(
        tmp_path / "r.csv",
        [
            ["Name", "Phone", "Email"],
            ["Ann", "+1 415 555 0142", ""],
            ["", "+1 415 555 0143", "x@example.com"],
        ],
    )
    report = import_file(store, path, US)
    assert [(p.line, p.message[:7]) for p in report.rejected] == [(3, "no name")]
    out = tmp_path / "rejected.csv"
    assert report.write_rejected_csv(out) == 1
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0] == ["Reason", "Name", "Phone", "Email"]
    # The quote keeps a spreadsheet from reading the number as a formula (report.py).
    assert rows[1][1:] == ["", "'+1 415 555 0143", "x@example.com"]
    assert rows[1][0].startswith("line 3: no name")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20, "binary file"),
        (b"PK\x03\x04" + b"\x00" * 200, "not a readable spreadsheet"),
        (b"Name,Phone,Email\r\n", "no contacts"),
        (b"Name,Phone\r\n,,\r\n,,\r\n", "no contacts"),
    ],
    ids=["empty", "binary", "zip-renamed", "header-only", "only-empty-rows"],
)
def test_bad_files_get_a_clear_message_and_change_nothing(
    tmp_path: Path, store: Store, content: bytes, message: str
) -> None:
    path = tmp_path / "contacts.csv"
    path.write_bytes(content)
    with pytest.raises(ImportFailed, match=message):
        import_file(store, path, US)
    assert store.count_contacts() == 0 and store.batches() == []


def test_a_1_gb_file_is_refused_at_once(tmp_path: Path, store: Store) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as fh:
        fh.write(b"Name,Phone\r\n")
        fh.truncate(1024**3)  # sparse: no real gigabyte on disk
    started = time.monotonic()
    with pytest.raises(ImportFailed, match=r"1\.1 GB"):
        import_file(store, path, US)
    assert time.monotonic() - started < 1


def test_a_vcard_with_a_10_mb_photo_imports_its_numbers(tmp_path: Path, store: Store) -> None:
    photo = "\r\n ".join(["A" * 74] * (10 * 1024 * 1024 // 74))
    card = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Lee\r\nTEL;TYPE=CELL:+1 415 555 0142\r\n"
        f"PHOTO;ENCODING=b;TYPE=JPEG:{photo}\r\nEND:VCARD\r\n"
    )
    path = tmp_path / "ann.vcf"
    path.write_text(card, encoding="utf-8")
    started = time.monotonic()
    report = import_file(store, path, US)
    assert report.imported == 1 and time.monotonic() - started < 5
    assert store.contacts_for_number("+14155550142")[0][0].name == "Ann Lee"


def test_one_broken_card_costs_only_itself(tmp_path: Path, store: Store) -> None:
    path = tmp_path / "mixed.vcf"
    path.write_bytes(
        b"\xef\xbb\xbfBEGIN:VCARD\r\r\nVERSION:3.0\r\r\nFN:Ann\r\r\nTEL:+1 415 555 0142\r\r\n"
        b"END:VCARD\r\r\nBEGIN:VCARD\nVERSION:3.0\nFN:Bob\nTEL:+1 415 555 0143\n"
    )
    report = import_file(store, path, US)
    assert report.imported == 1
    assert [p.line for p in report.rejected] == [6]
    assert "never ended" in report.rejected[0].message


def test_cp1252_is_used_when_the_file_is_not_utf8_and_can_be_overridden(
    tmp_path: Path, store: Store
) -> None:
    path = write_csv(
        tmp_path / "w.csv", [["Name", "Phone"], ["Zoë Kjær", "+1 415 555 0142"]], encoding="cp1252"
    )
    assert preview_file(path, US).source == "CSV, cp1252, ','"
    import_file(store, path, ImportOptions(NumberPolicy("US"), encoding="latin-1"))
    assert store.contacts_for_number("+14155550142")[0][0].name == "Zoë Kjær"


def test_a_chosen_mapping_is_remembered_for_the_same_header_set(
    tmp_path: Path, store: Store
) -> None:
    path = write_csv(tmp_path / "own.csv", [["Kunde", "Rufnummer"], ["Ann", "+1 415 555 0142"]])
    with pytest.raises(ImportFailed, match="Import window"):
        import_file(store, path, US)
    chosen = ImportOptions(NumberPolicy("US"), mapping={0: Field.NAME, 1: Field.PHONE})
    import_file(store, path, chosen)
    again = write_csv(tmp_path / "own2.csv", [["Kunde", "Rufnummer"], ["Bo", "+1 415 555 0143"]])
    preview = preview_file(again, US, store)
    assert preview.remembered and preview.plan is not None
    assert dict(preview.plan.fields) == {0: Field.NAME, 1: Field.PHONE}
    assert import_file(store, again, US).imported == 1


def run_cli(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, "-m", "desktop", "import", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=python_env(CALLERCARD_HOME=str(home)),
        check=False,
    )


def test_cli_imports_with_a_json_summary_and_undoes(samples: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    files = [
        str(samples / "contacts" / f) for f in ("google_contacts.csv", "apple_ios_contacts_v30.vcf")
    ]
    done = run_cli(*files, "--region", "US", "--json", home=home)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert [f["imported"] for f in summary["files"]] == [5, 1]
    assert summary["files"][1]["unchanged"] == 1  # Kestrel's card: same main number, nothing new
    batch = summary["files"][0]["batch"]
    undone = run_cli("--undo", str(batch), home=home)
    assert undone.returncode == 0
    # Kestrel stays: the vCard, still imported, has that card too
    assert undone.stdout.splitlines()[-1].startswith(
        "Removed 4 contacts imported from google_contacts.csv on ")
    assert undone.stdout.splitlines()[-1].endswith(
        ". Kestrel Logistics Ltd stays: apple_ios_contacts_v30.vcf also has this contact.")
    failed = run_cli(str(tmp_path / "missing.csv"), "--json", home=home)
    assert failed.returncode == 1 and "cannot read" in json.loads(failed.stdout)["failed"][0]


def test_killing_the_import_mid_way_leaves_the_store_unchanged(tmp_path: Path) -> None:
    home = tmp_path / "home"
    small = write_csv(tmp_path / "one.csv", [["Name", "Phone"], ["Ann", "+1 415 555 0142"]])
    assert run_cli(str(small), "--region", "US", home=home).returncode == 0
    database = home / "callercard.sqlite3"
    assert database.exists()
    rows = [["Name", "Company", "Phone", "Email"]] + [
        [
            f"Person {i}",
            f"Company {i % 97}",
            f"+1 415 {200 + i % 700} {i % 10000:04d}",
            f"p{i}@example.com",
        ]
        for i in range(120_000)
    ]
    big = write_csv(tmp_path / "big.csv", rows)
    # A terminal, so the importer shows its progress line: the kill lands mid-transaction.
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [PYTHON, "-m", "desktop", "import", str(big), "--region", "US"],
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=follower,
        env=python_env(CALLERCARD_HOME=str(home)),
    )
    os.close(follower)
    seen = b""
    deadline = time.monotonic() + 60
    while b"%" not in seen or b" 0%" in seen.rsplit(b"\r", 1)[-1]:
        assert time.monotonic() < deadline, seen[-200:]
        if select.select([leader], [], [], 0.5)[0]:
            seen += os.read(leader, 4096)
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    os.close(leader)
    assert proc.returncode == -signal.SIGKILL
    after = Store.open(database)
    assert after.count_contacts() == 1
    assert [b[1] for b in after.batches()] == ["Import of one.csv"]
    assert after.connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_undo_says_it_took_numbers_off_contacts_that_stay(samples: Path, store: Store) -> None:
    """Undoing the Android export said only "cleared 1 field" while it also took three
    numbers off Maya and Jürgen."""
    import_file(store, samples / "contacts" / "google_contacts.csv", US)
    android = import_file(store, samples / "contacts" / "android_contacts_v21.vcf", US)
    assert android.batch_id is not None
    result = store.undo_import(android.batch_id)
    assert "removed 3 numbers it had added to existing contacts" in result.summary()
    assert store.contacts_for_number("+14155550190") == []

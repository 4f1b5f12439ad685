"""The CSV and vCard readers never crash on arbitrary bytes, and every row is accounted for."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.adapters.importing import ImportFailed, ImportOptions, import_file
from desktop.adapters.importing.report import ImportReport
from desktop.adapters.importing.text_tables import read_text_table
from desktop.adapters.store import Store
from desktop.core.numbers import NumberPolicy

US = ImportOptions(NumberPolicy("US"))
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

cell = st.one_of(
    st.text(max_size=20),
    st.sampled_from(
        [
            "+1 415 555 0142",
            "4.15555E+11",
            "(415) 555-0100 x12",
            "Ann",
            "",
            "a ::: b",
            '"',
            "\r\n",
            ";",
            "\t",
            "Grand Totals (2 records)",
        ]
    ),
)
csv_text = st.lists(st.lists(cell, max_size=6), max_size=8).map(
    lambda rows: "Name,Phone,Email,Notes\r\n" + "\r\n".join(",".join(r) for r in rows)
)


def run(data: bytes, suffix: str) -> ImportReport | None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"fuzz{suffix}"
        path.write_bytes(data)
        store = Store.open(Path(tmp) / "cc.sqlite3")
        try:
            report = import_file(store, path, US)
        except ImportFailed:
            assert store.count_contacts() == 0, "a failed import must leave nothing behind"
            return None
        finally:
            store.close()
        if report.source.startswith(("CSV", "TXT")):  # content decides, not the name
            table = read_text_table(path)
            rows = sum(1 for _ in table.rows) + len(table.unreadable)  # a quote never closed
            accounted = (
                report.imported
                + report.merged
                + report.unchanged
                + report.skipped
                + len(report.rejected)
            )
            assert accounted == rows
        for problem in report.rejected:
            assert problem.message and problem.line >= 1
        return report


@FUZZ
@given(st.binary(max_size=600))
def test_csv_reader_survives_arbitrary_bytes(data: bytes) -> None:
    run(data, ".csv")


@FUZZ
@given(csv_text, st.sampled_from(["utf-8", "utf-16", "cp1252"]))
def test_csv_rows_each_end_imported_merged_skipped_or_rejected(text: str, encoding: str) -> None:
    run(text.encode(encoding, errors="replace"), ".csv")


@FUZZ
@given(st.binary(max_size=600))
def test_vcard_reader_survives_arbitrary_bytes(data: bytes) -> None:
    run(b"BEGIN:VCARD\r\n" + data, ".vcf")


card_line = st.sampled_from(
    [
        "FN:Ann",
        "N:Lee;Ann;;;",
        "TEL;TYPE=CELL:+1 415 555 0142",
        "TEL:",
        "item1.TEL:+1 415 555 01",
        "item1.X-ABLabel:",
        "ORG:A\\;B;C",
        "EMAIL:a@example.com",
        "NOTE;ENCODING=QUOTED-PRINTABLE:=",
        "PHOTO;ENCODING=b:AAAA",
        " continued",
        "BEGIN:VCARD",
        "END:VCARD",
        "VERSION:4.0",
        ":",
        "",
        'TEL;VALUE=uri;TYPE="voice,cell":tel:+1-415-555-0158;ext=1',
    ]
) | st.text(max_size=30)


@FUZZ
@given(st.lists(st.lists(card_line, max_size=8), max_size=5))
def test_every_vcard_is_imported_merged_or_rejected(cards: list[list[str]]) -> None:
    text = "".join(
        "BEGIN:VCARD\r\nVERSION:3.0\r\n" + "\r\n".join(c) + "\r\nEND:VCARD\r\n" for c in cards
    )
    report = run(text.encode("utf-8", errors="replace"), ".vcf")
    if report is not None:
        assert (
            report.imported
            + report.merged
            + report.unchanged
            + report.skipped
            + len(report.rejected)
            >= 1
        )

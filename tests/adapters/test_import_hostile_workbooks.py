"""Workbooks that declare or unpack to more than a contact sheet: refused with a message
that names the file and what is wrong, never a process killed by the reader."""

from __future__ import annotations

import resource
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop.adapters.importing import ImportFailed, ImportOptions, preview_file, sheet_process
from desktop.cli import FROZEN_SHEET_READER_VERB
from desktop.core.numbers import NumberPolicy
from tests.conftest import python_env
from tests.hostile_workbooks import (
    deflate_bomb_xlsx,
    far_cell_xlsx,
    huge_strings_count_xlsx,
    lying_size_xlsx,
    repeated_cells_ods,
    write_xlsx,
)

# The address space the CLI runs with here: enough for it, the reader child and a contact
# sheet; so a reader that tries to allocate gigabytes fails quickly instead of eating RAM.
TEST_ADDRESS_SPACE = 1024 * 1024 * 1024


def callercard_import(path: Path, data: Path) -> subprocess.CompletedProcess[str]:
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (TEST_ADDRESS_SPACE, TEST_ADDRESS_SPACE))

    return subprocess.run(
        [sys.executable, "-m", "desktop", "import", str(path), "--data-dir", str(data)],
        capture_output=True, text=True, env=python_env(), timeout=60, check=False,
        preexec_fn=limit,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("build", "says"),
    [
        (far_cell_xlsx, "has cells up to row 1,048,576, column XFD"),
        (huge_strings_count_xlsx, "declares 4,294,967,295 shared strings"),
        (deflate_bomb_xlsx, "that is a zip bomb"),
        (lying_size_xlsx, "damaged zip: Bad CRC-32 for file 'xl/worksheets/sheet1.xml'"),
    ],
    ids=["cell-at-XFD1048576", "sharedStrings-count", "deflate-bomb", "size-that-lies"],
)
def test_the_cli_refuses_a_hostile_xlsx_with_a_clear_message(
    build: Callable[[Path], Path], says: str, tmp_path: Path
) -> None:
    path = build(tmp_path / "evil.xlsx")
    assert path.stat().st_size < 8_000
    result = callercard_import(path, tmp_path / "data")
    assert result.returncode == 1, result.stderr  # not 134: the reader never saw it
    assert result.stderr.startswith(f"callercard: {path}: ")
    assert says in result.stderr and "Traceback" not in result.stderr


def test_a_declared_dimension_beyond_a_contact_sheet_is_refused(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "wide.xlsx", dimension="A1:XFD1048576")
    with pytest.raises(ImportFailed, match=r"declares its size as A1:XFD1048576"):
        preview_file(path, ImportOptions(NumberPolicy("US")))


def test_an_outlook_wide_sheet_of_a_big_team_is_not_refused(tmp_path: Path) -> None:
    # Found trying it as a user: 55,001 rows across Outlook's 92 columns (A:CN) was refused.
    path = write_xlsx(tmp_path / "outlook.xlsx", dimension="A1:CN100001")
    preview = preview_file(path, ImportOptions(NumberPolicy("US")))
    assert preview.header == ["Name", "Phone"]


def test_a_reader_that_runs_out_of_memory_costs_the_file_not_the_process(
    tmp_path: Path,
) -> None:
    # 524 bytes that calamine expands into 32 million cells; the reader child hits its
    # memory limit and aborts, the importer reports it and ends normally.
    path = repeated_cells_ods(tmp_path / "repeated.ods")
    result = callercard_import(path, tmp_path / "data")
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith(f"callercard: {path}: this workbook could not be read")
    assert "more memory than a contact sheet may use" in result.stderr


def test_ordinary_workbooks_still_preview_and_import(tmp_path: Path, samples: Path) -> None:
    preview = preview_file(write_xlsx(tmp_path / "ok.xlsx"), ImportOptions(NumberPolicy("US")))
    assert preview.header == ["Name", "Phone"]
    assert preview.rows == [(2, ["Ann Lee", "+1 415 555 0142"])]
    small = repeated_cells_ods(tmp_path / "small.ods", rows=2, columns=2)
    result = callercard_import(small, tmp_path / "data")
    assert result.returncode == 0, result.stderr
    result = callercard_import(samples / "contacts" / "prospects_mixed_types.xlsx",
                               tmp_path / "data")  # fmt: skip
    assert result.returncode == 0 and " imported" in result.stdout, result.stderr


def test_the_cli_verb_a_frozen_app_reads_workbooks_with_serves_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Frozen, the reader is the app's own executable with the hidden verb; here the same CLI.
    assert sheet_process.reader_command()[-1] == "desktop.adapters.importing.sheet_child"
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert sheet_process.reader_command() == [sys.executable, FROZEN_SHEET_READER_VERB]
    monkeypatch.setattr(sheet_process, "reader_command",
                        lambda: [sys.executable, "-m", "desktop", FROZEN_SHEET_READER_VERB])
    preview = preview_file(write_xlsx(tmp_path / "ok.xlsx"), ImportOptions(NumberPolicy("US")))
    assert preview.rows == [(2, ["Ann Lee", "+1 415 555 0142"])]

"""A file's national numbers are read in the file's own region, whatever the rep's home region:
through the pipeline (preview and import) and `callercard import`."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.adapters.importing import ImportOptions, import_file, preview_file
from desktop.adapters.store import Store
from desktop.core.numbers import NumberPolicy
from tests.conftest import python_env

UK_CSV = """\
Name,Company,Phone,Email
Dana Hollis,Kestrel Logistics Ltd,2079460321,dana@kestrel.example.co.uk
Sam Price,Kestrel Logistics Ltd,020 7946 0322,sam@kestrel.example.co.uk
Ria Shah,Harbour Freight Ltd,+44 20 7946 0323,ria@harbour.example.co.uk
"""


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store.open(tmp_path / "cc.sqlite3")


def numbers_of(store: Store, name: str) -> set[str | None]:
    [(cid,)] = store.connection.execute("SELECT id FROM contacts WHERE name = ?", (name,))
    contact = store.contact(cid, attempts_limit=0)
    assert contact is not None
    return {n.e164 for n in contact.numbers}


def test_german_excel_export_with_a_us_home_region_gives_german_numbers(
    samples: Path, store: Store
) -> None:
    path = samples / "contacts" / "excel_prospects_de_semicolon_cp1252.csv"
    report = import_file(store, path, ImportOptions(NumberPolicy("US")))
    assert report.region is not None and report.region.region == "DE"
    assert numbers_of(store, "Jürgen Schäfer") == {"+493090182055", None}  # mobile: rounded
    assert numbers_of(store, "Ännchen Weiß") == {"+493090182011", "+493090182012"}
    assert numbers_of(store, "Grete Groß") == {"+493090182013"}
    assert store.contacts_for_number("+13090182055") == []


def test_us_export_with_a_german_home_region_gives_us_numbers(samples: Path, store: Store) -> None:
    path = samples / "contacts" / "excel_prospects_us_cp1252.csv"
    report = import_file(store, path, ImportOptions(NumberPolicy("DE")))
    assert report.region is not None and report.region.region == "US"
    assert numbers_of(store, "Tomás Herrera") == {"+14155550151", "+14155550152"}
    assert numbers_of(store, "Priya Raman") == {"+14155550158", "+14155550159"}
    assert store.contacts_for_number("+494155550159") == []


def test_uk_file_with_a_us_home_region_gives_uk_numbers(tmp_path: Path, store: Store) -> None:
    path = tmp_path / "uk.csv"
    path.write_text(UK_CSV, encoding="utf-8")
    preview = preview_file(path, ImportOptions(NumberPolicy("US")), store)
    assert preview.region is not None
    assert preview.region.text() == (
        "Numbers without a country code are read as: United Kingdom — from .uk e-mail "
        "addresses and +44 numbers"
    )
    import_file(store, path, ImportOptions(NumberPolicy("US")))
    assert numbers_of(store, "Dana Hollis") == {"+442079460321"}
    assert numbers_of(store, "Sam Price") == {"+442079460322"}
    assert store.contacts_for_number("+12079460321") == []


def test_a_region_chosen_for_the_file_overrides_what_it_suggests(
    tmp_path: Path, store: Store
) -> None:
    path = tmp_path / "uk.csv"
    path.write_text(UK_CSV, encoding="utf-8")
    report = import_file(store, path, ImportOptions(NumberPolicy("GB"), region="US"))
    assert report.region is not None and report.region.why == "chosen for this file"
    assert numbers_of(store, "Dana Hollis") == {"+12079460321"}


def cc(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # The home region comes from the locale, as for a rep who never set one.
    env = python_env(LC_ALL="", LC_TELEPHONE="en_US.UTF-8", LANG="en_US.UTF-8")
    return subprocess.run(
        [sys.executable, "-m", "desktop", "import", *args, "--data-dir", str(data)],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip


def test_cli_json_report_says_which_region_was_used_and_why(samples: Path, tmp_path: Path) -> None:
    path = samples / "contacts" / "excel_prospects_de_semicolon_cp1252.csv"
    result = cc(tmp_path / "data", str(path), "--json")
    assert result.returncode == 0, result.stderr
    [report] = json.loads(result.stdout)["files"]
    region = report["region"]
    assert (region["region"], region["home_region"], region["inferred"]) == ("DE", "US", True)
    assert region["why"].startswith("from the German headers")
    assert report["imported"] == 3


def test_cli_numbers_region_overrides_the_file_and_is_documented(
    samples: Path, tmp_path: Path
) -> None:
    path = samples / "contacts" / "excel_prospects_de_semicolon_cp1252.csv"
    result = cc(tmp_path / "data", str(path), "--numbers-region", "gb", "--json")
    assert result.returncode == 0, result.stderr
    region = json.loads(result.stdout)["files"][0]["region"]
    assert (region["region"], region["why"]) == ("GB", "chosen for this file")
    help_text = cc(tmp_path / "data", "--help").stdout
    assert "--numbers-region" in help_text and "inferred" in help_text
    for typed in ("Germany", "XX", "DEU"):  # "XX" read every national number as text
        refused = cc(tmp_path / "data", str(path), "--numbers-region", typed)
        assert (refused.returncode, refused.stderr) == (1, "callercard: --numbers-region wants "
                                                        "a region code such as US, GB or DE, "
                                                        f"not {typed!r}\n")  # fmt: skip
    uk = cc(tmp_path / "data2", str(path), "--numbers-region", "uk", "--json")
    assert json.loads(uk.stdout)["files"][0]["region"]["region"] == "GB"


def test_cli_region_on_import_is_the_home_region_as_on_every_command(
    samples: Path, tmp_path: Path
) -> None:
    """A rep who copies `--region US` from another command imports a German file: its numbers
    are still read as German (they used to be read as American), US only where a file says
    nothing."""
    path = samples / "contacts" / "excel_prospects_de_semicolon_cp1252.csv"
    result = cc(tmp_path / "data", str(path), "--region", "US", "--json")
    assert result.returncode == 0, result.stderr
    region = json.loads(result.stdout)["files"][0]["region"]
    assert (region["region"], region["home_region"], region["inferred"]) == ("DE", "US", True)


MIXED = "prospects_mixed_types.xlsx"  # US, UK and German prospects, no single region


def stored(store: Store) -> dict[str, dict[str, str | None]]:
    """Each contact (by name, or company) with its numbers: as written -> E.164 (None: text)."""
    out: dict[str, dict[str, str | None]] = {}
    for (cid,) in store.connection.execute("SELECT id FROM contacts"):
        contact = store.contact(cid, attempts_limit=0)
        assert contact is not None
        out[contact.name or contact.company] = {n.raw: n.e164 for n in contact.numbers}
    return out


@pytest.mark.parametrize("workers", [0, 1])
def test_mixed_workbook_with_a_german_home_region_flags_what_reads_better_abroad(
    samples: Path, tmp_path: Path, store: Store, workers: int
) -> None:
    path = tmp_path / MIXED
    shutil.copyfile(samples / "contacts" / MIXED, path)
    report = import_file(store, path, ImportOptions(NumberPolicy("DE"), workers=workers))
    assert report.region is not None and report.region.mixed and report.region.region == "DE"
    contacts = stored(store)
    # "4155550151" is German only with a lost leading 0, and as written a US number like the
    # file's +1 ones: kept as text and flagged, not stored as +49 4155 550151.
    assert contacts["Tomás Herrera"] == {"4155550151": None, "4155550152": None}
    flags = {(w.line, w.field): w.message for w in report.warnings}
    assert "+14155550151 in US" in flags[(5, "Phone")]
    assert "+14155550152 in US" in flags[(5, "Mobile")]
    assert flags[(5, "Phone")].endswith("check it; kept as text only")
    # Kestrel's "020 7946 0322" is a number only the UK has: the row is read as British.
    assert contacts["Kestrel Logistics Ltd"] == {
        "2079460321": "+442079460321", "020 7946 0322": "+442079460322"
    }  # fmt: skip
    assert any(w.line == 6 and w.message.startswith("'2079460321' read as a GB number")
               for w in report.warnings)  # fmt: skip
    # The German row, at home, is as before; the rest carry their country code.
    assert contacts["Jürgen Schäfer"] == {
        "493090182055": "+493090182055", "03090182056": "+493090182056"
    }  # fmt: skip
    assert contacts["Maya Okafor"] == {"14155550142": "+14155550142",
                                       "+1 415 555 0143": "+14155550143"}  # fmt: skip
    for wrong in ("+494155550151", "+494155550152", "+492079460321", "+492079460322"):
        assert store.contacts_for_number(wrong) == []
    assert report.to_json()["unreadable_numbers"] == 3  # Tomás's two, Priya's rounded one


def test_mixed_workbook_with_a_us_home_region_imports_as_its_readme_says(
    samples: Path, tmp_path: Path, store: Store
) -> None:
    path = tmp_path / MIXED
    shutil.copyfile(samples / "contacts" / MIXED, path)
    report = import_file(store, path, ImportOptions(NumberPolicy("US")))
    contacts = stored(store)
    assert contacts["Tomás Herrera"] == {"4155550151": "+14155550151",
                                         "4155550152": "+14155550152"}  # fmt: skip
    assert contacts["Kestrel Logistics Ltd"] == {
        "2079460321": "+442079460321", "020 7946 0322": "+442079460322"
    }  # fmt: skip
    assert contacts["Jürgen Schäfer"] == {
        "493090182055": "+493090182055", "03090182056": "+493090182056"
    }  # fmt: skip
    assert contacts["Priya Raman"] == {"415555000000": None}
    assert store.contacts_for_number("+12079460321") == []
    assert not any("check it" in w.message for w in report.warnings)


def test_mixed_workbook_preview_with_a_german_home_region_marks_the_flagged_numbers(
    samples: Path, tmp_path: Path, store: Store
) -> None:
    path = tmp_path / MIXED
    shutil.copyfile(samples / "contacts" / MIXED, path)
    preview = preview_file(path, ImportOptions(NumberPolicy("DE")), store)
    assert preview.region is not None
    assert preview.region.why == "your home region; the file's numbers point to several countries"
    rows = {r.name or r.company: r for r in preview.planned.rows}
    tomas = rows["Tomás Herrera"]
    assert tomas.flagged
    assert [n.text() for n in tomas.numbers] == ["4155550151 (kept as text)",
                                                 "4155550152 (kept as text)"]  # fmt: skip
    assert "+14155550151 in US" in tomas.numbers[0].problem
    assert any(c.startswith("Phone: +494155550151 in DE only if") for c in tomas.checks)
    assert [n.number.e164 for n in rows["Kestrel Logistics Ltd"].numbers] == [
        "+442079460321", "+442079460322"
    ]  # fmt: skip
    assert not rows["Jürgen Schäfer"].flagged
    assert store.count_contacts() == 0  # a preview writes nothing

"""`callercard duplicates`, `merge`, `undo-merge`, and the import history in words for people."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.test_cli import cc


def two_exports(samples: Path, data: Path) -> None:
    for name in ("salesforce_leads_report.csv", "apple_ios_contacts_v30.vcf"):
        done = cc("import", str(samples / "contacts" / name), "--region", "US", data_dir=data)
        assert done.returncode == 0, done.stderr


def test_duplicates_merge_and_undo_merge(samples: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    two_exports(samples, data)
    listed = json.loads(cc("duplicates", "--json", data_dir=data, check=True).stdout)
    [pair] = listed["pairs"]
    assert pair["names"] == ["Lindqvist", "Astrid Lindqvist"]
    assert pair["reasons"] == ["surname only beside the full name, same company"]
    surname, full = pair["ids"]

    plain = cc("duplicates", data_dir=data, check=True).stdout.splitlines()
    # The one the window keeps (more filled in) first, and the command merges as it would.
    assert plain[0].startswith(f"Astrid Lindqvist (#{full}) — ")
    assert plain[0].endswith(f"  and  Lindqvist (#{surname}) — Northwind Traders")
    assert plain[1].endswith(f"Preview: callercard merge {full} {surname} --preview")

    preview = json.loads(cc("merge", str(full), str(surname), "--preview", "--json",
                            data_dir=data, check=True).stdout)  # fmt: skip
    assert preview["fields"]["name"] == {"result": "Astrid Lindqvist", "from": "kept"}
    assert preview["numbers_added"] == ["+14155550173"]
    assert cc("lookup", "+14155550173", "--json", data_dir=data).stdout.count('"id"') >= 1

    merged = cc("merge", str(full), str(surname), data_dir=data, check=True).stdout
    assert merged.splitlines() == [
        "Merged Lindqvist into Astrid Lindqvist.", "Take it back with: callercard undo-merge 1"
    ]
    card = json.loads(cc("lookup", "+1 415 555 0173 x44", "--json", data_dir=data).stdout)
    assert [c["name"] for c in card["contacts"]] == ["Astrid Lindqvist"]
    assert json.loads(cc("duplicates", "--json", data_dir=data).stdout) == {"pairs": []}

    undone = cc("undo-merge", data_dir=data, check=True).stdout
    assert undone == "Separated Lindqvist from Astrid Lindqvist again.\n"
    card = json.loads(cc("lookup", "+1 415 555 0173 x44", "--json", data_dir=data).stdout)
    assert [c["name"] for c in card["contacts"]] == ["Lindqvist"]
    again = cc("undo-merge", data_dir=data)
    assert again.returncode == 1
    assert again.stderr == "callercard: There is no merge to take back.\n"


def test_import_history_and_undo_in_words_for_people(samples: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    two_exports(samples, data)
    lines = cc("import", "--list", data_dir=data, check=True).stdout.splitlines()
    day = r"\d{1,2} [A-Z][a-z]{2}"
    assert re.fullmatch(rf"    1  salesforce_leads_report\.csv · {day}, \d\d:\d\d · 3 added",
                        lines[0]), lines  # fmt: skip
    assert re.fullmatch(rf"    2  apple_ios_contacts_v30\.vcf · {day}, \d\d:\d\d · 2 added",
                        lines[1]), lines  # fmt: skip
    assert lines[2] == "Undo one with: callercard import --undo NUMBER"

    undone = cc("import", "--undo", "1", data_dir=data, check=True).stdout
    assert re.fullmatch(rf"Removed 3 contacts imported from salesforce_leads_report\.csv on "
                        rf"{day}\.\n", undone), undone  # fmt: skip
    assert "batch" not in undone and "emptied" not in undone
    lines = cc("import", "--list", data_dir=data, check=True).stdout.splitlines()
    assert re.search(rf"· undone {day}$", lines[0]), lines
    again = cc("import", "--undo", "1", data_dir=data, check=True).stdout
    assert again.startswith("The import of salesforce_leads_report.csv from ")
    assert again.endswith(" was undone already; nothing changed.\n")
    history = json.loads(cc("import", "--list", "--json", data_dir=data, check=True).stdout)
    assert history[1]["file"] == "apple_ios_contacts_v30.vcf"
    assert history[1]["counts"]["imported"] == 2


def test_undo_merge_after_the_import_was_undone_brings_back_no_ghost(tmp_path: Path) -> None:
    """QA's order: crm.csv's Schäfer merged into Jürgen, crm.csv undone, then undo-merge."""
    data = tmp_path / "data"
    header = "First Name,Last Name,Company,Email,Phone\n"
    files = {"base.csv": "Jürgen,Schäfer,Kaffee GmbH,,+49 30 1234567\n",
             "crm.csv": ",Schäfer,Kaffee GmbH,js@kaffee.de,+49 89 7654321\n"}  # fmt: skip
    for name, row in files.items():
        (tmp_path / name).write_text(header + row, encoding="utf-8")
        cc("import", str(tmp_path / name), "--region", "DE", data_dir=data, check=True)
    cc("merge", "1", "2", data_dir=data, check=True)
    undone = cc("import", "--undo", "2", data_dir=data, check=True).stdout
    assert undone.endswith(" and took back 1 merge of its contacts into others.\n")
    again = cc("undo-merge", "1", data_dir=data)
    assert again.returncode == 1
    assert again.stderr == (
        "callercard: That merge ended when the import of crm.csv was undone: what it brought "
        "went with it, and nothing from an undone import comes back.\n"
    )
    assert cc("search", "Schäfer", data_dir=data, check=True).stdout == (
        "Jürgen Schäfer — Kaffee GmbH\n  +49 30 1234567\n"
    )
    card = json.loads(cc("lookup", "+49301234567", "--json", data_dir=data).stdout)
    assert [(c["name"], c["email"]) for c in card["contacts"]] == [("Jürgen Schäfer", "")]


def test_a_company_in_two_exports_with_no_person_named_is_listed(
    samples: Path, tmp_path: Path
) -> None:
    """Used as a rep (h-rep 49): "Kestrel Logistics Ltd" from HubSpot, then from an Apple
    vCard, each a company's own entry with another number: Duplicates said nothing."""
    data = tmp_path / "data"
    for name in ("hubspot_contacts_export.csv", "apple_ios_contacts_v30.vcf"):
        done = cc("import", str(samples / "contacts" / name), "--region", "US", data_dir=data)
        assert done.returncode == 0, done.stderr
    lines = cc("duplicates", data_dir=data, check=True).stdout.splitlines()
    kestrel = [(said, why) for said, why in zip(lines[::2], lines[1::2], strict=True)
               if "Kestrel" in said]  # fmt: skip
    assert len(kestrel) == 1, lines
    [(said, why)] = kestrel
    assert re.fullmatch(r"Kestrel Logistics Ltd \(#\d+\)  and  Kestrel Logistics Ltd \(#\d+\)",
                        said), said  # fmt: skip
    assert why.startswith("  same company, no person's name.  Preview: callercard merge ")
    listed = json.loads(cc("duplicates", "--json", data_dir=data, check=True).stdout)
    names = [p["names"] for p in listed["pairs"] if "Kestrel Logistics Ltd" in p["names"]]
    assert names == [["Kestrel Logistics Ltd", "Kestrel Logistics Ltd"]], listed  # not ["", ""]


def test_a_caller_saved_from_a_call_beside_the_imported_contact_is_listed(
    tmp_path: Path,
) -> None:
    """Used as a rep (h-stale): "Priya N (from a call)" was made while an import added
    "Priya Natarajan" on the same number; Duplicates said "No possible duplicates."."""
    data = tmp_path / "data"
    book = tmp_path / "book.csv"
    book.write_text("Name,Company,Phone\nPriya Natarajan,Orbit Labs,+1 650 555 0142\n"
                    "Priya N,,+1 650 555 0142\nPriya Raman,,+1 650 555 0142\n")  # fmt: skip
    done = cc("import", str(book), "--region", "US", data_dir=data)
    assert done.returncode == 0, done.stderr
    listed = json.loads(cc("duplicates", "--json", data_dir=data, check=True).stdout)
    assert [(sorted(p["names"]), p["reasons"]) for p in listed["pairs"]] == [
        (["Priya N", "Priya Natarajan"], ["same number"])
    ]


def test_undo_merge_takes_back_an_older_merge_unless_a_later_one_built_on_it(
    tmp_path: Path,
) -> None:
    """A rep takes back the merge they mean, not only the newest (an import's undo may wait
    on an older one), but not one a later merge of the same contact started from."""
    data = tmp_path / "data"
    sheet = tmp_path / "leads.csv"
    sheet.write_text(
        "Name,Phone\nAna Lopez,+1 415-555-0101\nA. Lopez,+1 415-555-0102\n"
        "Ana,+1 415-555-0103\nBen Ortiz,+1 415-555-0104\nB Ortiz,+1 415-555-0105\n",
        encoding="utf-8",
    )
    cc("import", str(sheet), "--region", "US", data_dir=data, check=True)

    def contact(number: str) -> int:
        card = json.loads(cc("lookup", number, "--json", data_dir=data, check=True).stdout)
        return int(card["contacts"][0]["id"])

    def merge(keep: str, other: str) -> int:
        done = cc("merge", str(contact(keep)), str(contact(other)), "--json", data_dir=data,
                  check=True)  # fmt: skip
        return int(json.loads(done.stdout)["merge"])

    first = merge("+14155550101", "+14155550102")  # A. Lopez into Ana Lopez
    unrelated = merge("+14155550104", "+14155550105")
    later = merge("+14155550101", "+14155550103")  # Ana into Ana Lopez, after

    refused = cc("undo-merge", str(first), data_dir=data)
    assert refused.returncode == 1
    assert refused.stderr == (
        "callercard: “Merged Ana into Ana Lopez” came after this merge, on the same "
        f"contact: take it back first, then this one. Nothing was changed. (callercard "
        f"undo-merge {later})\n"
    )
    assert contact("+14155550102") == contact("+14155550101"), "nothing was separated"

    assert cc("undo-merge", str(unrelated), data_dir=data, check=True).stdout == (
        "Separated B Ortiz from Ben Ortiz again.\n")  # fmt: skip
    assert cc("undo-merge", str(later), data_dir=data, check=True).stdout == (
        "Separated Ana from Ana Lopez again.\n")  # fmt: skip
    assert cc("undo-merge", str(first), data_dir=data, check=True).stdout == (
        "Separated A. Lopez from Ana Lopez again.\n")  # fmt: skip
    names = {n: json.loads(cc("lookup", n, "--json", data_dir=data).stdout)["contacts"][0]["name"]
             for n in ("+14155550101", "+14155550102", "+14155550103")}  # fmt: skip
    assert names == {"+14155550101": "Ana Lopez", "+14155550102": "A. Lopez",
                     "+14155550103": "Ana"}  # fmt: skip

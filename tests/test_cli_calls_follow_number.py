"""What was said on a call follows the number it was on when its contact goes or a merge is
taken back, as `callercard callbacks` and `lookup` tell it (real child processes):

- a promised callback stays in Callbacks, under its number, when the import that brought its
  contact is undone (it vanished: nothing reminded the rep on Friday);
- calls made to a number the merge brought go back with it at undo-merge: its card has the
  reason and the voicemail, and Callbacks lists it under the contact that has the number.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from desktop.adapters.store import Store
from desktop.core.callbacks import parse_window
from desktop.core.models import Attempt, Direction, Outcome
from tests.test_cli import cc

CHIDI = "+14155550111"
VCF = """\
BEGIN:VCARD
VERSION:3.0
FN:Chidi Okafor
ORG:Okafor Haulage
TEL;TYPE=CELL:+1 415 555 0111
END:VCARD
"""


def test_a_promise_stays_under_its_number_when_the_import_is_undone(tmp_path: Path) -> None:
    data, vcf = tmp_path / "data", tmp_path / "phone.vcf"
    vcf.write_text(VCF, encoding="utf-8")
    imported = json.loads(cc("import", str(vcf), "--json", "--region", "US", data_dir=data,
                             check=True).stdout)  # fmt: skip
    # The wrap-up of Chidi's call said "Call them back by tomorrow 17:00" (the GUI's step).
    store = Store.open(data / "callercard.sqlite3")
    try:
        [chidi] = [c.id for c in store.search_simple("Chidi")]
        now = datetime.now().astimezone().replace(microsecond=0)
        attempt = Attempt(Direction.IN, now, Outcome.TALKED, number_e164=CHIDI)
        call = store.record_call(chidi, attempt, "test", "test:chidi")
        by = parse_window("tomorrow 17:00", now, deadline=True, cycle="24h")
        assert call is not None and by is not None
        assert store.save_wrap_up(call, Outcome.TALKED, "Promised quote for 3 trucks", "",
                                  (by.start, by.end))  # fmt: skip
    finally:
        store.close()
    before = json.loads(cc("callbacks", "--json", data_dir=data, check=True).stdout)
    assert [(e["contact"]["name"], e["number"]) for e in before["waiting_for_us"]] == [
        ("Chidi Okafor", CHIDI)]

    cc("import", "--undo", str(imported["files"][0]["batch"]), data_dir=data, check=True)

    after = json.loads(cc("callbacks", "--json", data_dir=data, check=True).stdout)
    assert [(e["contact"], e["number"], e["message"], e["detail"].split(" by ")[0])
            for e in after["waiting_for_us"]] == [
        (None, CHIDI, "Promised quote for 3 trucks", "Call them back")]  # fmt: skip
    plain = cc("callbacks", data_dir=data, check=True).stdout
    assert "Unknown · +1 415-555-0111 · Call them back by 17:00 tomorrow" in plain


def test_undo_merge_sends_calls_back_with_their_number(samples: Path, tmp_path: Path) -> None:
    data, book = tmp_path / "data", samples / "contacts"
    for name in ("excel_prospects_us_cp1252.csv", "outlook_contacts_en_cp1252.csv"):
        cc("import", str(book / name), "--region", "US", data_dir=data, check=True)
    found = json.loads(cc("search", "--json", "Kestrel", data_dir=data, check=True).stdout)
    kept, other = sorted(c["id"] for c in found["results"])
    cc("merge", str(kept), str(other), data_dir=data, check=True)
    # +44 20 7946 0999 came with the contact merged in
    cc("log-call", "+442079460999", "--outcome", "voicemail", "--message",
       "VM for Kestrel main line", "--reason", "renewal", data_dir=data, check=True)  # fmt: skip

    cc("undo-merge", data_dir=data, check=True)

    card = json.loads(cc("lookup", "+442079460999", "--json", "--region", "US",
                         data_dir=data, check=True).stdout)  # fmt: skip
    [holder] = card["contacts"]
    assert (holder["company"], holder["why"]) == ("Kestrel Logistics Ltd", "renewal")
    assert [(a["outcome"], a["message"]) for a in holder["last_attempts"]] == [
        ("voicemail", "VM for Kestrel main line")]
    waiting = json.loads(cc("callbacks", "--json", data_dir=data, check=True).stdout)
    assert [(e["contact"]["company"], e["number"]) for e in waiting["waiting_for_them"]] == [
        ("Kestrel Logistics Ltd", "+442079460999")]
    # The contact that kept the merge has none of it
    kept_card = json.loads(cc("lookup", "+442079460321", "--json", "--region", "US",
                              data_dir=data, check=True).stdout)  # fmt: skip
    assert [(c["name"], c["why"], c["last_attempts"]) for c in kept_card["contacts"]] == [
        ("Kestrel Logistics", "", [])]

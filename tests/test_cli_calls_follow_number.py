"""What was said on a call follows the number it was on when its contact goes, as
`callercard callbacks` tells it (real child processes): a promised callback stays in
Callbacks, under its number, when the import that brought its contact is undone (it
vanished: nothing reminded the rep on Friday).
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


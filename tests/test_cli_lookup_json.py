"""`callercard lookup --json` gives a script what the card shows: the notes and the next
step too (the notes were missing), beside every key it had before."""

from __future__ import annotations

import json
from pathlib import Path

from tests.test_cli import cc

CSV = (
    "Name,Company,Phone,Notes,Next step\n"
    'Mike Kowalski,Harbor Freight,(415) 555-0142,"Prefers mornings.\nAsk about the Q3 bid.",'
    "send the revised quote\n"
    "Dana Whitfield,Contoso,+1 415 555 0100,,\n"
)

KEYS_BEFORE = {
    "id", "name", "company", "title", "email", "why", "referred_by", "next_step", "numbers",
    "last_contacted", "last_attempts", "sources", "demo", "source",
}  # fmt: skip


def test_lookup_json_has_the_notes_and_next_step_the_card_shows(tmp_path: Path) -> None:
    data = tmp_path / "data"
    src = tmp_path / "prospects.csv"
    src.write_text(CSV, encoding="utf-8")
    cc("import", str(src), "--region", "US", data_dir=data, check=True)
    shown = cc("lookup", "+14155550142", "--region", "US", data_dir=data, check=True).stdout
    assert "Notes: Prefers mornings. Ask about the Q3 bid." in shown.splitlines()
    assert "Next step: send the revised quote" in shown.splitlines()

    card = json.loads(cc("lookup", "+14155550142", "--json", "--region", "US", data_dir=data,
                         check=True).stdout)  # fmt: skip
    mike = card["contacts"][0]
    assert set(mike) >= KEYS_BEFORE
    assert mike["notes"] == "Prefers mornings.\nAsk about the Q3 bid."  # whole, as stored
    assert mike["next_step"] == "send the revised quote"
    dana = json.loads(cc("lookup", "+14155550100", "--json", "--region", "US", data_dir=data,
                         check=True).stdout)["contacts"][0]  # fmt: skip
    assert (dana["notes"], dana["next_step"]) == ("", "")

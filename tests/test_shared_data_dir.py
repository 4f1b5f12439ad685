"""Several processes on one data directory, the way a rep's day really goes: the tray app with
its Import window open, CLI verbs run from a terminal, the softphone's call log and its hook.

The worst bug found so far only showed up this way: the Import window opened the database file
outside SQLite while the app held a connection, which dropped the app's locks; a CLI verb then
took itself for the last user and deleted the WAL, and the database was corrupted.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from desktop.core.dialects.microsip import CallType
from tests.conftest import python_env
from tests.softphone_writers import encode_ini, render_call, render_ini
from tests.traced_app import TracedApp

pytestmark = [pytest.mark.xvfb, pytest.mark.slow]

BOOK = (
    "Name,Company,Phone,Notes\n"
    "Dana Whitaker,Northwind Freight,+1 415 555 0142,Q3 bid\n"
    "Luis Ortega,Contoso Ltd,+1 212 555 0199,\n"
)
SECOND = "Name,Company,Phone\n" + "".join(
    f"Second Person {i},Second Co,+1 646 555 {1000 + i:04d}\n" for i in range(300)
)
THIRD = "Name,Company,Phone\n" + "".join(
    f"Third Person {i},Third Co,+1 718 555 {2000 + i:04d}\n" for i in range(300)
)
MISSED_FROM = ("+14155550142", "+12125550199", "+13125550100")


def cli(data: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "desktop", *args, "--data-dir", str(data), "--region", "US"],
        env=python_env(), capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    if check:
        assert result.returncode == 0, f"callercard {' '.join(args)}: {result.stderr}"
    return result


class AppOnDesktop(TracedApp):
    def __init__(self, tmp: Path, data: Path, ini: Path, display: str) -> None:
        self.trace = tmp / "trace.jsonl"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "desktop", "--data-dir", str(data), "--region", "US",
             "--background", "--watch", f"microsip:{ini}", "--trace", str(self.trace)],
            env=python_env(QT_QPA_PLATFORM="xcb", DISPLAY=display),
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        self.wait_for(lambda r: r["stage"] == "ready", "the app")

    def window_state(self, state: str, after: int) -> dict[str, Any]:
        return self.wait_for(
            lambda r: r["stage"] == "import_window" and r["state"] == state,
            f"the Import window to be {state}", after=after, timeout=60,
        )  # fmt: skip


class Phone:
    """microsip.ini rewritten whole for each change, as MicroSIP does."""

    def __init__(self, ini: Path) -> None:
        self.ini = ini
        self.calls: dict[int, str] = {}
        ini.parent.mkdir()
        self._write()

    def missed_call(self, number: str) -> None:
        key = len(self.calls)
        at = int(time.time())
        self.calls[key] = render_call(number, "", CallType.INCOMING, at)
        self._write()
        time.sleep(0.3)
        self.calls[key] = render_call(number, "", CallType.MISSED, at, 0, "Missed Call")
        self._write()

    def _write(self) -> None:
        settings = {"accountId": "1", "callsLastKey": str(max(self.calls, default=0))}
        self.ini.write_bytes(encode_ini(render_ini(settings, self.calls)))


def press_return_in_import_window(display: str) -> None:
    env = {**os.environ, "DISPLAY": display}
    found = subprocess.run(
        ["xdotool", "search", "--sync", "--name", "Import contacts"],
        env=env, capture_output=True, text=True, timeout=20, check=True,
    )  # fmt: skip
    window = found.stdout.split()[0]
    subprocess.run(["xdotool", "windowactivate", "--sync", window], env=env, timeout=20,
                   check=True)  # fmt: skip
    subprocess.run(["xdotool", "key", "--clearmodifiers", "Return"], env=env, timeout=20,
                   check=True)  # fmt: skip


def test_import_window_cli_verbs_and_calls_share_one_database_without_harm(
    tmp_path: Path, desktop_with_wm: str
) -> None:
    if shutil.which("xdotool") is None:
        pytest.fail("xdotool is missing; scripts/bootstrap installs it")
    data = tmp_path / "data"
    for name, text in (("book.csv", BOOK), ("second.csv", SECOND), ("third.csv", THIRD)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    cli(data, "import", str(tmp_path / "book.csv"))
    phone = Phone(tmp_path / "phone" / "microsip.ini")
    app = AppOnDesktop(tmp_path, data, phone.ini, desktop_with_wm)
    try:
        mark = len(app.records())
        cli(data, "import", "--window", str(tmp_path / "second.csv"))
        app.window_state("ready", mark)
        # Other processes open and close the database while the window has it open.
        for _ in range(3):
            card = json.loads(cli(data, "lookup", "+14155550142", "--json").stdout)
            assert card["contacts"][0]["name"] == "Dana Whitaker"
        cli(data, "search", "ortega")
        phone.missed_call(MISSED_FROM[0])
        app.wait_for(lambda r: r["stage"] == "recorded", "the first missed call", after=mark)

        mark = len(app.records())
        press_return_in_import_window(desktop_with_wm)
        app.window_state("done", mark)
        cli(data, "lookup", "+16465551001")
        cli(data, "import", str(tmp_path / "third.csv"))
        phone.missed_call(MISSED_FROM[1])
        phone.missed_call(MISSED_FROM[2])
        app.wait_for(lambda r: r["stage"] == "recorded" and r["caller_id"] == MISSED_FROM[2],
                     "the third missed call", after=mark)  # fmt: skip

        mark = len(app.records())
        cli(data, "ring", "+14155550142", "--source", "test")
        matched = app.wait_for(lambda r: r["stage"] == "matched", "the ring", after=mark)
        assert matched["match"] == "exact", "a known caller still matches"
        cli(data, "end", "+14155550142")
        app.wait_for(lambda r: r["stage"] == "ended", "the end of the ring", after=mark)
    finally:
        stderr = app.terminate()
    assert app.proc is not None and app.proc.returncode == 0, stderr
    for sign in ("malformed", "disk I/O", "Traceback", "could not record"):
        assert sign.lower() not in stderr.lower(), stderr
    assert not [r for r in app.records() if r["stage"] == "record_failed"]

    # The database opens, is whole, and holds exactly what the day put in it.
    with sqlite3.connect(data / "callercard.sqlite3") as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        db.execute("INSERT INTO contact_search(contact_search) VALUES ('integrity-check')")
        assert db.execute("SELECT count(*) FROM contacts").fetchone()[0] == 2 + 300 + 300
    calls = json.loads(cli(data, "calls", "--missed", "--json").stdout)["calls"]
    assert sorted(c["number"] for c in calls) == sorted(MISSED_FROM), "each missed call once"
    dana = next(c for c in calls if c["number"] == MISSED_FROM[0])
    assert dana["contact"]["name"] == "Dana Whitaker"
    for name in ("callercard.sqlite3", "callercard.sqlite3-wal", "callercard.sqlite3-shm"):
        path = data / name
        if path.exists():
            assert path.stat().st_mode & 0o777 == 0o600, f"{name} is private to the user"


def test_everything_at_once_leaves_exact_counts_and_a_whole_database(
    tmp_path: Path, desktop_with_wm: str
) -> None:
    """The app's Import window, CLI imports, lookups and searches, hook rings and MicroSIP
    missed calls, all in parallel processes; then every count is exact."""
    from concurrent.futures import ThreadPoolExecutor

    data = tmp_path / "data"
    rings = [f"+1213555{4000 + i:04d}" for i in range(12)]
    (tmp_path / "book.csv").write_text(BOOK + "".join(
        f"Ringing Person {i},Ring Co,{number}\n" for i, number in enumerate(rings)
    ), encoding="utf-8")  # fmt: skip
    cli(data, "import", str(tmp_path / "book.csv"))
    files = []
    for n, area in enumerate(("646", "718", "917", "332")):
        path = tmp_path / f"batch{n}.csv"
        path.write_text("Name,Company,Phone\n" + "".join(
            f"Batch{n} Person {i},Co {n},+1 {area} 555 {3000 + i:04d}\n" for i in range(2000)
        ), encoding="utf-8")  # fmt: skip
        files.append(path)
    phone = Phone(tmp_path / "phone" / "microsip.ini")
    missed = [f"+1312555{2000 + i:04d}" for i in range(8)]
    app = AppOnDesktop(tmp_path, data, phone.ini, desktop_with_wm)
    try:
        mark = len(app.records())
        cli(data, "import", "--window", str(files[0]))
        app.window_state("ready", mark)

        def imports() -> None:
            for path in files[1:]:
                cli(data, "import", str(path))

        def readers() -> None:
            for _ in range(8):
                card = json.loads(cli(data, "lookup", "+14155550142", "--json").stdout)
                assert card["contacts"][0]["name"] == "Dana Whitaker"
                cli(data, "search", "whitaker")

        def hooks() -> None:
            for number in rings:
                cli(data, "ring", number, "--source", "test")
                cli(data, "end", number)

        def softphone() -> None:
            for number in missed:
                phone.missed_call(number)

        with ThreadPoolExecutor(4) as pool:
            running = [pool.submit(job) for job in (imports, readers, hooks, softphone)]
            press_return_in_import_window(desktop_with_wm)
            for job in running:
                job.result()
        app.window_state("done", mark)
        app.wait_for(lambda r: r["stage"] == "recorded" and r["caller_id"] == missed[-1],
                     "the last missed call", after=mark, timeout=60)  # fmt: skip
        hooked = [r for r in app.records()[mark:] if r["stage"] == "read" and r["source"] == "test"]
        matched = {r["caller_id"]: r["match"] for r in app.records()[mark:]
                   if r["stage"] == "matched"}  # fmt: skip
    finally:
        stderr = app.terminate()
    assert app.proc is not None and app.proc.returncode == 0, stderr
    assert not [r for r in app.records() if r["stage"] == "record_failed"]
    assert sorted(r["caller_id"] for r in hooked) == sorted(rings), "every hook ring once"
    assert all(matched[number] == "exact" for number in rings), matched
    with sqlite3.connect(data / "callercard.sqlite3") as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        db.execute("INSERT INTO contact_search(contact_search) VALUES ('integrity-check')")
        db.execute("INSERT INTO number_search(number_search) VALUES ('integrity-check')")
        assert db.execute("SELECT count(*) FROM contacts").fetchone()[0] == 2 + 12 + 4 * 2000
    calls = json.loads(cli(data, "calls", "--missed", "--json").stdout)["calls"]
    assert sorted(c["number"] for c in calls) == sorted(missed), "each missed call once"

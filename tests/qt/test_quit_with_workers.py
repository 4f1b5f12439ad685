"""Quit while a worker is still at it: the app waits a moment for it, then closes the bridge
before its windows go, so what the worker hands over afterwards reaches nothing.

In the real app a result landing after that point arrived while Qt or the interpreter was
being torn down: "Signal source has been deleted" in the worker, a segfault or an abort at
quit (the stress runs in the report of branch h-quit). Here the event loop keeps running
after the quit, so a result that got through would be seen arriving.
"""

from __future__ import annotations

import threading
from pathlib import Path

from pytestqt.qtbot import QtBot


def test_a_preview_still_reading_at_quit_is_waited_for_and_its_result_dropped(
    qtbot: QtBot, tmp_path: Path
) -> None:
    from desktop.adapters.instance_address import instance_address
    from desktop.adapters.paths import resolve_paths
    from desktop.cli import build_parser
    from desktop.qt.app import CallerCardApp
    from desktop.qt.import_action import ImportAction
    from desktop.qt.single_instance import SingleInstance

    contacts = tmp_path / "prospects.csv"
    rows = "".join(f"Person {n},+1 415 555 {n:04d},Acme {n % 7}\n" for n in range(500))
    contacts.write_text("Name,Phone,Company\n" + rows, encoding="utf-8")
    args = build_parser().parse_args(
        ["--data-dir", str(tmp_path / "data"), "--background", "--region", "US"]
    )
    paths = resolve_paths(args.data_dir)
    paths.ensure()
    instance = SingleInstance(instance_address(paths.data_dir))
    assert instance.acquire()
    app = CallerCardApp(args, paths, instance, demo=False)
    states: list[str] = []
    died: list[BaseException | None] = []
    threading.excepthook = lambda hook_args: died.append(hook_args.exc_value)
    try:
        app.start(None)
        qtbot.wait(300)  # start-up's own timers (the warm-up, the callbacks count) have run
        app.open_import(contacts)
        importer = app.windows.importer
        assert isinstance(importer, ImportAction) and importer.window is not None
        importer.window.state_changed.connect(states.append)
        assert importer.window.hint.text().startswith("Reading prospects.csv")
        app.shutdown()  # the rep quits while the file is being read
        readers = [t for t in threading.enumerate() if t.name == "callercard-preview"]
        assert readers == [], "a preview this small is waited for, not left running"
        qtbot.wait(200)  # whatever it queued would be delivered by now
        assert states == []
        assert died == []
    finally:
        threading.excepthook = threading.__excepthook__
        instance.release()

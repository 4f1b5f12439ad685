"""A login start (--background) on a desktop without a tray keeps quiet; launching CallerCard
again must then give the rep its menu window, not only Search."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from desktop.core.ipc import Show


def test_launching_again_without_a_tray_brings_the_menu_window(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """The log said "keeping the CallerCard window" while none was ever shown: Settings,
    Import and Quit were out of reach after a login start."""
    from desktop.adapters.instance_address import instance_address
    from desktop.adapters.paths import resolve_paths
    from desktop.cli import build_parser
    from desktop.qt.app import CallerCardApp
    from desktop.qt.single_instance import SingleInstance

    args = build_parser().parse_args(["--data-dir", str(tmp_path / "data"), "--background"])
    paths = resolve_paths(args.data_dir)
    paths.ensure()
    instance = SingleInstance(instance_address(paths.data_dir))
    assert instance.acquire()
    app = CallerCardApp(args, paths, instance, demo=False)
    try:
        app.start(None)
        assert not app.tray.has_tray, "offscreen has no tray host"
        assert not app.tray.fallback.isVisible(), "a login start keeps quiet"
        app.on_message(Show())  # what a second launch sends
        assert app.tray.fallback.isVisible()
        qtbot.wait(200)  # start()'s first count of callbacks, before the store closes
    finally:
        for window in (app._search_window, app.tray.fallback):
            if window is not None:
                window.close()
        app.shutdown()
        instance.release()

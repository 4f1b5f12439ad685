"""The app built in the test's own process, as `python -m desktop --background` builds it, on a
data directory of the test's own: for tests that drive it (settings applied, problems shown,
sources followed) and read its windows directly."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from desktop.qt.app import CallerCardApp


@contextmanager
def app_in_process(tmp_path: Path, *extra: str, region: str | None = "US",
                   ) -> Iterator[CallerCardApp]:  # fmt: skip
    """Built, not started (`start(None)` is the test's: what it checks may come before);
    `extra` are command-line arguments (`--watch FORMAT:PATH`); `region`, its --region (None:
    started without, as a hook or the login starts it). Shut down at the end, its
    instance released, as a quit leaves it."""
    from desktop.adapters.instance_address import instance_address
    from desktop.adapters.paths import resolve_paths
    from desktop.cli import build_parser
    from desktop.qt.app import CallerCardApp
    from desktop.qt.single_instance import SingleInstance

    args = build_parser().parse_args(
        ["--data-dir", str(tmp_path / "data"), "--background",
         *(["--region", region] if region else []), *extra]
    )
    paths = resolve_paths(args.data_dir)
    paths.ensure()
    instance = SingleInstance(instance_address(paths.data_dir))
    assert instance.acquire()
    app = CallerCardApp(args, paths, instance, demo=False)
    try:
        yield app
    finally:
        app.popups.dismiss_all()
        app.tray.fallback.close()
        app.shutdown()
        instance.release()

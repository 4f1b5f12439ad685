"""The app's log: private files, rotation, and floods collapsed into a count."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.adapters.app_log import BURST, PrivateRotatingFileHandler, RepeatFilter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def logger() -> Iterator[logging.Logger]:
    log = logging.getLogger("test_app_log")
    log.propagate = False
    log.setLevel(logging.INFO)
    yield log
    for handler in list(log.handlers):
        log.removeHandler(handler)
        handler.close()


def test_ten_thousand_repeats_are_written_a_few_times_then_counted(
    tmp_path: Path, logger: logging.Logger
) -> None:
    clock = Clock()
    handler = PrivateRotatingFileHandler(tmp_path / "app.log", encoding="utf-8")
    handler.addFilter(RepeatFilter(window_s=60, clock=clock))
    logger.addHandler(handler)

    for i in range(10_000):
        logger.warning("ignored a bad message: %s", f"line {i}")
    logger.info("something else")
    clock.now += 61
    logger.warning("ignored a bad message: %s", "after a quiet spell")
    handler.flush()

    lines = (tmp_path / "app.log").read_text(encoding="utf-8").splitlines()
    assert len(lines) == BURST + 2
    assert lines[-2] == "something else"
    assert lines[-1] == (
        f"ignored a bad message: after a quiet spell [{10_000 - BURST} similar messages suppressed]"
    )


def test_the_log_rotates_and_every_file_is_private(tmp_path: Path, logger: logging.Logger) -> None:
    old = os.umask(0o022)
    try:
        path = tmp_path / "app.log"
        handler = PrivateRotatingFileHandler(path, maxBytes=2_000, backupCount=2, encoding="utf-8")
        logger.addHandler(handler)
        for i in range(1_000):
            logger.info(f"call {i} from +1415555{i:04d}")  # distinct lines: nothing collapses
        handler.flush()
    finally:
        os.umask(old)

    files = sorted(tmp_path.glob("app.log*"))
    assert [f.name for f in files] == ["app.log", "app.log.1", "app.log.2"]
    assert sum(f.stat().st_size for f in files) <= 3 * 2_000
    assert {stat.S_IMODE(f.stat().st_mode) for f in files} == {0o600}


def test_a_log_file_left_readable_by_others_is_made_private(
    tmp_path: Path, logger: logging.Logger
) -> None:
    path = tmp_path / "app.log"
    path.write_text("from an older version\n", encoding="utf-8")
    path.chmod(0o644)
    logger.addHandler(PrivateRotatingFileHandler(path, encoding="utf-8"))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_each_line_says_its_zone_so_runs_under_two_zones_read_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run under New York's time, then one under UTC, wrote '20:27' then '01:27' with
    nothing to say which was later: support read the file out of order."""
    import re
    import time

    from desktop.adapters.app_log import setup_file_log

    path = tmp_path / "callercard.log"
    root = logging.getLogger()
    level = root.level
    try:
        for zone in ("America/New_York", "UTC"):
            monkeypatch.setenv("TZ", zone)
            time.tzset()
            handler = setup_file_log(path)
            logging.getLogger("callercard.test").info("started under %s", zone)
            root.removeHandler(handler)
            handler.close()
    finally:
        monkeypatch.undo()
        time.tzset()
        root.setLevel(level)
    stamps = re.findall(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3})([+-]\d{4}) INFO",
                        path.read_text(encoding="utf-8"), re.M)  # fmt: skip
    assert [offset for _at, offset in stamps] in (["-0500", "+0000"], ["-0400", "+0000"])

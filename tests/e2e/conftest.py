"""Fixtures for ringing real softphones; the parts themselves are in harness.py.

Teardown runs in reverse: CallerCard is asked to quit, every process the test started is
stopped by its process group, then the namespace is deleted.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.adapters.sources.baresip_ctrl import ADDRESS_VARIABLE
from tests.e2e.harness import CallerCard, Namespace, Processes, private_namespace


@pytest.fixture(autouse=True)
def _baresip_default_address(
    suite_baresip_address: tuple[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a network namespace of the test's own, baresip's 127.0.0.1:4444 is the test's: its
    processes use the default address as a rep's do, not the suite's stand-in."""
    del suite_baresip_address  # set first, then taken away here
    monkeypatch.delenv(ADDRESS_VARIABLE)


@pytest.fixture
def netns() -> Iterator[Namespace]:
    with private_namespace() as namespace:
        yield namespace


@pytest.fixture
def processes(netns: Namespace, tmp_path: Path) -> Iterator[Processes]:
    logs = tmp_path / "logs"
    logs.mkdir()
    running = Processes(netns, logs)
    try:
        yield running
    finally:
        running.stop_all()


@pytest.fixture
def callercard(processes: Processes, tmp_path: Path) -> Iterator[CallerCard]:
    app = CallerCard(processes, tmp_path)
    try:
        yield app
    finally:
        app.quit()

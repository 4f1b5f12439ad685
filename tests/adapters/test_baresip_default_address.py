"""Where a dial looks for baresip when no address is written: baresip's own 127.0.0.1:4444,
or CALLERCARD_BARESIP_CTRL. The suite sets that to a port of its own (tests/conftest.py), so
no test, in-process or in a child, dials a baresip running on the machine: with one listening
on 4444, a test's "Automatic" call back used to place a real call through it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop.adapters.dialing import DialPlacer
from desktop.adapters.sources.baresip_ctrl import ADDRESS_VARIABLE, default_address
from desktop.core.dialers import Dialer
from tests.adapters.test_dialing import NOWHERE, NUMBER, CtrlTcpAnswerer
from tests.test_cli import cc


@pytest.fixture
def answerer() -> CtrlTcpAnswerer:
    return CtrlTcpAnswerer()


def test_automatic_dials_the_baresip_the_environment_names(
    answerer: CtrlTcpAnswerer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ADDRESS_VARIABLE, f"127.0.0.1:{answerer.port}")
    try:
        result = DialPlacer(search_path=NOWHERE).place(Dialer.AUTOMATIC, NUMBER)
    finally:
        answerer.close()
    assert (result.placed, result.dialer, result.message) == (True, Dialer.BARESIP,
                                                               "Calling with baresip")  # fmt: skip
    assert [(c["command"], c["params"]) for c in answerer.commands] == [("dial", NUMBER)]


def test_callercard_call_dials_the_baresip_the_environment_names(
    answerer: CtrlTcpAnswerer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(ADDRESS_VARIABLE, f"127.0.0.1:{answerer.port}")
    try:
        done = cc("call", NUMBER, "--json", data_dir=tmp_path / "data")
    finally:
        answerer.close()
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["dialer"] == "baresip"
    assert [(c["command"], c["params"]) for c in answerer.commands] == [("dial", NUMBER)]


def test_the_suite_dials_a_port_of_its_own_that_refuses(
    suite_baresip_address: tuple[str, int],
) -> None:
    """What every test's "Automatic" reaches first: never 4444, and nothing answers there."""
    assert default_address() == suite_baresip_address != ("127.0.0.1", 4444)
    result = DialPlacer(search_path=NOWHERE).place(Dialer.BARESIP, NUMBER)
    host, port = suite_baresip_address
    assert result.message == f"baresip is not listening on {host}:{port} (ctrl_tcp)."


def test_a_malformed_address_is_named(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(ADDRESS_VARIABLE, "127.0.0.1:ctrl")
    result = DialPlacer(search_path=NOWHERE).place(Dialer.BARESIP, NUMBER)
    assert not result.placed
    assert result.message == ("baresip was not tried: CALLERCARD_BARESIP_CTRL: baresip ctrl_tcp "
                              "address '127.0.0.1:ctrl': 'ctrl' is not a port.")  # fmt: skip


def test_without_the_variable_it_is_baresips_own_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ADDRESS_VARIABLE)
    assert default_address() == ("127.0.0.1", 4444)
    assert default_address({ADDRESS_VARIABLE: " :5555 "}) == ("127.0.0.1", 5555)

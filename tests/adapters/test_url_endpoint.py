"""The loopback URL endpoint: who may ring through it, and how it is turned on."""

from __future__ import annotations

import json
import os
import select
import socket
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from desktop.adapters.url_endpoint import (
    CONFIG_NAME,
    MAX_CONNECTIONS,
    EndpointConfig,
    UrlEndpoint,
    judge_request,
    load_config,
    start_if_enabled,
)
from desktop.cli import main
from desktop.core.events import CallState

TOKEN = "s3cret-" + "x" * 40
CONFIG = EndpointConfig(True, 47123, TOKEN)
NOW = datetime(2026, 3, 10, 14, 2, 11, tzinfo=UTC)
HOST = {"Host": "127.0.0.1:47123"}


def judge(target: str, headers: dict[str, str] | None = None, method: str = "GET"):  # type: ignore[no-untyped-def]
    return judge_request(method, target, HOST if headers is None else headers, CONFIG, now=NOW)


def test_a_ring_url_as_zoiper_fills_it_in() -> None:
    verdict = judge(f"/ring?token={TOKEN}&number=+14155550142&name=Mike%20K&source=zoiper")
    assert verdict.status == 200
    event = verdict.event
    assert event is not None
    assert (event.number, event.name, event.source) == ("+14155550142", "Mike K", "zoiper")
    assert (event.state, event.call_key, event.time) == (
        CallState.RINGING,
        "hook:+14155550142",
        NOW,
    )


def test_the_end_url_and_the_event_spelling_close_the_same_card() -> None:
    for target in (
        f"/end?token={TOKEN}&number=+14155550142",
        f"/event?source=zoiper&event=end&token={TOKEN}&number=+14155550142",
    ):
        event = judge(target).event
        assert event is not None
        assert (event.state, event.call_key) == (CallState.ENDED, "hook:+14155550142")


def test_an_end_url_can_say_the_call_was_missed_and_is_a_hooks_call() -> None:
    missed = judge(f"/end?token={TOKEN}&number=+14155550142&outcome=missed").event
    taken = judge(f"/end?token={TOKEN}&number=+14155550142&outcome=answered").event
    assert missed is not None and taken is not None
    assert (missed.state, taken.state) == (CallState.MISSED, CallState.ENDED)
    assert missed.hook and taken.hook  # logged by the ring/end rule of call_history.py
    # Only an end that says answered takes the caller's earlier missed card away.
    plain = judge(f"/end?token={TOKEN}&number=+14155550142").event
    assert plain is not None
    assert (taken.said_answered, missed.said_answered, plain.said_answered) == (
        True, False, False)  # fmt: skip


@pytest.mark.parametrize(
    ("target", "headers", "method", "status"),
    [
        (f"/ring?token={TOKEN}&number=1", {**HOST, "Origin": "https://evil.example"}, "GET", 403),
        (f"/ring?token={TOKEN}&number=1", {**HOST, "Origin": "null"}, "GET", 403),
        (f"/ring?token={TOKEN}&number=1", {**HOST, "Sec-Fetch-Site": "cross-site"}, "GET", 403),
        (f"/ring?token={TOKEN}&number=1", {**HOST, "Sec-Fetch-Site": "same-site"}, "GET", 403),
        (f"/ring?token={TOKEN}&number=1", {"Host": "evil.example:47123"}, "GET", 421),
        (f"/ring?token={TOKEN}&number=1", {}, "GET", 421),
        (f"/ring?token={TOKEN}&number=1", HOST, "POST", 405),
        ("/ring?number=1", HOST, "GET", 403),
        ("/ring?token=&number=1", HOST, "GET", 403),
        (f"/ring?token={TOKEN[:-1]}&number=1", HOST, "GET", 403),
        (f"/ring?token={TOKEN}", HOST, "GET", 400),
        (f"/admin?token={TOKEN}&number=1", HOST, "GET", 404),
    ],
)
def test_what_is_refused(target: str, headers: dict[str, str], method: str, status: int) -> None:
    verdict = judge(target, headers, method)
    assert (verdict.status, verdict.event) == (status, None)
    assert TOKEN not in verdict.reason


def test_a_program_or_the_user_opening_the_url_passes() -> None:
    for headers in (HOST, {**HOST, "Sec-Fetch-Site": "none"}, {"host": "localhost:47123"}):
        assert judge(f"/ring?token={TOKEN}&number=1", headers).status == 200


def test_a_plus_stays_a_plus_and_the_first_of_repeated_keys_wins() -> None:
    event = judge(f"/ring?token={TOKEN}&number=+442079460321&number=666&name=A+B").event
    assert event is not None
    assert (event.number, event.name) == ("+442079460321", "A+B")


def test_turning_it_on_writes_a_private_config_and_prints_the_urls(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    assert main(["hook-url", "--data-dir", str(data)]) == 0
    assert "off" in capsys.readouterr().out
    assert not (data / CONFIG_NAME).exists()
    assert main(["hook-url", "--enable", "--port", "47999", "--data-dir", str(data)]) == 0
    out = capsys.readouterr().out
    config = json.loads((data / CONFIG_NAME).read_text())
    assert config["enabled"] is True and config["port"] == 47999
    assert len(config["token"]) >= 40
    assert stat.S_IMODE(os.stat(data / CONFIG_NAME).st_mode) == 0o600
    assert f"http://127.0.0.1:47999/ring?token={config['token']}&number={{number}}" in out
    assert main(["hook-url", "--new-token", "--data-dir", str(data)]) == 0
    assert json.loads((data / CONFIG_NAME).read_text())["token"] != config["token"]
    assert main(["hook-url", "--disable", "--data-dir", str(data)]) == 0
    assert load_config(data / CONFIG_NAME)[0].enabled is False


def test_a_damaged_config_keeps_it_off_and_says_why(tmp_path: Path) -> None:
    path = tmp_path / CONFIG_NAME
    for body in ("{not json", '{"enabled": true, "port": 80, "token": "' + TOKEN + '"}',
                 '{"enabled": true, "port": 47123, "token": "short"}'):  # fmt: skip
        path.write_text(body)
        config, problem = load_config(path)
        assert config.enabled is False
        assert problem.startswith(str(path))


def test_off_by_default(tmp_path: Path) -> None:
    problems: list[str] = []
    assert start_if_enabled(tmp_path, lambda _e: None, problems.append) is None
    assert problems == []


def test_a_port_held_by_someone_else_is_reported(tmp_path: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        problems: list[str] = []
        endpoint = UrlEndpoint(EndpointConfig(True, port, TOKEN), lambda _e: None, problems.append)
        assert endpoint.start() is False
    assert f"cannot listen on 127.0.0.1:{port}" in problems[0]


def test_idle_connections_past_the_cap_are_closed_at_once(tmp_path: Path) -> None:
    # Any web page can open connections to 127.0.0.1 and say nothing; each would hold a thread
    # and a descriptor for the request timeout. Past the cap they are closed straight away.
    endpoint = UrlEndpoint(EndpointConfig(True, 0, TOKEN), lambda _e: None, lambda _p: None)
    assert endpoint.start()
    held: list[socket.socket] = []
    try:
        for _ in range(MAX_CONNECTIONS + 8):
            peer = socket.create_connection(("127.0.0.1", endpoint.port), timeout=3)
            held.append(peer)
        surplus = held[MAX_CONNECTIONS:]
        # Well inside the request timeout: only the cap can have closed these.
        assert [peer.recv(1024) for peer in surplus] == [b""] * len(surplus)
        within = held[:MAX_CONNECTIONS]
        readable, _, _ = select.select(within, [], [], 0)
        assert readable == []  # those within the cap are still waiting for their request
    finally:
        for peer in held:
            peer.close()
        endpoint.stop()

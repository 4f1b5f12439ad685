"""The URL endpoint's real server, fed raw request bytes: whatever arrives on its port, it answers
with an HTTP status or closes, within a bound, and still takes the next ring."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from hypothesis import given

from desktop.adapters.url_endpoint import EndpointConfig, UrlEndpoint
from desktop.core.events import CallEvent
from tests.fuzz import invariants
from tests.fuzz.corpus import bounded, entries, fuzz_settings, mutants, replay_cases

TOKEN = "Fz3dQ_k9"  # the token the http corpus entries carry
_STATUSES = (b"200", b"400", b"403", b"404", b"405", b"414", b"421", b"431", b"501", b"505")


class Served:
    def __init__(self) -> None:
        self.events: list[CallEvent] = []
        self.endpoint = UrlEndpoint(
            EndpointConfig(True, 0, TOKEN), self.events.append, lambda _message: None
        )
        assert self.endpoint.start()

    def exchange(self, request: bytes) -> bytes:
        port = str(self.endpoint.port).encode()
        with socket.create_connection(("127.0.0.1", self.endpoint.port), timeout=10) as conn:
            try:
                conn.sendall(request.replace(b"{PORT}", port))
                conn.shutdown(socket.SHUT_WR)  # the whole request is there: no waiting for more
            except OSError:
                pass  # the server may answer and close before reading everything
            answer = b""
            try:
                while chunk := conn.recv(65536):
                    answer += chunk
            except ConnectionResetError:
                pass
        return answer


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    server = Served()
    yield server
    server.endpoint.stop()


def check(served: Served, request: bytes) -> None:
    with bounded("the URL endpoint"):
        before = len(served.events)
        answer = served.exchange(request)
        if answer.startswith(b"HTTP/"):
            status = answer.split(b"\r\n", 1)[0].split(b" ")
            assert status[0] in (b"HTTP/1.0", b"HTTP/1.1") and status[1] in _STATUSES, answer
        elif answer:
            # A request line without a version is HTTP/0.9, answered with a bare body: ours, or
            # http.server's error page for a line it cannot read.
            assert answer.startswith((b"CallerCard: ", b"<!DOCTYPE HTML>")), answer
        if b"CallerCard: " in answer:  # our own reason: never the token
            assert TOKEN.encode() not in answer
        for event in served.events[before:]:
            assert answer.startswith((b"HTTP/1.0 200", b"CallerCard: ok")), answer
            invariants.call_event(event, event.source)
            assert event.number and len(event.number) <= 512
        ring = f"GET /ring?token={TOKEN}&number=1001 HTTP/1.0\r\nHost: 127.0.0.1:{{PORT}}\r\n\r\n"
        assert served.exchange(ring.encode()).startswith(b"HTTP/1.0 200"), "stopped serving"


@pytest.mark.parametrize(("parser", "data"), replay_cases(["http"]))
def test_every_corpus_request_is_answered(served: Served, parser: str, data: bytes) -> None:
    check(served, data)


@fuzz_settings(100)
@given(mutants(entries("http")))
def test_mutated_requests_are_answered_or_dropped_and_the_next_ring_passes(
    served: Served, data: bytes
) -> None:
    check(served, data)

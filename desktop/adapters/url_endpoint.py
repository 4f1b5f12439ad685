"""A loopback-only URL for softphones that can only open a URL when a call rings (Zoiper's
"open URL" event rule, desk phones' "action URL"). Off unless the user turns it on.

    http://127.0.0.1:47123/ring?token=SECRET&number={number}[&name=…][&source=zoiper]
    http://127.0.0.1:47123/end?token=SECRET&number={number}[&outcome=missed|answered]

Anything that can reach a port on 127.0.0.1 could otherwise pop cards: every other local user,
and every web page the user opens (a page can make the browser request any URL). So:

* it listens on 127.0.0.1 only, and is off by default;
* every request must carry this install's secret token, kept in ``url-endpoint.json`` in the
  data directory (readable by this user alone); neither another user nor a web page knows it;
* only GET is served, and a request that says it comes from a web page is refused even with the
  right token: one with an ``Origin`` header (every script request), or with ``Sec-Fetch-Site``
  other than ``none`` (a link, form or image on a page; ``none`` is the user or another program
  opening the URL);
* the ``Host`` header must be this address, so a DNS name rebound to 127.0.0.1 cannot reach it;
* responses carry no CORS headers, so no page can read them.

A request becomes a CallEvent (``call_key`` ``hook:<number>``, the key ``callercard ring``
uses, so a ring sent one way and its end the other close the same card), handed to
``on_event`` from the server's thread.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.adapters.atomic_file import write_atomic
from desktop.core.events import CallEvent, CallState
from desktop.core.ipc import hook_call_key
from desktop.core.models import Direction

if TYPE_CHECKING:
    from http.server import ThreadingHTTPServer

logger = logging.getLogger(__name__)

CONFIG_NAME = "url-endpoint.json"
DEFAULT_PORT = 47123
HOST = "127.0.0.1"
_CONFIG_VERSION = 1
_MAX_FIELD = 512
_REQUEST_TIMEOUT_S = 5.0  # a client that sends its request slower than this is dropped
MAX_CONNECTIONS = 16  # a softphone opens one per call; any web page can open hundreds


@dataclass(frozen=True)
class EndpointConfig:
    enabled: bool = False
    port: int = DEFAULT_PORT
    token: str = ""

    def url(self, action: str, placeholder: str = "{number}") -> str:
        """The URL to paste into a softphone for ``action`` ("ring" or "end")."""
        return f"http://{HOST}:{self.port}/{action}?token={self.token}&number={placeholder}"


def load_config(path: Path) -> tuple[EndpointConfig, str]:
    """The configuration, and a problem in words ("" if none). Missing means off."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return EndpointConfig(), ""
    except (OSError, ValueError) as exc:
        return EndpointConfig(), f"{path}: unreadable ({exc}); the URL endpoint stays off"
    if not isinstance(data, dict):
        return EndpointConfig(), f"{path}: not a JSON object; the URL endpoint stays off"
    enabled = data.get("enabled") is True
    port = data.get("port", DEFAULT_PORT)
    token = data.get("token", "")
    if type(port) is not int or not 1024 <= port <= 65535:
        return EndpointConfig(), f"{path}: port {port!r} is not 1024-65535; the endpoint stays off"
    if not isinstance(token, str) or (enabled and len(token) < 32):
        return (
            EndpointConfig(),
            f"{path}: the token is missing or too short; the endpoint stays off",
        )
    return EndpointConfig(enabled, port, token), ""


def save_config(path: Path, config: EndpointConfig) -> None:
    body = {
        "version": _CONFIG_VERSION,
        "enabled": config.enabled,
        "port": config.port,
        "token": config.token,
    }
    write_atomic(path, (json.dumps(body, indent=2) + "\n").encode("utf-8"), mode=0o600)


def new_token() -> str:
    # hmac and secrets are imported where used: they map OpenSSL (~3 MB), and the app's
    # start-up imports this module only to learn that the endpoint is off.
    import secrets

    return secrets.token_urlsafe(32)


# --- deciding on a request (no sockets) ---------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    status: int  # the HTTP status to answer with
    reason: str  # for the response body and the log; never contains the token
    event: CallEvent | None = None


def judge_request(
    method: str,
    target: str,
    headers: Mapping[str, str],
    config: EndpointConfig,
    *,
    now: datetime,
) -> Verdict:
    """What to do with one request: refuse it (and why) or turn it into a CallEvent."""
    if method != "GET":
        return Verdict(405, "only GET is served")
    lowered = {key.lower(): value for key, value in headers.items()}
    host = lowered.get("host", "")
    if host not in (f"{HOST}:{config.port}", f"localhost:{config.port}"):
        return Verdict(421, "wrong Host header: only http://127.0.0.1 is served")
    if "origin" in lowered:
        return Verdict(403, "requests from web pages are refused")
    fetch_site = lowered.get("sec-fetch-site", "none").strip().lower()
    if fetch_site != "none":
        return Verdict(403, "requests from web pages are refused")
    path, _, query = target.partition("?")
    params = _query(query)
    action = path.rstrip("/")
    if action == "/event":  # the spelling softphones.md suggested: /event?event=ring|end
        action = "/" + params.get("event", "")
    if action not in ("/ring", "/end"):
        return Verdict(404, "unknown path: use /ring or /end")
    import hmac

    if not config.token or not hmac.compare_digest(
        params.get("token", "").encode("utf-8"), config.token.encode("utf-8")
    ):
        return Verdict(403, "wrong or missing token")
    number = params.get("number", "").strip()
    if not number:
        return Verdict(400, "the number parameter is missing")
    source = params.get("source", "").strip() or "url"
    event = CallEvent(
        source=source,
        direction=Direction.IN,
        state=_state_of(action, params.get("outcome", "")),
        number=number,
        name=params.get("name", "").strip(),
        time=now,
        call_key=hook_call_key(number),
        where=f"http://{HOST}:{config.port}{action}",
        hook=True,
        said_answered=action == "/end" and params.get("outcome", "").strip().lower() == "answered",
    )
    return Verdict(200, "ok", event)


def _state_of(action: str, outcome: str) -> CallState:
    """The call's state; an end is logged as taken unless it says ``outcome=missed``."""
    if action == "/ring":
        return CallState.RINGING
    return CallState.MISSED if outcome.strip().lower() == "missed" else CallState.ENDED


def _query(query: str) -> dict[str, str]:
    """Query parameters, with "+" kept as a plus sign.

    Softphones substitute the number into the URL as is, so "+14155550123" arrives with a
    literal "+", which form decoding would turn into a space. The first of repeated keys wins.
    """
    params: dict[str, str] = {}
    for part in query.split("&"):
        key, _, value = part.partition("=")
        key = urllib.parse.unquote(key)
        if key and key not in params:
            params[key] = urllib.parse.unquote(value, errors="replace")[:_MAX_FIELD]
    return params


# --- the server ---------------------------------------------------------------------------------


class UrlEndpoint:
    """Serves the URLs on 127.0.0.1 from its own threads until stop()."""

    def __init__(
        self,
        config: EndpointConfig,
        on_event: Callable[[CallEvent], None],
        on_problem: Callable[[str], None],
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._config = config
        self._on_event = on_event
        self._on_problem = on_problem
        self._clock = clock
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._refused_reported = False

    @property
    def port(self) -> int:
        return self._server.server_address[1] if self._server is not None else self._config.port

    def start(self) -> bool:
        """Listen; False (after reporting why) when the port cannot be had."""
        if self._server is not None:
            return True
        try:
            server = _serve(self, self._config.port)
        except OSError as exc:
            self._report(
                f"the URL endpoint cannot listen on {HOST}:{self._config.port} "
                f"({exc.strerror or exc}); another program (or another user) holds the port. "
                "Choose another port with `callercard hook-url --port N`."
            )
            return False
        self._server = server
        if self._config.port == 0:  # tests: the OS picked a port; Host checks need it
            self._config = replace(self._config, port=server.server_address[1])
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.5}, name="url-endpoint",
            daemon=True,
        )  # fmt: skip
        self._thread.start()
        logger.info("URL endpoint listening on %s:%s", HOST, self.port)
        return True

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if self._thread is not None:
            self._thread.join(5)

    def handle(self, method: str, target: str, headers: Mapping[str, str]) -> Verdict:
        verdict = judge_request(method, target, headers, self._config, now=self._clock())
        if verdict.event is not None:
            event = replace(verdict.event, read_ns=time.monotonic_ns())
            try:
                self._on_event(event)
            except Exception:
                logger.exception("on_event failed for %s", event.where)
                return Verdict(500, "CallerCard could not take the call")
        elif verdict.status == 403:
            logger.warning("URL endpoint refused a request: %s", verdict.reason)
            if not self._refused_reported:
                self._refused_reported = True
                self._report(f"The URL endpoint refused a request ({verdict.reason}).")
        return verdict

    def _report(self, message: str) -> None:
        try:
            self._on_problem(message)
        except Exception:
            logger.exception("on_problem failed for %r", message)


def _serve(endpoint: UrlEndpoint, port: int) -> ThreadingHTTPServer:
    # http.server (and the email package under it) is imported only when the endpoint is on:
    # it would add ~20 ms to every start of the app otherwise.
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        timeout = _REQUEST_TIMEOUT_S
        server_version = "CallerCard"
        sys_version = ""
        protocol_version = "HTTP/1.0"

        def do_GET(self) -> None:
            self._answer(endpoint.handle("GET", self.path, dict(self.headers.items())))

        def _refuse_method(self) -> None:
            self._answer(Verdict(405, "only GET is served"))

        do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_HEAD = _refuse_method

        def _answer(self, verdict: Verdict) -> None:
            body = f"CallerCard: {verdict.reason}\n".encode()
            self.send_response(verdict.status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Referrer-Policy", "no-referrer")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            # The default writes every request line, token included, to stderr.
            return

    class BoundedServer(ThreadingHTTPServer):
        """One thread per connection, but no more than MAX_CONNECTIONS at once: past that a
        connection is closed at once, so idle or slow clients cannot take every thread and
        descriptor (each is also dropped after _REQUEST_TIMEOUT_S)."""

        daemon_threads = True
        _slots = threading.BoundedSemaphore(MAX_CONNECTIONS)

        def process_request(self, request: Any, client_address: Any) -> None:
            if not self._slots.acquire(blocking=False):
                logger.warning("URL endpoint: %d connections open, refused one", MAX_CONNECTIONS)
                self.shutdown_request(request)
                return
            super().process_request(request, client_address)

        def process_request_thread(self, request: Any, client_address: Any) -> None:
            try:
                super().process_request_thread(request, client_address)
            finally:
                self._slots.release()

    return BoundedServer((HOST, port), Handler)


def start_if_enabled(
    data_dir: Path,
    on_event: Callable[[CallEvent], None],
    on_problem: Callable[[str], None],
) -> UrlEndpoint | None:
    """The endpoint, listening, when the user turned it on; None otherwise."""
    config, problem = load_config(data_dir / CONFIG_NAME)
    if problem:
        on_problem(problem)
    if not config.enabled:
        return None
    endpoint = UrlEndpoint(config, on_event, on_problem)
    return endpoint if endpoint.start() else None


# --- `callercard hook-url` --------------------------------------------------------------------


def run_command(args: argparse.Namespace, data_dir: Path) -> int:
    """Turn the endpoint on or off, and print the URLs to paste into the softphone."""
    path = data_dir / CONFIG_NAME
    config, problem = load_config(path)
    if problem:
        print(f"callercard: {problem}", file=sys.stderr)
    changed = False
    if args.port is not None:
        if not 1024 <= args.port <= 65535:
            print("callercard: --port wants a number from 1024 to 65535", file=sys.stderr)
            return 2
        config, changed = replace(config, port=args.port), True
    if args.new_token or (args.enable and not config.token):
        config, changed = replace(config, token=new_token()), True
    if args.enable or args.disable:
        config, changed = replace(config, enabled=bool(args.enable)), True
    if changed:
        data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        save_config(path, config)
    if not config.enabled:
        print("The URL endpoint is off. Turn it on with: callercard hook-url --enable")
        return 0
    print(f"The URL endpoint is on, at http://{HOST}:{config.port}/ (restart CallerCard to apply")
    print("changes). Paste these into the softphone; keep them private, they hold the token:")
    print(f"  ring: {config.url('ring')}")
    print(f"  end:  {config.url('end')}")
    return 0

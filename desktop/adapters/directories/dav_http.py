"""A small WebDAV-over-HTTP client on the standard library's http.client.

Why not httpx or requests: a CardDAV sync needs a handful of verbs, Basic or Digest auth
(http_digest.py), redirects,
timeouts and a cap on what a server may send; http.client does all of that with nothing to
bundle, nothing to keep up to date, and it is only imported when a sync runs. What it adds
here is what every error must become: one line that names the server and says what went wrong.
"""

from __future__ import annotations

import base64
import http.client
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from desktop.adapters.directories.http_digest import (
    DigestSession,
    best_digest,
    parse_challenges,
)
from desktop.adapters.directories.tls_probe import PROBE_TIMEOUT_S, speaks_tls

MAX_BODY_BYTES = 64 * 1024 * 1024  # a 10,000-card multiget of ordinary cards is ~10 MB
TIMEOUT_S = 20.0  # each connect and read; a whole answer gets TIMEOUT_S * 6
MAX_REDIRECTS = 5
USER_AGENT = "CallerCard/0.1 (CardDAV mirror)"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
# What OpenSSL says when the other end answered a TLS hello with something else (plain http).
_NOT_TLS = frozenset({"WRONG_VERSION_NUMBER", "PACKET_LENGTH_TOO_LONG", "RECORD_LAYER_FAILURE",
                      "UNKNOWN_PROTOCOL", "HTTP_REQUEST"})  # fmt: skip


class DavError(Exception):
    """One line for the user: which server, and what went wrong. `words` says the same to
    someone in the Settings window, without the command line's options ("Wrong user or
    password"); it is the line itself when that needs no rewording."""

    def __init__(self, message: str, words: str = "") -> None:
        super().__init__(message)
        self.words = words or message


class DavTooLarge(DavError):
    """The answer was over the size cap (and was not read to its end)."""


@dataclass(frozen=True)
class DavResponse:
    status: int
    reason: str
    headers: Mapping[str, str]  # names in lower case
    body: bytes
    url: str  # after redirects
    challenges: tuple[str, ...] = ()  # every WWW-Authenticate header, in order


class DavClient:
    """Requests to one server with one set of credentials; a connection is kept between
    requests when the server allows it."""

    def __init__(
        self,
        *,
        username: str = "",
        password: str = "",
        timeout: float = TIMEOUT_S,
        max_body: int = MAX_BODY_BYTES,
        ca_file: str = "",
    ) -> None:
        self.username = username
        self.ca_file = ca_file  # a PEM file of authorities to trust instead of the system's
        self._password = password
        self.timeout = timeout
        self.max_body = max_body
        self._connections: dict[tuple[str, str, int], http.client.HTTPConnection] = {}
        # How the server wants the credentials: "basic", "digest", or "" until it has said.
        self._scheme = ""
        self._digest: DigestSession | None = None

    def close(self) -> None:
        for conn in self._connections.values():
            conn.close()
        self._connections.clear()

    def __enter__(self) -> DavClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def request(
        self,
        method: str,
        url: str,
        body: bytes = b"",
        *,
        depth: str | None = None,
        content_type: str = "application/xml; charset=utf-8",
        if_match: str = "",
    ) -> DavResponse:
        """Sends `method`, following redirects; raises DavError for anything but an answer
        (401 included: every caller would say the same about it)."""
        first_host = urlsplit(url).hostname
        seen: list[str] = []
        answered = 0  # challenges answered for this request
        while True:
            if not seen or seen[-1] != url:
                seen.append(url)
            headers = {"User-Agent": USER_AGENT, "Accept": "*/*"}
            if body:
                headers["Content-Type"] = content_type
            if depth is not None:
                headers["Depth"] = depth
            if if_match:
                headers["If-Match"] = if_match
            # Credentials go to the host the user named, never to one a redirect points at.
            ours = bool(self.username) and urlsplit(url).hostname == first_host
            if ours:
                authorization = self._authorization(method, url)
                if authorization:
                    headers["Authorization"] = authorization
            response = self._send(method, url, body, headers)
            if response.status == 401:
                if ours and answered < 2 and self._learn(response):
                    answered += 1
                    continue
                raise DavError(self._unauthorized(url, response), self._unauthorized_words(url))
            if response.status not in _REDIRECTS or "location" not in response.headers:
                return response
            target = urljoin(url, response.headers["location"])
            if target in seen or len(seen) > MAX_REDIRECTS:
                chain = " → ".join([*seen[-3:], target])
                raise DavError(f"{short_url(url)}: the server redirects in a loop ({chain})")
            url = target

    def _authorization(self, method: str, url: str) -> str:
        """The Authorization header for this request, or "" to wait for the server's
        challenge. Basic is sent unasked only over TLS (as it always was): on plain http a
        server that wants Digest must never see the password itself."""
        if self._scheme == "digest" and self._digest is not None:
            parts = urlsplit(url)
            target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            return self._digest.authorization(method, target)
        if self._scheme == "basic" or (not self._scheme and url.startswith("https:")):
            token = base64.b64encode(f"{self.username}:{self._password}".encode()).decode()
            return f"Basic {token}"
        return ""

    def _learn(self, response: DavResponse) -> bool:
        """What a 401 says about how to authenticate; True when the request is worth sending
        again (a scheme not tried yet, or Digest with a nonce the server renewed)."""
        challenges = parse_challenges(list(response.challenges))
        digest = best_digest(challenges)
        if digest is not None:
            # "stale": the password was right but the nonce had expired. Without it, a Digest
            # answer refused is a wrong password, and asking again would only be refused again.
            stale = digest.params.get("stale", "").lower() == "true"
            if self._scheme != "digest" or stale:
                self._scheme = "digest"
                self._digest = DigestSession(digest, self.username, self._password)
                return True
            return False
        if any(c.scheme == "basic" for c in challenges) and self._scheme != "basic":
            self._scheme = "basic"
            return True
        return False

    def _unauthorized(self, url: str, response: DavResponse | None = None) -> str:
        offered = sorted({c.scheme for c in parse_challenges(list(response.challenges))}
                         if response is not None else set())  # fmt: skip
        if self.username and offered and not {"basic", "digest"} & set(offered):
            return (f"{short_url(url)}: the server asks for {', '.join(offered)} "
                    "authentication, which CallerCard does not support (Basic and Digest "
                    "only) (401 Unauthorized)")  # fmt: skip
        if self.username:
            return (f"{short_url(url)}: the server refused user {self.username!r} and its "
                    "password (401 Unauthorized)")  # fmt: skip
        return (f"{short_url(url)}: the server wants a user name and password (401 Unauthorized); "
                "give --user and --password-stdin")  # fmt: skip

    def _unauthorized_words(self, url: str) -> str:
        if self.username:
            return f"Wrong user or password ({short_url(url)} refused {self.username!r})"
        return f"{short_url(url)} wants a user name and password"

    def _send(self, method: str, url: str, body: bytes, headers: dict[str, str]) -> DavResponse:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise DavError(f"{url}: not an http:// or https:// address")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        key = (parts.scheme, parts.hostname, port)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        for attempt in (1, 2):
            reused = key in self._connections
            conn = self._connection(key)
            try:
                conn.request(method, path, body=body or None, headers=headers)
                response = conn.getresponse()
                data = self._read(response, url)
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as exc:
                self._drop(key)
                # A kept connection the server had closed meanwhile: one fresh try.
                if reused and attempt == 1:
                    continue
                # A TLS-only port hangs up on a plain request without a word.
                if parts.scheme == "http" and speaks_tls(parts.hostname, port,
                                                         min(self.timeout, PROBE_TIMEOUT_S)):
                    https = _root("https", parts.hostname, port)
                    raise DavError(f"{short_url(url)}: the server speaks https here; use "
                                   "https:// in its address",
                                   f"{short_url(url)} answers in https only: the address "
                                   f"starts with {https}") from exc  # fmt: skip
                raise DavError(
                    f"{short_url(url)}: the server closed the connection ({exc})"
                ) from exc
            except DavError:
                self._drop(key)
                raise
            except TimeoutError as exc:
                self._drop(key)
                raise DavError(
                    f"{short_url(url)}: no answer within {self.timeout:g} s (timed out)",
                    f"No answer from {short_url(url)} within {self.timeout:g} seconds",
                ) from exc
            except ssl.SSLCertVerificationError as exc:
                self._drop(key)
                raise DavError(f"{short_url(url)}: the server's certificate is not trusted "
                               f"({exc.verify_message}; give its authority's file with "
                               "--ca-file)",
                               f"Certificate not trusted: {exc.verify_message} "
                               f"({short_url(url)})") from exc  # fmt: skip
            except ssl.SSLError as exc:
                self._drop(key)
                if exc.reason not in _NOT_TLS:
                    raise DavError(f"{short_url(url)}: cannot reach the server "
                                   f"({exc.strerror or exc})") from exc  # fmt: skip
                plain = _root("http", parts.hostname, port)
                raise DavError(f"{short_url(url)}: the server does not speak https on this "
                               f"port ({exc.reason}); if it is a plain http server, use "
                               "http:// in its address",
                               f"{short_url(url)} does not answer in https: if it is a plain "
                               f"http server, the address starts with {plain}",
                               ) from exc  # fmt: skip
            except ConnectionRefusedError as exc:
                self._drop(key)
                raise DavError(
                    f"{short_url(url)}: connection refused (is the server running?)",
                    f"{short_url(url)} refused the connection: is the server running?",
                ) from exc
            except http.client.HTTPException as exc:
                self._drop(key)
                raise DavError(f"{short_url(url)}: the server broke off its answer "
                               f"({type(exc).__name__})") from exc  # fmt: skip
            except OSError as exc:
                self._drop(key)
                reason = exc.strerror or str(exc) or type(exc).__name__
                raise DavError(f"{short_url(url)}: cannot reach the server ({reason})") from exc
            if response.will_close:
                self._drop(key)
            return DavResponse(
                response.status,
                response.reason,
                {k.lower(): v for k, v in response.getheaders()},
                data,
                url,
                tuple(response.msg.get_all("WWW-Authenticate") or ()),
            )
        raise AssertionError("unreachable")  # pragma: no cover

    def _connection(self, key: tuple[str, str, int]) -> http.client.HTTPConnection:
        conn = self._connections.get(key)
        if conn is None:
            scheme, host, port = key
            if scheme == "https":
                context = ssl.create_default_context(cafile=self.ca_file or None)
                conn = http.client.HTTPSConnection(host, port, timeout=self.timeout,
                                                   context=context)  # fmt: skip
            else:
                conn = http.client.HTTPConnection(host, port, timeout=self.timeout)
            self._connections[key] = conn
        return conn

    def _drop(self, key: tuple[str, str, int]) -> None:
        conn = self._connections.pop(key, None)
        if conn is not None:
            conn.close()

    def _read(self, response: http.client.HTTPResponse, url: str) -> bytes:
        too_big = (f"{short_url(url)}: the server's answer is larger than "
                   f"{self.max_body // (1024 * 1024)} MB; refused")  # fmt: skip
        length = response.getheader("Content-Length")
        if length and length.isdigit() and int(length) > self.max_body:
            raise DavTooLarge(too_big)
        # A server that drips bytes slowly would never trip the socket timeout.
        deadline = time.monotonic() + self.timeout * 6
        chunks: list[bytes] = []
        total = 0
        while chunk := response.read(64 * 1024):
            total += len(chunk)
            if total > self.max_body:
                raise DavTooLarge(too_big)
            if time.monotonic() > deadline:
                raise DavError(f"{short_url(url)}: the answer did not finish within "
                               f"{self.timeout * 6:g} s")  # fmt: skip
            chunks.append(chunk)
        return b"".join(chunks)


def _root(scheme: str, host: str, port: int) -> str:
    """The server's own address under another scheme, on the port that was tried."""
    return f"{scheme}://{f'[{host}]' if ':' in host else host}:{port}/"


def short_url(url: str) -> str:
    """The address without credentials or query, for messages."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"

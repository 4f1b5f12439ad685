"""Real CardDAV servers for the directory tests: Radicale from PyPI on a loopback port with its
own config and storage, and a proxy in front of it that can be told to misbehave."""

from __future__ import annotations

import http.client
import http.server
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.adapters.tls_certificates import Certificates
from tests.conftest import stop_process

ADDRESSBOOK_MKCOL = (
    b'<?xml version="1.0"?><D:mkcol xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav">'
    b"<D:set><D:prop><D:resourcetype><D:collection/><C:addressbook/></D:resourcetype>"
    b"</D:prop></D:set></D:mkcol>"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def vcard(uid: str, name: str, *lines: str, version: str = "3.0") -> str:
    body = "".join(f"{line}\r\n" for line in lines)
    return (f"BEGIN:VCARD\r\nVERSION:{version}\r\nUID:{uid}\r\nFN:{name}\r\n{body}"
            "END:VCARD\r\n")  # fmt: skip


class Radicale:
    """One Radicale process. `users` switches on htpasswd auth (plain passwords) with each
    user owning their own collections; without it anyone may read and write anything."""

    def __init__(
        self, root: Path, users: dict[str, str] | None = None, tls: Certificates | None = None
    ) -> None:
        self.root = root
        self.users = users
        self.port = free_port()
        self.tls = tls  # serve https:// with this certificate
        self.base = f"{'https' if tls else 'http'}://127.0.0.1:{self.port}"
        self.storage = root / "storage"
        self.proc: subprocess.Popen[bytes] | None = None
        root.mkdir(parents=True, exist_ok=True)
        if users is None:
            (root / "rights").write_text(
                "[anyone]\nuser: .*\ncollection: .*\npermissions: RrWw\n", encoding="utf-8"
            )
            auth = "[auth]\ntype = none\n"
            rights = f"[rights]\ntype = from_file\nfile = {root / 'rights'}\n"
        else:
            self.set_users(users)
            auth = (f"[auth]\ntype = htpasswd\nhtpasswd_filename = {root / 'htpasswd'}\n"
                    "htpasswd_encryption = plain\ndelay = 0\n")  # fmt: skip
            rights = "[rights]\ntype = owner_only\n"
        ssl = (f"ssl = True\ncertificate = {tls.certificate}\nkey = {tls.key}\n"
               if tls else "")  # fmt: skip
        (root / "config").write_text(
            f"[server]\nhosts = 127.0.0.1:{self.port}\n{ssl}{auth}{rights}"
            f"[storage]\nfilesystem_folder = {self.storage}\n[logging]\nlevel = error\n",
            encoding="utf-8",
        )

    def set_users(self, users: dict[str, str]) -> None:
        self.users = users
        lines = "".join(f"{user}:{password}\n" for user, password in users.items())
        (self.root / "htpasswd").write_text(lines, encoding="utf-8")

    def start(self) -> Radicale:
        log = (self.root / "radicale.log").open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "radicale", "--config", str(self.root / "config")],
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        log.close()
        _wait_for_port(self.port, self.proc, self.root / "radicale.log", "Radicale")
        return self

    def stop(self) -> None:
        stop_process(self.proc)

    def request(
        self, method: str, path: str, body: bytes = b"", *, user: str = "",
        headers: dict[str, str] | None = None,
    ) -> tuple[int, bytes]:  # fmt: skip
        import base64

        sent = dict(headers or {})
        if user and self.users:
            token = base64.b64encode(f"{user}:{self.users[user]}".encode()).decode()
            sent["Authorization"] = f"Basic {token}"
        return _request(self.port, method, path, body, sent,
                        self.tls.ca_file if self.tls else None)  # fmt: skip

    def make_book(self, path: str, cards: list[str], *, user: str = "") -> str:
        """An address book at `path` ("/team/book/") holding `cards`, uploaded with one PUT of
        the whole collection; returns its URL."""
        parent = path.rstrip("/").rsplit("/", 1)[0] + "/"
        if parent != "/" and not user:
            self.request("MKCOL", parent)
        status, _ = self.request("MKCOL", path, ADDRESSBOOK_MKCOL, user=user)
        assert status == 201, status
        if cards:
            status, text = self.request("PUT", path, "".join(cards).encode(), user=user,
                                        headers={"Content-Type": "text/vcard"})  # fmt: skip
            assert status in (201, 204), text
        return self.base + path

    def put(self, path: str, card: str, *, user: str = "") -> None:
        status, text = self.request("PUT", path, card.encode(), user=user,
                                    headers={"Content-Type": "text/vcard"})  # fmt: skip
        assert status in (201, 204), text

    def delete(self, path: str, *, user: str = "") -> None:
        status, text = self.request("DELETE", path, user=user)
        assert status in (200, 204), text

    def forget_sync_tokens(self, path: str) -> None:
        """What a server does when a token expires: it no longer knows the tokens it gave."""
        import shutil

        cache = self.storage / "collection-root" / path.strip("/") / ".Radicale.cache"
        shutil.rmtree(cache / "sync-token")


class Xandikos:
    """Xandikos from PyPI (single user, no auth) with its default principal and address book
    at /user/contacts/addressbook/."""

    BOOK = "/user/contacts/addressbook/"

    def __init__(self, root: Path) -> None:
        self.root = root
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Xandikos:
        self.root.mkdir(parents=True, exist_ok=True)
        log = (self.root / "xandikos.log").open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "xandikos", "-d", str(self.root / "data"), "-l", "127.0.0.1",
             "-p", str(self.port), "--defaults"],
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        log.close()
        _wait_for_port(self.port, self.proc, self.root / "xandikos.log", "Xandikos")
        return self

    def stop(self) -> None:
        stop_process(self.proc)

    def put(self, name: str, card: str) -> None:
        status = _request(self.port, "PUT", self.BOOK + name, card.encode(),
                          {"Content-Type": "text/vcard"})[0]  # fmt: skip
        assert status in (201, 204), status

    def delete(self, name: str) -> None:
        assert _request(self.port, "DELETE", self.BOOK + name)[0] in (200, 204)


def _wait_for_port(port: int, proc: subprocess.Popen[bytes], log: Path, what: str) -> None:
    deadline = time.monotonic() + 20
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"{what} did not start: {log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.05)




def _request(
    port: int, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None,
    ca_file: Path | None = None,
) -> tuple[int, bytes]:  # fmt: skip
    conn = (http.client.HTTPSConnection("127.0.0.1", port, timeout=30,
                                        context=ssl.create_default_context(cafile=ca_file))
            if ca_file else http.client.HTTPConnection("127.0.0.1", port, timeout=30))  # fmt: skip
    try:
        conn.request(method, path, body=body or None, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


class MisbehavingProxy:
    """Passes requests through to a server until `mode` says otherwise: "garbage" answers
    REPORTs with broken XML, "huge" with a 100 MB body, "loop" redirects to itself,
    "no-query" refuses addressbook-query as a server without it would (501). `served`
    counts the bytes of the bodies it passed back: what a client downloaded."""

    def __init__(self, upstream_port: int) -> None:
        self.mode = "pass"
        self.served = 0
        upstream = upstream_port
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                mode = proxy.mode
                if mode == "loop":
                    self.send_response(302)
                    self.send_header("Location", self.path)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if mode in ("garbage", "huge") and self.command == "REPORT":
                    self._misbehave(mode)
                    return
                if mode == "no-query" and b"addressbook-query" in body:
                    self.send_response(501)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                conn = http.client.HTTPConnection("127.0.0.1", upstream, timeout=30)
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() not in ("host", "connection")}  # fmt: skip
                conn.request(self.command, self.path, body=body or None, headers=headers)
                response = conn.getresponse()
                data = response.read()
                conn.close()
                self.send_response(response.status, response.reason)
                for key, value in response.getheaders():
                    if key.lower() not in ("content-length", "connection", "transfer-encoding",
                                           "server", "date"):  # fmt: skip
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                proxy.served += len(data)

            def _misbehave(self, mode: str) -> None:
                self.send_response(207)
                self.send_header("Content-Type", "text/xml")
                if mode == "garbage":
                    data = b'<?xml version="1.0"?><multistatus xmlns="DAV:"><response><href>'
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                # No Content-Length: the size only shows while reading.
                self.send_header("Connection", "close")
                self.end_headers()
                chunk = b"<!-- padding -->" * 4096
                try:
                    for _ in range(100 * 1024 * 1024 // len(chunk)):
                        self.wfile.write(chunk)
                except OSError:
                    pass  # the client stopped reading, as it should

            do_GET = do_PUT = do_DELETE = do_PROPFIND = do_REPORT = do_OPTIONS = _handle

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def running_radicale(root: Path, users: dict[str, str] | None = None) -> Iterator[Radicale]:
    server = Radicale(root, users).start()
    try:
        yield server
    finally:
        server.stop()

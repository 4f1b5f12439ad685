"""lighttpd (Debian's package) on loopback in front of a Radicale: HTTP Digest authentication
(RFC 7616) as Apache's mod_auth_digest or lighttpd's mod_auth gives it to a CardDAV server
that has none of its own (Radicale and Xandikos speak Basic only, or nothing)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.adapters.carddav_servers import _wait_for_port, free_port
from tests.conftest import stop_process


def available() -> bool:
    return shutil.which("lighttpd") is not None


class DigestProxy:
    """`algorithms`: what lighttpd offers, e.g. "SHA-256|MD5" (one challenge each)."""

    def __init__(self, root: Path, backend_port: int, users: dict[str, str],
                 algorithms: str = "SHA-256|MD5") -> None:  # fmt: skip
        self.root = root
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None
        root.mkdir(parents=True, exist_ok=True)
        (root / "users").write_text(
            "".join(f"{user}:{password}\n" for user, password in users.items()), encoding="utf-8"
        )
        (root / "lighttpd.conf").write_text(
            f'server.document-root = "{root}"\n'
            f"server.port = {self.port}\n"
            'server.bind = "127.0.0.1"\n'
            'server.modules = ("mod_auth", "mod_authn_file", "mod_proxy", "mod_accesslog")\n'
            f'server.errorlog = "{root / "error.log"}"\n'
            f'accesslog.filename = "{root / "access.log"}"\n'
            # Every request's headers into error.log: what the client really sent.
            'debug.log-request-header = "enable"\n'
            'auth.backend = "plain"\n'
            f'auth.backend.plain.userfile = "{root / "users"}"\n'
            'auth.require = ( "" => ( "method" => "digest", "realm" => "CardDAV", '
            f'"require" => "valid-user", "algorithm" => "{algorithms}" ) )\n'
            f'proxy.server = ( "" => ( ( "host" => "127.0.0.1", "port" => {backend_port} ) ) )\n',
            encoding="utf-8",
        )

    def start(self) -> DigestProxy:
        log = (self.root / "lighttpd.log").open("ab")
        self.proc = subprocess.Popen(
            ["lighttpd", "-D", "-f", str(self.root / "lighttpd.conf")],
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        log.close()
        _wait_for_port(self.port, self.proc, self.root / "lighttpd.log", "lighttpd")
        return self

    def request_headers(self) -> str:
        return (self.root / "error.log").read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        stop_process(self.proc)

"""A certificate authority and a server certificate for 127.0.0.1 it signed, made with the
openssl CLI: what a company's self-signed servers look like, for the TLS tests."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Certificates:
    ca_file: Path  # what the user trusts with --ca-file
    certificate: Path  # the server's, signed by the CA, for IP 127.0.0.1 and localhost
    key: Path


def make_certificates(root: Path) -> Certificates:
    root.mkdir(parents=True, exist_ok=True)
    ca, ca_key = root / "ca.pem", root / "ca.key"
    cert, key, csr, ext = root / "server.pem", root / "server.key", root / "server.csr", \
        root / "ext.cnf"  # fmt: skip
    run = ["openssl"]
    subprocess.run([*run, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=CallerCard test CA", "-keyout", str(ca_key), "-out", str(ca)],
                   check=True, capture_output=True)  # fmt: skip
    subprocess.run([*run, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
                    "-keyout", str(key), "-out", str(csr)], check=True, capture_output=True)
    ext.write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n", encoding="utf-8")
    subprocess.run([*run, "x509", "-req", "-in", str(csr), "-CA", str(ca), "-CAkey", str(ca_key),
                    "-CAcreateserial", "-days", "2", "-extfile", str(ext), "-out", str(cert)],
                   check=True, capture_output=True)  # fmt: skip
    return Certificates(ca, cert, key)

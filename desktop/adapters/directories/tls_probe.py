"""Whether a server port speaks TLS: asked only after a connection failed, to tell a rep who
typed http:// (or ldap://) for a port that only answers in TLS which address to use instead."""

from __future__ import annotations

import socket
import ssl

PROBE_TIMEOUT_S = 5.0


def speaks_tls(host: str, port: int, timeout: float = PROBE_TIMEOUT_S) -> bool:
    """True when a TLS handshake with host:port completes. Nothing is sent after it and no
    certificate is checked: the answer only chooses the words of an error."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with socket.create_connection((host, port), timeout=timeout) as plain, \
                context.wrap_socket(plain, server_hostname=host):  # fmt: skip
            return True
    except (OSError, ValueError):
        return False

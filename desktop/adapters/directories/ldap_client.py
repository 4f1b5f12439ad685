"""LDAP / Active Directory, read side: one paged subtree search for the people desk phones
would show, through ldap3 (pure Python; see docs/team-directories.md for why not python-ldap).

Nothing here touches the store: `search_entries` returns every entry, so the caller applies the
whole listing in one transaction or not at all. Paging (RFC 2696) is what reads past a server's
size limit (Active Directory's MaxPageSize is 1,000; OpenLDAP's default sizelimit 500).

TLS: `ldaps://`, or StartTLS on `ldap://`; certificates are checked against the system's
authorities or the one file the user trusts (`--ca-file`), and the host name is checked by the
standard library (ldap3's own check calls the deprecated ssl.match_hostname).
"""

from __future__ import annotations

import contextlib
import math
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import ldap3
from ldap3.core import exceptions as ldap_errors

from desktop.adapters.directories.dav_http import DavError
from desktop.adapters.directories.tls_probe import PROBE_TIMEOUT_S, speaks_tls

TIMEOUT_S = 20.0
PAGE_SIZE = 500
# What desk phones (Yealink, Snom), 3CX and Linphone read from a company directory.
NAME_ATTRIBUTES = ("displayName", "cn")
COMPANY_ATTRIBUTES = ("company", "o")
PHONE_ATTRIBUTES = {  # attribute -> the label the card shows
    "telephoneNumber": "work",
    "ipPhone": "work",
    "mobile": "mobile",
    "homePhone": "home",
    "otherTelephone": "other",
}
ATTRIBUTES = (*NAME_ATTRIBUTES, *COMPANY_ATTRIBUTES, "title", "department", "mail",
              *PHONE_ATTRIBUTES)  # fmt: skip
DEFAULT_FILTER = "(|(objectClass=person)(objectClass=contact))"
# What names an entry for good, whatever its DN becomes: OpenLDAP's entryUUID (RFC 4530),
# Active Directory's objectGUID (16 bytes, kept as hex). Active Directory names a person's
# entry by their CN, so a name change moves the entry to a new DN.
UUID_ATTRIBUTES = ("entryUUID", "objectGUID")


class LdapError(DavError):
    """One line for the user: which server, and what went wrong. A DavError, so whatever
    handles a CardDAV server's failure (the verb, the background loop) handles this one."""


@dataclass(frozen=True)
class LdapTarget:
    url: str  # ldap://host[:port] or ldaps://host[:port]
    base: str
    bind_dn: str = ""
    password: str = ""
    search_filter: str = DEFAULT_FILTER
    start_tls: bool = False
    ca_file: str = ""


Entry = dict[str, list[str]]  # attribute name as ATTRIBUTES spells it -> its values


class _CheckedTls(ldap3.Tls):
    """The standard library's certificate and host-name checks, for ldaps:// and StartTLS."""

    def __init__(self, host: str, ca_file: str) -> None:
        super().__init__(validate=ssl.CERT_REQUIRED)
        self._context = ssl.create_default_context(cafile=ca_file or None)
        self._host = host

    def wrap_socket(self, connection: ldap3.Connection, do_handshake: bool = False) -> None:
        plain = connection.socket
        try:
            connection.socket = self._context.wrap_socket(
                plain, server_hostname=self._host, do_handshake_on_connect=do_handshake
            )
        except OSError:
            plain.close()  # a failed handshake leaves it to us (ldap3 would leak it)
            raise


def check_url(url: str) -> tuple[str, int, bool]:
    """host, port, ldaps? from an ldap:// or ldaps:// URL (raises LdapError)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("ldap", "ldaps") or not parts.hostname:
        raise LdapError(f"{url}: not an ldap:// or ldaps:// address")
    secure = parts.scheme == "ldaps"
    try:
        port = parts.port or (636 if secure else 389)
    except ValueError as exc:
        raise LdapError(f"{url}: {exc}") from exc
    return unquote(parts.hostname), port, secure


def search_entries(
    target: LdapTarget, *, timeout: float = TIMEOUT_S, page_size: int = PAGE_SIZE
) -> dict[str, Entry]:
    """Every entry under the base that matches the filter, by DN (raises LdapError)."""
    where = short(target.url)
    connection = _connect(target, timeout)
    try:
        while True:
            try:
                return {dn: entry for dn, entry in _pages(connection, target, page_size)}
            except ldap_errors.LDAPAdminLimitExceededResult as exc:
                # OpenLDAP's size.pr refuses pages larger than it allows (Active Directory
                # shortens them instead): ask again with smaller pages.
                if "page size" not in str(exc.message) or page_size <= 1:
                    raise
                page_size //= 2
    except ldap_errors.LDAPNoSuchObjectResult as exc:
        raise LdapError(f"{where}: no entry {target.base!r} on the server (check --base)",
                        f"{where} has no entry {target.base!r}: check the base DN") from exc
    except ldap_errors.LDAPInvalidFilterError as exc:
        raise LdapError(f"{where}: the filter {target.search_filter!r} is not valid",
                        f"The filter {target.search_filter!r} is not valid") from exc
    except ldap_errors.LDAPSocketReceiveError as exc:
        raise LdapError(f"{where}: no answer within {timeout:g} s (timed out)",
                        f"No answer from {where} within {timeout:g} seconds") from exc
    except ldap_errors.LDAPCommunicationError as exc:
        raise LdapError(f"{where}: the server broke off the search ({exc})") from exc
    except ldap_errors.LDAPOperationResult as exc:
        raise LdapError(f"{where}: the search failed ({exc.description}: "
                        f"{exc.message or exc.result})") from exc  # fmt: skip
    except ldap_errors.LDAPException as exc:
        raise LdapError(f"{where}: the search failed ({exc})") from exc
    finally:
        _close(connection)


def _close(connection: ldap3.Connection) -> None:
    # After a failed handshake the socket may be gone already: unbinding is best effort.
    with contextlib.suppress(ldap_errors.LDAPException, OSError):
        connection.unbind()
    with contextlib.suppress(ldap_errors.LDAPException, OSError):
        connection.strategy.close()
    if connection.socket is not None:
        connection.socket.close()  # what a refused connect leaves behind


def _connect(target: LdapTarget, timeout: float) -> ldap3.Connection:
    host, port, secure = check_url(target.url)
    where = short(target.url)
    tls = _CheckedTls(host, target.ca_file) if secure or target.start_tls else None
    seconds = max(1, math.ceil(timeout))  # ldap3 packs them into a socket option as integers
    server = ldap3.Server(host, port=port, use_ssl=secure, tls=tls, get_info=ldap3.NONE,
                          connect_timeout=seconds)  # fmt: skip
    connection = ldap3.Connection(
        server,
        user=target.bind_dn or None,
        password=target.password or None,
        authentication=ldap3.SIMPLE if target.bind_dn else ldap3.ANONYMOUS,
        read_only=True,
        auto_referrals=False,
        receive_timeout=seconds,
        raise_exceptions=True,
    )  # fmt: skip
    try:
        connection.open()
        if target.start_tls and not secure:
            connection.start_tls()
        connection.bind()
    except ldap_errors.LDAPInvalidCredentialsResult as exc:
        _close(connection)
        raise LdapError(f"{where}: the server refused {target.bind_dn!r} and its password "
                        "(invalid credentials)",
                        f"Wrong bind DN or password ({where} refused {target.bind_dn!r})",
                        ) from exc  # fmt: skip
    except ldap_errors.LDAPStartTLSError as exc:
        _close(connection)
        raise LdapError(f"{where}: StartTLS failed ({_tls_reason(exc)})",
                        _untrusted_words(exc, where) or f"{where}: StartTLS failed") from exc
    except ldap_errors.LDAPSocketOpenError as exc:
        _close(connection)
        if secure and _handshake_failed(exc):
            raise LdapError(f"{where}: the server does not speak TLS on this port; if it is a "
                            "plain LDAP port, use ldap:// in its address (and --start-tls to "
                            "secure it)",
                            f"{where} does not answer in TLS: if it is a plain LDAP port, the "
                            f"address starts with ldap://{_host_port(host, port)} (Use "
                            "StartTLS then secures it)") from exc  # fmt: skip
        raise LdapError(f"{where}: {_socket_reason(exc)}",
                        _untrusted_words(exc, where) or _socket_words(exc, where)) from exc
    except ldap_errors.LDAPException as exc:
        _close(connection)
        # A TLS-only port hangs up on a plain LDAP request without a word.
        if not secure and speaks_tls(host, port, min(timeout, PROBE_TIMEOUT_S)):
            raise LdapError(f"{where}: the server speaks TLS on this port; use ldaps:// in "
                            "its address",
                            f"{where} answers in TLS only: the address starts with "
                            f"ldaps://{_host_port(host, port)}") from exc  # fmt: skip
        raise LdapError(f"{where}: could not connect ({exc})") from exc
    return connection


def _pages(
    connection: ldap3.Connection, target: LdapTarget, page_size: int
) -> Iterator[tuple[str, Entry]]:
    wanted = {a.casefold(): a for a in (*ATTRIBUTES, *UUID_ATTRIBUTES)}
    responses = connection.extend.standard.paged_search(
        target.base, target.search_filter, ldap3.SUBTREE,
        attributes=[*ATTRIBUTES, *UUID_ATTRIBUTES], paged_size=page_size, generator=True,
    )  # fmt: skip
    for response in responses:
        if response.get("type") != "searchResEntry":
            continue  # referrals: not followed (auto_referrals is off)
        entry: Entry = {}
        for name, values in response["raw_attributes"].items():
            key = wanted.get(name.split(";")[0].casefold())
            if key == "objectGUID":
                entry[key] = [bytes(v).hex() if isinstance(v, bytes) else str(v)
                              for v in values]  # fmt: skip
            elif key is not None:
                texts = [_text(v) for v in values]
                entry.setdefault(key, []).extend(t for t in texts if t)
        yield str(response["dn"]), entry


def _text(value: bytes | str) -> str:
    if isinstance(value, str):
        return value.strip()
    return value.decode("utf-8", "replace").strip()


_UNTRUSTED = "the server's certificate is not trusted (give its authority's file with --ca-file)"


def _tls_reason(exc: Exception) -> str:
    text = str(exc)
    if "CERTIFICATE_VERIFY_FAILED" in text:
        return _UNTRUSTED
    return text.removeprefix("wrap socket error: ")


def _socket_reason(exc: Exception) -> str:
    text = str(exc)
    if "CERTIFICATE_VERIFY_FAILED" in text:
        return _UNTRUSTED
    if "refused" in text.casefold():
        return "connection refused (is the server running?)"
    return f"cannot reach the server ({text})"


def _handshake_failed(exc: Exception) -> bool:
    """The TLS handshake itself failed (not the certificate check): the port is no TLS one."""
    text = str(exc)
    return "ssl wrapping error" in text and "CERTIFICATE_VERIFY_FAILED" not in text


def _host_port(host: str, port: int) -> str:
    return f"{f'[{host}]' if ':' in host else host}:{port}"


def _untrusted_words(exc: Exception, where: str) -> str:
    """"Certificate not trusted: <ssl's reason>" for a failed check, else ""."""
    text = str(exc)
    if "CERTIFICATE_VERIFY_FAILED" not in text:
        return ""
    reason = text.partition("certificate verify failed: ")[2].partition(" (_ssl")[0]
    return f"Certificate not trusted: {reason or 'certificate verify failed'} ({where})"


def _socket_words(exc: Exception, where: str) -> str:
    if "refused" in str(exc).casefold():
        return f"{where} refused the connection: is the server running?"
    return f"Cannot reach {where} ({exc})"


def short(url: str) -> str:
    parts = urlsplit(url.strip())
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname or ''}{port}"

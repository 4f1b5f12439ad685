"""A real OpenLDAP slapd (Debian's package) for the LDAP directory tests: its own slapd.conf,
database and self-signed certificate in a temporary directory, on free loopback ports, loaded
with slapadd. Never the system's instance.

The directory answers anonymous searches for ou=People and only bound ones for ou=Partners,
and returns at most SIZE_LIMIT entries to a search that does not page, as Active Directory
does with its MaxPageSize.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from tests.adapters.tls_certificates import make_certificates
from tests.conftest import stop_process

BASE = "dc=example,dc=com"
ADMIN_DN = f"cn=admin,{BASE}"
ADMIN_PASSWORD = "s3cret admin"
READER_DN = f"cn=reader,{BASE}"
READER_PASSWORD = "phone book"
SIZE_LIMIT = 5
SLAPD = "/usr/sbin/slapd"

# The Active Directory attributes desk phones read, with Microsoft's OIDs, and an auxiliary
# class to carry them (AD's own `user` class needs a dozen AD-only attributes).
AD_SCHEMA = """
attributetype ( 1.2.840.113556.1.4.721 NAME 'ipPhone'
    EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch
    SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
attributetype ( 1.2.840.113556.1.2.18 NAME 'otherTelephone'
    EQUALITY caseIgnoreMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 )
attributetype ( 1.2.840.113556.1.2.146 NAME 'company'
    EQUALITY caseIgnoreMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
attributetype ( 1.2.840.113556.1.2.141 NAME 'department'
    EQUALITY caseIgnoreMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
objectclass ( 1.3.6.1.4.1.99999.1.1 NAME 'adPhoneUser' AUXILIARY
    MAY ( ipPhone $ otherTelephone $ company $ department ) )
"""


def available() -> bool:
    return Path(SLAPD).exists() and shutil.which("slapadd", path="/usr/sbin:/usr/bin") is not None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def person(uid: str, name: str, *lines: str, ou: str = "People", ad: bool = False) -> str:
    """One inetOrgPerson entry as LDIF; `lines` are its other attributes ("mobile: …")."""
    classes = ["top", "person", "organizationalPerson", "inetOrgPerson"]
    if ad:
        classes.append("adPhoneUser")
    surname = name.split()[-1]
    head = [f"dn: uid={uid},ou={ou},{BASE}", *(f"objectClass: {c}" for c in classes),
            f"uid: {uid}", f"cn: {name}", f"sn: {surname}"]  # fmt: skip
    return "\n".join([*head, *lines]) + "\n"


def skeleton() -> list[str]:
    return [
        f"dn: {BASE}\nobjectClass: top\nobjectClass: dcObject\nobjectClass: organization\n"
        "o: Example\ndc: example\n",
        f"dn: ou=People,{BASE}\nobjectClass: organizationalUnit\nou: People\n",
        f"dn: ou=Partners,{BASE}\nobjectClass: organizationalUnit\nou: Partners\n",
        f"dn: {READER_DN}\nobjectClass: applicationProcess\nobjectClass: simpleSecurityObject\n"
        "cn: reader\n"
        f"userPassword: {READER_PASSWORD}\n",
    ]


class Slapd:
    """slapd with ldap:// (StartTLS offered) and ldaps:// on loopback."""

    def __init__(self, root: Path, *, max_page: int | None = None) -> None:
        self.root = root
        self.max_page = max_page  # OpenLDAP's size.pr: larger pages are refused
        self.port = free_port()
        self.tls_port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        root.mkdir(parents=True, exist_ok=True)
        (root / "db").mkdir(exist_ok=True)
        (root / "ad.schema").write_text(AD_SCHEMA, encoding="utf-8")
        self.tls = make_certificates(root / "tls")
        self.ca_file = self.tls.ca_file
        self.conf = root / "slapd.conf"
        self.conf.write_text(self._config(), encoding="utf-8")

    @property
    def url(self) -> str:
        return f"ldap://127.0.0.1:{self.port}"

    @property
    def ldaps_url(self) -> str:
        return f"ldaps://127.0.0.1:{self.tls_port}"

    def _config(self) -> str:
        r = self.root
        page = f" size.pr={self.max_page}" if self.max_page else ""
        return f"""
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include {r / "ad.schema"}
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile {r / "slapd.pid"}
TLSCACertificateFile {self.ca_file}
TLSCertificateFile {self.tls.certificate}
TLSCertificateKeyFile {self.tls.key}
sizelimit size.soft={SIZE_LIMIT} size.hard={SIZE_LIMIT} size.prtotal=unlimited{page}
database mdb
maxsize 67108864
suffix "{BASE}"
rootdn "{ADMIN_DN}"
rootpw "{ADMIN_PASSWORD}"
directory {r / "db"}
access to attrs=userPassword by anonymous auth by * none
access to dn.subtree="ou=Partners,{BASE}" by users read by * none
access to * by * read
"""

    def load(self, entries: Iterable[str]) -> None:
        """Replaces the whole directory (slapd must be stopped)."""
        assert self.process is None
        shutil.rmtree(self.root / "db")
        (self.root / "db").mkdir()
        ldif = self.root / "load.ldif"
        ldif.write_text("\n".join([*skeleton(), *entries]), encoding="utf-8")
        subprocess.run(["/usr/sbin/slapadd", "-q", "-f", str(self.conf), "-l", str(ldif)],
                       check=True, capture_output=True)  # fmt: skip

    def modify(self, ldif: str) -> None:
        """Changes made as the administrator while slapd runs (ldapmodify's LDIF, with
        changetype lines)."""
        subprocess.run(["ldapmodify", "-x", "-H", self.url, "-D", ADMIN_DN, "-w", ADMIN_PASSWORD],
                       input=ldif.encode(), check=True, capture_output=True)  # fmt: skip

    def start(self) -> Slapd:
        urls = f"ldap://127.0.0.1:{self.port}/ ldaps://127.0.0.1:{self.tls_port}/"
        self.process = subprocess.Popen(
            [SLAPD, "-d", "0", "-f", str(self.conf), "-h", urls],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                err = self.process.stderr.read().decode() if self.process.stderr else ""
                self.process = None
                raise RuntimeError(f"slapd exited: {err[-2000:]}")
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                socket.create_connection(("127.0.0.1", self.tls_port), 0.2).close()
                return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("slapd did not start listening within 15 s")

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process, wait=10)
            if self.process.stderr is not None:
                self.process.stderr.close()
            self.process = None


def running_slapd(root: Path, entries: Iterable[str]) -> Iterator[Slapd]:
    server = Slapd(root)
    server.load(entries)
    server.start()
    try:
        yield server
    finally:
        server.stop()

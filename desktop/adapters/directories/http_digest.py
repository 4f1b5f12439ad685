"""HTTP Digest authentication (RFC 7616) for the CardDAV client: reading the server's challenge
and answering it.

Digest never sends the password: each request carries a hash of it with the server's nonce,
the method and the path. Servers behind Apache's mod_auth_digest or lighttpd's mod_auth (and
older Baïkal and SabreDAV set-ups) ask for it. SHA-256 is preferred when a server offers it
besides MD5; "-sess" variants are understood; only qop "auth" is used (auth-int would hash
every body, and no CardDAV server requires it).
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field

_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')
_ESCAPED = re.compile(r"\\(.)")
_BARE = re.compile(r"[^\s,]*")
_BLANK = " \t"
_HASHES = {"MD5": "md5", "SHA-256": "sha256"}
_PREFERENCE = ("SHA-256", "SHA-256-SESS", "MD5", "MD5-SESS")


@dataclass(frozen=True)
class Challenge:
    scheme: str  # lower case: "basic", "digest", "bearer"…
    params: dict[str, str] = field(default_factory=dict)  # names in lower case


def parse_challenges(headers: list[str]) -> list[Challenge]:
    """Every challenge of the WWW-Authenticate headers; one header may hold several
    (`Basic realm="x", Digest realm="x", nonce="…"`): a token followed by "=" is a parameter
    of the challenge before it, any other token starts a challenge."""
    challenges: list[Challenge] = []
    for header in headers:
        i, end = 0, len(header)
        while i < end:
            if header[i] in _BLANK + ",":
                i += 1
                continue
            token = _TOKEN.match(header, i)
            if token is None:
                break  # nothing this client understands follows; what was read stands
            word, i = token.group(), token.end()
            j = _skip_blanks(header, i)
            if j < end and header[j] == "=" and challenges:
                j = _skip_blanks(header, j + 1)
                quoted = _QUOTED.match(header, j)
                if quoted is not None:
                    value, i = _ESCAPED.sub(r"\1", quoted.group(1)), quoted.end()
                else:
                    bare = _BARE.match(header, j)
                    assert bare is not None  # it matches the empty string too
                    value, i = bare.group(), bare.end()
                challenges[-1].params[word.lower()] = value
            else:
                challenges.append(Challenge(word.lower()))
    return challenges


def _skip_blanks(text: str, i: int) -> int:
    while i < len(text) and text[i] in _BLANK:
        i += 1
    return i


def best_digest(challenges: list[Challenge]) -> Challenge | None:
    """The Digest challenge with the strongest algorithm this client knows, or None."""
    usable = [c for c in challenges if c.scheme == "digest" and "nonce" in c.params
              and _algorithm(c) in _PREFERENCE and _qop_ok(c)]  # fmt: skip
    return min(usable, key=lambda c: _PREFERENCE.index(_algorithm(c)), default=None)


def _algorithm(challenge: Challenge) -> str:
    return challenge.params.get("algorithm", "MD5").upper()


def _qop_ok(challenge: Challenge) -> bool:
    qop = challenge.params.get("qop")
    return qop is None or "auth" in [q.strip().lower() for q in qop.split(",")]


class DigestSession:
    """Answers one server's challenge for a run of requests, counting the nonce's uses."""

    def __init__(self, challenge: Challenge, username: str, password: str) -> None:
        self.challenge = challenge
        self.username = username
        self._password = password
        self._count = 0

    @property
    def stale(self) -> bool:
        return self.challenge.params.get("stale", "").lower() == "true"

    def authorization(self, method: str, uri: str, cnonce: str | None = None) -> str:
        """The Authorization header for `method` on `uri` (the request-target as sent)."""
        params = self.challenge.params
        algorithm = _algorithm(self.challenge)
        session = algorithm.endswith("-SESS")
        name = _HASHES[algorithm.removesuffix("-SESS")]

        def h(text: str) -> str:
            return hashlib.new(name, text.encode("utf-8")).hexdigest()

        realm, nonce = params.get("realm", ""), params["nonce"]
        self._count += 1
        nc = f"{self._count:08x}"
        cnonce = cnonce or os.urandom(16).hex()
        ha1 = h(f"{self.username}:{realm}:{self._password}")
        if session:
            ha1 = h(f"{ha1}:{nonce}:{cnonce}")
        ha2 = h(f"{method}:{uri}")
        qop = "auth" if "qop" in params else ""
        if qop:
            response = h(f"{ha1}:{nonce}:{nc}:{cnonce}:{qop}:{ha2}")
        else:
            response = h(f"{ha1}:{nonce}:{ha2}")
        fields = [
            f'username="{_quote(self.username)}"', f'realm="{_quote(realm)}"',
            f'nonce="{_quote(nonce)}"', f'uri="{_quote(uri)}"',
            f"algorithm={params.get('algorithm', 'MD5')}", f'response="{response}"',
        ]  # fmt: skip
        if "opaque" in params:
            fields.append(f'opaque="{_quote(params["opaque"])}"')
        if qop:
            fields += [f"qop={qop}", f"nc={nc}", f'cnonce="{cnonce}"']
        return "Digest " + ", ".join(fields)


def _quote(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')

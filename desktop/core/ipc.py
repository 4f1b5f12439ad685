"""The messages a `callercard` process sends to the running tray app, and their wire format.

One message is one JSON object on one line (UTF-8, ending in "\\n"), always carrying
`protocol_version` and `kind`. The server answers every line with an ack line of the same shape.

The input is untrusted (any process of the same user can connect, and a softphone hands us
whatever the remote party put in its SIP headers), so decoding is strict: the exact set of fields
for the kind, exact JSON types (a bool is not an int), no duplicate keys, no NaN, bounded size.
Adding a field therefore means a new protocol version; both ends ship in the same package, so a
mismatch only happens while an old instance is still running after an upgrade, and it is then
reported instead of half-understood.
"""

from __future__ import annotations

import json
from enum import StrEnum

# The shared constants live with the line writer, which the hook imports without this module.
from desktop.core.ipc_line import HOOK_KEY_PREFIX as HOOK_KEY_PREFIX
from desktop.core.ipc_line import MAX_LINE_BYTES as MAX_LINE_BYTES
from desktop.core.ipc_line import PROTOCOL_VERSION as PROTOCOL_VERSION
from desktop.core.ipc_line import hook_call_key as hook_call_key
from desktop.core.ipc_line import json_line
from desktop.core.unicode_text import whole_unicode

_MAX_T_NS = 2**63 - 1  # time.monotonic_ns() fits in a signed 64-bit int


class IpcError(ValueError):
    """A line that is not a valid message (or ack) of this protocol version; says why."""


class Record:
    """An immutable value object: equality, hash and repr over its __slots__.

    What @dataclass(frozen=True) would give, without its imports: `callercard ring` loads this
    module on every incoming call, and dataclasses (which pulls in inspect) plus compiling the
    generated methods cost about 20 ms of the ring-to-popup budget.
    """

    __slots__: tuple[str, ...] = ()

    def __init__(self, **values: object) -> None:
        for name in self.__slots__:
            object.__setattr__(self, name, values[name])

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Record):
            return NotImplemented
        return type(other) is type(self) and other._values() == self._values()

    def __hash__(self) -> int:
        return hash((type(self), self._values()))

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{type(self).__name__}({fields})"


class ShowTarget(StrEnum):
    SEARCH = "search"
    SETTINGS = "settings"


class Ring(Record):
    """A call is ringing now: pop the card."""

    __slots__ = ("call_key", "caller_id", "name", "source", "t_ns")
    caller_id: str  # the number as the softphone gave it ("+14155550123", "1001", "anonymous")
    name: str  # display name when the softphone passes one
    source: str  # which softphone/hook sent it, for the card and for traces
    call_key: str  # lets a later "end" close exactly this call's popup
    t_ns: int  # time.monotonic_ns() in the hook process, to measure ring-to-popup latency

    def __init__(
        self,
        caller_id: str,
        name: str = "",
        source: str = "hook",
        call_key: str = "",
        t_ns: int = 0,
    ) -> None:
        super().__init__(
            caller_id=caller_id, name=name, source=source, call_key=call_key, t_ns=t_ns
        )


class EndOutcome(StrEnum):
    """What the hook knew about a call that ended: logged as a missed or a taken call."""

    UNKNOWN = ""  # a plain `callercard end`: counted as taken, as before
    MISSED = "missed"
    ANSWERED = "answered"


class End(Record):
    """The call ended (answered elsewhere, hung up, missed): its popup may close."""

    __slots__ = ("call_key", "caller_id", "outcome")
    call_key: str
    caller_id: str
    outcome: EndOutcome

    def __init__(
        self, call_key: str = "", caller_id: str = "", outcome: EndOutcome = EndOutcome.UNKNOWN
    ) -> None:
        if not call_key and not caller_id:
            raise IpcError("an 'end' message needs call_key or caller_id")
        super().__init__(call_key=call_key, caller_id=caller_id, outcome=outcome)


class Show(Record):
    """Bring a window up; what a second launch of the app sends instead of starting twice."""

    __slots__ = ("window",)
    window: ShowTarget

    def __init__(self, window: ShowTarget = ShowTarget.SEARCH) -> None:
        super().__init__(window=window)


class Quit(Record):
    """Ask the running instance to quit."""

    __slots__ = ()


class Ping(Record):
    """Is the app there? It does nothing else: a second launch that is refused (`--watch`
    typed while CallerCard runs) or asks for no window (`--background`) learns that the app
    runs without bringing up a window nobody asked for."""

    __slots__ = ()


class OpenImport(Record):
    """Open this contact file in the running app's Import window (`callercard import
    --window`, or the file manager's "Open with CallerCard")."""

    __slots__ = ("path",)
    path: str  # absolute, as the sending process resolved it

    def __init__(self, path: str) -> None:
        if not path:
            raise IpcError("an 'import' message needs a path")
        super().__init__(path=path)


class Dial(Record):
    """Place a call to this number the way the Call buttons do (`callercard call`), so the
    running app logs it and opens its wrap-up."""

    __slots__ = ("number",)
    number: str  # E.164, or a colleague's extension ("3103"), as the sender parsed it

    def __init__(self, number: str) -> None:
        if not number:
            raise IpcError("a 'call' message needs a number")
        super().__init__(number=number)


Message = Ring | End | Show | Quit | Ping | OpenImport | Dial


class Ack(Record):
    """The server's answer to one line: accepted, or why not."""

    __slots__ = ("error", "ok")
    ok: bool
    error: str

    def __init__(self, ok: bool, error: str = "") -> None:
        super().__init__(ok=ok, error=error)


_KIND_OF: dict[type[Message], str] = {
    Ring: "ring", End: "end", Show: "show", Quit: "quit", Ping: "ping", OpenImport: "import",
    Dial: "call",
}

# The exact field set per kind, with the JSON type each must have.
_FIELDS: dict[str, dict[str, type]] = {
    "ring": {"caller_id": str, "name": str, "source": str, "call_key": str, "t_ns": int},
    "end": {"call_key": str, "caller_id": str, "outcome": str},
    "show": {"window": str},
    "quit": {},
    "ping": {},
    "import": {"path": str},
    "call": {"number": str},
    "ack": {"ok": bool, "error": str},
}
_ENVELOPE = frozenset({"protocol_version", "kind"})


def encode(message: Message) -> bytes:
    """One JSON line, UTF-8, ending in "\\n". Raises IpcError when it would be too long to send."""
    kind = _KIND_OF[type(message)]
    body: dict[str, str | int | bool] = {"protocol_version": PROTOCOL_VERSION, "kind": kind}
    if isinstance(message, Ring):
        body |= {
            "caller_id": message.caller_id,
            "name": message.name,
            "source": message.source,
            "call_key": message.call_key,
            "t_ns": message.t_ns,
        }
    elif isinstance(message, End):
        body |= {"call_key": message.call_key, "caller_id": message.caller_id,
                 "outcome": str(message.outcome)}  # fmt: skip
    elif isinstance(message, Show):
        body["window"] = str(message.window)
    elif isinstance(message, OpenImport):
        body["path"] = message.path
    elif isinstance(message, Dial):
        body["number"] = message.number
    return _dump(body)


def decode(line: bytes) -> Message:
    """Parse one line (with or without its "\\n") into a message, or raise IpcError saying why."""
    kind, fields = _load(line)
    if kind == "ring":
        t_ns = fields["t_ns"]
        assert isinstance(t_ns, int)
        if not 0 <= t_ns <= _MAX_T_NS:
            raise IpcError(f"field 't_ns' out of range: {t_ns}")
        return Ring(
            caller_id=_text(fields, "caller_id"),
            name=_text(fields, "name"),
            source=_text(fields, "source"),
            call_key=_text(fields, "call_key"),
            t_ns=t_ns,
        )
    if kind == "end":
        outcome = _text(fields, "outcome")
        try:
            known = EndOutcome(outcome)
        except ValueError:
            raise IpcError(
                f"field 'outcome' must be '', 'missed' or 'answered', got {_short(outcome)}"
            ) from None
        return End(call_key=_text(fields, "call_key"), caller_id=_text(fields, "caller_id"),
                   outcome=known)  # fmt: skip
    if kind == "show":
        window = _text(fields, "window")
        try:
            return Show(ShowTarget(window))
        except ValueError:
            allowed = ", ".join(repr(str(t)) for t in ShowTarget)
            raise IpcError(
                f"field 'window' must be one of {allowed}, got {_short(window)}"
            ) from None
    if kind == "quit":
        return Quit()
    if kind == "ping":
        return Ping()
    if kind == "import":
        return OpenImport(_text(fields, "path"))
    if kind == "call":
        return Dial(_text(fields, "number"))
    raise IpcError(f"kind {_short(kind)} is not a message")


def encode_ack(ack: Ack) -> bytes:
    return _dump(
        {"protocol_version": PROTOCOL_VERSION, "kind": "ack", "ok": ack.ok, "error": ack.error}
    )


def decode_ack(line: bytes) -> Ack:
    kind, fields = _load(line)
    if kind != "ack":
        raise IpcError(f"expected an ack, got kind {_short(kind)}")
    ok = fields["ok"]
    assert isinstance(ok, bool)
    return Ack(ok=ok, error=_text(fields, "error"))


def _dump(body: dict[str, str | int | bool]) -> bytes:
    # ASCII only (ipc_line escapes the rest): no encoding surprises on a Windows pipe or in argv.
    line = json_line(body)
    if len(line) > MAX_LINE_BYTES:
        raise IpcError(f"message is {len(line)} bytes, over the {MAX_LINE_BYTES}-byte limit")
    return line


def _load(line: bytes) -> tuple[str, dict[str, object]]:
    if len(line) > MAX_LINE_BYTES:
        raise IpcError(f"line is {len(line)} bytes, over the {MAX_LINE_BYTES}-byte limit")
    if line.endswith(b"\n"):
        line = line[:-1]
    if b"\n" in line:
        raise IpcError("more than one line")
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise IpcError(f"not UTF-8 (byte {exc.start})") from None
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constants)
    except IpcError:
        raise
    except json.JSONDecodeError as exc:
        raise IpcError(f"not JSON: {exc.msg} at column {exc.colno}") from None
    except ValueError:  # an integer literal past Python's digit limit
        raise IpcError("not JSON: a number is too long") from None
    except RecursionError:
        raise IpcError("not JSON: nested too deeply") from None
    if not isinstance(data, dict):
        raise IpcError(f"expected a JSON object, got {_json_type(data)}")

    if "protocol_version" not in data:
        raise IpcError("missing field 'protocol_version'")
    version = data["protocol_version"]
    if type(version) is not int:
        raise IpcError(f"field 'protocol_version' must be an integer, got {_json_type(version)}")
    if version != PROTOCOL_VERSION:
        raise IpcError(
            f"unsupported protocol_version {version} (this CallerCard speaks {PROTOCOL_VERSION})"
        )
    if "kind" not in data:
        raise IpcError("missing field 'kind'")
    kind = data["kind"]
    if not isinstance(kind, str):
        raise IpcError(f"field 'kind' must be a string, got {_json_type(kind)}")
    spec = _FIELDS.get(kind)
    if spec is None:
        raise IpcError(f"unknown kind {_short(kind)}")

    fields = {k: v for k, v in data.items() if k not in _ENVELOPE}
    unknown = sorted(set(fields) - set(spec))
    if unknown:
        raise IpcError(f"unknown field {_short(unknown[0])} in a {kind!r} message")
    for name, expected in spec.items():
        if name not in fields:
            raise IpcError(f"missing field {name!r} in a {kind!r} message")
        value = fields[name]
        # type() rather than isinstance(): JSON true must not pass for an integer.
        if type(value) is not expected:
            raise IpcError(
                f"field {name!r} must be {_TYPE_NAMES[expected]}, got {_json_type(value)}"
            )
    return kind, fields


def _text(fields: dict[str, object], name: str) -> str:
    value = fields[name]
    assert isinstance(value, str)
    # A hook passes argv, where bytes that are not UTF-8 became lone surrogates: mended rather
    # than refused, so the ring still pops its card.
    return whole_unicode(value)


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    result: dict[str, object] = {}
    for key, value in pairs:
        if key in result:
            raise IpcError(f"duplicate field {_short(key)}")
        result[key] = value
    return result


def _no_constants(name: str) -> object:
    raise IpcError(f"not JSON: {name} is not a JSON value")


_TYPE_NAMES: dict[type, str] = {
    str: "a string",
    int: "an integer",
    bool: "true or false",
}


def _short(text: str) -> str:
    """A value quoted for an error message: errors get logged, and the input is untrusted."""
    return repr(text if len(text) <= 40 else text[:40] + "…")


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number with a fraction"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"

"""Every softphone and PBX CallerCard knows, in one table: its call-log formats, where each log
lives per OS, its hook recipes and whether it can place a call.

Everything that names softphones derives from this table: the call sources (Settings' list and
--watch), the end-of-call history dialects, `callercard events --format`, the detection of
installed logs, the "Place calls with" labels, and the welcome's hook recipes. Adapters map a
format's name to the class that reads it; a test checks each consumer covers exactly these
entries. Plain data on purpose: it is imported at start-up and on the ring path.

The places come from each program's source or documentation (softphones.md §3).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class OS(StrEnum):
    WINDOWS = "windows"
    MACOS = "macos"
    UNIX = "unix"  # Linux and the BSDs

    @classmethod
    def of(cls, platform: str) -> OS:
        """The family of a ``sys.platform`` value."""
        if platform.startswith("win"):
            return cls.WINDOWS
        return cls.MACOS if platform == "darwin" else cls.UNIX


class Base(StrEnum):
    """The folder a place's path is relative to."""

    HOME = "home"
    ROOT = "root"  # the file system's root: system logs (/var/log/...)
    APPDATA = "appdata"  # %APPDATA%, else ~/AppData/Roaming
    LOCAL_APPDATA = "local-appdata"  # %LOCALAPPDATA%, else ~/AppData/Local
    XDG_DATA = "xdg-data"  # $XDG_DATA_HOME, else ~/.local/share
    XDG_CONFIG = "xdg-config"  # $XDG_CONFIG_HOME, else ~/.config


class Found(StrEnum):
    """What at a place is the log."""

    FILE = "file"
    FOLDER = "folder"  # a folder of files, the newest being written (Jitsi)
    FILES_IN = "files-in"  # each file in the folder matching `pattern` (one per account)
    NAMED_IN_CONF = "named-in-conf"  # the file the conf's `file=` line names (Yate)


@dataclass(frozen=True)
class Place:
    os: OS
    base: Base
    path: str  # relative to base, with /
    found: Found = Found.FILE
    pattern: str = ""  # FILES_IN


@dataclass(frozen=True)
class LogFormat:
    name: str  # the source kind in settings and --watch, the --format name, the events' source
    title: str  # for people: "MicroSIP (microsip.ini)"
    file_filter: str = ""  # for the file dialog
    ring_time: bool = False  # reports a call while it rings; else an end-of-call history log
    places: tuple[Place, ...] = ()  # where detection looks, per OS
    marker: bytes = b""  # a file at a place counts only when it holds these bytes
    address: bool = False  # watched at a network address (host:port), not a file
    watchable: bool = True  # False: only `callercard events` reads it (a saved capture)
    capture_title: str = ""  # `events` title of a saved capture of an address's stream


@dataclass(frozen=True)
class Softphone:
    id: str
    title: str  # for people: "MicroSIP"
    formats: tuple[LogFormat, ...] = ()
    hooks: tuple[str, ...] = ()  # recipe ids in docs/softphone-hooks.md
    dialer: str = ""  # its "Place calls with" choice (core/dialers.py Dialer), "" if it cannot
    # Where it keeps its settings: there from its first start, long before its call log,
    # which most write at the end of the first call. The welcome names a softphone found
    # here; a new Twinkle rep was told "No softphone found" and shown Zoiper's recipe.
    homes: tuple[Place, ...] = ()


def _linphone_places(file: str) -> tuple[Place, ...]:
    return (
        Place(OS.WINDOWS, Base.LOCAL_APPDATA, f"linphone/{file}"),
        Place(OS.MACOS, Base.HOME, f"Library/Application Support/linphone/{file}"),
        Place(OS.UNIX, Base.XDG_DATA, f"linphone/{file}"),
    )


_JITSI_HISTORY = "history_ver1.0/callhistory/default/default"
_TELEPHONE = "com.tlphn.Telephone/CallHistories"

SOFTPHONES: tuple[Softphone, ...] = (
    Softphone("microsip", "MicroSIP", (
        LogFormat("microsip", "MicroSIP (microsip.ini)", "MicroSIP settings (*.ini)", True,
                  (Place(OS.WINDOWS, Base.APPDATA, "MicroSIP/microsip.ini"),)),
    ), ("microsip-ring", "microsip-end", "microsip-busy"), dialer="microsip",
       homes=(Place(OS.WINDOWS, Base.APPDATA, "MicroSIP"),)),
    Softphone("linphone", "Linphone", (
        LogFormat("linphone", "Linphone 5.2 or later (linphone.db)",
                  "Linphone database (linphone.db *.db)", True, _linphone_places("linphone.db")),
        LogFormat("linphone-legacy", "Linphone ≤ 5.1 call history (call-history.db)",
                  "Linphone call history (call-history.db *.db)",
                  places=_linphone_places("call-history.db")),
        # Offered only when it keeps calls (builds without a database).
        LogFormat("linphonerc", "Linphone 3.x call log (linphonerc)",
                  "Linphone settings (linphonerc*)", places=(
                      Place(OS.MACOS, Base.HOME, ".linphonerc"),
                      Place(OS.UNIX, Base.XDG_CONFIG, "linphone/linphonerc"),
                      Place(OS.UNIX, Base.HOME, ".linphonerc"),
                  ), marker=b"[call_log_"),
    ), dialer="linphone", homes=(
        Place(OS.WINDOWS, Base.LOCAL_APPDATA, "linphone"),
        Place(OS.MACOS, Base.HOME, "Library/Application Support/linphone"),
        Place(OS.UNIX, Base.XDG_DATA, "linphone"),
        Place(OS.UNIX, Base.XDG_CONFIG, "linphone/linphonerc"),
        Place(OS.UNIX, Base.HOME, ".linphonerc"),
    )),
    Softphone("baresip", "baresip", (
        LogFormat("baresip", "baresip (ctrl_tcp events, e.g. 127.0.0.1:4444)", ring_time=True,
                  address=True, capture_title="baresip ctrl_tcp capture (netstrings)"),
        LogFormat("baresip-mqtt", "baresip mqtt capture (topic<TAB>json)", ring_time=True,
                  watchable=False),
    ), ("baresip-config",), dialer="baresip", homes=(
        Place(OS.MACOS, Base.HOME, ".baresip"), Place(OS.UNIX, Base.HOME, ".baresip"),
    )),
    Softphone("twinkle", "Twinkle", (
        LogFormat("twinkle", "Twinkle call history (twinkle.ch)", "Twinkle call history (*.ch)",
                  places=(Place(OS.UNIX, Base.HOME, ".twinkle/twinkle.ch"),)),
    ), ("twinkle-ring", "twinkle-end"), dialer="twinkle",
       homes=(Place(OS.UNIX, Base.HOME, ".twinkle"),)),
    Softphone("jitsi", "Jitsi Desktop", (
        LogFormat("jitsi", "Jitsi call history (callhistory folder)",
                  "Jitsi call history (*.xml)", places=(
                      Place(OS.WINDOWS, Base.APPDATA, f"Jitsi/{_JITSI_HISTORY}", Found.FOLDER),
                      Place(OS.MACOS, Base.HOME,
                            f"Library/Application Support/Jitsi/{_JITSI_HISTORY}", Found.FOLDER),
                      Place(OS.UNIX, Base.HOME, f".jitsi/{_JITSI_HISTORY}", Found.FOLDER),
                  )),
    ), ("jitsi-ring",), homes=(
        Place(OS.WINDOWS, Base.APPDATA, "Jitsi"),
        Place(OS.MACOS, Base.HOME, "Library/Application Support/Jitsi"),
        Place(OS.UNIX, Base.HOME, ".jitsi"),
    )),
    Softphone("zoiper", "Zoiper 5", hooks=(
        "zoiper-ring-program", "zoiper-end-program", "zoiper-ring-url", "zoiper-end-url",
    ), homes=(Place(OS.WINDOWS, Base.APPDATA, "Zoiper5"), Place(OS.UNIX, Base.HOME, ".Zoiper5"))),
    Softphone("asterisk", "Asterisk", (
        LogFormat("asterisk", "Asterisk CDR (cdr-csv/Master.csv)", "Asterisk CDR (*.csv)",
                  places=(Place(OS.UNIX, Base.ROOT, "var/log/asterisk/cdr-csv/Master.csv"),)),
    )),
    Softphone("freeswitch", "FreeSWITCH", (
        LogFormat("freeswitch", "FreeSWITCH CDR (cdr-csv/Master.csv)", "FreeSWITCH CDR (*.csv)",
                  places=(
                      Place(OS.UNIX, Base.ROOT, "var/log/freeswitch/cdr-csv/Master.csv"),
                      Place(OS.UNIX, Base.ROOT, "usr/local/freeswitch/log/cdr-csv/Master.csv"),
                  )),
    )),
    # Yate has no default log: its cdrfile.conf names the file.
    Softphone("yate", "Yate", (
        LogFormat("yate", "Yate CDR (cdrfile)", "Yate CDR (*.csv *.cdr *.txt)", places=(
            Place(OS.UNIX, Base.ROOT, "etc/yate/cdrfile.conf", Found.NAMED_IN_CONF),
            Place(OS.UNIX, Base.ROOT, "usr/local/etc/yate/cdrfile.conf", Found.NAMED_IN_CONF),
        )),
    )),
    # One plist per account; the sandboxed app keeps them inside its container.
    Softphone("telephone", "Telephone for macOS", (
        LogFormat("telephone", "Telephone for macOS call history (CallHistories/*.plist)",
                  "Telephone call history (*.plist)", places=(
                      Place(OS.MACOS, Base.HOME, "Library/Containers/com.tlphn.Telephone/Data/"
                            f"Library/Application Support/{_TELEPHONE}", Found.FILES_IN, "*.plist"),
                      Place(OS.MACOS, Base.HOME, f"Library/Application Support/{_TELEPHONE}",
                            Found.FILES_IN, "*.plist"),
                  )),
    )),
)  # fmt: skip


def log_formats(softphones: tuple[Softphone, ...] = SOFTPHONES) -> tuple[LogFormat, ...]:
    """Every format in the order menus offer them and `--format auto` tries them: the formats
    that report a ring first, then the end-of-call logs, each in table order."""
    every = [f for phone in softphones for f in phone.formats]
    return tuple([f for f in every if f.ring_time] + [f for f in every if not f.ring_time])


def softphone(softphone_id: str) -> Softphone:
    return next(p for p in SOFTPHONES if p.id == softphone_id)


def watched_at_ring() -> tuple[str, ...]:
    """The softphones whose watched log or stream reports a call while it rings: watching it
    pops the card."""
    return tuple(p.title for p in SOFTPHONES if any(f.ring_time and f.watchable for f in p.formats))


def popped_by_hook() -> tuple[str, ...]:
    """The others that pop a card at ring through a hook of their own (a recipe in
    docs/softphone-hooks.md run when the call rings), not through a log."""
    watched = watched_at_ring()
    return tuple(p.title for p in SOFTPHONES
                 if p.title not in watched and any("-ring" in h for h in p.hooks))  # fmt: skip

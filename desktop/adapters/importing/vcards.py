"""vCard 2.1, 3.0 and 4.0 files, read with vobject inside the wrapper contact-import.md §0.8
asks for.

The wrapper, before vobject sees a card: decodes by BOM / strict UTF-8 / cp1252, turns CR CR LF
and CR into LF, cuts the file into BEGIN…END blocks so one bad card costs only itself, and drops
PHOTO, LOGO, SOUND and KEY (a 10 MB photo is nothing a caller card uses, and vobject truncates
4.0 data: URIs anyway). After: TEL types come from params['TYPE'] split on commas and from 2.1's
bare singletonparams; itemN.TEL joins itemN.X-ABLabel; Outlook's X-MS-TEL counts as TEL; an empty
FN falls back to N, then to the company.
"""

from __future__ import annotations

import codecs
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import vobject  # type: ignore[import-untyped]

from desktop.adapters.importing.report import ImportFailed
from desktop.adapters.importing.text_tables import ansi_code_page
from desktop.adapters.importing.utf8_scan import LENIENT_UTF8, scan_utf8_bytes
from desktop.adapters.regular_file import read_regular, require_regular
from desktop.core.import_mapping import CardData, RowProblem, label_from_types

MAX_VCARD_BYTES = 256 * 1024 * 1024
VCARD_SUFFIXES = (".vcf", ".vcard")

_BINARY_PROPS = re.compile(r"(?:[A-Za-z0-9-]+\.)?(?:PHOTO|LOGO|SOUND|KEY)[;:]", re.IGNORECASE)
_PROPERTY_START = re.compile(r"(?:[A-Za-z0-9-]+\.)?[A-Za-z0-9-]+[;:]")
_BEGIN = re.compile(r"BEGIN\s*:\s*VCARD\s*$", re.IGNORECASE)
_END = re.compile(r"END\s*:\s*VCARD\s*$", re.IGNORECASE)
# A card's UID line and the lines folded onto it (RFC 6350 §3.2: a line break and a space).
_UID = re.compile(r"^(?:[A-Za-z0-9-]+\.)?UID(?:;[^:\r\n]*)?:(.*(?:\r?\n[ \t].*)*)",
                  re.IGNORECASE | re.MULTILINE)  # fmt: skip
_FOLD = re.compile(r"\r?\n[ \t]")
_CHARSET = re.compile(rb"[;,]\s*CHARSET=([A-Za-z0-9_-]+)", re.IGNORECASE)

# vobject logs every line it skips with ignoreUnreadable; the report says what matters.
logging.getLogger("vobject").setLevel(logging.ERROR)


@dataclass
class CardBlock:
    line: int
    text: str
    file: str = ""  # the file's name when a folder's files are read together
    # Numbers corrected in the Import window's preview, by the TEL's place on the card.
    corrected: dict[int, str] = field(default_factory=dict)


def decode_vcard_bytes(
    data: bytes, override: str | None = None, warnings: list[RowProblem] | None = None
) -> str:
    """The file's text. UTF-8 with a few bytes that are not (a card edited in a Windows-1252
    editor) stays UTF-8, each stray byte read as Windows-1252 and its line added to
    ``warnings``; a file with no UTF-8 letter at all is a legacy code-page export."""
    return decode_vcard(data, override, warnings)[0]


def decode_vcard(
    data: bytes, override: str | None = None, warnings: list[RowProblem] | None = None
) -> tuple[str, str]:
    """The file's text (as decode_vcard_bytes), and the code page it may have lost letters
    to (desktop.core.lost_letters), "" when it was written in a Unicode encoding."""
    if override:
        unicode = codecs.lookup(override).name.startswith("utf")
        return data.decode(override, errors="replace"), "" if unicode else override
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace"), ""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), ""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        scan = scan_utf8_bytes(data)
        if not scan.mostly_utf8:
            code_page = ansi_code_page()
            return data.decode(code_page, errors="replace"), code_page
        if warnings is not None:
            warnings.extend(scan.warnings())
        return data.decode("utf-8", errors=LENIENT_UTF8), ""
    return text, _ascii_code_page(data) if data.isascii() else ""


def _ascii_code_page(data: bytes) -> str:
    """An all-ASCII file's: the CHARSET its quoted-printable values declare, else "ascii"
    (Outlook's export is all ASCII once each letter it could not carry is a "?")."""
    charsets = {m.decode("ascii").lower() for m in _CHARSET.findall(data)}
    if any(c.replace("-", "").startswith("utf") for c in charsets):
        return ""  # its letters are quoted-printable UTF-8: every one carried
    return min(charsets) if charsets else "ascii"


def card_uid(text: str) -> str:
    """The UID of the card in `text`, unfolded; "" for a card without one."""
    found = _UID.search(text)
    return _FOLD.sub("", found.group(1)).strip() if found else ""


def split_cards(text: str) -> tuple[list[CardBlock], list[RowProblem]]:
    """The BEGIN…END blocks, binary properties removed, and the problems of the file's shape."""
    lines = text.replace("\r\r\n", "\n").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    cards: list[CardBlock] = []
    problems: list[RowProblem] = []
    current: list[str] | None = None
    start = 0
    in_binary = False
    for number, line in enumerate(lines, start=1):
        if current is None:
            if _BEGIN.match(line.strip()):
                current, start, in_binary = [line.strip()], number, False
            continue
        if in_binary:
            if not line.strip() or line[:1] in (" ", "\t") or not _PROPERTY_START.match(line):
                continue
            in_binary = False
        if _BINARY_PROPS.match(line):
            in_binary = True
            continue
        if _BEGIN.match(line.strip()) and not _END.match(line.strip()):
            # A BEGIN inside a card: the previous one never ended (2.1 AGENT aside).
            if any(_BEGIN.match(x) for x in current[1:]):
                current.append(line)
                continue
            problems.append(RowProblem(start, "", "card never ended (no END:VCARD)"))
            current, start = [line.strip()], number
            continue
        current.append(line)
        if _END.match(line.strip()):
            cards.append(CardBlock(start, "\n".join(current) + "\n"))
            current = None
    if current is not None:
        problems.append(RowProblem(start, "", "card never ended (no END:VCARD): file cut short?"))
    return cards, problems


def read_vcard_file(
    path: Path, encoding: str | None = None
) -> tuple[int, Iterator[CardData | RowProblem], str]:
    """How many cards there are, each one's data or why it could not be read, and the code
    page the file may have lost letters to ("" for none)."""
    cards, problems, lossy = read_vcard_cards(path, encoding)

    def items() -> Iterator[CardData | RowProblem]:
        yield from problems
        for block in cards:
            yield parse_card(block)

    return len(cards) + len(problems), items(), lossy


def read_vcard_blocks(
    path: Path, encoding: str | None = None, warnings: list[RowProblem] | None = None
) -> tuple[list[CardBlock], list[RowProblem]]:
    """The file's cards, not yet parsed, and the problems of its shape; what was read but
    should be checked (bytes that are not UTF-8) goes to ``warnings``."""
    cards, problems, _lossy = read_vcard_cards(path, encoding, warnings)
    return cards, problems


def read_vcard_cards(
    path: Path, encoding: str | None = None, warnings: list[RowProblem] | None = None
) -> tuple[list[CardBlock], list[RowProblem], str]:
    """read_vcard_blocks, and the code page the file may have lost letters to ("" for none)."""
    try:
        size = require_regular(path)
        if size > MAX_VCARD_BYTES:
            raise ImportFailed(
                f"{path}: the file is {size / 1e9:.1f} GB; the importer takes vCard files up to "
                f"{MAX_VCARD_BYTES // (1024 * 1024)} MB"
            )
        data = read_regular(path, MAX_VCARD_BYTES)
    except OSError as exc:
        raise ImportFailed(f"{path}: cannot read the file ({exc.strerror})") from exc
    if not data.strip():
        raise ImportFailed(f"{path}: the file is empty")
    text, lossy = decode_vcard(data, encoding, warnings)
    del data
    cards, problems = split_cards(text)
    if not cards and not problems:
        raise ImportFailed(f"{path}: no BEGIN:VCARD … END:VCARD card in this file")
    return cards, problems, lossy


def read_vcard_folder(
    folder: Path, encoding: str | None = None
) -> tuple[list[CardBlock], list[RowProblem], dict[str, str]]:
    """Every card of the folder's vCard files (a folder another sync tool keeps, one card a
    file), by file name, and the code page each file read in one may have lost letters to,
    by file name. A problem names its file; a file that cannot be read at all (one being
    written right now) fails the whole folder, so it is never imported short."""
    try:
        files = sorted(
            entry for entry in folder.iterdir()
            if entry.suffix.lower() in VCARD_SUFFIXES and not entry.name.startswith(".")
        )  # fmt: skip
    except OSError as exc:
        raise ImportFailed(f"{folder}: cannot read the folder ({exc.strerror})") from exc
    cards: list[CardBlock] = []
    problems: list[RowProblem] = []
    lossy: dict[str, str] = {}
    for file in files:
        file_cards, file_problems, code_page = read_vcard_cards(file, encoding)
        cards += [CardBlock(card.line, card.text, file.name) for card in file_cards]
        problems += [RowProblem(p.line, file.name, p.message) for p in file_problems]
        if code_page:
            lossy[file.name] = code_page
    if not cards and not problems:
        raise ImportFailed(f"{folder}: no vCard (.vcf) files in this folder")
    return cards, problems, lossy


def parse_card(block: CardBlock) -> CardData | RowProblem:
    try:
        component = vobject.readOne(block.text, ignoreUnreadable=True, allowQP=True)
    except Exception as exc:  # vobject raises ParseError, ValueError, TypeError, IndexError…
        return RowProblem(block.line, block.file, f"unreadable card ({_one_line(exc)})")
    try:
        return card_data(component, block.line)
    except Exception as exc:
        return RowProblem(block.line, block.file, f"unreadable card ({_one_line(exc)})")


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:120]


def card_data(component: Any, line: int) -> CardData:
    contents: dict[str, list[Any]] = component.contents
    card = CardData(line=line)
    card.formatted_name = _text(_first(contents, "fn"))
    n = _first(contents, "n")
    if n is not None and hasattr(n.value, "family"):
        card.family = _joined(n.value.family)
        card.given = _joined(n.value.given)
        card.additional = _joined(n.value.additional)
    elif n is not None:
        parts = _text(n).split(";")
        card.family, card.given = [*parts, "", ""][:2]
    card.nickname = _text(_first(contents, "nickname"))
    org = _first(contents, "org")
    if org is not None:
        value = org.value
        card.org = (value[0] if value else "") if isinstance(value, list) else str(value)
        card.org = card.org.split(";")[0] if not isinstance(value, list) else card.org
    card.title = _text(_first(contents, "title"))
    card.note = _text(_first(contents, "note"))
    kinds = [*contents.get("kind", []), *contents.get("x-addressbookserver-kind", [])]
    card.group = any(_text(kind).strip().casefold() == "group" for kind in kinds)
    card.emails = [_text(e) for e in contents.get("email", []) if _text(e)]
    labels = {
        item.group.casefold(): _text(item)
        for item in contents.get("x-ablabel", [])
        if getattr(item, "group", None)
    }
    for key in ("tel", "x-ms-tel"):
        for tel in contents.get(key, []):
            value = _text(tel)
            if not value:
                continue
            types = [t for v in tel.params.get("TYPE", []) for t in str(v).split(",")]
            types += [str(s) for s in getattr(tel, "singletonparams", [])]
            group = (getattr(tel, "group", None) or "").casefold()
            card.tels.append((value, label_from_types(types, labels.get(group, ""))))
    return card


def _first(contents: dict[str, list[Any]], key: str) -> Any:
    items = contents.get(key)
    return items[0] if items else None


def _text(item: Any) -> str:
    if item is None:
        return ""
    value = item.value
    if isinstance(value, list):
        return ", ".join(str(v) for v in value if v)
    if isinstance(value, bytes):
        return ""
    return str(value).strip()


def _joined(value: Any) -> str:
    if isinstance(value, list):
        return " ".join(str(v).strip() for v in value if str(v).strip())
    return str(value or "").strip()

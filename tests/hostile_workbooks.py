"""Tiny workbooks, built with zipfile, that make a trusting reader allocate gigabytes."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_PARTS = {
    "[Content_Types].xml": (
        f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{_PKG}/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_CT}.worksheet+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_CT}.sharedStrings+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}/relationships">'
        f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
        '<sheets><sheet name="Contacts" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}/relationships">'
        f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>"
    ),
}
_ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names'
    ':tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry '
    'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.'
    'spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" '
    'manifest:media-type="text/xml"/></manifest:manifest>'
)
STRINGS = ["Name", "Phone", "Ann Lee", "+1 415 555 0142"]
HEADER_ROWS = (
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
    '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="s"><v>3</v></c></row>'
)


def write_xlsx(
    path: Path, rows: str = HEADER_ROWS, *, dimension: str | None = None,
    strings_count: int | None = None,
) -> Path:
    """A one-sheet workbook: Name/Phone and one contact, then whatever `rows` add."""
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    count = len(STRINGS) if strings_count is None else strings_count
    sheet = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_MAIN}">{dim}'
             f"<sheetData>{rows}</sheetData></worksheet>")  # fmt: skip
    strings = (f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_MAIN}" count="{count}" '
               f'uniqueCount="{count}">' + "".join(f"<si><t>{s}</t></si>" for s in STRINGS)
               + "</sst>")  # fmt: skip
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in _PARTS.items():
            archive.writestr(name, text)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        archive.writestr("xl/sharedStrings.xml", strings)
    return path


def far_cell_xlsx(path: Path) -> Path:
    """1.8 KB: a contact sheet plus one cell at XFD1048576, Excel's very last."""
    return write_xlsx(
        path, HEADER_ROWS + '<row r="1048576"><c r="XFD1048576" t="s"><v>2</v></c></row>'
    )


def huge_strings_count_xlsx(path: Path) -> Path:
    """sharedStrings.xml declaring 4,294,967,295 strings (it has four)."""
    return write_xlsx(path, strings_count=4_294_967_295)


def deflate_bomb_xlsx(path: Path, megabytes: int = 4) -> Path:
    """One inline-string cell of `megabytes` MB of "A", deflated a thousandfold."""
    text = "A" * (megabytes << 20)
    cell = f'<row r="3"><c r="A3" t="inlineStr"><is><t>{text}</t></is></c></row>'
    return write_xlsx(path, HEADER_ROWS + cell)


def lying_size_xlsx(path: Path) -> Path:
    """The deflate bomb with its sheet's size given as 5,000 bytes in both zip headers: a
    reader that trusts the directory would inflate 4 MB where it planned for 5 KB."""
    data = bytearray(deflate_bomb_xlsx(path).read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    # (signature, offset of the name length, of the name, of the uncompressed size)
    for signature, name_length, name_at, size_at in ((b"PK\x03\x04", 26, 30, 22),
                                                     (b"PK\x01\x02", 28, 46, 24)):  # fmt: skip
        at = data.find(signature)
        while at >= 0:
            length = struct.unpack_from("<H", data, at + name_length)[0]
            if data[at + name_at : at + name_at + length] == name:
                struct.pack_into("<I", data, at + size_at, 5000)
            at = data.find(signature, at + 4)
    path.write_bytes(bytes(data))
    return path


def repeated_cells_ods(path: Path, rows: int = 2000, columns: int = 16_000) -> Path:
    """An OpenDocument sheet whose one repeated cell calamine expands into rows × columns
    cells (32 million here, over a gigabyte); nothing in the file's sizes gives it away."""
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')  # fmt: skip
    string = 'office:value-type="string"'
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} '
        'office:version="1.2"><office:body><office:spreadsheet><table:table table:name="C">'
        f"<table:table-row><table:table-cell {string}><text:p>Name</text:p></table:table-cell>"
        f"<table:table-cell {string}><text:p>Phone</text:p></table:table-cell></table:table-row>"
        f'<table:table-row table:number-rows-repeated="{rows}"><table:table-cell '
        f'table:number-columns-repeated="{columns}" {string}><text:p>Ann</text:p>'
        "</table:table-cell></table:table-row></table:table></office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", _ODS_MANIFEST, zipfile.ZIP_DEFLATED)
    return path

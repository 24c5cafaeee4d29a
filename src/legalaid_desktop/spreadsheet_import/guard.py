"""What a spreadsheet file may make the reader do: bounded before it is read.

The reader (python-calamine, docs/import.md) builds a sheet as one dense block of cells from its
first to its last used cell, in native code: a 5 KB XLSX with one cell in ``A1`` and one in
``XFD1048576`` asks for 17 billion cells and the allocation failure kills the process (measured:
``memory allocation of 549755813888 bytes failed``, abort). An XLSX or ODS is a zip archive,
which can also unpack to gigabytes (a "zip bomb"). So before the reader sees a file:

* the file is at most :data:`MAX_FILE_BYTES`;
* a zip archive has at most :data:`MAX_ZIP_MEMBERS` members, none declared larger than
  :data:`MAX_MEMBER_BYTES` nor all together larger than :data:`MAX_UNZIPPED_BYTES`; every
  member is then unpacked as a stream and counted (a member that unpacks to more than it
  declared fails its checksum: refused);
* while unpacking, every sheet's XML is scanned for the cells it places (XLSX: the ``r``
  references of ``<c>`` and ``<row>``, or the next position when a cell has none, as the reader
  does; ODS: rows and cells repeated by ``number-rows-repeated`` and
  ``number-columns-repeated``, counting only the ones that hold something, as the reader does),
  and a sheet whose block would exceed :data:`MAX_ROWS` rows, :data:`MAX_COLUMNS` columns or
  :data:`MAX_CELLS` cells is refused with a message that says which.

Nothing here trusts what a file says about itself (the ``<dimension>`` of a sheet is ignored).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from legalaid_desktop.domain.errors import SpreadsheetRejected
from legalaid_desktop.i18n import _

__all__ = [
    "MAX_CELLS",
    "MAX_CELL_CHARS",
    "MAX_COLUMNS",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "checked_archive",
    "checked_file_size",
    "checked_shape",
    "shown",
]

MB: Final = 1024 * 1024
MAX_FILE_BYTES: Final = 64 * MB
"""A center's 10,000 clients fill about 0.7 MB of XLSX (3 MB of CSV)."""
MAX_ZIP_MEMBERS: Final = 5000
MAX_MEMBER_BYTES: Final = 256 * MB
MAX_UNZIPPED_BYTES: Final = 512 * MB
MAX_ROWS: Final = 200_000
"""Rows of one sheet, from row 1 to the last used one (empty rows included)."""
MAX_COLUMNS: Final = 512
MAX_CELLS: Final = 6_000_000
"""Rows × columns of the sheet's block (about 200 MB for the reader at the most)."""
MAX_CELL_CHARS: Final = 32_767
"""The most characters a spreadsheet program puts in one cell (Excel's own limit)."""

_CHUNK: Final = 1 << 20


def shown(text: str, limit: int = 60) -> str:
    """Text from a file (a sheet's name) as a message may quote it: printable, at most
    ``limit`` characters (a hostile file's names go into one short line)."""
    clean = "".join(ch if ch.isprintable() else "?" for ch in text)
    return clean if len(clean) <= limit else clean[: limit - 1] + "…"


def checked_file_size(path: Path) -> int:
    """The size of the file at ``path``, refused above :data:`MAX_FILE_BYTES`."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise SpreadsheetRejected(
            _(
                "The file is larger than {limit} MB: a center's list of clients is much "
                "smaller. Save it without pictures, or split it into several files."
            ).format(limit=MAX_FILE_BYTES // MB)
        )
    return size


def checked_shape(rows: int, cols: int, sheet: str) -> None:
    """Refuse a sheet of more than :data:`MAX_ROWS` rows, :data:`MAX_COLUMNS` columns or
    :data:`MAX_CELLS` cells."""
    if rows > MAX_ROWS:
        raise SpreadsheetRejected(
            _(
                "The sheet '{sheet}' reaches row {rows}: at most {limit} rows can be imported "
                "at once. Split the file (or delete a stray cell far below the list)."
            ).format(sheet=shown(sheet), rows=rows, limit=MAX_ROWS)
        )
    if cols > MAX_COLUMNS:
        raise SpreadsheetRejected(
            _(
                "The sheet '{sheet}' reaches column {cols}: at most {limit} columns can be "
                "read. Delete the empty columns at its right (or a stray cell far to the right) "
                "and save it again."
            ).format(sheet=shown(sheet), cols=cols, limit=MAX_COLUMNS)
        )
    if rows * cols > MAX_CELLS:
        raise SpreadsheetRejected(
            _(
                "The sheet '{sheet}' spans {rows} rows and {cols} columns, more cells than can "
                "be read at once ({limit}). Split the file."
            ).format(sheet=shown(sheet), rows=rows, cols=cols, limit=MAX_CELLS)
        )


def _damaged() -> SpreadsheetRejected:
    return SpreadsheetRejected(
        _("The file is damaged, or it is not a spreadsheet (XLSX, ODS or CSV).")
    )


def _bomb() -> SpreadsheetRejected:
    return SpreadsheetRejected(
        _(
            "The file unpacks to more than {limit} MB: it is refused (a real list of clients "
            "is far smaller; the file may have been made to overload the computer)."
        ).format(limit=MAX_UNZIPPED_BYTES // MB)
    )


@dataclass
class _Extent:
    """The block of cells a sheet places: rows and columns to the last one used (1-based)."""

    rows: int = 0
    cols: int = 0


# -- XLSX ---------------------------------------------------------------------------------------

_XLSX_TAG: Final = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s/>])([^>]*)>")
_REF: Final = re.compile(rb"""\sr\s*=\s*["']([A-Za-z]{0,4})([0-9]{0,8})["']""")
_XLSX_CELL_REF: Final = re.compile(rb' r="([A-Z]{1,4})([0-9]{1,8})"')
"""A cell's reference as programs write it (only a cell has an ``r`` of letters and digits);
a reference written otherwise is missed, the counts differ and the slow way reads it."""


def _cell_count(body: bytes) -> int:
    count = body.count(b"<c ") + body.count(b"<c>") + body.count(b"<c/>")
    if b":c" in body:  # a namespace prefix (<x:c r="A1">)
        count += len(re.findall(rb"<[A-Za-z_][\w.-]*:c(?=[\s/>])", body))
    return count


def _highest(refs: list[tuple[bytes, bytes]]) -> tuple[int, int]:
    """The highest row and column (1-based) among cell references."""
    cols, rows = zip(*refs, strict=True)
    return max(map(int, rows)), max(_letters(c) for c in set(cols)) + 1


class _XlsxScan:
    """Where the cells of a worksheet's XML fall, position by position as the reader places
    them: a reference when the element has one, else the next row or column.

    Every program writes a reference on every cell; while they all have one, a chunk is
    scanned by two regular expressions only (the fast way). A cell without one sends the
    rest of the sheet through :meth:`feed`, tag by tag.
    """

    def __init__(self) -> None:
        self.extent = _Extent()
        self.row = -1
        self.col = -1
        self.slow = False

    def chunk(self, body: bytes) -> None:
        if not self.slow:
            refs = _XLSX_CELL_REF.findall(body)
            if len(refs) == _cell_count(body):
                if refs:
                    rows, cols = _highest(refs)
                    self.extent.rows = max(self.extent.rows, rows)
                    self.extent.cols = max(self.extent.cols, cols)
                    last = refs[-1]
                    self.row, self.col = int(last[1]) - 1, _letters(last[0])
                return
            self.slow = True
        for m in _XLSX_TAG.finditer(body):
            self.feed(m.group(1), m.group(2))

    def feed(self, tag: bytes, attrs: bytes) -> None:
        ref = _REF.search(attrs)
        if tag == b"row":
            self.row = int(ref.group(2)) - 1 if ref and ref.group(2) else self.row + 1
            self.col = -1
            return
        if ref and ref.group(1):
            self.col = _letters(ref.group(1))
            if ref.group(2):
                self.row = int(ref.group(2)) - 1
        else:
            self.col += 1
        self.extent.rows = max(self.extent.rows, self.row + 1)
        self.extent.cols = max(self.extent.cols, self.col + 1)


def _letters(raw: bytes) -> int:
    n = 0
    for ch in raw.upper():
        n = n * 26 + (ch - ord("A") + 1)
    return n - 1


# -- ODS ----------------------------------------------------------------------------------------

_ODS_TAG: Final = re.compile(
    rb"<(/?)(?:[\w.-]+:)?(table-row|table-cell|covered-table-cell|table)(?=[\s/>])([^>]*?)(/?)>"
)
_ROWS_REPEATED: Final = re.compile(rb"number-rows-repeated\s*=\s*[\"']([0-9]{1,12})[\"']")
_COLS_REPEATED: Final = re.compile(rb"number-columns-repeated\s*=\s*[\"']([0-9]{1,12})[\"']")
_VALUE_TYPE: Final = re.compile(rb"value-type\s*=")


class _OdsScan:
    """The same for the ``content.xml`` of an ODS file: repeated rows and cells count only
    when they hold something (a program writes the empty rest of a sheet as one repeated
    empty row, which the reader skips)."""

    def __init__(self) -> None:
        self.extent = _Extent()
        self.row = 0  # the next row's index
        self.repeat = 1
        self.col = 0
        self.used_cols = 0

    def feed(self, closing: bytes, tag: bytes, attrs: bytes, empty: bytes) -> None:
        if tag == b"table":
            if not closing:
                self.row = 0
            return
        if tag == b"table-row":
            if closing:
                self._end_row()
                return
            found = _ROWS_REPEATED.search(attrs)
            self.repeat = int(found.group(1)) if found else 1
            self.col = self.used_cols = 0
            if empty:
                self.row += self.repeat
            return
        if closing:
            return
        found = _COLS_REPEATED.search(attrs)
        count = int(found.group(1)) if found else 1
        self.col += count
        if not empty or _VALUE_TYPE.search(attrs):
            self.used_cols = self.col

    def _end_row(self) -> None:
        if self.used_cols:
            self.extent.rows = max(self.extent.rows, self.row + self.repeat)
            self.extent.cols = max(self.extent.cols, self.used_cols)
        self.row += self.repeat


# -- the archive --------------------------------------------------------------------------------


def _is_sheet(kind: str, name: str) -> bool:
    if kind == "ods":
        return name == "content.xml"
    return name.startswith("xl/worksheets/") and name.endswith(".xml")


def _scan_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, kind: str) -> tuple[int, _Extent]:
    """Unpack one member as a stream: its real size, and the extent of a sheet's cells."""
    sheet = _is_sheet(kind, info.filename)
    xlsx, ods = _XlsxScan(), _OdsScan()
    size = 0
    tail = b""
    with archive.open(info) as stream:
        while True:
            chunk = stream.read(_CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > MAX_MEMBER_BYTES:
                raise _bomb()
            if not sheet:
                continue
            data = tail + chunk
            cut = data.rfind(b"<")
            if cut == -1 or data.find(b">", cut) != -1:
                cut = len(data)
            body, tail = data[:cut], data[cut:]
            if len(tail) > _CHUNK:  # a tag longer than a megabyte: no spreadsheet has one
                raise _damaged()
            if kind == "ods":
                for m in _ODS_TAG.finditer(body):
                    ods.feed(m.group(1), m.group(2), m.group(3), m.group(4))
            else:
                xlsx.chunk(body)
    return size, ods.extent if kind == "ods" else xlsx.extent


def checked_archive(path: Path, kind: str) -> None:
    """Refuse an XLSX or ODS (``kind``) that unpacks to too much, is damaged, or holds a sheet
    whose block of cells exceeds the limits (see the module docstring)."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                raise _damaged()
            declared = 0
            for info in members:
                if info.file_size > MAX_MEMBER_BYTES:
                    raise _bomb()
                declared += info.file_size
            if declared > MAX_UNZIPPED_BYTES:
                raise _bomb()
            total = 0
            for info in members:
                if info.is_dir():
                    continue
                size, extent = _scan_member(archive, info, kind)
                total += size
                if total > MAX_UNZIPPED_BYTES:
                    raise _bomb()
                if extent.rows or extent.cols:
                    checked_shape(extent.rows, extent.cols, _sheet_label(info.filename))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError) as exc:
        raise _damaged() from exc
    except RuntimeError as exc:  # an encrypted member
        raise SpreadsheetRejected(
            _("The spreadsheet is protected by a password: save it without one and try again.")
        ) from exc


def _sheet_label(member: str) -> str:
    """A readable name of a sheet's part (``sheet1``), for a message."""
    return member.rsplit("/", 1)[-1].removesuffix(".xml")

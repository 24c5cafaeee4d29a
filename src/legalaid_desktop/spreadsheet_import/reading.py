"""Reading a spreadsheet file into a :class:`~.cells.Table`: XLSX and ODS with python-calamine,
CSV with the standard library.

The reader was chosen by measurement (``bench/bench_spreadsheet_readers.py``, docs/import.md):
python-calamine reads a center's 10,000-row XLSX about nine times faster than openpyxl, gives
the merged ranges of the header (openpyxl's streaming mode does not) and reads ODS too. It
allocates a sheet as one dense block, so every file first passes :mod:`.guard`.

What the reader gives, as :func:`~.cells.normalized` keeps it: dates stored as dates are
:class:`~datetime.date` (a date-time at midnight too); dates typed as text stay text (the
mapping's date rules read them, :mod:`.values`); numbers are ``float`` (``1985.0``: whole
numbers are read as such by :mod:`.values`); empty cells and empty rows are ``None``; a formula
cell gives the value it last showed (never the formula). Old Excel files (``.xls``) and
password-protected workbooks are refused with a message saying to save them as XLSX.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any, Final

from legalaid_desktop.domain.errors import SpreadsheetRejected
from legalaid_desktop.i18n import _
from legalaid_desktop.spreadsheet_import import csv_text, guard
from legalaid_desktop.spreadsheet_import.cells import (
    Cell,
    Merged,
    Row,
    Table,
    cell_name,
    normalized,
)

__all__ = ["KINDS", "read_table"]

KINDS: Final = ("xlsx", "ods", "csv")
_ZIP: Final = b"PK\x03\x04"
_OLE: Final = b"\xd0\xcf\x11\xe0"
_ODS_MIME: Final = b"application/vnd.oasis.opendocument.spreadsheet"


def _kind(path: Path) -> str:
    """``xlsx``, ``ods`` or ``csv`` from the file's first bytes (not its name)."""
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(_OLE):
        raise SpreadsheetRejected(
            _(
                "This is an old Excel file (.xls) or a workbook protected by a password. Open "
                "it in the spreadsheet program and save it as .xlsx (without a password)."
            )
        )
    if not head.startswith(_ZIP):
        if path.suffix.lower() in (".xlsx", ".xlsm", ".ods"):
            raise SpreadsheetRejected(
                _("The file is damaged, or it is not a spreadsheet (XLSX, ODS or CSV).")
            )
        return "csv"
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" in names:
                return "xlsx"
            if "mimetype" in names and archive.read("mimetype").strip() == _ODS_MIME:
                return "ods"
    except zipfile.BadZipFile as exc:
        raise SpreadsheetRejected(
            _("The file is damaged, or it is not a spreadsheet (XLSX, ODS or CSV).")
        ) from exc
    raise SpreadsheetRejected(
        _("This archive is not a spreadsheet: choose an XLSX, ODS or CSV file.")
    )


def _too_long(row: int, col: int, size: int) -> SpreadsheetRejected:
    return SpreadsheetRejected(
        _(
            "Cell {cell} holds {size} characters, more than a spreadsheet cell can ({limit}): "
            "the file was not read."
        ).format(cell=cell_name(row, col), size=size, limit=guard.MAX_CELL_CHARS)
    )


def _padded(raw: Sequence[Sequence[Any]]) -> tuple[tuple[Row, ...], int]:
    """The rows as :data:`~.cells.Cell` values, each as wide as the widest; a cell longer
    than a spreadsheet cell can be (a hostile file) is refused, by name."""
    width = max((len(r) for r in raw), default=0)
    limit = guard.MAX_CELL_CHARS
    rows: list[Row] = []
    for r, row in enumerate(raw):
        cells: list[Cell] = []
        for value in row:
            kind = type(value)
            if kind is str:
                if len(value) > limit:
                    raise _too_long(r, len(cells), len(value))
                cells.append(value if value and not value.isspace() else None)
            elif kind is float or kind is int or kind is date:
                cells.append(value)
            else:
                cells.append(normalized(value))
        cells.extend([None] * (width - len(cells)))
        rows.append(tuple(cells))
    return tuple(rows), width


def _read_workbook(path: Path, kind: str, sheet: str | None) -> Table:
    import python_calamine  # imported here: only an import reads spreadsheets

    guard.checked_archive(path, kind)
    try:
        with python_calamine.CalamineWorkbook.from_path(str(path)) as book:
            names = tuple(book.sheet_names)
            visible = [
                m.name
                for m in book.sheets_metadata
                if m.visible == python_calamine.SheetVisibleEnum.Visible
                and m.typ == python_calamine.SheetTypeEnum.WorkSheet
            ]
            if sheet is not None and sheet not in names:
                raise SpreadsheetRejected(
                    _("The file has no sheet named '{sheet}' (it has: {names}).").format(
                        sheet=guard.shown(sheet), names=guard.shown(", ".join(names), 200)
                    )
                )
            chosen = sheet or (visible[0] if visible else names[0] if names else None)
            if chosen is None:
                raise SpreadsheetRejected(_("The spreadsheet has no sheet."))
            data = book.get_sheet_by_name(chosen)
            raw = data.to_python(skip_empty_area=False)
            merged = tuple(
                Merged(a[0], a[1], b[0], b[1]) for a, b in (data.merged_cell_ranges or ())
            )
    except python_calamine.CalamineError as exc:
        if isinstance(exc, python_calamine.PasswordError):
            raise SpreadsheetRejected(
                _("The spreadsheet is protected by a password: save it without one.")
            ) from exc
        # the reader's message may quote the file's content: not shown
        raise SpreadsheetRejected(
            _("The file is damaged, or it is not a spreadsheet (XLSX, ODS or CSV).")
        ) from exc
    rows, width = _padded(raw)
    guard.checked_shape(len(rows), width, chosen)
    return Table(
        file_name=path.name,
        kind=kind,
        sheet=chosen,
        sheets=names,
        rows=rows,
        width=width,
        merged=merged,
    )


def _read_csv(path: Path, encoding: str | None, delimiter: str | None) -> Table:
    raw, used, sep = csv_text.parse(path.read_bytes(), encoding=encoding, delimiter=delimiter)
    rows, width = _padded(raw)
    guard.checked_shape(len(rows), width, path.name)
    return Table(
        file_name=path.name,
        kind="csv",
        sheet="",
        sheets=(),
        rows=rows,
        width=width,
        encoding=used,
        delimiter=sep,
    )


def read_table(
    path: Path,
    sheet: str | None = None,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> Table:
    """Read one sheet of the spreadsheet at ``path``.

    Args:
        path: An XLSX, ODS or CSV file (recognized by its content, not its name).
        sheet: The sheet to read; the first visible one by default. Not used for CSV.
        encoding: A CSV file's encoding instead of detecting it (:data:`csv_text.ENCODINGS`).
        delimiter: A CSV file's delimiter instead of detecting it.

    Raises:
        SpreadsheetRejected: The file is too large, damaged, hostile, protected by a password,
            an old ``.xls``, or has no such sheet; the message says which, never a cell's
            content.
        OSError: The file cannot be opened.
    """
    guard.checked_file_size(path)
    kind = _kind(path)
    if kind == "csv":
        return _read_csv(path, encoding, delimiter)
    return _read_workbook(path, kind, sheet)

"""Tables to files people open in a spreadsheet: XLSX and CSV (docs/statistics.md).

XLSX (XlsxWriter in constant-memory mode, chosen by measurement: docs/statistics.md): one sheet
per table, numbers as numbers, the header row frozen, column widths from the content, and a
sheet of parameters. Text is always written as text, never as a formula. The file is written
beside its destination and moved into place when complete (``fsutil.atomic_file``); the
library's own temporary files go to the same folder, never to the system's temporary folder.

CSV: UTF-8 with a byte-order mark (so that Excel reads Azerbaijani and Russian letters), and the
separator Excel expects in the user's language: Excel splits a CSV at the Windows "list
separator", which is ``;`` where the decimal separator is a comma (az-Latn-AZ, ru-RU) and ``,``
where it is a point (en-US). A text cell that a spreadsheet would take for a formula (starting
with ``=``, ``+``, ``-``, ``@``) gets a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from pathlib import Path

from legalaid_desktop.fsutil import atomic_file

Cell = str | int | float | None
RecordCell = Cell | date
"""A cell of a sheet: text, a number, or a date (an XLSX date cell shown ``dd.mm.yyyy``; ISO in a
CSV, which Excel reads as a date in every language)."""
CSV_SEPARATORS: dict[str, str] = {"az": ";", "ru": ";", "en": ","}
"""The list separator of Windows (and so of Excel) in each language's main locale."""
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_WIDTH_SAMPLE = 200
_MAX_WIDTH = 60
_INVALID_TITLE = str.maketrans({c: "_" for c in "[]:*?/\\"})


@dataclass(frozen=True)
class Sheet:
    """One table: a title (the sheet's name), a header and rows (any iterable: streamed)."""

    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[RecordCell]] = field(default_factory=tuple)


def csv_separator(lang: str) -> str:
    return CSV_SEPARATORS.get(lang, ",")


def _safe_text(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def csv_bytes(sheet: Sheet, lang: str) -> bytes:
    """``sheet`` as CSV for Excel in ``lang`` (see the module's docstring)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=csv_separator(lang), lineterminator="\r\n")
    writer.writerow([_safe_text(h) for h in sheet.header])
    for row in sheet.rows:
        writer.writerow(_csv_cells(row))
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def _csv_cells(row: Sequence[RecordCell]) -> list[object]:
    return [
        ""
        if c is None
        else _safe_text(c)
        if isinstance(c, str)
        else c.isoformat()
        if isinstance(c, date)
        else c
        for c in row
    ]


def write_csv(path: Path, sheet: Sheet, lang: str) -> int:
    """``sheet`` as :func:`csv_bytes` does, streamed to ``path`` (whole or not at all: an error
    raised while the rows are read, a cancel, leaves nothing behind).

    Returns:
        The number of data rows written.
    """
    n = 0
    with atomic_file(path) as tmp, open(tmp, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=csv_separator(lang), lineterminator="\r\n")
        writer.writerow([_safe_text(h) for h in sheet.header])
        for row in sheet.rows:
            writer.writerow(_csv_cells(row))
            n += 1
    return n


def _title(title: str, taken: set[str]) -> str:
    base = title.translate(_INVALID_TITLE).strip("'")[:31] or "sheet"
    name, n = base, 1
    while name.casefold() in taken:
        n += 1
        name = f"{base[: 31 - len(str(n)) - 1]}-{n}"
    taken.add(name.casefold())
    return name


def _width(value: RecordCell) -> int:
    if isinstance(value, date):
        return 12
    return min(_MAX_WIDTH, max(6, len(str(value if value is not None else "")) + 2))


def write_xlsx(
    path: Path,
    sheets: Sequence[Sheet],
    parameters: Sequence[tuple[str, Cell]] = (),
    parameters_title: str = "parameters",
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write ``sheets`` and a parameters sheet to ``path`` (whole or not at all).

    ``progress`` is called with the number of rows written so far every 5,000 rows (a GUI's
    progress bar; raising in it cancels, and nothing is left behind).

    Returns:
        The number of data rows written (all sheets, without headers and parameters).
    """
    import xlsxwriter  # imported here: only an export needs it

    written = 0
    # The library's own temporary files (one per sheet) go to a folder of their own beside the
    # destination, removed however the writing ends (an error or a cancel in the rows too).
    with (
        atomic_file(path) as tmp,
        tempfile.TemporaryDirectory(prefix=f".{path.name}.", dir=path.parent) as scratch,
    ):
        book = xlsxwriter.Workbook(str(tmp), {"constant_memory": True, "tmpdir": scratch})
        try:
            header_format = book.add_format({"bold": True, "bottom": 1})
            date_format = book.add_format({"num_format": "dd.mm.yyyy"})
            taken: set[str] = set()
            for sheet in sheets:
                written += _write_sheet(
                    book, sheet, header_format, taken, written, progress, date_format
                )
            if parameters:
                params = Sheet(parameters_title, ("", ""), [(k, v) for k, v in parameters])
                _write_sheet(book, params, header_format, taken, 0, None, header=False)
        finally:
            book.close()
    return written


def _write_sheet(
    book: object,
    sheet: Sheet,
    header_format: object,
    taken: set[str],
    done: int,
    progress: Callable[[int], None] | None,
    date_format: object = None,
    *,
    header: bool = True,
) -> int:
    ws = book.add_worksheet(_title(sheet.title, taken))  # type: ignore[attr-defined]
    rows: Iterator[Sequence[RecordCell]] = iter(sheet.rows)
    sample = list(islice(rows, _WIDTH_SAMPLE))
    widths = [_width(h) for h in sheet.header] if header else [0] * len(sheet.header)
    for row in sample:
        for i, cell in enumerate(row):
            if i >= len(widths):
                widths.append(0)
            widths[i] = max(widths[i], _width(cell))
    for i, w in enumerate(widths):  # constant-memory mode: columns before any row
        ws.set_column(i, i, w)
    r = 0
    if header:
        ws.freeze_panes(1, 0)
        for c, h in enumerate(sheet.header):
            ws.write_string(0, c, h, header_format)
        r = 1
    n = 0
    for row in _chain(sample, rows):
        for c, cell in enumerate(row):
            if cell is None:
                continue
            if isinstance(cell, date):
                ws.write_datetime(r, c, cell, date_format)
            elif isinstance(cell, bool) or not isinstance(cell, int | float):
                ws.write_string(r, c, str(cell))
            else:
                ws.write_number(r, c, cell)
        r += 1
        n += 1
        if progress is not None and n % 5000 == 0:
            progress(done + n)
    return n


def _chain(
    first: list[Sequence[RecordCell]], rest: Iterator[Sequence[RecordCell]]
) -> Iterator[Sequence[RecordCell]]:
    yield from first
    yield from rest

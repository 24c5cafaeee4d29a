"""A CSV file's text: its encoding and delimiter, found as a center's files come.

Encodings, in this order:

* a byte-order mark says it: UTF-8 (Excel's "CSV UTF-8"), UTF-16 (Excel's "Unicode text",
  tab-separated);
* NUL bytes without a UTF-16 mark: not a text file, refused;
* text that decodes as UTF-8 is UTF-8;
* otherwise a Windows code page: **cp1251** (Excel on a Russian Windows) or **cp1254** (on an
  Azerbaijani or Turkish Latin one). Both decode any byte, so the bytes decide: Cyrillic words
  are runs of bytes from 0xC0 up, while in Azerbaijani Latin text such a byte is one letter
  among ASCII ones (``Ya\\xfeayi\\xfe`` = Yaşayış). When most high bytes stand next to another,
  it is cp1251.

The delimiter is the one of ``,`` ``;`` and tab that splits the first lines into the most
columns the most consistently (Excel writes ``;`` where the decimal comma is used, as in
Azerbaijan and Russia); a first line ``sep=;`` (Excel's own hint) decides and is skipped.
A mapping may fix either (``csv.encoding``, ``csv.delimiter``).
"""

from __future__ import annotations

import codecs
import csv
import io
from collections import Counter
from typing import Final

from legalaid_desktop.domain.errors import SpreadsheetRejected
from legalaid_desktop.i18n import _
from legalaid_desktop.spreadsheet_import.guard import MAX_CELL_CHARS, MAX_COLUMNS, MAX_ROWS

__all__ = ["DELIMITERS", "ENCODINGS", "decode", "delimiter_of", "parse"]

ENCODINGS: Final = ("utf-8", "utf-8-sig", "utf-16", "cp1251", "cp1254")
DELIMITERS: Final = (",", ";", "\t")
_SAMPLE_LINES: Final = 50


def _code_page(data: bytes) -> str:
    """cp1251 or cp1254 for text that is not UTF-8 (see the module docstring)."""
    high = paired = 0
    for i, byte in enumerate(data):
        if byte < 0xC0:
            continue
        high += 1
        before = data[i - 1] if i else 0
        after = data[i + 1] if i + 1 < len(data) else 0
        if before >= 0xC0 or after >= 0xC0:
            paired += 1
    return "cp1251" if high and paired * 2 >= high else "cp1254"


def decode(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was read with.

    Args:
        data: The file's bytes.
        encoding: One of :data:`ENCODINGS` to use instead of detecting it.

    Raises:
        SpreadsheetRejected: NUL bytes in a file that is not UTF-16; a file that does not
            decode in the encoding given.
    """
    if encoding is None:
        if data.startswith(codecs.BOM_UTF8):
            encoding = "utf-8-sig"
        elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            encoding = "utf-16"
        elif b"\x00" in data:
            raise SpreadsheetRejected(
                _(
                    "The file contains NUL bytes: it is not a text (CSV) file. Save the list "
                    "as XLSX or as CSV from the spreadsheet program."
                )
            )
        else:
            try:
                return data.decode("utf-8"), "utf-8"
            except UnicodeDecodeError:
                encoding = _code_page(data)
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise SpreadsheetRejected(
            _("The file is not text in the encoding {encoding}.").format(encoding=encoding)
        ) from exc
    if "\x00" in text:
        raise SpreadsheetRejected(
            _("The file contains NUL characters: it is not a text (CSV) file.")
        )
    return text, encoding


def _sep_hint(text: str) -> tuple[str | None, str]:
    """Excel's ``sep=X`` first line: the delimiter and the text after that line."""
    first, newline, rest = text.partition("\n")
    line = first.strip("\r\ufeff ")
    if line.lower().startswith("sep=") and len(line) == 5 and line[4] in DELIMITERS:
        return line[4], rest if newline else ""
    return None, text


def delimiter_of(text: str) -> str:
    """The delimiter of ``,`` ``;`` tab that splits the first lines most consistently."""
    lines = [line for line in text.splitlines()[: _SAMPLE_LINES * 2] if line.strip()]
    lines = lines[:_SAMPLE_LINES]
    best, best_score = ",", 0.0
    for candidate in DELIMITERS:
        try:
            widths = [len(r) for r in csv.reader(lines, delimiter=candidate)]
        except csv.Error:
            continue
        if not widths:
            continue
        width, agreeing = Counter(widths).most_common(1)[0]
        if width < 2:
            continue
        score = agreeing / len(widths) * width
        if score > best_score:
            best, best_score = candidate, score
    return best


def parse(
    data: bytes, *, encoding: str | None = None, delimiter: str | None = None
) -> tuple[list[list[str]], str, str]:
    """The rows of a CSV file (cells as text), its encoding and its delimiter.

    Raises:
        SpreadsheetRejected: Not text, a cell longer than a spreadsheet cell can be, too many
            rows or columns, or a quote left open.
    """
    text, used = decode(data, encoding)
    hint, text = _sep_hint(text)
    sep = delimiter or hint or delimiter_of(text)
    rows: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=False)
    try:
        for row in reader:
            if len(row) > MAX_COLUMNS:
                raise SpreadsheetRejected(
                    _(
                        "Row {row} has {n} columns: at most {limit} can be read. Is it a "
                        "list of clients?"
                    ).format(row=reader.line_num, n=len(row), limit=MAX_COLUMNS)
                )
            for cell in row:
                if len(cell) > MAX_CELL_CHARS:
                    raise _cell_too_long(reader.line_num, len(cell))
            rows.append(row)
            if len(rows) > MAX_ROWS:
                raise SpreadsheetRejected(
                    _("The file has more than {limit} rows: split it.").format(limit=MAX_ROWS)
                )
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise _cell_too_long(reader.line_num, None) from exc
        raise SpreadsheetRejected(
            _("The CSV file is malformed near line {line}.").format(line=reader.line_num)
        ) from exc
    return rows, used, sep


def _cell_too_long(line: int, size: int | None) -> SpreadsheetRejected:
    if size is None:
        return SpreadsheetRejected(
            _(
                "A cell near line {line} is longer than a spreadsheet cell can be ({limit} "
                "characters): the file was not read."
            ).format(line=line, limit=MAX_CELL_CHARS)
        )
    return SpreadsheetRejected(
        _(
            "A cell near line {line} holds {size} characters, more than a spreadsheet cell "
            "can ({limit}): the file was not read."
        ).format(line=line, size=size, limit=MAX_CELL_CHARS)
    )

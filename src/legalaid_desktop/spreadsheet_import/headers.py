"""The header of a sheet: which row, how many rows, and each column's title.

A center's sheet often has a header of two rows: a merged cell over several columns groups
them (``Müraciət edən`` over ``Soyadı``, ``Adı``, ``Atasının adı``), and a cell merged down
two rows heads a column alone (``Telefon``). A column's title is the texts of the header rows
above it, a merged cell's text spread over every column it covers, each text once, joined
with `` / `` (``Müraciət edən / Soyadı``; ``Telefon``).
"""

from __future__ import annotations

from typing import Final

from legalaid_desktop.spreadsheet_import.cells import Table, column_letter
from legalaid_desktop.spreadsheet_import.fields import guess_field
from legalaid_desktop.spreadsheet_import.values import blank, text_of

__all__ = ["bottom_titles", "column_titles", "guess_header", "header_cell"]

_LOOK_AT: Final = 20
"""The header is looked for in the first rows only."""
_SEPARATOR: Final = " / "


def header_cell(table: Table, row: int, col: int) -> str:
    """The text at ``(row, col)`` (0-based) as a header shows it: a cell covered by a merged
    range shows the range's text."""
    value = table.cell(row, col)
    if blank(value):
        for merged in table.merged:
            if merged.covers(row, col):
                value = table.cell(merged.first_row, merged.first_col)
                break
    return "" if blank(value) else " ".join(text_of(value).split())


def column_titles(table: Table, header_row: int, header_rows: int) -> list[str]:
    """Each column's title (see the module docstring); letters when there is no header
    (``header_row`` 0). ``header_row`` is 1-based: the last row of the header."""
    if header_row <= 0:
        return [column_letter(c) for c in range(table.width)]
    top = max(0, header_row - max(1, header_rows))
    titles = []
    for col in range(table.width):
        parts: list[str] = []
        for row in range(top, header_row):
            text = header_cell(table, row, col)
            if text and text not in parts:
                parts.append(text)
        titles.append(_SEPARATOR.join(parts))
    return titles


def bottom_titles(table: Table, header_row: int) -> list[str]:
    """Each column's text in the last header row only (the most specific words)."""
    if header_row <= 0:
        return [""] * table.width
    return [header_cell(table, header_row - 1, col) for col in range(table.width)]


def _guessed(table: Table, row: int) -> int:
    return sum(1 for col in range(table.width) if guess_field(header_cell(table, row, col)))


def guess_header(table: Table) -> tuple[int, int]:
    """The header's last row (1-based) and its number of rows, as the first rows suggest.

    The row among the first 20 whose cells name the most fields (at least two) ends the
    header; rows above it that hold a merged range over several columns belong to it. Without
    such a row, the first row that is not empty is the header.
    """
    best_row, best = -1, 1
    for row in range(min(_LOOK_AT, len(table.rows))):
        found = _guessed(table, row)
        if found > best:
            best_row, best = row, found
    if best_row < 0:
        first = next(
            (r for r, cells in enumerate(table.rows) if any(not blank(v) for v in cells)), None
        )
        return (0, 1) if first is None else (first + 1, 1)
    rows = 1
    while best_row - rows >= 0 and any(
        m.first_row <= best_row - rows <= m.last_row and m.last_col > m.first_col
        for m in table.merged
    ):
        rows += 1
    return best_row + 1, rows

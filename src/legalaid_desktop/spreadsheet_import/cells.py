"""A spreadsheet as read: a :class:`Table` of cells, and where a cell is (``B7``).

Row and column indexes are 0-based inside; people read a row number from 1 and a column
letter (:func:`column_letter`, :func:`cell_name`), as the spreadsheet program shows them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TypeAlias

Cell: TypeAlias = str | int | float | bool | date | datetime | time | timedelta | None
"""One cell's value: ``None`` when empty; dates as :class:`date` (or :class:`datetime`)."""

Row: TypeAlias = tuple[Cell, ...]


@dataclass(frozen=True)
class Merged:
    """A merged range of cells (inclusive, 0-based): its value sits in the top-left cell."""

    first_row: int
    first_col: int
    last_row: int
    last_col: int

    def covers(self, row: int, col: int) -> bool:
        return self.first_row <= row <= self.last_row and self.first_col <= col <= self.last_col


@dataclass(frozen=True)
class Table:
    """One sheet of a spreadsheet file, every row padded to :attr:`width`.

    Attributes:
        file_name: The file's name (without its folder: it goes into the audit log).
        kind: ``"xlsx"``, ``"ods"`` or ``"csv"``.
        sheet: The sheet read (``""`` for a CSV file).
        sheets: Every sheet of the file, in order.
        rows: Row 0 is the spreadsheet's row 1.
        width: The number of columns.
        merged: The merged ranges (XLSX only: the reader gives none for ODS or CSV).
        encoding: A CSV file's text encoding as detected (``utf-8``, ``cp1251``, ...).
        delimiter: A CSV file's delimiter as detected.
    """

    file_name: str
    kind: str
    sheet: str
    sheets: tuple[str, ...]
    rows: tuple[Row, ...]
    width: int
    merged: tuple[Merged, ...] = ()
    encoding: str = ""
    delimiter: str = ""
    notes: tuple[str, ...] = field(default=())

    def cell(self, row: int, col: int) -> Cell:
        if 0 <= row < len(self.rows) and 0 <= col < self.width:
            return self.rows[row][col]
        return None


def column_letter(col: int) -> str:
    """``0`` → ``A``, ``25`` → ``Z``, ``26`` → ``AA``."""
    letters = ""
    n = col + 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def column_index(letters: str) -> int:
    """``A`` → ``0``, ``AA`` → ``26``; ``ValueError`` for anything but Latin letters."""
    letters = letters.strip().upper()
    if not letters or not letters.isascii() or not letters.isalpha() or len(letters) > 4:
        raise ValueError(letters)
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - ord("A") + 1)
    return n - 1


def cell_name(row: int, col: int) -> str:
    """``(6, 1)`` → ``B7``."""
    return f"{column_letter(col)}{row + 1}"


def is_blank(value: Cell) -> bool:
    """Whether a cell is empty: nothing, or only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


def normalized(value: object) -> Cell:
    """A reader's cell value as a :data:`Cell`: ``""`` and spaces are ``None``; a date-time at
    midnight is a :class:`date`."""
    if value is None:
        return None
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, datetime):
        if value.time() == time(0, 0) and value.tzinfo is None:
            return value.date()
        return value
    if isinstance(value, bool | int | float | date | time | timedelta):
        return value
    return str(value)

"""What is wrong with a row, cell by cell, as the preview and the command line list it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

__all__ = ["CaseDraft", "Problem"]


@dataclass(frozen=True)
class Problem:
    """One problem of one row.

    Attributes:
        row: The row's number as the spreadsheet program shows it (from 1).
        column: The cell's column letter (``""`` for the row as a whole: a repeated row).
        header: The column's title.
        field: The field the cell was mapped to (``""`` for the row).
        message: What is wrong.
        expected: What was expected instead (may be empty).
        value: The cell's text, for reference and lawyer columns only (a region's or a
            legal area's name, which a value map can then read); never a name, a phone, an
            address or a date.
        blocking: Whether the row cannot be imported as it is; a note (``False``) only tells
            (a second phone number left out, a gender read from the name).
    """

    row: int
    column: str
    header: str
    field: str
    message: str
    expected: str = ""
    value: str = ""
    blocking: bool = True

    @property
    def cell(self) -> str:
        """``B7``, or ``7`` for the row as a whole."""
        return f"{self.column}{self.row}" if self.column else str(self.row)


@dataclass(frozen=True)
class CaseDraft:
    """The case a row carries, read and checked (the lawyer: a user name, or ``None`` for
    the user who imports)."""

    legal_area: str
    summary: str
    opened_on: date
    status: str
    outcome: str | None = None
    closed_on: date | None = None
    lawyer: str | None = None

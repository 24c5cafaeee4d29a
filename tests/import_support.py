"""Spreadsheets for the import tests (issue 20), written with XlsxWriter in each test (no binary
fixtures): a helper that writes rows (dates as date cells, numbers as numbers, merged ranges),
and a small center list with the usual troubles."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import xlsxwriter

Row = list[object]


def _cell(ref: str) -> tuple[int, int]:
    letters = "".join(ch for ch in ref if ch.isalpha())
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return int(ref[len(letters) :]) - 1, col - 1


def write_xlsx(path: Path, rows: list[Row], merges: tuple[str, ...] = ()) -> Path:
    """``rows`` as an XLSX sheet; ``merges`` (``"B1:C1"``) take the text of their first cell."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Siyahı")
    day = book.add_format({"num_format": "dd.mm.yyyy"})
    covered: set[tuple[int, int]] = set()
    for merge in merges:
        (r0, c0), (r1, c1) = (_cell(x) for x in merge.split(":"))
        sheet.merge_range(r0, c0, r1, c1, str(rows[r0][c0] or ""))
        covered |= {(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None or (r, c) in covered:
                continue
            if isinstance(value, date):
                sheet.write_datetime(r, c, value, day)
            elif isinstance(value, int | float) and not isinstance(value, bool):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, str(value))
    book.close()
    return path


HEADER: list[Row] = [
    ["№", "Müraciət edən", None, None, "Cinsi", "Doğum tarixi", "Telefon", "Rayon",
     "Müraciət", None, None, None],
    [None, "Soyadı", "Adı", "Atasının adı", None, None, None, None, "Hüquq sahəsi",
     "Qısa məzmun", "Müraciət tarixi", "Hüquqşünas"],
]  # fmt: skip
MERGES = ("A1:A2", "B1:D1", "E1:E2", "F1:F2", "G1:G2", "H1:H2", "I1:L1")


def center_rows() -> list[Row]:
    """Rows as a center keeps them: mixed scripts in the name columns, dates as date cells and
    as text in several forms, a year alone, phones as text and as a number, an empty row."""
    return [
        [1, "Əliyev", "Rəşad", "İsmayıl", "Kişi", date(1985, 12, 31), "+994 50 123 45 67",
         "Gəncə", "Ailə", "Aliment ödənilmir", "03.02.2024", "leyla"],
        [2, "Алиева", "Лейла", "Исмаил", "жен.", "31/12/1990", 994551234567, "Шамкирский район",
         "Əmək hüququ", "İşdən qanunsuz çıxarılma", "2024-02-05", None],
        [None] * 12,
        [3, "Mammadov", "Elchin", "Vagif", "M", 1979, "050-111-22-33", "Goranboy r-nu",
         "Kredit", "Bank borcu", date(2024, 3, 1), "Hüseynova L."],
        [4, "Quliyeva", "Səbinə", "Arif", "Q", "12.05.1988", "055 444 55 66", "Samux",
         "Pensiya", "Pensiya təyin olunmayıb", "05.03.2024", "leyla"],
        [5, "Əliyev", "Rəşad", "İsmayıl", "Kişi", date(1985, 12, 31), "+994 50 123 45 67",
         "Gəncə", "Vərəsəlik", "Mirasın bölüşdürülməsi", "10.03.2024", "leyla"],
    ]  # fmt: skip


def center_xlsx(path: Path, extra: list[Row] | None = None) -> Path:
    """The small center list (rows 3 to 8: an empty row 5; rows 3 and 8 one client with two
    cases), with ``extra`` rows after it."""
    return write_xlsx(path, [*HEADER, *center_rows(), *(extra or [])], MERGES)

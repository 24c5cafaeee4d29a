"""A spreadsheet such as a center keeps its clients in, for the import's tests and benchmark.

Before the program, a center's lawyers kept a list in Excel: a row per case, the client's name
in three columns under a merged "Müraciət edən" (applicant), the gender as each lawyer writes
it (``Qadın``, ``K``, ``ж``, ``Мужской``), birth dates as date cells, as text in two or three
forms or as a year, phones as text or as numbers that lost their ``+``, the region in
Azerbaijani or Russian (``Goranboy r-nu``, ``Шамкирский район``), "MKŞ" for an IDP, names in
Azerbaijani Latin, Russian Cyrillic or ASCII in one column, and an empty row here and there.
:func:`write_center_xlsx` writes one (XlsxWriter), :func:`write_center_csv` the same rows as
text (any encoding and delimiter). Every value is made from a seed: the same arguments give the
same file.

``SheetSpec.typos`` puts regions misspelt (``Gorambay``) in that many rows, ``repeats``
copies that many rows again further down (a repeated row), ``second_cases`` gives that many
clients a second row with another case.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Final

from legalaid_desktop.devtools.demo.pools import Names, pools

__all__ = [
    "HEADER_BOTTOM",
    "HEADER_TOP",
    "SheetSpec",
    "center_rows",
    "write_center_csv",
    "write_center_xlsx",
]

HEADER_TOP: Final = (
    "№", "Müraciət edən", "", "", "Cinsi", "Doğum tarixi", "Əlaqə", "", "Rayon", "Status",
    "Əlillik", "Müraciət", "", "", "", "", "",
)  # fmt: skip
HEADER_BOTTOM: Final = (
    "", "Soyadı", "Adı", "Atasının adı", "", "", "Telefon", "Ünvan", "", "", "", "Hüquq sahəsi",
    "Qısa məzmun", "Müraciət tarixi", "Hüquqşünas", "Nəticə", "Bağlanma tarixi",
)  # fmt: skip
_MERGES: Final = (  # (first row, first col, last row, last col), 0-based
    (0, 0, 1, 0), (0, 1, 0, 3), (0, 4, 1, 4), (0, 5, 1, 5), (0, 6, 0, 7), (0, 8, 1, 8),
    (0, 9, 1, 9), (0, 10, 1, 10), (0, 11, 0, 16),
)  # fmt: skip
_FEMALE: Final = ("Qadın", "qadın", "Q", "ж", "Женский", "Qadın")
_MALE: Final = ("Kişi", "kişi", "K", "м", "Мужской", "Kişi")
_REGIONS: Final = (
    "Gəncə", "Gəncə şəhəri", "Goranboy r-nu", "Шамкирский район", "Samux", "Göygöl rayonu",
    "Daşkəsən", "г. Гянджа", "Gəncə", "Gəncə",
)  # fmt: skip
_TYPO_REGIONS: Final = ("Gorambay", "Şəmkr", "Gənce şəhri")
_STATUS: Final = ("Daimi sakin", "", "MKŞ", "Məcburi köçkün", "", "qaçqın", "")
_DISABILITY: Final = ("yoxdur", "", "", "Fiziki", "yoxdur")
_AREAS: Final = {
    "family": ("Ailə", "Ailə hüququ", "Семейное право"),
    "labour": ("Əmək", "Əmək hüququ"),
    "social": ("Pensiya", "Sosial təminat"),
    "credit": ("Kredit", "kredit"),
    "property": ("Mülkiyyət", "Əmlak"),
    "inheritance": ("Vərəsəlik",),
}
_OUTCOMES: Final = ("Hüquqi məsləhət verilib", "Şikayət verilib", "Tam həll olunub", "")


@dataclass(frozen=True)
class SheetSpec:
    """What the spreadsheet holds (see the module docstring)."""

    rows: int = 10_000
    seed: int = 20
    empty_every: int = 57
    typos: int = 0
    repeats: int = 0
    second_cases: int = 0
    lawyers: tuple[str, ...] = ()
    scripts: tuple[tuple[str, float], ...] = (("az", 0.7), ("ru", 0.2), ("ascii", 0.1))
    start: date = field(default=date(2019, 1, 1))


def _birth(rng: random.Random) -> Any:
    born = date(rng.randint(1945, 2004), rng.randint(1, 12), rng.randint(1, 28))
    form = rng.random()
    if form < 0.4:
        return born
    if form < 0.65:
        return born.strftime("%d.%m.%Y")
    if form < 0.75:
        return f"{rng.randint(13, 28)}/{born.month:02d}/{born.year}"  # day first, unmistakably
    if form < 0.9:
        return float(born.year)
    return None


def _phone(rng: random.Random, n: int) -> Any:
    digits = f"{rng.choice(('50', '51', '55', '70', '77'))}{n % 10_000_000:07d}"
    form = rng.random()
    if form < 0.45:
        return f"+994 {digits[:2]} {digits[2:5]} {digits[5:7]} {digits[7:]}"
    if form < 0.75:
        return f"0{digits[:2]}-{digits[2:5]}-{digits[5:7]}-{digits[7:]}"
    if form < 0.9:
        return float(f"994{digits}")
    return None


def _closing(rng: random.Random, opened: int) -> Any:
    closed = date.fromordinal(min(opened + rng.randint(0, 120), date(2025, 12, 31).toordinal()))
    return closed if rng.random() < 0.5 else closed.strftime("%d.%m.%Y")


def _name(names: Names, rng: random.Random, female: bool, script: str) -> list[str]:
    full, _given, _surname = names.person(rng, female, script)
    words = full.split()
    surname, given = words[0], words[1] if len(words) > 1 else ""
    father = " ".join(words[2:])
    if father and rng.random() < 0.5:
        father = father.split()[0]  # the father's name alone: the gender gives the marker
    return [surname, given, father]


def center_rows(spec: SheetSpec) -> list[list[Any]]:
    """The data rows (without the two header rows), empty rows included as ``[]``."""
    rng = random.Random(spec.seed)
    names = Names(pools())
    problems = pools().problems
    scripts = [s for s, _w in spec.scripts]
    weights = [w for _s, w in spec.scripts]
    rows: list[list[Any]] = []
    span = (date(2025, 12, 31) - spec.start).days
    for n in range(1, spec.rows + 1):
        female = rng.random() < 0.58
        surname, given, father = _name(names, rng, female, rng.choices(scripts, weights)[0])
        area = rng.choice(list(_AREAS))
        opened = spec.start.toordinal() + rng.randint(0, span)
        outcome = rng.choice(_OUTCOMES)
        street = rng.choice(pools().streets)
        rows.append(
            [
                n,
                surname,
                given,
                father,
                rng.choice(_FEMALE if female else _MALE),
                _birth(rng),
                _phone(rng, n),
                f"Gəncə, {street} {rng.randint(1, 120)}",
                rng.choice(_REGIONS),
                rng.choice(_STATUS),
                rng.choice(_DISABILITY),
                rng.choice(_AREAS[area]),
                rng.choice(problems.get(area) or problems["family"]),
                date.fromordinal(opened).strftime("%d.%m.%Y")
                if rng.random() < 0.7
                else date.fromordinal(opened),
                rng.choice(spec.lawyers) if spec.lawyers and rng.random() < 0.8 else None,
                outcome or None,
                _closing(rng, opened) if outcome else None,
            ]
        )
    for i in rng.sample(range(len(rows)), min(spec.typos, len(rows))):
        rows[i][8] = rng.choice(_TYPO_REGIONS)
    for i in rng.sample(range(len(rows)), min(spec.second_cases, len(rows))):
        again = list(rows[i])
        again[11], again[12] = "Vərəsəlik", "Miras əmlakının bölüşdürülməsi"
        rows.append(again)
    for i in rng.sample(range(len(rows)), min(spec.repeats, len(rows))):
        rows.append(list(rows[i]))
    if spec.empty_every:
        spaced: list[list[Any]] = []
        for i, row in enumerate(rows, start=1):
            spaced.append(row)
            if i % spec.empty_every == 0:
                spaced.append([])
        rows = spaced
    return rows


def write_center_xlsx(path: Path, spec: SheetSpec) -> Path:
    """The spreadsheet as XLSX at ``path`` (two header rows with merged cells)."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": False})
    sheet = book.add_worksheet("Müraciətlər")
    bold = book.add_format({"bold": True, "align": "center", "valign": "vcenter"})
    day = book.add_format({"num_format": "dd.mm.yyyy"})
    for first_row, first_col, last_row, last_col in _MERGES:
        sheet.merge_range(first_row, first_col, last_row, last_col, HEADER_TOP[first_col], bold)
    for col, text in enumerate(HEADER_BOTTOM):
        if text:
            sheet.write_string(1, col, text, bold)
    for r, row in enumerate(center_rows(spec), start=2):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, date):
                sheet.write_datetime(r, c, value, day)
            elif isinstance(value, int | float):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, str(value))
    book.close()
    return path


def write_center_csv(
    path: Path, spec: SheetSpec, *, encoding: str = "utf-8-sig", delimiter: str = ";"
) -> Path:
    """The same rows as CSV (one header row: the bottom titles, the group's where empty)."""

    def text(value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, date):
            return value.strftime("%d.%m.%Y")
        if isinstance(value, float) and value == int(value):
            return str(int(value))
        return str(value)

    header = [b or t for t, b in zip(HEADER_TOP, HEADER_BOTTOM, strict=True)]
    with path.open("w", encoding=encoding, newline="", errors="replace") as handle:
        writer = csv.writer(handle, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(header)
        for row in center_rows(spec):
            writer.writerow([text(v) for v in row])
    return path

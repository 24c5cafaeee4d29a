"""Cells as the values a record takes: text, dates, birth years, phone numbers, numbers.

Dates (:func:`read_date`), whatever the cell holds:

* a date cell (the spreadsheet stored a date) is that date;
* text in the usual forms: ``31.12.1985``, ``31/12/1985``, ``31-12-1985``, ``1985-12-31``,
  ``31.12.85`` (a two-digit year is the latest such year not in the future), ``31 dekabr
  1985``, ``31 декабря 1985``, ``December 31, 1985``; a time after the date is ignored;
* day or month first: a form that only one order can read (``12/31/1985``, ``31/12/1985``)
  is read so; for one both can read (``05/06/1985``) the order is the mapping's
  (``date_order``), else the one the same column's other dates show, else day first when
  written with dots (the Azerbaijani and Russian way), else it is a problem that asks for
  the order;
* a number: a whole number of four digits is a **year** (a birth year, checked like one typed
  in; any other date wants a day), a larger one an Excel day number (``31047`` = 31.12.1984,
  as Excel counts from 30.12.1899) — also as text;
* ``1985`` alone in a birth column is the birth year; the store keeps a client's birth year
  only, so a full birth date gives its year.

Phone numbers (:func:`read_phone`): a number cell loses nothing (``994501234567.0`` is
``+994501234567``); nine digits not starting with 0 had their leading 0 eaten by the
spreadsheet and get it back (``501234567`` → ``0501234567``); a cell with several numbers
(``050 111 22 33, 055 444 55 66``) keeps the first, and the preview says so.

A text cell that begins like a spreadsheet formula (``=HYPERLINK(...)``, ``@SUM``, ``+A1``)
is refused (:func:`looks_like_formula`): it would become a live formula again in any export
or copy of the record; a phone number's ``+994`` is not one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Final

from legalaid_desktop.i18n import _
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.i18n.formatting import format_date
from legalaid_desktop.spreadsheet_import.cells import Cell
from legalaid_desktop.text.folding import fold

__all__ = [
    "DateOrder",
    "DateRead",
    "blank",
    "column_order",
    "looks_like_formula",
    "phone_key",
    "read_date",
    "read_number",
    "read_phone",
    "text_of",
]

_BLANK_MARKS: Final = frozenset({"-", "--", "—", "–", "?", "...", "…", "n/a", "N/A", "x"})
"""What people put in a cell to say "nothing here"."""

EXCEL_EPOCH: Final = date(1899, 12, 30)
_MAX_SERIAL: Final = 2_958_465  # 31.12.9999
_YEARS: Final = (1000, 9999)  # four digits: a year, never an Excel day number


class DateOrder(StrEnum):
    DMY = "dmy"
    MDY = "mdy"
    YMD = "ymd"


def blank(value: Cell) -> bool:
    """Whether a cell says nothing: empty, spaces, or a dash or question mark alone."""
    if value is None:
        return True
    return isinstance(value, str) and (not value.strip() or value.strip() in _BLANK_MARKS)


def _whole(value: float) -> int | None:
    return int(value) if value == int(value) else None


def text_of(value: Cell) -> str:
    """A cell as text: a whole number without ``.0``, a date as ``dd.mm.yyyy``."""
    if value is None or isinstance(value, bool):
        return "" if value is None else str(value)
    if isinstance(value, float):
        whole = _whole(value)
        return str(whole) if whole is not None else repr(value)
    if isinstance(value, datetime):
        return format_date(value.date())
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, time | timedelta):
        return str(value)
    return str(value).strip()


_FORMULA_RE: Final = re.compile(r"^\s*(?:[=@]|[+\-]\s*[^\d\s(+\-.,])")


def looks_like_formula(text: str) -> bool:
    """Whether ``text`` starts like a spreadsheet formula (``=``, ``@``, or ``+``/``-`` before
    something that is not a number)."""
    return bool(_FORMULA_RE.match(text))


# -- dates --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DateRead:
    """What a date cell reads as: a day, or only a year, or a problem (``error``)."""

    day: date | None = None
    year: int | None = None
    error: str = ""
    ambiguous: bool = False


_NUMERIC_RE: Final = re.compile(r"^(\d{1,4})\s*([./\-])\s*(\d{1,2})\s*\2\s*(\d{1,4})$")
_TIME_RE: Final = re.compile(r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*$")
_DAY_MONTH_RE: Final = re.compile(r"^(\d{1,2})[\s.\-]+([^\d\s.,\-]+)\.?[\s.\-,]+(\d{2,4})")
_MONTH_DAY_RE: Final = re.compile(r"^([^\d\s.,\-]+)\.?\s+(\d{1,2}),?\s+(\d{4})")
_MONTHS: Final = (
    ("yan", "jan"), ("fev", "feb"), ("mar",), ("apr",), ("may", "mai"), ("iyun", "jun"),
    ("iyul", "jul"), ("avq", "aug"), ("sen", "sep"), ("okt", "oct"), ("noy", "nov"),
    ("dek", "dec"),
)  # fmt: skip


def _month(word: str) -> int | None:
    folded = fold(word).replace(" ", "")
    if len(folded) < 3:
        return None
    for number, prefixes in enumerate(_MONTHS, start=1):
        if folded.startswith(prefixes):
            return number
    return None


def _year(raw: str) -> int:
    value = int(raw)
    if len(raw) <= 2:
        century = 2000 if 2000 + value <= today().year else 1900
        return century + value
    return value


def _made(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _expected() -> str:
    return _("a date such as 31.12.1985")


def _numeric_forms(text: str) -> tuple[date | None, date | None, str] | None:
    """The DMY and MDY readings of ``text`` (``None`` where impossible), and the separator;
    or, for a year-first form, the reading in both places."""
    m = _NUMERIC_RE.match(text)
    if not m:
        return None
    first, sep, middle, last = m.group(1), m.group(2), m.group(3), m.group(4)
    if len(first) == 4:  # 1985-12-31
        day = _made(int(first), int(middle), int(last)) if len(last) <= 2 else None
        return day, day, sep
    if len(last) not in (2, 4):
        return None
    year = _year(last)
    return (
        _made(year, int(middle), int(first)),
        _made(year, int(first), int(middle)),
        sep,
    )


def column_order(values: list[Cell]) -> DateOrder | None:
    """The order the text dates of one column show: day first if some can only be read day
    first and none only month first, and the other way round; ``None`` if they do not say."""
    dmy = mdy = False
    for value in values:
        if not isinstance(value, str):
            continue
        forms = _numeric_forms(_TIME_RE.sub("", value.strip()))
        if forms is None or forms[0] == forms[1]:
            continue
        dmy |= forms[0] is not None and forms[1] is None
        mdy |= forms[1] is not None and forms[0] is None
    if dmy != mdy:
        return DateOrder.DMY if dmy else DateOrder.MDY
    return None


def _from_number(value: float, *, birth: bool) -> DateRead:
    whole = _whole(value)
    if whole is None:
        value = float(int(value))  # a date-time serial: the day
        whole = int(value)
    if _YEARS[0] <= whole <= _YEARS[1]:
        if birth:
            return DateRead(year=whole)
        return DateRead(error=_("Only a year: a date needs its day and month."))
    if _YEARS[1] < whole <= _MAX_SERIAL:
        return DateRead(day=EXCEL_EPOCH + timedelta(days=whole))
    return DateRead(error=_("Not a date."))


def _from_text(text: str, order: DateOrder | None, birth: bool) -> DateRead:
    text = _TIME_RE.sub("", text.strip())
    if text.isdigit():
        return _from_number(float(text), birth=birth)
    forms = _numeric_forms(text)
    if forms is not None:
        dmy, mdy, sep = forms
        if dmy is None and mdy is None:
            return DateRead(error=_("Not a date (no such day)."))
        if dmy == mdy or mdy is None:
            return DateRead(day=dmy)
        if dmy is None:
            return DateRead(day=mdy)
        if order is DateOrder.MDY:
            return DateRead(day=mdy)
        if order is DateOrder.DMY or sep == ".":
            return DateRead(day=dmy)
        return DateRead(
            error=_(
                "The day and the month could be either way round: say the order of the dates "
                "(day first or month first)."
            ),
            ambiguous=True,
        )
    for pattern, day_at, month_at in ((_DAY_MONTH_RE, 1, 2), (_MONTH_DAY_RE, 2, 1)):
        m = pattern.match(text)
        if m:
            month = _month(m.group(month_at))
            year = m.group(3)
            made = _made(_year(year), month, int(m.group(day_at))) if month else None
            if made is not None:
                return DateRead(day=made)
    return DateRead(error=_("Not a date."))


def read_date(value: Cell, *, order: DateOrder | None = None, birth: bool = False) -> DateRead:
    """A date cell's day (or, in a birth column, year). ``order``: of day and month in text
    where both could come first (see the module docstring)."""
    if isinstance(value, datetime):
        return DateRead(day=value.date())
    if isinstance(value, date):
        return DateRead(day=value)
    if isinstance(value, bool):
        return DateRead(error=_("Not a date."))
    if isinstance(value, int | float):
        return _from_number(float(value), birth=birth)
    if isinstance(value, str):
        return _from_text(value, order, birth)
    return DateRead(error=_("Not a date."))


def expected_date() -> str:
    """What a date cell should hold, for a problem's "expected"."""
    return _expected()


# -- phones and numbers -------------------------------------------------------------------------

_PHONE_SPLIT_RE: Final = re.compile(r"\s*(?:[,;/\n]|\bvə\b|\bи\b|\band\b)\s*")
_DIGITS_RE: Final = re.compile(r"\D")


def read_phone(value: Cell) -> tuple[str, int]:
    """A phone cell as the number to keep, and how many more numbers the cell held."""
    if isinstance(value, float | int) and not isinstance(value, bool):
        whole = _whole(float(value))
        text = str(whole) if whole is not None else text_of(value)
        if whole is not None and len(text) == 12 and text.startswith("994"):
            text = "+" + text
    else:
        text = text_of(value)
    parts = [p for p in _PHONE_SPLIT_RE.split(text) if p.strip()]
    first = parts[0].strip() if parts else ""
    digits = _DIGITS_RE.sub("", first)
    if first == digits and len(digits) == 9 and not digits.startswith("0"):
        first = "0" + digits
    return first, max(0, len(parts) - 1)


def phone_key(phone: str) -> str:
    """The national number of a phone (its last nine digits), to tell two spellings of one
    number alike (``+994 50 123 45 67`` = ``050-123-45-67``)."""
    digits = _DIGITS_RE.sub("", phone)
    return digits[-9:]


def read_number(value: Cell) -> int | None:
    """A whole number from a number cell or digits in text; ``None`` if it is none."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return _whole(float(value))
    text = text_of(value).replace(" ", "")
    return int(text) if text.isdigit() else None

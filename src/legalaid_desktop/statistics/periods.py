"""Periods of a figure: a year (``2026``), a quarter (``2026Q1``), a month (``2026-02``) or any
``from``/``to`` range of days, and the previous period of equal length shown beside it.

A period is a closed range of days (both ends included). The previous period of a year, a
quarter or a month is the year, quarter or month before; the previous period of a range of
``n`` days is the ``n`` days just before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from legalaid_desktop.domain.errors import InputRejected
from legalaid_desktop.i18n import _

_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Period:
    """A closed range of days, with the kind it was given as.

    Attributes:
        start: The first day.
        end: The last day (included).
        kind: ``year``, ``quarter``, ``month`` or ``range``.
    """

    start: date
    end: date
    kind: str = "range"

    @property
    def code(self) -> str:
        """``2026``, ``2026Q1``, ``2026-02``, or ``2026-01-05..2026-02-10`` for a range."""
        if self.kind == "year":
            return f"{self.start.year}"
        if self.kind == "quarter":
            return f"{self.start.year}Q{(self.start.month + 2) // 3}"
        if self.kind == "month":
            return f"{self.start.year}-{self.start.month:02d}"
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of equal length just before this one (see the module's docstring)."""
        if self.kind == "year":
            return year(self.start.year - 1)
        if self.kind == "quarter":
            q = (self.start.month + 2) // 3
            return quarter(self.start.year - (q == 1), 4 if q == 1 else q - 1)
        if self.kind == "month":
            m = self.start.month
            return month(self.start.year - (m == 1), 12 if m == 1 else m - 1)
        end = self.start - timedelta(days=1)
        return Period(end - timedelta(days=self.days - 1), end)

    def months(self) -> list[str]:
        """The codes of the months the period touches, in order (``2026-01``, ...)."""
        out: list[str] = []
        y, m = self.start.year, self.start.month
        while (y, m) <= (self.end.year, self.end.month):
            out.append(f"{y}-{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out

    def quarters(self) -> list[str]:
        return list(dict.fromkeys(f"{c[:4]}Q{(int(c[5:]) + 2) // 3}" for c in self.months()))

    def years(self) -> list[str]:
        return [str(y) for y in range(self.start.year, self.end.year + 1)]


def year(y: int) -> Period:
    return Period(date(y, 1, 1), date(y, 12, 31), "year")


def quarter(y: int, q: int) -> Period:
    first = date(y, 3 * q - 2, 1)
    last = date(y + 1, 1, 1) if q == 4 else date(y, 3 * q + 1, 1)
    return Period(first, last - timedelta(days=1), "quarter")


def month(y: int, m: int) -> Period:
    last = date(y + 1, 1, 1) if m == 12 else date(y, m + 1, 1)
    return Period(date(y, m, 1), last - timedelta(days=1), "month")


def parse_period(text: str) -> Period:
    """``2026``, ``2026Q1`` or ``2026-02`` as a :class:`Period`.

    Raises:
        InputRejected: Anything else (the message shows the three forms).
    """
    value = text.strip().upper()
    try:
        if m := _YEAR.match(value):
            return year(int(m[1]))
        if m := _QUARTER.match(value):
            return quarter(int(m[1]), int(m[2]))
        if (m := _MONTH.match(value)) and 1 <= int(m[2]) <= 12:
            return month(int(m[1]), int(m[2]))
    except ValueError:  # a year out of range
        pass
    raise InputRejected(
        _(
            "Unknown period '{period}': write a year (2026), a quarter (2026Q1) or a month "
            "(2026-02)."
        ).format(period=text)
    )


def date_range(start: date, end: date) -> Period:
    """The days from ``start`` to ``end``, both included.

    Raises:
        InputRejected: ``start`` is after ``end``.
    """
    if start > end:
        raise InputRejected(
            _("The period starts ({start}) after it ends ({end}).").format(
                start=start.isoformat(), end=end.isoformat()
            )
        )
    return Period(start, end)

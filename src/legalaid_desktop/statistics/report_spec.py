"""A report as the Reports screen asks for it and saves it: measure, dimensions, period,
filters, anonymized, as plain codes that go into a JSON document and back.

The period is a code: a fixed ``2026``, ``2026Q1``, ``2026-02`` or ``2026-01-05..2026-02-10``,
or a **relative** one resolved on the day the report runs (:data:`RELATIVE_PERIODS`): the last
complete month, quarter or year, so that a definition saved in March and rerun in April gives
April's report the figures of March (docs/statistics.md, "Saved report definitions").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from legalaid_desktop.domain.errors import InputRejected
from legalaid_desktop.i18n import N_, _
from legalaid_desktop.statistics.definitions import (
    Dimension,
    Measure,
    check_applies,
    parse_dimensions,
    parse_measure,
)
from legalaid_desktop.statistics.periods import (
    Period,
    date_range,
    month,
    parse_period,
    quarter,
    year,
)
from legalaid_desktop.statistics.query import FigureQuery, Filters

LAST_MONTH = "last_month"
LAST_QUARTER = "last_quarter"
LAST_YEAR = "last_year"
RELATIVE_PERIODS: dict[str, str] = {
    LAST_MONTH: N_("Last complete month"),
    LAST_QUARTER: N_("Last complete quarter"),
    LAST_YEAR: N_("Last complete year"),
}
_FILTER_NAMES = ("center", "region", "legal_area", "lawyer", "campaign")


def resolve_period(code: str, today: date) -> Period:
    """The period of ``code`` on ``today``: a relative code (``last_month``...) is the last
    month, quarter or year that ended before ``today``; any other is fixed.

    Raises:
        InputRejected: Not a period code.
    """
    if code == LAST_MONTH:
        end = today.replace(day=1) - timedelta(days=1)
        return month(end.year, end.month)
    if code == LAST_QUARTER:
        q = (today.month + 2) // 3
        return quarter(today.year - (q == 1), 4 if q == 1 else q - 1)
    if code == LAST_YEAR:
        return year(today.year - 1)
    if ".." in code:
        first, _sep, last = code.partition("..")
        try:
            return date_range(date.fromisoformat(first), date.fromisoformat(last))
        except ValueError:
            raise InputRejected(
                _(
                    "Unknown period '{period}': write a year (2026), a quarter (2026Q1) or a month "
                    "(2026-02)."
                ).format(period=code)
            ) from None
    return parse_period(code)


@dataclass(frozen=True)
class ReportSpec:
    """What a report asks for, by code (see the module's docstring).

    Attributes:
        period: A period code, fixed or relative (:func:`resolve_period`).
        filters: ``center``, ``region``, ``legal_area``, ``lawyer``, ``campaign`` → code.
    """

    measure: Measure
    period: str
    by: tuple[Dimension, ...] = ()
    filters: dict[str, str] = field(default_factory=dict)
    anonymized: bool = False

    def __post_init__(self) -> None:
        check_applies(self.measure, self.by)
        unknown = set(self.filters) - set(_FILTER_NAMES)
        if unknown:
            raise InputRejected(
                _("Unknown filter '{name}'.").format(name=", ".join(sorted(unknown)))
            )
        resolve_period(self.period, date(2000, 1, 1))  # the code parses

    def query(self, today: date, lang: str | None = None) -> FigureQuery:
        """The figure to count on ``today`` (a relative period resolved then)."""
        return FigureQuery(
            self.measure,
            resolve_period(self.period, today),
            by=self.by,
            filters=Filters(**{k: self.filters.get(k) for k in _FILTER_NAMES}),
            anonymized=self.anonymized,
            lang=lang,
        )

    def document(self) -> dict[str, Any]:
        return {
            "measure": self.measure.value,
            "by": [d.value for d in self.by],
            "period": self.period,
            "filters": dict(self.filters),
            "anonymized": self.anonymized,
        }

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> ReportSpec:
        """The spec of :meth:`document`'s output.

        Raises:
            InputRejected: Something in it is not a known code.
        """
        try:
            filters = {str(k): str(v) for k, v in dict(doc.get("filters") or {}).items()}
            return cls(
                measure=parse_measure(str(doc["measure"])),
                period=str(doc["period"]),
                by=parse_dimensions(",".join(str(d) for d in doc.get("by") or [])),
                filters=filters,
                anonymized=bool(doc.get("anonymized", False)),
            )
        except (KeyError, TypeError, ValueError):
            raise InputRejected(_("This saved report cannot be read.")) from None

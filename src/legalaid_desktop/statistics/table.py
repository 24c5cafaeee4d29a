"""A computed figure: its rows by code, its total, the previous period, what was suppressed.

Plain data handed from the service to the front ends and the writers; :meth:`FigureTable.document`
is the JSON document of the ``legalaid report figures`` contract (docs/statistics.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from legalaid_desktop.statistics.definitions import (
    SUPPRESSED,
    TIME_DIMENSIONS,
    WITHHELD,
    AgeBands,
    Dimension,
    Measure,
)
from legalaid_desktop.statistics.periods import Period
from legalaid_desktop.statistics.suppression import SMALL, TOTAL, Position

Shown = int | str
"""A figure as published: the number, ``"<5"`` where 1 to 4 records stand behind it, or ``"x"``
where a larger figure is hidden so that a total does not give a ``"<5"`` back."""


def hidden_as(count: int) -> str:
    """The mark of a hidden figure with ``count`` records behind it: ``"<5"`` for 1 to 4 (the
    primary suppression), ``"x"`` for more (hidden with it: saying "<5" would be false)."""
    return SUPPRESSED if count in SMALL else WITHHELD


@dataclass(frozen=True)
class FigureRow:
    """One cell: the codes of its dimensions, its value, and how many records are behind it
    (the same as the value for a count; the consultations behind a number of minutes)."""

    codes: tuple[str, ...]
    value: int
    count: int


@dataclass(frozen=True)
class FigureTable:
    """A measure over a period, broken down by zero, one or two dimensions.

    Attributes:
        rows: The cells, in display order; every value of a dimension appears, unknown ones as
            ``not_stated`` (or ``not_applicable``), so the rows add up to ``total``.
        previous: The same figure over the previous period of equal length.
        anonymized: Only clients whose consent covers anonymized statistics are counted, and
            small cells are suppressed (``hidden``).
        left_out: How many clients within the figure's scope were left out for want of that
            consent (0 when not anonymized, and in the previous period beside a figure).
        youth: With an ``age_band`` breakdown: the figure for ages 14 to 29 (None otherwise).
        labels: For each dimension, each code's label in the language asked for.
    """

    measure: Measure
    by: tuple[Dimension, ...]
    period: Period
    rows: tuple[FigureRow, ...]
    total: int
    total_count: int
    anonymized: bool = False
    left_out: int = 0
    hidden: frozenset[Position] = frozenset()
    youth: int | None = None
    youth_hidden: bool = False
    bands: AgeBands = field(default_factory=AgeBands)
    filters: Mapping[str, str] = field(default_factory=dict)
    labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    previous: FigureTable | None = None

    def published(self, position: Position, value: int, count: int) -> Shown:
        """The figure at ``position`` (a cell, a row or column margin, the total) as published."""
        return hidden_as(count) if position in self.hidden else value

    def shown(self, row: FigureRow) -> Shown:
        return self.published(("cell", row.codes), row.value, row.count)

    @property
    def total_shown(self) -> Shown:
        return self.published(TOTAL, self.total, self.total_count)

    @property
    def youth_shown(self) -> Shown | None:
        if self.youth is None:
            return None
        return hidden_as(self.youth) if self.youth_hidden else self.youth

    def previous_of(self, row: FigureRow) -> Shown | None:
        """The previous period's value of the cell with ``row``'s codes (0 where it had none).

        None without a previous period, and in a breakdown by month, quarter or year (the
        previous period has other months: only its total is beside this one's).
        """
        if self.previous is None or any(d in TIME_DIMENSIONS for d in self.by):
            return None
        for other in self.previous.rows:
            if other.codes == row.codes:
                return self.previous.shown(other)
        return 0

    def label(self, dimension: Dimension, code: str) -> str:
        return self.labels.get(dimension.value, {}).get(code, code)

    def document(self) -> dict[str, Any]:
        """The JSON document: codes, not labels; a hidden figure is the string ``"<5"`` (1 to 4)
        or ``"x"`` (a larger one hidden with it)."""
        return {
            "measure": self.measure.value,
            "by": [d.value for d in self.by],
            "from": self.period.start.isoformat(),
            "to": self.period.end.isoformat(),
            "rows": [
                {
                    **{d.value: c for d, c in zip(self.by, r.codes, strict=True)},
                    "value": self.shown(r),
                }
                for r in self.rows
            ],
            "total": self.total_shown,
        }

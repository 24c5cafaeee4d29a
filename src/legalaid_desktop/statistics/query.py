"""What a figure is asked for: the measure, the breakdown, the period, the filters."""

from __future__ import annotations

from dataclasses import dataclass, field

from legalaid_desktop.statistics.definitions import (
    INSTITUTION_TOP,
    AgeBands,
    Dimension,
    Measure,
)
from legalaid_desktop.statistics.periods import Period


@dataclass(frozen=True)
class Filters:
    """What a figure is narrowed to (each ``None`` when not narrowed)."""

    center: str | None = None
    region: str | None = None
    legal_area: str | None = None
    lawyer: str | None = None
    campaign: str | None = None

    def items(self) -> dict[str, str]:
        return {k: v for k, v in vars(self).items() if v is not None}


@dataclass(frozen=True)
class FigureQuery:
    """What to count: a measure, up to two dimensions, a period, filters.

    Attributes:
        anonymized: Count only clients whose consent covers anonymized statistics and suppress
            small cells (what goes to donors and the public).
        previous: Also count the previous period of equal length.
        recorded_only: Leave out what has a breakdown value nobody recorded (``not_stated``):
            the figure counts only what recorded one (the donor report's satisfaction table:
            the cases closed with a satisfaction or "could not be reached"). Its total is then
            theirs, so the breakdown still adds up to it.
    """

    measure: Measure
    period: Period
    by: tuple[Dimension, ...] = ()
    filters: Filters = field(default_factory=Filters)
    anonymized: bool = False
    bands: AgeBands = field(default_factory=AgeBands)
    institution_top: int = INSTITUTION_TOP
    previous: bool = True
    lang: str | None = None
    recorded_only: bool = False

"""Charts of the donor report, drawn as vectors with ReportLab's own graphics.

Each function returns a :class:`~reportlab.graphics.shapes.Drawing` (a flowable: it goes into the
story like a table) whose every text is in the report font, so no other font is embedded and
Azerbaijani and Russian letters print. Nothing is rasterized: the PDF holds lines and text.

A value suppressed in an anonymized figure (``"<5"``) is not drawn (a bar of zero, a gap in a
line): drawing it would give the hidden number back.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors

from legalaid_desktop.reports.layout import CONTENT_WIDTH, MUTED, PRIMARY, RULE, Styles

Value = int | float | str | None
"""A figure as published: a number, ``"<5"`` (not drawn) or None (no figure)."""

PALETTE = (
    PRIMARY,
    colors.HexColor("#C8553D"),
    colors.HexColor("#4F9D69"),
    colors.HexColor("#E0A526"),
    colors.HexColor("#7A5C99"),
    colors.HexColor("#5B8DB8"),
)
_LABEL_CHARS = 34
MAX_BARS_HEIGHT = 360.0


def _number(value: Value) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def _short(label: str, limit: int = _LABEL_CHARS) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _top(values: Sequence[float]) -> float:
    """A round top of the value axis above the largest value (at least 5)."""
    peak = max([5.0, *values])
    step = 10 ** max(0, len(str(int(peak))) - 1)
    return float((int(peak / step) + 1) * step)


def _style_axis_labels(axis: object, styles: Styles, size: float = 7) -> None:
    labels = axis.labels  # type: ignore[attr-defined]
    labels.fontName = styles.fonts.regular
    labels.fontSize = size
    labels.fillColor = MUTED


def _style_axes(chart: Any, styles: Styles, values: Sequence[float], label_size: float = 7) -> None:
    """The axes every chart shares: thin rules, a value axis from 0 with a light grid and whole
    numbers, labels in the report font."""
    chart.categoryAxis.strokeColor = RULE
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = _top(values)
    chart.valueAxis.strokeColor = RULE
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#E6E9ED")
    chart.valueAxis.labelTextFormat = "%d"
    _style_axis_labels(chart.categoryAxis, styles, label_size)
    _style_axis_labels(chart.valueAxis, styles)


def _legend(drawing: Drawing, names: Sequence[str], styles: Styles, x: float, y: float) -> None:
    legend = Legend()
    legend.x, legend.y = x, y
    legend.alignment = "right"
    legend.fontName = styles.fonts.regular
    legend.fontSize = 7.5
    legend.columnMaximum = max(1, len(names))  # one column, top to bottom
    legend.boxAnchor = "nw"
    legend.dx = legend.dy = 7
    legend.colorNamePairs = [
        (PALETTE[i % len(PALETTE)], _short(n, 30)) for i, n in enumerate(names)
    ]
    drawing.add(legend)


def horizontal_bars(
    labels: Sequence[str], values: Sequence[Value], styles: Styles, *, width: float = CONTENT_WIDTH
) -> Drawing:
    """One bar per row (a region, a legal area), the largest first as the table lists them."""
    n = max(1, len(labels))
    bar_space = min(13.0, MAX_BARS_HEIGHT / n)  # never taller than half a page
    height = n * bar_space + 24
    left = 150.0
    drawing = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = left, 14
    chart.width, chart.height = width - left - 20, n * bar_space
    # the chart draws its first category at the bottom: reverse, so the table's order reads down
    data = [_number(v) or 0.0 for v in values][::-1]
    chart.data = [data or [0.0]]
    chart.categoryAxis.categoryNames = [_short(x) for x in labels][::-1] or [""]
    _style_axes(chart, styles, data)
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    chart.bars[0].fillColor = PRIMARY
    chart.bars[0].strokeColor = None
    chart.barSpacing = 1
    drawing.add(chart)
    return drawing


def grouped_bars(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[Value]]],
    styles: Styles,
    *,
    width: float = CONTENT_WIDTH,
    height: float = 150,
) -> Drawing:
    """Vertical bars: one group per category (an age band), one bar per series (a gender)."""
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 36, 22
    chart.width, chart.height = width - 36 - 160, height - 34
    data = [[_number(v) or 0.0 for v in values] for _name, values in series]
    chart.data = data or [[0.0]]
    chart.categoryAxis.categoryNames = [_short(c, 14) for c in categories] or [""]
    _style_axes(chart, styles, [v for row in data for v in row])
    chart.groupSpacing = 6
    for i in range(len(data)):
        chart.bars[i].fillColor = PALETTE[i % len(PALETTE)]
        chart.bars[i].strokeColor = None
    drawing.add(chart)
    _legend(drawing, [name for name, _v in series], styles, width - 150, height - 8)
    return drawing


def month_lines(
    months: Sequence[str],
    series: Sequence[tuple[str, Sequence[Value]]],
    styles: Styles,
    *,
    width: float = CONTENT_WIDTH,
    height: float = 150,
) -> Drawing:
    """One line per measure over the months of the period (a suppressed month is a gap)."""
    drawing = Drawing(width, height)
    chart = HorizontalLineChart()
    chart.x, chart.y = 36, 22
    chart.width, chart.height = width - 36 - 160, height - 34
    data = [[_number(v) for v in values] for _name, values in series]
    chart.data = data or [[0.0]]
    # "2026-02" as "02.26", and only every few months past a year: labels must not overlap
    short = [f"{m[5:7]}.{m[2:4]}" if len(m) == 7 else m for m in months]
    step = max(1, (len(short) + 11) // 12)
    chart.categoryAxis.categoryNames = [m if i % step == 0 else "" for i, m in enumerate(short)]
    _style_axes(chart, styles, [v for row in data for v in row if v is not None], 6.5)
    chart.joinedLines = 1
    for i in range(len(data)):
        chart.lines[i].strokeColor = PALETTE[i % len(PALETTE)]
        chart.lines[i].strokeWidth = 1.4
    drawing.add(chart)
    _legend(drawing, [name for name, _v in series], styles, width - 150, height - 8)
    return drawing

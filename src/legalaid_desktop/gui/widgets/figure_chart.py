"""The chart of a figure (QtCharts): bars for one dimension (this period beside the previous),
stacked bars for two, a line over the months, quarters or years of a time dimension.

Bars lie horizontally when there are many categories or long labels (legal areas, regions):
the labels then stand whole, one under the other, instead of slanted and cut. The time axis of
a line labels every month up to a year's worth and every second or third beyond.

A hidden figure (``<5`` or ``x``) is drawn as zero: the chart must not give back what the table
hides. Labels are the figure's own (translated when it was computed).
"""

from __future__ import annotations

from PySide6.QtCharts import (
    QAbstractAxis,
    QAbstractBarSeries,
    QAbstractSeries,
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QHorizontalStackedBarSeries,
    QLineSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QFontMetrics, QPainter
from PySide6.QtWidgets import QWidget

from legalaid_desktop.i18n import _
from legalaid_desktop.i18n.formatting import month_names
from legalaid_desktop.statistics.definitions import MEASURE_LABELS, TIME_DIMENSIONS, Dimension
from legalaid_desktop.statistics.export import period_text
from legalaid_desktop.statistics.table import FigureTable, Shown

BARS, STACKED, LINE = "bars", "stacked", "line"
LABEL_LIMIT = 22
"""Longer category labels are shortened on the axis (the table has them whole)."""


def _number(value: Shown | None) -> float:
    return float(value) if isinstance(value, int) else 0.0


def _short(text: str) -> str:
    return text if len(text) <= LABEL_LIMIT else text[: LABEL_LIMIT - 1] + "…"


def _lying(categories: list[str]) -> bool:
    """Whether bars lie horizontally (see the module's docstring)."""
    return len(categories) > 6 or any(len(c) > 10 for c in categories)


_AXIS_MARGIN = 120  # the value axis and the chart's margins, in pixels, beside the plot


def time_label(dim: Dimension, code: str, years: int) -> str:
    """A month as ``fev`` (``fev 26`` when the figure spans several years); a quarter or year
    as its code."""
    if dim is Dimension.MONTH and len(code) == 7 and code[4] == "-":
        name = month_names(width="abbreviated")[int(code[5:]) - 1]
        return name if years == 1 else f"{name} {code[2:4]}"
    return code


class FigureChart(QChartView):
    """A chart of one :class:`FigureTable` (see the module's docstring).

    Attributes:
        kind: ``bars``, ``stacked`` or ``line`` (``""`` before the first figure).
        categories: The category axis's labels, in the table's order (top to bottom when
            the bars lie).
        lying: The bars lie horizontally.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.kind = ""
        self.categories: list[str] = []
        self.lying = False
        self.setMinimumHeight(380)
        self._empty()

    def _empty(self) -> QChart:
        chart = QChart()
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        old = self.chart()
        self.setChart(chart)
        if old is not None:
            old.deleteLater()
        return chart

    def series(self) -> list[QAbstractSeries]:
        return list(self.chart().series())

    def clear(self) -> None:
        self.kind = ""
        self.categories = []
        self._empty()

    def set_table(self, table: FigureTable) -> None:
        chart = self._empty()
        chart.setTitle(f"{_(MEASURE_LABELS[table.measure])}, {period_text(table)}")
        by = table.by
        if len(by) == 2:
            # the time dimension (if any) along the axis, the other one stacked
            across = 1 if by[1] in TIME_DIMENSIONS and by[0] not in TIME_DIMENSIONS else 0
            self._stacked(chart, table, across)
        elif len(by) == 1 and by[0] in TIME_DIMENSIONS:
            self._line(chart, table)
        else:
            self._bars(chart, table)
        chart.legend().setVisible(self.kind != LINE or len(self.series()) > 1)

    # -- the three kinds ---------------------------------------------------------------------

    def _bars(self, chart: QChart, table: FigureTable) -> None:
        self.kind = BARS
        if table.by:
            dim = table.by[0]
            self.categories = [table.label(dim, r.codes[0]) for r in table.rows]
            now = [_number(table.shown(r)) for r in table.rows]
            before = [_number(table.previous_of(r)) for r in table.rows]
        else:
            self.categories = [_("Total")]
            now = [_number(table.total_shown)]
            before = [_number(table.previous.total_shown if table.previous else None)]
        lying = _lying(self.categories)
        series: QAbstractBarSeries = QHorizontalBarSeries() if lying else QBarSeries()
        if lying:  # the first category on top
            now, before = now[::-1], before[::-1]
        current = QBarSet(period_text(table))
        current.append(now)
        series.append(current)
        if table.previous is not None:
            previous = QBarSet(period_text(table.previous))
            previous.append(before)
            series.append(previous)
        chart.addSeries(series)
        self._axes(chart, series, max([*now, *before, 0.0]), lying)

    def _stacked(self, chart: QChart, table: FigureTable, across: int) -> None:
        self.kind = STACKED
        down = 1 - across
        dims = (table.by[across], table.by[down])
        order = [list(table.labels.get(d.value, {})) for d in dims]
        present = [{r.codes[i] for r in table.rows} for i in (across, down)]
        axis_codes = [c for c in order[0] if c in present[0]]
        stack_codes = [c for c in order[1] if c in present[1]]
        values = {(r.codes[across], r.codes[down]): _number(table.shown(r)) for r in table.rows}
        years = len(table.period.years())
        self.categories = [
            time_label(dims[0], c, years) if dims[0] in TIME_DIMENSIONS else table.label(dims[0], c)
            for c in axis_codes
        ]
        lying = dims[0] not in TIME_DIMENSIONS and _lying(self.categories)
        shown = axis_codes[::-1] if lying else axis_codes
        series: QAbstractBarSeries = QHorizontalStackedBarSeries() if lying else QStackedBarSeries()
        for code in stack_codes:
            bar = QBarSet(_short(table.label(dims[1], code)))
            bar.append([values.get((a, code), 0.0) for a in shown])
            series.append(bar)
        chart.addSeries(series)
        heights = [sum(values.get((a, c), 0.0) for c in stack_codes) for a in axis_codes]
        self._axes(chart, series, max([*heights, 0.0]), lying)

    def _line(self, chart: QChart, table: FigureTable) -> None:
        self.kind = LINE
        self.lying = False
        dim = table.by[0]
        years = len(table.period.years())
        self.categories = [time_label(dim, r.codes[0], years) for r in table.rows]
        series = QLineSeries()
        series.setName(period_text(table))
        values = [_number(table.shown(r)) for r in table.rows]
        for i, value in enumerate(values):
            series.append(float(i), value)
        series.setPointsVisible(True)
        chart.addSeries(series)
        # as many labels as fit the plot's width whole (the axis cuts a label wider than its
        # room to "y..."): every month on a wide window, every second or third on a narrow one
        metrics = QFontMetrics(QCategoryAxis().labelsFont())
        widest = max((metrics.horizontalAdvance(c) for c in self.categories), default=0) + 14
        room = max(2, (self.width() - _AXIS_MARGIN) // max(1, widest))
        step = max(1, -(-len(self.categories) // room))
        if step == 1:
            self._axes(chart, series, max([*values, 0.0]))
            return
        x = QCategoryAxis()
        x.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        x.setRange(-0.5, len(self.categories) - 0.5)
        for i, label in enumerate(self.categories):
            if i % step == 0:
                x.append(label, float(i))
        self._attach(chart, series, x, self._values(max([*values, 0.0])), lying=False)

    @staticmethod
    def _values(highest: float) -> QValueAxis:
        axis = QValueAxis()
        axis.setLabelFormat("%d")
        axis.setRange(0, max(highest * 1.1, 4.0))
        axis.applyNiceNumbers()
        return axis

    def _axes(
        self, chart: QChart, series: QAbstractSeries, highest: float, lying: bool = False
    ) -> None:
        self.lying = lying
        # a lying bar needs a line of text: the axis hides labels that do not fit
        self.setMinimumHeight(max(380, 110 + 26 * len(self.categories)) if lying else 380)
        x = QBarCategoryAxis()
        labels = [_short(c) for c in self.categories]
        x.append(labels[::-1] if lying else labels)
        self._attach(chart, series, x, self._values(highest), lying=lying)

    @staticmethod
    def _attach(
        chart: QChart, series: QAbstractSeries, x: QAbstractAxis, y: QValueAxis, *, lying: bool
    ) -> None:
        chart.addAxis(x, Qt.AlignmentFlag.AlignLeft if lying else Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y, Qt.AlignmentFlag.AlignBottom if lying else Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(x)
        series.attachAxis(y)

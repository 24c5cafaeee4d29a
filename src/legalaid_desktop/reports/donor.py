"""The donor report as a PDF: anonymized figures for a period, with tables, charts and the rules.

The same letterhead, fonts, tables and page furniture as the case summaries (``layout``,
``blocks``, ``fonts``). The content is plain data made by the statistics service
(:class:`DonorReportInput`: tables already labelled in the report's language, "<5" where a figure
is suppressed); this module only lays it out. Charts are vectors (:mod:`.charts`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

from babel.numbers import format_decimal
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Spacer

from legalaid_desktop.domain.reference import ReferenceCatalog
from legalaid_desktop.i18n import _, language
from legalaid_desktop.reports import charts
from legalaid_desktop.reports.blocks import (
    CELL_PADDING,
    data_table,
    field_grid,
    letterhead,
    section,
)
from legalaid_desktop.reports.fonts import find_fonts
from legalaid_desktop.reports.layout import CONTENT_WIDTH, Para, Styles, para_text
from legalaid_desktop.reports.model import CenterInfo
from legalaid_desktop.reports.pdf import _layout

Cell = int | float | str | None
"""A table cell: a count, a label or ``"<5"``, or None (nothing beside it)."""


@dataclass(frozen=True)
class DonorChart:
    """What to draw: ``bars`` (one series, horizontal), ``groups`` (vertical, several series)
    or ``lines`` (over months)."""

    kind: str
    categories: tuple[str, ...]
    series: tuple[tuple[str, tuple[Cell, ...]], ...]


@dataclass(frozen=True)
class DonorTable:
    """One table: its header and rows; ``label_columns`` columns of text come first, the rest are
    figures; the rows numbered in ``bold_rows`` (the totals) are printed in bold."""

    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    label_columns: int = 1
    bold_rows: frozenset[int] = frozenset()
    caption: str = ""
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class DonorSection:
    title: str
    intro: str = ""
    tables: tuple[DonorTable, ...] = ()
    chart: DonorChart | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class DonorReportInput:
    """The whole report, already in its language.

    Attributes:
        scope: "the whole network" or the center's name.
        facts: Label/value pairs under the title (period, previous period, scope, ...).
        sections: The tables and charts, in order.
        methodology: (heading, text) pairs of the methodology note: the counting rules.
    """

    center: CenterInfo
    title: str
    facts: tuple[tuple[str, str], ...]
    sections: tuple[DonorSection, ...]
    methodology: tuple[tuple[str, str], ...] = field(default_factory=tuple)


def render_donor_report(
    data: DonorReportInput,
    *,
    lang: str,
    generated_by: str,
    now: datetime | None = None,
    font_dirs: Sequence[Path] | None = None,
) -> tuple[bytes, int]:
    """The PDF of ``data`` in ``lang`` and its number of pages (nothing is written to disk).

    Raises:
        FontNotFound: If no suitable font is installed.
        ReportLayoutFailed: If a text is too long to lay out.
    """

    def build(styles: Styles, _catalog: ReferenceCatalog, _now: datetime) -> list[Flowable]:
        return donor_story(data, styles, lang)

    fonts = find_fonts(font_dirs)
    with language(lang):
        return _layout(
            build,
            fonts,
            lang=lang,
            generated_by=generated_by,
            now=now,
            title=data.title,
            center=data.center.name,
            marking=_("Anonymized statistics — no personal data"),
        )


def donor_story(data: DonorReportInput, styles: Styles, lang: str) -> list[Flowable]:
    """The flowables of the donor report."""
    story: list[Flowable] = [*letterhead(data.center, styles)]
    story.append(Para(escape(data.title), styles.title))
    story.append(Spacer(1, 3 * mm))
    story.append(field_grid([(k, para_text(v)) for k, v in data.facts], styles, columns=2))
    for part in data.sections:
        story += _section(part, styles, lang)
    if data.methodology:
        story += section(_("Methodology: what is counted and how"), styles)
        for title, text in data.methodology:
            story.append(
                KeepTogether(
                    [
                        Para(f"<b>{escape(title)}</b>", styles.body),
                        Para(para_text(text), styles.body),
                    ]
                )
            )
    return story


def _section(part: DonorSection, styles: Styles, lang: str) -> list[Flowable]:
    out: list[Flowable] = [*section(part.title, styles, min_space=60 * mm)]
    if part.intro:
        out.append(Para(para_text(part.intro), styles.body))
    for table in part.tables:
        out.append(CondPageBreak(35 * mm))  # a caption with the start of its table
        out += _table(table, styles, lang)
    if part.chart is not None:
        out.append(CondPageBreak(_chart_height(part.chart) + 6 * mm))
        out.append(Spacer(1, 2 * mm))
        out.append(_chart(part.chart, styles))
    for note in part.notes:
        out.append(Para(para_text(note), styles.small))
    return out


def _number(value: Cell, lang: str) -> str:
    if value is None:
        return ""
    if isinstance(value, int | float):
        return format_decimal(value, format="#,##0", locale=lang)
    return escape(value)


def _table(table: DonorTable, styles: Styles, lang: str) -> list[Flowable]:
    n = len(table.header)
    labels = table.label_columns
    figures = n - labels
    figure_width = min(28 * mm, (CONTENT_WIDTH * 0.55) / max(1, figures))

    # No word is broken across lines where the page allows: a figure column is as wide as the
    # longest word of its title ("göstərilməyib", "Предыдущий"), the label columns keep room
    # for their own longest word.
    def word_width(texts: list[str]) -> float:
        style = styles.cell_header  # bold: the widest a cell's word can be
        widths = (stringWidth(w, style.fontName, style.fontSize) for t in texts for w in t.split())
        return max(widths, default=0.0) + 2 * CELL_PADDING + 1

    label_texts = [*table.header[:labels]]
    label_texts += [c for row in table.rows for c in row[:labels] if isinstance(c, str)]
    label_min = max(word_width(label_texts), CONTENT_WIDTH * 0.15)
    widest = (CONTENT_WIDTH - labels * label_min) / max(1, figures)
    figure_width = min(widest, max(figure_width, word_width(list(table.header[labels:]))))
    label_width = (CONTENT_WIDTH - figures * figure_width) / max(1, labels)
    widths = [label_width] * labels + [figure_width] * figures
    right = _right(styles)
    rows: list[list[object]] = []
    for i, row in enumerate(table.rows):
        bold = i in table.bold_rows
        cells: list[object] = []
        for j, value in enumerate(row):
            if j < labels:
                text = para_text(
                    value if isinstance(value, str) else _number(value, lang), empty=""
                )
                cells.append(f"<b>{text}</b>" if bold and text else text)
            else:
                text = _number(value, lang)
                cells.append(Para(f"<b>{text}</b>" if bold and text else text, right))
        rows.append(cells)
    out: list[Flowable] = []
    if table.caption:
        out.append(Para(f"<b>{escape(table.caption)}</b>", styles.body))
    out.append(data_table(table.header, rows, widths, styles))
    for note in table.notes:
        out.append(Para(para_text(note), styles.small))
    out.append(Spacer(1, 3 * mm))
    return out


def _right(styles: Styles) -> ParagraphStyle:
    return ParagraphStyle("cell_right", parent=styles.cell, alignment=TA_RIGHT)


def _chart_height(chart: DonorChart) -> float:
    if chart.kind == "bars":
        return min(max(1, len(chart.categories)) * 13.0, charts.MAX_BARS_HEIGHT) + 24
    return 150.0


def _chart(chart: DonorChart, styles: Styles) -> Flowable:
    if chart.kind == "bars":
        values = chart.series[0][1] if chart.series else ()
        return charts.horizontal_bars(chart.categories, values, styles)
    if chart.kind == "groups":
        return charts.grouped_bars(chart.categories, chart.series, styles)
    return charts.month_lines(chart.categories, chart.series, styles)


__all__ = [
    "DonorChart",
    "DonorReportInput",
    "DonorSection",
    "DonorTable",
    "donor_story",
    "render_donor_report",
]

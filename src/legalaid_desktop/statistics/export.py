"""A :class:`~.table.FigureTable` as the sheets people read: labels, not codes (the JSON
document keeps the codes), the previous period beside each value, a total row, and the
parameters (measure, counting rule, period, filters, suppression) that say what was counted."""

from __future__ import annotations

from collections.abc import Sequence

from legalaid_desktop.i18n import _
from legalaid_desktop.i18n.formatting import format_date
from legalaid_desktop.statistics.definitions import (
    COUNTING_RULES,
    DIMENSION_LABELS,
    MEASURE_LABELS,
    YOUTH_LABEL,
    Dimension,
)
from legalaid_desktop.statistics.table import FigureTable, Shown
from legalaid_desktop.statistics.writers import Cell, Sheet

FILTER_LABELS: dict[str, Dimension] = {
    "center": Dimension.CENTER,
    "region": Dimension.REGION,
    "legal_area": Dimension.LEGAL_AREA,
    "lawyer": Dimension.LAWYER,
    "campaign": Dimension.CAMPAIGN,
}


def period_text(table: FigureTable) -> str:
    return f"{format_date(table.period.start)} – {format_date(table.period.end)}"


def header(table: FigureTable) -> list[str]:
    cols = [_(DIMENSION_LABELS[d]) for d in table.by]
    cols.append(f"{_(MEASURE_LABELS[table.measure])} ({period_text(table)})")
    if table.previous is not None:
        cols.append(_("Previous period ({period})").format(period=period_text(table.previous)))
    return cols


def rows(table: FigureTable) -> list[list[Cell]]:
    """The data rows and the total row, in the table's order."""
    out: list[list[Cell]] = []
    for row in table.rows:
        line: list[Cell] = [table.label(d, c) for d, c in zip(table.by, row.codes, strict=True)]
        line.append(table.shown(row))
        if table.previous is not None:
            line.append(table.previous_of(row))
        out.append(line)
    total: list[Cell] = [_("Total"), *([""] * (len(table.by) - 1))] if table.by else []
    total.append(table.total_shown)
    if table.previous is not None:
        total.append(table.previous.total_shown)
    out.append(total)
    return out


def long_sheet(table: FigureTable) -> Sheet:
    return Sheet(_(MEASURE_LABELS[table.measure]), header(table), rows(table))


def cross_sheet(table: FigureTable) -> Sheet | None:
    """A two-way figure as a cross table (first dimension down, second across) with totals."""
    if len(table.by) != 2:
        return None
    first, second = table.by
    present = [{r.codes[i] for r in table.rows} for i in (0, 1)]
    # the labels are in display order (the service orders them as the rows)
    downs = [c for c in table.labels.get(first.value, {}) if c in present[0]]
    across = [c for c in table.labels.get(second.value, {}) if c in present[1]]
    cells = {r.codes: table.shown(r) for r in table.rows}

    def margin(position: tuple[object, ...], axis: int, code: str) -> Shown:
        line = [r for r in table.rows if r.codes[axis] == code]
        return table.published(position, sum(r.value for r in line), sum(r.count for r in line))

    body: list[list[Cell]] = []
    for a in downs:
        line: list[Cell] = [table.label(first, a)]
        line += [cells.get((a, b), 0) for b in across]
        line.append(margin(("row", a), 0, a))
        body.append(line)
    totals: list[Cell] = [_("Total")]
    totals += [margin(("col", b), 1, b) for b in across]
    totals.append(table.total_shown)
    body.append(totals)
    head = [
        f"{_(DIMENSION_LABELS[first])} \\ {_(DIMENSION_LABELS[second])}",
        *(table.label(second, b) for b in across),
        _("Total"),
    ]
    return Sheet(_("Cross table"), head, body)


def parameters(table: FigureTable, generated: str) -> list[tuple[str, Cell]]:
    """What was counted, how, over what, and what was left out or suppressed."""
    out: list[tuple[str, Cell]] = [
        (_("Measure"), _(MEASURE_LABELS[table.measure])),
        (_("Measure code"), table.measure.value),
        (_("Counting rule"), _(COUNTING_RULES[table.measure])),
        (_("Period"), period_text(table)),
    ]
    if table.previous is not None:
        out.append((_("Previous period"), period_text(table.previous)))
    out.append(
        (
            _("Broken down by"),
            ", ".join(_(DIMENSION_LABELS[d]) for d in table.by) or _("nothing (the total)"),
        )
    )
    for name, code in table.filters.items():
        dim = FILTER_LABELS[name]
        out.append((_("Only {dimension}").format(dimension=_(DIMENSION_LABELS[dim])), code))
    if Dimension.AGE_BAND in table.by:
        out.append(
            (_("Age bands (age reached in the period's last year)"), ", ".join(table.bands.codes))
        )
    if table.youth is not None:
        out.append((_(YOUTH_LABEL), table.youth_shown))
    out.append((_("Anonymized"), _("yes") if table.anonymized else _("no")))
    if table.anonymized:
        out.append((_("Clients left out (no consent to anonymized statistics)"), table.left_out))
        out.append(
            (
                _("Suppression"),
                _(
                    'Counts of 1 to 4 are shown as "<5". Where a total would give such a count '
                    "back, the next smallest figure of its row or column is hidden too, shown "
                    'as "x".'
                ),
            )
        )
    out.append((_("Made on"), generated))
    return out


def sheets(table: FigureTable) -> Sequence[Sheet]:
    cross = cross_sheet(table)
    return (long_sheet(table),) if cross is None else (cross, long_sheet(table))

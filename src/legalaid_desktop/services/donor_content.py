"""What the donor report holds, as the figures' tables turn into sheets (XLSX) and sections (PDF).

One source for both files: every table of the PDF is the sheet of the XLSX with the same rows
(:func:`sheets`), so the two never disagree. Everything here runs with the report's language
active (labels, dates, numbers). Only anonymized figures come in (:class:`DonorFigures`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from legalaid_desktop.i18n import N_, _
from legalaid_desktop.i18n.formatting import format_date
from legalaid_desktop.reports.donor import DonorChart, DonorSection, DonorTable
from legalaid_desktop.statistics import export
from legalaid_desktop.statistics.definitions import (
    COUNTING_RULES,
    DIMENSION_LABELS,
    MEASURE_LABELS,
    YOUTH_LABEL,
    Dimension,
    Measure,
)
from legalaid_desktop.statistics.table import FigureRow, FigureTable
from legalaid_desktop.statistics.writers import Cell, RecordCell, Sheet

ALAC_DIMENSIONS = (
    Dimension.CORRUPTION_SECTOR,
    Dimension.CORRUPTION_CONDUCT,
    Dimension.INSTITUTION,
    Dimension.REFERRED_TO,
)
"""The ALAC table's breakdowns of the cases opened; its satisfaction table (the cases closed that
recorded one) follows them (:data:`ALAC_SATISFACTION`)."""
ALAC_SATISFACTION = (Measure.CASES_CLOSED, Dimension.SATISFACTION)
"""The citizens' satisfaction: asked when a case closes, so the cases closed in the period that
recorded it (a score, or "could not be reached"); a case closed without asking is left out
(``FigureQuery.recorded_only``), not counted as "not stated"."""
TREND_MEASURES = (Measure.CLIENTS_SERVED, Measure.CASES_OPENED, Measure.CONSULTATIONS)

REFERRED_NOTE = N_(
    "Referred to: each case counts once, under the body of its first referral (the earliest "
    "date); a case referred to two bodies counts under the first, and a case never referred is "
    '"not referred", so the table adds up to the cases opened.'
)
SATISFACTION_NOTE = N_(
    "Citizen satisfaction is asked when a case closes: the table counts the cases closed in "
    'the period that recorded it (a score from 5, very satisfied, to 1, or "could not be '
    'reached"); cases closed without asking are not in it.'
)
KINDS_NOTE = N_(
    "People apart from community organizations and initiative groups. An organization or "
    'group has no gender or age: it is "not applicable" in the table above.'
)
CHART_NOTE = N_('Figures shown as "<5" or "x" are not drawn in the charts.')
LARGEST_NOTE = N_("The chart shows the {n} largest rows of the table.")
CHART_ROWS = 15

METHOD_NOTES: tuple[tuple[str, str], ...] = (
    (
        N_("Anonymized figures"),
        N_(
            "Only clients whose consent includes anonymized statistics, in force on the last day "
            "of the period and not withdrawn, are counted; how many clients were left out is "
            "stated above. The report holds no names, phones, addresses, notes or birth years: "
            "ages only as bands."
        ),
    ),
    (
        N_("Small counts"),
        N_(
            'A count of 1 to 4 is shown as "<5"; zero is shown. Where a total would give a '
            "hidden count back, the next smallest count of its row or column is hidden too and "
            'shown as "x": it is not small, only withheld.'
        ),
    ),
    (
        N_("Unknown values"),
        N_(
            'A value nobody filled in is its own row ("not stated"); one that does not apply '
            'is "not applicable" (the corruption details of a case that is not a corruption '
            "case). Nothing is dropped: every table adds up to its total."
        ),
    ),
    (
        N_("Age"),
        N_(
            "The age reached in the last year of the period (that year minus the birth year), "
            "in bands 0-13, 14-17, 18-29, 30-44, 45-59, 60+. Youth (14-29) is the age range of "
            "Azerbaijan's law on youth policy."
        ),
    ),
    (
        N_("Previous period"),
        N_(
            "Beside each headline figure is the previous period of equal length: the year, "
            "quarter or month before, or the same number of days just before."
        ),
    ),
    (N_("Referred to"), REFERRED_NOTE),
    (N_("Citizen satisfaction"), SATISFACTION_NOTE),
)


@dataclass(frozen=True)
class DonorFigures:
    """The anonymized figures of one report (the headline's with the previous period beside
    them)."""

    headline: tuple[FigureTable, ...]
    gender_age: FigureTable
    region: FigureTable
    legal_area: FigureTable
    outcome: FigureTable
    alac: tuple[FigureTable, ...]
    """The cases opened by :data:`ALAC_DIMENSIONS`, then :data:`ALAC_SATISFACTION`."""
    months: tuple[FigureTable, ...]
    client_kind: FigureTable | None = None
    """Clients served by kind of client: people apart from organizations and initiative
    groups (issue 19)."""

    @property
    def left_out(self) -> int:
        """Clients served in the period who were left out for want of consent."""
        return self.headline[0].left_out


# -- the tables ---------------------------------------------------------------------------------


def _headline(f: DonorFigures) -> Sheet:
    first = f.headline[0]
    header = [
        _("Measure"),
        _("This period ({period})").format(period=export.period_text(first)),
        _("Previous period ({period})").format(
            period=export.period_text(first.previous) if first.previous else ""
        ),
        _("Clients left out (no consent)"),
    ]
    rows: list[list[Cell]] = [
        [
            _(MEASURE_LABELS[t.measure]),
            t.total_shown,
            t.previous.total_shown if t.previous is not None else None,
            t.left_out,
        ]
        for t in f.headline
    ]
    return Sheet(_("Headline figures"), header, rows)


def _by(t: FigureTable, title: str) -> Sheet:
    return Sheet(title, export.header(t), export.rows(t))


def _gender_age(t: FigureTable) -> Sheet:
    cross = export.cross_sheet(t)
    assert cross is not None  # a two-way figure always has its cross table
    rows = [list(r) for r in cross.rows]
    if t.youth is not None:
        rows.append([_(YOUTH_LABEL), *([None] * (len(cross.header) - 2)), t.youth_shown])
    title = _("{measure}: gender and age band").format(measure=_(MEASURE_LABELS[t.measure]))
    return Sheet(title, cross.header, rows)


def _months(tables: tuple[FigureTable, ...]) -> Sheet:
    header = [_("Month"), *(_(MEASURE_LABELS[t.measure]) for t in tables)]
    codes = [r.codes[0] for r in tables[0].rows]
    values = [{r.codes[0]: t.shown(r) for r in t.rows} for t in tables]
    rows: list[list[Cell]] = [[code, *(v.get(code, 0) for v in values)] for code in codes]
    rows.append([_("Total"), *(t.total_shown for t in tables)])
    return Sheet(_("Trends by month"), header, rows)


def _title(measure: Measure, dimension: Dimension) -> str:
    return _("{measure} by {dimension}").format(
        measure=_(MEASURE_LABELS[measure]), dimension=_(DIMENSION_LABELS[dimension])
    )


def sheets(f: DonorFigures) -> list[Sheet]:
    """Every table of the report, in its order (the XLSX's sheets, the PDF's tables)."""
    out = [
        _headline(f),
        _gender_age(f.gender_age),
        _by(f.region, _title(f.region.measure, Dimension.REGION)),
        _by(f.legal_area, _title(f.legal_area.measure, Dimension.LEGAL_AREA)),
        _by(f.outcome, _title(f.outcome.measure, Dimension.OUTCOME)),
    ]
    if f.client_kind is not None:
        out.insert(2, _by(f.client_kind, _title(f.client_kind.measure, Dimension.CLIENT_KIND)))
    out += [_by(t, "ALAC: " + _(DIMENSION_LABELS[t.by[0]])) for t in f.alac]
    out.append(_months(f.months))
    return out


# -- the PDF's sections -------------------------------------------------------------------------


def _printed(cell: RecordCell) -> Cell:
    """A sheet's cell as the PDF prints it (a figure table holds no dates; one would be text)."""
    return format_date(cell) if isinstance(cell, date) else cell


def _table(sheet: Sheet, *, caption: str = "") -> DonorTable:
    rows = tuple(tuple(_printed(c) for c in r) for r in sheet.rows)
    total = _("Total")
    bold = frozenset(i for i, r in enumerate(rows) if r and r[0] == total)
    return DonorTable(tuple(sheet.header), rows, 1, bold, caption)


def _largest(t: FigureTable) -> list[FigureRow]:
    """The rows a bar chart draws: the :data:`CHART_ROWS` largest published ones, in the
    table's order."""
    shown = [r for r in t.rows if isinstance(t.shown(r), int)]
    kept = set(sorted(shown, key=lambda r: -r.value)[:CHART_ROWS])
    return [r for r in t.rows if r in kept]


def _bars(t: FigureTable) -> DonorChart:
    dim = t.by[0]
    rows = _largest(t)
    labels = tuple(t.label(dim, r.codes[0]) for r in rows)
    values = tuple(t.shown(r) for r in rows)
    return DonorChart("bars", labels, ((_(MEASURE_LABELS[t.measure]), values),))


def _bar_notes(t: FigureTable) -> tuple[str, ...]:
    if len(t.rows) <= CHART_ROWS:
        return (_(CHART_NOTE),)
    return (_(CHART_NOTE), _(LARGEST_NOTE).format(n=CHART_ROWS))


def _groups(t: FigureTable) -> DonorChart:
    first, second = t.by  # gender, age band
    present = [{r.codes[i] for r in t.rows} for i in (0, 1)]
    genders = [c for c in t.labels.get(first.value, {}) if c in present[0]]
    bands = [c for c in t.labels.get(second.value, {}) if c in present[1]]
    cells = {r.codes: t.shown(r) for r in t.rows}
    series = tuple((t.label(first, g), tuple(cells.get((g, b), 0) for b in bands)) for g in genders)
    return DonorChart("groups", tuple(t.label(second, b) for b in bands), series)


def _lines(tables: tuple[FigureTable, ...]) -> DonorChart:
    months = tuple(r.codes[0] for r in tables[0].rows)
    series = tuple(
        (
            _(MEASURE_LABELS[t.measure]),
            tuple({r.codes[0]: t.shown(r) for r in t.rows}[m] for m in months),
        )
        for t in tables
    )
    return DonorChart("lines", months, series)


def sections(f: DonorFigures) -> tuple[DonorSection, ...]:
    """The PDF's sections: the same tables as :func:`sheets`, with their charts."""
    s = sheets(f)
    kinds: list[DonorSection] = []
    if f.client_kind is not None:
        kind = s.pop(2)
        kinds.append(DonorSection(kind.title, _(KINDS_NOTE), (_table(kind),)))
    headline, gender_age, region, area, outcome = s[:5]
    alac = s[5 : 5 + len(f.alac)]
    months = s[-1]
    chart_note = (_(CHART_NOTE),)
    return (
        DonorSection(_("Headline figures"), tables=(_table(headline),)),
        DonorSection(
            gender_age.title,
            _("Clients served, by gender (rows) and age band (columns)."),
            (_table(gender_age),),
            _groups(f.gender_age),
            chart_note,
        ),
        *kinds,
        DonorSection(region.title, "", (_table(region),), _bars(f.region), _bar_notes(f.region)),
        DonorSection(
            area.title, "", (_table(area),), _bars(f.legal_area), _bar_notes(f.legal_area)
        ),
        DonorSection(outcome.title, "", (_table(outcome),)),
        DonorSection(
            _("Anti-corruption (ALAC) cases"),
            _(
                "The cases opened in the period, by the corruption details recorded on them "
                'and where they were referred (cases that are not corruption cases are "not '
                'applicable" to the corruption details); then the satisfaction of the citizens '
                "whose cases closed in the period."
            ),
            tuple(_table(t, caption=t.title.removeprefix("ALAC: ")) for t in alac),
            notes=(_(REFERRED_NOTE), _(SATISFACTION_NOTE)),
        ),
        DonorSection(months.title, "", (_table(months),), _lines(f.months), chart_note),
    )


def methodology(f: DonorFigures) -> tuple[tuple[str, str], ...]:
    """The counting rule of every measure, then how anonymized figures are made."""
    rules = [(_(MEASURE_LABELS[t.measure]), _(COUNTING_RULES[t.measure])) for t in f.headline]
    return (*rules, *((_(title), _(text)) for title, text in METHOD_NOTES))

"""``legalaid report figures``: the statistics contract for HQ scripts (docs/statistics.md).

``legalaid report figures --measure M [--by DIM[,DIM]] (--period P | --from D --to D)
[--center CODE] [--format table|csv|xlsx|json] [-o FILE] [--anonymized]``

Every input is checked before the password is asked for: an unknown measure or dimension, a
period that does not parse or starts after it ends, an output folder that cannot be written
are refused with one line and exit 4, and no file is left behind. A lawyer asking for another
lawyer's figures is refused with exit 5.
"""

from __future__ import annotations

import argparse
import json
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from legalaid_desktop.cli.context import CliContext, Output
from legalaid_desktop.domain.errors import InputRejected
from legalaid_desktop.i18n import _, ngettext
from legalaid_desktop.i18n.formatting import format_integer
from legalaid_desktop.services.workspace import check_destination
from legalaid_desktop.statistics import export
from legalaid_desktop.statistics.definitions import (
    COUNTING_RULES,
    YOUTH_LABEL,
    AgeBands,
    Dimension,
    parse_dimensions,
    parse_measure,
)
from legalaid_desktop.statistics.periods import Period, date_range, parse_period
from legalaid_desktop.statistics.query import FigureQuery, Filters
from legalaid_desktop.statistics.table import FigureTable, Shown

FORMATS = ("table", "csv", "xlsx", "json")
_SUFFIXES = {".csv": "csv", ".xlsx": "xlsx", ".json": "json"}


def _day(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputRejected(
            _("{option}: '{value}' is not a date (use YYYY-MM-DD).").format(
                option=option, value=value
            )
        ) from None


def _period(args: argparse.Namespace) -> Period:
    if args.period is not None:
        if args.start is not None or args.end is not None:
            raise InputRejected(_("Give either --period or --from and --to, not both."))
        return parse_period(args.period)
    if args.start is None or args.end is None:
        raise InputRejected(_("Give --period (2026, 2026Q1, 2026-02) or both --from and --to."))
    return date_range(_day(args.start, "--from"), _day(args.end, "--to"))


def _format(args: argparse.Namespace) -> str:
    fmt = args.format
    if fmt is None:
        fmt = _SUFFIXES.get(Path(args.output).suffix.lower(), "table") if args.output else "table"
    if fmt not in FORMATS:
        raise InputRejected(
            _("Unknown format '{format}': choose table, csv, xlsx or json.").format(format=fmt)
        )
    if args.output and fmt == "table":
        raise InputRejected(_("A file is written as csv, xlsx or json: say which with --format."))
    if fmt == "xlsx" and not args.output:
        raise InputRejected(_("An XLSX file needs a name: add -o FILE.xlsx."))
    return fmt


def _check_output(path: Path, data_dir: Path) -> None:
    """Refuse an output path that cannot be written, or lies in the data folder, before the
    password is asked for and any work is done."""
    check_destination(path, data_dir)
    folder = path.parent
    if path.is_dir() or not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
        raise InputRejected(
            _("Cannot write {file}: the folder does not exist or is not writable.").format(
                file=path
            )
        )


@dataclass(frozen=True)
class _Request:
    query: FigureQuery
    fmt: str
    output: Path | None


def _request(args: argparse.Namespace, data_dir: Path) -> _Request:
    measure = parse_measure(args.measure)
    by = parse_dimensions(args.by)
    period = _period(args)
    fmt = _format(args)
    output = Path(args.output).expanduser() if args.output else None
    if output is not None:
        _check_output(output, data_dir)
    bands = AgeBands.parse(args.age_bands) if args.age_bands else AgeBands()
    filters = Filters(
        center=args.center.strip().upper() if args.center else None,
        region=args.region,
        legal_area=args.legal_area,
        lawyer=args.lawyer,
        campaign=args.campaign,
    )
    query = FigureQuery(measure, period, by, filters, anonymized=args.anonymized, bands=bands)
    return _Request(query, fmt, output)


def _cell(value: Shown | float | None) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else format_integer(int(value))


def render_table(table: FigureTable) -> str:
    """The figure as aligned text columns, its total, and what was counted."""
    head = export.header(table)
    body = [[_cell(c) if not isinstance(c, str) else c for c in r] for r in export.rows(table)]
    widths = [max(len(str(r[i])) for r in [head, *body]) for i in range(len(head))]
    numeric = range(len(table.by), len(head))

    def line(cells: list[str]) -> str:
        return "  ".join(
            str(c).rjust(w) if i in numeric else str(c).ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    out = [line(head), line(["-" * w for w in widths]), *(line(r) for r in body[:-1])]
    if table.by:
        out.append(line(["-" * w for w in widths]))
    out.append(line(body[-1]))
    if table.youth is not None:
        out.append(f"{_(YOUTH_LABEL)}: {_cell(table.youth_shown)}")
    out.append("")
    out.append(_(COUNTING_RULES[table.measure]))
    if table.anonymized:
        out.append(
            ngettext(
                "Anonymized: {n} client without consent to anonymized statistics is left out; "
                'counts of 1 to 4 are shown as "<5", a figure hidden with one as "x".',
                "Anonymized: {n} clients without consent to anonymized statistics are left out; "
                'counts of 1 to 4 are shown as "<5", a figure hidden with one as "x".',
                table.left_out,
            ).format(n=table.left_out)
        )
    return "\n".join(out)


def cmd_report_figures(args: argparse.Namespace, ctx: CliContext) -> Output:
    request = _request(args, ctx.data_dir)
    with ctx.session() as s:
        table = s.statistics.figures(request.query)
        if request.output is not None:
            n = s.statistics.export(table, request.output, request.fmt)
            return Output(
                {"file": str(request.output), "format": request.fmt, "rows": n},
                ngettext("Wrote {file} ({n} row).", "Wrote {file} ({n} rows).", n).format(
                    file=request.output, n=n
                ),
            )
    doc = table.document()
    if request.fmt == "json":
        return Output(doc, json.dumps(doc, ensure_ascii=False, indent=2))
    if request.fmt == "csv":
        from legalaid_desktop.i18n import current_language
        from legalaid_desktop.statistics.writers import csv_bytes

        data = csv_bytes(export.long_sheet(table), current_language())
        return Output(doc, data.decode("utf-8").removeprefix("\ufeff"))
    return Output(doc, render_table(table))


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    report = sub.add_parser("report", help=_("statistics: figures for management and donors"))
    rsub = report.add_subparsers(dest="report_cmd", required=True)
    p = rsub.add_parser(
        "figures",
        help=_("one measure over a period, broken down by up to two dimensions"),
        description=_("Measures: {measures}. Dimensions: {dimensions}.").format(
            measures=", ".join(m for m in COUNTING_RULES),
            dimensions=", ".join(d.value for d in Dimension),
        ),
    )
    p.add_argument("--measure", required=True, metavar="MEASURE")
    p.add_argument("--by", metavar="DIM[,DIM]")
    p.add_argument("--period", metavar="2026|2026Q1|2026-02")
    p.add_argument("--from", dest="start", metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="end", metavar="YYYY-MM-DD")
    p.add_argument("--center", metavar="CODE", help=_("only this center"))
    p.add_argument("--region", metavar="CODE", help=_("only clients of this region"))
    p.add_argument("--legal-area", dest="legal_area", metavar="CODE")
    p.add_argument("--lawyer", metavar="USERNAME")
    p.add_argument("--campaign", metavar="CAMPAIGN_ID")
    p.add_argument("--format", metavar="|".join(FORMATS))
    p.add_argument("-o", "--output", metavar="FILE")
    p.add_argument(
        "--anonymized",
        action="store_true",
        help=_("only clients who consented to anonymized statistics; small counts as <5"),
    )
    p.add_argument("--age-bands", dest="age_bands", metavar="0-13,14-17,...,60+")
    p.set_defaults(func=cmd_report_figures)

    from legalaid_desktop.cli import donor_commands  # it builds on this module's checks

    donor_commands.register(rsub)

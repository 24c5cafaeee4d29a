"""``legalaid export``: records to a spreadsheet file (issue 18, docs/exports.md).

``legalaid export clients|cases|consultations --format csv|xlsx -o FILE [--center CODE]
[--region CODE] [--gender CODE] [--legal-area CODE] [--lawyer USER] [--status CODE]
[--from D --to D]``

The file holds personal data outside the encryption: only managers and administrators may write
it (anyone else: exit 5, audited), and every export is audited. Every input that needs no store
is checked before the password is asked for (an unknown list or format, a date that is not one,
``--from`` after ``--to``, an output folder that cannot be written): one line, exit 4, and no
file is left behind.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from legalaid_desktop.cli.context import CliContext, Output
from legalaid_desktop.cli.report_commands import _check_output, _day
from legalaid_desktop.domain.errors import InputRejected
from legalaid_desktop.i18n import _, ngettext
from legalaid_desktop.services.exports import (
    FORMATS,
    RECORD_LISTS,
    ListFilters,
    check_request,
)

_SUFFIXES = {".csv": "csv", ".xlsx": "xlsx"}


def _request(args: argparse.Namespace, data_dir: Path) -> tuple[str, str, Path, ListFilters]:
    if not args.output:
        raise InputRejected(_("Say where to write the file with -o FILE.xlsx or -o FILE.csv."))
    output = Path(args.output).expanduser()
    fmt = args.format or _SUFFIXES.get(output.suffix.lower())
    if fmt is None:
        raise InputRejected(_("Say the format with --format csv or --format xlsx."))
    filters = ListFilters(
        center=args.center.strip().upper() if args.center else None,
        region=args.region,
        gender=args.gender,
        legal_area=args.legal_area,
        lawyer=args.lawyer,
        status=args.status,
        start=_day(args.start, "--from") if args.start else None,
        end=_day(args.end, "--to") if args.end else None,
    )
    check_request(args.what, fmt, filters)
    _check_output(output, data_dir)
    return args.what, fmt, output, filters


def cmd_export(args: argparse.Namespace, ctx: CliContext) -> Output:
    what, fmt, output, filters = _request(args, ctx.data_dir)
    with ctx.session() as s:
        result = s.exports.export(what, output, fmt, filters)
    n = result.rows
    return Output(
        {"list": what, "file": str(output), "format": fmt, "rows": n},
        ngettext("Wrote {file} ({n} row).", "Wrote {file} ({n} rows).", n).format(file=output, n=n),
    )


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "export",
        help=_("write clients, cases or consultations to an XLSX or CSV file (not encrypted)"),
        description=_(
            "The file holds personal data and is not encrypted; only managers and "
            "administrators may write it, and every export is recorded in the audit log."
        ),
    )
    p.add_argument("what", metavar="|".join(RECORD_LISTS))
    p.add_argument("--format", metavar="|".join(FORMATS))
    p.add_argument("-o", "--output", metavar="FILE")
    p.add_argument("--center", metavar="CODE", help=_("only this center"))
    p.add_argument("--region", metavar="CODE", help=_("only clients of this region"))
    p.add_argument("--gender", metavar="CODE")
    p.add_argument("--legal-area", dest="legal_area", metavar="CODE")
    p.add_argument("--lawyer", metavar="USERNAME")
    p.add_argument("--status", metavar="CODE", help=_("the case's status"))
    p.add_argument("--from", dest="start", metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="end", metavar="YYYY-MM-DD")
    p.set_defaults(func=cmd_export)

"""``pdf case``, ``pdf consent`` and ``pdf closed`` commands."""

from __future__ import annotations

import argparse
from pathlib import Path

from legalaid_desktop.cli.case_commands import _date
from legalaid_desktop.cli.context import CliContext, Output
from legalaid_desktop.i18n import LANGUAGES, _, ngettext


def _written(path: str, pages: int) -> str:
    return ngettext("Wrote {file} ({n} page).", "Wrote {file} ({n} pages).", pages).format(
        file=path, n=pages
    )


def cmd_pdf_case(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.session() as s:
        pages = s.reports.case_summary(
            args.number, Path(args.output), lang=args.lang, include_contact=not args.no_contact
        )
    return Output(
        {"file": args.output, "pages": pages},
        _written(args.output, pages),
    )


def cmd_pdf_consent(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.session() as s:
        pages = s.reports.consent_form(args.client_id, Path(args.output), lang=args.lang)
    return Output(
        {"file": args.output, "pages": pages},
        _written(args.output, pages),
    )


def cmd_pdf_closed(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.session() as s:
        pages = s.reports.closed_summaries(args.start, args.end, Path(args.output), lang=args.lang)
    return Output(
        {"file": args.output, "pages": pages},
        _written(args.output, pages),
    )


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    pdf = sub.add_parser("pdf", help=_("PDF case summaries and consent forms")).add_subparsers(
        dest="pdf_cmd", required=True
    )
    p = pdf.add_parser("case", help=_("the summary of one case"))
    p.add_argument("number", metavar="CASE_NUMBER")
    p.add_argument("-o", "--output", required=True, metavar="FILE.pdf")
    p.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS)
    p.add_argument("--no-contact", action="store_true", help=_("leave out phone and address"))
    p.set_defaults(func=cmd_pdf_case)
    p = pdf.add_parser("consent", help=_("a pre-filled consent form for a client"))
    p.add_argument("client_id", metavar="CLIENT_ID|NUMBER")
    p.add_argument("-o", "--output", required=True, metavar="FILE.pdf")
    p.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS)
    p.set_defaults(func=cmd_pdf_consent)
    p = pdf.add_parser("closed", help=_("summaries of the cases closed in a period"))
    p.add_argument("--from", dest="start", required=True, type=_date, metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="end", required=True, type=_date, metavar="YYYY-MM-DD")
    p.add_argument("-o", "--output", required=True, metavar="FILE.pdf")
    p.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS)
    p.set_defaults(func=cmd_pdf_closed)

"""``legalaid report donor``: the donor report as a PDF or an XLSX (docs/statistics.md).

``legalaid report donor (--period P | --from D --to D) [--center CODE] -o FILE.pdf|FILE.xlsx
[--lang az|ru|en]``

The same rules as ``report figures``: the period, the file's kind (from its extension), its
folder and the language are checked before the password is asked for (one line, exit 4, no
file); an unknown center is refused after it (exit 4, no file). Only the roles that see every
figure make it: a lawyer is refused (exit 5, audited).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from legalaid_desktop.cli.context import CliContext, Output
from legalaid_desktop.cli.report_commands import _check_output, _period
from legalaid_desktop.domain.errors import InputRejected
from legalaid_desktop.i18n import LANGUAGES, _, current_language, ngettext

KINDS = {".pdf": "pdf", ".xlsx": "xlsx"}


def _kind(output: Path) -> str:
    kind = KINDS.get(output.suffix.lower())
    if kind is None:
        raise InputRejected(
            _("The donor report is written as FILE.pdf or FILE.xlsx, not {file}.").format(
                file=output.name
            )
        )
    return kind


def _lang(value: str | None) -> str:
    lang = value or current_language()
    if lang not in LANGUAGES:
        raise InputRejected(_("Unknown language '{lang}': choose az, ru or en.").format(lang=value))
    return lang


def cmd_report_donor(args: argparse.Namespace, ctx: CliContext) -> Output:
    period = _period(args)
    output = Path(args.output).expanduser()
    kind = _kind(output)
    _check_output(output, ctx.data_dir)
    lang = _lang(args.pdf_lang)
    center = args.center.strip().upper() if args.center else None
    with ctx.session() as s:
        if kind == "pdf":
            pages = s.donor.write_pdf(period, output, center=center, lang=lang)
            text = ngettext("Wrote {file} ({n} page).", "Wrote {file} ({n} pages).", pages).format(
                file=output, n=pages
            )
            return Output({"file": str(output), "format": kind, "pages": pages}, text)
        sheets = s.donor.write_xlsx(period, output, center=center, lang=lang)
    text = ngettext("Wrote {file} ({n} table).", "Wrote {file} ({n} tables).", sheets).format(
        file=output, n=sheets
    )
    return Output({"file": str(output), "format": kind, "tables": sheets}, text)


def register(rsub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = rsub.add_parser(
        "donor",
        help=_("the donor report (anonymized figures) as a PDF or an XLSX"),
    )
    p.add_argument("--period", metavar="2026|2026Q1|2026-02")
    p.add_argument("--from", dest="start", metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="end", metavar="YYYY-MM-DD")
    p.add_argument(
        "--center", metavar="CODE", help=_("only this center (at HQ; the network otherwise)")
    )
    p.add_argument("-o", "--output", required=True, metavar="FILE.pdf|FILE.xlsx")
    # its own name: the global --lang (messages) must not be overwritten by the subcommand's
    p.add_argument("--lang", dest="pdf_lang", metavar="az|ru|en", help=_("language of the report"))
    p.set_defaults(func=cmd_report_donor)

"""``client export``: everything held about one client, as a PDF or a JSON file (issue 16).

``legalaid client export ID|NUMBER -o FILE.pdf|FILE.json [--lang az|ru|en] [--force]``

The format comes from the suffix of the file (anything else is a usage error, exit 2). An
existing file is refused (exit 4) unless ``--force``: the report holds everything about a person,
so silently replacing a file, perhaps another person's report, is not what anyone wants. The file
is written atomically. Managers and administrators only (exit 5 for other roles); an unknown id
or case number is exit 4. See ``docs/personal-data-access.md``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from legalaid_desktop.cli.context import CliContext, Output
from legalaid_desktop.i18n import LANGUAGES, _, ngettext
from legalaid_desktop.services.access_report import FORMATS, AccessReportService


def _report_file(value: str) -> Path:
    path = Path(value)
    if path.suffix.lower() not in FORMATS:
        raise argparse.ArgumentTypeError(
            _("'{value}' must end in .pdf or .json (the format of the report)").format(value=value)
        )
    return path


def cmd_client_export(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.session() as s:
        result = AccessReportService(s.ws).export(
            args.client, args.output, lang=getattr(args, "lang", None), overwrite=args.force
        )
    if result.format == "pdf":
        text = ngettext("Wrote {file} ({n} page).", "Wrote {file} ({n} pages).", result.pages)
    else:
        text = _("Wrote {file}.")
    data = {
        "file": str(result.path),
        "format": result.format,
        "pages": result.pages,
        "records": result.records,
        "audit_events": result.events,
    }
    return Output(data, text.format(file=result.path, n=result.pages))


def register_client_commands(
    client: argparse._SubParsersAction[argparse.ArgumentParser],
) -> None:
    """Add ``export`` to the ``client`` command group."""
    p = client.add_parser(
        "export",
        help=_("everything held about a client, as a PDF or JSON file (managers)"),
    )
    p.add_argument(
        "client", metavar="ID|NUMBER", help=_("a client id or one of their case numbers")
    )
    p.add_argument("-o", "--output", required=True, type=_report_file, metavar="FILE.pdf|FILE.json")
    p.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS)
    p.add_argument("--force", action="store_true", help=_("replace the file if it exists"))
    p.set_defaults(func=cmd_client_export)

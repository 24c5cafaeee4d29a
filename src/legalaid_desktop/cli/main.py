"""The ``legalaid`` command (DESIGN.md §7).

Exit codes: 0 ok; 1 failed; 2 usage; 3 authentication failed; 4 input rejected; 5 not allowed
for your role (:class:`~legalaid_desktop.domain.errors.PermissionDenied`: the user is who they
say, but their role does not allow the action; the message names the role that would).
Expected failures print one line on stderr (``legalaid: …``), never a traceback; with
``--json`` a JSON document ``{"error": …, "exit_code": …}`` is printed on stdout as well. An
unexpected error (a bug) prints one line with its type only, since its message may quote client
data; ``LEGALAID_DEBUG=1`` adds the traceback without messages.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence

from legalaid_desktop.cli import (
    admin_commands,
    campaign_commands,
    case_commands,
    demo_command,
    export_commands,
    import_commands,
    pdf_commands,
    reference_commands,
    report_commands,
    sync_commands,
)
from legalaid_desktop.cli.context import CliContext, emit
from legalaid_desktop.cli.version_option import add_version_option
from legalaid_desktop.domain.errors import LegalAidError
from legalaid_desktop.i18n import LANGUAGES, _, set_language
from legalaid_desktop.services.failures import storage_failure
from legalaid_desktop.tracebacks import redacted_traceback


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="legalaid",
        description=_("LegalAid Desktop: encrypted case management for legal-aid centers."),
    )
    parser.add_argument("--data-dir", metavar="DIR", help=_("the data folder (LEGALAID_DATA_DIR)"))
    parser.add_argument("--user", metavar="NAME", help=_("who you are (LEGALAID_USER)"))
    parser.add_argument("--json", action="store_true", help=_("print one JSON document"))
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        help=_("language of messages and labels (LEGALAID_LANG; default en, for scripts)"),
    )
    add_version_option(parser)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    admin_commands.register(sub)
    demo_command.register(sub)
    case_commands.register(sub)
    campaign_commands.register(sub)
    pdf_commands.register(sub)
    report_commands.register(sub)
    export_commands.register(sub)
    import_commands.register(sub)
    sync_commands.register(sub)
    reference_commands.register(sub)
    return parser


def _fail(ctx_json: bool, message: str, code: int) -> int:
    sys.stderr.write(f"legalaid: {message}\n")
    if ctx_json:
        sys.stdout.write(
            json.dumps({"error": message, "exit_code": code}, ensure_ascii=False) + "\n"
        )
    return code


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    set_language(args.lang or os.environ.get("LEGALAID_LANG") or "en")
    ctx = CliContext.from_args(args)
    try:
        out = args.func(args, ctx)
    except LegalAidError as exc:
        return _fail(ctx.json, str(exc), exc.exit_code)
    except KeyboardInterrupt:
        return _fail(ctx.json, _("Interrupted."), 1)
    except OSError as exc:
        failure = storage_failure(exc)  # a full disk, a read-only folder, an I/O error
        if failure is not None:
            return _fail(ctx.json, str(failure), failure.exit_code)
        return _fail(
            ctx.json,
            _("{what}: {reason}").format(
                what=exc.filename or _("file"), reason=exc.strerror or exc
            ),
            1,
        )
    except Exception as exc:  # a bug: its message may quote data, so it is not printed
        if os.environ.get("LEGALAID_DEBUG"):
            sys.stderr.write(redacted_traceback(exc))
        return _fail(
            ctx.json,
            _(
                "An unexpected error stopped the command ({kind}). Set LEGALAID_DEBUG=1 to see "
                "where it happened (without any data)."
            ).format(kind=type(exc).__name__),
            1,
        )
    emit(ctx, out)
    return out.exit_code


if __name__ == "__main__":
    sys.exit(main())

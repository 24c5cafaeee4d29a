"""``client merge KEEP OTHER`` (issue 19): merge a duplicate client into the one kept."""

from __future__ import annotations

import argparse
from dataclasses import asdict

from legalaid_desktop.cli.context import CliContext, Output
from legalaid_desktop.i18n import _, ngettext

__all__ = ["register"]


def cmd_merge(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.session() as s:
        result = s.merges.merge(args.keep, args.other)
    cases = ngettext("{n} case", "{n} cases", result.cases).format(n=result.cases)
    return Output(
        asdict(result),
        _("Merged {other} into {keep} ({cases} moved); {other} now points to {keep}.").format(
            other=result.merged_number, keep=result.kept_number, cases=cases
        ),
    )


def register(client: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = client.add_parser(
        "merge",
        help=_(
            "merge a duplicate client into the one kept: cases, consents and documents move, "
            "the other becomes a pointer to it (managers)"
        ),
    )
    p.add_argument("keep", metavar="KEEP", help=_("the client kept (number or id)"))
    p.add_argument("other", metavar="OTHER", help=_("the duplicate merged into it"))
    p.set_defaults(func=cmd_merge)

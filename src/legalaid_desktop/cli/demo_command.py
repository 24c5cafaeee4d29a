"""``demo``: fill the store with realistic demonstration data (managers and administrators).

The command runs without SQLCipher's memory security
(:func:`~legalaid_desktop.store.bulk_load.without_memory_security`, through
:mod:`legalaid_desktop.devtools.demo`): it writes synthetic
data only, and only into a new or demo store (the generator refuses any other, exit code 4).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable

from legalaid_desktop.cli.context import CliContext, Output
from legalaid_desktop.devtools.demo import (
    DEMO_LAWYERS,
    MAX_CLIENTS,
    DemoSummary,
    generate_demo,
    without_memory_security,
)
from legalaid_desktop.domain.roles import Permission
from legalaid_desktop.i18n import _


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("'{value}' is not a whole number").format(value=value)
        ) from None
    if not 1 <= number <= MAX_CLIENTS:
        raise argparse.ArgumentTypeError(
            _("the number must be between 1 and {n}").format(n=MAX_CLIENTS)
        )
    return number


def _progress_printer() -> Callable[[int, int], None]:
    """A progress callback that rewrites one line of the terminal."""
    shown = [-1]

    def show(done: int, total: int) -> None:
        percent = 100 * done // max(total, 1)
        if percent != shown[0]:
            shown[0] = percent
            sys.stderr.write("\r" + _("Generating demo data: {p}%").format(p=percent))
            sys.stderr.flush()

    return show


def _text(summary: DemoSummary, seconds: float) -> str:
    lines = [
        _("Demo data generated in {s:.1f} s:").format(s=seconds),
        "  " + _("clients: {n}").format(n=summary.clients),
        "  " + _("consents: {n}").format(n=summary.consents),
        "  " + _("cases: {n}").format(n=summary.cases),
        "  " + _("consultations: {n}").format(n=summary.consultations),
        "  " + _("parties: {n}").format(n=summary.parties),
        "  " + _("deadlines: {n}").format(n=summary.deadlines),
        "  " + _("corruption complaints: {n}").format(n=summary.corruption_details),
        "  " + _("campaigns: {n}").format(n=summary.campaigns),
        "  " + _("search index entries: {n}").format(n=summary.indexed),
    ]
    if summary.lawyers_created:
        lines.append("  " + _("user accounts created: {n}").format(n=summary.lawyers_created))
    return "\n".join(lines)


def cmd_demo(args: argparse.Namespace, ctx: CliContext) -> Output:
    """Generate the demo data; ``--json`` prints the counts."""
    started = time.perf_counter()
    with without_memory_security(), ctx.session() as s:
        s.ws.require(Permission.MANAGE_USERS)
        password = ctx.new_password() if args.create_lawyers else None
        show = None
        if not ctx.json and sys.stderr is not None and sys.stderr.isatty():
            show = _progress_printer()
        summary = generate_demo(
            s.ws,
            clients=args.clients,
            seed=args.seed,
            lawyer_password=password,
            progress=show,
        )
        if show is not None:
            sys.stderr.write("\n")
    seconds = time.perf_counter() - started
    data = {**summary.as_dict(), "seconds": round(seconds, 2)}
    data.pop("cancelled", None)
    return Output(data, _text(summary, seconds))


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "demo",
        help=_("fill the store with realistic demonstration data (managers and administrators)"),
    )
    p.add_argument(
        "--clients",
        type=_positive,
        default=300,
        metavar="N",
        help=_("how many clients to add, about 1.5 cases each (default 300)"),
    )
    p.add_argument(
        "--seed",
        type=int,
        default=1,
        metavar="S",
        help=_("random seed: the same seed gives the same data (default 1)"),
    )
    p.add_argument(
        "--create-lawyers",
        action="store_true",
        help=_(
            "if nobody else at this center can take cases, first add the demo lawyers {names} "
            "with one password (LEGALAID_NEW_PASSWORD or asked for)"
        ).format(names=", ".join(u for u, _n, _r in DEMO_LAWYERS)),
    )
    p.set_defaults(func=cmd_demo)

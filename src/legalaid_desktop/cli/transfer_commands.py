"""``case transfer``, ``case transfers`` and ``case assign`` (issue 19).

At HQ ``case transfer NUMBER --to NODE --reason T`` moves the case; at a center it asks HQ to
(the request travels with the case in the next bundle). ``case assign`` gives a case — one that
arrived by transfer among them — to a lawyer of this center.
"""

from __future__ import annotations

import argparse
from dataclasses import asdict

from legalaid_desktop.cli.context import CliContext, Output
from legalaid_desktop.i18n import _

__all__ = ["register"]


def cmd_transfer(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.session() as s:
        if s.sync.at_hq():
            info = s.sync.transfer_case(args.number, args.to, args.reason)
            return Output(
                {**asdict(info), "requested": False},
                _("Transferred {number} from {src} to {dst}.").format(
                    number=info.number, src=info.from_node, dst=info.to_node
                ),
            )
        request = s.sync.request_transfer(args.number, args.to, args.reason)
    return Output(
        {**asdict(request), "requested": True},
        _("Asked HQ to transfer {number} to {dst}; HQ decides after the next bundle.").format(
            number=request.number, dst=request.to_node
        ),
    )


def cmd_transfers(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.session() as s:
        requests = s.sync.transfer_requests()
    text = "\n".join(f"{r.number:<16} {r.from_node} → {r.to_node}  {r.reason}" for r in requests)
    return Output([asdict(r) for r in requests], text or _("No transfer requests."))


def cmd_assign(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.session() as s:
        detail = s.cases.assign(args.number, args.lawyer)
    return Output(
        {"number": detail.number, "lawyer": detail.assigned_lawyer, "status": detail.status},
        _("{number} is assigned to {lawyer}.").format(
            number=detail.number,
            lawyer=detail.person(detail.assigned_lawyer, detail.assigned_lawyer_node),
        ),
    )


def register(case: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = case.add_parser(
        "transfer",
        help=_("HQ: move a case to another center; a center: ask HQ to (managers)"),
    )
    p.add_argument("number")
    p.add_argument("--to", required=True, metavar="NODE", help=_("the center's code"))
    p.add_argument("--reason", required=True, metavar="T")
    p.set_defaults(func=cmd_transfer)
    p = case.add_parser("transfers", help=_("the transfer requests HQ has not answered"))
    p.set_defaults(func=cmd_transfers)
    p = case.add_parser("assign", help=_("assign a case to a lawyer of this center"))
    p.add_argument("number")
    p.add_argument("--lawyer", required=True, metavar="USERNAME")
    p.set_defaults(func=cmd_assign)

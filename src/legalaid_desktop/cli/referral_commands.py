"""``case refer`` and ``case referral`` (issue 19): refer a case, record the answer."""

from __future__ import annotations

import argparse
from typing import Any

from legalaid_desktop.cli.context import CliContext, Output
from legalaid_desktop.domain.referrals import AnswerInput, ReferralInfo, ReferralInput
from legalaid_desktop.i18n import _

__all__ = ["register"]


def _json(info: ReferralInfo) -> dict[str, Any]:
    return {
        "id": info.id,
        "referred_on": info.referred_on.isoformat(),
        "body": info.body,
        "to_whom": info.to_whom,
        "request": info.request,
        "status": info.status,
        "answered_on": info.answered_on.isoformat() if info.answered_on else None,
        "answer": info.answer,
        "result": info.result,
    }


def cmd_refer(args: argparse.Namespace, ctx: CliContext) -> Output:
    data = ReferralInput(
        body=args.to,
        referred_on=args.date,
        to_whom=args.whom or "",
        request=args.request or "",
    )
    with ctx.session() as s:
        info = s.referrals.refer(args.number, data)
    return Output(_json(info), info.id)


def cmd_referral(args: argparse.Namespace, ctx: CliContext) -> Output:
    data = AnswerInput(
        status="no_answer" if args.no_answer else "answered",
        answered_on=args.date,
        answer=args.answer or "",
        result=args.result,
    )
    with ctx.session() as s:
        info = s.referrals.record_answer(args.number, data, args.id)
    return Output(
        _json(info),
        _("Recorded the follow-up of the referral {id}.").format(id=info.id),
    )


def register(case: argparse._SubParsersAction[argparse.ArgumentParser], day: Any) -> None:
    """``case refer`` and ``case referral`` (``day`` parses a date as the other commands)."""
    p = case.add_parser(
        "refer", help=_("refer a case to an advocate, a state body or another organization")
    )
    p.add_argument("number")
    p.add_argument(
        "--to",
        required=True,
        metavar="BODY",
        help=_("a referral body's code (legalaid reference list referral_bodies)"),
    )
    p.add_argument("--date", type=day, metavar="DD.MM.YYYY", help=_("default: today"))
    p.add_argument("--request", metavar="T", help=_("what was asked"))
    p.add_argument("--whom", metavar="T", help=_("the name or office referred to"))
    p.set_defaults(func=cmd_refer)
    p = case.add_parser("referral", help=_("record the answer to a case's referral"))
    p.add_argument("number")
    p.add_argument("--answer", metavar="T")
    p.add_argument(
        "--result",
        metavar="CODE",
        help=_("legalaid reference list referral_results"),
    )
    p.add_argument("--no-answer", action="store_true", help=_("no answer came"))
    p.add_argument("--date", type=day, metavar="DD.MM.YYYY", help=_("default: today"))
    p.add_argument(
        "--id", metavar="REFERRAL_ID", help=_("which referral (default: the one waiting)")
    )
    p.set_defaults(func=cmd_referral)

"""``campaign add | list | show | link | unlink``: advocacy campaigns and the cases that feed them.

A campaign is named by its id or its exact title (``legalaid campaign link "Pensiya hüquqları"
GNJ-2026-0042``); two campaigns of one title need the id.
"""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import Any

from legalaid_desktop.cli.case_commands import _day
from legalaid_desktop.cli.context import CliContext, Output
from legalaid_desktop.domain.campaigns import CampaignDetail, CampaignInput
from legalaid_desktop.domain.cases import CampaignInfo
from legalaid_desktop.domain.reference import ReferenceCatalog
from legalaid_desktop.i18n import _, current_language, ngettext
from legalaid_desktop.i18n.formatting import format_date


def _period(starts: Any, ends: Any) -> str:
    if starts is None and ends is None:
        return "—"
    return f"{format_date(starts) or '…'} – {format_date(ends) or '…'}"


def _info_json(info: CampaignInfo) -> dict[str, Any]:
    return asdict(info)


def cmd_add(args: argparse.Namespace, ctx: CliContext) -> Output:
    data = CampaignInput(
        title=args.title,
        issue_area=args.area,
        partners=tuple(args.partner or ()),
        starts_on=args.starts_on,
        ends_on=args.ends_on,
        notes=args.notes or "",
    )
    with ctx.session() as s:
        info = s.campaigns.add(data)
    return Output(_info_json(info), info.id)


def cmd_list(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.session() as s:
        campaigns = s.campaigns.list()
        catalog = s.reference()
    lang = current_language()
    lines = []
    for c in campaigns:
        area = catalog["legal_areas"].label(c.issue_area, lang) if c.issue_area else "—"
        count = len(c.case_numbers)
        cases = ngettext("{n} case", "{n} cases", count).format(n=count)
        lines.append(f"{c.id}  {c.title}  [{area}]  {_period(c.starts_on, c.ends_on)}  {cases}")
    data = {"campaigns": [_info_json(c) for c in campaigns]}
    return Output(data, "\n".join(lines) or _("No campaigns."))


def _detail_text(d: CampaignDetail, catalog: ReferenceCatalog) -> str:
    lang = current_language()

    def label(kind: str, code: str) -> str:
        return catalog[kind].label(code, lang) if code else "—"

    lines = [
        f"{d.title}  ({d.node_code})",
        _("Issue area: {area}").format(area=label("legal_areas", d.issue_area)),
        _("Period: {period}").format(period=_period(d.starts_on, d.ends_on)),
        _("Partners: {names}").format(names="; ".join(d.partners) or "—"),
    ]
    if d.notes:
        lines.append(_("Notes: {text}").format(text=d.notes))
    if d.figures is not None:
        f = d.figures
        lines.append(
            _(
                "Figures {start} – {end}: cases opened {cases}, consultations {consultations}, "
                "clients served {clients}"
            ).format(
                start=format_date(f.start),
                end=format_date(f.end),
                cases=f.cases_opened,
                consultations=f.consultations,
                clients=f.clients_served,
            )
        )
        if f.own_only:
            lines.append(_("(only your own figures)"))
    lines.append(
        ngettext("{n} linked case", "{n} linked cases", d.case_total).format(n=d.case_total)
    )
    for c in d.cases:
        lines.append(
            f"  {c.number:<16} {label('case_statuses', c.status):<12} "
            f"{label('legal_areas', c.legal_area):<20} {c.client_display_name}"
        )
    return "\n".join(lines)


def _detail_json(d: CampaignDetail) -> dict[str, Any]:
    data = asdict(d)
    data.pop("user_names", None)
    data.pop("first_opened", None)
    return data


def cmd_show(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.session() as s:
        detail = s.campaigns.get(args.campaign)
        catalog = s.reference()
    return Output(_detail_json(detail), _detail_text(detail, catalog))


def cmd_link(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.session() as s:
        detail = s.campaigns.link(args.campaign, args.number)
    return Output(
        {"campaign": detail.id, "number": args.number.strip().upper()},
        _("Case {number} is linked to the campaign '{title}'.").format(
            number=args.number.strip().upper(), title=detail.title
        ),
    )


def cmd_unlink(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.session() as s:
        before = s.campaigns.unlink(args.number)
    number = args.number.strip().upper()
    text = (
        _("Case {number} is no longer linked to a campaign.").format(number=number)
        if before
        else _("Case {number} was not linked to a campaign.").format(number=number)
    )
    return Output({"number": number, "previous_campaign": before}, text)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    campaign = sub.add_parser("campaign", help=_("advocacy campaigns")).add_subparsers(
        dest="campaign_cmd", required=True
    )
    json_flag = {"action": "store_true", "default": argparse.SUPPRESS, "help": _("print JSON")}

    p = campaign.add_parser("add", help=_("create a campaign of this center (prints its id)"))
    p.add_argument("--title", required=True, metavar="T")
    p.add_argument("--area", required=True, metavar="A", help=_("the issue area (a legal area)"))
    p.add_argument(
        "--partner",
        action="append",
        metavar="ORG",
        help=_("a partner community organization (repeat for each)"),
    )
    p.add_argument(
        "--from", dest="starts_on", type=_day, metavar="D", help=_("the first day of the period")
    )
    p.add_argument("--to", dest="ends_on", type=_day, metavar="D", help=_("the last day"))
    p.add_argument("--notes", metavar="T")
    p.set_defaults(func=cmd_add)

    p = campaign.add_parser("list", help=_("the campaigns, by title"))
    p.add_argument("--json", **json_flag)  # type: ignore[arg-type]
    p.set_defaults(func=cmd_list)

    p = campaign.add_parser("show", help=_("a campaign with its linked cases and figures"))
    p.add_argument("campaign", metavar="CAMPAIGN", help=_("the campaign's id or exact title"))
    p.add_argument("--json", **json_flag)  # type: ignore[arg-type]
    p.set_defaults(func=cmd_show)

    p = campaign.add_parser("link", help=_("link a case to a campaign"))
    p.add_argument("campaign", metavar="CAMPAIGN", help=_("the campaign's id or exact title"))
    p.add_argument("number", metavar="NUMBER", help=_("the case number"))
    p.set_defaults(func=cmd_link)

    p = campaign.add_parser("unlink", help=_("take a case out of its campaign"))
    p.add_argument("number", metavar="NUMBER", help=_("the case number"))
    p.set_defaults(func=cmd_unlink)

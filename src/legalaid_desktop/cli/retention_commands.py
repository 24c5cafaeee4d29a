"""``client retention``, ``client anonymize`` and ``client erase`` (docs/personal-data.md)."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import Any

from legalaid_desktop.cli.context import CliContext, Output
from legalaid_desktop.domain.retention import ErasureResult
from legalaid_desktop.i18n import _, ngettext
from legalaid_desktop.i18n.formatting import format_date


def cmd_client_retention(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.session() as s:
        if args.set_years is not None:
            rule = s.retention.set_years(args.set_years)
            return Output(
                {"years": rule.years},
                ngettext(
                    "Clients are now due {years} year after their last case closed.",
                    "Clients are now due {years} years after their last case closed.",
                    rule.years,
                ).format(years=rule.years),
            )
        rule = s.retention.rule()
        due = s.retention.due()
    rows: list[dict[str, Any]] = []
    lines = [
        ngettext(
            "Retention: {years} year after the last case closed.",
            "Retention: {years} years after the last case closed.",
            rule.years,
        ).format(years=rule.years)
    ]
    for item in due:
        row = asdict(item)
        row.update(reason=item.reason.value, since=item.since.isoformat())
        row["due_on"] = item.due_on.isoformat()
        rows.append(row)
        cases = ", ".join(item.case_numbers) or "—"
        lines.append(f"{item.client_id}  {item.full_name}  [{cases}]  {format_date(item.due_on)}")
        lines.append(f"    {item.why}")
    if not due:
        lines.append(_("No client is due for anonymization."))
    data = {"years": rule.years, "default": rule.default, "due": rows}
    return Output(data, "\n".join(lines))


def _result(result: ErasureResult) -> Output:
    if result.action == "erased":
        text = _("Erased the client {id} and everything under them.").format(id=result.client_id)
    else:
        text = ngettext(
            "Anonymized the client {id} and {n} case.",
            "Anonymized the client {id} and {n} cases.",
            result.cases,
        ).format(id=result.client_id, n=result.cases)
    if not result.compacted:
        text += "\n" + _(
            "The store file could not be compacted now (another program is using it); the "
            "removed data is overwritten and leaves the file at the next compaction."
        )
    return Output(asdict(result), text)


def cmd_client_anonymize(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.session() as s:
        return _result(s.retention.anonymize(args.client, args.reason))


def cmd_client_erase(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.session() as s:
        return _result(s.retention.erase(args.client, args.reason))


def register_client_commands(client: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the retention commands to the ``client`` group."""
    p = client.add_parser("retention", help=_("clients due for anonymization, with why"))
    p.add_argument(
        "--set-years",
        type=int,
        metavar="N",
        help=_("set the retention period after the last case closed (administrators)"),
    )
    p.set_defaults(func=cmd_client_retention)
    for name, func, text in (
        ("anonymize", cmd_client_anonymize, _("keep a client's statistics, remove the rest")),
        ("erase", cmd_client_erase, _("remove a client and everything under them")),
    ):
        p = client.add_parser(name, help=text)
        p.add_argument("client", metavar="ID|NUMBER", help=_("client id or one of their cases"))
        p.add_argument("--reason", required=True, metavar="TEXT")
        p.set_defaults(func=func)

"""``client list`` and ``client show``: clients by their readable number (``GNJ-C-00042``).

Both read through :class:`~legalaid_desktop.services.clients.ClientService`, so the read rules
are the services': the role must allow viewing cases (exit 5 otherwise), erased clients are
gone, an anonymized client shows as "Anonymized client", and showing a client is audited.
"""

from __future__ import annotations

import argparse
from typing import Any

from legalaid_desktop.cli.context import CliContext, Output
from legalaid_desktop.domain.cases import ClientInfo, ClientRow, is_person, purposes_in_force
from legalaid_desktop.domain.reference import ReferenceCatalog
from legalaid_desktop.i18n import _, current_language
from legalaid_desktop.i18n.dates import local_date, today
from legalaid_desktop.i18n.formatting import format_date

_PAGE = 500
"""Clients read per page (``client list`` prints them all)."""


def _label(catalog: ReferenceCatalog, kind: str, code: str | None) -> str:
    return catalog[kind].label(code, current_language()) if code else "—"


def _created(stamp: str) -> str | None:
    day = local_date(stamp)
    return day.isoformat() if day else None


def _row_json(row: ClientRow) -> dict[str, Any]:
    """One client of ``client list --json``: the same keys in every language and version."""
    return {
        "number": row.number,
        "id": row.id,
        "name": None if row.anonymized else row.full_name,
        "anonymized": row.anonymized,
        "gender": row.gender,
        "region": row.region,
        "birth_year": row.birth_year,
        "open_cases": row.open_cases,
        "created_on": _created(row.created_at),
    }


def cmd_client_list(args: argparse.Namespace, ctx: CliContext) -> Output:
    rows: list[ClientRow] = []
    with ctx.session() as s:
        catalog = s.reference()
        offset = 0
        while True:
            page = s.clients.list(
                region=args.region, gender=args.gender, offset=offset, limit=_PAGE, count=False
            )
            rows.extend(page.rows)
            offset += len(page.rows)
            if len(page.rows) < _PAGE or page.total <= offset:
                break
    header = (_("Number"), _("Name"), _("Region"), _("Gender"), _("Recorded"))
    table = [
        (
            r.number,
            r.display_name,
            _label(catalog, "regions", r.region),
            _label(catalog, "genders", r.gender)
            if is_person(r.kind)
            else _label(catalog, "client_kinds", r.kind),  # an organization: its kind
            format_date(local_date(r.created_at)),
        )
        for r in rows
    ]
    widths = [max(len(line[i]) for line in (header, *table)) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip()
             for line in (header, *table)]  # fmt: skip
    text = "\n".join(lines) if table else _("No clients.")
    data = {"total": len(rows), "clients": [_row_json(r) for r in rows]}
    return Output(data, text)


def _show_text(info: ClientInfo, catalog: ReferenceCatalog) -> str:
    day = today()
    withdrawn = info.processing_withdrawn_on
    if info.is_person:
        about = [
            _("Gender: {gender}   Birth year: {year}   Region: {region}").format(
                gender=_label(catalog, "genders", info.gender),
                year=info.birth_year or "—",
                region=_label(catalog, "regions", info.region),
            )
        ]
    else:  # an organization or initiative group (issue 19)
        about = [
            _("Kind: {kind}   Registration: {registration}   Region: {region}").format(
                kind=_label(catalog, "client_kinds", info.kind),
                registration=info.registration or "—",
                region=_label(catalog, "regions", info.region),
            ),
            _("Contact person: {name}   Members: {members}").format(
                name=info.contact_person or "—",
                members=info.members if info.members is not None else "—",
            ),
        ]
    lines = [
        f"{info.number}  {info.display_name}",
        *about,
        _("Phone: {phone}   Address: {address}").format(
            phone=info.phone or "—", address=info.address or "—"
        ),
        _("Center: {node}   Recorded: {date}").format(
            node=info.node_code, date=format_date(local_date(info.created_at)) or "—"
        ),
        _("Cases: {numbers}").format(numbers=", ".join(info.case_numbers) or "—"),
    ]
    if withdrawn is not None:
        lines.append(
            _(
                "Consent to store and process was withdrawn on {date}: the client's records are "
                "read-only."
            ).format(date=format_date(withdrawn))
        )
    else:
        in_force = sorted(purposes_in_force(info.consents, day))
        lines.append(
            _("Consent in force: {purposes}").format(
                purposes=", ".join(_label(catalog, "consent_purposes", p) for p in in_force) or "—"
            )
        )
    return "\n".join(lines)


def cmd_client_show(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.session() as s:
        info = s.clients.get(args.client)
        catalog = s.reference()
    withdrawn = info.processing_withdrawn_on
    data = {
        "number": info.number,
        "id": info.id,
        "name": None if info.anonymized else info.full_name,
        "anonymized": info.anonymized,
        "gender": info.gender,
        "birth_year": info.birth_year,
        "region": info.region,
        "displacement": info.displacement,
        "disability": info.disability,
        "phone": info.phone,
        "address": info.address,
        "referral_source": info.referral_source,
        "kind": info.kind,
        "registration": info.registration,
        "contact_person": info.contact_person,
        "members": info.members,
        "center": info.node_code,
        "created_on": _created(info.created_at),
        "cases": list(info.case_numbers),
        "purposes_in_force": sorted(purposes_in_force(info.consents, today())),
        "processing_withdrawn_on": withdrawn.isoformat() if withdrawn else None,
    }
    return Output(data, _show_text(info, catalog))


def register_client_commands(client: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``list`` and ``show`` to the ``client`` group."""
    p = client.add_parser("list", help=_("clients in alphabetical order, with their numbers"))
    p.add_argument("--region", metavar="AZ-XX")
    p.add_argument("--gender", metavar="CODE")
    p.add_argument(
        "--json", action="store_true", default=argparse.SUPPRESS, help=_("print one JSON document")
    )
    p.set_defaults(func=cmd_client_list)
    p = client.add_parser("show", help=_("one client, by number (GNJ-C-00042) or id"))
    p.add_argument("client", metavar="ID|NUMBER")
    p.add_argument(
        "--json", action="store_true", default=argparse.SUPPRESS, help=_("print one JSON document")
    )
    p.set_defaults(func=cmd_client_show)

"""``client``, ``case``, ``consult``, ``party``, ``search`` and ``conflicts`` commands."""

from __future__ import annotations

import argparse
import re
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

from legalaid_desktop.cli import (
    access_commands,
    client_commands,
    correction_commands,
    merge_commands,
    referral_commands,
    retention_commands,
    transfer_commands,
)
from legalaid_desktop.cli.context import CliContext, Output
from legalaid_desktop.domain.cases import (
    CaseDetail,
    CaseInput,
    ClientInput,
    ClientKind,
    ConsentInput,
    ConsultationInput,
    CorruptionInput,
    is_person,
    purposes_in_force,
)
from legalaid_desktop.domain.conflict_decisions import ConflictDecisionInput
from legalaid_desktop.domain.errors import ValidationError
from legalaid_desktop.domain.reference import ReferenceCatalog
from legalaid_desktop.i18n import _, current_language, ngettext
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.i18n.formatting import format_date
from legalaid_desktop.services.conflict_groups import group_hits
from legalaid_desktop.services.consent_scans import read_scan


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("'{value}' is not a date (use YYYY-MM-DD)").format(value=value)
        ) from None


def _day(value: str) -> date:
    """A date typed as people write it, ``dd.mm.yyyy``, or as ISO ``yyyy-mm-dd``."""
    typed = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", value.strip())
    try:
        if typed:
            day, month, year = (int(part) for part in typed.groups())
            return date(year, month, day)
        return date.fromisoformat(value.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("'{value}' is not a date (use DD.MM.YYYY or YYYY-MM-DD)").format(value=value)
        ) from None


def _jsonable(obj: Any) -> Any:
    return asdict(obj) if hasattr(obj, "__dataclass_fields__") else obj


_PERSON_ONLY = ("gender", "birth_year")
_GROUP_ONLY = ("registration", "contact_person", "members")


def cmd_client_add(args: argparse.Namespace, ctx: CliContext) -> Output:
    # A person has a gender (and maybe a birth year); an organization or initiative group has
    # neither, and may have a registration, a contact person and members (issue 19).
    person = is_person(args.kind)
    known = {k.value for k in ClientKind}  # an unknown kind is the service's to refuse (exit 4)
    misplaced = [
        name
        for name in (_GROUP_ONLY if person else _PERSON_ONLY if args.kind in known else ())
        if getattr(args, name) is not None
    ]
    if misplaced:
        args.usage_error(
            _("{options}: not for the kind of client '{kind}'").format(
                options=", ".join("--" + name.replace("_", "-") for name in misplaced),
                kind=args.kind,
            )
        )
    if person and args.gender is None:
        args.usage_error(
            _("the following arguments are required: {options}").format(options="--gender")
        )
    data = ClientInput(
        full_name=args.full_name,
        gender=args.gender or "",
        birth_year=args.birth_year,
        region=args.region,
        phone=args.phone or "",
        address=args.address or "",
        displacement=args.displacement,
        disability=args.disability,
        referral_source=args.heard_from or "",
        kind=args.kind,
        registration=args.registration or "",
        contact_person=args.contact_person or "",
        members=args.members,
    )
    # Only the purposes the client gave (--share-hq is the first version's way to add one).
    purposes = [*_purposes(args.consent), *(["share_hq"] if args.share_hq else [])]
    consent = ConsentInput(
        given_on=args.consent_date or today(),
        purposes=tuple(dict.fromkeys(purposes)),
        valid_until=args.consent_until,
    )
    with ctx.session() as s:
        info = s.clients.register(data, consent, _decision(args))
    return Output(_jsonable(info), info.id)


_DECISIONS = {"no-conflict": "no_conflict", "waived": "waived"}


def _decision(args: argparse.Namespace) -> ConflictDecisionInput | None:
    """The ``--conflict-decision`` given (refused when a strong match needs one and none is)."""
    if args.conflict_decision is None:
        if args.reason:
            raise ValidationError(_("--reason goes with --conflict-decision."), "reason")
        return None
    return ConflictDecisionInput(_DECISIONS[args.conflict_decision], args.reason or "")


def _decision_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--conflict-decision",
        choices=sorted(_DECISIONS),
        help=_(
            "the decision on a strong conflict-of-interest match (needed to save past one; "
            "waived needs --reason)"
        ),
    )
    p.add_argument("--reason", metavar="TEXT", help=_("why the conflict is waived"))


def _purposes(text: str | None) -> list[str]:
    """``store_process,share_hq`` as a list (the service names the valid ones if one is not)."""
    return [p.strip() for p in (text or "").split(",") if p.strip()]


def cmd_client_consent(args: argparse.Namespace, ctx: CliContext) -> Output:
    if not args.give and args.until:
        raise ValidationError(_("--until goes with --give."), "valid_until")
    if args.scan is not None and not args.give:
        raise ValidationError(_("--scan goes with --give (or use --attach-scan)."), "scan")
    if args.consent_id is not None and args.attach_scan is None:
        raise ValidationError(_("--consent-id goes with --attach-scan."), "consent_id")
    with ctx.session() as s:
        if args.attach_scan is not None:
            info = s.clients.attach_consent_scan_file(
                args.client, Path(args.attach_scan), args.consent_id
            )
        elif args.give:
            scan = read_scan(Path(args.scan)) if args.scan is not None else None
            info = s.clients.give_purpose(
                args.client, args.give, on=args.date, until=args.until, scan=scan
            )
        else:
            info = s.clients.withdraw_purpose(args.client, args.withdraw, on=args.date)
    day = today()
    in_force = sorted(purposes_in_force(info.consents, day))
    withdrawn = info.processing_withdrawn_on
    data = {
        "client": info.id,
        "purposes_in_force": in_force,
        "processing_withdrawn_on": withdrawn.isoformat() if withdrawn else None,
        "consents": [_jsonable(c) for c in info.consents],
    }
    if withdrawn is not None:
        text = _(
            "Consent to store and process was withdrawn on {date}: the client's records are "
            "read-only."
        ).format(date=format_date(withdrawn))
    else:
        text = _("Consent in force: {purposes}").format(purposes=", ".join(in_force) or "—")
    return Output(data, text)


def cmd_case_open(args: argparse.Namespace, ctx: CliContext) -> Output:
    corruption = None
    if args.corruption_sector or args.corruption_type:
        if not (args.corruption_sector and args.corruption_type):
            raise ValidationError(
                _("Give both --corruption-sector and --corruption-type."), "corruption"
            )
        corruption = CorruptionInput(
            sector=args.corruption_sector,
            conduct=args.corruption_type,
            institution=args.institution or "",
            amount_requested=args.amount,
            reported_to=args.reported_to or "",
        )
    data = CaseInput(
        client_id=args.client,
        legal_area=args.area,
        summary=args.summary,
        lawyer=args.lawyer,
        corruption=corruption,
        opened_on=args.opened,
        grant_code=args.grant or "",
    )
    with ctx.session() as s:
        detail = s.cases.open(data)
    return Output({"number": detail.number, "id": detail.id}, detail.number)


def _case_text(c: CaseDetail, catalog: ReferenceCatalog) -> str:
    lang = current_language()

    def label(kind: str, code: str | None) -> str:
        return catalog[kind].label(code, lang) if code else "—"

    lines = [
        f"{c.number}  [{label('case_statuses', c.status)}]  {label('legal_areas', c.legal_area)}",
        _("Client: {name} ({region}, {year})").format(
            name=c.client.display_name,
            region=label("regions", c.client.region),
            year=c.client.birth_year or "—",
        )
        + (f"  {c.client.number}" if c.client.number else ""),
        _("Lawyer: {lawyer}   Opened: {opened}   Closed: {closed}   Outcome: {outcome}").format(
            lawyer=c.person(c.assigned_lawyer, c.assigned_lawyer_node),
            opened=format_date(c.opened_on),
            closed=format_date(c.closed_on) or "—",
            outcome=label("outcomes", c.outcome),
        ),
        _("Summary: {text}").format(text=c.summary),
    ]
    if c.corruption:
        lines.append(
            _("Corruption: {sector} / {conduct} / {institution}").format(
                sector=label("corruption_sectors", c.corruption.sector),
                conduct=label("corruption_conduct", c.corruption.conduct),
                institution=c.corruption.institution or "—",
            )
        )
    for p in c.parties:
        lines.append(
            _("Party: {name} ({role})").format(name=p.name, role=label("party_roles", p.role))
        )
    for k in c.consultations:
        mode = label("consultation_modes", k.mode)
        lines.append(
            f"  {format_date(k.held_on)} {mode} {k.minutes}′ "
            f"{c.person(k.lawyer, k.lawyer_node)}: {k.notes}"
        )
    for d in c.deadlines:
        mark = "x" if d.done else " "
        lines.append(f"  [{mark}] {format_date(d.due_on)} {d.description}")
    return "\n".join(lines)


def cmd_case_show(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.session() as s:
        detail = s.cases.get(args.number)
        catalog = s.reference()
    return Output(_jsonable(detail), _case_text(detail, catalog))


def cmd_case_close(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.session() as s:
        detail = s.cases.close(args.number, args.outcome, args.date, args.satisfaction)
    return Output(
        {
            "number": detail.number,
            "status": detail.status,
            "outcome": detail.outcome,
            "satisfaction": detail.satisfaction,
        },
        _("Closed {number} ({outcome}).").format(number=detail.number, outcome=detail.outcome),
    )


def cmd_case_reopen(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.session() as s:
        detail = s.cases.reopen(args.number)
    return Output({"number": detail.number, "status": detail.status}, detail.status)


def cmd_case_list(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.session() as s:
        page = s.cases.list(
            status=args.status, legal_area=args.area, lawyer=args.lawyer, limit=args.limit
        )
    text = "\n".join(
        f"{r.number:<16} {r.status:<11} {r.legal_area:<18} {format_date(r.opened_on)}  "
        f"{r.client_display_name}"
        for r in page.rows
    )
    data = {"total": page.total, "cases": [_jsonable(r) for r in page.rows]}
    return Output(data, text)


def cmd_consult_add(args: argparse.Namespace, ctx: CliContext) -> Output:
    data = ConsultationInput(
        notes=args.notes,
        held_on=args.date,
        minutes=args.minutes,
        mode=args.mode,
        advice=args.advice or "",
        next_steps=args.next_steps or "",
        follow_up_on=args.follow_up,
    )
    with ctx.session() as s:
        info = s.records.add_consultation(args.number, data)
    return Output(_jsonable(info), info.id)


def cmd_party_add(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.session() as s:
        info = s.records.add_party(args.number, args.name, args.role, "", _decision(args))
    return Output(_jsonable(info), info.id)


def cmd_deadline_add(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.session() as s:
        info = s.records.add_deadline(args.number, args.due, args.description)
    return Output(_jsonable(info), info.id)


def cmd_search(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.session() as s:
        hits = s.search.search(args.query, limit=args.limit)
    text = "\n".join(
        f"{h.kind:<12} {h.case_number or '':<16} {h.title} — {h.subtitle}" for h in hits
    )
    return Output([_jsonable(h) for h in hits], text or _("Nothing found."))


def cmd_conflicts(args: argparse.Namespace, ctx: CliContext) -> Output:
    """The standalone check before any intake: grouped, the same person first; records
    nothing but the audit event of a check."""
    misplaced = [
        "--" + name.replace("_", "-")
        for name in ("father", "birth_year")
        if args.kind != ClientKind.PERSON.value and getattr(args, name) is not None
    ]
    if misplaced:
        args.usage_error(
            _("{options}: not for the kind of client '{kind}'").format(
                options=", ".join(misplaced), kind=args.kind
            )
        )
    name = f"{args.name} {args.father}" if args.father else args.name
    if not name.strip() and not (args.phone or "").strip():
        # Nothing to look for: "No conflicts found." would read as a clean check.
        raise ValidationError(_("Give the name or the phone number to check."), "name")
    with ctx.session() as s:
        hits = s.search.conflicts(
            name, birth_year=args.birth_year, phone=args.phone, kind=args.kind
        )
    groups = group_hits(hits)
    lines = []
    if groups.same_person:
        lines.append(
            _("Possibly the same person ({n}): a decision is needed to save.").format(
                n=len(groups.same_person)
            )
        )
    for h in groups.same_person:
        where = ", ".join(h.case_numbers) or "—"
        role = f" ({h.role})" if h.role else ""
        lines.append(f"{h.score:>3} {h.level:<8} {h.kind}{role}: {h.name}  [{where}]")
        lines += [f"      - {r}" for r in h.reasons]
    if groups.same_surname:
        count = len(groups.same_surname)
        lines.append(
            ngettext("Same surname: {n} person", "Same surname: {n} people", count).format(n=count)
        )
        if args.all:
            for h in groups.same_surname:
                lines.append(f"      {h.score:>3} {h.kind}: {h.name}")
    data = {
        "needs_decision": groups.needs_decision,
        "same_person": [_jsonable(h) for h in groups.same_person],
        "same_surname": [_jsonable(h) for h in groups.same_surname],
    }
    return Output(data, "\n".join(lines) or _("No conflicts found."))


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    client = sub.add_parser("client", help=_("clients")).add_subparsers(
        dest="client_cmd", required=True
    )
    p = client.add_parser("add", help=_("register a client (prints the client id)"))
    p.add_argument(
        "--kind",
        default="person",
        metavar="KIND",
        help=_("person (the default), organization or initiative (an initiative group)"),
    )
    p.add_argument(
        "--full-name", required=True, help=_("the person's full name, or the organization's name")
    )
    p.add_argument("--gender", help=_("a person's gender (required for a person)"))
    p.add_argument("--birth-year", type=int)
    p.add_argument("--region", required=True, metavar="AZ-XX")
    p.add_argument("--phone")
    p.add_argument("--address")
    p.add_argument("--displacement", default="resident")
    p.add_argument("--disability", default="none")
    p.add_argument("--heard-from", metavar="TEXT")
    p.add_argument(
        "--consent",
        metavar="PURPOSES",
        help=_(
            "the purposes the client consented to, comma-separated: store_process (required), "
            "share_hq, anonymized_stats"
        ),
    )
    p.add_argument("--consent-date", type=_date, metavar="YYYY-MM-DD")
    p.add_argument("--consent-until", type=_date, metavar="YYYY-MM-DD")
    p.add_argument("--share-hq", action="store_true", help=_("consent to share with HQ"))
    p.add_argument(
        "--registration", metavar="TEXT", help=_("an organization's registration, if any")
    )
    p.add_argument(
        "--contact-person", metavar="NAME", help=_("who speaks for the organization or group")
    )
    p.add_argument(
        "--members", type=int, metavar="N", help=_("how many members the organization has")
    )
    _decision_options(p)
    p.set_defaults(func=cmd_client_add, usage_error=p.error)
    p = client.add_parser(
        "consent", help=_("record a consent purpose given or withdrawn by a client")
    )
    p.add_argument("client", metavar="ID|NUMBER", help=_("the client's id or a case number"))
    action = p.add_mutually_exclusive_group(required=True)
    action.add_argument("--give", metavar="PURPOSE")
    action.add_argument("--withdraw", metavar="PURPOSE")
    action.add_argument(
        "--attach-scan",
        metavar="FILE",
        help=_("attach the signed scan to a consent recorded without one"),
    )
    p.add_argument("--date", type=_date, metavar="YYYY-MM-DD")
    p.add_argument("--until", type=_date, metavar="YYYY-MM-DD")
    p.add_argument("--scan", metavar="FILE", help=_("the signed consent form (with --give)"))
    p.add_argument(
        "--consent-id",
        metavar="ID",
        help=_("the consent the scan belongs to (with --attach-scan; default: the newest)"),
    )
    p.set_defaults(func=cmd_client_consent)
    retention_commands.register_client_commands(client)
    access_commands.register_client_commands(client)
    client_commands.register_client_commands(client)
    correction_commands.register_client(client)
    merge_commands.register(client)

    case = sub.add_parser("case", help=_("cases")).add_subparsers(dest="case_cmd", required=True)
    p = case.add_parser("open", help=_("open a case (prints the case number)"))
    p.add_argument(
        "--client",
        required=True,
        metavar="ID|NUMBER",
        help=_("the client's number (GNJ-C-00042) or id"),
    )
    p.add_argument("--area", required=True, metavar="CODE")
    p.add_argument("--summary", required=True)
    p.add_argument("--lawyer", metavar="USERNAME")
    p.add_argument("--corruption-sector", metavar="S")
    p.add_argument("--corruption-type", metavar="T")
    p.add_argument("--institution", metavar="I")
    p.add_argument("--amount", type=int, metavar="AZN")
    p.add_argument("--reported-to", metavar="TEXT")
    p.add_argument(
        "--grant",
        metavar="CODE",
        help=_(
            "the grant or project the case is counted for (legalaid reference list grant_codes)"
        ),
    )
    p.add_argument(
        "--opened",
        type=_day,
        metavar="DD.MM.YYYY",
        help=_("the day the case was opened, e.g. an outreach day entered later (default: today)"),
    )
    p.set_defaults(func=cmd_case_open)
    p = case.add_parser("show")
    p.add_argument("number")
    p.set_defaults(func=cmd_case_show)
    p = case.add_parser("close")
    p.add_argument("number")
    p.add_argument("--outcome", required=True, metavar="CODE")
    p.add_argument("--date", type=_date)
    p.add_argument(
        "--satisfaction",
        metavar="CODE",
        help=_(
            "the citizen's satisfaction: 1 to 5, or 'unreachable' "
            "(legalaid reference list satisfaction)"
        ),
    )
    p.set_defaults(func=cmd_case_close)
    correction_commands.register_case(case, _day)
    referral_commands.register(case, _day)
    transfer_commands.register(case)
    p = case.add_parser("reopen")
    p.add_argument("number")
    p.set_defaults(func=cmd_case_reopen)
    p = case.add_parser("list")
    p.add_argument("--status")
    p.add_argument("--area")
    p.add_argument(
        "--lawyer",
        metavar="USERNAME",
        help=_("a user name, or USERNAME@NODE for that node's user only (see user roster)"),
    )
    p.add_argument("--limit", type=int, default=200)
    p.set_defaults(func=cmd_case_list)

    consult = sub.add_parser("consult", help=_("consultations")).add_subparsers(
        dest="consult_cmd", required=True
    )
    p = consult.add_parser("add")
    p.add_argument("number", metavar="CASE_NUMBER")
    p.add_argument("--notes", required=True)
    p.add_argument("--date", type=_date)
    p.add_argument("--minutes", type=int, default=30)
    p.add_argument("--mode", default="in_person")
    p.add_argument("--advice")
    p.add_argument("--next-steps")
    p.add_argument("--follow-up", type=_date, metavar="YYYY-MM-DD")
    p.set_defaults(func=cmd_consult_add)
    correction_commands.register_consult(consult, _day)

    party = sub.add_parser("party", help=_("parties to a case")).add_subparsers(
        dest="party_cmd", required=True
    )
    p = party.add_parser("add")
    p.add_argument("number", metavar="CASE_NUMBER")
    p.add_argument("--name", required=True)
    p.add_argument(
        "--role", required=True, choices=["adverse", "institution", "witness", "representative"]
    )
    _decision_options(p)
    p.set_defaults(func=cmd_party_add)
    correction_commands.register_party(party, _decision_options, _decision)

    deadline = sub.add_parser("deadline", help=_("deadlines")).add_subparsers(
        dest="deadline_cmd", required=True
    )
    p = deadline.add_parser("add")
    p.add_argument("number", metavar="CASE_NUMBER")
    p.add_argument("--due", required=True, type=_date)
    p.add_argument("--description", required=True)
    p.set_defaults(func=cmd_deadline_add)
    correction_commands.register_deadline(deadline, _day)

    p = sub.add_parser("search", help=_("clients, cases, consultations, best first"))
    p.add_argument("query")
    p.add_argument("--limit", type=int, default=20)
    p.set_defaults(func=cmd_search)
    p = sub.add_parser(
        "conflicts",
        help=_("check for conflicts of interest before an intake (records nothing)"),
    )
    p.add_argument("name")
    p.add_argument(
        "--kind",
        default="person",
        choices=[k.value for k in ClientKind],
        help=_("whose name: a person's (the default), an organization's or an initiative group's"),
    )
    p.add_argument("--birth-year", type=int)
    p.add_argument("--father", metavar="NAME", help=_("the father's name"))
    p.add_argument("--phone")
    p.add_argument(
        "--all", action="store_true", help=_("list the people who only share the surname")
    )
    # As the global option, also after the command (SUPPRESS: not given keeps the global one).
    p.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help=_("print JSON"))
    p.set_defaults(func=cmd_conflicts, usage_error=p.error)

"""``case edit``, ``consult edit``, ``party edit``, ``deadline edit``, ``case history`` and
``client history`` (issue 19).

A correction changes only the fields named on the command line and keeps what each was; the
history lists them newest first, as the GUI's History view does.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import datetime
from typing import Any

from legalaid_desktop.cli.context import CliContext, Output
from legalaid_desktop.domain.corrections import (
    CaseEdit,
    ConsultationEdit,
    DeadlineEdit,
    HistoryEntry,
    PartyEdit,
)
from legalaid_desktop.domain.errors import ValidationError
from legalaid_desktop.domain.reference import ReferenceCatalog
from legalaid_desktop.i18n import _, current_language
from legalaid_desktop.i18n.formatting import format_datetime

__all__ = [
    "register_case",
    "register_client",
    "register_consult",
    "register_deadline",
    "register_party",
]

_JSON_FLAG: dict[str, Any] = {
    "action": "store_true",
    "default": argparse.SUPPRESS,
    "help": _("print JSON"),
}


def _changed(fields: tuple[str, ...], what: str) -> str:
    if not fields:
        return _("Nothing to change: {what} already has these values.").format(what=what)
    return _("Corrected {what}: {fields}.").format(what=what, fields=", ".join(fields))


def cmd_case_edit(args: argparse.Namespace, ctx: CliContext) -> Output:
    edit = CaseEdit(
        summary=args.summary,
        legal_area=args.area,
        opened_on=args.opened,
        sector=args.corruption_sector,
        conduct=args.corruption_type,
        institution=args.institution,
        amount_requested=args.amount,
        reported_to=args.reported_to,
        grant_code=args.grant,
    )
    if all(value is None for value in vars(edit).values()):
        raise ValidationError(_("Say what to correct (for example --summary or --area)."))
    with ctx.session() as s:
        fields = s.corrections.edit_case(args.number, edit)
    number = args.number.strip().upper()
    return Output({"number": number, "changed": list(fields)}, _changed(fields, number))


def cmd_consult_edit(args: argparse.Namespace, ctx: CliContext) -> Output:
    edit = ConsultationEdit(
        held_on=args.date,
        minutes=args.minutes,
        mode=args.mode,
        notes=args.notes,
        advice=args.advice,
        next_steps=args.next_steps,
    )
    if edit.empty():
        raise ValidationError(_("Say what to correct (for example --notes or --minutes)."))
    with ctx.session() as s:
        fields = s.corrections.edit_consultation(args.id, edit)
    return Output(
        {"consultation": args.id.strip(), "changed": list(fields)},
        _changed(fields, _("the consultation")),
    )


def cmd_party_edit(args: argparse.Namespace, ctx: CliContext) -> Output:
    edit = PartyEdit(name=args.name, role=args.role, notes=args.notes)
    if edit.empty():
        raise ValidationError(_("Say what to correct (for example --name or --role)."))
    decision = args.decision_of(args)
    with ctx.session() as s:
        fields = s.corrections.edit_party(args.id, edit, decision)
    return Output(
        {"party": args.id.strip(), "changed": list(fields)}, _changed(fields, _("the party"))
    )


def cmd_deadline_edit(args: argparse.Namespace, ctx: CliContext) -> Output:
    edit = DeadlineEdit(due_on=args.due, description=args.description)
    if edit.empty():
        raise ValidationError(_("Say what to correct (--due or --description)."))
    with ctx.session() as s:
        fields = s.corrections.edit_deadline(args.id, edit)
    return Output(
        {"deadline": args.id.strip(), "changed": list(fields)},
        _changed(fields, _("the deadline")),
    )


def _entry_json(entry: HistoryEntry) -> dict[str, Any]:
    return {
        "changed_at": entry.changed_at,
        "changed_by": entry.changed_by,
        "changed_by_name": entry.changed_by_name,
        "case": entry.case_number,
        "record": entry.record_kind,
        "record_date": entry.record_date.isoformat() if entry.record_date else None,
        "record_name": entry.record_name or None,
        "field": entry.field,
        "old": entry.old_value,
        "new": entry.new_value,
        "what": entry.what,
    }


def history_text(entries: tuple[HistoryEntry, ...], catalog: ReferenceCatalog) -> str:
    """One line per correction: when, who, what, from what to what."""
    lang = current_language()

    def label(kind: str, code: str) -> str:
        return catalog[kind].label(code, lang) if kind in catalog else code

    lines = []
    for e in entries:
        when = format_datetime(datetime.fromisoformat(e.changed_at))
        case = f"{e.case_number} " if e.case_number else ""
        old, new = e.shown_old(label), e.shown_new(label)
        lines.append(f"{when}  {e.changed_by_name}  {case}{e.what}: {old} → {new}")
    return "\n".join(lines) or _("No corrections have been made.")


def cmd_case_history(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.session() as s:
        entries = s.history.case_history(args.number)
        catalog = s.reference()
    return Output([_entry_json(e) for e in entries], history_text(entries, catalog))


def cmd_client_history(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.session() as s:
        entries = s.history.client_history(args.client)
        catalog = s.reference()
    return Output([_entry_json(e) for e in entries], history_text(entries, catalog))


def register_case(
    case: argparse._SubParsersAction[argparse.ArgumentParser],
    day: Any,
) -> None:
    """``case edit`` and ``case history`` (``day`` parses a date as the other case commands)."""
    p = case.add_parser(
        "edit", help=_("correct a case: only the fields given change; the history keeps the rest")
    )
    p.add_argument("number")
    p.add_argument("--summary")
    p.add_argument("--area", metavar="CODE")
    p.add_argument("--opened", type=day, metavar="DD.MM.YYYY")
    p.add_argument("--corruption-sector", metavar="S")
    p.add_argument("--corruption-type", metavar="T")
    p.add_argument("--institution", metavar="I")
    p.add_argument("--amount", type=int, metavar="AZN")
    p.add_argument("--reported-to", metavar="TEXT")
    p.add_argument("--grant", metavar="CODE", help=_('the grant or project code ("" for none)'))
    p.set_defaults(func=cmd_case_edit)
    p = case.add_parser("history", help=_("every correction of a case, newest first"))
    p.add_argument("number")
    p.add_argument("--json", **_JSON_FLAG)
    p.set_defaults(func=cmd_case_history)


def register_consult(
    consult: argparse._SubParsersAction[argparse.ArgumentParser],
    day: Any,
) -> None:
    """``consult edit``."""
    p = consult.add_parser("edit", help=_("correct a consultation: only the fields given change"))
    p.add_argument("id", metavar="CONSULTATION_ID")
    p.add_argument("--notes")
    p.add_argument("--advice")
    p.add_argument("--next-steps")
    p.add_argument("--date", type=day, metavar="DD.MM.YYYY")
    p.add_argument("--minutes", type=int)
    p.add_argument("--mode", metavar="CODE")
    p.set_defaults(func=cmd_consult_edit)


def register_client(client: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``client history``."""
    p = client.add_parser(
        "history", help=_("every correction of a client's record and cases, newest first")
    )
    p.add_argument("client", metavar="NUMBER|ID")
    p.add_argument("--json", **_JSON_FLAG)
    p.set_defaults(func=cmd_client_history)


def register_party(
    party: argparse._SubParsersAction[argparse.ArgumentParser],
    decision_options: Callable[[argparse.ArgumentParser], None],
    decision_of: Callable[[argparse.Namespace], Any],
) -> None:
    """``party edit`` (``decision_options``/``decision_of``: the conflict decision flags of
    ``party add``, for a new name that matches strongly)."""
    p = party.add_parser("edit", help=_("correct a party of a case: only the fields given change"))
    p.add_argument("id", metavar="PARTY_ID", help=_("as printed by party add and case show --json"))
    p.add_argument("--name")
    p.add_argument("--role", choices=["adverse", "institution", "witness", "representative"])
    p.add_argument("--notes")
    decision_options(p)
    p.set_defaults(func=cmd_party_edit, decision_of=decision_of)


def register_deadline(
    deadline: argparse._SubParsersAction[argparse.ArgumentParser],
    day: Any,
) -> None:
    """``deadline edit``."""
    p = deadline.add_parser(
        "edit", help=_("correct a deadline's date or description (done: tick it instead)")
    )
    p.add_argument(
        "id", metavar="DEADLINE_ID", help=_("as printed by deadline add and case show --json")
    )
    p.add_argument("--due", type=day, metavar="DD.MM.YYYY")
    p.add_argument("--description")
    p.set_defaults(func=cmd_deadline_edit)

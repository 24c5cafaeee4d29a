"""Corrections with history (issue 19): change fields after they were entered, keep what they were.

:func:`apply` is the one way a service corrects a synchronized row: it sets the new values,
stamps the field groups that changed (so the correction syncs by the field-group merge, and two
nodes' corrections of one group are a conflict for review as any other edit) and writes one
:class:`~legalaid_desktop.store.models.Correction` per field, in the caller's transaction.
:class:`HistoryService` reads them back for the history views and ``legalaid case history``.

Who may correct what (the callers check it with :func:`may_correct`): a lawyer the cases
assigned to them and the consultations they gave; a manager or administrator
(:attr:`Permission.EDIT_ANY_CASE`) any of their center's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from legalaid_desktop.domain import validation
from legalaid_desktop.domain.cases import MAX_MINUTES
from legalaid_desktop.domain.conflict_decisions import ConflictDecisionInput
from legalaid_desktop.domain.corrections import (
    CaseEdit,
    ConsultationEdit,
    DeadlineEdit,
    HistoryEntry,
    PartyEdit,
    RecordKind,
    as_text,
)
from legalaid_desktop.domain.errors import NotFound, PermissionDenied, ValidationError
from legalaid_desktop.domain.ids import new_id
from legalaid_desktop.domain.roles import Permission, roles_text, roles_with
from legalaid_desktop.i18n import _
from legalaid_desktop.i18n.formatting import format_date
from legalaid_desktop.search import refresh as search_refresh
from legalaid_desktop.services import lookups
from legalaid_desktop.services.people import People, node_code
from legalaid_desktop.services.workspace import Workspace
from legalaid_desktop.store.audit import utc_now_iso
from legalaid_desktop.store.models import (
    Case,
    Consultation,
    Correction,
    CorruptionDetails,
    Deadline,
    Party,
)
from legalaid_desktop.store.models.base import SyncMixin

__all__ = [
    "CorrectionService",
    "HistoryService",
    "apply",
    "client_entries",
    "last_change",
    "may_correct",
    "note",
]


def may_correct(ws: Workspace, case: Case, author: str | None = None) -> PermissionDenied | None:
    """Why the actor may not correct ``case`` (or, with ``author``, a consultation that user
    gave in it), or None when they may. The caller raises it through :meth:`Workspace.refuse`."""
    if ws.actor.can(Permission.EDIT_ANY_CASE):
        return None
    mine = ws.actor.username
    if author is not None:
        if author == mine:
            return None
        return PermissionDenied(
            _(
                "You may correct only the consultations you gave: correcting a colleague's "
                "needs the role {needed}."
            ).format(needed=roles_text(roles_with(Permission.EDIT_ANY_CASE)))
        )
    if case.assigned_lawyer == mine:
        return None
    return PermissionDenied(
        _(
            "You may correct only the cases assigned to you, and case {number} is not: "
            "correcting it needs the role {needed}."
        ).format(number=case.number, needed=roles_text(roles_with(Permission.EDIT_ANY_CASE)))
    )


def apply(
    ws: Workspace,
    s: Session,
    row: SyncMixin,
    values: Mapping[str, object],
    *,
    kind: RecordKind,
    case_id: str | None,
    client_id: str | None = None,
) -> dict[str, tuple[object, object]]:
    """Correct ``row`` to ``values`` and keep what each changed field was.

    Fields whose value is the same are left alone; when nothing changes nothing is written.

    Args:
        ws: The workspace (its actor, clock and node stamp the change).
        s: The caller's write transaction.
        row: The row to correct.
        values: The new values by field name (already validated).
        kind: What the row is, for the history.
        case_id: The case it belongs to (None for a client's own record).
        client_id: The client, for a client's own record (``case_id`` None).

    Returns:
        The changed fields: ``{field: (old, new)}``.
    """
    changes = {f: (getattr(row, f), v) for f, v in values.items() if getattr(row, f) != v}
    if not changes:
        return changes
    groups: Mapping[str, tuple[str, ...]] = type(row).FIELD_GROUPS  # type: ignore[attr-defined]
    for name, (_old, new) in changes.items():
        setattr(row, name, new)
    ws.touch(s, row, [g for g, fields in groups.items() if any(f in changes for f in fields)])
    when = utc_now_iso()
    for name, (old, new) in changes.items():
        note(ws, s, kind, row.id, name, (old, new), case_id=case_id, client_id=client_id, at=when)
    return changes


def note(
    ws: Workspace,
    s: Session,
    kind: RecordKind,
    record_id: str,
    field: str,
    values: tuple[object, object],
    *,
    case_id: str | None,
    client_id: str | None = None,
    at: str | None = None,
) -> None:
    """Write one history line (:func:`apply` writes one per changed field; a merge writes its
    own) in the caller's transaction."""
    old, new = values
    correction = Correction(
        id=new_id(),
        client_id=client_id if case_id is None else None,
        case_id=case_id,
        record_kind=kind.value,
        record_id=record_id,
        field=field,
        old_value=as_text(old),
        new_value=as_text(new),
        changed_by=ws.actor.username,
        changed_at=at or utc_now_iso(),
        origin_node=ws.node_code,
        clocks={},
        hlc="",
    )
    s.add(correction)
    ws.touch(s, correction, Correction.FIELD_GROUPS)


def _pairs(s: Session, query: Select[str, str]) -> dict[str, str]:
    return {key: value for key, value in s.execute(query)}


def _entries(s: Session, rows: Iterable[Correction]) -> tuple[HistoryEntry, ...]:
    """History entries of ``rows`` (newest first), with names and the dates of their records."""
    chosen = list(rows)
    # who: a user of the node the correction was made at (another center's by the roster)
    wanted = {(c.origin_node, c.changed_by) for c in chosen}
    lawyers = _assignment_nodes(s, chosen)
    for c in chosen:
        if c.id in lawyers:
            wanted |= set(zip(lawyers[c.id], (c.old_value, c.new_value), strict=True))
    people = People.load(s, node_code(s), wanted)
    dated: dict[str, str] = {}
    for kind, model, column in (
        (RecordKind.CONSULTATION, Consultation, Consultation.held_on),
        (RecordKind.DEADLINE, Deadline, Deadline.due_on),
    ):
        ids = {c.record_id for c in chosen if c.record_kind == kind}
        if ids:
            dated.update(_pairs(s, select(model.id, column).where(model.id.in_(ids))))
    parties = {c.record_id for c in chosen if c.record_kind == RecordKind.PARTY}
    named = _pairs(s, select(Party.id, Party.name).where(Party.id.in_(parties))) if parties else {}
    case_ids = {c.case_id for c in chosen if c.case_id is not None}
    numbers = _pairs(s, select(Case.id, Case.number).where(Case.id.in_(case_ids)))
    return tuple(
        HistoryEntry(
            changed_at=c.changed_at,
            changed_by=c.changed_by,
            changed_by_name=people.name(c.changed_by, c.origin_node),
            record_kind=c.record_kind,
            field=c.field,
            old_value=c.old_value,
            new_value=c.new_value,
            case_number=numbers.get(c.case_id) if c.case_id else None,
            record_date=date.fromisoformat(dated[c.record_id]) if c.record_id in dated else None,
            record_name=named.get(c.record_id, ""),
            old_name=people.name(c.old_value, lawyers[c.id][0]) if c.id in lawyers else "",
            new_name=people.name(c.new_value, lawyers[c.id][1]) if c.id in lawyers else "",
        )
        for c in chosen
    )


def _assignment_nodes(s: Session, chosen: list[Correction]) -> dict[str, tuple[str, str]]:
    """The nodes of the lawyers an assignment's history line names (correction id → before,
    after): the new lawyer is of the node that assigned the case; the one before, of the node
    of the assignment before it, else of the center that opened the case (a transferred case's
    earlier lawyer)."""
    moves = sorted(
        (c for c in chosen if c.field == "assigned_lawyer" and c.case_id),
        key=lambda c: (c.changed_at, c.id),
    )
    if not moves:
        return {}
    opened_at = _pairs(
        s, select(Case.id, Case.origin_node).where(Case.id.in_({c.case_id for c in moves}))
    )
    nodes: dict[str, tuple[str, str]] = {}
    last: dict[str, str] = {}
    for c in moves:
        case_id = c.case_id or ""
        before = last.get(case_id) or opened_at.get(case_id) or c.origin_node
        nodes[c.id] = (before, c.origin_node)
        last[case_id] = c.origin_node
    return nodes


def last_change(s: Session, case_id: str) -> HistoryEntry | None:
    """The newest correction of a case (the case summary prints it), or None."""
    row = s.scalar(
        select(Correction)
        .where(Correction.case_id == case_id, Correction.deleted_hlc.is_(None))
        .order_by(Correction.changed_at.desc(), Correction.id.desc())
        .limit(1)
    )
    return _entries(s, [row])[0] if row is not None else None


def client_entries(
    s: Session, client_id: str, *, removed: bool = False
) -> tuple[HistoryEntry, ...]:
    """The corrections of a client's record and of their cases held here, newest first
    (``removed``: also those of removed records, for the access report)."""
    case_ids = list(s.scalars(select(Case.id).where(Case.client_id == client_id)))
    mine = (Correction.client_id == client_id) | Correction.case_id.in_(case_ids)
    live = () if removed else (Correction.deleted_hlc.is_(None),)
    rows = s.scalars(
        select(Correction)
        .where(mine, *live)
        .order_by(Correction.changed_at.desc(), Correction.id.desc())
    )
    return _entries(s, rows)


class HistoryService:
    """The history of corrections of a case or a client, newest first. Reading it is an audit
    event, as viewing the case or client is: it holds their earlier values."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def case_history(self, number: str) -> tuple[HistoryEntry, ...]:
        """Every correction of the case ``number`` and of what is under it."""
        self.ws.require(Permission.VIEW_CASES)
        with self.ws.write() as s:
            case = lookups.get_case(s, number)
            rows = s.scalars(
                select(Correction)
                .where(Correction.case_id == case.id, Correction.deleted_hlc.is_(None))
                .order_by(Correction.changed_at.desc(), Correction.id.desc())
            )
            entries = _entries(s, rows)
            self.ws.audit(s, "case_history_viewed", "case", case.id, {"number": case.number})
            return entries

    def client_history(self, client_ref: str) -> tuple[HistoryEntry, ...]:
        """Every correction of the client's record (their id or number) and of their cases
        held here, newest first."""
        self.ws.require(Permission.VIEW_CASES)
        with self.ws.write() as s:
            client = lookups.get_client(s, client_ref)
            entries = client_entries(s, client.id)
            self.ws.audit(s, "client_history_viewed", "client", client.id)
            return entries


class CorrectionService:
    """Correct a case (with its corruption details), a consultation, a party or a deadline
    after it was entered."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def _refusal(self, case: Case, author: str | None = None) -> PermissionDenied | None:
        """The checks of every correction, inside the write: the case is this center's and its
        client has not withdrawn consent (``CaseService._editable``, raised at once), then
        :func:`may_correct` (returned: the caller raises it through :meth:`Workspace.refuse`
        once its transaction is over, so that the refusal is audited)."""
        from legalaid_desktop.services.cases import CaseService

        CaseService(self.ws)._editable(case)
        return may_correct(self.ws, case, author)

    def _case_values(self, edit: CaseEdit) -> dict[str, object]:
        catalog = self.ws.catalog()
        values: dict[str, object] = {}
        if edit.summary is not None:
            values["summary"] = validation.text(
                edit.summary, "summary", _("Summary"), required=True, max_length=4000
            )
        if edit.legal_area is not None:
            values["legal_area"] = validation.code(
                catalog, "legal_areas", edit.legal_area, "legal_area", _("legal area")
            )
        if edit.opened_on is not None:
            day = validation.not_in_future(edit.opened_on, "opened_on", _("Opening date"))
            values["opened_on"] = day.isoformat()
        if edit.grant_code is not None:
            values["grant_code"] = validation.grant_code(catalog, edit.grant_code)
        return values

    def _corruption_values(self, edit: CaseEdit) -> dict[str, object]:
        catalog = self.ws.catalog()
        values: dict[str, object] = {}
        if edit.sector is not None:
            values["sector"] = validation.code(
                catalog, "corruption_sectors", edit.sector, "sector", _("corruption sector")
            )
        if edit.conduct is not None:
            values["conduct"] = validation.code(
                catalog, "corruption_conduct", edit.conduct, "conduct", _("type of conduct")
            )
        if edit.institution is not None:
            values["institution"] = validation.text(
                edit.institution, "institution", _("Institution"), required=False, max_length=300
            )
        if edit.reported_to is not None:
            values["reported_to"] = validation.text(
                edit.reported_to, "reported_to", _("Reported to"), required=False, max_length=300
            )
        if edit.amount_requested is not None:
            if edit.amount_requested < 0:
                raise ValidationError(_("The amount cannot be negative."), "amount_requested")
            values["amount_requested"] = edit.amount_requested
        return values

    def edit_case(self, number: str, edit: CaseEdit) -> tuple[str, ...]:
        """Correct the case ``number`` (and its corruption details); returns the fields that
        changed (none: nothing was written).

        Raises:
            ValidationError: A value is not valid (nothing is changed).
            InputRejected: Another center's case, or a client who withdrew consent.
            PermissionDenied: A lawyer correcting a case not assigned to them.
        """
        self.ws.require(Permission.EDIT_CASES, "case_corrected", "case", target=number.strip())
        values = self._case_values(edit)
        corruption = self._corruption_values(edit)
        with self.ws.write() as s:
            case = lookups.get_case(s, number)
            case_id, refused = case.id, self._refusal(case)
            if refused is None:
                return self._edit_case(s, case, values, corruption)
        raise self.ws.refuse(refused, "case_corrected", "case", case_id, {"number": number})

    def _edit_case(
        self, s: Session, case: Case, values: dict[str, object], corruption: dict[str, object]
    ) -> tuple[str, ...]:
        if "opened_on" in values:
            self._check_opening(s, case, str(values["opened_on"]))
        changed = apply(self.ws, s, case, values, kind=RecordKind.CASE, case_id=case.id)
        if corruption:
            changed.update(self._correct_corruption(s, case, corruption))
        if not changed:
            return ()
        if {"summary", "legal_area"} & set(changed):
            search_refresh.refresh_rows(s, {"cases": {case.id: tuple(changed)}})
        self.ws.audit(
            s, "case_corrected", "case", case.id, {"number": case.number, "fields": sorted(changed)}
        )
        return tuple(changed)

    @staticmethod
    def _check_opening(s: Session, case: Case, opened_on: str) -> None:
        """A case cannot open after it closed or after its first consultation."""
        if case.closed_on is not None and opened_on > case.closed_on:
            raise ValidationError(_("A case cannot close before it opened."), "opened_on")
        first = s.scalar(
            select(Consultation.held_on)
            .where(Consultation.case_id == case.id, Consultation.deleted_hlc.is_(None))
            .order_by(Consultation.held_on)
            .limit(1)
        )
        if first is not None and opened_on > first:
            raise ValidationError(
                _("The case would open after its first consultation ({date}).").format(
                    date=format_date(date.fromisoformat(first))
                ),
                "opened_on",
            )

    def _correct_corruption(
        self, s: Session, case: Case, values: dict[str, object]
    ) -> dict[str, tuple[object, object]]:
        details = s.scalar(select(CorruptionDetails).where(CorruptionDetails.case_id == case.id))
        if details is None:
            if "sector" not in values or "conduct" not in values:
                raise ValidationError(
                    _(
                        "Case {number} has no corruption details yet: give the sector and the "
                        "type of conduct first."
                    ).format(number=case.number),
                    "sector" if "sector" not in values else "conduct",
                )
            details = CorruptionDetails(
                id=new_id(),
                case_id=case.id,
                sector="",
                conduct="",
                institution="",
                reported_to="",
                origin_node=self.ws.node_code,
                clocks={},
                hlc="",
            )
            s.add(details)
        return apply(self.ws, s, details, values, kind=RecordKind.CORRUPTION, case_id=case.id)

    def edit_consultation(self, consultation_id: str, edit: ConsultationEdit) -> tuple[str, ...]:
        """Correct a consultation; returns the fields that changed.

        Raises:
            NotFound: No such consultation.
            ValidationError: A value is not valid (nothing is changed).
            InputRejected: Another center's case, or a client who withdrew consent.
            PermissionDenied: A lawyer correcting a colleague's consultation.
        """
        self.ws.require(
            Permission.EDIT_CASES, "consultation_corrected", "consultation", consultation_id
        )
        values = self._consultation_values(edit)
        with self.ws.write() as s:
            row = s.get(Consultation, consultation_id.strip())
            if row is None or row.deleted_hlc is not None:
                raise NotFound(_("There is no such consultation."))
            case = s.get(Case, row.case_id)
            assert case is not None  # a consultation's case is never missing (foreign key)
            refused = self._refusal(case, row.lawyer)
            if refused is None:
                return self._edit_consultation(s, case, row, values)
        raise self.ws.refuse(
            refused, "consultation_corrected", "consultation", consultation_id.strip()
        )

    def _edit_consultation(
        self, s: Session, case: Case, row: Consultation, values: dict[str, object]
    ) -> tuple[str, ...]:
        held = str(values.get("held_on", row.held_on))
        if held < case.opened_on:
            raise ValidationError(
                _("The consultation is dated before the case was opened."), "held_on"
            )
        if row.follow_up_on is not None and row.follow_up_on < held:
            raise ValidationError(_("The follow-up date is before the consultation."), "held_on")
        changed = apply(self.ws, s, row, values, kind=RecordKind.CONSULTATION, case_id=case.id)
        if not changed:
            return ()
        search_refresh.refresh_rows(s, {"consultations": {row.id: tuple(changed)}})
        self.ws.audit(
            s,
            "consultation_corrected",
            "case",
            case.id,
            {"number": case.number, "consultation": row.id, "fields": sorted(changed)},
        )
        return tuple(changed)

    def _consultation_values(self, edit: ConsultationEdit) -> dict[str, object]:
        values: dict[str, object] = {}
        if edit.notes is not None:
            values["notes"] = validation.text(
                edit.notes, "notes", _("Notes"), required=True, max_length=20000
            )
        if edit.advice is not None:
            values["advice"] = validation.text(
                edit.advice, "advice", _("Advice given"), required=False, max_length=20000
            )
        if edit.next_steps is not None:
            values["next_steps"] = validation.text(
                edit.next_steps, "next_steps", _("Next steps"), required=False, max_length=5000
            )
        if edit.mode is not None:
            values["mode"] = validation.code(
                self.ws.catalog(), "consultation_modes", edit.mode, "mode", _("mode")
            )
        if edit.minutes is not None:
            if not 1 <= edit.minutes <= MAX_MINUTES:
                raise ValidationError(
                    _("The duration must be between 1 and {n} minutes.").format(n=MAX_MINUTES),
                    "minutes",
                )
            values["minutes"] = edit.minutes
        if edit.held_on is not None:
            held = validation.not_in_future(edit.held_on, "held_on", _("The consultation date"))
            values["held_on"] = held.isoformat()
        return values

    def edit_party(
        self, party_id: str, edit: PartyEdit, decision: ConflictDecisionInput | None = None
    ) -> tuple[str, ...]:
        """Correct a party (name, role, notes): :func:`.part_corrections.edit_party`."""
        from legalaid_desktop.services.part_corrections import edit_party

        return edit_party(self, party_id, edit, decision)

    def edit_deadline(self, deadline_id: str, edit: DeadlineEdit) -> tuple[str, ...]:
        """Correct a deadline (date, description): :func:`.part_corrections.edit_deadline`."""
        from legalaid_desktop.services.part_corrections import edit_deadline

        return edit_deadline(self, deadline_id, edit)

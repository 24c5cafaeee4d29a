"""The lists an export writes: their columns, their rows' query, their filters and order.

Each builder returns a :class:`ListSpec` for :class:`~.exports.ExportService`: the header (in the
current language), the query (the filters and the order of the list on screen: the client and
case lists' own ``_list_filter`` and ``_ordering``), a count for the progress, and ``convert``,
which turns a row into the cells people read (reference codes as labels, dates as dates, users
by full name). No row id is selected.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnClause, Executable, Integer, exists, func, literal_column, select

from legalaid_desktop.domain.cases import CaseStatus
from legalaid_desktop.i18n import _
from legalaid_desktop.i18n.dates import from_iso, local_date
from legalaid_desktop.services.audit_view import _utc_bound
from legalaid_desktop.services.cases import CaseService
from legalaid_desktop.services.clients import ClientService
from legalaid_desktop.services.list_order import text_filter
from legalaid_desktop.services.people import author_node
from legalaid_desktop.services.workspace import Workspace
from legalaid_desktop.statistics.writers import Cell, RecordCell
from legalaid_desktop.store.models import Case, Client, Consultation

Label = Callable[[str, str | None], str]
"""The label of a reference code in the export's language (``""`` for none)."""
Name = Callable[[str | None, str], str]
"""What people read for a user name of a node (``services.people``): the full name, another
node's with its code."""


@dataclass(frozen=True)
class ListFilters:
    """What a list shows: its filters, and its order (``list_order`` codes).

    ``start``/``end`` bound the day a row belongs to: a client's registration (Baku time), a
    case's opening, a consultation's day (both included). ``legal_area``, ``lawyer`` and
    ``status`` keep, in a client list, the clients with such a case.
    """

    center: str | None = None
    region: str | None = None
    gender: str | None = None
    legal_area: str | None = None
    lawyer: str | None = None
    status: str | None = None
    start: date | None = None
    end: date | None = None
    text: str | None = None
    order: str | None = None
    descending: bool = False

    def used(self) -> dict[str, str]:
        """The filters set, as text (the audit event, the parameters sheet)."""
        values: dict[str, object] = {
            "center": self.center,
            "region": self.region,
            "gender": self.gender,
            "legal_area": self.legal_area,
            "lawyer": self.lawyer,
            "status": self.status,
            "from": self.start.isoformat() if self.start else None,
            "to": self.end.isoformat() if self.end else None,
            "text": (self.text or "").strip() or None,
            "order": self.order,
            "descending": "yes" if self.descending and self.order else None,
        }
        return {k: str(v) for k, v in values.items() if v}


@dataclass
class ListSpec:
    """One list's columns and query: ``convert`` turns a row of ``query`` into cells."""

    header: list[str]
    query: Executable
    count: Executable
    convert: Callable[[Sequence[Any]], list[RecordCell]]
    notes: list[tuple[str, Cell]] = field(default_factory=list)


def clients_list(ws: Workspace, f: ListFilters, label: Label) -> ListSpec:
    open_cases = (
        select(func.count())
        .where(
            Case.client_id == Client.id,
            Case.status.in_((CaseStatus.OPEN.value, CaseStatus.PENDING.value)),
            Case.deleted_hlc.is_(None),
        )
        .correlate(Client)
        .scalar_subquery()
    )
    where = list(ClientService._list_filter(f.region, f.gender, f.text, f.center))
    if f.start:
        where.append(Client.created_at >= _utc_bound(f.start, end=False))
    if f.end:
        where.append(Client.created_at < _utc_bound(f.end, end=True))
    case_where = [
        c
        for c in (
            Case.legal_area == f.legal_area if f.legal_area else None,
            Case.assigned_lawyer == f.lawyer if f.lawyer else None,
            Case.status == f.status if f.status else None,
        )
        if c is not None
    ]
    if case_where:
        where.append(
            exists().where(Case.client_id == Client.id, Case.deleted_hlc.is_(None), *case_where)
        )
    rowid: ColumnClause[int] = literal_column("clients.rowid", Integer)
    ordering = ClientService(ws)._ordering(f.order, f.descending, open_cases, rowid)
    query = (
        select(
            Client.number,
            Client.full_name,
            Client.gender,
            Client.birth_year,
            Client.region,
            Client.displacement,
            Client.disability,
            Client.phone,
            Client.address,
            Client.referral_source,
            Client.node_code,
            Client.created_at,
            open_cases,
        )
        .where(*where)
        .order_by(*ordering)
    )
    header = [
        _("Client number"),
        _("Name"),
        _("Gender"),
        _("Birth year"),
        _("Region"),
        _("Displacement"),
        _("Disability"),
        _("Phone"),
        _("Address"),
        _("How they heard"),
        _("Center"),
        _("Registered"),
        _("Open cases"),
    ]

    def convert(r: Sequence[Any]) -> list[RecordCell]:
        return [
            r[0],
            r[1],
            label("genders", r[2]),
            r[3],
            label("regions", r[4]),
            label("displacement", r[5]),
            label("disability", r[6]),
            r[7],
            r[8],
            r[9],
            r[10],
            local_date(r[11]),
            r[12],
        ]

    count = select(func.count()).select_from(Client).where(*where)
    return ListSpec(header, query, count, convert)


def cases_list(ws: Workspace, f: ListFilters, label: Label, lawyer: Name) -> ListSpec:
    cases = CaseService(ws)
    where = list(cases._list_filter(f.status, f.legal_area, f.lawyer, None, f.text, f.center))
    where += client_side(f)
    if f.start:
        where.append(Case.opened_on >= f.start.isoformat())
    if f.end:
        where.append(Case.opened_on <= f.end.isoformat())
    query = (
        select(
            Case.number,
            Client.number,
            Client.full_name,
            Case.legal_area,
            Case.status,
            Case.assigned_lawyer,
            Case.owner_node,
            Case.opened_on,
            Case.closed_on,
            Case.outcome,
            Case.clocks,
            Case.origin_node,
        )
        .join(Client, Client.id == Case.client_id)
        .where(*where)
        .order_by(*cases._ordering(f.order, f.descending))
    )
    header = [
        _("Case number"),
        _("Client number"),
        _("Client"),
        _("Legal area"),
        _("Status"),
        _("Lawyer"),
        _("Center"),
        _("Opened"),
        _("Closed"),
        _("Outcome"),
    ]

    def convert(r: Sequence[Any]) -> list[RecordCell]:
        return [
            r[0],
            r[1],
            r[2],
            label("legal_areas", r[3]),
            label("case_statuses", r[4]),
            # of the node that last assigned the case (a transferred case keeps the earlier
            # center's lawyer until its new center assigns one of its own)
            lawyer(r[5], author_node(r[10], "assignment", r[11] or "")),
            r[6],
            from_iso(r[7]),
            from_iso(r[8]),
            label("outcomes", r[9]),
        ]

    count = (
        select(func.count())
        .select_from(Case)
        .join(Client, Client.id == Case.client_id)
        .where(*where)
    )
    return ListSpec(header, query, count, convert)


def consultations_list(ws: Workspace, f: ListFilters, label: Label, lawyer: Name) -> ListSpec:
    where = [
        Consultation.deleted_hlc.is_(None),
        Case.deleted_hlc.is_(None),
        Client.deleted_hlc.is_(None),
        *client_side(f),
    ]
    typed = text_filter("case", f.text, Case.id)
    if typed is not None:
        where.append(typed)
    for column, value in (
        (Case.owner_node, f.center),
        (Case.legal_area, f.legal_area),
        (Case.status, f.status),
        (Consultation.lawyer, f.lawyer),
    ):
        if value:
            where.append(column == value)
    if f.start:
        where.append(Consultation.held_on >= f.start.isoformat())
    if f.end:
        where.append(Consultation.held_on <= f.end.isoformat())
    keys: tuple[Any, ...] = (
        Consultation.held_on,
        Case.number,
        literal_column("consultations.rowid"),
    )
    query = (
        select(
            Consultation.held_on,
            Case.number,
            Client.number,
            Client.full_name,
            Consultation.lawyer,
            Consultation.mode,
            Consultation.minutes,
            Case.owner_node,
            Consultation.notes,
            Consultation.advice,
            Consultation.next_steps,
            Consultation.follow_up_on,
            Consultation.origin_node,
        )
        .join(Case, Case.id == Consultation.case_id)
        .join(Client, Client.id == Case.client_id)
        .where(*where)
        .order_by(*(k.desc() for k in keys) if f.descending else keys)
    )
    header = [
        _("Date"),
        _("Case number"),
        _("Client number"),
        _("Client"),
        _("Lawyer"),
        _("Mode"),
        _("Minutes"),
        _("Center"),
        _("Notes"),
        _("Advice"),
        _("Next steps"),
        _("Follow-up on"),
    ]

    def convert(r: Sequence[Any]) -> list[RecordCell]:
        return [
            from_iso(r[0]),
            r[1],
            r[2],
            r[3],
            lawyer(r[4], r[12] or ""),  # of the node the consultation was given at
            label("consultation_modes", r[5]),
            r[6],
            r[7],
            r[8],
            r[9],
            r[10],
            from_iso(r[11]),
        ]

    count = (
        select(func.count())
        .select_from(Consultation)
        .join(Case, Case.id == Consultation.case_id)
        .join(Client, Client.id == Case.client_id)
        .where(*where)
    )
    return ListSpec(header, query, count, convert)


# -- the parameters sheet -------------------------------------------------------------------


def client_side(f: ListFilters) -> list[Any]:
    """The filters on the client of a case or consultation row."""
    where: list[Any] = []
    if f.region:
        where.append(Client.region == f.region)
    if f.gender:
        where.append(Client.gender == f.gender)
    return where

"""Records and lists to files people open in a spreadsheet (issue 18, docs/exports.md).

``legalaid export clients|cases|consultations`` and the "Export…" of the client and case lists
write the rows a filter keeps, in the order the list shows them, as XLSX or CSV
(:mod:`legalaid_desktop.statistics.writers`): labels in the current language, reference codes as
their labels, dates as dates, clients by their readable number (``GNJ-C-00042``), lawyers by
their full name, centers by their code; never a row id, never key material.

These files hold personal data (names, phones, addresses, consultation notes) outside the
encryption, so:

* only the roles with :attr:`Permission.EXPORT_PERSONAL_DATA` (center managers and
  administrators) may write them; anyone else is refused, and the refusal is audited;
* every export is audited (``records_exported``: which list, the filters, the format, how many
  rows, the path of the file);
* the rows are streamed from the store to the file (never all in memory); the file is written
  beside its destination and moved into place when complete, so an error or a cancel leaves no
  file behind.

There is no anonymized records export: a list of records without names is still a list of
people (a birth year, a region and a date identify one); anonymized figures are the statistics'
(docs/statistics.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnClause, Executable, Integer, exists, func, literal_column, select
from sqlalchemy.orm import Session

from legalaid_desktop.domain.cases import CaseStatus
from legalaid_desktop.domain.errors import InputRejected, LegalAidError
from legalaid_desktop.domain.roles import Permission
from legalaid_desktop.i18n import N_, _, current_language
from legalaid_desktop.i18n.dates import from_iso, local_date, now_baku
from legalaid_desktop.i18n.formatting import format_date, format_datetime
from legalaid_desktop.services.audit_view import _utc_bound
from legalaid_desktop.services.cases import CaseService
from legalaid_desktop.services.clients import ClientService
from legalaid_desktop.services.list_order import (
    CASE_ORDERS,
    CLIENT_ORDERS,
    check_order,
    text_filter,
)
from legalaid_desktop.services.workspace import Workspace
from legalaid_desktop.statistics.writers import Cell, RecordCell, Sheet, write_csv, write_xlsx
from legalaid_desktop.store.models import Case, Client, Consultation, Node, User

RECORD_LISTS: tuple[str, ...] = ("clients", "cases", "consultations")
"""What ``legalaid export`` writes."""
FORMATS: tuple[str, ...] = ("csv", "xlsx")
EXPORTED_ACTION = "records_exported"
"""The audit action of an export."""
PROGRESS_EVERY = 1000
"""Progress is reported every this many rows."""
_CANCEL_EVERY = 200

LIST_TITLES: dict[str, str] = {
    "clients": N_("Clients"),
    "cases": N_("Cases"),
    "consultations": N_("Consultations"),
}
ProgressFn = Callable[[int, int], None]
CancelledFn = Callable[[], bool]


class ExportCancelled(LegalAidError):
    """The export was stopped before it ended; no file was written."""


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


@dataclass(frozen=True)
class ExportResult:
    what: str
    path: Path
    fmt: str
    rows: int


@dataclass
class _Spec:
    """One list's columns and query: ``convert`` turns a row of ``query`` into cells."""

    header: list[str]
    query: Executable
    count: Executable
    convert: Callable[[Sequence[Any]], list[RecordCell]]
    notes: list[tuple[str, Cell]] = field(default_factory=list)


def check_request(what: str, fmt: str, filters: ListFilters) -> None:
    """Refuse what no store could answer (before a password is asked for).

    Raises:
        InputRejected: An unknown list or format, or a period that ends before it starts.
    """
    if what not in RECORD_LISTS:
        raise InputRejected(
            _("Unknown list '{what}': choose {choices}.").format(
                what=what, choices=", ".join(RECORD_LISTS)
            )
        )
    if fmt not in FORMATS:
        raise InputRejected(_("Unknown format '{format}': choose csv or xlsx.").format(format=fmt))
    if filters.start and filters.end and filters.start > filters.end:
        raise InputRejected(_("--from is after --to."))
    allowed = CLIENT_ORDERS if what == "clients" else CASE_ORDERS if what == "cases" else ()
    if filters.order is not None:
        check_order(filters.order, allowed)


class ExportService:
    """The exports of records and lists (see the module's docstring)."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def export(
        self,
        what: str,
        path: Path,
        fmt: str,
        filters: ListFilters | None = None,
        *,
        progress: ProgressFn | None = None,
        cancelled: CancelledFn | None = None,
    ) -> ExportResult:
        """Write the list ``what`` as ``filters`` keeps and orders it to ``path``.

        Args:
            progress: Called with (rows written, rows in all) every :data:`PROGRESS_EVERY` rows.
            cancelled: Asked every few hundred rows; ``True`` stops the export.

        Raises:
            InputRejected: Bad input (see :func:`check_request`), an unknown code, or the file
                cannot be written there (nothing is left behind).
            PermissionDenied: The role may not export personal data (audited).
            ExportCancelled: ``cancelled`` said so (nothing is left behind).
        """
        filters = filters or ListFilters()
        check_request(what, fmt, filters)
        self.ws.require(Permission.EXPORT_PERSONAL_DATA, "export", target=what)
        self._check_codes(filters)
        lang = current_language()
        with self.ws.read() as s:
            spec = self._spec(s, what, filters, lang)
            total = s.scalar(spec.count) or 0
            result = s.execute(spec.query.execution_options(yield_per=PROGRESS_EVERY))
            rows = _stream(result, spec.convert, total, progress, cancelled)
            sheet = Sheet(_(LIST_TITLES[what]), spec.header, rows)
            try:
                if fmt == "xlsx":
                    n = write_xlsx(
                        path,
                        [sheet],
                        self._parameters(what, filters, total, spec),
                        parameters_title=_("Parameters"),
                    )
                else:
                    n = write_csv(path, sheet, lang)
            except OSError as exc:
                raise InputRejected(
                    _("Cannot write {file}: {reason}").format(file=path, reason=exc.strerror or exc)
                ) from None
        if progress is not None:
            progress(n, total)
        with self.ws.write() as s:
            self.ws.audit(
                s,
                EXPORTED_ACTION,
                details={
                    "list": what,
                    "format": fmt,
                    "rows": n,
                    "file": str(path),
                    "filters": filters.used(),
                },
            )
        return ExportResult(what, path, fmt, n)

    # -- checks ---------------------------------------------------------------------------------

    def _check_codes(self, filters: ListFilters) -> None:
        catalog = self.ws.catalog()
        for kind, code, label in (
            ("regions", filters.region, _("region")),
            ("genders", filters.gender, _("gender")),
            ("legal_areas", filters.legal_area, _("legal area")),
            ("case_statuses", filters.status, _("status")),
        ):
            if code:
                catalog.require(kind, code, label)
        with self.ws.read() as s:
            if (
                filters.center
                and s.scalar(select(Node.id).where(Node.code == filters.center)) is None
            ):
                raise InputRejected(_("Unknown center '{code}'.").format(code=filters.center))
            if filters.lawyer and (
                s.scalar(select(User.id).where(User.username == filters.lawyer)) is None
            ):
                raise InputRejected(_("Unknown user '{name}'.").format(name=filters.lawyer))

    # -- the lists ------------------------------------------------------------------------------

    def _spec(self, s: Session, what: str, filters: ListFilters, lang: str) -> _Spec:
        catalog = self.ws.catalog()
        names = {u: n for u, n in s.execute(select(User.username, User.full_name))}

        def label(kind: str, code: str | None) -> str:
            return catalog[kind].label(code, lang) if code else ""

        def lawyer(username: str | None) -> str:
            return names.get(username or "", username or "")

        if what == "clients":
            return self._clients(filters, label)
        if what == "cases":
            return self._cases(filters, label, lawyer)
        return self._consultations(filters, label, lawyer)

    def _clients(self, f: ListFilters, label: Callable[[str, str | None], str]) -> _Spec:
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
        where = list(ClientService._list_filter(f.region, f.gender, f.text))
        if f.center:
            where.append(Client.node_code == f.center)
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
        ordering = ClientService(self.ws)._ordering(f.order, f.descending, open_cases, rowid)
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
        return _Spec(header, query, count, convert)

    def _cases(
        self,
        f: ListFilters,
        label: Callable[[str, str | None], str],
        lawyer: Callable[[str | None], str],
    ) -> _Spec:
        cases = CaseService(self.ws)
        where = list(cases._list_filter(f.status, f.legal_area, f.lawyer, None, f.text))
        where += _client_side(f)
        if f.center:
            where.append(Case.owner_node == f.center)
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
                lawyer(r[5]),
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
        return _Spec(header, query, count, convert)

    def _consultations(
        self,
        f: ListFilters,
        label: Callable[[str, str | None], str],
        lawyer: Callable[[str | None], str],
    ) -> _Spec:
        where = [
            Consultation.deleted_hlc.is_(None),
            Case.deleted_hlc.is_(None),
            Client.deleted_hlc.is_(None),
            *_client_side(f),
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
                lawyer(r[4]),
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
        return _Spec(header, query, count, convert)

    # -- the parameters sheet -------------------------------------------------------------------

    def _parameters(
        self, what: str, f: ListFilters, total: int, spec: _Spec
    ) -> list[tuple[str, Cell]]:
        period = ""
        if f.start or f.end:
            period = f"{format_date(f.start) or '…'} – {format_date(f.end) or '…'}"
        out: list[tuple[str, Cell]] = [
            (_("List"), _(LIST_TITLES[what])),
            (_("Rows"), total),
            (_("Center"), f.center or _("All")),
            (_("Period"), period or _("All")),
        ]
        for key, value in f.used().items():
            if key not in ("center", "from", "to"):
                out.append((key, value))
        out += spec.notes
        out += [
            (_("Exported by"), self.ws.actor.username),
            (_("Exported at"), format_datetime(now_baku())),
            (
                _("Privacy"),
                _(
                    "This file holds personal data and is not encrypted: keep it on an "
                    "encrypted disk, share it with nobody who may not see these records, and "
                    "delete it when it has served."
                ),
            ),
        ]
        return out


def _client_side(f: ListFilters) -> list[Any]:
    """The filters on the client of a case or consultation row."""
    where: list[Any] = []
    if f.region:
        where.append(Client.region == f.region)
    if f.gender:
        where.append(Client.gender == f.gender)
    return where


def _stream(
    rows: Any,
    convert: Callable[[Sequence[Any]], list[RecordCell]],
    total: int,
    progress: ProgressFn | None,
    cancelled: CancelledFn | None,
) -> Iterator[list[RecordCell]]:
    """The converted rows, one at a time; progress is reported and a cancel raised as it goes."""
    n = 0
    if progress is not None:
        progress(0, total)
    for row in rows:
        if cancelled is not None and n % _CANCEL_EVERY == 0 and cancelled():
            raise ExportCancelled(_("The export was cancelled; no file was written."))
        yield convert(row)
        n += 1
        if progress is not None and n % PROGRESS_EVERY == 0:
            progress(n, total)

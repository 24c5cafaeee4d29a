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

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from legalaid_desktop.domain.errors import InputRejected, LegalAidError
from legalaid_desktop.domain.roles import Permission
from legalaid_desktop.i18n import N_, _, current_language
from legalaid_desktop.i18n.dates import now_baku
from legalaid_desktop.i18n.formatting import format_date, format_datetime
from legalaid_desktop.services.export_lists import (
    ListFilters,
    ListSpec,
    cases_list,
    clients_list,
    consultations_list,
)
from legalaid_desktop.services.list_order import CASE_ORDERS, CLIENT_ORDERS, check_order
from legalaid_desktop.services.people import People
from legalaid_desktop.services.workspace import Workspace, check_destination
from legalaid_desktop.statistics.writers import Cell, RecordCell, Sheet, write_csv, write_xlsx
from legalaid_desktop.store.models import Node, User

__all__ = [
    "FORMATS",
    "RECORD_LISTS",
    "ExportCancelled",
    "ExportResult",
    "ExportService",
    "ListFilters",
    "check_destination",
    "check_request",
]

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
class ExportResult:
    what: str
    path: Path
    fmt: str
    rows: int


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
        self.ws.check_destination(path)
        self.ws.require(Permission.EXPORT_PERSONAL_DATA, "export", target=what)
        self._check_codes(filters)
        lang = current_language()
        with self.ws.read() as s:
            spec = self._spec(s, what, filters, lang)
            total = s.scalar(spec.count) or 0
            result = s.execute(spec.query.execution_options(yield_per=PROGRESS_EVERY))
            n = self._write(
                path,
                fmt,
                Sheet(_(LIST_TITLES[what]), spec.header, map(spec.convert, result)),
                self._parameters(_(LIST_TITLES[what]), filters, total, spec.notes),
                total,
                progress,
                cancelled,
            )
        self._audited(what, fmt, n, path, filters.used())
        return ExportResult(what, path, fmt, n)

    def write_table(
        self,
        what: str,
        title: str,
        path: Path,
        fmt: str,
        header: Sequence[str],
        rows: Iterable[Sequence[RecordCell]],
        *,
        total: int,
        filters: Mapping[str, str] | None = None,
        progress: ProgressFn | None = None,
        cancelled: CancelledFn | None = None,
    ) -> ExportResult:
        """Write rows a screen shows (the audit log, the calendar) as :meth:`export` does: the
        same permission, file, progress, cancel and audit event.

        ``rows`` is read while the file is written (a generator that reads the store page by page
        keeps the memory flat); ``total`` is how many it will give, for the progress.
        """
        if fmt not in FORMATS:
            raise InputRejected(
                _("Unknown format '{format}': choose csv or xlsx.").format(format=fmt)
            )
        self.ws.check_destination(path)
        self.ws.require(Permission.EXPORT_PERSONAL_DATA, "export", target=what)
        used = dict(filters or {})
        n = self._write(
            path,
            fmt,
            Sheet(title, header, rows),
            self._parameters(title, None, total, list(used.items())),
            total,
            progress,
            cancelled,
        )
        self._audited(what, fmt, n, path, used)
        return ExportResult(what, path, fmt, n)

    def _write(
        self,
        path: Path,
        fmt: str,
        sheet: Sheet,
        parameters: list[tuple[str, Cell]],
        total: int,
        progress: ProgressFn | None,
        cancelled: CancelledFn | None,
    ) -> int:
        """Write ``sheet`` whole or not at all, reporting progress; the rows written."""
        rows = _stream(sheet.rows, total, progress, cancelled)
        sheet = Sheet(sheet.title, sheet.header, rows)
        try:
            if fmt == "xlsx":
                n = write_xlsx(path, [sheet], parameters, parameters_title=_("Parameters"))
            else:
                n = write_csv(path, sheet, current_language())
        except OSError as exc:
            raise InputRejected(
                _("Cannot write {file}: {reason}").format(file=path, reason=exc.strerror or exc)
            ) from None
        if progress is not None:
            progress(n, total)
        return n

    def _audited(self, what: str, fmt: str, n: int, path: Path, used: Mapping[str, str]) -> None:
        with self.ws.write() as s:
            self.ws.audit(
                s,
                EXPORTED_ACTION,
                details={
                    "list": what,
                    "format": fmt,
                    "rows": n,
                    "file": str(path),
                    "filters": dict(used),
                },
            )

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

    def _spec(self, s: Session, what: str, filters: ListFilters, lang: str) -> ListSpec:
        catalog = self.ws.catalog()
        # the people the list names are not known before its rows stream: every user of this
        # node and every roster entry, named by the one resolver by (node, user name)
        people = People.everyone(s, self.ws.node_code)

        def label(kind: str, code: str | None) -> str:
            return catalog[kind].label(code, lang) if code else ""

        def lawyer(username: str | None, node: str) -> str:
            return people.name(username or "", node)

        if what == "clients":
            return clients_list(self.ws, filters, label)
        if what == "cases":
            return cases_list(self.ws, filters, label, lawyer)
        return consultations_list(self.ws, filters, label, lawyer)

    def _parameters(
        self, title: str, f: ListFilters | None, total: int, notes: list[tuple[str, Cell]]
    ) -> list[tuple[str, Cell]]:
        out: list[tuple[str, Cell]] = [(_("List"), title), (_("Rows"), total)]
        if f is not None:
            period = ""
            if f.start or f.end:
                period = f"{format_date(f.start) or '…'} – {format_date(f.end) or '…'}"
            out.append((_("Center"), f.center or _("All")))
            out.append((_("Period"), period or _("All")))
            for key, value in f.used().items():
                if key not in ("center", "from", "to"):
                    out.append((key, value))
        out += notes
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


def _stream(
    rows: Iterable[Sequence[RecordCell]],
    total: int,
    progress: ProgressFn | None,
    cancelled: CancelledFn | None,
) -> Iterator[Sequence[RecordCell]]:
    """The rows, one at a time; progress is reported and a cancel raised as it goes."""
    n = 0
    if progress is not None:
        progress(0, total)
    for row in rows:
        if cancelled is not None and n % _CANCEL_EVERY == 0 and cancelled():
            raise ExportCancelled(_("The export was cancelled; no file was written."))
        yield row
        n += 1
        if progress is not None and n % PROGRESS_EVERY == 0:
            progress(n, total)

"""Every row of a sheet as it would be imported, with every problem per row and cell.

:func:`build_preview` reads the rows after the header with the mapping: a row whose mapped
cells are all empty is skipped and counted (:attr:`Preview.empty_rows`); every other row
becomes a :class:`RowResult` with the client (and the case) it would give, what the preview
table shows, and its problems (:class:`~.problems.Problem`): a required field missing, a value
no rule reads as a code (with the code it may be, :mod:`.references`), a bad date or one in the
future, a phone that is not one, a formula, a value the intake's validators refuse.

Rows about one client: two rows with the same client (the same kind, name as folded, birth
year and phone number) are **one client**: a center that kept a row per case lists the client
again for each case; the second row's case goes to the first row's client
(:attr:`RowResult.same_client_as`). A row that repeats an earlier one in full (the same client
and the same case, or no case) is a **repeated row**: a problem, since importing it twice would
make a duplicate.

Nothing here reads the store: matching rows with the clients already there is the import
service's (:mod:`legalaid_desktop.services.client_import`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from legalaid_desktop.domain.cases import ClientInput, ConsentInput
from legalaid_desktop.domain.reference import ReferenceCatalog
from legalaid_desktop.i18n import _, current_language
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.spreadsheet_import.cells import Cell, Table, column_letter
from legalaid_desktop.spreadsheet_import.fields import BY_NAME, Kind
from legalaid_desktop.spreadsheet_import.headers import column_titles
from legalaid_desktop.spreadsheet_import.mapping import ImportMapping, resolve_columns
from legalaid_desktop.spreadsheet_import.problems import CaseDraft, Problem
from legalaid_desktop.spreadsheet_import.references import Match, ReferenceMatcher
from legalaid_desktop.spreadsheet_import.row_reading import Lawyers, RowContext, RowReader
from legalaid_desktop.spreadsheet_import.values import DateOrder, blank, column_order, phone_key
from legalaid_desktop.text.folding import fold

__all__ = ["Preview", "RowResult", "UnknownValue", "build_preview", "client_key"]


def client_key(data: ClientInput) -> tuple[str, str, int | None, str]:
    """What makes two records one client without doubt: the kind, the name as folded, the
    birth year and the phone's national number (an empty one equal to an empty one)."""
    return (data.kind or "person", fold(data.full_name), data.birth_year, phone_key(data.phone))


def _case_key(case: CaseDraft | None) -> tuple[str, str, str] | None:
    if case is None:
        return None
    return (case.legal_area, case.opened_on.isoformat(), fold(case.summary))


@dataclass(frozen=True)
class RowResult:
    """One row read (see the module docstring).

    Attributes:
        row: The row's number in the spreadsheet (from 1).
        client: The client it gives, or ``None`` when a problem stops it.
        consent: The consent of a row with a consent date.
        case: The case the row carries, if any.
        shown: Field → the value as imported, for the preview table.
        raw: Field → the cell's text as in the file, where a problem kept it from being read
            (the preview table shows it, tinted; the problem's own text never quotes it).
        problems: Its problems, blocking ones and notes.
        same_client_as: An earlier row with the same client (its case joins that client).
    """

    row: int
    client: ClientInput | None
    consent: ConsentInput | None
    case: CaseDraft | None
    shown: Mapping[str, str]
    problems: tuple[Problem, ...]
    same_client_as: int | None = None
    raw: Mapping[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Whether the row can be imported (no blocking problem)."""
        return self.client is not None and not any(p.blocking for p in self.problems)


@dataclass(frozen=True)
class UnknownValue:
    """A value of a reference (or lawyer) column that no rule reads, once per distinct value:
    what the value-mapping step asks about."""

    field: str
    value: str
    count: int
    rows: tuple[int, ...]
    candidates: tuple[str, ...] = ()
    suggestion: str | None = None


@dataclass(frozen=True)
class Preview:
    """The sheet read with a mapping."""

    file_name: str
    sheet: str
    kind: str
    header_row: int
    titles: tuple[str, ...]
    columns: Mapping[int, str]
    rows: tuple[RowResult, ...]
    empty_rows: int
    unknown_values: tuple[UnknownValue, ...] = ()
    encoding: str = ""
    delimiter: str = ""
    repeated: Mapping[int, int] = field(default_factory=dict)

    @property
    def valid(self) -> tuple[RowResult, ...]:
        return tuple(r for r in self.rows if r.ok)

    @property
    def invalid(self) -> tuple[RowResult, ...]:
        return tuple(r for r in self.rows if not r.ok)

    @property
    def problems(self) -> tuple[Problem, ...]:
        return tuple(p for r in self.rows for p in r.problems)

    @property
    def blocking(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.blocking)

    def column_of(self, field_name: str) -> str:
        """The letter of the (first) column mapped to ``field_name``, or ``""``."""
        cols = sorted(c for c, f in self.columns.items() if f == field_name)
        return column_letter(cols[0]) if cols else ""


_ROWS_LISTED = 5


@dataclass
class _Seen:
    match: Match
    count: int = 0
    rows: list[int] = field(default_factory=list)


def _context(
    table: Table,
    mapping: ImportMapping,
    catalog: ReferenceCatalog,
    columns: dict[int, str],
    users: Mapping[str, str],
    language: str,
) -> RowContext:
    first = mapping.header_row
    orders: dict[int, DateOrder | None] = {}
    for col, name in columns.items():
        if BY_NAME[name].kind in (Kind.DATE, Kind.BIRTH):
            values: list[Cell] = [row[col] for row in table.rows[first:]]
            orders[col] = mapping.date_order or column_order(values)
    matchers = {
        spec.name: ReferenceMatcher(catalog, spec.reference, mapping.values.get(spec.name))
        for spec in BY_NAME.values()
        if spec.kind is Kind.CODE
    }
    return RowContext(
        catalog=catalog,
        mapping=mapping,
        titles=column_titles(table, mapping.header_row, mapping.header_rows),
        matchers=matchers,
        lawyers=Lawyers(users, mapping.values.get("lawyer", {})),
        orders=orders,
        today=today(),
        language=language,
    )


def build_preview(
    table: Table,
    mapping: ImportMapping,
    catalog: ReferenceCatalog,
    users: Mapping[str, str],
    *,
    language: str | None = None,
) -> Preview:
    """Read every row of ``table`` after its header with ``mapping``.

    Args:
        table: The sheet.
        mapping: A checked mapping (:func:`~.mapping.validated`).
        catalog: The store's reference data.
        users: The users a case can be assigned to: user name → full name.
        language: Of the labels shown (the current one by default).

    Raises:
        MappingRejected: The mapping's columns do not fit the sheet
            (:func:`~.mapping.resolve_columns`).
    """
    columns = resolve_columns(mapping, table)
    ctx = _context(table, mapping, catalog, columns, users, language or current_language())
    results: list[RowResult] = []
    unknown: dict[tuple[str, str], _Seen] = {}
    clients: dict[tuple[str, str, int | None, str], int] = {}
    full_rows: dict[tuple[object, ...], int] = {}
    repeated: dict[int, int] = {}
    empty = 0
    for index in range(max(0, mapping.header_row), len(table.rows)):
        cells = table.rows[index]
        by_field: dict[str, list[tuple[int, Cell]]] = {}
        for col, name in sorted(columns.items()):
            by_field.setdefault(name, []).append((col, cells[col]))
        if all(blank(v) for pairs in by_field.values() for _c, v in pairs):
            empty += 1
            continue
        reader = RowReader(ctx, index + 1, by_field)
        client, consent = reader.client()
        case = reader.case() if reader.has_case() else None
        same = None
        if client is not None:
            key = client_key(client)
            if key[2] is not None or key[3]:  # a name alone is asked about, not assumed
                same = clients.setdefault(key, index + 1)
            whole = (*key, _case_key(case))
            first = full_rows.setdefault(whole, index + 1)
            if first != index + 1:
                repeated[index + 1] = first
                reader.problems.append(
                    Problem(
                        index + 1,
                        "",
                        "",
                        "",
                        _(
                            "This row repeats row {row}: it would import the same client twice."
                        ).format(row=first),
                        _("delete the repeated row"),
                    )
                )
        for found in reader.unknown:
            seen = unknown.setdefault((found.field, found.value), _Seen(found.match))
            seen.count += 1
            if len(seen.rows) < _ROWS_LISTED:
                seen.rows.append(index + 1)
        results.append(
            RowResult(
                row=index + 1,
                client=client,
                consent=consent,
                case=case,
                shown=dict(reader.shown),
                problems=tuple(reader.problems),
                same_client_as=same if same is not None and same != index + 1 else None,
                raw=dict(reader.raw_shown),
            )
        )
    return Preview(
        file_name=table.file_name,
        sheet=table.sheet,
        kind=table.kind,
        header_row=mapping.header_row,
        titles=tuple(ctx.titles),
        columns=columns,
        rows=tuple(results),
        empty_rows=empty,
        unknown_values=tuple(
            UnknownValue(
                field=name,
                value=value,
                count=seen.count,
                rows=tuple(seen.rows),
                candidates=seen.match.candidates,
                suggestion=seen.match.suggestion,
            )
            for (name, value), seen in unknown.items()
        ),
        encoding=table.encoding,
        delimiter=table.delimiter,
        repeated=repeated,
    )

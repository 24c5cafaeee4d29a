"""Figures for the network's management and for donors (issue 18, docs/statistics.md).

:meth:`StatisticsService.figures` counts one measure over a period, broken down by up to two
dimensions, with the previous period of equal length beside it. The counting is one SQL
``GROUP BY`` per period (:mod:`.statistics_sql`); Python only folds small institutions into
"other", adds the zero months of a month breakdown, orders the rows and suppresses small cells.

Who sees what: managers, administrators and HQ analysts (:attr:`Permission.VIEW_STATISTICS`)
see every figure of their store; a lawyer sees only their own (their consultations, the cases
assigned to them): asking for another lawyer's figures is refused, and audited.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from legalaid_desktop.domain.errors import InputRejected, PermissionDenied
from legalaid_desktop.domain.roles import Permission
from legalaid_desktop.fsutil import atomic_write
from legalaid_desktop.i18n import _, current_language
from legalaid_desktop.i18n.dates import now_baku
from legalaid_desktop.i18n.formatting import format_datetime, month_names
from legalaid_desktop.services.eligible import KeptEligible, select_eligible
from legalaid_desktop.services.people import People
from legalaid_desktop.services.statistics_sql import (
    Grouped,
    Statement,
    figure_sql,
    grouped,
    period_params,
)
from legalaid_desktop.services.workspace import Workspace
from legalaid_desktop.statistics import export
from legalaid_desktop.statistics.definitions import (
    NOT_APPLICABLE,
    NOT_REFERRED,
    NOT_STATED,
    OTHER,
    SPECIAL_LABELS,
    TIME_DIMENSIONS,
    YOUTH,
    AgeBands,
    Dimension,
    check_applies,
)
from legalaid_desktop.statistics.periods import Period
from legalaid_desktop.statistics.query import FigureQuery, Filters
from legalaid_desktop.statistics.suppression import suppress
from legalaid_desktop.statistics.table import FigureRow, FigureTable
from legalaid_desktop.statistics.writers import csv_bytes, write_xlsx
from legalaid_desktop.store.models import Campaign, Node
from legalaid_desktop.text.casing import az_title

_CATALOG_KINDS: dict[Dimension, str] = {
    Dimension.GENDER: "genders",
    Dimension.REGION: "regions",
    Dimension.LEGAL_AREA: "legal_areas",
    Dimension.CORRUPTION_SECTOR: "corruption_sectors",
    Dimension.CORRUPTION_CONDUCT: "corruption_conduct",
    Dimension.OUTCOME: "outcomes",
    Dimension.DISPLACEMENT: "displacement",
    Dimension.DISABILITY: "disability",
    Dimension.CONSULTATION_MODE: "consultation_modes",
    Dimension.SATISFACTION: "satisfaction",
    Dimension.CLIENT_KIND: "client_kinds",
    Dimension.REFERRED_TO: "referral_bodies",
    Dimension.GRANT_CODE: "grant_codes",
}
_SPECIAL_RANK = {OTHER: 1, NOT_REFERRED: 1, NOT_APPLICABLE: 2, NOT_STATED: 3}


_T = TypeVar("_T")

_KEPT = "statistics_kept_eligible"
"""The key, in a read's ``Session.info``, of the service's :class:`KeptEligible`."""

_MEMO = "statistics_memo"
"""The key, in a read's ``Session.info``, of the results of the statements it ran (one report)."""


def _fetch_figure(s: Session, statement: Statement, params: Mapping[str, Any]) -> Grouped:
    """A figure's rows, added up, once per read (:func:`_memo`)."""

    def run() -> Grouped:
        keys: frozenset[Any] = frozenset()
        if statement.eligible_only:
            keys = _eligible(s, params["end"])
        cursor = s.connection().connection.cursor()  # the DB-API's: plain tuples, no Row each
        try:
            return grouped(statement, cursor.execute(statement.sql, dict(params)), keys)
        finally:
            cursor.close()

    # the consent rule is applied in Python: it is part of what the rows are
    memo_key = f"{statement.sql} -- eligible only" if statement.eligible_only else statement.sql
    return _memo(s, memo_key, params, run)


def _eligible(s: Session, end: str) -> frozenset[str]:
    """The ids of the clients whose consent covers anonymized statistics on ``end``
    (``services.eligible``), selected once a read, and kept between the reads of the service
    while the consents are unchanged."""
    kept: KeptEligible | None = s.info.get(_KEPT)
    return _memo(s, "eligible", {"end": end}, lambda: select_eligible(s, end, kept))


def _memo(s: Session, sql: str, params: Mapping[str, Any], run: Callable[[], _T]) -> _T:
    """``run()``, or within :meth:`StatisticsService.figures_many` its result for the same
    statement (text and values) if that already ran in this read."""
    memo: dict[tuple[str, tuple[tuple[str, Any], ...]], Any] | None = s.info.get(_MEMO)
    if memo is None:
        return run()
    key = (sql, tuple(sorted(params.items())))
    if key not in memo:
        memo[key] = run()
    return memo[key]


_PLAN = "statistics_plan"
"""The key, in a read's ``Session.info``, of the dimensions each group of figures of one
measure and filters is counted by (:meth:`StatisticsService.figures_many`)."""


def _plan_key(query: FigureQuery, filters: Filters, period: Period) -> tuple[Any, ...]:
    """What figures must share to be counted by one statement: all but the breakdown."""
    return (query.measure, filters, query.anonymized, query.bands, period.start, period.end)


def _project(
    rows: Iterable[Any], counted: tuple[Dimension, ...], by: tuple[Dimension, ...]
) -> Iterable[Any]:
    """Rows grouped by ``counted`` (codes, then the value and the count) added up by ``by``."""
    if counted == by:
        return rows
    at = [counted.index(d) for d in by]
    width = len(counted)
    sums: dict[tuple[Any, ...], list[int]] = {}
    for row in rows:
        got = sums.setdefault(tuple(row[i] for i in at), [0, 0])
        got[0] += int(row[width])
        got[1] += int(row[width + 1])
    return [(*key, value, count) for key, (value, count) in sums.items()]


def _person(code: str) -> tuple[str, str]:
    """``(node, user name)`` of a ``lawyer`` code: ``leyla@GNJ`` is GNJ's, ``leyla`` this
    node's (``""``); ``@`` never occurs in a user name (``domain.roster.person_key``)."""
    username, _at, node = code.partition("@")
    return node, username


def _month_label(code: str, lang: str) -> str:
    """A month's row label: ``2026-02`` → ``Fevral 2026``, ``Февраль 2026``, ``February 2026``
    (the code stays in JSON, which scripts read)."""
    year_, _sep, month = code.partition("-")
    if not (year_.isdigit() and month.isdigit() and 1 <= int(month) <= 12):
        return code
    return f"{az_title(month_names(lang)[int(month) - 1])} {year_}"


class StatisticsService:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.kept_eligible = KeptEligible()

    def _scope(self, filters: Filters) -> Filters:
        """``filters`` as the actor may see them: a lawyer's narrowed to their own figures.

        Raises:
            PermissionDenied: A lawyer asked for another lawyer's figures, or the role sees no
                figures at all (audited).
        """
        if self.ws.actor.can(Permission.VIEW_STATISTICS):
            return filters
        me = self.ws.actor.username
        if not self.ws.actor.can(Permission.VIEW_CASES):
            self.ws.require(Permission.VIEW_STATISTICS, "statistics")
        if filters.lawyer not in (None, me):
            raise self.ws.refuse(
                PermissionDenied(
                    _("You see only your own figures: another lawyer's need a manager's role.")
                ),
                "statistics",
                details={"permission": Permission.VIEW_STATISTICS.value},
            )
        return Filters(filters.center, filters.region, filters.legal_area, me, filters.campaign)

    def figures(self, query: FigureQuery) -> FigureTable:
        """Count ``query`` (see the module's docstring).

        Raises:
            InputRejected: A dimension that does not break the measure down.
            PermissionDenied: See :meth:`_scope`.
        """
        return self.figures_many([query])[0]

    def figures_many(self, queries: Sequence[FigureQuery]) -> list[FigureTable]:
        """Count several figures in one read (a report of many tables), as :meth:`figures`.

        The anonymized ones share the consent rule: the eligible clients of each period end
        are selected once a read, instead of once per statement. The figures of one measure
        over the same filters are counted by one statement grouped by every dimension they
        use, each figure adding up its own dimensions from it (the rows are the same: a client
        served counts once, with their first consultation's values, whatever the breakdown). A
        statement that several figures share runs once per read.
        """
        for query in queries:
            check_applies(query.measure, query.by)
        scoped = [(query, self._scope(query.filters)) for query in queries]
        plan: dict[tuple[Any, ...], tuple[Dimension, ...]] = {}
        for query, filters in scoped:
            periods = [query.period, query.period.previous()] if query.previous else [query.period]
            for period in periods:
                key = _plan_key(query, filters, period)
                plan[key] = tuple(dict.fromkeys([*plan.get(key, ()), *query.by]))
        with self.ws.read() as s:
            s.info[_MEMO] = {}
            s.info[_PLAN] = plan
            s.info[_KEPT] = self.kept_eligible
            try:
                return [self._figure(s, q, f) for q, f in scoped]
            finally:
                s.info.pop(_MEMO, None)
                s.info.pop(_PLAN, None)
                s.info.pop(_KEPT, None)

    def _figure(self, s: Session, query: FigureQuery, filters: Filters) -> FigureTable:
        lang = query.lang or current_language()
        table = self._count(s, query, query.period, filters)
        previous = (
            self._count(s, query, query.period.previous(), filters, left_out=False)
            if query.previous
            else None
        )
        labels = self._labels(s, query, table, previous, lang)
        order = {d.value: self._order(d, query, labels) for d in query.by}
        labels = {  # in display order, as the rows
            dim: dict(sorted(names.items(), key=lambda kv, k=order[dim]: k(kv[0])))  # type: ignore[misc]
            for dim, names in labels.items()
        }

        def finish(t: FigureTable) -> FigureTable:
            rows = sorted(
                t.rows,
                key=lambda r: [order[d.value](c) for d, c in zip(query.by, r.codes, strict=True)],
            )
            return _replace(t, rows=tuple(rows), labels=labels)

        done = finish(table)
        return _replace(done, previous=finish(previous) if previous is not None else None)

    # -- counting -----------------------------------------------------------------------------

    def _count(
        self,
        s: Session,
        query: FigureQuery,
        period: Period,
        filters: Filters,
        *,
        left_out: bool = True,
    ) -> FigureTable:
        """The figure over ``period``; with ``left_out=False`` (the previous period beside a
        figure, whose left-out clients nobody reports) its ``left_out`` is not counted (0)."""
        params: dict[str, Any] = period_params(period)
        counted = s.info.get(_PLAN, {}).get(_plan_key(query, filters, period), query.by)
        statement = figure_sql(
            query.measure,
            counted,
            query.bands,
            filters,
            eligible_only=query.anonymized,
            node=self.ws.node_code,
        )
        width = len(query.by)
        cells: dict[tuple[str, ...], list[int]] = {}
        fetched = _fetch_figure(s, statement, {**params, **statement.params})
        for row in _project(fetched.rows, counted, query.by):
            key = tuple(_stated(c) for c in row[:width])
            got = cells.setdefault(key, [0, 0])  # '' and NULL meet under not_stated
            got[0] += int(row[width])
            got[1] += int(row[width + 1])
        if query.recorded_only:  # e.g. only the cases that recorded a satisfaction
            cells = {k: v for k, v in cells.items() if NOT_STATED not in k}
        if width == 0:
            value, count = cells.pop((), [0, 0])
            cells = {(): [value, count]} if count else {}
        cells = _fold_institutions(cells, query.by, query.institution_top)
        cells = _zero_months(cells, query.by, period)
        left_out_n = 0
        if query.anonymized and left_out:
            assert fetched.clients is not None and fetched.eligible_clients is not None
            left_out_n = fetched.clients - fetched.eligible_clients
        rows = tuple(FigureRow(k, v, n) for k, (v, n) in cells.items() if width)
        total = sum(v for v, _n in cells.values())
        total_count = sum(n for _v, n in cells.values())
        youth, youth_hidden = self._youth(s, query, filters, params, cells)
        hidden: frozenset[Any] = frozenset()
        if query.anonymized:
            hidden = frozenset(suppress({k: n for k, (_v, n) in cells.items()}, width))
            if youth is not None:
                # youth adds up the youth bands' figures (their margins in a cross table)
                i = query.by.index(Dimension.AGE_BAND)
                kind = "cell" if width == 1 else ("row", "col")[i]
                bands_hidden = any(
                    (kind, k if width == 1 else k[i]) in hidden
                    for k in cells
                    if _band_in_youth(k, query)
                )
                youth_hidden = 1 <= youth <= 4 or bands_hidden
        return FigureTable(
            measure=query.measure,
            by=query.by,
            period=period,
            rows=rows,
            total=total,
            total_count=total_count,
            anonymized=query.anonymized,
            left_out=left_out_n,
            hidden=hidden,
            youth=youth,
            youth_hidden=youth_hidden,
            bands=query.bands,
            filters=filters.items(),
        )

    def _youth(
        self,
        s: Session,
        query: FigureQuery,
        filters: Filters,
        params: Mapping[str, Any],
        cells: Mapping[tuple[str, ...], list[int]],
    ) -> tuple[int | None, bool]:
        """The figure for ages 14 to 29, with an age-band breakdown (from the bands when they
        split at 14 and 30, else counted apart)."""
        if Dimension.AGE_BAND not in query.by:
            return None, False
        lower = set(query.bands.lower)
        if {YOUTH[0], YOUTH[1] + 1} <= lower:
            return sum(v for k, (v, _n) in cells.items() if _band_in_youth(k, query)), False
        youth_bands = AgeBands((0, YOUTH[0], YOUTH[1] + 1))
        statement = figure_sql(
            query.measure,
            (Dimension.AGE_BAND,),
            youth_bands,
            filters,
            eligible_only=query.anonymized,
        )
        fetched = _fetch_figure(s, statement, {**params, **statement.params})
        got = {r[0]: int(r[1]) for r in fetched.rows}
        return got.get(f"{YOUTH[0]}-{YOUTH[1]}", 0), False

    # -- labels and order ---------------------------------------------------------------------

    def _labels(
        self,
        s: Session,
        query: FigureQuery,
        table: FigureTable,
        previous: FigureTable | None,
        lang: str,
    ) -> dict[str, dict[str, str]]:
        codes: dict[Dimension, set[str]] = {d: set() for d in query.by}
        for t in (table, previous):
            for row in t.rows if t is not None else ():
                for d, c in zip(query.by, row.codes, strict=True):
                    codes[d].add(c)
        catalog = self.ws.catalog()
        out: dict[str, dict[str, str]] = {}
        for dim, found in codes.items():
            names: dict[str, str] = {}
            if dim in _CATALOG_KINDS and _CATALOG_KINDS[dim] in catalog:
                ref = catalog[_CATALOG_KINDS[dim]]
                names = {c: ref.label(c, lang) for c in found}
            elif dim is Dimension.CENTER:
                query_ = select(Node.code, Node.name).where(Node.code.in_(found))
                names = {code: name for code, name in s.execute(query_)}
            elif dim is Dimension.CAMPAIGN:
                query_ = select(Campaign.id, Campaign.title).where(Campaign.id.in_(found))
                names = {code: title for code, title in s.execute(query_)}
            elif dim is Dimension.MONTH:
                names = {c: _month_label(c, lang) for c in found}
            elif dim is Dimension.LAWYER and not query.anonymized:
                # the code is the user name of this node's lawyer, ``username@NODE`` of
                # another node's (statistics_sql.lawyer_code): named by the one resolver
                people = {code: _person(code) for code in found}
                named = People.load(s, self.ws.node_code, people.values())
                names = {code: named.name(user, node) for code, (node, user) in people.items()}
            for code, label in SPECIAL_LABELS.items():
                # "other" is a legal area's code too: it means the folded rest only here
                if code in found and (code != OTHER or dim is Dimension.INSTITUTION):
                    names[code] = _(label)
            out[dim.value] = {c: names.get(c, c) for c in sorted(found)}
        return out

    def _order(
        self, dim: Dimension, query: FigureQuery, labels: Mapping[str, Mapping[str, str]]
    ) -> Any:
        catalog = self.ws.catalog()
        position: dict[str, int] = {}
        if dim is Dimension.AGE_BAND:
            position = {c: i for i, c in enumerate(query.bands.codes)}
        elif dim in _CATALOG_KINDS and _CATALOG_KINDS[dim] in catalog:
            position = {c: i for i, c in enumerate(catalog[_CATALOG_KINDS[dim]].codes())}
        names = labels.get(dim.value, {})

        def key(code: str) -> tuple[int, int, str]:
            if dim in TIME_DIMENSIONS:
                return (0, 0, code)
            return (
                _SPECIAL_RANK.get(code, 0),
                position.get(code, len(position)),
                names.get(code, code),
            )

        return key

    # -- files ----------------------------------------------------------------------------------

    def export(self, table: FigureTable, path: Path, fmt: str) -> int:
        """Write ``table`` to ``path`` as ``xlsx``, ``csv`` or ``json``, whole or not at all,
        and audit it (measure, format, anonymized, rows, where; figures hold no names, see
        docs/store-security.md). Labels are in the current language; so is the CSV separator.

        Returns:
            The number of rows written (the table's rows, without the total).

        Raises:
            InputRejected: An unknown format, or the file cannot be written there (nothing is
                left behind).
        """
        self.ws.check_destination(path)
        lang = current_language()
        try:
            if fmt == "xlsx":
                made = format_datetime(now_baku())
                write_xlsx(
                    path,
                    export.sheets(table),
                    export.parameters(table, made),
                    parameters_title=_("Parameters"),
                )
            elif fmt == "csv":
                atomic_write(path, csv_bytes(export.long_sheet(table), lang))
            elif fmt == "json":
                text_ = json.dumps(table.document(), ensure_ascii=False, indent=2) + "\n"
                atomic_write(path, text_.encode("utf-8"))
            else:
                raise InputRejected(
                    _("Unknown format '{format}': choose csv, xlsx or json.").format(format=fmt)
                )
        except OSError as exc:
            raise InputRejected(
                _("Cannot write {file}: {reason}").format(file=path, reason=exc.strerror or exc)
            ) from None
        with self.ws.write() as s:
            self.ws.audit(
                s,
                "statistics_exported",
                details={
                    "measure": table.measure.value,
                    "by": [d.value for d in table.by],
                    "from": table.period.start.isoformat(),
                    "to": table.period.end.isoformat(),
                    "format": fmt,
                    "anonymized": table.anonymized,
                    "rows": len(table.rows),
                    "file": str(path),
                },
            )
        return len(table.rows)


def _stated(value: object) -> str:
    """A grouped value as a code: an empty or missing one is ``not_stated``."""
    if value is None:
        return NOT_STATED
    code = str(value).strip()
    return code or NOT_STATED


def _replace(t: FigureTable, **changes: Any) -> FigureTable:
    from dataclasses import replace

    return replace(t, **changes)


def _band_in_youth(key: tuple[str, ...], query: FigureQuery) -> bool:
    code = key[query.by.index(Dimension.AGE_BAND)]
    if code not in query.bands.codes:
        return False
    low = query.bands.lower[query.bands.codes.index(code)]
    return YOUTH[0] <= low <= YOUTH[1]


def _fold_institutions(
    cells: dict[tuple[str, ...], list[int]], by: tuple[Dimension, ...], top: int
) -> dict[tuple[str, ...], list[int]]:
    """Institutions below the ``top`` largest (by value over the whole table) become "other"."""
    if Dimension.INSTITUTION not in by:
        return cells
    i = by.index(Dimension.INSTITUTION)
    sizes: Counter[str] = Counter()
    for key, (value, _n) in cells.items():
        if key[i] not in (NOT_STATED, NOT_APPLICABLE):
            sizes[key[i]] += value
    kept = {c for c, _v in sorted(sizes.items(), key=lambda kv: (-kv[1], kv[0]))[:top]}
    out: dict[tuple[str, ...], list[int]] = {}
    for key, (value, n) in cells.items():
        code = key[i] if key[i] in kept or key[i] in (NOT_STATED, NOT_APPLICABLE) else OTHER
        new = (*key[:i], code, *key[i + 1 :])
        got = out.setdefault(new, [0, 0])
        got[0] += value
        got[1] += n
    return out


def _zero_months(
    cells: dict[tuple[str, ...], list[int]], by: tuple[Dimension, ...], period: Period
) -> dict[tuple[str, ...], list[int]]:
    """A breakdown by month, quarter or year alone lists every one of the period, zeros too."""
    if len(by) != 1 or by[0] not in TIME_DIMENSIONS:
        return cells
    every: Iterable[str] = {
        Dimension.MONTH: period.months,
        Dimension.QUARTER: period.quarters,
        Dimension.YEAR: period.years,
    }[by[0]]()
    return {**{(c,): [0, 0] for c in every}, **cells}

"""The SQL of the figures (docs/statistics.md): one statement per figure, built from fixed
fragments (never from user text: codes go in as bound parameters), and the adding up of its rows.

Every measure is a set of *base rows* (see :func:`_source`): one per consultation, read from
``consultation_figures`` (``f``: the consultation with its case's, corruption details' and
client's values, kept by triggers), or one per case or client with the client (``cl``), the
case (``ca``) and the corruption details (``cd``, left-joined) in scope. The statement gives
each base row its dimension codes and its value; :func:`grouped` adds them up (see
:func:`figure_sql` for why not SQLite). Tombstoned rows (``deleted_hlc``) are never counted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any

from legalaid_desktop.domain.cases import ConsentPurpose
from legalaid_desktop.i18n.dates import BAKU
from legalaid_desktop.statistics.definitions import (
    NOT_APPLICABLE,
    NOT_REFERRED,
    AgeBands,
    Dimension,
    Measure,
)
from legalaid_desktop.statistics.periods import Period
from legalaid_desktop.statistics.query import Filters

# Each table is read through its covering index (store/models/cases.py, the ``*_stats`` indexes:
# the columns a figure reads, ``deleted_hlc`` included), never through its wide encrypted rows.
# SQLite's planner, which has no statistics in these stores, would take the primary key's index
# for a lookup by id and then read the row: ``INDEXED BY`` names the covering one (a tenth of
# the time at HQ scale, docs/statistics.md "Speed").
_CLIENT = (
    "JOIN clients cl INDEXED BY ix_clients_stats ON cl.id = ca.client_id AND cl.deleted_hlc IS NULL"
)
_CORRUPTION = "LEFT JOIN corruption_details cd ON cd.case_id = ca.id AND cd.deleted_hlc IS NULL"
_FIRST_REFERRAL = (
    "(SELECT r.body FROM referrals r INDEXED BY ix_referrals_live_first "
    "WHERE r.case_id = ca.id AND r.deleted_hlc IS NULL ORDER BY r.referred_on, r.id LIMIT 1)"
)
"""The body of the case's first live referral (the earliest day, then the smallest id), or NULL:
one probe of a covering index per case (``store.consultation_figures.FIRST_REFERRAL`` is the
same rule for the figures table)."""
_BAKU_OFFSET = "'+4 hours'"  # i18n.dates.BAKU: UTC+4 all year (no summer time since 2016)
assert BAKU.utcoffset(None) == timedelta(hours=4)


_TABLES: dict[str, str] = {
    "client": "cl.id",
    "gender": "cl.gender",
    "birth_year": "cl.birth_year",
    "region": "cl.region",
    "displacement": "cl.displacement",
    "disability": "cl.disability",
    "referral_source": "cl.referral_source",
    "kind": "cl.kind",
    "legal_area": "ca.legal_area",
    "outcome": "ca.outcome",
    "campaign": "ca.campaign_id",
    "no_corruption": "cd.id IS NULL",
    "sector": "cd.sector",
    "conduct": "cd.conduct",
    "institution": "cd.institution",
    "satisfaction": "ca.satisfaction",
    "grant_code": "ca.grant_code",
    "case": "ca.id",  # NULL: a new client without a case
    "referred_to": _FIRST_REFERRAL,
    "mode": "co.mode",
}
"""A base row's values, read from the tables (``cl``, ``ca``, ``cd``, ``co`` in scope)."""

_FIGURES: dict[str, str] = {
    **{name: f"f.{name}" for name in _TABLES},
    "campaign": "f.campaign_id",
    "client": "f.client_id",
    "kind": "f.client_kind",
    "no_corruption": "NOT f.corruption",
    "case": "f.id",  # a consultation always has its case
}
"""A base row's values, read from ``consultation_figures`` (``f``, store/models/figures.py)."""


@dataclass(frozen=True)
class _Source:
    body: str  # FROM ... WHERE ... (the base rows in the period)
    event: str | None  # the day of the base row (for month / quarter / year)
    lawyer: str
    center: str
    value: str
    columns: dict[str, str] = field(default_factory=lambda: _TABLES)
    first_per_client: bool = False  # a client counts once, with their first base row's values
    order: str = ""  # first_per_client: the base rows' order (the earliest first)
    lawyer_node: str = ""  # SQL of the node whose user ``lawyer`` is ("": not known)


_CORRUPTION_DIMENSIONS = frozenset(
    {
        Dimension.CORRUPTION_SECTOR,
        Dimension.CORRUPTION_CONDUCT,
        Dimension.INSTITUTION,
    }
)
_CASE_DIMENSIONS = _CORRUPTION_DIMENSIONS | {
    Dimension.SATISFACTION,
    Dimension.REFERRED_TO,
    Dimension.GRANT_CODE,
    Dimension.LEGAL_AREA,
    Dimension.OUTCOME,
    Dimension.CAMPAIGN,
    Dimension.LAWYER,
}
_CASE_FILTERS = frozenset({"legal_area", "lawyer", "campaign"})

# The consultations of the period, each with its case's, corruption details' and client's
# values in the same narrow row (``consultation_figures``, kept by triggers), read as one range
# of its primary key: no lookup by id per consultation (docs/statistics.md "Speed").
_CONSULTATIONS = "FROM consultation_figures f WHERE f.held_on BETWEEN :start AND :end"


_ASSIGNED: dict[str, Any] = {
    "lawyer_node": "COALESCE(substr(json_extract(ca.clocks, '$.assignment'), 17), ca.origin_node)"
}
"""A case's lawyer is a user of the node that last assigned the case (the node of the stamp of
its ``assignment`` group: 12 hex digits of time, 4 of counter, then the node), else of the node
that opened it (``services.people.author_node``): a case transferred from GNJ to QBA keeps GNJ's
lawyer until QBA assigns one of its own."""


def lawyer_code(src: _Source, node: str) -> str:
    """The ``lawyer`` dimension's code: the user name for a user of this node (``node``), and
    ``username@NODE`` (``domain.roster.person_key``) for another node's, so that namesakes of two
    centers are two rows, each named by the user roster (``services.people``). The string is
    built only for the rows of another node's lawyer (an allocation each, memory security)."""
    if not node or not src.lawyer_node:
        return src.lawyer
    theirs = f"COALESCE({src.lawyer_node}, :lawyer_node)"
    return (
        f"CASE WHEN {theirs} = :lawyer_node THEN {src.lawyer} "
        f"ELSE {src.lawyer} || '@' || {theirs} END"
    )


def _source(
    measure: Measure, by: tuple[Dimension, ...] = (), filters: Filters | None = None
) -> _Source:
    """The base rows of ``measure``, joining only what ``by`` and ``filters`` read: the
    corruption details for their dimensions, a new client's first case for a case value."""
    corruption = _CORRUPTION if _CORRUPTION_DIMENSIONS & set(by) else ""
    case_values = bool(_CASE_DIMENSIONS & set(by)) or bool(
        filters is not None and _CASE_FILTERS & set(filters.items())
    )
    opened = f"FROM cases ca INDEXED BY ix_cases_live_stats_opened {_CLIENT} {corruption}"
    opened += " WHERE ca.deleted_hlc IS NULL"
    if measure in _OVER_CONSULTATIONS:
        return _Source(
            _CONSULTATIONS,
            "f.held_on",
            "f.lawyer",
            # where the consultation was given, and its lawyer a user of that node: a case
            # transferred from GNJ to QBA keeps GNJ's consultations under GNJ
            "f.given_at",
            "f.minutes" if measure is Measure.CONSULTATION_MINUTES else "1",
            _FIGURES,
            first_per_client=measure is Measure.CLIENTS_SERVED,
            order="f.held_on, f.id",  # the earliest day, then the smallest id
            lawyer_node="f.given_at",
        )
    if measure is Measure.CASES_OPENED:
        body = f"{opened} AND ca.opened_on BETWEEN :start AND :end"
        return _Source(
            body, "ca.opened_on", "ca.assigned_lawyer", "ca.owner_node", "1", **_ASSIGNED
        )
    if measure is Measure.CASES_CLOSED:
        body = (
            f"FROM cases ca INDEXED BY ix_cases_live_stats_closed {_CLIENT} {corruption} "
            "WHERE ca.deleted_hlc IS NULL AND ca.closed_on BETWEEN :start AND :end"
        )
        return _Source(
            body, "ca.closed_on", "ca.assigned_lawyer", "ca.owner_node", "1", **_ASSIGNED
        )
    if measure is Measure.OPEN_CASES:
        body = (
            f"{opened} AND ca.opened_on <= :end AND (ca.closed_on IS NULL OR ca.closed_on > :end)"
        )
        return _Source(body, None, "ca.assigned_lawyer", "ca.owner_node", "1", **_ASSIGNED)
    # new clients: the day of intake in Baku; case values from the client's first case
    first_case = (
        "LEFT JOIN cases ca INDEXED BY ix_cases_stats ON ca.id = (SELECT c2.id FROM cases c2 "
        "INDEXED BY ix_cases_live_stats_first "
        "WHERE c2.client_id = cl.id AND c2.deleted_hlc IS NULL "
        f"ORDER BY c2.opened_on, c2.number LIMIT 1) {corruption}"
        if case_values
        else ""
    )
    body = (
        f"FROM clients cl INDEXED BY ix_clients_live_stats_created {first_case} "
        "WHERE cl.deleted_hlc IS NULL AND cl.created_at >= :start_utc AND cl.created_at < :end_utc"
    )
    return _Source(
        body,
        f"date(cl.created_at, {_BAKU_OFFSET})",
        "ca.assigned_lawyer",
        "cl.node_code",
        "1",
        **_ASSIGNED,
    )


_OVER_CONSULTATIONS = frozenset(
    {Measure.CONSULTATIONS, Measure.CONSULTATION_MINUTES, Measure.CLIENTS_SERVED}
)


def _stated(expr: str) -> str:
    """The plain column: an empty or missing value becomes ``not_stated`` after the GROUP BY,
    on the grouped rows (``services.statistics._stated``), which costs half the time of
    ``COALESCE(NULLIF(TRIM(...)))`` evaluated on every base row (bench/bench_reports.py)."""
    return expr


def dimension_sql(dim: Dimension, src: _Source, bands: AgeBands, node: str = "") -> str:
    """The SQL expression of ``dim``'s code for one base row (``node``: this store's node
    code, which tells this node's lawyers from another's, :func:`lawyer_code`)."""
    event = src.event or "NULL"
    col = src.columns

    def corruption(expr: str) -> str:
        return f"CASE WHEN {col['no_corruption']} THEN '{NOT_APPLICABLE}' ELSE {_stated(expr)} END"

    def person(expr: str) -> str:
        # an organization or initiative group has no gender nor age (PERSON_DIMENSIONS); a
        # client stored before kinds existed is a person (``kind`` NULL is not "<> 'person'")
        return f"CASE WHEN {col['kind']} <> 'person' THEN '{NOT_APPLICABLE}' ELSE {expr} END"

    fixed: dict[Dimension, str] = {
        Dimension.GENDER: person(_stated(col["gender"])),
        Dimension.AGE_BAND: person(bands.sql_case(f"(:age_year - {col['birth_year']})")),
        Dimension.CLIENT_KIND: _stated(col["kind"]),
        Dimension.REGION: _stated(col["region"]),
        Dimension.CENTER: _stated(src.center),
        Dimension.LEGAL_AREA: _stated(col["legal_area"]),
        Dimension.CORRUPTION_SECTOR: corruption(col["sector"]),
        Dimension.CORRUPTION_CONDUCT: corruption(col["conduct"]),
        Dimension.INSTITUTION: corruption(col["institution"]),
        Dimension.OUTCOME: _stated(col["outcome"]),
        Dimension.DISPLACEMENT: _stated(col["displacement"]),
        Dimension.DISABILITY: _stated(col["disability"]),
        Dimension.CONSULTATION_MODE: _stated(col["mode"]),
        Dimension.HEARD_FROM: _stated(col["referral_source"]),
        Dimension.CAMPAIGN: f"COALESCE({col['campaign']}, '{NOT_APPLICABLE}')",
        Dimension.LAWYER: _stated(lawyer_code(src, node)),
        # recorded at the closing of every case (a ``satisfaction`` code), not only ALAC's
        Dimension.SATISFACTION: _stated(col["satisfaction"]),
        # the body of the case's first referral; a case never referred is its own row, a new
        # client without a case has none (not stated)
        Dimension.REFERRED_TO: f"CASE WHEN {col['case']} IS NULL THEN NULL "
        f"ELSE COALESCE({col['referred_to']}, '{NOT_REFERRED}') END",
        Dimension.GRANT_CODE: _stated(col["grant_code"]),
        Dimension.MONTH: f"substr({event}, 1, 7)",
        # the month: its quarter is made of it after grouping (:data:`_AFTER`), since a string
        # built in SQL for every row is an allocation each (memory security)
        Dimension.QUARTER: f"substr({event}, 1, 7)",
        Dimension.YEAR: f"substr({event}, 1, 4)",
    }
    return fixed[dim]


def _has_purpose(alias: str, purpose: str) -> str:
    """Whether the consent's JSON list of purpose codes holds ``purpose``.

    ``instr`` on the quoted code, not ``json_each``: the list is written by the services as a
    JSON array of plain codes (no code contains another's quoted form nor a character JSON
    escapes), so the quoted code occurs exactly when it is an element; and ``json_each`` costs
    about a hundred times more per row in this SQLite build.
    """
    return f"instr({alias}.purposes, '\"{purpose}\"') > 0"


def _consents(alias: str, *conditions: str) -> str:
    """The live consents (read from their covering index) meeting ``conditions``."""
    where = " AND ".join([f"{alias}.deleted_hlc IS NULL", *conditions])
    return f"FROM consents {alias} INDEXED BY ix_consents_stats WHERE {where}"


_STORE = ConsentPurpose.STORE_PROCESS.value

ELIGIBLE = (
    # a consent holding "anonymized statistics" in force on the period's last day and never
    # withdrawn (making the figure now is processing) ...
    "SELECT k.client_id "
    + _consents(
        "k",
        "k.withdrawn_on IS NULL",
        "k.given_on <= :end",
        "(k.valid_until IS NULL OR k.valid_until >= :end)",
        _has_purpose("k", ConsentPurpose.ANONYMIZED_STATS.value),
    )
    # ... of a client who has not withdrawn consent to store and process their data (or has
    # given it again since). Probes of the index by client, not EXCEPT: a compound SELECT
    # sorts both sides, and every row a sort holds costs a locked, wiped allocation.
    + " AND (NOT EXISTS (SELECT 1 "
    + _consents(
        "w", "w.client_id = k.client_id", "w.withdrawn_on IS NOT NULL", _has_purpose("w", _STORE)
    )
    + ") OR EXISTS (SELECT 1 "
    + _consents(
        "u", "u.client_id = k.client_id", "u.withdrawn_on IS NULL", _has_purpose("u", _STORE)
    )
    + "))"
)
"""The clients whose consent covers anonymized statistics (docs/statistics.md)."""


def _where(src: _Source, filters: Filters) -> tuple[str, dict[str, str]]:
    columns = {
        "center": src.center,
        "region": src.columns["region"],
        "legal_area": src.columns["legal_area"],
        "lawyer": src.lawyer,
        "campaign": src.columns["campaign"],
    }
    clauses: list[str] = []
    params: dict[str, str] = {}
    for name, value in filters.items().items():
        clauses.append(f"{columns[name]} = :f_{name}")
        params[f"f_{name}"] = value
    return "".join(f" AND {c}" for c in clauses), params


def period_params(period: Period) -> dict[str, Any]:
    """The bound parameters of a period: its days, and their bounds in UTC for ``created_at``."""

    start_utc = datetime.combine(period.start, time(0), tzinfo=BAKU).astimezone(UTC)
    end_utc = datetime.combine(period.end + timedelta(days=1), time(0), tzinfo=BAKU).astimezone(UTC)
    return {
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "start_utc": start_utc.strftime("%Y-%m-%dT%H:%M:%S"),
        "end_utc": end_utc.strftime("%Y-%m-%dT%H:%M:%S"),
        "age_year": period.end.year,
    }


def _quarter(month: Any) -> Any:
    """``2026-05`` → ``2026Q2`` (what is not a month stays as it is)."""
    if isinstance(month, str) and len(month) == 7 and month[5:].isdigit():
        return f"{month[:4]}Q{(int(month[5:]) + 2) // 3}"
    return month


_AFTER: dict[Dimension, Callable[[Any], Any]] = {Dimension.QUARTER: _quarter}
"""Dimensions whose SQL gives a finer code, made into theirs on the grouped rows."""


@dataclass(frozen=True)
class Statement:
    """One statement of a figure: one row per base row, its codes first (``d0[, d1]``, or
    ``''`` for the total alone), then its value unless every value is 1; read by client, the
    client's id before them. :func:`grouped` adds the rows up."""

    sql: str
    params: dict[str, str]
    width: int  # how many dimensions
    by_client: bool = False  # each row starts with its client's id
    first_per_client: bool = False  # only each client's first row counts
    eligible_only: bool = False  # only the rows of eligible clients count
    unit: bool = False  # every base row's value is 1 (no value column)
    after: tuple[Callable[[Any], Any] | None, ...] = ()  # per dimension, see _AFTER


def figure_sql(
    measure: Measure,
    by: tuple[Dimension, ...],
    bands: AgeBands,
    filters: Filters,
    *,
    eligible_only: bool,
    node: str = "",
) -> Statement:
    """The figure's statement: the measure's base rows in the period, each with its codes.

    SQLite would group them by sorting, and with SQLCipher's memory security every row a sort
    holds costs a locked, wiped allocation: at HQ scale a ``GROUP BY`` took twice the time of
    :func:`grouped` for a count, ten times for clients served (each client's first
    consultation: two sorts), and ``COUNT(DISTINCT ...)`` (the clients behind an anonymized
    figure) as long again (docs/statistics.md "Speed"). So the rows are read as they are and
    added up in Python, and an anonymized figure's consent rule is applied there too (a
    client's id in a set of the eligible ones).
    """
    src = _source(measure, by, filters)
    where, params = _where(src, filters)
    dims = [f"{dimension_sql(d, src, bands, node)} AS d{i}" for i, d in enumerate(by)]
    if node and Dimension.LAWYER in by:
        params = {**params, "lawyer_node": node}
    unit = src.value == "1"
    by_client = src.first_per_client or eligible_only
    cols = [
        *([src.columns["client"]] if by_client else []),
        *(dims or ["''"]),  # a key, even for the total alone
        *([] if unit else [src.value]),
    ]
    # a client's first row must come first: the order of consultation_figures' primary key
    order = f" ORDER BY {src.order}" if src.first_per_client else ""
    sql = f"SELECT {', '.join(cols)} {src.body}{where}{order}"
    return Statement(
        sql,
        params,
        len(by),
        by_client=by_client,
        first_per_client=src.first_per_client,
        eligible_only=eligible_only,
        unit=unit,
        after=tuple(_AFTER.get(d) for d in by),
    )


@dataclass(frozen=True)
class Grouped:
    """A figure's rows ``(d0[, d1], value, count)``, one per combination of codes; for an
    anonymized figure, how many clients are behind it and how many of them are eligible."""

    rows: list[tuple[Any, ...]]
    clients: int | None = None
    eligible_clients: int | None = None


def grouped(
    statement: Statement,
    rows: Iterable[Sequence[Any]],
    eligible: Collection[Any] = frozenset(),
) -> Grouped:
    """Add up ``statement``'s rows; ``eligible``: the eligible clients' ids."""
    width = statement.width
    clients = eligible_clients = None
    if statement.by_client:
        rows = list(rows)
        if statement.first_per_client:
            # the first row of each client is the last one to set its key, reversed; the
            # consent rule is the client's, so it is applied to these rows alone (the same
            # rows as filtering first, a fraction of the work)
            firsts = {row[0]: row for row in reversed(rows)}
            if statement.eligible_only:
                rows = [row for client, row in firsts.items() if client in eligible]
                clients, eligible_clients = len(firsts), len(rows)
            else:
                rows = list(firsts.values())
        elif statement.eligible_only:
            behind = {row[0] for row in rows}
            clients, eligible_clients = len(behind), len(behind.intersection(eligible))
            rows = [row for row in rows if row[0] in eligible]
        rows = [row[1:] for row in rows]
    if statement.unit:  # the rows are the keys; the value is the count
        counts = Counter(map(tuple, rows))
        out = [(*k[:width], n, n) for k, n in counts.items()]
    else:
        cells: dict[tuple[Any, ...], list[int]] = {}
        for row in rows:
            k = tuple(row[:-1])
            cell = cells.get(k)
            if cell is None:
                cells[k] = [row[-1] or 0, 1]
            else:
                cell[0] += row[-1] or 0
                cell[1] += 1
        out = [(*k[:width], value, n) for k, (value, n) in cells.items()]
    if any(statement.after):
        out = _made_after(out, statement.after)
    return Grouped(out, clients, eligible_clients)


def _made_after(
    rows: list[tuple[Any, ...]], after: tuple[Callable[[Any], Any] | None, ...]
) -> list[tuple[Any, ...]]:
    """The grouped rows with each code made by its dimension's function, added up again."""
    width = len(after)
    sums: dict[tuple[Any, ...], list[int]] = {}
    for row in rows:
        k = tuple(f(c) if f else c for f, c in zip(after, row[:width], strict=True))
        cell = sums.setdefault(k, [0, 0])
        cell[0] += row[width]
        cell[1] += row[width + 1]
    return [(*k, value, n) for k, (value, n) in sums.items()]

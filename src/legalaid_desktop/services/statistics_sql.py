"""The SQL of the figures (docs/statistics.md): one ``GROUP BY`` per figure, built from fixed
fragments (never from user text: codes go in as bound parameters).

Every measure is a set of *base rows* (one per consultation, case or client, see
:func:`_source`) with the client (``cl``), the case (``ca``), the consultation (``co``, for the
measures counted over consultations) and the corruption details (``cd``, left-joined) in scope.
The inner query gives each base row its dimension codes and its value; the outer one groups.
Tombstoned rows (``deleted_hlc``) are never counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from legalaid_desktop.domain.cases import ConsentPurpose
from legalaid_desktop.i18n.dates import BAKU
from legalaid_desktop.statistics.definitions import (
    NOT_APPLICABLE,
    NOT_STATED,
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
_BAKU_OFFSET = "'+4 hours'"  # i18n.dates.BAKU: UTC+4 all year (no summer time since 2016)
assert BAKU.utcoffset(None) == timedelta(hours=4)


@dataclass(frozen=True)
class _Source:
    body: str  # FROM ... WHERE ... (the base rows in the period)
    event: str | None  # the day of the base row (for month / quarter / year)
    lawyer: str
    center: str
    value: str
    first_per_client: bool = False


_CORRUPTION_DIMENSIONS = frozenset(
    {
        Dimension.CORRUPTION_SECTOR,
        Dimension.CORRUPTION_CONDUCT,
        Dimension.INSTITUTION,
        Dimension.SATISFACTION,
    }
)
_CASE_DIMENSIONS = _CORRUPTION_DIMENSIONS | {
    Dimension.LEGAL_AREA,
    Dimension.OUTCOME,
    Dimension.CAMPAIGN,
    Dimension.LAWYER,
}
_CASE_FILTERS = frozenset({"legal_area", "lawyer", "campaign"})


def _source(
    measure: Measure, by: tuple[Dimension, ...] = (), filters: Filters | None = None
) -> _Source:
    """The base rows of ``measure``, joining only what ``by`` and ``filters`` read: the
    corruption details for their dimensions, a new client's first case for a case value."""
    corruption = _CORRUPTION if _CORRUPTION_DIMENSIONS & set(by) else ""
    case_values = bool(_CASE_DIMENSIONS & set(by)) or bool(
        filters is not None and _CASE_FILTERS & set(filters.items())
    )
    consult = (
        "FROM consultations co INDEXED BY ix_consultations_live_stats "
        "JOIN cases ca INDEXED BY ix_cases_stats ON ca.id = co.case_id AND ca.deleted_hlc IS NULL "
        f"{_CLIENT} {corruption} "
        "WHERE co.deleted_hlc IS NULL AND co.held_on BETWEEN :start AND :end"
    )
    opened = f"FROM cases ca INDEXED BY ix_cases_live_stats_opened {_CLIENT} {corruption}"
    opened += " WHERE ca.deleted_hlc IS NULL"
    if measure is Measure.CONSULTATIONS:
        return _Source(consult, "co.held_on", "co.lawyer", "ca.owner_node", "1")
    if measure is Measure.CONSULTATION_MINUTES:
        return _Source(consult, "co.held_on", "co.lawyer", "ca.owner_node", "co.minutes")
    if measure is Measure.CLIENTS_SERVED:
        return _Source(consult, "co.held_on", "co.lawyer", "ca.owner_node", "1", True)
    if measure is Measure.CASES_OPENED:
        body = f"{opened} AND ca.opened_on BETWEEN :start AND :end"
        return _Source(body, "ca.opened_on", "ca.assigned_lawyer", "ca.owner_node", "1")
    if measure is Measure.CASES_CLOSED:
        body = (
            f"FROM cases ca INDEXED BY ix_cases_live_stats_closed {_CLIENT} {corruption} "
            "WHERE ca.deleted_hlc IS NULL AND ca.closed_on BETWEEN :start AND :end"
        )
        return _Source(body, "ca.closed_on", "ca.assigned_lawyer", "ca.owner_node", "1")
    if measure is Measure.OPEN_CASES:
        body = (
            f"{opened} AND ca.opened_on <= :end AND (ca.closed_on IS NULL OR ca.closed_on > :end)"
        )
        return _Source(body, None, "ca.assigned_lawyer", "ca.owner_node", "1")
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
        body, f"date(cl.created_at, {_BAKU_OFFSET})", "ca.assigned_lawyer", "cl.node_code", "1"
    )


def _stated(expr: str) -> str:
    """The plain column: an empty or missing value becomes ``not_stated`` after the GROUP BY,
    on the grouped rows (``services.statistics._stated``), which costs half the time of
    ``COALESCE(NULLIF(TRIM(...)))`` evaluated on every base row (bench/bench_reports.py)."""
    return expr


def _corruption(expr: str) -> str:
    return f"CASE WHEN cd.id IS NULL THEN '{NOT_APPLICABLE}' ELSE {_stated(expr)} END"


def dimension_sql(dim: Dimension, src: _Source, bands: AgeBands) -> str:
    """The SQL expression of ``dim``'s code for one base row."""
    event = src.event or "NULL"
    fixed: dict[Dimension, str] = {
        Dimension.GENDER: _stated("cl.gender"),
        Dimension.AGE_BAND: bands.sql_case("(:age_year - cl.birth_year)"),
        Dimension.REGION: _stated("cl.region"),
        Dimension.CENTER: _stated(src.center),
        Dimension.LEGAL_AREA: _stated("ca.legal_area"),
        Dimension.CORRUPTION_SECTOR: _corruption("cd.sector"),
        Dimension.CORRUPTION_CONDUCT: _corruption("cd.conduct"),
        Dimension.INSTITUTION: _corruption("cd.institution"),
        Dimension.OUTCOME: _stated("ca.outcome"),
        Dimension.DISPLACEMENT: _stated("cl.displacement"),
        Dimension.DISABILITY: _stated("cl.disability"),
        Dimension.CONSULTATION_MODE: _stated("co.mode"),
        Dimension.HEARD_FROM: _stated("cl.referral_source"),
        Dimension.CAMPAIGN: f"COALESCE(ca.campaign_id, '{NOT_APPLICABLE}')",
        Dimension.LAWYER: _stated(src.lawyer),
        Dimension.SATISFACTION: (
            f"CASE WHEN cd.id IS NULL THEN '{NOT_APPLICABLE}' WHEN cd.satisfaction IS NULL "
            f"THEN '{NOT_STATED}' ELSE CAST(cd.satisfaction AS TEXT) END"
        ),
        Dimension.MONTH: f"substr({event}, 1, 7)",
        Dimension.QUARTER: (
            f"substr({event}, 1, 4) || 'Q' || ((CAST(substr({event}, 6, 2) AS INTEGER) + 2) / 3)"
        ),
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


ELIGIBLE = (
    # a consent holding "anonymized statistics" in force on the period's last day and never
    # withdrawn (making the figure now is processing) ...
    "SELECT k.client_id FROM consents k WHERE k.deleted_hlc IS NULL AND k.withdrawn_on IS NULL "
    "AND k.given_on <= :end AND (k.valid_until IS NULL OR k.valid_until >= :end) AND "
    + _has_purpose("k", ConsentPurpose.ANONYMIZED_STATS.value)
    # ... of a client who has not withdrawn consent to store and process their data
    + " EXCEPT SELECT w.client_id FROM consents w WHERE w.deleted_hlc IS NULL "
    "AND w.withdrawn_on IS NOT NULL AND "
    + _has_purpose("w", ConsentPurpose.STORE_PROCESS.value)
    + " AND w.client_id NOT IN (SELECT u.client_id FROM consents u WHERE u.deleted_hlc IS NULL "
    "AND u.withdrawn_on IS NULL AND " + _has_purpose("u", ConsentPurpose.STORE_PROCESS.value) + ")"
)
"""The clients whose consent covers anonymized statistics (docs/statistics.md)."""


def _where(src: _Source, filters: Filters) -> tuple[str, dict[str, str]]:
    columns = {
        "center": src.center,
        "region": "cl.region",
        "legal_area": "ca.legal_area",
        "lawyer": src.lawyer,
        "campaign": "ca.campaign_id",
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


def figure_sql(
    measure: Measure,
    by: tuple[Dimension, ...],
    bands: AgeBands,
    filters: Filters,
    *,
    eligible_only: bool,
    eligible: str = ELIGIBLE,
) -> tuple[str, dict[str, str]]:
    """``SELECT d0[, d1], SUM(value), COUNT(*)`` over the measure's base rows, grouped.

    ``eligible`` selects the clients counted by an anonymized figure: :data:`ELIGIBLE`, or the
    same set read from a temporary table made of it (several figures of one report).
    """
    src = _source(measure, by, filters)
    where, params = _where(src, filters)
    if eligible_only:
        # "+": a filter on each row, never an index constraint (the planner would otherwise
        # carry it over to ``ca.client_id`` and probe ``ix_cases_stats`` once per eligible
        # client for every consultation: minutes instead of a second)
        where += f" AND +cl.id IN ({eligible})"
    dims = [f"{dimension_sql(d, src, bands)} AS d{i}" for i, d in enumerate(by)]
    names = [f"d{i}" for i in range(len(by))]
    inner_cols = [*dims, f"{src.value} AS v"]
    per_client = ""
    if src.first_per_client:
        # One row per client, its columns from its first consultation of the period (the
        # earliest day, then the smallest id): with exactly one min() in a query, SQLite takes
        # the other ("bare") columns from the row where the minimum is. Half the time of a
        # ROW_NUMBER() window over every consultation (bench/bench_reports.py).
        inner_cols.append("MIN(co.held_on || co.id) AS first_key")
        per_client = " GROUP BY ca.client_id"
    group = f" GROUP BY {', '.join(names)}" if names else ""
    sql = (
        f"SELECT {', '.join([*names, 'COALESCE(SUM(v), 0)', 'COUNT(*)'])} "
        f"FROM (SELECT {', '.join(inner_cols)} {src.body}{where}{per_client}){group}"
    )
    return sql, params


def scope_sql(
    measure: Measure, filters: Filters, eligible: str = ELIGIBLE
) -> tuple[str, dict[str, str]]:
    """How many distinct clients are behind the measure, and how many of them are eligible."""
    src = _source(measure, (), filters)
    where, params = _where(src, filters)
    sql = (
        f"SELECT COUNT(DISTINCT cl.id), COUNT(DISTINCT CASE WHEN cl.id IN ({eligible}) "
        f"THEN cl.id END) {src.body}{where}"
    )
    return sql, params

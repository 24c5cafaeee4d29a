"""The statistics read covering indexes only, never the wide encrypted rows (docs/statistics.md,
"Speed"): the query plans of every measure, with and without the anonymized rule and filters,
read consultations, cases and clients through their covering indexes, and look a case up by its
id alone (the consent filter must not become one index probe per eligible client). The measures
over consultations read one range of ``consultation_figures``' primary key, in its order (no
sort, no other table), and the consent rule reads the consents' covering index."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text

from legalaid_desktop import app
from legalaid_desktop.services.statistics_sql import ELIGIBLE, figure_sql, period_params
from legalaid_desktop.statistics.definitions import AgeBands, Dimension, Measure, check_applies
from legalaid_desktop.statistics.periods import parse_period
from legalaid_desktop.statistics.query import Filters

BIG = ("co", "ca", "cl", "c2", "k", "w", "u")
OVER_CONSULTATIONS = (Measure.CONSULTATIONS, Measure.CONSULTATION_MINUTES, Measure.CLIENTS_SERVED)
FILTERS = (
    Filters(),
    Filters(center="GNJ"),
    Filters(region="AZ-GA", legal_area="family"),
    Filters(lawyer="admin", campaign="x"),
)


def _plan(session: app.AppSession, sql: str, params: dict[str, Any]) -> list[str]:
    with session.ws.read() as s:
        return [str(r[-1]) for r in s.execute(text("EXPLAIN QUERY PLAN " + sql), params)]


def _check(plan: list[str], sql: str) -> None:
    for step in plan:
        words = step.split()
        if words[:1] in (["SEARCH"], ["SCAN"]) and words[1] in BIG:
            assert "COVERING" in words, f"{step}\n{sql}"
        if "ix_cases_stats" in words:
            assert "ix_cases_stats (id=?)" in step, f"{step}\n{sql}"
        # no sort: every row a sort holds costs a locked, wiped allocation (memory security)
        assert "TEMP B-TREE" not in step, f"{step}\n{sql}"


@pytest.mark.parametrize("measure", list(Measure))
@pytest.mark.parametrize("anonymized", [False, True])
def test_every_figure_reads_covering_indexes(
    admin_session: app.AppSession, measure: Measure, anonymized: bool
) -> None:
    period = parse_period("2026Q1")
    checked = 0
    for dims in (
        (Dimension.GENDER,),
        (Dimension.LEGAL_AREA, Dimension.AGE_BAND),
        (Dimension.INSTITUTION,),
        (Dimension.HEARD_FROM, Dimension.CENTER),
    ):
        try:
            check_applies(measure, dims)
        except Exception:
            continue
        for filters in FILTERS:
            statement = figure_sql(measure, dims, AgeBands(), filters, eligible_only=anonymized)
            sql, params = statement.sql, statement.params
            plan = _plan(admin_session, sql, {**period_params(period), **params})
            _check(plan, sql)
            if measure in OVER_CONSULTATIONS:
                assert plan == ["SEARCH f USING PRIMARY KEY (held_on>? AND held_on<?)"], sql
            checked += 1
    assert checked


def test_the_consent_rule_reads_the_consents_index(admin_session: app.AppSession) -> None:
    params = period_params(parse_period("2026Q1"))
    for sql in (ELIGIBLE,):
        plan = _plan(admin_session, sql, params)
        _check(plan, sql)
        assert any("consents" in step or " k " in f" {step} " for step in plan), plan

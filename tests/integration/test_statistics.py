"""The figures of a demo store, computed by the service and again in plain Python
(statistics_oracle), for every measure and dimension; filters, periods, the lawyer's own figures
and anonymized figures with their consent rule."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import select

from conftest import new_center_store
from legalaid_desktop import app
from legalaid_desktop.devtools.demo import generate_demo
from legalaid_desktop.domain.errors import InputRejected, PermissionDenied
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.statistics.definitions import Dimension, Measure, check_applies
from legalaid_desktop.statistics.periods import Period, date_range, parse_period
from legalaid_desktop.statistics.query import FigureQuery, Filters
from legalaid_desktop.statistics.table import FigureTable
from legalaid_desktop.store.models import AuditEvent
from statistics_oracle import Rows, eligible, figure, read_rows

DEMO_PASSWORD = "Demo-pass-2026"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[app.AppSession, Rows]]:
    """A center with 250 demo clients (three years of cases) and its rows as stored."""
    data_dir = tmp_path_factory.mktemp("stats") / "store"
    session = new_center_store(data_dir)
    generate_demo(session.ws, clients=250, seed=18, lawyer_password=DEMO_PASSWORD)
    yield session, read_rows(session)
    session.close()


def _this_year() -> Period:
    return parse_period(str(today().year))


def _values(table: FigureTable) -> dict[tuple[str, ...], int]:
    return {r.codes: r.value for r in table.rows if r.value}


def _check(table: FigureTable, expected: dict[tuple[str, ...], int]) -> None:
    assert _values(table) == {k: v for k, v in expected.items() if v}
    assert sum(r.value for r in table.rows) == table.total
    assert table.total == sum(expected.values())


def _applicable(measure: Measure) -> list[Dimension]:
    out = []
    for dim in Dimension:
        try:
            check_applies(measure, (dim,))
        except InputRejected:
            continue
        out.append(dim)
    return out


@pytest.mark.parametrize("measure", list(Measure))
def test_every_measure_by_every_dimension_is_the_plain_count(
    demo: tuple[app.AppSession, Rows], measure: Measure
) -> None:
    session, rows = demo
    period = _this_year()
    total = session.statistics.figures(FigureQuery(measure, period, previous=False))
    assert total.total == sum(figure(rows, measure.value, (), period.start, period.end).values())
    assert total.total > 0
    for dim in _applicable(measure):
        table = session.statistics.figures(FigureQuery(measure, period, (dim,), previous=False))
        _check(table, figure(rows, measure.value, (dim.value,), period.start, period.end))
        assert table.total == total.total, dim  # every breakdown adds up to the total


CROSSES = [
    (Measure.CLIENTS_SERVED, (Dimension.GENDER, Dimension.AGE_BAND)),
    (Measure.NEW_CLIENTS, (Dimension.GENDER, Dimension.AGE_BAND)),
    (Measure.CASES_CLOSED, (Dimension.LEGAL_AREA, Dimension.OUTCOME)),
    (Measure.CASES_CLOSED, (Dimension.CORRUPTION_SECTOR, Dimension.SATISFACTION)),
    (Measure.CONSULTATIONS, (Dimension.CONSULTATION_MODE, Dimension.MONTH)),
    (Measure.CONSULTATION_MINUTES, (Dimension.LAWYER, Dimension.QUARTER)),
    (Measure.OPEN_CASES, (Dimension.INSTITUTION, Dimension.CAMPAIGN)),
    (Measure.CASES_OPENED, (Dimension.REGION, Dimension.DISPLACEMENT)),
]


@pytest.mark.parametrize(("measure", "by"), CROSSES)
def test_two_way_crosses_are_the_plain_count(
    demo: tuple[app.AppSession, Rows], measure: Measure, by: tuple[Dimension, Dimension]
) -> None:
    session, rows = demo
    period = date_range(date(today().year - 2, 7, 1), today())
    table = session.statistics.figures(FigureQuery(measure, period, by))
    _check(table, figure(rows, measure.value, tuple(d.value for d in by), period.start, period.end))
    # the previous period of equal length, counted the same way
    before = table.previous
    assert before is not None and before.period.days == period.days
    assert before.period.end == date(today().year - 2, 6, 30)
    expected = figure(
        rows, measure.value, tuple(d.value for d in by), before.period.start, before.period.end
    )
    _check(before, expected)


def test_months_quarters_and_years_list_every_one_of_the_period(
    demo: tuple[app.AppSession, Rows],
) -> None:
    session, _rows = demo
    period = date_range(date(today().year - 1, 11, 15), date(today().year, 2, 10))
    months = session.statistics.figures(
        FigureQuery(Measure.CASES_OPENED, period, (Dimension.MONTH,))
    )
    assert [r.codes[0] for r in months.rows] == period.months()
    quarters = session.statistics.figures(
        FigureQuery(Measure.CASES_OPENED, period, (Dimension.QUARTER,))
    )
    y = today().year
    assert [r.codes[0] for r in quarters.rows] == [f"{y - 1}Q4", f"{y}Q1"]
    assert quarters.total == months.total
    # rows of another period's months have no counterpart: only the totals sit side by side
    assert months.previous_of(months.rows[0]) is None
    assert months.previous is not None and months.previous.total >= 0


FILTERS = [
    ("center", "GNJ", Filters(center="GNJ")),
    ("center", "BAK", Filters(center="BAK")),
    ("legal_area", "family", Filters(legal_area="family")),
    ("lawyer", "gunel.m", Filters(lawyer="gunel.m")),
]


@pytest.mark.parametrize(("field", "value", "filters"), FILTERS)
@pytest.mark.parametrize(
    "measure", [Measure.CLIENTS_SERVED, Measure.CASES_OPENED, Measure.NEW_CLIENTS]
)
def test_filters_narrow_the_count(
    demo: tuple[app.AppSession, Rows],
    measure: Measure,
    field: str,
    value: str,
    filters: Filters,
) -> None:
    session, rows = demo
    period = _this_year()
    table = session.statistics.figures(
        FigureQuery(measure, period, (Dimension.GENDER,), filters=filters, previous=False)
    )
    expected = figure(
        rows, measure.value, ("gender",), period.start, period.end, lambda d: d[field] == value
    )
    _check(table, expected)
    assert table.filters == filters.items()


def test_a_region_and_a_campaign_filter(demo: tuple[app.AppSession, Rows]) -> None:
    session, rows = demo
    period = date_range(date(today().year - 3, 1, 1), today())
    region = next(iter(rows.clients.values()))["region"]
    campaign = next(c["campaign_id"] for c in rows.cases.values() if c["campaign_id"])
    for field, filters in (
        ("region", Filters(region=region)),
        ("campaign", Filters(campaign=campaign)),
    ):
        value = region if field == "region" else campaign
        table = session.statistics.figures(
            FigureQuery(Measure.CONSULTATIONS, period, (Dimension.LEGAL_AREA,), filters=filters)
        )
        expected = figure(
            rows, "consultations", ("legal_area",), period.start, period.end,
            lambda d, f=field, v=value: d[f] == v,
        )  # fmt: skip
        _check(table, expected)
        assert 0 < table.total


def test_age_bands_and_youth(demo: tuple[app.AppSession, Rows]) -> None:
    session, rows = demo
    period = _this_year()
    table = session.statistics.figures(
        FigureQuery(Measure.CLIENTS_SERVED, period, (Dimension.AGE_BAND,))
    )
    expected = figure(rows, "clients_served", ("age_band",), period.start, period.end)
    _check(table, expected)
    assert table.youth == expected[("14-17",)] + expected[("18-29",)]
    assert table.youth > 0
    # bands that do not split at 14 and 30: youth is counted apart, and is the same
    from legalaid_desktop.statistics.definitions import AgeBands

    odd = session.statistics.figures(
        FigureQuery(
            Measure.CLIENTS_SERVED,
            period,
            (Dimension.AGE_BAND,),
            bands=AgeBands.parse("0-19,20-39,40+"),
        )
    )
    assert [r.codes[0] for r in odd.rows if r.codes[0] != "not_stated"] == [
        c for c in ("0-19", "20-39", "40+") if any(r.codes[0] == c for r in odd.rows)
    ]
    assert odd.youth == table.youth
    assert odd.total == table.total


def test_labels_are_in_the_language_asked_for(demo: tuple[app.AppSession, Rows]) -> None:
    session, _rows = demo
    period = _this_year()
    az = session.statistics.figures(
        FigureQuery(Measure.CASES_OPENED, period, (Dimension.GENDER, Dimension.CENTER), lang="az")
    )
    ru = session.statistics.figures(
        FigureQuery(Measure.CASES_OPENED, period, (Dimension.GENDER,), lang="ru")
    )
    assert az.labels["gender"]["female"] == "Qadın"
    assert ru.labels["gender"]["female"] == "Женщина"
    assert az.labels["center"]["GNJ"] == "Gəncə mərkəzi"
    doc = az.document()
    assert {r["gender"] for r in doc["rows"]} <= {"female", "male", "other", "undisclosed"}


# -- who sees what --------------------------------------------------------------------------------


def test_a_lawyer_sees_only_their_own_figures(
    demo: tuple[app.AppSession, Rows],
) -> None:
    admin, rows = demo
    lawyer = app.login(admin.ws.store.paths.root, "gunel.m", DEMO_PASSWORD)
    try:
        period = _this_year()
        query = FigureQuery(Measure.CONSULTATIONS, period, (Dimension.LAWYER,))
        mine = lawyer.statistics.figures(query)
        assert {r.codes for r in mine.rows} == {("gunel.m",)}
        expected = figure(
            rows, "consultations", ("lawyer",), period.start, period.end,
            lambda d: d["lawyer"] == "gunel.m",
        )  # fmt: skip
        _check(mine, expected)
        every = admin.statistics.figures(query)
        assert every.total > mine.total
        with pytest.raises(PermissionDenied):
            lawyer.statistics.figures(
                FigureQuery(Measure.CONSULTATIONS, period, filters=Filters(lawyer="elvin.h"))
            )
    finally:
        lawyer.close()
    with admin.ws.read() as s:
        refusal = s.scalars(
            select(AuditEvent).where(AuditEvent.actor == "gunel.m").order_by(AuditEvent.seq.desc())
        ).first()
    assert refusal is not None and refusal.action == "permission_denied"
    assert refusal.details["action"] == "statistics"


# -- anonymized -----------------------------------------------------------------------------------


@pytest.mark.parametrize("measure", list(Measure))
def test_anonymized_figures_count_only_consenting_clients(
    demo: tuple[app.AppSession, Rows], measure: Measure
) -> None:
    session, rows = demo
    period = date_range(date(today().year - 3, 1, 1), today())
    ok = eligible(rows, period.end)
    assert 0 < len(ok) < len(rows.clients)  # the demo leaves some out
    table = session.statistics.figures(
        FigureQuery(measure, period, (Dimension.GENDER,), anonymized=True, previous=False)
    )
    expected = figure(
        rows, measure.value, ("gender",), period.start, period.end, lambda d: d["_client"] in ok
    )
    assert table.total == sum(expected.values())
    for row in table.rows:
        assert row.value == expected[row.codes]
        shown = table.shown(row)
        # "<5" is never written for a figure of 5 or more hidden with a small one: that is "x"
        assert shown == "<5" if 1 <= row.count <= 4 else shown in ("x", row.value)
    scope = {d["_client"] for d, _v in _base(rows, measure, period)}
    assert table.left_out == len(scope - ok) > 0


def _base(rows: Rows, measure: Measure, period: Period):  # type: ignore[no-untyped-def]
    from statistics_oracle import base

    return base(rows, measure.value, period.start, period.end)


def test_anonymized_documents_hold_codes_and_no_person(
    demo: tuple[app.AppSession, Rows],
) -> None:
    session, rows = demo
    period = _this_year()
    table = session.statistics.figures(
        FigureQuery(
            Measure.CLIENTS_SERVED,
            period,
            (Dimension.LAWYER, Dimension.AGE_BAND),
            anonymized=True,
        )
    )
    doc = table.document()
    assert set(doc) == {"measure", "by", "from", "to", "rows", "total"}
    text_ = repr(doc) + repr(table.labels)
    for client in rows.clients.values():
        assert client["full_name"] not in text_
        assert str(client["birth_year"]) not in {str(v) for r in doc["rows"] for v in r.values()}
    # staff are named by user name only in anonymized figures
    assert "Məmmədova Günel Rəşad qızı" not in text_


@pytest.mark.parametrize("anonymized", [False, True])
def test_a_batch_of_figures_counts_each_as_alone(
    demo: tuple[app.AppSession, Rows], anonymized: bool
) -> None:
    """``figures_many`` counts the figures of one measure by one statement grouped by every
    dimension they use and adds each figure up from it: every table (cells, counts behind
    them, totals, youth, suppression, previous period) is the one :meth:`figures` gives alone.
    """
    session, _rows = demo
    period = date_range(date(today().year - 2, 1, 1), today())
    d = Dimension
    shapes: list[tuple[Measure, tuple[Dimension, ...]]] = [
        (Measure.CLIENTS_SERVED, ()),
        (Measure.CLIENTS_SERVED, (d.GENDER, d.AGE_BAND)),
        (Measure.CLIENTS_SERVED, (d.REGION,)),
        (Measure.CLIENTS_SERVED, (d.MONTH,)),
        (Measure.CONSULTATIONS, (d.MONTH,)),
        (Measure.CONSULTATION_MINUTES, (d.CONSULTATION_MODE, d.GENDER)),
        (Measure.CASES_OPENED, (d.LEGAL_AREA,)),
        (Measure.CASES_OPENED, (d.INSTITUTION,)),
        (Measure.CASES_OPENED, (d.CORRUPTION_SECTOR, d.SATISFACTION)),
        (Measure.CASES_CLOSED, (d.OUTCOME,)),
        (Measure.NEW_CLIENTS, (d.AGE_BAND,)),
        (Measure.OPEN_CASES, (d.LAWYER,)),
    ]
    queries = [
        FigureQuery(m, period, by, anonymized=anonymized, previous=i % 3 != 2)
        for i, (m, by) in enumerate(shapes)
    ]
    many = session.statistics.figures_many(queries)
    alone = [session.statistics.figures(q) for q in queries]
    for query, got, want in zip(queries, many, alone, strict=True):
        assert got == want, (query.measure, query.by)
    assert any(t.rows for t in many) and sum(len(t.rows) for t in many) > 50

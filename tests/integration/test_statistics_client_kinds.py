"""People and organizations counted apart (issue 19): the figures by kind of client, and a
person's gender and age band "not applicable" to an organization or initiative group, computed
by the service and again by the oracle (statistics_oracle) over a demo store with some
organizations added through the services."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from conftest import new_center_store
from legalaid_desktop import app
from legalaid_desktop.devtools.demo import generate_demo
from legalaid_desktop.domain.cases import CaseInput, ClientInput, ConsentInput, ConsultationInput
from legalaid_desktop.domain.conflict_decisions import ConflictDecisionInput
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.services.donor_content import sheets
from legalaid_desktop.statistics.definitions import (
    NOT_APPLICABLE,
    PERSON_DIMENSIONS,
    Dimension,
    Measure,
)
from legalaid_desktop.statistics.periods import parse_period
from legalaid_desktop.statistics.query import FigureQuery
from statistics_oracle import Rows, eligible, figure, read_rows

GROUPS = (
    ("Gənclər Birliyi", "organization", 2),
    ("Qadınlar Şurası", "organization", 1),
    ("Şəmkir Ekoloji Təşəbbüs Qrupu", "initiative", 3),
)
"""Organizations and initiative groups added to the demo, with their number of consultations."""


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[app.AppSession, Rows]]:
    session = new_center_store(tmp_path_factory.mktemp("kinds") / "store")
    generate_demo(session.ws, clients=60, seed=19, lawyer_password="Demo-pass-2026")
    day = today()
    for i, (name, kind, consultations) in enumerate(GROUPS):
        client = session.clients.register(
            ClientInput(name, "", "AZ-GA", kind=kind, members=10 + i, phone=""),
            ConsentInput(day, ("store_process", "anonymized_stats")),
            ConflictDecisionInput("no_conflict"),
        )
        case = session.cases.open(CaseInput(client.id, "administrative", "Qeydiyyat"))
        for n in range(consultations):
            session.records.add_consultation(
                case.number, ConsultationInput(notes=f"Görüş {n}", held_on=day)
            )
    yield session, read_rows(session)
    session.close()


def _this_year():  # type: ignore[no-untyped-def]
    return parse_period(str(today().year))


@pytest.mark.parametrize("measure", list(Measure))
def test_people_and_organizations_are_counted_apart(
    store: tuple[app.AppSession, Rows], measure: Measure
) -> None:
    session, rows = store
    period = _this_year()
    table = session.statistics.figures(
        FigureQuery(measure, period, (Dimension.CLIENT_KIND,), previous=False, lang="en")
    )
    expected = figure(rows, measure.value, ("client_kind",), period.start, period.end)
    assert {r.codes: r.value for r in table.rows} == {k: v for k, v in expected.items() if v}
    total = session.statistics.figures(FigureQuery(measure, period, previous=False))
    assert table.total == total.total  # the breakdown adds up
    assert table.label(Dimension.CLIENT_KIND, "person") == "Person"


def test_the_organizations_figures_are_the_ones_added(store: tuple[app.AppSession, Rows]) -> None:
    session, _rows = store
    period = _this_year()

    def by_kind(measure: Measure) -> dict[str, int]:
        table = session.statistics.figures(
            FigureQuery(measure, period, (Dimension.CLIENT_KIND,), previous=False)
        )
        return {r.codes[0]: r.value for r in table.rows}

    served = by_kind(Measure.CLIENTS_SERVED)
    assert (served["organization"], served["initiative"]) == (2, 1)
    assert served["person"] > 0
    consultations = by_kind(Measure.CONSULTATIONS)
    assert (consultations["organization"], consultations["initiative"]) == (3, 3)
    new = by_kind(Measure.NEW_CLIENTS)
    assert (new["organization"], new["initiative"]) == (2, 1)


@pytest.mark.parametrize("dimension", sorted(PERSON_DIMENSIONS))
@pytest.mark.parametrize("measure", [Measure.CLIENTS_SERVED, Measure.NEW_CLIENTS])
def test_a_persons_dimensions_do_not_apply_to_an_organization(
    store: tuple[app.AppSession, Rows], measure: Measure, dimension: Dimension
) -> None:
    session, rows = store
    period = _this_year()
    by = (Dimension.CLIENT_KIND, dimension)
    table = session.statistics.figures(FigureQuery(measure, period, by, previous=False))
    expected = figure(rows, measure.value, tuple(d.value for d in by), period.start, period.end)
    got = {r.codes: r.value for r in table.rows}
    assert got == {k: v for k, v in expected.items() if v}
    for (kind, code), value in got.items():
        assert (code == NOT_APPLICABLE) == (kind != "person"), (kind, code, value)
    assert table.label(dimension, NOT_APPLICABLE) == "not applicable"


def test_youth_counts_only_people(store: tuple[app.AppSession, Rows]) -> None:
    session, rows = store
    period = _this_year()
    table = session.statistics.figures(
        FigureQuery(Measure.CLIENTS_SERVED, period, (Dimension.AGE_BAND,), previous=False)
    )
    expected = figure(rows, "clients_served", ("age_band",), period.start, period.end)
    assert table.youth == expected[("14-17",)] + expected[("18-29",)]
    assert {r.codes[0]: r.value for r in table.rows}[NOT_APPLICABLE] == 3


def test_anonymized_figures_and_the_donor_report_keep_them_apart(
    store: tuple[app.AppSession, Rows],
) -> None:
    session, rows = store
    period = _this_year()
    ok = eligible(rows, period.end)
    table = session.statistics.figures(
        FigureQuery(
            Measure.CLIENTS_SERVED,
            period,
            (Dimension.CLIENT_KIND,),
            anonymized=True,
            previous=False,
        )
    )
    expected = figure(
        rows,
        "clients_served",
        ("client_kind",),
        period.start,
        period.end,
        lambda d: d["_client"] in ok,
    )
    assert {r.codes: r.value for r in table.rows} == {k: v for k, v in expected.items() if v}
    assert table.shown(next(r for r in table.rows if r.codes == ("organization",))) == "<5"
    figures = session.donor.figures(period, None, "en")
    assert figures.client_kind is not None
    assert figures.client_kind.total == table.total
    titles = [sheet.title for sheet in sheets(figures)]
    assert titles[2] == "Clients served by Kind of client"  # after gender and age band

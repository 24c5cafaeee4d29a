"""Where cases were referred, and for which grant, as dimensions (issue 19): every measure by
``referred_to`` and by ``grant_code``, computed by the service and again by the oracle
(statistics_oracle) over a demo store whose cases were referred through the services — some
twice, the second referral dated before the first, one referral tombstoned — so that a case
counted under the wrong one of its referrals, twice, or not at all fails. The figures table
follows every change of a referral, the case measures read the referrals through a covering
index, and the command takes the new codes."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from conftest import ADMIN, ADMIN_PASSWORD, cli_as, new_center_store
from legalaid_desktop import app
from legalaid_desktop.devtools.demo import generate_demo
from legalaid_desktop.domain.cases import ClientInput, ConsentInput
from legalaid_desktop.domain.conflict_decisions import ConflictDecisionInput
from legalaid_desktop.domain.errors import InputRejected
from legalaid_desktop.domain.referrals import ReferralInput
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.services.statistics_sql import figure_sql, period_params
from legalaid_desktop.statistics.definitions import (
    NOT_REFERRED,
    NOT_STATED,
    AgeBands,
    Dimension,
    Measure,
)
from legalaid_desktop.statistics.periods import Period, date_range, parse_period
from legalaid_desktop.statistics.query import FigureQuery, Filters
from legalaid_desktop.store import consultation_figures
from statistics_oracle import Rows, figure, read_rows

NEW = (Dimension.REFERRED_TO, Dimension.GRANT_CODE)


def _period() -> Period:
    """Every day of the demo: its three years and this one."""
    return date_range(date(today().year - 3, 1, 1), today())


def _day_between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, max((last - first).days, 0)))


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[app.AppSession, Rows, Path]]:
    """A demo center whose cases were referred (see the module), and a client registered
    today without a case (a new client with no case: "not stated"); its rows and its folder."""
    data_dir = tmp_path_factory.mktemp("referred") / "store"
    session = new_center_store(data_dir)
    generate_demo(session.ws, clients=120, seed=23, lawyer_password="Demo-pass-2026")
    bodies = session.reference()["referral_bodies"].codes()
    rng = random.Random(19)
    cases = list(session.cases.list(limit=1000).rows)
    rng.shuffle(cases)
    # six open cases first, so that open cases are referred to several bodies whatever day
    # the demo was made on (the measure of open cases by body needs more than one body)
    still_open = [c for c in cases if c.status != "closed"][:6]
    cases = still_open + [c for c in cases if c not in still_open]
    referred = 0
    for i, case in enumerate(cases[:60]):
        opened, last = case.opened_on, today()
        first = _day_between(rng, opened, last)
        try:
            session.referrals.refer(case.number, ReferralInput(bodies[i % len(bodies)], first))
        except InputRejected:  # a client who withdrew consent: the case cannot change
            continue
        other = bodies[(i + 3) % len(bodies)]
        if i % 4 == 0:  # made second, dated first: it is the case's first referral
            session.referrals.refer(case.number, ReferralInput(other, opened))
        elif i % 4 == 1:  # made second, dated later
            session.referrals.refer(case.number, ReferralInput(other, last))
        elif i % 4 == 2:  # the same day: the one made first (the smaller id) is the first
            session.referrals.refer(case.number, ReferralInput(other, first))
        referred += 1
    assert referred >= 45
    # the earliest referral of one case withdrawn (a tombstone): its other one counts
    with session.ws.write() as s:
        s.execute(
            text(
                "UPDATE referrals SET deleted_hlc = 'x' WHERE id = (SELECT id FROM referrals "
                "WHERE case_id = (SELECT case_id FROM referrals GROUP BY case_id "
                "HAVING count(*) = 2 LIMIT 1) ORDER BY referred_on, id LIMIT 1)"
            )
        )
    session.clients.register(
        ClientInput("Quliyeva Aynur Vasif qızı", "female", "AZ-GA", birth_year=1990),
        ConsentInput(today(), ("store_process", "anonymized_stats")),
        ConflictDecisionInput("no_conflict"),
    )
    yield session, read_rows(session), data_dir
    session.close()


@pytest.fixture
def store(world: tuple[app.AppSession, Rows, Path]) -> tuple[app.AppSession, Rows]:
    return world[0], world[1]


def _values(table: Any) -> dict[tuple[str, ...], int]:
    return {r.codes: r.value for r in table.rows if r.value}


@pytest.mark.parametrize("dimension", NEW)
@pytest.mark.parametrize("measure", list(Measure))
def test_every_measure_by_referral_and_grant_is_the_plain_count(
    store: tuple[app.AppSession, Rows], measure: Measure, dimension: Dimension
) -> None:
    session, rows = store
    period = _period()
    table = session.statistics.figures(FigureQuery(measure, period, (dimension,), previous=False))
    expected = figure(rows, measure.value, (dimension.value,), period.start, period.end)
    assert _values(table) == {k: v for k, v in expected.items() if v}
    total = session.statistics.figures(FigureQuery(measure, period, previous=False))
    assert table.total == total.total > 0  # every breakdown adds up to the total
    codes = {r.codes[0] for r in table.rows}
    if dimension is Dimension.REFERRED_TO:
        assert NOT_REFERRED in codes and len(codes - {NOT_REFERRED, NOT_STATED}) >= 3


@pytest.mark.parametrize(
    ("measure", "by"),
    [
        (Measure.CASES_CLOSED, (Dimension.REFERRED_TO, Dimension.SATISFACTION)),
        (Measure.CLIENTS_SERVED, (Dimension.GRANT_CODE, Dimension.REFERRED_TO)),
        (Measure.CONSULTATION_MINUTES, (Dimension.REFERRED_TO, Dimension.YEAR)),
        (Measure.NEW_CLIENTS, (Dimension.REFERRED_TO, Dimension.GENDER)),
    ],
)
def test_crossed_with_another_dimension(
    store: tuple[app.AppSession, Rows], measure: Measure, by: tuple[Dimension, Dimension]
) -> None:
    session, rows = store
    period = _period()
    table = session.statistics.figures(FigureQuery(measure, period, by, previous=False))
    expected = figure(rows, measure.value, tuple(d.value for d in by), period.start, period.end)
    assert _values(table) == {k: v for k, v in expected.items() if v}


def test_a_case_counts_once_under_its_first_referral(store: tuple[app.AppSession, Rows]) -> None:
    """The rule itself, read from the referrals: the earliest date, then the one made first;
    never the other referral, never twice."""
    session, rows = store
    period = _period()
    table = session.statistics.figures(
        FigureQuery(Measure.CASES_OPENED, period, (Dimension.REFERRED_TO,), previous=False)
    )
    got = _values(table)
    by_case: dict[str, list[dict[str, Any]]] = {}
    for r in rows.referrals:
        by_case.setdefault(r["case_id"], []).append(r)
    twice = [refs for refs in by_case.values() if len(refs) == 2]
    assert len(twice) >= 20
    opened = [c for c in rows.cases.values() if period.start.isoformat() <= c["opened_on"]]
    # cases referred twice to different bodies: counting each referral would give more
    assert sum(got.values()) == len(opened)
    first = {case: min(refs, key=lambda r: (r["referred_on"], r["id"]))["body"]
             for case, refs in by_case.items()}  # fmt: skip
    expected: dict[str, int] = {}
    for case in opened:
        code = first.get(case["id"], NOT_REFERRED)
        expected[code] = expected.get(code, 0) + 1
    assert got == {(k,): v for k, v in expected.items()}
    # the new client without a case has no referral to speak of
    new = session.statistics.figures(
        FigureQuery(Measure.NEW_CLIENTS, parse_period(str(today().year)), (Dimension.REFERRED_TO,))
    )
    assert _values(new).get((NOT_STATED,), 0) >= 1


def test_labels_and_order(store: tuple[app.AppSession, Rows]) -> None:
    session, _rows = store
    table = session.statistics.figures(
        FigureQuery(
            Measure.CASES_OPENED, _period(), (Dimension.REFERRED_TO,), previous=False, lang="en"
        )
    )
    assert table.label(Dimension.REFERRED_TO, "ombudsman").endswith("(Ombudsman)")
    assert table.label(Dimension.REFERRED_TO, NOT_REFERRED) == "not referred"
    codes = [r.codes[0] for r in table.rows]
    # the bodies in their list's order, then "not referred"
    assert codes[-1] == NOT_REFERRED
    order = session.reference()["referral_bodies"].codes()
    bodies = codes[:-1]
    assert bodies == sorted(bodies, key=order.index)


def test_anonymized_figures_by_referral_add_up(store: tuple[app.AppSession, Rows]) -> None:
    session, _rows = store
    table = session.statistics.figures(
        FigureQuery(
            Measure.CASES_OPENED,
            _period(),
            (Dimension.REFERRED_TO,),
            anonymized=True,
            previous=False,
        )
    )
    assert sum(r.value for r in table.rows) == table.total
    assert table.left_out >= 0


# -- the figures table follows the referrals ------------------------------------------------------


def _differences(session: app.AppSession) -> int:
    with session.ws.read() as s:
        return consultation_figures.differences(s)


def test_the_figures_table_follows_every_change_of_a_referral(tmp_path: Path) -> None:
    session = new_center_store(tmp_path / "store")
    try:
        generate_demo(session.ws, clients=25, seed=3, lawyer_password="Demo-pass-2026")
        with session.ws.read() as s:
            case_id, other_id, number = s.execute(
                text(
                    "SELECT a.case_id, b.case_id, c.number FROM consultations a "
                    "JOIN consultations b ON b.case_id != a.case_id "
                    "JOIN cases c ON c.id = a.case_id WHERE a.deleted_hlc IS NULL "
                    "AND b.deleted_hlc IS NULL AND c.deleted_hlc IS NULL LIMIT 1"
                )
            ).one()
            opened = s.execute(
                text("SELECT opened_on FROM cases WHERE id = :c"), {"c": case_id}
            ).scalar_one()

        def referred_to(case: str) -> set[str | None]:
            with session.ws.read() as s:
                return {
                    r[0]
                    for r in s.execute(
                        text(
                            "SELECT f.referred_to FROM consultation_figures f JOIN consultations "
                            "co ON f.held_on = co.held_on AND f.id = unhex(replace(co.id, '-', "
                            "'')) WHERE co.case_id = :c"
                        ),
                        {"c": case},
                    )
                }

        def raw(sql: str, **params: Any) -> None:
            with session.ws.write() as s:
                s.execute(text(sql), params)
            assert _differences(session) == 0, sql

        assert referred_to(case_id) == {None}
        later = session.referrals.refer(number, ReferralInput("ombudsman", today()))
        assert referred_to(case_id) == {"ombudsman"} and _differences(session) == 0
        start = date.fromisoformat(str(opened))
        earlier = session.referrals.refer(number, ReferralInput("advocate", start))
        assert referred_to(case_id) == {"advocate"} and _differences(session) == 0
        raw("UPDATE referrals SET body = 'ministry' WHERE id = :id", id=earlier.id)
        assert referred_to(case_id) == {"ministry"}
        raw("UPDATE referrals SET referred_on = :d WHERE id = :id", d="2100-01-01", id=earlier.id)
        assert referred_to(case_id) == {"ombudsman"}
        raw("UPDATE referrals SET case_id = :c WHERE id = :id", c=other_id, id=later.id)
        assert referred_to(case_id) == {"ministry"} and referred_to(other_id) == {"ombudsman"}
        raw("UPDATE referrals SET deleted_hlc = 'x' WHERE id = :id", id=earlier.id)
        assert referred_to(case_id) == {None}
        raw("DELETE FROM referrals WHERE id = :id", id=later.id)
        assert referred_to(other_id) == {None}
        # a status, an answer or a result changes nothing the figures read
        raw("UPDATE referrals SET status = 'answered', answer = 'ok' WHERE id = :id", id=earlier.id)
    finally:
        session.close()


def test_an_older_store_gets_its_referrals_into_the_table_at_upgrade(tmp_path: Path) -> None:
    from alembic import command

    from legalaid_desktop.store import migrate

    data_dir = tmp_path / "store"
    session = new_center_store(data_dir)
    generate_demo(session.ws, clients=10, seed=5, lawyer_password="Demo-pass-2026")
    with session.ws.read() as s:
        number = s.execute(
            text(
                "SELECT c.number FROM cases c JOIN consultations co ON co.case_id = c.id "
                "WHERE c.deleted_hlc IS NULL AND co.deleted_hlc IS NULL LIMIT 1"
            )
        ).scalar_one()
    with session.ws.store.engine.execution_options(write=True).begin() as conn:
        command.downgrade(migrate.alembic_config(conn), "b7d2e5a9c4f1")
    session.close()
    session = app.login(data_dir, ADMIN, ADMIN_PASSWORD)  # at head again, with the column
    try:
        session.referrals.refer(number, ReferralInput("ombudsman", today()))
        # back to the revision before, with a referral in the store
        with session.ws.store.engine.execution_options(write=True).begin() as conn:
            command.downgrade(migrate.alembic_config(conn), "b7d2e5a9c4f1")
            columns = [
                r[1] for r in conn.exec_driver_sql("PRAGMA table_info(consultation_figures)")
            ]
            assert "referred_to" not in columns
    finally:
        session.close()
    session = app.login(data_dir, ADMIN, ADMIN_PASSWORD)  # the upgrade fills the column
    try:
        assert _differences(session) == 0
        period = _period()
        table = session.statistics.figures(
            FigureQuery(Measure.CONSULTATIONS, period, (Dimension.REFERRED_TO,), previous=False)
        )
        assert _values(table).get(("ombudsman",), 0) >= 1
        assert session.maintenance.verify().ok
    finally:
        session.close()


# -- how the case measures read the referrals -----------------------------------------------------


@pytest.mark.parametrize(
    "measure",
    [Measure.CASES_OPENED, Measure.CASES_CLOSED, Measure.OPEN_CASES, Measure.NEW_CLIENTS],
)
def test_a_cases_first_referral_is_one_covering_probe(
    admin_session: app.AppSession, measure: Measure
) -> None:
    period = parse_period("2026Q1")
    statement = figure_sql(
        measure, (Dimension.REFERRED_TO,), AgeBands(), Filters(), eligible_only=False
    )
    with admin_session.ws.read() as s:
        plan = [
            str(r[-1])
            for r in s.execute(
                text("EXPLAIN QUERY PLAN " + statement.sql),
                {**period_params(period), **statement.params},
            )
        ]
    probes = [step for step in plan if "ix_referrals_live_first" in step]
    assert probes and all("COVERING" in step for step in probes), plan
    assert not any("TEMP B-TREE" in step for step in plan), plan


# -- the command ----------------------------------------------------------------------------------


def test_the_command_breaks_figures_down_by_the_new_codes(
    world: tuple[app.AppSession, Rows, Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _session, rows, data_dir = world
    run = cli_as(data_dir, ADMIN, ADMIN_PASSWORD, monkeypatch, capsys)
    year = str(today().year)
    period = parse_period(year)
    for dimension in NEW:
        code, out, err = run(
            "report", "figures", "--measure", "cases_opened", "--by", dimension.value,
            "--period", year, "--format", "json",
        )  # fmt: skip
        assert code == 0, err
        doc = json.loads(out)
        assert doc["by"] == [dimension.value]
        got = {r[dimension.value]: r["value"] for r in doc["rows"] if r["value"]}
        expected = figure(rows, "cases_opened", (dimension.value,), period.start, period.end)
        assert got == {k[0]: v for k, v in expected.items() if v}
        assert doc["total"] == sum(expected.values())

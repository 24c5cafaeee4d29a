"""``consultation_figures`` (store/models/figures.py) stays equal to the join it stands for,
whoever writes: the services, a bundle merged at HQ, raw SQL on any column a figure reads, a
tombstone, a hard delete, a row moved to another case or client, the demo's bulk load, an
upgrade. A figure over consultations reads only that table, so a trigger that missed a write
would make a figure wrong without anything else noticing."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from conftest import new_center_store
from legalaid_desktop import app
from legalaid_desktop.devtools.demo import generate_demo
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.statistics.definitions import Dimension, Measure
from legalaid_desktop.statistics.periods import parse_period
from legalaid_desktop.statistics.query import FigureQuery
from legalaid_desktop.store import consultation_figures
from sync_support import add_case, assert_converged, enroll, make_node, sync

ROOT = Path(__file__).resolve().parents[2]
MIGRATION = ROOT / "migrations" / "versions" / "e9a2d7c4b8f6_consultations_counted_where_given.py"
"""The newest revision that makes the table and its triggers (their text is checked here)."""
BEFORE_FIGURES = "d3a7f1c9e2b4"
"""The revision before the table existed (e6b2c4d8f0a1 made it)."""


def _migration() -> Any:
    spec = importlib.util.spec_from_file_location("figures_migration", MIGRATION)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[app.AppSession]:
    session = new_center_store(tmp_path_factory.mktemp("figures") / "store")
    generate_demo(session.ws, clients=40, seed=7, lawyer_password="Demo-pass-2026")
    yield session
    session.close()


def _differences(session: app.AppSession) -> int:
    with session.ws.read() as s:
        return consultation_figures.differences(s)


def _count(session: app.AppSession, sql: str, **params: Any) -> int:
    with session.ws.read() as s:
        return int(s.execute(text(sql), params).scalar_one())


def _one(session: app.AppSession, sql: str) -> Any:
    with session.ws.read() as s:
        return s.execute(text(sql)).first()


def _raw(session: app.AppSession, sql: str, **params: Any) -> None:
    with session.ws.write() as s:
        s.execute(text(sql), params)


def test_the_migration_and_the_store_define_the_same_rows() -> None:
    assert _migration().SELECT == consultation_figures.SELECT


def test_the_demo_load_fills_the_table_and_leaves_the_triggers(demo: app.AppSession) -> None:
    assert _count(demo, "SELECT count(*) FROM consultation_figures") > 100
    assert _differences(demo) == 0
    with demo.ws.read() as s:
        names = {
            r[0] for r in s.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
        }
    figures = {name for name in names if name.startswith("consultation_figures_")}
    assert figures == {name for name, _event, _body in _migration().TRIGGERS}


# Every column a trigger watches, with a value to set it to (the row is picked by the test).
CHANGES: list[tuple[str, str, str]] = [
    ("consultations", "held_on", "'2026-01-02'"),
    ("consultations", "lawyer", "'someone'"),
    ("consultations", "mode", "'phone'"),
    ("consultations", "minutes", "97"),
    ("consultations", "origin_node", "'QBA'"),
    ("cases", "owner_node", "'QBA'"),
    ("cases", "legal_area", "'tax'"),
    ("cases", "outcome", "'resolved'"),
    ("cases", "campaign_id", "NULL"),
    ("corruption_details", "sector", "'customs'"),
    ("corruption_details", "conduct", "'extortion'"),
    ("corruption_details", "institution", "'Gömrük'"),
    ("corruption_details", "satisfaction", "2"),
    ("clients", "gender", "'other'"),
    ("clients", "birth_year", "1931"),
    ("clients", "region", "'AZ-QA'"),
    ("clients", "displacement", "'idp'"),
    ("clients", "disability", "'group_1'"),
    ("clients", "referral_source", "'radio'"),
]


@pytest.mark.parametrize(("table", "column", "value"), CHANGES)
def test_a_change_to_any_column_a_figure_reads_is_carried(
    demo: app.AppSession, table: str, column: str, value: str
) -> None:
    # a row that has consultations behind it
    key = {
        "consultations": "id",
        "cases": "id",
        "corruption_details": "case_id",
        "clients": "id",
    }[table]
    pick = {
        "consultations": "SELECT id FROM consultations WHERE deleted_hlc IS NULL",
        "cases": "SELECT case_id FROM consultations WHERE deleted_hlc IS NULL",
        "corruption_details": "SELECT case_id FROM corruption_details WHERE case_id IN "
        "(SELECT case_id FROM consultations)",
        "clients": "SELECT ca.client_id FROM cases ca JOIN consultations co ON co.case_id = ca.id",
    }[table]
    row = _one(demo, f"{pick} LIMIT 1")
    assert row is not None
    before = _count(demo, "SELECT count(*) FROM consultation_figures")
    _raw(demo, f"UPDATE {table} SET {column} = {value} WHERE {key} = :id", id=row[0])
    assert _differences(demo) == 0
    assert _count(demo, "SELECT count(*) FROM consultation_figures") == before


def test_tombstones_hard_deletes_and_moves_are_carried(demo: app.AppSession) -> None:
    co = _one(demo, "SELECT id, case_id FROM consultations WHERE deleted_hlc IS NULL")
    case = _one(demo, f"SELECT id, client_id FROM cases WHERE id = '{co[1]}'")
    other_case = _one(
        demo,
        f"SELECT id, client_id FROM cases WHERE deleted_hlc IS NULL AND id != '{case[0]}' "
        f"AND client_id != '{case[1]}'",
    )
    total = _count(demo, "SELECT count(*) FROM consultation_figures")
    of_case = _count(demo, "SELECT count(*) FROM consultations WHERE case_id = :c", c=case[0])
    of_client = _count(
        demo,
        "SELECT count(*) FROM consultations co JOIN cases ca ON ca.id = co.case_id "
        "WHERE ca.client_id = :c AND co.deleted_hlc IS NULL AND ca.deleted_hlc IS NULL",
        c=case[1],
    )
    steps = [
        ("UPDATE consultations SET deleted_hlc = 'x' WHERE id = :id", {"id": co[0]}, total - 1),
        ("UPDATE consultations SET deleted_hlc = NULL WHERE id = :id", {"id": co[0]}, total),
        ("UPDATE cases SET deleted_hlc = 'x' WHERE id = :id", {"id": case[0]}, total - of_case),
        ("UPDATE cases SET deleted_hlc = NULL WHERE id = :id", {"id": case[0]}, total),
        ("UPDATE clients SET deleted_hlc = 'x' WHERE id = :id", {"id": case[1]}, total - of_client),
        ("UPDATE clients SET deleted_hlc = NULL WHERE id = :id", {"id": case[1]}, total),
        # a consultation moved to another case, a case to another client
        (
            "UPDATE consultations SET case_id = :c WHERE id = :id",
            {"c": other_case[0], "id": co[0]},
            total,
        ),
        (
            "UPDATE cases SET client_id = :c WHERE id = :id",
            {"c": other_case[1], "id": case[0]},
            total,
        ),
        ("UPDATE cases SET client_id = :c WHERE id = :id", {"c": case[1], "id": case[0]}, total),
        # corruption details removed and given again
        ("DELETE FROM corruption_details WHERE case_id = :c", {"c": other_case[0]}, total),
        ("DELETE FROM consultations WHERE id = :id", {"id": co[0]}, total - 1),
    ]
    for sql, params, expected in steps:
        _raw(demo, sql, **params)
        assert _differences(demo) == 0, sql
        assert _count(demo, "SELECT count(*) FROM consultation_figures") == expected, sql


def test_a_failed_write_leaves_the_table_as_it_was(demo: app.AppSession) -> None:
    before = _count(demo, "SELECT count(*) FROM consultation_figures WHERE gender = 'male'")
    client = _one(
        demo,
        "SELECT ca.client_id FROM cases ca JOIN consultations co ON co.case_id = ca.id "
        "JOIN clients cl ON cl.id = ca.client_id WHERE cl.gender = 'male' "
        "AND co.deleted_hlc IS NULL AND ca.deleted_hlc IS NULL AND cl.deleted_hlc IS NULL",
    )
    with pytest.raises(RuntimeError), demo.ws.write() as s:
        s.execute(text("UPDATE clients SET gender = 'female' WHERE id = :id"), {"id": client[0]})
        raise RuntimeError("the user cancelled")
    assert _count(demo, "SELECT count(*) FROM consultation_figures WHERE gender = 'male'") == before
    assert _differences(demo) == 0


def test_the_services_writes_show_in_the_figures(tmp_path: Path) -> None:
    session = new_center_store(tmp_path / "store")
    try:
        period = parse_period(str(today().year))
        query = FigureQuery(Measure.CONSULTATIONS, period, (Dimension.GENDER,), previous=False)
        client_id, _number = add_case(session)  # a man with one consultation today
        got = session.statistics.figures(query)
        assert {r.codes: r.value for r in got.rows} == {("male",): 1}
        from legalaid_desktop.domain.cases import ClientInput

        session.clients.update(
            client_id,
            ClientInput(
                full_name="Əliyeva Rəna İsmayıl qızı",
                gender="female",
                birth_year=1980,
                region="AZ-GA",
                phone="+994 50 123 45 67",
            ),
        )
        got = session.statistics.figures(query)
        assert {r.codes: r.value for r in got.rows} == {("female",): 1}
        assert _differences(session) == 0
    finally:
        session.close()


def test_a_bundle_merged_at_hq_is_counted_there(tmp_path: Path) -> None:
    hq = make_node(tmp_path, "BAK", hq=True, name="Bakı qərargahı")
    gnj = make_node(tmp_path, "GNJ", name="Gəncə mərkəzi")
    try:
        enroll(hq, gnj, tmp_path)
        add_case(gnj)
        add_case(gnj, name="Məmmədova Leyla Arif qızı", phone="+994 55 111 22 33")
        sync(hq).import_bundle(sync(gnj).export(tmp_path / "up.bundle").path)
        assert _differences(hq) == 0
        assert_converged(hq, gnj, ("consultation_figures",))
        period = parse_period(str(today().year))
        query = FigureQuery(Measure.CONSULTATIONS, period, (Dimension.CENTER,), previous=False)
        got = hq.statistics.figures(query)
        assert {r.codes: r.value for r in got.rows} == {("GNJ",): 2}
    finally:
        hq.close()
        gnj.close()


def test_an_older_store_gets_the_table_filled_at_upgrade(tmp_path: Path) -> None:
    from alembic import command

    from conftest import ADMIN, ADMIN_PASSWORD
    from legalaid_desktop.store import migrate

    data_dir = tmp_path / "store"
    session = new_center_store(data_dir)
    add_case(session)
    add_case(session, name="Məmmədova Leyla Arif qızı", phone="+994 55 111 22 33")
    with session.ws.store.engine.execution_options(write=True).begin() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys = OFF")
        command.downgrade(migrate.alembic_config(conn), BEFORE_FIGURES)
        tables = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master")}
    assert "consultation_figures" not in tables and "ix_consents_stats" not in tables
    assert not any(name.startswith("consultation_figures_") for name in tables)
    session.close()

    session = app.login(data_dir, ADMIN, ADMIN_PASSWORD)  # opening upgrades to head
    try:
        assert _count(session, "SELECT count(*) FROM consultation_figures") == 2
        assert _differences(session) == 0
        add_case(session, name="Quliyev Orxan Fuad oğlu", phone="+994 70 222 33 44")
        assert _count(session, "SELECT count(*) FROM consultation_figures") == 3
        assert session.maintenance.verify().ok
    finally:
        session.close()


def test_figures_faked_in_the_table_fail_verification_until_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An insider with the store's key inflates the donor figures by writing to the derived
    table (no record, no audit event changes): ``db verify`` fails naming the table, the figure
    comes back right after ``db rebuild-figures``, which only an administrator may run."""
    import json

    from conftest import ADMIN, ADMIN_PASSWORD, cli_as

    data_dir = tmp_path / "store"
    session = new_center_store(data_dir)
    add_case(session)
    session.users.add("leyla", "Məmmədova Leyla", "lawyer", "Sheki-silk-2026")
    period = parse_period(str(today().year))
    query = FigureQuery(Measure.CONSULTATIONS, period, previous=False)
    assert session.statistics.figures(query).total == 1
    _raw(
        session,
        "INSERT INTO consultation_figures (held_on, id, client_id, corruption, gender) "
        "SELECT held_on, randomblob(16), client_id, 0, 'female' FROM consultation_figures",
    )
    _raw(session, "UPDATE consultation_figures SET gender = 'female'")
    assert session.statistics.figures(query).total == 2  # what the fake makes of the figure
    session.close()

    run = cli_as(data_dir, ADMIN, ADMIN_PASSWORD, monkeypatch, capsys)
    code, out, _err = run("--json", "db", "verify")
    doc = json.loads(out)
    assert code == 1 and not doc["ok"]
    assert doc["pages"] == doc["structure"] == doc["audit"] == []  # nothing else sees it
    assert doc["figures"] == [  # 3 rows: 1 made up, 1 altered (and its true form missing)
        "The statistics' table of consultations differs from the records in 3 rows: figures "
        "over consultations are wrong until it is rebuilt (legalaid db rebuild-figures)."
    ]
    lawyer = cli_as(data_dir, "leyla", "Sheki-silk-2026", monkeypatch, capsys)
    code, _out, err = lawyer("db", "rebuild-figures")
    assert code == 5 and "Traceback" not in err
    run = cli_as(data_dir, ADMIN, ADMIN_PASSWORD, monkeypatch, capsys)  # the env is per user
    code, out, err = run("--json", "db", "rebuild-figures")
    assert code == 0, err
    assert json.loads(out) == {"differed": 3}
    code, out, _err = run("--json", "db", "verify")
    assert code == 0 and json.loads(out)["figures"] == []

    session = app.login(data_dir, ADMIN, ADMIN_PASSWORD)
    try:
        got = session.statistics.figures(
            FigureQuery(Measure.CONSULTATIONS, period, (Dimension.GENDER,), previous=False)
        )
        assert {r.codes: r.value for r in got.rows} == {("male",): 1}
        with session.ws.read() as s:
            events = s.execute(
                text("SELECT details FROM audit_events WHERE action = 'figures_rebuilt'")
            ).all()
        assert [json.loads(e[0]) for e in events] == [{"differed": 3, "rows": 1}]
    finally:
        session.close()

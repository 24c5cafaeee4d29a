"""``legalaid export`` on a real store: files read back (openpyxl, csv), exact rows, the
filters and the order of the lists, exit codes 4 and 5 with no file left behind, a lawyer
refused and audited, every export audited, and a cancel that leaves nothing."""

from __future__ import annotations

import csv
import io
import os
from datetime import datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from conftest import (
    ADMIN,
    ADMIN_PASSWORD,
    LAWYER,
    LAWYER_PASSWORD,
    Run,
    cli_as,
    copy_store,
    new_center_store,
)
from legalaid_desktop import app
from legalaid_desktop.cli.main import main
from legalaid_desktop.domain.cases import CaseInput, ClientInput, ConsultationInput
from legalaid_desktop.domain.errors import PermissionDenied
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.services.exports import ExportCancelled, ListFilters
from legalaid_desktop.store.models import AuditEvent

DAY = today() - timedelta(days=10)


@pytest.fixture(scope="module")
def store_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three clients (Baku, Ganja, Ganja), four cases, three consultations."""
    data_dir = tmp_path_factory.mktemp("exports") / "store"
    s = new_center_store(data_dir)
    s.users.add(LAWYER, "Hüseynova Leyla Əli qızı", "lawyer", LAWYER_PASSWORD)
    ali = s.clients.register(
        ClientInput(full_name="Əliyeva Günay Rəşid qızı", gender="female", region="AZ-GA",
                    birth_year=1990, phone="+994 50 123 45 67", address="Nizami küç. 5",
                    displacement="idp")
    )  # fmt: skip
    bab = s.clients.register(
        ClientInput(full_name="Babayev Orxan Tofiq oğlu", gender="male", region="AZ-BA")
    )
    zey = s.clients.register(
        ClientInput(full_name="Zeynalova Səbinə Kamal qızı", gender="female", region="AZ-GA",
                    referral_source="=HYPERLINK(\"x\")")
    )  # fmt: skip
    c1 = s.cases.open(CaseInput(ali.id, "family", "aliment", opened_on=DAY))
    c2 = s.cases.open(CaseInput(ali.id, "labour", "iş haqqı", lawyer=LAWYER, opened_on=DAY))
    c3 = s.cases.open(
        CaseInput(bab.id, "property", "ev", lawyer=LAWYER, opened_on=DAY + timedelta(days=2))
    )
    s.cases.open(CaseInput(zey.id, "family", "boşanma", opened_on=DAY + timedelta(days=5)))
    s.cases.close(c1.number, "advice_given", DAY + timedelta(days=3))
    s.records.add_consultation(
        c1.number, ConsultationInput("Aliment haqqında məsləhət", held_on=DAY, minutes=45)
    )
    s.records.add_consultation(
        c2.number,
        ConsultationInput("İş haqqı", held_on=DAY + timedelta(days=1), mode="phone", lawyer=LAWYER),
    )
    s.records.add_consultation(
        c3.number, ConsultationInput("Ev", held_on=DAY + timedelta(days=2), lawyer=LAWYER)
    )
    s.close()
    return data_dir


@pytest.fixture
def store(store_once: Path, tmp_path: Path) -> Path:
    return copy_store(store_once, tmp_path)


@pytest.fixture
def run(store: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    return cli_as(store, ADMIN, ADMIN_PASSWORD, monkeypatch, capsys)


def _events(store: Path, action: str) -> list[AuditEvent]:
    session = app.login(store, ADMIN, ADMIN_PASSWORD)
    try:
        with session.ws.read() as s:
            rows = s.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()
            for r in rows:
                s.expunge(r)
            return list(rows)
    finally:
        session.close()


def _sheet(path: Path, name: str) -> list[tuple[object, ...]]:
    book = openpyxl.load_workbook(path)
    return list(book[name].iter_rows(values_only=True))


def test_clients_xlsx_exact_rows_labels_and_parameters(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "clients.xlsx"
    code, out, err = run("export", "clients", "-o", str(target))
    assert code == 0, err
    assert "3 rows" in out
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["Clients", "Parameters"]
    ws = book["Clients"]
    assert ws.freeze_panes == "A2"
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:5] == ("Client number", "Name", "Gender", "Birth year", "Region")
    # the client list's order: Azerbaijani alphabetical (B < Ə < Z)
    assert [r[1] for r in rows[1:]] == [
        "Babayev Orxan Tofiq oğlu",
        "Əliyeva Günay Rəşid qızı",
        "Zeynalova Səbinə Kamal qızı",
    ]
    ali = rows[2]
    assert ali[0].startswith("GNJ-C-")  # the readable number, never an id
    assert ali[2:7] == ("Female", 1990, "Ganja", "Internally displaced person (IDP)",
                        "No disability")  # fmt: skip
    assert ali[7:9] == ("+994 50 123 45 67", "Nizami küç. 5")
    assert isinstance(ali[11], datetime)  # registered: a date cell
    assert ali[12] == 1  # open cases, a number (the family case is closed)
    assert rows[3][9] == '=HYPERLINK("x")'  # text stays text, never a formula
    params = dict(_sheet(target, "Parameters"))
    assert params["Rows"] == 3
    assert "not encrypted" in str(params["Privacy"])
    # no row id anywhere
    text = " ".join(str(c) for r in rows for c in r if c is not None)
    session = app.login(Path(os.environ["LEGALAID_DATA_DIR"]), ADMIN, ADMIN_PASSWORD)
    try:
        ids = [r.id for r in session.clients.list().rows]
    finally:
        session.close()
    assert not any(i in text for i in ids)


@pytest.mark.parametrize(("lang", "sep"), [("az", ";"), ("ru", ";"), ("en", ",")])
def test_cases_csv_read_back(run: Run, tmp_path: Path, lang: str, sep: str) -> None:
    target = tmp_path / "cases.csv"
    code, _out, err = run("--lang", lang, "export", "cases", "-o", str(target))
    assert code == 0, err
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=sep))
    assert len(rows) == 5 and len(rows[0]) == 10
    # newest first, as the case list
    assert [r[7] for r in rows[1:]] == [
        (DAY + timedelta(days=5)).isoformat(),
        (DAY + timedelta(days=2)).isoformat(),
        DAY.isoformat(),
        DAY.isoformat(),
    ]
    family = {"az": "Ailə hüququ", "ru": "Семейное право", "en": "Family law"}[lang]
    assert rows[1][3] == family
    closed = next(r for r in rows[1:] if r[8])
    assert closed[8] == (DAY + timedelta(days=3)).isoformat()
    assert closed[5] == "Məmmədov Elçin Vaqif oğlu"  # the lawyer's name, not the user name
    assert closed[6] == "GNJ"


def test_filters_and_consultations(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "c.xlsx"
    code, _out, err = run(
        "export", "cases", "-o", str(target), "--lawyer", LAWYER, "--region", "AZ-GA"
    )
    assert code == 0, err
    rows = _sheet(target, "Cases")
    assert len(rows) == 2 and rows[1][3] == "Labour law"
    code, _out, err = run(
        "export", "consultations", "--format", "xlsx", "-o", str(target),
        "--from", str(DAY + timedelta(days=1)), "--to", str(DAY + timedelta(days=2)),
    )  # fmt: skip
    assert code == 0, err
    rows = _sheet(target, "Consultations")
    assert [r[8] for r in rows[1:]] == ["İş haqqı", "Ev"]
    assert rows[1][5] == "By phone" and rows[1][6] == 30
    assert isinstance(rows[1][0], datetime) and rows[1][0].date() == DAY + timedelta(days=1)
    code, _out, err = run("export", "clients", "-o", str(target), "--status", "closed")
    assert code == 0, err
    assert [r[1] for r in _sheet(target, "Clients")[1:]] == ["Əliyeva Günay Rəşid qızı"]


def test_every_export_is_audited_with_its_path(run: Run, store: Path, tmp_path: Path) -> None:
    target = tmp_path / "audited.csv"
    code, _out, err = run("export", "cases", "-o", str(target), "--legal-area", "family")
    assert code == 0, err
    (event,) = _events(store, "records_exported")
    assert event.actor == ADMIN
    assert event.details["list"] == "cases"
    assert event.details["rows"] == 2
    assert event.details["file"] == str(target)
    assert event.details["filters"] == {"legal_area": "family"}


def test_a_lawyer_is_refused_and_audited(
    run: Run, store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEGALAID_USER", LAWYER)
    monkeypatch.setenv("LEGALAID_PASSWORD", LAWYER_PASSWORD)
    target = tmp_path / "mine.xlsx"
    # even the lawyer's own cases: the file would carry personal data out of the store
    code, _out, err = run("export", "cases", "-o", str(target), "--lawyer", LAWYER)
    assert code == 5
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not target.exists()
    (event,) = _events(store, "permission_denied")
    assert event.actor == LAWYER
    assert event.details["action"] == "export"
    assert event.details["target"] == "cases"
    assert _events(store, "records_exported") == []


@pytest.mark.parametrize(
    "args",
    [
        ("export", "people", "-o", "{dir}/x.csv"),
        ("export", "cases", "-o", "{dir}/x.pdf"),
        ("export", "cases", "--format", "ods", "-o", "{dir}/x.ods"),
        ("export", "cases", "-o", "{dir}/x.csv", "--from", "2026-13-01"),
        ("export", "cases", "-o", "{dir}/x.csv", "--from", "2026-03-01", "--to", "2026-02-01"),
        ("export", "cases", "-o", "{dir}/missing/x.csv"),
        ("export", "cases"),
    ],
)
def test_bad_input_exit_4_before_the_password(
    args: tuple[str, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str], store: Path,
) -> None:  # fmt: skip
    monkeypatch.setenv("LEGALAID_DATA_DIR", str(store))
    monkeypatch.setenv("LEGALAID_USER", ADMIN)
    monkeypatch.delenv("LEGALAID_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # a prompt would fail with exit 3
    before = set(tmp_path.iterdir())
    code = main([a.format(dir=tmp_path) for a in args])
    _out, err = capsys.readouterr()
    assert code == 4, err
    assert err.count("\n") == 1 and err.startswith("legalaid: ")
    assert set(tmp_path.iterdir()) == before


def test_unknown_code_is_exit_4(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "x.csv"
    code, _out, err = run("export", "cases", "-o", str(target), "--region", "AZ-XX")
    assert code == 4 and err.count("\n") == 1
    code, _out, err = run("export", "cases", "-o", str(target), "--center", "BAK")
    assert code == 4 and "BAK" in err
    assert not target.exists()


def test_unwritable_folder_exit_4_and_nothing_left(run: Run, read_only_folder: Path) -> None:
    code, _out, err = run("export", "clients", "-o", str(read_only_folder / "c.xlsx"))
    assert code == 4 and err.count("\n") == 1
    assert list(read_only_folder.iterdir()) == []


def test_a_failed_write_leaves_nothing(store: Path, tmp_path: Path) -> None:
    """A folder where the file should go: InputRejected, and no file or temporary left."""
    session = app.login(store, ADMIN, ADMIN_PASSWORD)
    try:
        from legalaid_desktop.domain.errors import InputRejected

        target = tmp_path / "busy.xlsx"
        target.mkdir()  # a folder where the file should go
        with pytest.raises(InputRejected):
            session.exports.export("cases", target, "xlsx")
        assert list(target.iterdir()) == []
        assert sorted(p.name for p in tmp_path.iterdir()) == ["busy.xlsx", "store"]
    finally:
        session.close()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_cancel_leaves_no_file(store: Path, tmp_path: Path, fmt: str) -> None:
    session = app.login(store, ADMIN, ADMIN_PASSWORD)
    seen: list[tuple[int, int]] = []
    try:
        target = tmp_path / f"out.{fmt}"
        with pytest.raises(ExportCancelled):
            session.exports.export(
                "consultations", target, fmt, progress=lambda d, t: seen.append((d, t)),
                cancelled=lambda: bool(seen),
            )  # fmt: skip
        assert seen == [(0, 3)]
        assert sorted(p.name for p in tmp_path.iterdir()) == ["store"]
        with session.ws.read() as s:
            exported = s.scalars(
                select(AuditEvent).where(AuditEvent.action == "records_exported")
            ).all()
        assert exported == []
        # the order of the list on screen, reversed, with a typed filter
        result = session.exports.export(
            "cases", target, fmt, ListFilters(order="number", descending=True, text="aliment")
        )
        assert result.rows == 1
    finally:
        session.close()


def test_a_manager_may_an_analyst_may_not(store: Path, tmp_path: Path) -> None:
    session = app.login(store, ADMIN, ADMIN_PASSWORD)
    session.users.add("nigar", "Quliyeva Nigar", "manager", "Bulvar-park-2026")
    session.users.add("tural", "Həsənov Tural", "hq_analyst", "Bulvar-park-2026")
    session.close()
    manager = app.login(store, "nigar", "Bulvar-park-2026")
    try:
        assert manager.exports.export("clients", tmp_path / "m.csv", "csv").rows == 3
    finally:
        manager.close()
    analyst = app.login(store, "tural", "Bulvar-park-2026")
    try:
        with pytest.raises(PermissionDenied):
            analyst.exports.export("clients", tmp_path / "a.csv", "csv")
    finally:
        analyst.close()
    assert not (tmp_path / "a.csv").exists()


def test_dates_are_dates(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "cases.xlsx"
    assert run("export", "cases", "-o", str(target))[0] == 0
    rows = _sheet(target, "Cases")
    opened = [r[7] for r in rows[1:]]
    assert all(isinstance(d, datetime) for d in opened)
    assert min(d.date() for d in opened) == DAY
    assert rows[1][8] is None  # not closed: an empty cell


def test_never_into_the_data_folder(
    run: Run, store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``-o`` on the store itself would replace the encrypted database with a plain CSV."""
    before = (store / "legalaid.db").read_bytes()
    for target in (store / "legalaid.db", store / "clients.csv"):
        code, _out, err = run("export", "clients", "--format", "csv", "-o", str(target))
        assert code == 4 and "data folder" in err and err.count("\n") == 1
    # checked before the password is asked for
    monkeypatch.delenv("LEGALAID_PASSWORD")
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code, _out, err = run("export", "cases", "-o", str(store / ".." / "store" / "c.xlsx"))
    assert code == 4 and "data folder" in err
    monkeypatch.setenv("LEGALAID_PASSWORD", ADMIN_PASSWORD)
    session = app.login(store, ADMIN, ADMIN_PASSWORD)
    try:
        from legalaid_desktop.domain.errors import InputRejected

        with pytest.raises(InputRejected):  # the service refuses too (the GUI's way in)
            session.exports.write_table("calendar", "x", store / "x.csv", "csv", ["a"], [], total=0)
    finally:
        session.close()
    assert (store / "legalaid.db").read_bytes()[:16] == before[:16]
    assert not (store / "clients.csv").exists()
    assert run("client", "list")[0] == 0  # the store still opens

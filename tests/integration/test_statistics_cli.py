"""``legalaid report figures`` as an HQ script uses it, on a store with crafted small counts:
the JSON contract, files read back, suppression and the consent rule, exit codes 4 and 5 with
no file left behind."""

from __future__ import annotations

import csv
import io
import json
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
from legalaid_desktop.domain.cases import CaseInput, ClientInput, ConsentInput, ConsultationInput
from legalaid_desktop.domain.conflict_decisions import ConflictDecisionInput
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.statistics.definitions import Dimension, Measure
from legalaid_desktop.statistics.periods import parse_period
from legalaid_desktop.statistics.query import FigureQuery
from legalaid_desktop.store.models import AuditEvent, Consultation

ALL = ("store_process", "share_hq", "anonymized_stats")


def _client(session: app.AppSession, gender: str, purposes: tuple[str, ...] = ALL) -> str:
    day = today()
    info = session.clients.register(
        ClientInput(full_name="Əliyeva Günay Rəşid qızı", gender=gender, region="AZ-GA",
                    birth_year=day.year - 25),
        ConsentInput(given_on=day, purposes=purposes),
        ConflictDecisionInput("no_conflict"),  # one name for every client, on purpose
    )  # fmt: skip
    case = session.cases.open(CaseInput(info.id, "family", "aliment", opened_on=day))
    session.records.add_consultation(case.number, ConsultationInput("məsləhət", held_on=day))
    return info.id


@pytest.fixture(scope="module")
def crafted_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Female 7, male 6, other 2 who consented to anonymized statistics; one more female who did
    not, and one more male who withdrew it: 17 clients served this month."""
    data_dir = tmp_path_factory.mktemp("crafted") / "store"
    s = new_center_store(data_dir)
    s.users.add(LAWYER, "Hüseynova Leyla Əli qızı", "lawyer", LAWYER_PASSWORD)
    for gender, n in (("female", 7), ("male", 6), ("other", 2)):
        for _ in range(n):
            _client(s, gender)
    _client(s, "female", ("store_process",))
    withdrawn = _client(s, "male")
    s.clients.withdraw_purpose(withdrawn, "anonymized_stats")
    s.close()
    return data_dir


@pytest.fixture
def crafted(crafted_once: Path, tmp_path: Path) -> Path:
    """A copy of the crafted store for one test."""
    return copy_store(crafted_once, tmp_path)


@pytest.fixture
def run(crafted: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    return cli_as(crafted, ADMIN, ADMIN_PASSWORD, monkeypatch, capsys)


def _month() -> str:
    return today().strftime("%Y-%m")


def test_the_json_document_of_the_contract(run: Run) -> None:
    code, out, err = run(
        "report", "figures", "--measure", "clients_served", "--by", "gender",
        "--period", _month(), "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    doc = json.loads(out)
    period = parse_period(_month())
    assert doc == {
        "measure": "clients_served",
        "by": ["gender"],
        "from": period.start.isoformat(),
        "to": period.end.isoformat(),
        "rows": [
            {"gender": "female", "value": 8},
            {"gender": "male", "value": 7},
            {"gender": "other", "value": 2},
        ],
        "total": 17,
    }
    # the global --json gives the same document
    code, out2, _err = run(
        "--json", "report", "figures", "--measure", "clients_served", "--by", "gender",
        "--period", _month(),
    )  # fmt: skip
    assert code == 0 and json.loads(out2) == doc


def test_anonymized_suppresses_and_leaves_out_who_did_not_consent(run: Run) -> None:
    code, out, err = run(
        "report", "figures", "--measure", "clients_served", "--by", "gender",
        "--period", _month(), "--format", "json", "--anonymized",
    )  # fmt: skip
    assert code == 0, err
    doc = json.loads(out)
    # other (2) is small; the total would give it back, so male (6), the next smallest, goes
    # too, marked "x": "<5" would say there were fewer than 5 men
    assert doc["rows"] == [
        {"gender": "female", "value": 7},
        {"gender": "male", "value": "x"},
        {"gender": "other", "value": "<5"},
    ]
    assert doc["total"] == 15
    code, out, _err = run(
        "report", "figures", "--measure", "clients_served", "--by", "gender",
        "--period", _month(), "--anonymized",
    )  # fmt: skip
    assert code == 0
    assert "Total" in out and "<5" in out
    assert "2 clients without consent to anonymized statistics are left out" in out


def test_a_tombstoned_consultation_is_not_counted(crafted: Path) -> None:
    session = app.login(crafted, ADMIN, ADMIN_PASSWORD)
    try:
        query = FigureQuery(Measure.CONSULTATIONS, parse_period(_month()), (Dimension.GENDER,))
        before = session.statistics.figures(query).total
        with session.ws.write() as s:
            row = s.scalars(select(Consultation)).first()
            assert row is not None
            session.ws.tombstone(s, row)
        assert session.statistics.figures(query).total == before - 1
    finally:
        session.close()


@pytest.mark.parametrize(("lang", "sep"), [("az", ";"), ("ru", ";"), ("en", ",")])
def test_csv_file_read_back(run: Run, tmp_path: Path, lang: str, sep: str) -> None:
    target = tmp_path / "figures.csv"
    code, _out, err = run(
        "--lang", lang, "report", "figures", "--measure", "cases_opened", "--by", "gender",
        "--period", _month(), "-o", str(target),
    )  # fmt: skip
    assert code == 0, err
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=sep))
    assert len(rows[0]) == 3  # gender, this period, the previous period
    values = {r[0]: r[1] for r in rows[1:]}
    female = {"az": "Qadın", "ru": "Женщина", "en": "Female"}[lang]
    assert values[female] == "8"
    assert rows[-1][1] == "17"


def test_xlsx_file_read_back(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "gender-age.xlsx"
    code, out, err = run(
        "report", "figures", "--measure", "clients_served", "--by", "gender,age_band",
        "--period", _month(), "-o", str(target), "--anonymized",
    )  # fmt: skip
    assert code == 0, err
    assert "Wrote" in out
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["Cross table", "Clients served", "Parameters"]
    cross = list(book["Cross table"].iter_rows(values_only=True))
    assert cross[0] == ("Gender \\ Age band", "18-29", "Total")
    assert cross[1] == ("Female", 7, 7)
    assert cross[2] == ("Male", "x", "x")
    assert cross[-1] == ("Total", 15, 15)
    long = list(book["Clients served"].iter_rows(values_only=True))
    assert long[1][:3] == ("Female", "18-29", 7)
    assert book["Clients served"].freeze_panes == "A2"
    params = dict(book["Parameters"].iter_rows(values_only=True))
    assert params["Measure code"] == "clients_served"
    assert params["Clients left out (no consent to anonymized statistics)"] == 2
    assert params["youth (14–29)"] == 15
    for ws in book:
        for row in ws.iter_rows(values_only=True):
            assert "Əliyeva" not in repr(row)


def test_an_export_is_audited(run: Run, crafted: Path, tmp_path: Path) -> None:
    target = tmp_path / "f.json"
    code, _out, err = run(
        "report", "figures", "--measure", "new_clients", "--period", _month(), "-o", str(target)
    )
    assert code == 0, err
    assert json.loads(target.read_text("utf-8"))["total"] == 17
    session = app.login(crafted, ADMIN, ADMIN_PASSWORD)
    try:
        with session.ws.read() as s:
            event = s.scalars(
                select(AuditEvent).where(AuditEvent.action == "statistics_exported")
            ).one()
    finally:
        session.close()
    assert event.details["format"] == "json"
    assert event.details["measure"] == "new_clients"
    assert event.details["file"] == str(target)


BAD = [
    (("--measure", "clients", "--period", "2026"), "Unknown measure"),
    (("--measure", "clients_served", "--by", "gendr", "--period", "2026"), "Unknown dimension"),
    (("--measure", "clients_served", "--by", "gender,region,center", "--period", "2026"), "two"),
    (("--measure", "clients_served", "--period", "2026Q5"), "Unknown period"),
    (("--measure", "clients_served", "--from", "2026-03-02", "--to", "2026-03-01"), "after"),
    (("--measure", "clients_served", "--from", "2026-02-30", "--to", "2026-03-01"), "not a date"),
    (("--measure", "clients_served", "--from", "2026-02-01"), "--period"),
    (("--measure", "open_cases", "--by", "month", "--period", "2026"), "Open cases"),
    (("--measure", "cases_opened", "--by", "consultation_mode", "--period", "2026"), "mode"),
    (("--measure", "clients_served", "--period", "2026", "--format", "pdf"), "Unknown format"),
    (("--measure", "clients_served", "--period", "2026", "--format", "table"), "csv, xlsx or json"),
    (("--measure", "clients_served", "--period", "2026", "--age-bands", "5-9,10+"), "Age bands"),
]


@pytest.mark.parametrize(("args", "message"), BAD)
def test_bad_input_is_one_line_and_exit_4(
    run: Run, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    code, _out, err = run("report", "figures", *args, "-o", str(out_dir / "out.json"))
    assert code == 4
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert list(out_dir.iterdir()) == []


def test_xlsx_needs_a_file(run: Run) -> None:
    code, out, err = run(
        "report", "figures", "--measure", "consultations", "--period", "2026", "--format", "xlsx"
    )
    assert code == 4 and "-o" in err and out == ""


@pytest.mark.parametrize("where", ["missing/out.csv", "file.txt/out.csv", "."])
def test_an_unwritable_output_is_exit_4_and_leaves_nothing(
    run: Run, tmp_path: Path, where: str
) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / "file.txt").write_text("x")
    target = out_dir / where
    code, _out, err = run(
        "report", "figures", "--measure", "consultations", "--period", _month(),
        "--format", "csv", "-o", str(target),
    )  # fmt: skip
    assert code == 4, err
    assert "Cannot write" in err and err.count("\n") == 1
    assert sorted(p.name for p in out_dir.iterdir()) == ["file.txt"]


def test_a_lawyer_is_refused_other_lawyers_figures_with_exit_5(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEGALAID_USER", LAWYER)
    monkeypatch.setenv("LEGALAID_PASSWORD", LAWYER_PASSWORD)
    code, out, err = run(
        "report", "figures", "--measure", "consultations", "--period", _month(),
        "--lawyer", ADMIN,
    )  # fmt: skip
    assert code == 5
    assert err.count("\n") == 1
    code, out, err = run(
        "report", "figures", "--measure", "consultations", "--period", _month(), "--format", "json"
    )
    assert code == 0, err
    assert json.loads(out)["total"] == 0  # the admin held every consultation

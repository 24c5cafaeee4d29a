"""`legalaid client list|show` and `case open --client NUMBER`, as a script drives them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from conftest import ADMIN, ADMIN_PASSWORD, LAWYER, LAWYER_PASSWORD
from legalaid_desktop import app
from legalaid_desktop.cli.main import main
from legalaid_desktop.store.models import AuditEvent

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@pytest.fixture
def run(
    store_with_lawyer: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("LEGALAID_DATA_DIR", str(store_with_lawyer))
    monkeypatch.setenv("LEGALAID_USER", LAWYER)
    monkeypatch.setenv("LEGALAID_PASSWORD", LAWYER_PASSWORD)

    def _run(*args: str, admin: bool = False) -> tuple[int, str, str]:
        if admin:
            monkeypatch.setenv("LEGALAID_USER", ADMIN)
            monkeypatch.setenv("LEGALAID_PASSWORD", ADMIN_PASSWORD)
        try:
            code = main(list(args))
        finally:
            monkeypatch.setenv("LEGALAID_USER", LAWYER)
            monkeypatch.setenv("LEGALAID_PASSWORD", LAWYER_PASSWORD)
        out, err = capsys.readouterr()
        return code, out, err

    return _run


def _add(run, name: str, gender: str, region: str) -> str:  # type: ignore[no-untyped-def]
    code, out, err = run(
        "client", "add", "--full-name", name, "--gender", gender, "--region", region,
        "--birth-year", "1980", "--consent", "store_process",
    )  # fmt: skip
    assert code == 0, err
    return out.strip()


@pytest.fixture
def three(run) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        _add(run, "Hüseynova Gülşən Əli qızı", "female", "AZ-GA"),
        _add(run, "Quliyev Namiq Fuad oğlu", "male", "AZ-QBA"),
        _add(run, "Əliyeva Nərmin Rauf qızı", "female", "AZ-QBA"),
    ]


def test_the_list_shows_numbers_names_labels_and_dates(run, three: list[str]) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run("client", "list")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].split() == ["Number", "Name", "Region", "Gender", "Recorded"]
    # Azerbaijani alphabetical order (A B C Ç D E Ə F G Ğ H X I İ J K Q ...)
    body = "\n".join(lines[1:])
    assert "GNJ-C-00001" in body and "GNJ-C-00002" in body and "GNJ-C-00003" in body
    assert "Hüseynova Gülşən Əli qızı" in body and "Female" in body
    assert re.search(r"\d\d\.\d\d\.\d{4}", body)
    assert not UUID.search(out)  # no raw ids for people
    names = [line.split("  ")[1].strip() for line in lines[1:]]
    assert names == [
        "Əliyeva Nərmin Rauf qızı",
        "Hüseynova Gülşən Əli qızı",
        "Quliyev Namiq Fuad oğlu",
    ]


def test_the_filters_and_the_stable_json(run, three: list[str]) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run("client", "list", "--region", "AZ-QBA", "--gender", "female", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["total"] == 1
    (only,) = data["clients"]
    assert set(only) == {
        "number", "id", "name", "anonymized", "gender", "region", "birth_year", "open_cases",
        "created_on",
    }  # fmt: skip
    assert only["number"] == "GNJ-C-00003" and only["id"] == three[2]
    assert only["name"] == "Əliyeva Nərmin Rauf qızı" and only["anonymized"] is False
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", only["created_on"])
    # The global --json says the same; the labels of other languages do not leak into it.
    code, out_global, _ = run("--lang", "az", "--json", "client", "list", "--region", "AZ-QBA")
    assert [c["number"] for c in json.loads(out_global)["clients"]] == [
        "GNJ-C-00003",
        "GNJ-C-00002",
    ]
    code, out, _ = run("client", "list", "--region", "AZ-BA")
    assert code == 0 and out.strip() == "No clients."


def test_show_by_number_or_id_and_open_a_case_by_number(run, three: list[str]) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run("client", "show", "gnj-c-00002")
    assert code == 0, err
    assert out.startswith("GNJ-C-00002  Quliyev Namiq Fuad oğlu")
    assert "Consent in force" in out and not UUID.search(out)
    code, out, _ = run("--json", "client", "show", three[1])
    shown = json.loads(out)
    assert shown["number"] == "GNJ-C-00002" and shown["center"] == "GNJ"
    assert shown["purposes_in_force"] == ["store_process"]
    code, number, err = run(
        "case", "open", "--client", "GNJ-C-00002", "--area", "social", "--summary", "MİS"
    )
    assert code == 0, err
    code, out, _ = run("client", "show", "GNJ-C-00002")
    assert number.strip() in out


def test_showing_a_client_is_audited_the_list_is_not(
    run, three: list[str], store_with_lawyer: Path
) -> None:  # type: ignore[no-untyped-def]
    """Who looked at whom stays answerable (the access report reads these events)."""
    assert run("client", "list")[0] == 0
    assert run("client", "show", "GNJ-C-00003")[0] == 0
    session = app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    try:
        with session.ws.read() as s:
            viewed = s.execute(
                select(AuditEvent.actor, AuditEvent.entity_id).where(
                    AuditEvent.action == "client_viewed"
                )
            ).all()
    finally:
        session.close()
    assert [tuple(v) for v in viewed] == [(LAWYER, three[2])]


@pytest.mark.parametrize(
    "args",
    [
        ("client", "show", "GNJ-C-09999"),
        ("client", "show", "00000000-0000-7000-8000-000000000000"),
        ("case", "open", "--client", "GNJ-C-09999", "--area", "social", "--summary", "x"),
    ],
)
def test_a_missing_client_is_one_line_exit_4(run, three: list[str], args: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run(*args)
    assert code == 4 and out == ""
    assert err.startswith("legalaid: ") and err.count("\n") == 1
    assert "Traceback" not in err
    # The same exit code as a missing case.
    assert run("case", "show", "GNJ-2001-0001")[0] == 4


def test_a_withdrawn_client_shows_read_only_and_takes_no_case(run, three: list[str]) -> None:  # type: ignore[no-untyped-def]
    assert run("client", "consent", "GNJ-C-00001", "--withdraw", "store_process")[0] == 0
    code, out, _ = run("client", "show", "GNJ-C-00001")
    assert code == 0 and "read-only" in out
    code, _out, err = run(
        "case", "open", "--client", "GNJ-C-00001", "--area", "social", "--summary", "x"
    )
    assert code == 4 and err.count("\n") == 1


def test_anonymized_and_erased_clients(run, three: list[str]) -> None:  # type: ignore[no-untyped-def]
    assert run("client", "anonymize", "GNJ-C-00001", "--reason", "müddət", admin=True)[0] == 0
    assert run("client", "erase", "GNJ-C-00002", "--reason", "tələb", admin=True)[0] == 0
    code, out, _ = run("client", "list")
    assert "Anonymized client" in out and "Hüseynova" not in out
    assert "GNJ-C-00002" not in out  # erased: gone
    code, out, _ = run("--json", "client", "list")
    rows = {c["number"]: c for c in json.loads(out)["clients"]}
    assert rows["GNJ-C-00001"]["name"] is None and rows["GNJ-C-00001"]["anonymized"] is True
    code, out, _ = run("--json", "client", "show", "GNJ-C-00001")
    assert code == 0 and json.loads(out)["name"] is None
    assert run("client", "show", "GNJ-C-00002")[0] == 4

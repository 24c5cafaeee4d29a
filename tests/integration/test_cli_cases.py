"""`legalaid client|case|consult|party|deadline` as a script drives them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import LAWYER, LAWYER_PASSWORD
from legalaid_desktop.cli.main import main


@pytest.fixture
def run(
    store_with_lawyer: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("LEGALAID_DATA_DIR", str(store_with_lawyer))
    monkeypatch.setenv("LEGALAID_USER", LAWYER)
    monkeypatch.setenv("LEGALAID_PASSWORD", LAWYER_PASSWORD)

    def _run(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return _run


def test_a_day_at_the_ganja_center(run) -> None:  # type: ignore[no-untyped-def]
    code, client_id, _ = run(
        "client",
        "add",
        "--full-name",
        "Hüseynova Gülşən Əli qızı",
        "--gender",
        "female",
        "--birth-year",
        "1979",
        "--region",
        "AZ-GA",
        "--phone",
        "+994 55 222 33 44",
        "--displacement",
        "idp",
        "--consent",
        "store_process",
    )
    assert code == 0 and re.fullmatch(r"[0-9a-f-]{36}\n", client_id)
    code, number, _ = run(
        "case",
        "open",
        "--client",
        client_id.strip(),
        "--area",
        "social",
        "--summary",
        "MİS müavinəti dayandırılıb.",
    )
    number = number.strip()
    assert code == 0 and re.fullmatch(r"GNJ-\d{4}-0001", number)
    assert (
        run("consult", "add", number, "--notes", "Sənədlər yoxlanıldı.", "--minutes", "45")[0] == 0
    )
    assert run("party", "add", number, "--name", "DOST mərkəzi", "--role", "institution")[0] == 0
    assert (
        run("deadline", "add", number, "--due", "2030-01-15", "--description", "Şikayət müddəti")[0]
        == 0
    )
    code, out, _ = run("--json", "case", "show", number)
    shown = json.loads(out)
    assert code == 0 and shown["client"]["full_name"] == "Hüseynova Gülşən Əli qızı"
    assert len(shown["consultations"]) == 1 and shown["parties"][0]["role"] == "institution"
    code, out, _ = run("case", "show", number)
    assert "Hüseynova Gülşən Əli qızı" in out and "Sənədlər yoxlanıldı." in out
    assert run("case", "close", number, "--outcome", "referred_state_body")[0] == 0
    code, out, _ = run("--json", "case", "list", "--status", "closed")
    listed = json.loads(out)
    assert listed["total"] == 1 and listed["cases"][0]["number"] == number
    code, out, _ = run("--json", "search", "gulsen")
    assert code == 0 and any(hit["kind"] == "client" for hit in json.loads(out))


@pytest.mark.parametrize(
    "args",
    [
        (
            "client",
            "add",
            "--full-name",
            "Test",
            "--gender",
            "female",
            "--region",
            "AZ-XX",
            "--consent",
            "store_process",
        ),
        (
            "client",
            "add",
            "--full-name",
            "Test",
            "--gender",
            "female",
            "--region",
            "AZ-GA",
            "--birth-year",
            "2999",
            "--consent",
            "store_process",
        ),
        (
            "client",
            "add",
            "--full-name",
            " ",
            "--gender",
            "female",
            "--region",
            "AZ-GA",
            "--consent",
            "store_process",
        ),
        (
            "case",
            "open",
            "--client",
            "00000000-0000-7000-8000-000000000000",
            "--area",
            "family",
            "--summary",
            "x",
        ),
        ("case", "show", "GNJ-2001-0001"),
        ("consult", "add", "NOPE-1", "--notes", "x"),
        ("case", "close", "GNJ-2001-0001", "--outcome", "advice_given"),
    ],
)
def test_bad_input_is_exit_4_with_one_line(run, args: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    code, _out, err = run(*args)
    assert code == 4, err
    assert err.startswith("legalaid: ") and err.count("\n") == 1
    assert "Traceback" not in err


def test_bad_area_code_names_the_field(run) -> None:  # type: ignore[no-untyped-def]
    code, client_id, _ = run(
        "client",
        "add",
        "--full-name",
        "Quliyev Namiq",
        "--gender",
        "male",
        "--region",
        "AZ-QBA",
        "--consent",
        "store_process",
    )
    assert code == 0
    code, _, err = run(
        "case", "open", "--client", client_id.strip(), "--area", "astrology", "--summary", "x"
    )
    assert code == 4 and "legal area" in err and "astrology" in err

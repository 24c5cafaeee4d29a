"""Outreach days recorded later: ``case open --opened`` and the rules about the opening date."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from conftest import LAWYER, LAWYER_PASSWORD
from legalaid_desktop.cli.main import main
from legalaid_desktop.i18n.dates import today


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


@pytest.fixture
def client_id(run) -> str:  # type: ignore[no-untyped-def]
    code, out, err = run(
        "client", "add", "--full-name", "Səfərova Nərgiz", "--gender", "female",
        "--region", "AZ-GA", "--consent", "store_process",
    )  # fmt: skip
    assert code == 0, err
    return str(out.strip())


def _open(run, client: str, *extra: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    return run(  # type: ignore[no-any-return]
        "case", "open", "--client", client, "--area", "social", "--summary", "Səyyar qəbul.", *extra
    )


def test_an_outreach_day_is_recorded_with_its_date_typed_as_people_write_it(run, client_id) -> None:  # type: ignore[no-untyped-def]
    outreach = today() - timedelta(days=9)
    code, number, err = _open(run, client_id, "--opened", outreach.strftime("%d.%m.%Y"))
    assert code == 0, err
    number = number.strip()
    code, out, _ = run("--json", "case", "show", number)
    assert code == 0 and json.loads(out)["opened_on"] == outreach.isoformat()
    # the consultation of that day keeps its real date; one before it is still refused
    assert (
        run("consult", "add", number, "--notes", "Qəbul.", "--date", outreach.isoformat())[0] == 0
    )
    day_before = (outreach - timedelta(days=1)).isoformat()
    code, _, err = run("consult", "add", number, "--notes", "Qəbul.", "--date", day_before)
    assert code == 4 and "before the case was opened" in err


def test_iso_dates_are_accepted_too(run, client_id) -> None:  # type: ignore[no-untyped-def]
    day = today() - timedelta(days=3)
    code, number, err = _open(run, client_id, "--opened", day.isoformat())
    assert code == 0, err
    code, out, _ = run("--json", "case", "show", number.strip())
    assert json.loads(out)["opened_on"] == day.isoformat()


def test_a_case_dated_before_the_client_was_recorded_is_allowed(run, client_id) -> None:  # type: ignore[no-untyped-def]
    """The client of an outreach day is typed in later too: the record's own date is no bound
    (docs/user-guide.md, "Outreach days")."""
    code, number, err = _open(run, client_id, "--opened", "02.03.2024")
    assert code == 0, err
    assert number.strip().startswith("GNJ-2024-")  # numbered in the year it was opened


def test_a_future_opening_date_is_refused_with_code_4_and_one_line(run, client_id) -> None:  # type: ignore[no-untyped-def]
    tomorrow = today() + timedelta(days=1)
    code, out, err = _open(run, client_id, "--opened", tomorrow.strftime("%d.%m.%Y"))
    assert code == 4 and out == ""
    assert err.startswith("legalaid: ") and err.count("\n") == 1 and "future" in err
    code, out, _ = run("--json", "case", "list")
    assert json.loads(out)["total"] == 0


@pytest.mark.parametrize("typed", ["31.02.2026", "2026-13-01", "yesterday", "5.5"])
def test_a_value_that_is_not_a_date_is_a_usage_error(  # type: ignore[no-untyped-def]
    run, client_id, typed: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        _open(run, client_id, "--opened", typed)
    out, err = capsys.readouterr()
    assert exited.value.code == 2 and out == ""
    assert "not a date" in err and "Traceback" not in err


def test_without_opened_the_case_opens_today(run, client_id) -> None:  # type: ignore[no-untyped-def]
    code, number, _ = _open(run, client_id)
    assert code == 0
    _code, out, _ = run("--json", "case", "show", number.strip())
    assert date.fromisoformat(json.loads(out)["opened_on"]) == today()

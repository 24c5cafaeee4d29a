"""`legalaid client add --kind organization|initiative` (issue 19) as a script drives it: what it
records, what it refuses and with which exit code (2 usage, 4 input rejected, 5 role)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import ADMIN, ADMIN_PASSWORD, LAWYER, LAWYER_PASSWORD, Run, cli_as
from legalaid_desktop import app

ANALYST, ANALYST_PASSWORD = "nigar.s", "Analitik-parol-2026"
ORG = (
    "client", "add", "--kind", "organization", "--full-name", "Gənclər Birliyi",
    "--region", "AZ-GA", "--consent", "store_process",
)  # fmt: skip


@pytest.fixture
def lawyer(
    store_with_lawyer: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Run:
    return cli_as(store_with_lawyer, LAWYER, LAWYER_PASSWORD, monkeypatch, capsys)


def test_an_organization_is_added_and_shown(lawyer: Run) -> None:
    code, out, err = lawyer(
        *ORG, "--registration", "1402345671", "--contact-person", "Məmmədova Aytən Rauf qızı",
        "--members", "40", "--phone", "+994 22 256 11 22",
    )  # fmt: skip
    assert code == 0, err
    client_id = out.strip()
    code, out, err = lawyer("--json", "client", "show", client_id)
    shown = json.loads(out)
    assert code == 0, err
    assert (shown["kind"], shown["registration"], shown["members"]) == (
        "organization",
        "1402345671",
        40,
    )
    assert shown["contact_person"] == "Məmmədova Aytən Rauf qızı"
    assert (shown["gender"], shown["birth_year"]) == ("", None)
    code, out, _ = lawyer("client", "show", client_id)
    assert code == 0 and "Kind: Community organization" in out and "Members: 40" in out
    assert "Gender" not in out
    code, out, _ = lawyer("client", "list")
    assert code == 0 and re.search(r"Gənclər Birliyi\s+Ganja\s+Community organization", out)


def test_an_initiative_group_needs_only_name_and_region(lawyer: Run) -> None:
    code, out, err = lawyer(
        "client", "add", "--kind", "initiative", "--full-name", "Şəmkir Ekoloji Qrupu",
        "--region", "AZ-SKR", "--consent", "store_process",
    )  # fmt: skip
    assert code == 0, err
    code, out, _ = lawyer("--json", "client", "show", out.strip())
    shown = json.loads(out)
    assert (shown["kind"], shown["members"], shown["registration"]) == ("initiative", None, "")


def test_the_same_organization_again_needs_a_conflict_decision(lawyer: Run) -> None:
    assert lawyer(*ORG)[0] == 0
    code, out, err = lawyer(*ORG[:5], "Gencler Birliyi", *ORG[6:])
    assert code == 4 and out == "" and "conflict decision" in err
    code, out, err = lawyer(
        *ORG[:5], "Gencler Birliyi", *ORG[6:], "--conflict-decision", "no-conflict"
    )
    assert code == 0, err


@pytest.mark.parametrize(
    "extra",
    [
        ("--gender", "male"),
        ("--birth-year", "1990"),
    ],
)
def test_a_persons_options_are_a_usage_error_for_an_organization(
    lawyer: Run, extra: tuple[str, ...]
) -> None:
    with pytest.raises(SystemExit) as usage:
        lawyer(*ORG, *extra)
    assert usage.value.code == 2


@pytest.mark.parametrize(
    "extra",
    [
        ("--registration", "123"),
        ("--contact-person", "Əliyev Rəşad"),
        ("--members", "5"),
        (),  # and a person needs --gender, as always
    ],
)
def test_an_organizations_options_are_a_usage_error_for_a_person(
    lawyer: Run, extra: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as usage:
        lawyer(
            "client", "add", "--full-name", "Əliyev Rəşad", "--region", "AZ-GA",
            "--consent", "store_process", *(extra or ()), *(("--gender", "male") if extra else ()),
        )  # fmt: skip
    assert usage.value.code == 2
    err = capsys.readouterr().err
    assert ("--gender" in err) if not extra else (extra[0] in err)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--members", "0"), "at least 1"),
        (("--contact-person", "123"), "must contain letters"),
        (("--kind", "company"), "Unknown kind of client code 'company'"),
    ],
)
def test_bad_values_are_rejected_with_exit_4(
    lawyer: Run, extra: tuple[str, ...], message: str
) -> None:
    args = list(ORG)
    if extra[0] == "--kind":
        args[3] = extra[1]
        extra = ()
    code, out, err = lawyer(*args, *extra)
    assert code == 4 and out == "" and message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_a_role_that_does_not_record_clients_gets_exit_5(
    store_with_lawyer: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    admin = app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    try:
        admin.users.add(ANALYST, "Səfərova Nigar Elşən qızı", "hq_analyst", ANALYST_PASSWORD)
    finally:
        admin.close()
    analyst = cli_as(store_with_lawyer, ANALYST, ANALYST_PASSWORD, monkeypatch, capsys)
    code, out, err = analyst(*ORG)
    assert code == 5 and out == "" and err.count("\n") == 1

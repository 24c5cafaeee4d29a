"""`legalaid campaign add|list|show|link|unlink` as an HQ or center script drives them: exit
codes, one clear line on a refusal, JSON for scripts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import ADMIN, ADMIN_PASSWORD, LAWYER, LAWYER_PASSWORD, Run, cli_as
from legalaid_desktop import app
from legalaid_desktop.domain.cases import CaseInput, ClientInput, ConsentInput
from legalaid_desktop.i18n.dates import today

OTHER, OTHER_PASSWORD = "kamran", "Qobustan-2026-rock"


def _case(s: app.AppSession, name: str, phone: str) -> str:
    data = ClientInput(full_name=name, gender="male", birth_year=1980, region="AZ-GA", phone=phone)
    client = s.clients.register(data, ConsentInput(given_on=today()))
    return s.cases.open(CaseInput(client.id, "utilities", "Qaz kəsilib")).number


@pytest.fixture
def numbers(store_with_lawyer: Path) -> tuple[str, str]:
    """Leyla's case and Kamran's case at GNJ."""
    admin = app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    admin.users.add(OTHER, "Quliyev Kamran Fuad oğlu", "lawyer", OTHER_PASSWORD)
    admin.close()
    leyla = app.login(store_with_lawyer, LAWYER, LAWYER_PASSWORD)
    mine = _case(leyla, "Məmmədov Tural Rauf oğlu", "+994 50 3")
    leyla.close()
    kamran = app.login(store_with_lawyer, OTHER, OTHER_PASSWORD)
    theirs = _case(kamran, "Qasımov Elnur Vüqar oğlu", "+994 50 4")
    kamran.close()
    return mine, theirs


@pytest.fixture
def lawyer(
    store_with_lawyer: Path,
    numbers: tuple[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Run:
    return cli_as(store_with_lawyer, LAWYER, LAWYER_PASSWORD, monkeypatch, capsys)


def _add(run: Run, *extra: str) -> tuple[int, str, str]:
    return run(
        "campaign",
        "add",
        "--title",
        "Qaz təchizatı — Gəncə",
        "--area",
        "utilities",
        "--partner",
        "Gəncə İctimai Birliyi",
        "--partner",
        "Gənc Vətəndaşlar",
        *extra,
    )


def test_add_list_link_show(lawyer: Run, numbers: tuple[str, str]) -> None:
    code, out, err = _add(lawyer, "--from", "01.02.2026", "--to", "2026-11-30", "--notes", "Plan")
    assert code == 0 and err == ""
    campaign_id = out.strip()
    code, out, _ = lawyer("campaign", "list", "--json")
    listed = json.loads(out)["campaigns"]
    assert code == 0 and [c["id"] for c in listed] == [campaign_id]
    assert listed[0]["partners"] == ["Gəncə İctimai Birliyi", "Gənc Vətəndaşlar"]
    assert (listed[0]["starts_on"], listed[0]["ends_on"]) == ("2026-02-01", "2026-11-30")
    code, out, _ = lawyer("campaign", "list")
    assert code == 0 and "Qaz təchizatı — Gəncə" in out and "01.02.2026" in out
    code, out, _ = lawyer("campaign", "link", "Qaz təchizatı — Gəncə", numbers[0].lower())
    assert code == 0 and numbers[0] in out
    code, out, _ = lawyer("campaign", "show", campaign_id, "--json")
    shown = json.loads(out)
    assert code == 0 and [c["number"] for c in shown["cases"]] == [numbers[0]]
    assert shown["figures"]["cases_opened"] == 1 and shown["notes"] == "Plan"
    code, out, _ = lawyer("campaign", "show", "Qaz təchizatı — Gəncə")
    assert code == 0 and "Məmmədov Tural Rauf oğlu" in out and "Plan" in out
    code, out, _ = lawyer("campaign", "unlink", numbers[0])
    assert code == 0 and "no longer" in out


def test_a_lawyer_linking_someone_elses_case_is_refused_with_exit_5(
    lawyer: Run, numbers: tuple[str, str]
) -> None:
    campaign_id = _add(lawyer)[1].strip()
    code, out, err = lawyer("campaign", "link", campaign_id, numbers[1])
    assert code == 5 and out == ""
    assert err.startswith("legalaid: ") and "assigned to you" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_a_manager_links_any_case(
    store_with_lawyer: Path,
    numbers: tuple[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    admin = cli_as(store_with_lawyer, ADMIN, ADMIN_PASSWORD, monkeypatch, capsys)
    campaign_id = _add(admin)[1].strip()
    assert admin("campaign", "link", campaign_id, numbers[1])[0] == 0
    code, out, _ = admin("--json", "campaign", "show", campaign_id)
    assert code == 0 and [c["number"] for c in json.loads(out)["cases"]] == [numbers[1]]


_SOCIAL = ("campaign", "add", "--title", "T", "--area", "social")


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (("campaign", "add", "--title", "T" * 10_000, "--area", "utilities"), 4, "too long"),
        (("campaign", "add", "--title", "T", "--area", "astrology"), 4, "astrology"),
        (("campaign", "add", "--title", "T", "--area", "social", "--from", "31.02.2026"), 2, ""),
        (
            (*_SOCIAL, "--from", "2026-05-01", "--to", "2026-04-01"),
            4,
            "end before",
        ),
        (("campaign", "add", "--title", "T"), 2, ""),
        (("campaign", "link", "Qaz təchizatı — Gəncə", "GNJ-2026-9999"), 4, "no case"),
        (("campaign", "link", "Yoxdur", "GNJ-2026-0001"), 4, "no campaign"),
        (("campaign", "show", "Yoxdur"), 4, "no campaign"),
    ],
)
def test_bad_input_is_one_clear_line(
    lawyer: Run, args: tuple[str, ...], code: int, words: str
) -> None:
    assert _add(lawyer)[0] == 0
    if code == 2:
        with pytest.raises(SystemExit) as exit_:
            lawyer(*args)
        assert exit_.value.code == 2
        return
    got, out, err = lawyer(*args)
    assert got == code and out == ""
    assert len(err.strip().splitlines()) == 1 and words in err and "Traceback" not in err


def test_a_wrong_password_is_exit_3(
    store_with_lawyer: Path,
    numbers: tuple[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    run = cli_as(store_with_lawyer, LAWYER, "not-the-password", monkeypatch, capsys)
    assert run("campaign", "list")[0] == 3

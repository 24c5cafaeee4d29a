"""``legalaid reference list``: the codes a command takes, as this store holds them, for HQ
scripts (issue 19); an unknown list or a wrong password is one clear line and its exit code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import ADMIN, ADMIN_PASSWORD, cli_as, new_center_store


@pytest.fixture
def store(data_dir: Path) -> Path:
    new_center_store(data_dir).close()
    return data_dir


def test_every_list_with_its_version_and_size(
    store: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    run = cli_as(store, ADMIN, ADMIN_PASSWORD, monkeypatch, capsys)
    code, out, err = run("--json", "reference", "list")
    assert code == 0, err
    kinds = {k["kind"]: k for k in json.loads(out)["kinds"]}
    assert {"legal_areas", "outcomes", "regions", "corruption_sectors"} <= set(kinds)
    assert kinds["regions"]["codes"] > 60 and kinds["regions"]["version"] >= 1


def test_one_list_gives_codes_that_commands_accept(
    store: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    run = cli_as(store, ADMIN, ADMIN_PASSWORD, monkeypatch, capsys)
    code, out, _err = run("--json", "reference", "list", "outcomes")
    assert code == 0
    doc = json.loads(out)
    assert doc["kind"] == "outcomes"
    codes = [item["code"] for item in doc["items"]]
    assert codes and all(set(item["labels"]) == {"az", "ru", "en"} for item in doc["items"])
    assert all(item["labels"]["az"] for item in doc["items"])
    # the first code closes a case through the command that takes it
    from legalaid_desktop import app
    from sync_support import add_case

    session = app.login(store, ADMIN, ADMIN_PASSWORD)
    _client, number = add_case(session)
    session.close()
    code, out, err = run("--json", "case", "close", number, "--outcome", codes[0])
    assert code == 0, err
    assert json.loads(out)["outcome"] == codes[0]
    # people read labels in their language
    code, out, _err = run("--lang", "az", "reference", "list", "legal_areas")
    assert code == 0 and "family" in out and "Ailə" in out


def test_an_unknown_list_or_password_is_one_line(
    store: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    run = cli_as(store, ADMIN, ADMIN_PASSWORD, monkeypatch, capsys)
    code, out, err = run("reference", "list", "satisfactions")
    assert code == 4
    assert out == "" and len(err.strip().splitlines()) == 1
    assert "satisfactions" in err and "legal_areas" in err and "Traceback" not in err
    wrong = cli_as(store, ADMIN, "not-the-password", monkeypatch, capsys)
    code, _out, err = wrong("reference", "list")
    assert code == 3 and "Traceback" not in err

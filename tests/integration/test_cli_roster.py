"""`legalaid user roster` and `legalaid user rename` (issue 19): the people of the network as
this node knows them, for HQ scripts (JSON), and correcting a user's full name, with the exit
codes of the contract. A real store of GNJ; the roster of other nodes is tested across three
stores in test_roster_sync.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import ADMIN, ADMIN_PASSWORD, LAWYER, LAWYER_PASSWORD, cli_as


def test_roster_lists_this_centers_people_without_secrets(
    store_with_lawyer: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    run = cli_as(store_with_lawyer, LAWYER, LAWYER_PASSWORD, monkeypatch, capsys)
    code, out, _err = run("--json", "user", "roster")
    assert code == 0
    listed = {(m["node"], m["username"]): m for m in json.loads(out)}
    assert listed[("GNJ", LAWYER)] == {
        "node": "GNJ",
        "username": LAWYER,
        "full_name": "Hüseynova Leyla Əli qızı",
        "role": "lawyer",
        "active": True,
        "here": True,
    }
    assert set(listed[("GNJ", ADMIN)]) == {
        "node",
        "username",
        "full_name",
        "role",
        "active",
        "here",
    }
    code, out, _err = run("user", "roster")
    assert code == 0
    assert any(
        line.startswith("GNJ   leyla") and "Hüseynova Leyla" in line for line in out.splitlines()
    )


def test_rename_corrects_a_full_name_with_the_contracts_exit_codes(
    store_with_lawyer: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    admin = cli_as(store_with_lawyer, ADMIN, ADMIN_PASSWORD, monkeypatch, capsys)
    code, out, _err = admin(
        "--json", "user", "rename", LAWYER, "--full-name", "Quliyeva Leyla Əli qızı"
    )
    assert code == 0 and json.loads(out)["full_name"] == "Quliyeva Leyla Əli qızı"
    code, _out, err = admin("user", "rename", LAWYER, "--full-name", "   ")
    assert code == 4 and err.count("\n") == 1
    code, _out, err = admin("user", "rename", "nobody", "--full-name", "Kimsə")
    assert code == 4 and "nobody" in err
    lawyer = cli_as(store_with_lawyer, LAWYER, LAWYER_PASSWORD, monkeypatch, capsys)
    code, _out, err = lawyer("user", "rename", ADMIN, "--full-name", "Saxta Ad")
    assert code == 5 and err.startswith("legalaid: ")
    # their own name, a lawyer may correct
    code, _out, _err = lawyer("user", "rename", LAWYER, "--full-name", "Quliyeva Leyla")
    assert code == 0
    code, out, _err = admin("--json", "user", "roster")
    names = {m["username"]: m["full_name"] for m in json.loads(out)}
    assert names[LAWYER] == "Quliyeva Leyla"
    assert names[ADMIN] == "Məmmədov Elçin Vaqif oğlu"

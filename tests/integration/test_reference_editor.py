"""HQ's reference-list editor and grant codes (issue 19): HQ adds or relabels a code in az, ru
and en, or retires it; the next bundle takes the new version to the centers; a retired code is
never taken by a new record and stays on the records that have it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from legalaid_desktop import app
from legalaid_desktop.domain.cases import CaseInput
from legalaid_desktop.domain.corrections import CaseEdit
from legalaid_desktop.domain.errors import (
    InputRejected,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from sync_support import PASSWORD, add_case, audit_actions, enroll, make_node, sync

EU = {"az": "Aİ layihəsi 2026", "ru": "Проект ЕС 2026", "en": "EU project 2026"}


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[tuple[Path, app.AppSession, app.AppSession]]:
    hq = make_node(tmp_path, "BAK", hq=True)
    gnj = make_node(tmp_path, "GNJ")
    try:
        enroll(hq, gnj, tmp_path)
        yield tmp_path, hq, gnj
    finally:
        hq.close()
        gnj.close()


_counter = iter(range(1, 1_000_000))


def down(folder: Path, hq: app.AppSession, center: app.AppSession) -> Any:
    path = sync(hq).export(folder / f"down-{next(_counter)}.bundle", to="GNJ").path
    return sync(center).import_bundle(path)


def test_a_grant_code_from_hq_reaches_the_center_and_is_retired(
    pair: tuple[Path, app.AppSession, app.AppSession],
) -> None:
    folder, hq, gnj = pair
    item = hq.reference_editor.set_item("grant_codes", "EU-2026-01", EU)
    assert (item.active, item.version) == (True, 1)
    hq.reference_editor.set_item("grant_codes", "USAID-7", {**EU, "en": "USAID grant 7"})
    assert "reference_changed" in audit_actions(hq)
    result = down(folder, hq, gnj)
    assert "grant_codes" in result.reference_updated
    catalog = gnj.reference()
    assert catalog["grant_codes"].label("EU-2026-01", "ru") == "Проект ЕС 2026"
    client, _number = add_case(gnj)
    case = gnj.cases.open(
        CaseInput(client_id=client, legal_area="family", summary="Aliment", grant_code="EU-2026-01")
    )
    assert case.grant_code == "EU-2026-01"
    with pytest.raises(ValidationError):
        gnj.cases.open(
            CaseInput(client_id=client, legal_area="family", summary="X", grant_code="EU-1999")
        )
    # retired at HQ: no new case takes it; the case that has it keeps it
    retired = hq.reference_editor.retire("grant_codes", "EU-2026-01")
    assert (retired.active, retired.version) == (False, 3)
    down(folder, hq, gnj)
    with pytest.raises(ValidationError):
        gnj.corrections.edit_case(case.number, CaseEdit(grant_code="EU-2026-01", summary="Y"))
    assert gnj.cases.get(case.number).grant_code == "EU-2026-01"
    assert gnj.corrections.edit_case(case.number, CaseEdit(grant_code="USAID-7")) == ("grant_code",)
    # relabelled (or brought back) at HQ: a higher version again
    back = hq.reference_editor.set_item("grant_codes", "EU-2026-01", EU)
    assert back.active and back.version == 4


def test_only_hq_edits_only_the_lists_it_maintains(
    pair: tuple[Path, app.AppSession, app.AppSession],
) -> None:
    folder, hq, gnj = pair
    with pytest.raises(PermissionDenied):
        gnj.reference_editor.set_item("grant_codes", "EU-2026-01", EU)
    with pytest.raises(InputRejected):
        hq.reference_editor.set_item("genders", "x", EU)
    with pytest.raises(InputRejected):
        hq.reference_editor.set_item("grant_codes", "bad code!", EU)
    with pytest.raises(InputRejected):
        hq.reference_editor.set_item("grant_codes", "EU-1", {"az": "A", "ru": "", "en": "E"})
    with pytest.raises(NotFound):
        hq.reference_editor.retire("outcomes", "no_such_code")
    hq.reference_editor.set_item("referral_bodies", "ombudsman", {**EU, "en": "Ombudsman"})
    assert hq.reference()["referral_bodies"].label("ombudsman", "en") == "Ombudsman"
    hq.users.add("analyst", "Əliyeva Nigar Vüqar qızı", "hq_analyst", PASSWORD)
    analyst = app.login(folder / "bak", "analyst", PASSWORD)
    try:
        with pytest.raises(PermissionDenied):
            analyst.reference_editor.set_item("grant_codes", "EU-2026-01", EU)
    finally:
        analyst.close()


def test_the_command_line(
    pair: tuple[Path, app.AppSession, app.AppSession],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from conftest import cli_as

    folder, hq, gnj = pair
    hq.close()
    gnj.close()
    run = cli_as(folder / "bak", "admin", PASSWORD, monkeypatch, capsys)
    args = ("--az", EU["az"], "--ru", EU["ru"], "--en", EU["en"])
    code, out, err = run("--json", "reference", "set", "grant_codes", "EU-2026-01", *args)
    assert code == 0, err
    assert json.loads(out)["version"] == 1
    code, out, err = run("--json", "reference", "list", "grant_codes")
    assert code == 0 and json.loads(out)["items"][0]["code"] == "EU-2026-01"
    code, _out, err = run("reference", "retire", "grant_codes", "EU-2026-01")
    assert code == 4 and "at least one" in err
    run = cli_as(folder / "gnj", "admin", PASSWORD, monkeypatch, capsys)
    code, _out, err = run("reference", "set", "grant_codes", "X", *args)
    assert code == 5 and len(err.strip().splitlines()) == 1

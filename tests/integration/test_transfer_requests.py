"""Case transfer between centers (issue 19): a center asks, HQ decides with a reason, the
receiving center assigns a lawyer of its own, the sending center can no longer add to it.

Three real stores (HQ BAK, centers GNJ and QBA), real bundles, the command line as HQ's and the
centers' scripts run it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from legalaid_desktop import app
from legalaid_desktop.domain.cases import ConsultationInput
from legalaid_desktop.domain.errors import InputRejected, PermissionDenied
from legalaid_desktop.store.models import CaseTransfer
from sync_support import PASSWORD, World, add_case, down, sync, three_nodes, up


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with three_nodes(tmp_path) as world:
        down(world, world.gnj)  # GNJ learns of QBA from HQ's roster (the centers it can name)
        yield world


def test_a_requested_transfer_from_request_to_a_local_lawyer(world: World) -> None:
    _client, number = add_case(world.gnj)
    request = sync(world.gnj).request_transfer(number, "qba", "Müştəri Qubaya köçüb")
    assert (request.to_node, request.reason) == ("QBA", "Müştəri Qubaya köçüb")
    up(world, world.gnj)
    asked = sync(world.hq).transfer_requests()
    assert [(r.number, r.from_node, r.to_node, r.reason) for r in asked] == [
        (number, "GNJ", "QBA", "Müştəri Qubaya köçüb")
    ]
    info = sync(world.hq).transfer_case(number, "QBA", "Müştərinin yeni ünvanı Qubadadır")
    assert info.reason == "Müştərinin yeni ünvanı Qubadadır"
    assert sync(world.hq).transfer_requests() == ()  # answered
    down(world, world.qba)
    arrived = world.qba.cases.get(number)
    assert (arrived.owner_node, arrived.status) == ("QBA", "transferred")  # to assign
    with world.qba.ws.read() as s:
        transfer = s.scalar(select(CaseTransfer).where(CaseTransfer.number == number))
        assert transfer is not None and transfer.reason == "Müştərinin yeni ünvanı Qubadadır"
    world.qba.users.add("aygun", "Məmmədova Aygün Rauf qızı", "lawyer", PASSWORD)
    assigned = world.qba.cases.assign(number, "aygun")
    assert (assigned.status, assigned.assigned_lawyer) == ("open", "aygun")
    world.qba.records.add_consultation(number, ConsultationInput(notes="Qubada ilk görüş"))
    assert up(world, world.qba).refused == 0
    # the sending center sees it as QBA's (QBA's consultations are QBA's: they are not sent
    # back) and cannot add to it any more
    down(world, world.gnj)
    at_gnj = world.gnj.cases.get(number)
    assert (at_gnj.owner_node, len(at_gnj.consultations)) == ("QBA", 1)
    with pytest.raises(InputRejected, match="QBA"):
        world.gnj.records.add_consultation(number, ConsultationInput(notes="Gecikmiş qeyd"))


def test_who_may_ask_and_what(world: World) -> None:
    _client, number = add_case(world.gnj)
    with pytest.raises(InputRejected):
        sync(world.gnj).request_transfer(number, "XYZ", "Səbəb")
    with pytest.raises(InputRejected):
        sync(world.gnj).request_transfer(number, "GNJ", "Səbəb")
    with pytest.raises(InputRejected):
        sync(world.gnj).request_transfer(number, "QBA", "   ")
    with pytest.raises(PermissionDenied):
        sync(world.hq).request_transfer(number, "QBA", "Səbəb")
    world.gnj.users.add("leyla", "Hüseynova Leyla Əli qızı", "lawyer", PASSWORD)
    data_dir = world.folder / "gnj"
    leyla = app.login(data_dir, "leyla", PASSWORD)
    try:
        with pytest.raises(PermissionDenied):
            leyla.sync.request_transfer(number, "QBA", "Səbəb")
    finally:
        leyla.close()
    # withdrawn: an empty target clears the request
    sync(world.gnj).request_transfer(number, "QBA", "Səbəb")
    sync(world.gnj).request_transfer(number, "", "")
    assert sync(world.gnj).transfer_requests() == ()


def test_the_command_line(
    world: World, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from conftest import cli_as

    _client, number = add_case(world.gnj)
    world.gnj.close()
    gnj_dir, hq_dir = world.folder / "gnj", world.folder / "bak"
    run = cli_as(gnj_dir, "admin", PASSWORD, monkeypatch, capsys)
    code, out, err = run("--json", "case", "transfer", number, "--to", "QBA", "--reason", "Köçüb")
    assert code == 0, err
    assert json.loads(out)["requested"] is True
    world.gnj = app.login(gnj_dir, "admin", PASSWORD)
    up(world, world.gnj)
    world.hq.close()
    run = cli_as(hq_dir, "admin", PASSWORD, monkeypatch, capsys)
    code, out, err = run("--json", "case", "transfers")
    assert code == 0 and json.loads(out)[0]["number"] == number
    code, out, err = run("--json", "case", "transfer", number, "--to", "QBA", "--reason", "Köçüb")
    assert code == 0, err
    doc = json.loads(out)
    assert (doc["requested"], doc["to_node"], doc["reason"]) == (False, "QBA", "Köçüb")
    with pytest.raises(SystemExit) as usage:
        run("case", "transfer", number, "--to", "GNJ")  # no reason: a usage error
    assert usage.value.code == 2
    world.hq = app.login(hq_dir, "admin", PASSWORD)


def _transfers(session: app.AppSession) -> list[tuple[str, ...]]:
    with session.ws.read() as s:
        rows = s.scalars(select(CaseTransfer).order_by(CaseTransfer.hlc))
        return [
            (r.id, r.case_id, r.number, r.from_node, r.to_node, r.hlc, r.reason, r.at, r.actor)
            for r in rows
        ]


def test_a_center_records_each_transfer_hq_decided_once_as_hq_wrote_it(world: World) -> None:
    """The receiving and the sending center keep HQ's transfer row as HQ wrote it (its id, the
    case, the nodes, the stamp, the reason), with their own import time and importing user;
    HQ's later bundles carry it again, and it is not recorded twice. HQ records none from a
    center's bundle."""
    _client, number = add_case(world.gnj)
    up(world, world.gnj)
    sync(world.hq).transfer_case(number, "QBA", "Müştəri Qubaya köçüb")
    (at_hq,) = _transfers(world.hq)
    arrived = down(world, world.qba)
    assert arrived.transfers == 1
    (at_qba,) = _transfers(world.qba)
    assert at_qba[:7] == at_hq[:7]
    assert at_qba[3:5] == ("GNJ", "QBA") and at_qba[6] == "Müştəri Qubaya köçüb"
    assert at_qba[7] >= at_hq[7] and at_qba[8] == "admin"  # QBA's import, by QBA's admin
    gone = down(world, world.gnj)
    assert gone.transfers == 1 and [t[:7] for t in _transfers(world.gnj)] == [at_hq[:7]]
    again = down(world, world.qba)
    assert again.transfers == 0 and _transfers(world.qba) == [at_qba]
    assert up(world, world.qba).transfers == 0
    assert _transfers(world.hq) == [at_hq]

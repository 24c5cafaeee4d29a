"""Corrections across HQ and two centers (issue 19): the history travels with the record it
corrects, is emptied where the client's content is withheld or removed, and a center cannot
write history into another center's case.

Three real stores: HQ (BAK) and the centers GNJ and QBA, enrolled through the service.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from legalaid_desktop import app
from legalaid_desktop.domain.cases import CaseInput, ClientInput, ConsentInput, ConsultationInput
from legalaid_desktop.domain.conflict_decisions import ConflictDecisionInput
from legalaid_desktop.domain.corrections import CaseEdit, ConsultationEdit
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.store.models import Correction
from legalaid_desktop.sync.records import record_from_row, table_specs
from sync_support import (
    World,
    add_case,
    channel,
    down,
    jsonl,
    node_keys,
    parts_with,
    pinned,
    stamp,
    sync,
    three_nodes,
    up,
    write,
)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with three_nodes(tmp_path) as world:
        yield world


def values(session: app.AppSession, number: str) -> list[tuple[str, str, str, str]]:
    """(field, old, new, who) of the case's history at ``session``, newest first."""
    return [
        (e.field, e.old_value, e.new_value, e.changed_by)
        for e in session.history.case_history(number)
    ]


def test_a_correction_reaches_hq_and_follows_a_transferred_case(world: World) -> None:
    _client, number = add_case(world.gnj)
    world.gnj.corrections.edit_case(number, CaseEdit(summary="Aliment: ərizə hazırlanır"))
    up(world, world.gnj)
    assert values(world.hq, number) == [
        ("summary", "Alimentlə bağlı məsləhət", "Aliment: ərizə hazırlanır", "admin")
    ]
    # transferred to QBA, the case arrives with its history; QBA's corrections add to it
    sync(world.hq).transfer_case(number, "QBA")
    down(world, world.qba)
    assert values(world.qba, number) == values(world.hq, number)
    consultation = world.qba.cases.get(number).consultations[0].id
    world.qba.corrections.edit_consultation(consultation, ConsultationEdit(minutes=40))
    result = up(world, world.qba)
    assert result.refused == 0 and result.quarantined == 0
    assert [v[0] for v in values(world.hq, number)] == ["minutes", "summary"]
    # the history's entries agree, row for row, at the three nodes that hold the case
    down(world, world.gnj)
    with world.hq.ws.read() as s:
        at_hq = sorted((c.id, c.old_value, c.new_value) for c in s.scalars(select(Correction)))
    with world.qba.ws.read() as s:
        at_qba = sorted((c.id, c.old_value, c.new_value) for c in s.scalars(select(Correction)))
    assert at_hq == at_qba and len(at_hq) == 2


def test_hq_gets_no_earlier_values_of_a_client_who_does_not_share(world: World) -> None:
    client = world.gnj.clients.register(
        ClientInput(full_name="Nəsirova Gülnar Rafiq qızı", gender="female", region="AZ-GA"),
        ConsentInput(given_on=today(), purposes=("store_process",)),
        ConflictDecisionInput("no_conflict"),
    )
    case = world.gnj.cases.open(
        CaseInput(client_id=client.id, legal_area="family", summary="Qonşu ilə mübahisə")
    )
    world.gnj.records.add_consultation(case.number, ConsultationInput(notes="Görüş"))
    world.gnj.corrections.edit_case(
        case.number, CaseEdit(summary="Qonşu Abbasov ilə mübahisə", legal_area="labour")
    )
    up(world, world.gnj)
    at_hq = {v[0]: v for v in values(world.hq, case.number)}
    # the correction is known (who changed which field), not what the text was or became
    assert at_hq["summary"] == ("summary", "", "", "admin")
    assert at_hq["legal_area"] == ("legal_area", "", "", "admin")
    # the center keeps its own values
    at_gnj = {v[0]: v for v in values(world.gnj, case.number)}
    assert at_gnj["summary"][2] == "Qonşu Abbasov ilə mübahisə"
    # once the client agrees to share, the next bundle sends the real values
    world.gnj.clients.give_purpose(client.id, "share_hq")
    up(world, world.gnj)
    at_hq = {v[0]: v for v in values(world.hq, case.number)}
    assert at_hq["summary"][2] == "Qonşu Abbasov ilə mübahisə"


def test_an_erasure_at_the_center_empties_hqs_history_too(world: World) -> None:
    client_id, number = add_case(world.gnj)
    world.gnj.corrections.edit_case(number, CaseEdit(summary="Qonşu Vəliyev ilə mübahisə"))
    up(world, world.gnj)
    world.gnj.cases.close(number, "advice_given")
    world.gnj.retention.erase(client_id, "Şəxsin tələbi ilə")
    up(world, world.gnj)
    with world.hq.ws.read() as s:
        rows = s.scalars(select(Correction)).all()
    assert rows and all((r.old_value, r.new_value) == ("", "") for r in rows)


def test_a_center_cannot_write_history_into_another_centers_case(world: World) -> None:
    _qba_client, qba_number = add_case(world.qba, name="Quliyev Orxan Fuad oğlu", phone="+994 55 1")
    up(world, world.qba)
    _client, gnj_number = add_case(world.gnj)
    world.gnj.corrections.edit_case(gnj_number, CaseEdit(summary="Öz işimiz"))
    with world.hq.ws.read() as s:
        qba_case = s.execute(
            select(table_specs()["cases"].table.c.id).where(
                table_specs()["cases"].table.c.number == qba_number
            )
        ).scalar_one()
    spec = table_specs()["corrections"]
    with world.gnj.ws.read() as s:
        row = s.execute(select(spec.table)).mappings().one()
        record, _content = record_from_row(spec, row)
    forged = dict(record, id="01900000-0000-7000-8000-00000000f0f0")
    forged["g"] = {
        "correction": {
            "c": stamp("GNJ", ahead_ms=1000),
            "v": {**record["g"]["correction"]["v"], "case_id": qba_case, "field": "summary"},
        },
        "values": {
            "c": stamp("GNJ", ahead_ms=1000),
            "v": {"old_value": "", "new_value": "QBA-nın işi saxtalaşdırıldı"},
        },
    }
    seq, prev = channel(world.hq, "GNJ")
    path = write(
        world.folder / "forged.bundle",
        node_keys(world.gnj).private,
        pinned(world.gnj, "BAK"),
        parts_with(jsonl([forged]), "GNJ"),
        seq=seq + 1,
        prev_hash=prev,
    )
    result = sync(world.hq).import_bundle(path)
    assert result.refused == 1
    assert values(world.hq, qba_number) == []
    down(world, world.qba)
    assert values(world.qba, qba_number) == []

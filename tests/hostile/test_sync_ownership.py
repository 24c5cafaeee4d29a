"""A rogue enrolled center against the other centers, through HQ (issue 13, items 5 and 6).

Three real stores: HQ (BAK) and two centers (GNJ, QBA). GNJ goes rogue: it edits its own store
the way a program with its keys could (a case renamed to QBA's number, a case given to QBA, a
new case under QBA's prefix, a case for QBA's client) and exports through the normal path, or
sends a crafted bundle signed with its keys. Each record is refused alone at HQ (kept in the
quarantine, raised as a ``security_alert``); the rest of GNJ's bundle applies, QBA's bundles keep
importing, and QBA's client never reaches GNJ. A transfer decided at HQ still works both ways.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from legalaid_desktop import app
from legalaid_desktop.domain.cases import CaseInput
from legalaid_desktop.domain.ids import new_id
from legalaid_desktop.store.models import Case, Client
from legalaid_desktop.sync.records import record_from_row, table_specs
from sync_support import (
    add_case,
    audit_actions,
    channel,
    client_record,
    enroll,
    jsonl,
    make_node,
    node_keys,
    parts_with,
    pinned,
    stamp,
    sync,
    write,
)


@dataclass
class World:
    folder: Path
    hq: app.AppSession
    gnj: app.AppSession
    qba: app.AppSession


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    hq = make_node(tmp_path, "BAK", hq=True)
    gnj = make_node(tmp_path, "GNJ")
    qba = make_node(tmp_path, "QBA")
    try:
        enroll(hq, gnj, tmp_path)
        enroll(hq, qba, tmp_path)
        yield World(tmp_path, hq, gnj, qba)
    finally:
        for node in (hq, gnj, qba):
            node.close()


_counter = iter(range(1, 1_000_000))


def up(world: World, center: app.AppSession) -> Any:
    """The center's next bundle, imported at HQ."""
    path = world.folder / f"{center.ws.node_code}-up-{next(_counter)}.bundle"
    return sync(world.hq).import_bundle(sync(center).export(path).path)


def down(world: World, center: app.AppSession) -> Any:
    """HQ's next bundle for the center, imported there."""
    code = center.ws.node_code
    path = world.folder / f"{code}-down-{next(_counter)}.bundle"
    return sync(center).import_bundle(sync(world.hq).export(path, to=code).path)


def rogue_edit(session: app.AppSession, which: str, group: str, **values: Any) -> None:
    """Change a case in the center's own store and stamp it, as a program with its keys could."""
    with session.ws.write() as s:
        case = s.scalar(select(Case).where(Case.number == which))
        assert case is not None
        for name, value in values.items():
            setattr(case, name, value)
        session.ws.touch(s, case, (group,))


def crafted_up(world: World, records: list[dict[str, Any]]) -> Any:
    """A bundle of these records signed with GNJ's keys, next on its channel, imported at HQ."""
    seq, prev = channel(world.hq, "GNJ")
    path = write(
        world.folder / f"crafted-{next(_counter)}.bundle",
        node_keys(world.gnj).private,
        pinned(world.gnj, "BAK"),
        parts_with(jsonl(records), "GNJ"),
        seq=seq + 1,
        prev_hash=prev,
    )
    return sync(world.hq).import_bundle(path)


def case_record(session: app.AppSession, which: str, **changes: Any) -> dict[str, Any]:
    """The change record of a case as the center's export writes it, with ``changes`` made."""
    spec = table_specs()["cases"]
    with session.ws.read() as s:
        row = s.execute(select(spec.table).where(spec.table.c.number == which)).mappings().one()
        record, _content = record_from_row(spec, row)
    c = stamp(session.ws.node_code, ahead_ms=1000)
    for name, value in changes.items():
        group = spec.group_of[name]
        record["g"][group]["v"][name] = value
        record["g"][group]["c"] = c
    return record


def case_at(session: app.AppSession, case_id: str) -> tuple[str, str, str] | None:
    with session.ws.read() as s:
        case = s.get(Case, case_id)
        return None if case is None else (case.number, case.owner_node, case.client_id)


def case_id(session: app.AppSession, number: str) -> str:
    with session.ws.read() as s:
        found = s.scalar(select(Case.id).where(Case.number == number))
    assert found is not None
    return found


def last_alert(session: app.AppSession) -> dict[str, Any]:
    """The details of the newest security alert of the audit log about refused records.

    (A crafted bundle carries no audit anchor, which raises an anchor alert of its own.)
    """
    with session.ws.read() as s:
        rows = s.execute(
            text(
                "SELECT details FROM audit_events WHERE action = 'security_alert' ORDER BY seq DESC"
            )
        ).scalars()
        found = [json.loads(d) if isinstance(d, str) else d for d in rows]
    refused = [d for d in found if d.get("reason") == "records_refused"]
    details = refused[0] if refused else None
    assert details is not None
    return dict(json.loads(details) if isinstance(details, str) else details)


def refused_ids(session: app.AppSession) -> set[str]:
    return {q.row_id for q in sync(session).quarantined() if "security alert" in q.reason}


# --- item 5: case numbers and owners never change, and never block another center --------------


def test_a_renamed_case_is_refused_and_qba_keeps_importing(world: World) -> None:
    _client, gnj_number = add_case(world.gnj)
    assert up(world, world.gnj).refused == 0
    gnj_case = case_id(world.gnj, gnj_number)
    # QBA's first case exists; its bundle has not reached HQ yet.
    _qba_client, qba_number = add_case(world.qba, name="Quliyev Orxan Fuad oğlu", phone="")
    # GNJ takes QBA's number for one of its own cases, and sends a new client with it.
    rogue_edit(world.gnj, gnj_number, "core", number=qba_number)
    add_case(world.gnj, name="Həsənova Aygün Tofiq qızı", phone="")
    result = up(world, world.gnj)
    assert result.refused == 1
    assert "Security alert" in result.message
    assert result.inserted >= 3  # the new client, its consent, case and consultation applied
    assert case_at(world.hq, gnj_case)[:2] == (gnj_number, "GNJ")  # type: ignore[index]
    assert gnj_case in refused_ids(world.hq)
    assert "security_alert" in audit_actions(world.hq)[-2:]
    alert = last_alert(world.hq)
    assert alert["peer"] == "GNJ" and alert["refused"] == 1
    assert alert["records"][0]["id"] == gnj_case
    # QBA's bundles still import, with its own number.
    qba_result = up(world, world.qba)
    assert qba_result.refused == 0 and qba_result.inserted >= 4
    assert case_at(world.hq, case_id(world.qba, qba_number))[:2] == (qba_number, "QBA")  # type: ignore[index]
    _c, second = add_case(world.qba, name="Quliyeva Nərmin Fuad qızı", phone="")
    assert up(world, world.qba).refused == 0
    assert case_at(world.hq, case_id(world.qba, second))[1] == "QBA"  # type: ignore[index]


def test_a_number_already_used_here_refuses_the_record_not_the_bundle(world: World) -> None:
    """A store poisoned before this check existed: QBA's number already names a GNJ case at HQ.

    QBA's case with that number is refused alone; QBA's other records still arrive.
    """
    _client, gnj_number = add_case(world.gnj)
    up(world, world.gnj)
    _qba_client, qba_number = add_case(world.qba, name="Quliyev Orxan Fuad oğlu", phone="")
    with world.hq.ws.write() as s:  # what the old code accepted from GNJ
        s.execute(
            text("UPDATE cases SET number = :new WHERE number = :old"),
            {"new": qba_number, "old": gnj_number},
        )
    add_case(world.qba, name="Quliyeva Nərmin Fuad qızı", phone="")
    result = up(world, world.qba)
    assert result.refused == 1
    assert case_id(world.qba, qba_number) in refused_ids(world.hq)
    with world.hq.ws.read() as s:
        names = set(s.scalars(select(Client.full_name).where(Client.node_code == "QBA")))
    assert names == {"Quliyev Orxan Fuad oğlu", "Quliyeva Nərmin Fuad qızı"}
    assert last_alert(world.hq)["peer"] == "QBA"


def test_a_new_case_under_another_centers_prefix(world: World) -> None:
    _client, number = add_case(world.gnj)
    rogue_edit(world.gnj, number, "core", number="QBA-2026-0555")
    gnj_case = case_id(world.gnj, "QBA-2026-0555")
    result = up(world, world.gnj)
    assert result.refused == 1
    assert case_at(world.hq, gnj_case) is None
    assert gnj_case in refused_ids(world.hq)
    # The client and its consent arrived; the case's consultation waits with its case.
    with world.hq.ws.read() as s:
        assert s.scalar(select(Client.id).where(Client.node_code == "GNJ")) is not None
    assert result.quarantined == 2
    assert "security_alert" in audit_actions(world.hq)


@pytest.mark.parametrize("number", ["GNJ-../../x", "GNJ-2026-0001\\..", "GNJ-2026", "GNJ"])
def test_a_new_case_number_not_made_by_this_program(world: World, number: str) -> None:
    _client, own = add_case(world.gnj)
    up(world, world.gnj)
    new = case_record(world.gnj, own, number=number)
    new["id"] = new_id()
    result = crafted_up(world, [new])
    assert result.refused == 1
    assert case_at(world.hq, new["id"]) is None


def test_a_new_case_given_to_another_center(world: World) -> None:
    _client, number = add_case(world.gnj)
    up(world, world.gnj)
    new = case_record(world.gnj, number, owner_node="QBA", number="GNJ-2026-0902")
    new["id"] = new_id()
    result = crafted_up(world, [new])
    assert result.refused == 1
    assert case_at(world.hq, new["id"]) is None
    assert new["id"] in refused_ids(world.hq)


def test_an_existing_case_given_to_another_center(world: World) -> None:
    _client, number = add_case(world.gnj)
    up(world, world.gnj)
    result = crafted_up(world, [case_record(world.gnj, number, owner_node="QBA")])
    assert result.refused == 1
    assert case_at(world.hq, case_id(world.gnj, number))[1] == "GNJ"  # type: ignore[index]
    assert last_alert(world.hq)["records"][0]["id"] == case_id(world.gnj, number)
    # QBA is not sent the case it was "given".
    down(world, world.qba)
    assert case_at(world.qba, case_id(world.gnj, number)) is None


def test_a_number_changed_in_hqs_bundle_is_refused_alone_at_the_center(world: World) -> None:
    """A poisoned HQ store (or HQ's keys) renames GNJ's case: GNJ refuses it, not the bundle."""
    _client, number = add_case(world.gnj)
    up(world, world.gnj)
    renamed = case_record(world.gnj, number, number="QBA-2026-0444")
    for group in renamed["g"].values():
        group["c"] = stamp("BAK", ahead_ms=2000)
    other = client_record("BAK", owner="GNJ", name="Qərargahdan Gələn Adam")
    seq, prev = channel(world.gnj, "BAK")
    path = write(
        world.folder / "hq-rename.bundle",
        node_keys(world.hq).private,
        pinned(world.hq, "GNJ"),
        [*parts_with(jsonl([other, renamed]), "BAK"), ("transfers", b"[]")],
        seq=seq + 1,
        prev_hash=prev,
    )
    result = sync(world.gnj).import_bundle(path)
    assert result.refused == 1 and result.inserted == 1
    assert case_at(world.gnj, renamed["id"])[0] == number  # type: ignore[index]
    assert last_alert(world.gnj)["peer"] == "BAK"


# --- item 6: no client of another center through HQ --------------------------------------------


def _case_for(client_id: str, number: str) -> dict[str, Any]:
    c = stamp("GNJ", ahead_ms=1000)
    return {
        "t": "cases",
        "id": new_id(),
        "o": "GNJ",
        "u": "admin",
        "x": {},
        "g": {
            "core": {
                "c": c,
                "v": {
                    "number": number,
                    "client_id": client_id,
                    "legal_area": "family",
                    "summary": "x",
                    "opened_on": "2026-01-05",
                },
            },
            "status": {
                "c": c,
                "v": {"status": "open", "closed_on": None, "outcome": None, "satisfaction": None},
            },
            "transfer_request": {"c": c, "v": {"transfer_to": None, "transfer_reason": ""}},
            "assignment": {"c": c, "v": {"assigned_lawyer": "admin"}},
            "ownership": {"c": c, "v": {"owner_node": "GNJ"}},
            "referral": {"c": c, "v": {"referral": "", "grant_code": ""}},
            "campaign": {"c": c, "v": {"campaign_id": None}},
        },
        "d": None,
    }


def test_a_case_for_another_centers_client_does_not_pull_it(world: World) -> None:
    qba_client, _number = add_case(world.qba, name="Quliyev Orxan Fuad oğlu", phone="+994 55 1")
    up(world, world.qba)
    down(world, world.gnj)
    # GNJ's keys sign a case of its own for QBA's client (and an ordinary new client).
    stolen = _case_for(qba_client, "GNJ-2026-0901")
    own = client_record("GNJ", name="Bugünkü Adam Əli oğlu")
    seq, prev = channel(world.hq, "GNJ")
    path = write(
        world.folder / "pull.bundle",
        node_keys(world.gnj).private,
        pinned(world.gnj, "BAK"),
        parts_with(jsonl([own, stolen]), "GNJ"),
        seq=seq + 1,
        prev_hash=prev,
    )
    result = sync(world.hq).import_bundle(path)
    assert result.refused == 1 and result.inserted == 1
    assert case_at(world.hq, stolen["id"]) is None
    assert stolen["id"] in refused_ids(world.hq)
    assert last_alert(world.hq)["records"][0]["table"] == "cases"
    down(world, world.gnj)
    with world.gnj.ws.read() as s:
        assert s.get(Client, qba_client) is None
        assert "Quliyev Orxan Fuad oğlu" not in s.scalars(select(Client.full_name)).all()


def test_a_case_linked_to_another_centers_campaign_does_not_pull_it(world: World) -> None:
    campaign = world.qba.campaigns.create("Quba: torpaq mübahisələri", description="Daxili plan")
    up(world, world.qba)
    _client, number = add_case(world.gnj)
    up(world, world.gnj)
    result = crafted_up(world, [case_record(world.gnj, number, campaign_id=campaign.id)])
    assert result.refused == 1
    with world.hq.ws.read() as s:
        case = s.scalar(select(Case).where(Case.number == number))
        assert case is not None and case.campaign_id is None
    down(world, world.gnj)
    assert all(c.id != campaign.id for c in world.gnj.campaigns.list())


def test_a_consent_for_another_centers_client_is_refused_alone(world: World) -> None:
    qba_client, _number = add_case(world.qba, name="Quliyev Orxan Fuad oğlu", phone="+994 55 1")
    up(world, world.qba)
    c = stamp("GNJ", ahead_ms=1000)
    consent = {
        "t": "consents",
        "id": new_id(),
        "o": "GNJ",
        "u": "admin",
        "x": {},
        "g": {
            "consent": {
                "c": c,
                "v": {
                    "client_id": qba_client,
                    "given_on": "2026-01-05",
                    "purposes": ["store_process"],
                    "valid_until": None,
                    "attachment_id": None,
                },
            },
            "withdrawal": {"c": c, "v": {"withdrawn_on": None}},
        },
        "d": None,
    }
    own = client_record("GNJ", name="Bugünkü Adam Əli oğlu")
    result = crafted_up(world, [own, consent])
    assert result.refused == 1 and result.inserted == 1
    assert consent["id"] in refused_ids(world.hq)
    down(world, world.gnj)
    with world.gnj.ws.read() as s:
        assert s.get(Client, qba_client) is None


def test_hq_never_sends_a_client_a_case_only_names(world: World) -> None:
    """A store poisoned before the import check: a GNJ case at HQ names QBA's client."""
    qba_client, _number = add_case(world.qba, name="Quliyev Orxan Fuad oğlu", phone="+994 55 1")
    up(world, world.qba)
    _client, number = add_case(world.gnj)
    up(world, world.gnj)
    with world.hq.ws.write() as s:
        case = s.scalar(select(Case).where(Case.number == number))
        assert case is not None
        case.client_id = qba_client
        world.hq.ws.touch(s, case, ("core",))
    down(world, world.gnj)
    with world.gnj.ws.read() as s:
        assert s.get(Client, qba_client) is None


def test_a_transfer_works_both_ways(world: World) -> None:
    client, number = add_case(world.gnj)
    up(world, world.gnj)
    the_case = case_id(world.gnj, number)
    sync(world.hq).transfer_case(number, "QBA")
    down(world, world.qba)
    assert case_at(world.qba, the_case) == (number, "QBA", client)
    # QBA works on the case and opens another for the client it was given.
    world.qba.cases.update_summary(number, "Məhkəməyə müraciət hazırlanır")
    second = world.qba.cases.open(
        CaseInput(client_id=client, legal_area="family", summary="İkinci")
    )
    result = up(world, world.qba)
    assert result.refused == 0 and result.quarantined == 0
    assert world.hq.cases.get(number).summary == "Məhkəməyə müraciət hazırlanır"
    assert case_at(world.hq, case_id(world.qba, second.number))[1:] == ("QBA", client)  # type: ignore[index]
    # ... and back to GNJ.
    sync(world.hq).transfer_case(number, "GNJ")
    down(world, world.gnj)
    down(world, world.qba)
    assert case_at(world.gnj, the_case) == (number, "GNJ", client)
    world.gnj.cases.update_summary(number, "Qərar gözlənilir")
    result = up(world, world.gnj)
    assert result.refused == 0 and result.quarantined == 0
    assert world.hq.cases.get(number).summary == "Qərar gözlənilir"
    assert "security_alert" not in audit_actions(world.hq)


def test_a_transferred_case_brings_its_campaign_and_every_client(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """HQ gives the receiving center what its transferred cases need: each client, the campaign.

    The transfers are read in batches; with a batch of one, two transferred cases take two
    batches, and the second case's client must arrive all the same.
    """
    from legalaid_desktop.store import batches
    from legalaid_desktop.sync import ownership

    monkeypatch.setattr(batches, "BATCH", 1)
    campaign = world.gnj.campaigns.create("Gəncə: pensiya hüquqları", description="Birgə iş")
    first_client, first = add_case(world.gnj)
    second_client, second = add_case(world.gnj, name="Məmmədova Səbinə Rauf qızı", phone="+994 51")
    world.gnj.cases.link_campaign(first, campaign.id)
    up(world, world.gnj)
    sync(world.hq).transfer_case(first, "QBA")
    sync(world.hq).transfer_case(second, "QBA")
    with world.hq.ws.read() as s:
        given = ownership.given_by_transfer(s, "QBA")
    assert given == {"clients": {first_client, second_client}, "campaigns": {campaign.id}}
    down(world, world.qba)
    assert case_at(world.qba, case_id(world.qba, first))[2] == first_client  # type: ignore[index]
    assert case_at(world.qba, case_id(world.qba, second))[2] == second_client  # type: ignore[index]
    assert [c.id for c in world.qba.campaigns.list()] == [campaign.id]
    # QBA works on the campaign's case; HQ accepts it, campaign link included.
    world.qba.cases.update_summary(first, "Şikayət göndərildi")
    result = up(world, world.qba)
    assert result.refused == 0 and result.quarantined == 0
    with world.hq.ws.read() as s:
        assert s.scalar(select(Case.campaign_id).where(Case.number == first)) == campaign.id

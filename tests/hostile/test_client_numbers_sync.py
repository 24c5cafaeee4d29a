"""Client numbers across the network: made at each center, carried in bundles, never renamed.

Real stores (HQ BAK, centers GNJ and QBA), real bundles. A center numbers its own clients
(``GNJ-C-00001``) without asking anyone; HQ receives every center's clients with their numbers.
A bundle that renames a client's number, or brings a new client under another center's code, is
refused like a renamed case number: that record alone, as a security alert.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from legalaid_desktop import app
from legalaid_desktop.domain.cases import ClientInput, ConsentInput
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.store.models import Client
from legalaid_desktop.sync.records import record_from_row, table_specs
from sync_support import (
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
    path = world.folder / f"{center.ws.node_code}-up-{next(_counter)}.bundle"
    return sync(world.hq).import_bundle(sync(center).export(path).path)


def register(session: app.AppSession, name: str) -> tuple[str, str]:
    """A new client with consent to share with HQ; returns (id, number)."""
    info = session.clients.register(
        ClientInput(full_name=name, gender="female", birth_year=1985, region="AZ-GA"),
        ConsentInput(given_on=today(), purposes=("store_process", "share_hq")),
    )
    return info.id, info.number


def numbers(session: app.AppSession) -> dict[str, str]:
    with session.ws.read() as s:
        return {row[0]: row[1] for row in s.execute(select(Client.id, Client.number))}


def client_row_record(session: app.AppSession, client_id: str, **changes: Any) -> dict[str, Any]:
    """The client's change record as its center exports it, with ``changes`` made (newer)."""
    spec = table_specs()["clients"]
    with session.ws.read() as s:
        row = s.execute(select(spec.table).where(spec.table.c.id == client_id)).mappings().one()
        record, _content = record_from_row(spec, row)
    c = stamp(session.ws.node_code, ahead_ms=1000)
    for name, value in changes.items():
        group = spec.group_of[name]
        record["g"][group]["v"][name] = value
        record["g"][group]["c"] = c
    return record


def crafted_up(world: World, records: list[dict[str, Any]]) -> Any:
    """These records in a bundle signed with GNJ's keys, next on its channel, imported at HQ."""
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


def test_each_center_numbers_its_own_clients_and_hq_receives_both(world: World) -> None:
    first, n1 = register(world.gnj, "Əliyeva Günel Rauf qızı")
    second, n2 = register(world.gnj, "Həsənova Aygün Tofiq qızı")
    other, n3 = register(world.qba, "Quliyeva Nərmin Fuad qızı")
    # Made without coordination: both centers start at 1, under their own code.
    assert (n1, n2, n3) == ("GNJ-C-00001", "GNJ-C-00002", "QBA-C-00001")
    assert up(world, world.gnj).refused == 0
    assert up(world, world.qba).refused == 0
    at_hq = numbers(world.hq)
    assert at_hq[first] == n1 and at_hq[second] == n2 and at_hq[other] == n3
    # HQ's own clients get HQ's code; the number is found by the services, typed in any case.
    hq_id, hq_number = register(world.hq, "Babayeva Səbinə Elçin qızı")
    assert hq_number == "BAK-C-00001"
    assert world.hq.clients.get("gnj-c-00002").id == second
    assert world.hq.clients.get(hq_number).id == hq_id


def test_an_edit_elsewhere_keeps_the_number(world: World) -> None:
    client_id, number = register(world.gnj, "Əliyeva Günel Rauf qızı")
    up(world, world.gnj)
    info = world.gnj.clients.get(client_id)
    world.gnj.clients.update(
        client_id,
        ClientInput(
            full_name="Əliyeva Günel Rauf qızı",
            gender=info.gender,
            birth_year=1986,
            region=info.region,
            phone="+994 50 111 22 33",
        ),
    )
    result = up(world, world.gnj)
    assert result.refused == 0
    assert numbers(world.hq)[client_id] == number
    assert world.hq.clients.get(client_id).birth_year == 1986


def test_a_renamed_client_number_is_refused_and_the_rest_applies(world: World) -> None:
    client_id, number = register(world.gnj, "Əliyeva Günel Rauf qızı")
    up(world, world.gnj)
    renamed = client_row_record(world.gnj, client_id, number="GNJ-C-00077")
    fresh = client_record("GNJ", name="Bugünkü Adam Əli oğlu", number="GNJ-C-00078")
    result = crafted_up(world, [renamed, fresh])
    assert result.refused == 1 and result.inserted == 1
    assert numbers(world.hq)[client_id] == number
    assert numbers(world.hq)[fresh["id"]] == "GNJ-C-00078"
    assert any(q.row_id == client_id for q in sync(world.hq).quarantined())


@pytest.mark.parametrize(
    "number",
    ["QBA-C-00077", "BAK-C-00001", "GNJ-C-1", "GNJ-C-00001/../x", "GNJ-2026-0001", ""],
)
def test_a_new_client_must_carry_its_own_centers_number(world: World, number: str) -> None:
    stolen = client_record("GNJ", name="Quliyev Orxan Fuad oğlu", number=number or "x")
    stolen["g"]["owner"]["v"]["number"] = number
    result = crafted_up(world, [stolen])
    assert result.refused == 1
    assert stolen["id"] not in numbers(world.hq)


def test_hq_cannot_rename_a_centers_client(world: World) -> None:
    """A poisoned HQ store (or HQ's keys) renames GNJ's client: GNJ refuses that record."""
    client_id, number = register(world.gnj, "Əliyeva Günel Rauf qızı")
    up(world, world.gnj)
    renamed = client_row_record(world.gnj, client_id, number="GNJ-C-00999")
    for group in renamed["g"].values():
        group["c"] = stamp("BAK", ahead_ms=2000)
    seq, prev = channel(world.gnj, "BAK")
    path = write(
        world.folder / "hq-rename.bundle",
        node_keys(world.hq).private,
        pinned(world.hq, "GNJ"),
        [*parts_with(jsonl([renamed]), "BAK"), ("transfers", b"[]")],
        seq=seq + 1,
        prev_hash=prev,
    )
    result = sync(world.gnj).import_bundle(path)
    assert result.refused == 1
    assert numbers(world.gnj)[client_id] == number

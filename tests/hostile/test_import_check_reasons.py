"""Why an import sets a record aside, word for word (sync/import_checks.py).

The reason is what HQ's staff read in the quarantine list and in the security alert: it must
name the rule the record broke and the node or row concerned. The other hostile tests check that
such a record is refused; these pin what the refusal says, for each rule, in English. (Found by
mutation testing: a reason with its node blanked, or the wrong rule's words, went unnoticed;
see docs/testing.md.)

The victim is HQ (BAK), enrolled with two centers (GNJ, QBA) whose cases it has; GNJ's keys sign
each crafted bundle, next on its channel. One world serves every test: each bundle only adds.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text, update

from legalaid_desktop import app
from legalaid_desktop.domain.errors import BundleContentInvalid, OwnershipViolation
from legalaid_desktop.domain.hlc import HLC
from legalaid_desktop.domain.ids import new_id
from legalaid_desktop.i18n import language
from legalaid_desktop.store.models import Case, Client, Consent, Consultation
from legalaid_desktop.sync import strictjson
from legalaid_desktop.sync.records import record_from_row, table_specs
from sync_support import (
    add_case,
    channel,
    client_record,
    enroll,
    jsonl,
    make_node,
    meta_part,
    node_keys,
    parts_with,
    pinned,
    snapshot,
    stamp,
    sync,
    write,
)

ALERT = "refused (security alert): "


@dataclass
class World:
    folder: Path
    hq: app.AppSession
    gnj: app.AppSession
    qba: app.AppSession
    gnj_case: str
    gnj_client: str
    qba_case: str
    qba_client: str


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    folder = tmp_path_factory.mktemp("reasons")
    hq = make_node(folder, "BAK", hq=True)
    gnj = make_node(folder, "GNJ")
    qba = make_node(folder, "QBA")
    try:
        enroll(hq, gnj, folder)
        enroll(hq, qba, folder)
        gnj_client, gnj_number = add_case(gnj)
        sync(hq).import_bundle(sync(gnj).export(folder / "gnj-1.bundle").path)
        qba_client, qba_number = add_case(qba, name="Quliyev Orxan Fuad oğlu", phone="")
        sync(hq).import_bundle(sync(qba).export(folder / "qba-1.bundle").path)
        with hq.ws.read() as s:
            gnj_case = s.scalar(select(Case.id).where(Case.number == gnj_number))
            qba_case = s.scalar(select(Case.id).where(Case.number == qba_number))
        assert gnj_case is not None and qba_case is not None
        yield World(folder, hq, gnj, qba, gnj_case, gnj_client, qba_case, qba_client)
    finally:
        for node in (hq, gnj, qba):
            node.close()


def _number(world: World, table: type[Case] | type[Client], row_id: str) -> str:
    with world.hq.ws.read() as s:
        found = s.scalar(select(table.number).where(table.id == row_id))
    assert found is not None
    return found


def case_record(world: World, row_id: str, **values: Any) -> dict[str, Any]:
    """The change record of HQ's copy of a case, stamped as GNJ's newer edit, with ``values``."""
    spec = table_specs()["cases"]
    with world.hq.ws.read() as s:
        row = s.execute(select(spec.table).where(spec.table.c.id == row_id)).mappings().one()
        record, _content = record_from_row(spec, dict(row))
    c = stamp("GNJ", ahead_ms=1000)
    record["o"] = "GNJ"
    for group in record["g"].values():
        group["c"] = c
    for name, value in values.items():
        record["g"][spec.group_of[name]]["v"][name] = value
    return record


def new_case(world: World, **values: Any) -> dict[str, Any]:
    record = case_record(world, world.gnj_case, **values)
    record["id"] = new_id()
    return record


def consultation(case_id: str) -> dict[str, Any]:
    c = stamp("GNJ")
    return {
        "t": "consultations",
        "id": new_id(),
        "o": "GNJ",
        "u": "admin",
        "x": {},
        "g": {
            "record": {
                "c": c,
                "v": {
                    "case_id": case_id,
                    "held_on": "2026-01-05",
                    "lawyer": "admin",
                    "mode": "phone",
                    "minutes": 30,
                },
            },
            "content": {"c": c, "v": {"notes": "x", "advice": "", "next_steps": ""}},
            "follow_up": {
                "c": c,
                "v": {"follow_up_on": None, "follow_up_done_at": None, "follow_up_done_by": None},
            },
        },
        "d": None,
    }


def from_gnj(world: World, records: list[dict[str, Any]]) -> Path:
    seq, prev = channel(world.hq, "GNJ")
    return write(
        world.folder / f"crafted-{new_id()}.bundle",
        node_keys(world.gnj).private,
        pinned(world.gnj, "BAK"),
        parts_with(jsonl(records), "GNJ"),
        seq=seq + 1,
        prev_hash=prev,
    )


def set_aside(world: World, records: list[dict[str, Any]]) -> dict[str, str]:
    """Import these records from GNJ at HQ (in English): the reason of each record set aside."""
    before = {q.id for q in sync(world.hq).quarantined()}
    with language("en"):
        sync(world.hq).import_bundle(from_gnj(world, records))
    return {q.row_id: q.reason for q in sync(world.hq).quarantined() if q.id not in before}


def refusal_alerts(world: World) -> list[dict[str, Any]]:
    """The details of HQ's security alerts about refused records, oldest first.

    (A crafted bundle carries no audit anchor, which raises an anchor alert of its own.)
    """
    with world.hq.ws.read() as s:
        rows = s.execute(
            text("SELECT details FROM audit_events WHERE action = 'security_alert' ORDER BY seq")
        ).scalars()
        found = [json.loads(d) if isinstance(d, str) else d for d in rows]
    return [d for d in found if d.get("reason") == "records_refused"]


# --- a center's record that breaks an ownership rule: refused alone ------------------------------


def test_a_new_client_for_another_center(world: World) -> None:
    record = client_record("GNJ", owner="QBA")
    assert set_aside(world, [record]) == {record["id"]: ALERT + "it would give it to QBA"}


def test_a_client_another_center_owns(world: World) -> None:
    record = client_record("GNJ", row_id=world.qba_client, c=stamp("GNJ", ahead_ms=1000))
    record["g"]["owner"]["v"]["number"] = _number(world, Client, world.qba_client)
    assert set_aside(world, [record]) == {world.qba_client: ALERT + "it belongs to QBA"}


def test_a_new_case_under_another_centers_code(world: World) -> None:
    record = new_case(world, number="QBA-2026-0777")
    assert set_aside(world, [record]) == {
        record["id"]: ALERT + "the new case QBA-2026-0777 does not carry the code of GNJ"
    }


def test_a_new_case_without_a_number(world: World) -> None:
    # Its core group (number, client) left out: no number carries GNJ's code.
    record = new_case(world)
    del record["g"]["core"]
    assert set_aside(world, [record]) == {
        record["id"]: ALERT + "the new case  does not carry the code of GNJ"
    }


def test_a_renumbered_case(world: World) -> None:
    old = _number(world, Case, world.gnj_case)
    record = case_record(world, world.gnj_case, number="GNJ-2026-0991")
    assert set_aside(world, [record]) == {
        world.gnj_case: ALERT + f"the case number {old} would become GNJ-2026-0991"
    }


def test_a_renumbered_client(world: World) -> None:
    old = _number(world, Client, world.gnj_client)
    record = client_record(
        "GNJ", row_id=world.gnj_client, c=stamp("GNJ", ahead_ms=1000), number="GNJ-C-77777"
    )
    assert set_aside(world, [record]) == {
        world.gnj_client: ALERT + f"the client number {old} would become GNJ-C-77777"
    }


def test_a_new_client_under_another_centers_number(world: World) -> None:
    record = client_record("GNJ", number="QBA-C-70001")
    assert set_aside(world, [record]) == {
        record["id"]: ALERT + "the new client QBA-C-70001 does not carry the code of GNJ"
    }


def test_a_consultation_on_another_centers_case(world: World) -> None:
    record = consultation(world.qba_case)
    assert set_aside(world, [record]) == {record["id"]: ALERT + "it refers to a cases row of QBA"}


def test_an_edit_of_another_centers_consultation_without_its_case(world: World) -> None:
    """A rogue center edits only the notes of QBA's consultation: the record does not carry
    the case, so the check must take it from HQ's row (QBA's case) and refuse."""
    with world.hq.ws.read() as s:
        target = s.scalar(select(Consultation.id).where(Consultation.case_id == world.qba_case))
    assert target is not None
    record = consultation(world.qba_case)
    record["id"] = target
    del record["g"]["record"], record["g"]["follow_up"]
    record["g"]["content"]["v"]["notes"] = "GNJ overwrites QBA's notes"
    assert set_aside(world, [record]) == {target: ALERT + "it refers to a cases row of QBA"}
    with world.hq.ws.read() as s:
        assert s.get(Consultation, target).notes != "GNJ overwrites QBA's notes"


def test_a_conflict_on_part_of_a_consent_flags_its_client(world: World) -> None:
    """A bundle may carry only the group of a row that changed (the consent's withdrawal):
    when it conflicts with an edit made here, the client is found through the row here and
    flagged for review, with nothing set aside."""
    spec = table_specs()["consents"]
    with world.hq.ws.write() as s:
        row = (
            s.execute(select(spec.table).where(spec.table.c.client_id == world.gnj_client))
            .mappings()
            .one()
        )
        consent = s.get(Consent, row["id"])
        consent.withdrawn_on = "2026-11-03"
        world.hq.ws.touch(s, consent, ("withdrawal",))
        s.execute(update(Client).where(Client.id == world.gnj_client).values(needs_review=False))
    record, _content = record_from_row(spec, dict(row))
    record["g"] = {
        "withdrawal": {"c": stamp("GNJ", ahead_ms=1000), "v": {"withdrawn_on": "2026-11-02"}}
    }
    try:
        assert set_aside(world, [record]) == {}
        [conflict] = [c for c in sync(world.hq).conflicts() if c.row_id == row["id"]]
        assert conflict.field_group == "withdrawal"
        with world.hq.ws.read() as s:
            assert s.get(Client, world.gnj_client).needs_review
    finally:  # the other tests of this world need the consent in force
        with world.hq.ws.write() as s:
            consent = s.get(Consent, row["id"])
            consent.withdrawn_on = None
            world.hq.ws.touch(s, consent, ("withdrawal",))


def test_the_alert_names_each_refused_record_and_its_line(world: World) -> None:
    own = client_record("GNJ", name="Bugünkü Adam Əli oğlu")
    foreign = client_record("GNJ", owner="QBA")
    set_aside(world, [own, foreign])
    alert = refusal_alerts(world)[-1]
    assert alert["peer"] == "GNJ" and alert["refused"] == 1
    assert alert["records"] == [
        {"table": "clients", "id": foreign["id"], "line": 2, "reason": "it would give it to QBA"}
    ]


# --- a record that cannot apply yet: set aside, not an alert -------------------------------------


def test_a_consultation_on_a_missing_case(world: World) -> None:
    record = consultation(new_id())
    assert set_aside(world, [record]) == {record["id"]: "it refers to a missing cases row"}


def test_a_consultation_on_a_case_set_aside_in_the_same_bundle(world: World) -> None:
    case = new_case(world, number="QBA-2026-0778")
    record = consultation(case["id"])
    assert set_aside(world, [case, record]) == {
        case["id"]: ALERT + "the new case QBA-2026-0778 does not carry the code of GNJ",
        record["id"]: "its cases row was set aside",
    }


# --- unique columns ------------------------------------------------------------------------------


def test_a_number_already_used_here_is_refused_alone_at_hq(world: World) -> None:
    number = _number(world, Case, world.gnj_case)
    record = new_case(world, number=number)
    assert set_aside(world, [record]) == {
        record["id"]: ALERT + "its number is already used by another row of cases here"
    }


def test_a_taken_number_is_found_after_a_row_that_keeps_its_own(world: World) -> None:
    """The number look-up finds GNJ's case (re-sent with its own number: no clash) and QBA's
    (taken by a new case): the first must not end the search before the second."""
    own = case_record(world, world.gnj_case)
    taken = _number(world, Case, world.qba_case)
    assert own["g"]["core"]["v"]["number"] < taken  # the index gives GNJ's row first
    record = new_case(world, number=taken)
    assert set_aside(world, [own, record]) == {
        record["id"]: ALERT + "its number is already used by another row of cases here"
    }


def test_one_number_twice_in_a_bundle_refuses_it_whole(world: World) -> None:
    first = new_case(world, number="GNJ-2026-0960")
    second = new_case(world, number="GNJ-2026-0960")
    before = snapshot(world.hq)
    with language("en"), pytest.raises(BundleContentInvalid) as refused:
        sync(world.hq).import_bundle(from_gnj(world, [first, second]))
    assert str(refused.value) == (
        "The bundle's contents are not valid: two rows of cases have the same number. "
        "Nothing was imported."
    )
    assert snapshot(world.hq) == before


# --- HQ's bundle at a center: refused whole ------------------------------------------------------


def from_hq(
    world: World,
    records: list[dict[str, Any]],
    *,
    restamp: bool = True,
    transfers: list[dict[str, Any]] | None = None,
) -> Path:
    """HQ's next bundle to GNJ with these records (stamped as HQ's newest edits, or as given)."""
    for record in records:
        record["o"] = "BAK"
        for group in record["g"].values():
            if restamp:
                group["c"] = stamp("BAK", ahead_ms=3000)
    seq, prev = channel(world.gnj, "BAK")
    return write(
        world.folder / f"hq-{new_id()}.bundle",
        node_keys(world.hq).private,
        pinned(world.hq, "GNJ"),
        [
            ("meta", meta_part("BAK")),
            ("acks", b"[]"),
            ("changes", jsonl(records)),
            ("transfers", strictjson.dumps(transfers or [])),
        ],
        seq=seq + 1,
        prev_hash=prev,
    )


def test_an_owner_change_from_hq_without_a_transfer_is_named_with_its_line(world: World) -> None:
    other = client_record("BAK", owner="GNJ", name="Qərargahdan Gələn Adam")
    moved = case_record(world, world.gnj_case, owner_node="QBA")
    before = snapshot(world.gnj)
    with language("en"), pytest.raises(OwnershipViolation) as refused:
        sync(world.gnj).import_bundle(from_hq(world, [other, moved]))
    assert str(refused.value) == (
        "The bundle from BAK changes a record it does not own (cases, line 2): "
        "its owner changes without a transfer from HQ. Nothing was imported."
    )
    assert snapshot(world.gnj) == before


@pytest.mark.parametrize("wrong", ["to another center", "stamped otherwise"])
def test_an_owner_change_from_hq_with_a_transfer_that_does_not_match_it(
    world: World, wrong: str
) -> None:
    moved = case_record(world, world.gnj_case, owner_node="QBA")
    decided = stamp("BAK", ahead_ms=3000)
    for group in moved["g"].values():
        group["c"] = decided
    transfer = {
        "id": new_id(),
        "case_id": world.gnj_case,
        "number": _number(world, Case, world.gnj_case),
        "from": "GNJ",
        "to": "SHK" if wrong == "to another center" else "QBA",
        "hlc": decided if wrong == "to another center" else stamp("BAK", ahead_ms=1),
        "reason": "",
    }
    path = from_hq(world, [moved], restamp=False, transfers=[transfer])
    before = snapshot(world.gnj)
    with language("en"), pytest.raises(OwnershipViolation, match="without a transfer"):
        sync(world.gnj).import_bundle(path)
    assert snapshot(world.gnj) == before


@pytest.mark.parametrize("when", ["older", "the same"])
def test_an_owner_stamped_no_later_than_the_centers_changes_nothing_and_blocks_nothing(
    world: World, when: str
) -> None:
    """A stale owner in HQ's bundle (an edit the center already has, or an older one) is no
    owner change: the merge keeps the center's, and the bundle's other records apply."""
    with world.gnj.ws.read() as s:
        case = s.get(Case, world.gnj_case)
        assert case is not None
        local = case.clocks["ownership"]
    old = HLC.decode(local)
    moved = case_record(world, world.gnj_case, owner_node="QBA")
    moved["g"]["ownership"]["c"] = (
        local if when == "the same" else HLC(old.wall_ms - 1, 0, "BAK").encode()
    )
    # ... beside a newer edit of its referral, which applies.
    moved["g"]["referral"]["v"]["referral"] = f"Qərargah ({when})"
    moved["g"]["referral"]["c"] = stamp("BAK", ahead_ms=3000)
    other = client_record("BAK", owner="GNJ", name="Qərargahdan Gələn Adam", c=stamp("BAK"))
    result = sync(world.gnj).import_bundle(from_hq(world, [other, moved], restamp=False))
    assert (result.inserted, result.updated, result.refused) == (1, 1, 0)
    with world.gnj.ws.read() as s:
        case = s.get(Case, world.gnj_case)
        assert case is not None and (case.owner_node, case.referral) == (
            "GNJ",
            f"Qərargah ({when})",
        )
        assert s.get(Client, other["id"]) is not None


def test_an_owner_change_from_hq_without_a_transfer_on_a_case_never_stamped_for_it(
    world: World,
) -> None:
    """A case whose owner was never stamped here (an older row): any owner change is new."""
    with world.gnj.ws.write() as s:
        case = s.get(Case, world.gnj_case)
        assert case is not None
        case.clocks = {k: v for k, v in case.clocks.items() if k != "ownership"}
    moved = case_record(world, world.gnj_case, owner_node="QBA")
    before = snapshot(world.gnj)
    with language("en"), pytest.raises(OwnershipViolation, match="without a transfer"):
        sync(world.gnj).import_bundle(from_hq(world, [moved]))
    assert snapshot(world.gnj) == before


def test_a_number_already_used_at_the_center_refuses_hqs_bundle(world: World) -> None:
    number = _number(world, Case, world.gnj_case)
    record = new_case(world, number=number)
    before = snapshot(world.gnj)
    with language("en"), pytest.raises(BundleContentInvalid) as refused:
        sync(world.gnj).import_bundle(from_hq(world, [record]))
    assert str(refused.value) == (
        "The bundle's contents are not valid: a row of cases would repeat the number of "
        "another. Nothing was imported."
    )
    assert snapshot(world.gnj) == before


# --- what passes ---------------------------------------------------------------------------------


def test_a_new_row_without_all_its_groups_is_set_aside_alone(world: World) -> None:
    # Its owner group is there (the checks pass); its contact group is not: it cannot be
    # inserted, and is set aside alone (not an attack: no alert), the rest applies.
    incomplete, whole = client_record("GNJ"), client_record("GNJ")
    del incomplete["g"]["contact"]
    alerts = len(refusal_alerts(world))
    assert set_aside(world, [incomplete, whole]) == {
        incomplete["id"]: "a new row arrived without all its fields"
    }
    assert len(refusal_alerts(world)) == alerts
    with world.hq.ws.read() as s:
        assert s.get(Client, incomplete["id"]) is None
        assert s.get(Client, whole["id"]) is not None


def test_a_centers_edit_carrying_only_some_groups_applies(world: World) -> None:
    # A record holds only the groups that were ever stamped: no owner group, no owner change.
    # A consultation of that case in the same bundle takes the case's owner from HQ's row.
    record = case_record(world, world.gnj_case, referral="Ədliyyə Nazirliyi")
    record["g"] = {"referral": record["g"]["referral"]}
    note = consultation(world.gnj_case)
    assert set_aside(world, [record, note]) == {}
    with world.hq.ws.read() as s:
        case = s.get(Case, world.gnj_case)
        assert case is not None and (case.referral, case.owner_node) == ("Ədliyyə Nazirliyi", "GNJ")
        assert s.get(Consultation, note["id"]) is not None


def test_an_edit_made_before_hq_transferred_the_case_away(world: World) -> None:
    # Not an attack: GNJ edited its case before it learned that HQ gave it to QBA.
    case = new_case(world, number="GNJ-2026-0970")
    assert set_aside(world, [case]) == {}
    sync(world.hq).transfer_case("GNJ-2026-0970", "QBA")
    alerts = refusal_alerts(world)
    edit = case_record(world, case["id"], summary="Köçürülməzdən əvvəl yazılıb")
    edit["g"]["ownership"]["v"]["owner_node"] = "GNJ"
    note = consultation(case["id"])
    reason = "edited at GNJ before the case was transferred away"
    assert set_aside(world, [edit, note]) == {case["id"]: reason, note["id"]: reason}
    assert refusal_alerts(world) == alerts

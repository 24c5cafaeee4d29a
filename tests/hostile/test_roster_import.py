"""Hostile user roster records (issue 19): a center cannot name another node's people.

The roster puts a full name on every record its person wrote, at every node, so a rogue center
(or a thief of its keys) would like to rename GNJ's lawyer at HQ, add a person to GNJ, or sneak
a name with a bidirectional override into every screen. Each such record is refused alone, kept
in the quarantine, raised as a security alert, and the rest of the bundle applies (the policy
of every owned row: docs/sync.md §6, "Ownership"). Three real stores, bundles crafted with the
sender's real keys.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from legalaid_desktop import app
from legalaid_desktop.domain.roster import roster_id
from legalaid_desktop.store.models import RosterEntry
from sync_support import (
    PASSWORD,
    World,
    audit_actions,
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

LEYLA = "Məmmədova Leyla Rauf qızı"


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with three_nodes(tmp_path) as world:
        world.gnj.users.add("leyla", LEYLA, "lawyer", PASSWORD)
        up(world, world.gnj)  # HQ knows GNJ's people
        yield world


def entry(
    node: str,
    username: str,
    full_name: str,
    *,
    writer: str,
    role: str = "lawyer",
    active: bool = True,
    row_id: str | None = None,
    ahead_ms: int = 1000,
) -> dict[str, Any]:
    """A roster record as ``writer`` would write it (stamped by ``writer``, newer than now)."""
    c = stamp(writer, ahead_ms=ahead_ms)
    return {
        "t": "user_roster",
        "id": row_id or roster_id(node, username),
        "o": writer,
        "u": "admin",
        "x": {},
        "g": {
            "identity": {"c": c, "v": {"node_code": node, "username": username}},
            "profile": {"c": c, "v": {"full_name": full_name}},
            "role": {"c": c, "v": {"role": role}},
            "active": {"c": c, "v": {"active": active}},
        },
        "d": None,
    }


def send(world: World, sender: app.AppSession, to: app.AppSession, records: list[Any]) -> Any:
    """A bundle of ``records`` signed with ``sender``'s real keys, imported at ``to``."""
    code, peer = sender.ws.node_code, to.ws.node_code
    seq, prev = channel(to, code)
    path = write(
        world.folder / f"{code}-to-{peer}-{seq + 1}.bundle",
        node_keys(sender).private,
        pinned(sender, peer),
        parts_with(jsonl(records), code),
        seq=seq + 1,
        prev_hash=prev,
    )
    return sync(to).import_bundle(path)


def held(session: app.AppSession) -> dict[tuple[str, str], tuple[str, str, bool]]:
    with session.ws.read() as s:
        return {
            (e.node_code, e.username): (e.full_name, e.role, e.active)
            for e in s.scalars(select(RosterEntry))
        }


def refused_alert(session: app.AppSession) -> dict[str, Any]:
    """The newest security alert about refused records."""
    with session.ws.read() as s:
        found = s.execute(
            text(
                "SELECT details FROM audit_events WHERE action = 'security_alert' ORDER BY seq DESC"
            )
        ).scalars()
        details = [json.loads(d) if isinstance(d, str) else d for d in found]
    return next(d for d in details if d.get("reason") == "records_refused")


def quarantined(session: app.AppSession) -> dict[str, str]:
    return {q.row_id: q.reason for q in sync(session).quarantined()}


def test_qba_cannot_rename_or_add_gnj_people_at_hq(world: World) -> None:
    before = held(world.hq)
    assert before[("GNJ", "leyla")] == (LEYLA, "lawyer", True)
    rename = entry("GNJ", "leyla", "Saxta Ad Soyad", writer="QBA", role="admin")
    invent = entry("GNJ", "kamal", "Uydurma Kamal", writer="QBA")
    own = entry("QBA", "aygun", "Quliyeva Aygün Fuad qızı", writer="QBA")
    result = send(world, world.qba, world.hq, [rename, invent, own])
    assert result.refused == 2 and result.inserted == 1
    after = held(world.hq)
    assert after[("GNJ", "leyla")] == (LEYLA, "lawyer", True)  # untouched
    assert ("GNJ", "kamal") not in after
    assert after[("QBA", "aygun")] == ("Quliyeva Aygün Fuad qızı", "lawyer", True)  # applied
    reasons = quarantined(world.hq)
    assert "it belongs to GNJ" in reasons[rename["id"]]
    assert "it would give it to GNJ" in reasons[invent["id"]]
    assert all("security alert" in reasons[r["id"]] for r in (rename, invent))
    alert = refused_alert(world.hq)
    assert alert["peer"] == "QBA" and alert["refused"] == 2
    assert {r["id"] for r in alert["records"]} == {rename["id"], invent["id"]}
    assert "security_alert" in audit_actions(world.hq)
    # and nothing of it reaches the other center
    down(world, world.gnj)
    assert held(world.gnj)[("GNJ", "leyla")][0] == LEYLA
    assert ("GNJ", "kamal") not in held(world.gnj)


@pytest.mark.parametrize(
    ("forged", "reason"),
    [
        (
            entry("QBA", "aygun", "Quliyeva Aygün", writer="QBA", row_id=roster_id("GNJ", "leyla")),
            "id does not match",
        ),
        (entry("QBA", "aygun", "Leyla \u202eovedəmməM", writer="QBA"), "not printable"),
        (entry("QBA", "aygun", "   ", writer="QBA"), "not printable"),
        (entry("QBA", "aygun", "Quliyeva Aygün", writer="QBA", role="superuser"), "role"),
        (entry("QBA", "Aygün", "Quliyeva Aygün", writer="QBA"), "user name"),
    ],
    ids=["another-persons-row", "bidi-override", "blank-name", "unknown-role", "bad-username"],
)
def test_a_malformed_entry_of_its_own_node_is_refused(
    world: World, forged: dict[str, Any], reason: str
) -> None:
    before = held(world.hq)
    result = send(world, world.qba, world.hq, [forged])
    assert result.refused == 1
    assert held(world.hq) == before
    assert reason in quarantined(world.hq)[forged["id"]]


def test_an_entry_from_hq_is_checked_as_well(world: World) -> None:
    """HQ may send any node's entry, but not one that would mislead the screens."""
    good = entry("QBA", "aygun", "Quliyeva Aygün Fuad qızı", writer="BAK")
    bidi = entry("GNJ", "leyla", "\u202eSaxta", writer="BAK")
    result = send(world, world.hq, world.gnj, [good, bidi])
    assert result.refused == 1
    at_gnj = held(world.gnj)
    assert at_gnj[("QBA", "aygun")] == ("Quliyeva Aygün Fuad qızı", "lawyer", True)
    assert at_gnj[("GNJ", "leyla")][0] == LEYLA  # its own entry, written by its last export

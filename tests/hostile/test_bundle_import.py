"""Hostile bundles against a real HQ store (research §4): each is refused, nothing changes.

The victim is HQ (BAK), enrolled with two centers (GNJ, QBA) whose legitimate bundles it has
imported. Hostile bundles are built the way a malicious center, or a thief of its keys, could:
with :func:`write_bundle` around crafted parts, or with the container's own pieces for a broken
manifest or body. Every test compares a snapshot of everything an import may change (the data,
the change log, the channels, the bundle history, conflicts, quarantine, nodes, the search index)
before and after.
"""

from __future__ import annotations

import hashlib
import io
import random
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bundle_craft import entry, seal_as
from legalaid_desktop import app
from legalaid_desktop.domain.errors import (
    BundleContentInvalid,
    BundleNotAddressed,
    BundleRejected,
    BundleTooNew,
    ChannelViolation,
    ManifestInvalid,
    NotABundle,
    OwnershipViolation,
    SenderMismatch,
    TooManyRecipients,
    UnknownSender,
)
from legalaid_desktop.domain.hlc import HLC
from legalaid_desktop.domain.ids import new_id
from legalaid_desktop.store.models import Case, Client, Meta
from legalaid_desktop.sync import container, strictjson
from legalaid_desktop.sync.container import format as bundle_format
from legalaid_desktop.sync.container import writer
from legalaid_desktop.sync.export import schema_version
from legalaid_desktop.sync.keys import NodeKeys
from legalaid_desktop.sync.nodes import pin_node
from sync_support import (
    DATA_TABLES,
    Keys,
    add_case,
    audit_actions,
    channel,
    client_record,
    enroll,
    jsonl,
    make_node,
    meta_part,
    node_keys,
    parts_with,
    pinned,
    rows,
    snapshot,
    stamp,
    sync,
    write,
)

TEN_YEARS_MS = 10 * 365 * 24 * 3600 * 1000


@dataclass
class World:
    folder: Path
    hq: app.AppSession
    gnj: app.AppSession
    qba: app.AppSession
    gnj_keys: Keys
    qba_keys: Keys
    hq_keys: Keys
    revoked: NodeKeys
    first: Path
    second: Path
    gnj_case_id: str
    qba_client_id: str
    qba_case_id: str


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    folder = tmp_path_factory.mktemp("hostile")
    hq = make_node(folder, "BAK", hq=True)
    gnj = make_node(folder, "GNJ")
    qba = make_node(folder, "QBA")
    enroll(hq, gnj, folder)
    enroll(hq, qba, folder)
    add_case(gnj)
    first = sync(gnj).export(folder / "gnj-1.bundle").path
    sync(hq).import_bundle(first)
    _client, number = add_case(gnj, name="Həsənova Aygün Tofiq qızı", phone="")
    second = sync(gnj).export(folder / "gnj-2.bundle").path
    sync(hq).import_bundle(second)
    qba_client, qba_number = add_case(qba, name="Quliyev Orxan Fuad oğlu", phone="")
    sync(hq).import_bundle(sync(qba).export(folder / "qba-1.bundle").path)
    revoked = NodeKeys.generate("SHK")
    with hq.ws.write() as s:
        pin_node(
            s,
            code="SHK",
            name="Şəki",
            kind="center",
            keys=revoked.public(),
            enrollment="revoked",
            stamp=hq.ws.clock.now().encode(),
            actor="admin",
            origin="BAK",
        )
    with hq.ws.read() as s:
        gnj_case = s.scalar(select(Case.id).where(Case.number == number))
        qba_case = s.scalar(select(Case.id).where(Case.number == qba_number))
    yield World(
        folder=folder,
        hq=hq,
        gnj=gnj,
        qba=qba,
        gnj_keys=node_keys(gnj),
        qba_keys=node_keys(qba),
        hq_keys=node_keys(hq),
        revoked=revoked,
        first=first,
        second=second,
        gnj_case_id=gnj_case,
        qba_client_id=qba_client,
        qba_case_id=qba_case,
    )
    for node in (hq, gnj, qba):
        node.close()


@pytest.fixture
def unchanged(world: World) -> Iterator[None]:
    """Assert that HQ's store is exactly as before the test."""
    before = snapshot(world.hq)
    yield
    assert snapshot(world.hq) == before


def refused(world: World, path: Path, expected: type[BaseException]) -> str:
    with pytest.raises(expected) as info:
        sync(world.hq).import_bundle(path)
    assert str(info.value)
    return str(info.value)


def from_gnj(world: World, parts: list[tuple[str, bytes]], name: str, **kw: Any) -> Path:
    """A validly signed bundle from GNJ to HQ, next on the channel, with these parts."""
    seq, prev = channel(world.hq, "GNJ")
    fields: dict[str, Any] = {"seq": seq + 1, "prev_hash": prev}
    fields.update(kw)
    return write(
        world.folder / name,
        world.gnj_keys.private,
        pinned(world.gnj, "BAK"),
        parts,
        seq=fields["seq"],
        prev_hash=fields["prev_hash"],
        schema=fields.get("schema"),
    )


def with_changes(world: World, changes: bytes, name: str, **kw: Any) -> Path:
    return from_gnj(world, parts_with(changes, "GNJ"), name, **kw)


def raw_from_gnj(world: World, entries: list[dict[str, Any]], stream: list[bytes]) -> Path:
    seq, prev = channel(world.hq, "GNJ")
    data = seal_as(
        world.gnj_keys.private,
        pinned(world.gnj, "BAK"),
        {"seq": seq + 1, "prev_hash": prev, "schema_version": schema_version()},
        entries=entries,
        stream=stream,
    )
    path = world.folder / f"raw-{new_id()}.bundle"
    path.write_bytes(data)
    return path


def good_parts() -> list[tuple[str, bytes]]:
    return parts_with(jsonl([client_record("GNJ")]), "GNJ")


# --- senders -------------------------------------------------------------------------------------


def test_unknown_sender(world: World, unchanged: None) -> None:
    stranger = NodeKeys.generate("ZZZ")
    path = write(
        world.folder / "zzz.bundle",
        stranger,
        pinned(world.gnj, "BAK"),
        parts_with(jsonl([client_record("ZZZ")]), "ZZZ"),
        seq=1,
        prev_hash=None,
    )
    assert "not enrolled" in refused(world, path, UnknownSender)
    assert audit_actions(world.hq)[-1] == "bundle_rejected"


def test_revoked_sender_raises_an_alert(world: World, unchanged: None) -> None:
    path = write(
        world.folder / "shk.bundle",
        world.revoked,
        pinned(world.gnj, "BAK"),
        parts_with(jsonl([client_record("SHK")]), "SHK"),
        seq=1,
        prev_hash=None,
    )
    assert "revoked" in refused(world, path, UnknownSender)
    assert audit_actions(world.hq)[-1] == "security_alert"


def test_outer_signature_of_gnj_around_content_signed_by_qba(world: World, unchanged: None) -> None:
    changes = jsonl([client_record("GNJ")])
    parts = parts_with(changes, "GNJ")
    seq, prev = channel(world.hq, "GNJ")
    data = seal_as(
        world.gnj_keys.private,
        pinned(world.gnj, "BAK"),
        {"seq": seq + 1, "prev_hash": prev, "schema_version": schema_version()},
        inner_signer=world.qba_keys.private,
        entries=[entry(n, d) for n, d in parts],
        stream=[d for _n, d in parts],
    )
    (world.folder / "mixed.bundle").write_bytes(data)
    refused(world, world.folder / "mixed.bundle", SenderMismatch)


def test_qba_reseals_content_signed_by_gnj(world: World, unchanged: None) -> None:
    parts = parts_with(jsonl([client_record("GNJ")]), "GNJ")
    seq, prev = channel(world.hq, "QBA")
    data = seal_as(
        world.qba_keys.private,
        pinned(world.gnj, "BAK"),
        {"seq": seq + 1, "prev_hash": prev, "schema_version": schema_version()},
        inner_signer=world.gnj_keys.private,
        entries=[entry(n, d) for n, d in parts],
        stream=[d for _n, d in parts],
    )
    (world.folder / "reseal.bundle").write_bytes(data)
    refused(world, world.folder / "reseal.bundle", SenderMismatch)


def test_not_addressed_to_this_node(world: World, unchanged: None) -> None:
    path = write(
        world.folder / "to-qba.bundle",
        world.gnj_keys.private,
        world.qba_keys.public,
        good_parts(),
        seq=1,
        prev_hash=None,
    )
    refused(world, path, BundleNotAddressed)


def test_thousands_of_recipients(world: World, unchanged: None) -> None:
    fields = writer._header_fields(
        "GNJ", "BAK", {"seq": 99, "prev_hash": None, "schema_version": schema_version()}
    )
    stanzas = [{"to": f"recovery:r{i}", "enc": "AAAA"} for i in range(1500)]
    header = strictjson.dumps(
        {**fields, "suite": container.SUITE, "chunk_size": 65536, "stanzas": stanzas}
    )
    prefix = bundle_format._PREFIX.pack(container.MAGIC, container.FORMAT_VERSION, len(header))
    (world.folder / "many.bundle").write_bytes(prefix + header + b"\0" * 200)
    refused(world, world.folder / "many.bundle", TooManyRecipients)


# --- the channel ---------------------------------------------------------------------------------


def test_replay_is_already_imported_and_changes_nothing(world: World, unchanged: None) -> None:
    for path in (world.second, world.first):
        result = sync(world.hq).import_bundle(path)
        assert result.already_imported and "already imported" in result.message
    assert audit_actions(world.hq)[-1] == "bundle_already_imported"


def test_rollback_to_an_older_sequence_is_an_alert(world: World, unchanged: None) -> None:
    path = with_changes(
        world, jsonl([client_record("GNJ")]), "rollback.bundle", seq=1, prev_hash=None
    )
    assert "rollback" in refused(world, path, ChannelViolation)
    assert audit_actions(world.hq)[-1] == "security_alert"


def test_fork_with_the_same_sequence_is_an_alert(world: World, unchanged: None) -> None:
    seq, _prev = channel(world.hq, "GNJ")
    first_hash = container.bundle_hash(world.first)
    path = with_changes(
        world, jsonl([client_record("GNJ")]), "fork.bundle", seq=seq, prev_hash=first_hash
    )
    assert "fork" in refused(world, path, ChannelViolation)
    assert audit_actions(world.hq)[-1] == "security_alert"


@pytest.mark.parametrize("link", ["none", "wrong", "older"])
def test_next_sequence_not_following_the_last_bundle(
    world: World, link: str, unchanged: None
) -> None:
    """The next number must name the last imported bundle: not nothing, not a made-up hash, not
    an older bundle of the same channel."""
    seq, last = channel(world.hq, "GNJ")
    assert seq == 2 and last == container.bundle_hash(world.second)
    prev = {"none": None, "wrong": "ab" * 32, "older": container.bundle_hash(world.first)}[link]
    path = with_changes(
        world, jsonl([client_record("GNJ")]), f"branch-{link}.bundle", seq=seq + 1, prev_hash=prev
    )
    assert "does not follow" in refused(world, path, ChannelViolation)
    assert audit_actions(world.hq)[-1] == "security_alert"


# --- damaged files -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def valid_bytes(world: World) -> bytes:
    return with_changes(world, jsonl([client_record("GNJ")] * 1), "valid.bundle").read_bytes()


@pytest.mark.parametrize("cut", [1, 13, 200, 0.5, -65, -1])
def test_truncated(world: World, valid_bytes: bytes, cut: float, unchanged: None) -> None:
    end = int(len(valid_bytes) * cut) if isinstance(cut, float) else cut
    (world.folder / "cut.bundle").write_bytes(valid_bytes[:end])
    refused(world, world.folder / "cut.bundle", BundleRejected)


@pytest.mark.parametrize("where", [0, 9, 20, 300, 0.5, 0.9, -70, -1])
def test_one_flipped_bit(world: World, valid_bytes: bytes, where: float, unchanged: None) -> None:
    data = bytearray(valid_bytes)
    index = int(len(data) * where) if isinstance(where, float) else where % len(data)
    data[index] ^= 0x10
    (world.folder / "flip.bundle").write_bytes(bytes(data))
    refused(world, world.folder / "flip.bundle", BundleRejected)


def test_random_bytes_and_empty_file(world: World, unchanged: None) -> None:
    (world.folder / "random.bundle").write_bytes(random.Random(7).randbytes(5000))
    refused(world, world.folder / "random.bundle", NotABundle)
    (world.folder / "empty.bundle").write_bytes(b"")
    assert "empty" in refused(world, world.folder / "empty.bundle", NotABundle)


def test_part_spliced_from_another_valid_bundle(world: World, unchanged: None) -> None:
    ours = parts_with(jsonl([client_record("GNJ")]), "GNJ")
    theirs = parts_with(jsonl([client_record("GNJ"), client_record("GNJ")]), "GNJ")
    entries = [entry(n, d) for n, d in ours]
    stream = [d for _n, d in ours[:2]] + [theirs[2][1][: len(ours[2][1])]]
    refused(world, raw_from_gnj(world, entries, stream), ManifestInvalid)


def test_missing_part(world: World, unchanged: None) -> None:
    parts = [p for p in good_parts() if p[0] != "meta"]
    refused(world, from_gnj(world, parts, "nometa.bundle"), BundleContentInvalid)


def test_duplicate_part(world: World, unchanged: None) -> None:
    parts = good_parts()
    entries = [entry(n, d) for n, d in parts] + [entry(*parts[2])]
    stream = [d for _n, d in parts] + [parts[2][1]]
    refused(world, raw_from_gnj(world, entries, stream), ManifestInvalid)


def test_undeclared_data(world: World, unchanged: None) -> None:
    parts = good_parts()
    entries = [entry(n, d) for n, d in parts]
    stream = [d for _n, d in parts] + [b"hidden extra data"]
    refused(world, raw_from_gnj(world, entries, stream), ManifestInvalid)


def test_part_a_center_may_not_send(world: World, unchanged: None) -> None:
    parts = [*good_parts(), ("roster", b'{"version":99,"nodes":[],"hq_recovery_public":null}')]
    refused(world, from_gnj(world, parts, "roster.bundle"), BundleContentInvalid)


def test_inspect_and_import_refuse_the_same_parts(world: World, unchanged: None) -> None:
    """Inspect and import share one verify-and-parse step: HQ's parts are expected exactly
    when the reader is a center (it reads only HQ's bundles), whoever the sender claims to be,
    so "Inspect" never calls ready a bundle that "Import" then refuses."""
    parts = [*good_parts(), ("roster", b'{"version":99,"nodes":[],"hq_recovery_public":null}')]
    path = from_gnj(world, parts, "roster-inspected.bundle")
    report = sync(world.hq).inspect(path)
    assert (report.verdict, report.verified) == ("damaged", False)
    assert "roster" in report.message
    assert "roster" in refused(world, path, BundleContentInvalid)


def test_declared_size_beyond_the_real_one(world: World, unchanged: None) -> None:
    parts = good_parts()
    entries = [entry(n, d) for n, d in parts]
    entries[2]["stored"] = entries[2]["size"] = len(parts[2][1]) + 1000
    refused(world, raw_from_gnj(world, entries, [d for _n, d in parts]), ManifestInvalid)


def test_decompressed_larger_than_declared(world: World, unchanged: None) -> None:
    parts = good_parts()
    bomb = zlib.compress(parts[2][1] + b" " * 100_000)
    entries = [entry(n, d) for n, d in parts[:2]] + [
        entry(
            "changes",
            parts[2][1],
            encoding="zlib",
            stored=len(bomb),
        )
    ]
    refused(world, raw_from_gnj(world, entries, [parts[0][1], parts[1][1], bomb]), ManifestInvalid)


# --- malformed content inside a validly signed bundle --------------------------------------------


def _line(record: dict[str, Any]) -> bytes:
    return strictjson.dumps(record)


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param(lambda r: _line(r)[:-1] + b',"t":"clients"}\n', id="duplicate-key"),
        pytest.param(lambda r: _line(r).replace(b"1990", b"NaN") + b"\n", id="nan"),
        pytest.param(lambda r: _line(r).replace(b"1990", b"9" * 5000) + b"\n", id="huge-int"),
        pytest.param(lambda r: b"[" * 100_000 + b"]" * 100_000 + b"\n", id="deep-nesting"),
        pytest.param(
            lambda r: _line(r).replace(b'"admin"', b'"\\ud800"') + b"\n", id="lone-surrogate"
        ),
        pytest.param(lambda r: _line(r), id="no-final-newline"),
        pytest.param(lambda r: _line(r) + b"\n\n", id="blank-line"),
        pytest.param(lambda r: b"\xef\xbb\xbf" + _line(r) + b"\n", id="bom"),
        pytest.param(lambda r: b"\xff" + _line(r) + b"\n", id="not-utf8"),
    ],
)
def test_malformed_json(
    world: World, changes: Callable[[dict[str, Any]], bytes], unchanged: None
) -> None:
    path = with_changes(world, changes(client_record("GNJ")), "json.bundle")
    refused(world, path, BundleContentInvalid)


def _mutated(change: Callable[[dict[str, Any]], None]) -> bytes:
    record = client_record("GNJ")
    change(record)
    return jsonl([record])


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda r: r.update(t="users"), id="table-users"),
        pytest.param(lambda r: r.update(t="audit_events"), id="table-audit"),
        pytest.param(lambda r: r.update(t="clients; DROP TABLE cases"), id="table-injection"),
        pytest.param(lambda r: r["g"]["identity"]["v"].update(needs_review=True), id="column"),
        pytest.param(
            lambda r: r["g"].update(secret={"c": r["g"]["owner"]["c"], "v": {}}), id="group"
        ),
        pytest.param(lambda r: r["g"]["contact"]["v"].pop("phone"), id="missing-field"),
        pytest.param(lambda r: r["g"]["identity"]["v"].update(birth_year="1990"), id="type"),
        pytest.param(lambda r: r["g"]["identity"]["v"].update(birth_year=True), id="bool-int"),
        pytest.param(lambda r: r["g"]["identity"]["v"].update(full_name="x" * 201), id="too-long"),
        pytest.param(lambda r: r["g"]["identity"]["v"].update(gender=None), id="null"),
        pytest.param(lambda r: r.update(id="not-a-uuid"), id="id"),
        pytest.param(lambda r: r.update(id="0" * 8 + "-0000-4000-8000-" + "0" * 12), id="uuid4"),
        pytest.param(lambda r: r["g"]["identity"].update(c="yesterday"), id="stamp"),
        pytest.param(lambda r: r.update(extra=1), id="record-key"),
        pytest.param(lambda r: r["x"].update(created_at=5), id="extra-type"),
    ],
)
def test_invalid_records(
    world: World, change: Callable[[dict[str, Any]], None], unchanged: None
) -> None:
    refused(world, with_changes(world, _mutated(change), "invalid.bundle"), BundleContentInvalid)


def test_the_same_row_twice(world: World, unchanged: None) -> None:
    record = client_record("GNJ")
    refused(
        world, with_changes(world, jsonl([record, record]), "twice.bundle"), BundleContentInvalid
    )


def test_attachment_content_missing_or_unreferenced(world: World, unchanged: None) -> None:
    stray = [*good_parts(), ("att/" + hashlib.sha256(b"x").hexdigest(), b"x")]
    refused(world, from_gnj(world, stray, "stray.bundle"), BundleContentInvalid)
    c = stamp("GNJ")
    content = b"%PDF scanned"
    digest = hashlib.sha256(content).hexdigest()
    attachment = {
        "t": "attachments",
        "id": new_id(),
        "o": "GNJ",
        "u": "admin",
        "x": {"added_at": "2026-01-05T10:00:00.000Z"},
        "g": {
            "file": {
                "c": c,
                "v": {
                    "case_id": world.gnj_case_id,
                    "client_id": None,
                    "file_name": "a.pdf",
                    "media_type": "application/pdf",
                    "size": len(content),
                    "sha256": digest,
                    "content": digest,
                },
            }
        },
        "d": None,
    }
    path = with_changes(world, jsonl([attachment]), "noatt.bundle")
    refused(world, path, BundleContentInvalid)


def test_newer_schema_version(world: World, unchanged: None) -> None:
    parts = [("meta", meta_part("GNJ", schema="zzzz_future")), *good_parts()[1:]]
    path = from_gnj(world, parts, "future.bundle", schema="zzzz_future")
    assert "Upgrade" in refused(world, path, BundleTooNew)


def test_meta_naming_another_node(world: World, unchanged: None) -> None:
    parts = [("meta", meta_part("QBA")), *good_parts()[1:]]
    refused(world, from_gnj(world, parts, "meta.bundle"), BundleContentInvalid)


def test_malformed_acks(world: World, unchanged: None) -> None:
    parts = [good_parts()[0], ("acks", b'[{"node":"BAK","seq":-1}]'), good_parts()[2]]
    refused(world, from_gnj(world, parts, "acks.bundle"), BundleContentInvalid)


# --- ownership -----------------------------------------------------------------------------------
# A record a center may not send is refused alone (kept in the quarantine, raised as a security
# alert) and the rest of its bundle applies: one center's records never block another's.


def refused_alone(world: World, path: Path, row_id: str) -> str:
    """Import ``path`` at HQ: ``row_id`` alone is refused, no data changes, an alert is raised."""
    before = snapshot(world.hq, DATA_TABLES)
    result = sync(world.hq).import_bundle(path)
    assert result.refused == 1 and result.inserted == 0 and result.updated == 0
    assert snapshot(world.hq, DATA_TABLES) == before
    [aside] = [q for q in sync(world.hq).quarantined() if q.row_id == row_id]
    assert "security alert" in aside.reason
    assert audit_actions(world.hq)[-1] == "security_alert"
    return aside.reason


def test_a_client_of_another_center(world: World) -> None:
    record = client_record("GNJ", owner="QBA")
    refused_alone(world, with_changes(world, jsonl([record]), "own1.bundle"), record["id"])


def test_changing_a_client_another_center_owns(world: World) -> None:
    record = client_record("GNJ", row_id=world.qba_client_id, c=stamp("GNJ", ahead_ms=1000))
    path = with_changes(world, jsonl([record]), "own2.bundle")
    assert "QBA" in refused_alone(world, path, world.qba_client_id)


def _case_record(
    world: World, *, owner: str, number: str, row_id: str | None = None
) -> dict[str, Any]:
    c = stamp("GNJ", ahead_ms=2000)
    with world.hq.ws.read() as s:
        client_id = s.scalar(select(Client.id).where(Client.node_code == "GNJ"))
    return {
        "t": "cases",
        "id": row_id or new_id(),
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
            "ownership": {"c": c, "v": {"owner_node": owner}},
            "referral": {"c": c, "v": {"referral": "", "grant_code": ""}},
            "campaign": {"c": c, "v": {"campaign_id": None}},
        },
        "d": None,
    }


def test_a_case_owned_by_another_node(world: World) -> None:
    record = _case_record(world, owner="QBA", number="GNJ-2026-0900")
    refused_alone(world, with_changes(world, jsonl([record]), "own3.bundle"), record["id"])


def test_taking_over_a_case_of_another_center(world: World) -> None:
    with world.hq.ws.read() as s:
        number = s.scalar(select(Case.number).where(Case.id == world.qba_case_id))
    record = _case_record(world, owner="GNJ", number=number, row_id=world.qba_case_id)
    refused_alone(world, with_changes(world, jsonl([record]), "own4.bundle"), world.qba_case_id)


def test_a_case_number_of_another_center(world: World) -> None:
    record = _case_record(world, owner="GNJ", number="QBA-2026-0777")
    refused_alone(world, with_changes(world, jsonl([record]), "own5.bundle"), record["id"])


def test_a_case_number_already_used(world: World) -> None:
    with world.hq.ws.read() as s:
        number = s.scalar(select(Case.number).where(Case.id == world.gnj_case_id))
    record = _case_record(world, owner="GNJ", number=number)
    refused_alone(world, with_changes(world, jsonl([record]), "dup.bundle"), record["id"])


def test_a_case_number_twice_in_one_bundle(world: World, unchanged: None) -> None:
    first = _case_record(world, owner="GNJ", number="GNJ-2026-0950")
    second = _case_record(world, owner="GNJ", number="GNJ-2026-0950")
    path = with_changes(world, jsonl([first, second]), "dup2.bundle")
    refused(world, path, BundleContentInvalid)


def test_a_consultation_on_a_case_of_another_center(world: World) -> None:
    c = stamp("GNJ")
    record = {
        "t": "consultations",
        "id": new_id(),
        "o": "GNJ",
        "u": "admin",
        "x": {},
        "g": {
            "record": {
                "c": c,
                "v": {
                    "case_id": world.qba_case_id,
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
    refused_alone(world, with_changes(world, jsonl([record]), "own6.bundle"), record["id"])


def test_an_owner_change_from_hq_without_a_transfer(world: World) -> None:
    """The victim here is GNJ: HQ's bundle moves GNJ's case to QBA with no transfer record."""
    before = snapshot(world.gnj)
    record = _case_record(world, owner="QBA", number="x", row_id=world.gnj_case_id)
    with world.gnj.ws.read() as s:
        case = s.get(Case, world.gnj_case_id)
        record["g"]["core"]["v"].update(number=case.number, client_id=case.client_id)
    for group in record["g"].values():
        group["c"] = stamp("BAK", ahead_ms=3000)
    seq, prev = channel(world.gnj, "BAK")
    parts = [
        ("meta", meta_part("BAK")),
        ("acks", b"[]"),
        ("changes", jsonl([record])),
        ("transfers", b"[]"),
    ]
    path = write(
        world.folder / "hq-steal.bundle",
        world.hq_keys.private,
        world.gnj_keys.public,
        parts,
        seq=seq + 1,
        prev_hash=prev,
    )
    with pytest.raises(OwnershipViolation, match="transfer"):
        sync(world.gnj).import_bundle(path)
    assert snapshot(world.gnj) == before


# --- clocks --------------------------------------------------------------------------------------


def test_a_clock_ten_years_ahead_is_quarantined_and_the_rest_applied(world: World) -> None:
    future = client_record("GNJ", c=stamp("GNJ", ahead_ms=TEN_YEARS_MS), name="Gələcək Adam")
    normal = client_record("GNJ", name="Bugünkü Adam Əli oğlu")
    clock_before = world.hq.ws.clock.last
    data_before = rows(world.hq, "clients")
    path = with_changes(world, jsonl([future, normal]), "future-clock.bundle")
    result = sync(world.hq).import_bundle(path)
    assert result.quarantined == 1 and result.inserted == 1
    [aside] = [q for q in sync(world.hq).quarantined() if q.row_id == future["id"]]
    assert "clock" in aside.reason
    with world.hq.ws.read() as s:
        assert s.get(Client, future["id"]) is None
        assert s.get(Client, normal["id"]) is not None
        persisted = HLC.decode(s.get(Meta, "hlc_last").value)
    assert len(rows(world.hq, "clients")) == len(data_before) + 1
    ahead_limit = clock_before.wall_ms + 24 * 3600 * 1000
    assert world.hq.ws.clock.last.wall_ms < ahead_limit
    assert persisted.wall_ms < ahead_limit


def test_stamps_from_another_host_do_not_break_the_next_import(world: World) -> None:
    """After the quarantine above, a normal bundle still imports (the channel moved on)."""
    path = with_changes(
        world, jsonl([client_record("GNJ", name="Sonrakı Adam Vəli oğlu")]), "after.bundle"
    )
    assert sync(world.hq).import_bundle(path).inserted == 1


def test_inspect_reports_without_writing(world: World, unchanged: None) -> None:
    report = sync(world.hq).inspect(world.second)
    assert report.verified and report.verdict == "already_imported"
    assert report.sender == "GNJ" and report.recipient == "BAK"
    (world.folder / "junk.bundle").write_bytes(b"PK\x03\x04 zip, not a bundle")
    assert sync(world.hq).inspect(world.folder / "junk.bundle").verdict == "not_a_bundle"
    # One flipped bit anywhere in a real bundle (its header included) is "damaged", not "not a
    # bundle": the magic says what the file is.
    data = world.second.read_bytes()
    header_length = int.from_bytes(data[10:14], "big")
    for offset in (
        14,
        14 + header_length // 2,
        14 + header_length - 1,
        len(data) // 2,
        len(data) - 1,
    ):
        flipped = bytearray(data)
        flipped[offset] ^= 0x01
        (world.folder / "flipped.bundle").write_bytes(bytes(flipped))
        report = sync(world.hq).inspect(world.folder / "flipped.bundle")
        assert report.verdict == "damaged", (offset, report.message)
    stream = io.BytesIO(world.second.read_bytes())
    assert container.read_header(stream).sender == "GNJ"

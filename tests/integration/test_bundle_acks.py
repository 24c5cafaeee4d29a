"""Acknowledgements a peer's bundle carries, on real stores (HQ and GNJ, enrolled).

An acknowledgement tells GNJ which of its bundles HQ imported, and when: only those are marked
``acknowledged`` (their changes are then not sent again), and the channel's acknowledged
sequence only moves forward. One that names another node, a bundle GNJ never sent or another
bundle's hash must change nothing: HQ gone rogue, or a bundle crafted with HQ's keys, could
otherwise make GNJ believe records reached HQ that never did, and they would never be sent.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from legalaid_desktop import app
from legalaid_desktop.store.models import SyncBundle, SyncChannel
from sync_support import (
    add_case,
    hq_and_center,
    parts_with,
    send_crafted,
    stamp,
    sync,
    three_nodes,
)


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[tuple[app.AppSession, app.AppSession]]:
    with hq_and_center(tmp_path) as nodes:
        yield nodes


def _sent(gnj: app.AppSession) -> dict[int, tuple[str, str, str | None]]:
    """GNJ's bundles to HQ by sequence: (hash, status, HQ's import stamp)."""
    with gnj.ws.read() as s:
        rows = s.scalars(select(SyncBundle).where(SyncBundle.direction == "out"))
        return {r.seq: (r.bundle_hash, r.status, r.peer_import_hlc) for r in rows}


def _acked_seq(gnj: app.AppSession) -> int:
    with gnj.ws.read() as s:
        row = s.get(SyncChannel, "BAK")
        assert row is not None
        return row.out_acked_seq


def _down_with_acks(
    hq: app.AppSession, gnj: app.AppSession, folder: Path, acks: list[dict[str, Any]]
) -> Any:
    """A bundle signed with HQ's keys, next on GNJ's channel from HQ, carrying ``acks``."""
    return send_crafted(hq, gnj, folder, _with_acks("BAK", acks))


def _with_acks(node: str, acks: list[dict[str, Any]]) -> list[tuple[str, bytes]]:
    return [(n, json.dumps(acks).encode() if n == "acks" else v) for n, v in parts_with(b"", node)]


def test_only_acknowledgements_of_bundles_gnj_sent_mark_them(
    pair: tuple[app.AppSession, app.AppSession], tmp_path: Path
) -> None:
    hq, gnj = pair
    for n in (1, 2, 3):
        add_case(gnj, name=f"Əliyev Rəşad {n}")
        sync(hq).import_bundle(sync(gnj).export(tmp_path / f"up-{n}.bundle").path)
    sent = _sent(gnj)
    assert sorted(sent) == [1, 2, 3] and {s[1] for s in sent.values()} == {"exported"}
    first, second, third = (stamp("BAK", counter=n) for n in (1, 2, 3))
    other = "0" * 64
    result = _down_with_acks(
        hq,
        gnj,
        tmp_path,
        [
            # Those that mark nothing first: each must be skipped, not end the list.
            {"node": "QBA", "seq": 3, "hash": sent[3][0], "hlc": third},  # another node's
            {"node": "GNJ", "seq": 3, "hash": other, "hlc": third},  # another bundle's hash
            {"node": "GNJ", "seq": 4, "hash": sent[3][0], "hlc": third},  # never sent
            {"node": "GNJ", "seq": 2, "hash": sent[2][0], "hlc": second},
            {"node": "GNJ", "seq": 1, "hash": sent[1][0], "hlc": first},  # older, after
        ],
    )
    assert result.acks == 2
    after = _sent(gnj)
    assert after[1] == (sent[1][0], "acknowledged", first)
    assert after[2] == (sent[2][0], "acknowledged", second)
    assert after[3] == sent[3]  # untouched
    assert _acked_seq(gnj) == 2  # the older acknowledgement after it did not lower it


def test_an_acknowledgement_of_the_last_bundle_moves_the_channel_to_it(
    pair: tuple[app.AppSession, app.AppSession], tmp_path: Path
) -> None:
    hq, gnj = pair
    add_case(gnj)
    sync(hq).import_bundle(sync(gnj).export(tmp_path / "up-1.bundle").path)
    sent = _sent(gnj)
    assert _acked_seq(gnj) == 0
    hlc = stamp("BAK")
    result = _down_with_acks(
        hq, gnj, tmp_path, [{"node": "GNJ", "seq": 1, "hash": sent[1][0], "hlc": hlc}]
    )
    assert result.acks == 1
    assert _acked_seq(gnj) == 1
    assert _sent(gnj)[1] == (sent[1][0], "acknowledged", hlc)
    # The same acknowledgement again (HQ repeats it in its next bundle): nothing moves back.
    assert (
        _down_with_acks(
            hq, gnj, tmp_path, [{"node": "GNJ", "seq": 1, "hash": sent[1][0], "hlc": hlc}]
        ).acks
        == 1
    )
    assert _acked_seq(gnj) == 1


def test_an_acknowledgement_matches_only_bundles_sent_to_the_acknowledging_peer(
    tmp_path: Path,
) -> None:
    """At HQ, GNJ's bundle acknowledging what HQ sent to QBA (its sequence and hash), or the
    bundle HQ received from GNJ itself, marks nothing: an acknowledgement is about a bundle HQ
    sent, on the channel it came back on."""
    with three_nodes(tmp_path) as world:
        hq, gnj, qba = world.hq, world.gnj, world.qba
        add_case(qba)
        sync(hq).import_bundle(sync(qba).export(tmp_path / "qba-up.bundle").path)
        sync(qba).import_bundle(sync(hq).export(tmp_path / "qba-down.bundle", to="QBA").path)
        received = sync(hq).import_bundle(sync(gnj).export(tmp_path / "gnj-up.bundle").path)
        with hq.ws.read() as s:
            rows = s.scalars(select(SyncBundle).where(SyncBundle.peer == "QBA"))
            at_hq = {r.direction: (r.seq, r.bundle_hash, r.status) for r in rows}
        assert set(at_hq) == {"in", "out"}
        hlc = stamp("GNJ")
        acks = [
            {"node": "BAK", "seq": at_hq["out"][0], "hash": at_hq["out"][1], "hlc": hlc},
            {"node": "BAK", "seq": received.seq, "hash": received.bundle_hash, "hlc": hlc},
        ]
        assert send_crafted(gnj, hq, tmp_path, _with_acks("GNJ", acks)).acks == 0
        with hq.ws.read() as s:
            rows = s.scalars(select(SyncBundle).where(SyncBundle.peer == "QBA"))
            assert {r.direction: (r.seq, r.bundle_hash, r.status) for r in rows} == at_hq
            gnj_in = s.scalars(
                select(SyncBundle.status).where(
                    SyncBundle.peer == "GNJ", SyncBundle.bundle_hash == received.bundle_hash
                )
            ).all()
        assert gnj_in == ["imported"]


def test_what_an_import_records_about_the_bundle_and_the_channel(
    pair: tuple[app.AppSession, app.AppSession], tmp_path: Path
) -> None:
    """HQ's record of GNJ's bundle: its number, hash and creation time as the header says,
    when and with which stamp it was imported, the counts the import reported, and the
    channel's next expected number and hash; the second bundle moves them on."""
    from legalaid_desktop.sync.container.reader import read_header

    hq, gnj = pair
    for n in (1, 2):
        add_case(gnj, name=f"Əliyev Rəşad {n}")
        path = sync(gnj).export(tmp_path / f"up-{n}.bundle").path
        with open(path, "rb") as f:
            header = read_header(f)
        result = sync(hq).import_bundle(path)
        with hq.ws.read() as s:
            row = s.scalar(
                select(SyncBundle).where(SyncBundle.direction == "in", SyncBundle.seq == n)
            )
            assert row is not None
            recorded = (row.peer, row.bundle_hash, row.created, row.status, row.detail)
            assert recorded == ("GNJ", result.bundle_hash, header.created, "imported", "")
            assert row.import_hlc and row.import_hlc.endswith("BAK")
            assert row.counts["inserted"] == result.inserted > 0
            assert row.counts["acks"] == result.acks
            assert row.counts["tables"] == result.tables
            channel_row = s.get(SyncChannel, "GNJ")
            assert channel_row is not None
            assert (channel_row.in_seq, channel_row.in_last_hash) == (n, result.bundle_hash)
            assert channel_row.last_import_at == row.processed_at

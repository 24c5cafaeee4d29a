"""A center restored from a backup file syncs on with HQ without a fork (issue 20).

Real stores: HQ (BAK) and the centers GNJ and QBA (``sync_support.three_nodes``). GNJ backs up
to a "USB stick", its data folder is destroyed, the file is restored into a new folder, and its
next bundle must continue the sequence HQ holds:

* a backup made *after* the last bundle: bundle 2 goes to HQ cleanly, no alert;
* a backup made *before* the last bundle (bundle 2 went out after the backup, then the disk was
  lost): the export is refused until HQ's latest bundle is imported; that bundle's
  acknowledgement gives the center its sequence back, and bundle 3 follows bundle 2 at HQ (the
  audit anchor says, rightly, that the center's log is not the one HQ saw);
* a store restored from another center's backup is that center, never GNJ.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from legalaid_desktop import app
from legalaid_desktop.domain.errors import (
    BundleRejected,
    ChannelViolation,
    ExportAfterRestore,
)
from legalaid_desktop.services.backups import restore_backup
from legalaid_desktop.store import inspection
from legalaid_desktop.sync.keys import NodeKeys
from sync_support import (
    DATA_TABLES,
    PASSWORD,
    World,
    add_case,
    channel,
    down,
    node_keys,
    pinned,
    rows,
    sync,
    three_nodes,
    up,
    write,
)

KEPT = (*DATA_TABLES, "nodes", "sync_channels", "sync_bundles", "audit_anchors", "change_log")
"""What the restored center must hold exactly as the lost one did at the backup."""


def _lose_and_restore(world: World, file: Path, tmp_path: Path) -> app.AppSession:
    """GNJ's data folder is gone; a new computer restores the file (an administrator's
    password). Returns the restored GNJ, logged in, in place of ``world.gnj``."""
    root = world.gnj.ws.store.paths.root
    world.gnj.close()
    shutil.rmtree(root)
    target = tmp_path / "new-computer" / "gnj"
    restore_backup(file, target, username="admin", password=PASSWORD)
    restored = app.login(target, "admin", PASSWORD)
    world.gnj = restored
    return restored


def _backup(world: World, tmp_path: Path) -> Path:
    stick = tmp_path / "stick"
    stick.mkdir(exist_ok=True)
    return Path(world.gnj.maintenance.backups.write_outside(stick).path)


def test_a_backup_newer_than_the_last_bundle_syncs_on_cleanly(tmp_path: Path) -> None:
    with three_nodes(tmp_path) as world:
        add_case(world.gnj)
        first = up(world, world.gnj)
        assert first.seq == 1 and not first.alert
        file = _backup(world, tmp_path)
        kept = {t: rows(world.gnj, t) for t in KEPT}
        gnj = _lose_and_restore(world, file, tmp_path)

        assert {t: rows(gnj, t) for t in KEPT} == kept
        assert inspection.verify(gnj.ws.store).ok and gnj.maintenance.verify().ok
        # Until HQ is heard from, the export says why it waits.
        with pytest.raises(ExportAfterRestore) as refused:
            sync(gnj).export(tmp_path / "early.bundle")
        assert "Import the latest bundle from BAK first." in str(refused.value)
        assert not (tmp_path / "early.bundle").exists()

        # HQ's latest bundle: it acknowledges no. 1, which the center already knows.
        came = down(world, gnj)
        assert not came.alert and "restored" not in came.message
        add_case(gnj, name="Həsənova Aynur Tofiq qızı", phone="+994 55 222 33 44")
        second = up(world, gnj)
        assert second.seq == 2 and not second.alert
        assert channel(world.hq, "GNJ")[0] == 2
        assert gnj.maintenance.verify().ok


def test_the_person_may_say_no_bundle_went_out_since_the_backup(tmp_path: Path) -> None:
    with three_nodes(tmp_path) as world:
        add_case(world.gnj)
        up(world, world.gnj)
        file = _backup(world, tmp_path)
        gnj = _lose_and_restore(world, file, tmp_path)
        path = tmp_path / "GNJ-after-restore.bundle"
        result = sync(gnj).export(path, after_restore=True)
        assert result.seq == 2
        imported = sync(world.hq).import_bundle(path)
        assert imported.seq == 2 and not imported.alert


def test_a_backup_older_than_the_last_bundle_takes_the_sequence_from_hq(tmp_path: Path) -> None:
    with three_nodes(tmp_path) as world:
        add_case(world.gnj)
        up(world, world.gnj)
        file = _backup(world, tmp_path)  # then bundle 2 goes out, and the disk is lost
        add_case(world.gnj, name="Quliyev Orxan Elşən oğlu", phone="+994 70 111 22 33")
        second = up(world, world.gnj)
        assert second.seq == 2
        hq_channel = channel(world.hq, "GNJ")
        gnj = _lose_and_restore(world, file, tmp_path)
        made = gnj.maintenance.verify()
        assert made.ok  # nothing seen by HQ was acknowledged back yet: the copy is consistent

        with pytest.raises(ExportAfterRestore) as refused:
            sync(gnj).export(tmp_path / "refused.bundle")
        message = str(refused.value)
        assert "\n" not in message and "unknown here" in message and "UTC" in message

        # Insisting (the flag) repeats no. 2 with other content: HQ refuses the fork.
        forked = tmp_path / "forked.bundle"
        sync(gnj).export(forked, after_restore=True)
        with pytest.raises(ChannelViolation):
            sync(world.hq).import_bundle(forked)
        assert channel(world.hq, "GNJ") == hq_channel

        # HQ's latest bundle names no. 2 and its hash: the center takes them up.
        came = down(world, gnj)
        assert "restored from a backup" in came.message
        # Its own log is not the one HQ acknowledged: the anchor says so, rightly.
        assert came.alert
        with gnj.ws.read() as s:
            from legalaid_desktop.store.models import SyncChannel

            row = s.get(SyncChannel, "BAK")
            assert row is not None and row.out_seq == 2
            assert row.out_last_hash == hq_channel[1]
        # The records of no. 2 are at HQ: a full bundle brings them back (numbers and all),
        # before the center numbers new clients and cases.
        lost = rows(world.hq, "clients")
        assert len(rows(gnj, "clients")) < len(lost)
        full = sync(world.hq).export(tmp_path / "full.bundle", to="GNJ", full=True)
        back = sync(gnj).import_bundle(full.path)
        assert not back.refused
        assert rows(gnj, "clients") == lost
        add_case(gnj, name="Rəhimova Səbinə Natiq qızı", phone="+994 51 444 55 66")
        third = up(world, gnj)  # no fork: it follows no. 2 at HQ
        assert third.seq == 3 and not third.refused
        assert channel(world.hq, "GNJ")[0] == 3
        # HQ is told once that GNJ's audit log is not the one it saw (docs/sync.md §9).
        assert "audit" in third.alert.lower()
        again = up(world, gnj)
        assert again.seq == 4 and not again.alert
        assert rows(gnj, "clients") == rows(world.hq, "clients")
        # And the export no longer waits.
        down(world, gnj)


def test_a_store_restored_from_another_centers_backup_is_that_center(tmp_path: Path) -> None:
    with three_nodes(tmp_path) as world:
        add_case(world.qba, name="Kərimov Vüqar Əli oğlu", phone="+994 50 999 88 77")
        up(world, world.qba)
        stick = tmp_path / "stick"
        stick.mkdir()
        file = Path(world.qba.maintenance.backups.write_outside(stick).path)
        rogue = restore_backup(file, tmp_path / "rogue", username="admin", password=PASSWORD)
        thief = app.login(rogue.target, "admin", PASSWORD)
        try:
            assert thief.ws.node_code == "QBA"
            assert node_keys(thief).public.fingerprint() == pinned(world.hq, "QBA").fingerprint()
            # Its keys are QBA's: a bundle it signs as GNJ fails GNJ's pinned keys at HQ.
            keys = node_keys(thief).private
            as_gnj = NodeKeys("GNJ", keys.signing_key, keys._mlkem, keys._x25519)
            path = write(
                tmp_path / "as-gnj.bundle",
                as_gnj,
                pinned(world.hq, "BAK"),
                [("meta", b"{}"), ("acks", b"[]"), ("changes", b"")],
                seq=9,
                prev_hash=None,
            )
            with pytest.raises(BundleRejected):
                sync(world.hq).import_bundle(path)
            assert channel(world.hq, "GNJ")[0] == 0
        finally:
            thief.close()

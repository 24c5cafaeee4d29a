"""The audit anchor: HQ notices a center whose audit log was rewritten, truncated or rolled back.

Every node has the database key, so someone at a center can delete an audit event (here the
lawyer's ``pdf_case_save``) and recompute the hash chain: ``db verify`` then finds nothing. Each
bundle carries the sender's audit head and the hashes of its events since the head HQ
acknowledged (hashes only), and HQ raises a security alert when a new head does not extend the
one it kept. The bundle is still imported. Real stores, real bundles, through the services.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from legalaid_desktop import app
from legalaid_desktop.cli import main as cli_main
from legalaid_desktop.domain.errors import ChannelViolation
from legalaid_desktop.store.models import AuditEvent, SyncBundle
from legalaid_desktop.sync import strictjson
from legalaid_desktop.sync.container import open_bundle
from legalaid_desktop.sync.nodes import load_node_keys, pinned_keys
from sync_support import (
    PASSWORD,
    add_case,
    audit_actions,
    enroll,
    make_node,
    sync,
)
from sync_support import rewrite_audit_log as rewrite

GENESIS = "0" * 64


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[tuple[app.AppSession, app.AppSession]]:
    hq = make_node(tmp_path, "BAK", hq=True, name="Bakı qərargahı")
    gnj = make_node(tmp_path, "GNJ", name="Gəncə mərkəzi")
    enroll(hq, gnj, tmp_path)
    yield hq, gnj
    hq.close()
    gnj.close()


class Folder:
    """Numbered bundle names in one folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.n = 0

    def next(self, tag: str) -> Path:
        self.n += 1
        return self.root / f"{self.n:02d}-{tag}.bundle"


def up(hq: app.AppSession, gnj: app.AppSession, folder: Folder) -> Any:
    """GNJ → HQ."""
    return sync(hq).import_bundle(sync(gnj).export(folder.next("up")).path)


def down(hq: app.AppSession, gnj: app.AppSession, folder: Folder) -> Any:
    """HQ → GNJ (carries HQ's acknowledgement of GNJ's audit head)."""
    return sync(gnj).import_bundle(sync(hq).export(folder.next("down"), to="GNJ").path)


def work(session: app.AppSession, what: str = "pdf_case_save") -> None:
    """Something a lawyer does that only leaves an audit event (like saving a PDF)."""
    with session.ws.write() as s:
        session.ws.audit(s, what, "case", "GNJ-2026-0001", {})


def hq_alerts(hq: app.AppSession) -> list[dict[str, Any]]:
    with hq.ws.read() as s:
        return [
            dict(e.details)
            for e in s.scalars(select(AuditEvent).where(AuditEvent.action == "security_alert"))
        ]


def event_hashes(session: app.AppSession) -> list[str]:
    with session.ws.read() as s:
        return list(s.scalars(select(AuditEvent.hash).order_by(AuditEvent.seq)))


def test_a_normal_sequence_of_bundles_raises_no_alert(
    pair: tuple[app.AppSession, app.AppSession], tmp_path: Path
) -> None:
    hq, gnj = pair
    folder = Folder(tmp_path)
    add_case(gnj)
    results = [up(hq, gnj, folder), down(hq, gnj, folder)]
    for _ in range(2):
        work(gnj)
        results += [up(hq, gnj, folder), down(hq, gnj, folder)]
    # Bundles whose acknowledgement was lost, and one HQ never sees.
    work(gnj)
    results.append(up(hq, gnj, folder))
    work(gnj)
    sync(gnj).export(folder.next("lost"))
    work(gnj)
    results.append(up(hq, gnj, folder))
    results.append(down(hq, gnj, folder))
    work(gnj)
    results.append(up(hq, gnj, folder))
    assert [r.alert for r in results] == [""] * len(results)
    assert "security_alert" not in audit_actions(hq) + audit_actions(gnj)
    assert gnj.maintenance.verify().ok and hq.maintenance.verify().ok
    with hq.ws.read() as s:
        details = [b.detail for b in s.scalars(select(SyncBundle))]
    assert details == [""] * len(details)


def test_the_manifest_carries_hashes_only(
    pair: tuple[app.AppSession, app.AppSession], tmp_path: Path
) -> None:
    hq, gnj = pair
    folder = Folder(tmp_path)
    add_case(gnj)
    up(hq, gnj, folder)
    down(hq, gnj, folder)
    work(gnj)
    acknowledged = len(event_hashes(gnj))  # HQ's bundle was imported: its ack is the count
    with hq.ws.read() as s:
        seen = s.execute(text("SELECT peer_count FROM audit_anchors")).scalar()
    work(gnj)
    path = sync(gnj).export(folder.next("up")).path
    with hq.ws.read() as s:
        keys, pins = load_node_keys(s), pinned_keys(s, "BAK")
    assert keys is not None
    opened = open_bundle(path, me=keys, sender_keys=pins.get)
    anchor = opened.audit
    hashes = event_hashes(gnj)
    assert anchor is not None and seen is not None and seen < acknowledged
    # The list starts at the head HQ acknowledged and ends at GNJ's head.
    assert (anchor.since, anchor.since_hash) == (seen, hashes[seen - 1])
    assert (anchor.count, anchor.head) == (len(hashes) - 1, hashes[-2])  # the export's own event
    assert strictjson.loads(opened.parts["audit"]) == hashes[seen : len(hashes) - 1]
    assert set(anchor.to_dict()) == {
        "count",
        "head",
        "since",
        "since_hash",
        "ack_count",
        "ack_head",
    }
    # Nothing of the events themselves: no action, actor, entity or time.
    raw = opened.parts["audit"] + repr(anchor.to_dict()).encode()
    for word in (b"pdf_case_save", b"admin", b"GNJ-2026", b"2026-", b"case"):
        assert word not in raw


def test_a_deleted_event_and_recomputed_chain_alerts_hq(
    pair: tuple[app.AppSession, app.AppSession],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    hq, gnj = pair
    folder = Folder(tmp_path)
    add_case(gnj)
    work(gnj, "pdf_case_save")
    up(hq, gnj, folder)
    down(hq, gnj, folder)
    rewrite(gnj, drop="pdf_case_save")
    assert not gnj.maintenance.verify().ok  # HQ acknowledged the log as it was
    client_id, _number = add_case(gnj, name="Quliyeva Səbinə Arif qızı")
    bundle = sync(gnj).export(folder.next("up")).path
    # Inspecting it first already says so (and changes nothing).
    report = sync(hq).inspect(bundle)
    assert report.verdict == "verified" and "rewritten" in report.message
    assert hq_alerts(hq) == []
    hq_dir = hq.ws.store.paths.root
    hq.close()
    monkeypatch.setenv("LEGALAID_PASSWORD", PASSWORD)
    monkeypatch.setattr("sys.stdin", open(__file__))  # not a terminal
    code = cli_main.main(["--data-dir", str(hq_dir), "bundle", "import", str(bundle)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    warning = [line for line in captured.err.splitlines() if line.startswith("legalaid: ")]
    assert len(warning) == 1 and "Security alert" in warning[0] and "rewritten" in warning[0]
    assert "Traceback" not in captured.err
    again = app.login(hq_dir, "admin", PASSWORD)
    try:
        alerts = hq_alerts(again)
        assert [a["reason"] for a in alerts] == ["audit_anchor"]
        assert alerts[0]["peer"] == "GNJ"
        with again.ws.read() as s:
            from legalaid_desktop.store.models import Client

            assert s.get(Client, client_id) is not None  # the bundle was imported all the same
            row = s.scalars(select(SyncBundle).where(SyncBundle.detail != "")).one()
        history = {r.id: r for r in sync(again).history()}
        assert "rewritten" in history[row.id].detail and history[row.id].status == "imported"
        # One incident, one alert: the next bundle extends the new head.
        work(gnj)
        assert up(again, gnj, folder).alert == ""
        assert len(hq_alerts(again)) == 1
    finally:
        again.close()


def test_a_truncated_log_alerts_hq(
    pair: tuple[app.AppSession, app.AppSession], tmp_path: Path
) -> None:
    hq, gnj = pair
    folder = Folder(tmp_path)
    add_case(gnj)
    for _ in range(3):
        work(gnj)
    up(hq, gnj, folder)
    down(hq, gnj, folder)
    with hq.ws.read() as s:
        seen = s.execute(text("SELECT peer_count FROM audit_anchors")).scalar()
    assert seen
    rewrite(gnj, keep=seen - 3)
    result = up(hq, gnj, folder)
    assert "Security alert" in result.alert and str(seen) in result.alert
    assert [a["reason"] for a in hq_alerts(hq)] == ["audit_anchor"]
    assert hq_alerts(hq)[0]["kept_count"] == seen


def test_a_data_folder_restored_from_an_old_copy_alerts_hq(tmp_path: Path) -> None:
    hq = make_node(tmp_path, "BAK", hq=True, name="Bakı qərargahı")
    gnj = make_node(tmp_path, "GNJ", name="Gəncə mərkəzi")
    folder = Folder(tmp_path)
    try:
        enroll(hq, gnj, tmp_path)
        add_case(gnj)
        up(hq, gnj, folder)
        down(hq, gnj, folder)
        # An old copy of the whole data folder: database and vault together.
        gnj_dir = gnj.ws.store.paths.root
        gnj.close()
        shutil.copytree(gnj_dir, tmp_path / "old-copy")
        gnj = app.login(gnj_dir, "admin", PASSWORD)
        for _ in range(3):
            work(gnj)
        add_case(gnj, name="Həsənov Orxan Elçin oğlu")
        up(hq, gnj, folder)
        down(hq, gnj, folder)
        gnj.close()
        shutil.rmtree(gnj_dir)
        shutil.copytree(tmp_path / "old-copy", gnj_dir)
        gnj = app.login(gnj_dir, "admin", PASSWORD)  # opens: the vault is as old as the database
        # HQ's next bundle acknowledges a log this copy no longer holds: GNJ learns it at once.
        told = down(hq, gnj, folder)
        assert "Security alert" in told.alert and "older copy" in told.alert
        with gnj.ws.read() as s:
            reasons = [
                e.details["reason"]
                for e in s.scalars(select(AuditEvent).where(AuditEvent.action == "security_alert"))
            ]
        assert reasons == ["audit_anchor_own_log"]
        work(gnj)
        # Its first bundles repeat numbers HQ has seen: refused as forks (the channel's alert).
        for _ in range(2):
            with pytest.raises(ChannelViolation):
                up(hq, gnj, folder)
        # The next number is new to HQ; only the audit anchor shows the log went back.
        result = up(hq, gnj, folder)
        assert not result.already_imported
        assert "Security alert" in result.alert
        assert [a["reason"] for a in hq_alerts(hq) if a.get("reason") == "audit_anchor"] == [
            "audit_anchor"
        ]
    finally:
        hq.close()
        gnj.close()


def test_a_center_sees_its_own_rewrite_in_hq_acknowledgement(
    pair: tuple[app.AppSession, app.AppSession], tmp_path: Path
) -> None:
    hq, gnj = pair
    folder = Folder(tmp_path)
    add_case(gnj)
    work(gnj)
    up(hq, gnj, folder)
    rewrite(gnj, drop="pdf_case_save")
    # HQ's bundle acknowledges the log as it was: the center's import says it was changed.
    told = down(hq, gnj, folder)
    assert "Security alert" in told.alert
    assert "security_alert" in audit_actions(gnj)
    # And `db verify` at the center, which the recomputed chain had fooled, now says so.
    report = gnj.maintenance.verify()
    assert not report.ok
    assert any("no longer matches what BAK received" in p for p in report.audit_problems)
    # And a normal round after that raises nothing new at the center.
    assert down(hq, gnj, folder).alert == ""

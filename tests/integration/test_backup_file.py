"""A backup file on a USB stick, and the store restored from it (issue 20).

One store with a manager, a lawyer and a few cases is built for the module; its backup file is
restored on a new folder and compared table by table, and with the audit chain, against the
store it came from. Then: who may make one (a lawyer: exit 5), who may open one (a manager's
password: exit 3), a byte flipped anywhere or a file cut short (exit 4, nothing written), over
an existing store (exit 4, or kept aside with --force), Cancel, and the old backup folders.
"""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from conftest import (
    ADMIN,
    ADMIN_PASSWORD,
    LAWYER,
    LAWYER_PASSWORD,
    copy_store,
    create_store,
    new_center_store,
)
from legalaid_desktop import app
from legalaid_desktop.domain.errors import AuthenticationError, BackupCancelled, BackupRejected
from legalaid_desktop.services.backups import restore_backup
from legalaid_desktop.store import backup_file
from legalaid_desktop.store.audit import verify_chain
from legalaid_desktop.store.store import StorePaths
from legalaid_desktop.store.vault import Vault
from sync_support import add_case, rows

MANAGER = "kamran"
MANAGER_PASSWORD = "Sahdag-peak-2026"
RECOVERY_KEY = "recovery"

CHANGING_META = {"state_counter", "audit_head", "hlc_last", "restored_from", "outside_backups"}
"""Meta rows a login, a backup or a restore changes; every other row must come back as it was."""


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path | str]]:
    """A store with users and cases, and one backup file of it on a "stick"."""
    root = tmp_path_factory.mktemp("backup-file")
    data_dir = root / "store"
    session, recovery = create_store(data_dir)
    session.users.add(LAWYER, "Hüseynova Leyla Əli qızı", "lawyer", LAWYER_PASSWORD)
    session.users.add(MANAGER, "Əhmədov Kamran Rauf oğlu", "manager", MANAGER_PASSWORD)
    for i, name in enumerate(("Əliyev Rəşad İsmayıl oğlu", "Qasımova Şəbnəm Ülvi qızı")):
        add_case(session, name=name, phone=f"+994 50 123 45 6{i}")
    stick = root / "stick"
    stick.mkdir()
    item = session.maintenance.backups.write_outside(stick)
    session.close()
    yield {"data_dir": data_dir, "file": Path(item.path), RECOVERY_KEY: recovery, "root": root}


def _tables(session: app.AppSession) -> list[str]:
    with session.ws.read() as s:
        names = s.execute(
            text("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        ).scalars()
        return sorted(str(n) for n in names)


def _meta(session: app.AppSession) -> dict[str, str]:
    with session.ws.read() as s:
        pairs = s.execute(text("SELECT key, value FROM meta")).all()
    return {k: v for k, v in pairs if k not in CHANGING_META}


def _audit(session: app.AppSession) -> list[tuple[object, ...]]:
    with session.ws.read() as s:
        assert verify_chain(s).ok
        return [tuple(r) for r in s.execute(text("SELECT * FROM audit_events ORDER BY seq"))]


def test_the_file_restores_into_the_same_store(made: dict[str, Path | str], tmp_path: Path) -> None:
    file = Path(made["file"])
    assert file.name.startswith("legalaid-GNJ-") and file.suffix == ".labackup"
    assert not [p for p in file.parent.iterdir() if p.name.startswith(".")]  # no partial left
    data_dir = copy_store(Path(made["data_dir"]), tmp_path)
    target = tmp_path / "new-computer" / "data"
    outcome = restore_backup(file, target, username=ADMIN, password=ADMIN_PASSWORD)
    assert outcome.replaced is None and outcome.node_code == "GNJ"

    original = app.login(data_dir, ADMIN, ADMIN_PASSWORD)
    restored = app.login(target, ADMIN, ADMIN_PASSWORD)
    try:
        assert restored.maintenance.verify().ok
        tables = _tables(original)
        assert tables == _tables(restored)
        for table in tables:
            if table in ("meta", "audit_events"):
                continue
            assert rows(original, table) == rows(restored, table), table
        assert _meta(original) == _meta(restored)
        before, after = _audit(original), _audit(restored)
        # The restored log is the original's up to the backup, then the restore itself.
        cut = [r[3] for r in after].index("store_restored")
        assert cut > 5 and after[:cut] == before[:cut]
        assert before[cut][3] == "backup_created"  # written once the file was checked
        assert [r[3] for r in after[cut:]] == ["store_restored", "login", "db_verified"]
        mark = json.loads(restored.ws.store.meta("restored_from") or "{}")
        assert mark["file"] == file.name and mark["backup_id"] == outcome.backup_id
        # Its node keeps its identity: the same node row, keys and all.
        assert rows(original, "nodes") == rows(restored, "nodes")
        assert {u.username for u in restored.users.list()} == {ADMIN, LAWYER, MANAGER}
    finally:
        original.close()
        restored.close()
    # the backup's key holders open the restored store: the recovery key too (its slot's
    # wrap-MAC key travelled in the file); the other users get a password again from an
    # administrator (docs/store-security.md)
    app.recover(target, str(made[RECOVERY_KEY])).close()
    restored_vault = Vault.load(StorePaths(target).vault)
    assert restored_vault.usernames() == [ADMIN]  # no slot kept that nothing could open
    assert sorted(s.kind for s in restored_vault.slots) == ["recovery", "user"]
    for user, password in ((LAWYER, LAWYER_PASSWORD), (MANAGER, MANAGER_PASSWORD)):
        with pytest.raises(AuthenticationError):
            app.login(target, user, password)


def test_the_recovery_key_opens_it_and_the_backup_is_recorded(
    made: dict[str, Path | str], tmp_path: Path
) -> None:
    target = tmp_path / "by-recovery"
    restore_backup(Path(made["file"]), target, recovery_key=str(made[RECOVERY_KEY]))
    app.login(target, ADMIN, ADMIN_PASSWORD).close()
    original = app.login(Path(made["data_dir"]), ADMIN, ADMIN_PASSWORD)
    try:
        listed = original.maintenance.backups.list_outside()
        assert [i.path for i in listed] == [str(made["file"])]
        assert listed[0].holders == (ADMIN,) and listed[0].made_by == ADMIN
        with original.ws.read() as s:
            details = s.execute(
                text("SELECT details FROM audit_events WHERE action = 'backup_created'")
            ).scalar_one()
        recorded = json.loads(details) if isinstance(details, str) else details
        assert recorded["file"] == Path(made["file"]).name
        assert recorded["size"] == Path(made["file"]).stat().st_size
        assert recorded["outside"] is True
    finally:
        original.close()


def test_who_makes_and_who_opens_a_backup_file(
    made: dict[str, Path | str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from legalaid_desktop.cli.main import main

    data_dir = copy_store(Path(made["data_dir"]), tmp_path)
    stick = tmp_path / "stick"
    stick.mkdir()
    base = ["--data-dir", str(data_dir)]
    monkeypatch.setenv("LEGALAID_PASSWORD", LAWYER_PASSWORD)
    assert main([*base, "--user", LAWYER, "db", "backup", "-o", str(stick)]) == 5
    assert "Center manager" in capsys.readouterr().err
    assert list(stick.iterdir()) == []
    monkeypatch.setenv("LEGALAID_PASSWORD", MANAGER_PASSWORD)
    assert main([*base, "--user", MANAGER, "db", "backup", "-o", str(stick)]) == 0
    out = capsys.readouterr().out
    (file,) = stick.iterdir()
    assert str(file) in out
    # Inside the data folder: refused before anything is asked or written.
    assert main([*base, "--user", MANAGER, "db", "backup", "-o", str(data_dir)]) == 4
    # A manager made it, but a manager's password does not open it.
    target = tmp_path / "restored"
    restore = ["--user", MANAGER, "db", "restore", str(file), "--data-dir", str(target)]
    assert main(restore) == 3
    assert not target.exists()
    monkeypatch.setenv("LEGALAID_PASSWORD", "Wrong-password-2026")
    assert main(["--user", ADMIN, *restore[2:]]) == 3
    assert not target.exists()
    monkeypatch.setenv("LEGALAID_PASSWORD", ADMIN_PASSWORD)
    assert main(["--user", ADMIN, *restore[2:]]) == 0
    assert main(["--data-dir", str(target), "--user", ADMIN, "db", "verify"]) == 0


def test_over_an_existing_store_only_with_force_and_the_old_one_is_kept(
    made: dict[str, Path | str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from legalaid_desktop.cli.main import main

    existing = new_center_store(tmp_path / "data")
    existing.close()
    before = sorted(p.name for p in (tmp_path / "data").iterdir())
    monkeypatch.setenv("LEGALAID_PASSWORD", ADMIN_PASSWORD)
    restore = ["--user", ADMIN, "db", "restore", str(made["file"])]
    target = ["--data-dir", str(tmp_path / "data")]
    assert main([*restore, *target]) == 4
    assert "already exists" in capsys.readouterr().err
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == before
    assert main([*restore, *target, "--force"]) == 0
    out = capsys.readouterr().out
    (kept,) = [p for p in tmp_path.iterdir() if p.name.startswith("data.replaced-")]
    assert str(kept) in out
    app.login(kept, ADMIN, ADMIN_PASSWORD).close()  # the store that was there, whole
    restored = app.login(tmp_path / "data", ADMIN, ADMIN_PASSWORD)
    assert {u.username for u in restored.users.list()} == {ADMIN, LAWYER, MANAGER}
    restored.close()


def _flip(source: Path, copy: Path, position: int) -> Path:
    data = bytearray(source.read_bytes())
    data[position] ^= 0x5A
    copy.write_bytes(bytes(data))
    return copy


def _positions(file: Path) -> list[int]:
    """Every part of the file: the database's first page and its header, pages in the middle,
    its last byte, the footer (its start, slots, wraps, seal, end) and each trailer field."""
    bf = backup_file.read(file)
    size = file.stat().st_size
    footer = size - backup_file.TRAILER.size
    fixed = [0, 16, 100, 4095, 4096, bf.db_length // 2, bf.db_length - 1]
    fixed += [bf.db_length, bf.db_length + 40, (bf.db_length + footer) // 2, footer - 2]
    fixed += [footer, footer + 15, footer + 16 + 7, footer + 24 + 7, size - 1]
    text_ = file.read_bytes()[bf.db_length : footer]
    for marker in (b'"wraps"', b'"sealed"', b'"slots"', b'"mac_keys"', b'"salt"'):
        at = text_.find(marker)
        assert at >= 0
        fixed.append(bf.db_length + at + len(marker) + 4)
    rng = random.Random(20)
    sampled = rng.sample(range(size), 24)
    return sorted(set(fixed + sampled))


DAMAGED = (
    "{file} is damaged or was altered (or is not a LegalAid backup); nothing was restored from it."
)


def test_a_flipped_byte_anywhere_is_refused_and_nothing_is_written(
    made: dict[str, Path | str], tmp_path: Path
) -> None:
    file = Path(made["file"])
    recovery = str(made[RECOVERY_KEY])
    positions = _positions(file)
    assert len(positions) > 40
    for position in positions:
        copy = _flip(file, tmp_path / "flipped.labackup", position)
        target = tmp_path / f"target-{position}"
        with pytest.raises(BackupRejected) as caught:
            restore_backup(copy, target, recovery_key=recovery)
        assert str(caught.value) == DAMAGED.format(file=copy.name), position
        assert not target.exists(), position
    # The password path too: a byte in the database part, and each one tried in the footer
    # (the administrator's wrap, the sealed facts, the key part's MAC), with the same words.
    footer = [p for p in positions if p >= backup_file.read(file).db_length]
    assert len(footer) > 10
    for position in [positions[3], *footer]:
        copy = _flip(file, tmp_path / "flipped.labackup", position)
        with pytest.raises(BackupRejected) as caught:
            restore_backup(copy, tmp_path / "t", username=ADMIN, password=ADMIN_PASSWORD)
        assert str(caught.value) == DAMAGED.format(file=copy.name), position
        assert not (tmp_path / "t").exists()


def test_a_truncated_file_is_refused_on_the_command_line(
    made: dict[str, Path | str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from legalaid_desktop.cli.main import main

    data = Path(made["file"]).read_bytes()
    monkeypatch.setenv("LEGALAID_RECOVERY_KEY", str(made[RECOVERY_KEY]))
    for keep in (0, 10, 4096, len(data) // 2, len(data) - 64, len(data) - 1):
        cut = tmp_path / "cut.labackup"
        cut.write_bytes(data[:keep])
        target = tmp_path / "target"
        code = main(["db", "restore", str(cut), "--data-dir", str(target), "--recovery"])
        err = capsys.readouterr().err
        assert code == 4, keep
        assert err.count("\n") == 1 and "damaged or was altered" in err
        assert "Traceback" not in err
        assert not target.exists()


def test_cancel_and_progress(made: dict[str, Path | str], tmp_path: Path) -> None:
    data_dir = copy_store(Path(made["data_dir"]), tmp_path)
    stick = tmp_path / "stick"
    stick.mkdir()
    session = app.login(data_dir, MANAGER, MANAGER_PASSWORD)
    try:
        asked = []

        def cancelled() -> bool:
            asked.append(1)
            return len(asked) > 1  # asked during the copy: it stops there

        with pytest.raises(BackupCancelled):
            session.maintenance.backups.write_outside(stick, cancelled=cancelled)
        assert list(stick.iterdir()) == []
        assert len(session.maintenance.backups.list_outside()) == 1  # the module's, not this
        seen: list[tuple[int, int]] = []
        item = session.maintenance.backups.write_outside(
            stick, report=lambda done, total: seen.append((done, total))
        )
        assert seen and seen[-1][0] == seen[-1][1]
        assert [d for d, _t in seen] == sorted(d for d, _t in seen)
        assert Path(item.path).exists()
    finally:
        session.close()


def test_old_backup_folders_still_restore(
    made: dict[str, Path | str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from legalaid_desktop.cli.main import main

    data_dir = copy_store(Path(made["data_dir"]), tmp_path)
    session = app.login(data_dir, ADMIN, ADMIN_PASSWORD)
    folder = session.maintenance.backup()
    session.close()
    monkeypatch.setenv("LEGALAID_PASSWORD", ADMIN_PASSWORD)
    target = tmp_path / "from-folder"
    assert main(["--user", ADMIN, "db", "restore", str(folder), "--data-dir", str(target)]) == 0
    restored = app.login(target, ADMIN, ADMIN_PASSWORD)
    assert restored.ws.store.meta("restored_from") is not None
    assert restored.maintenance.verify().ok
    restored.close()
    shutil.rmtree(target)

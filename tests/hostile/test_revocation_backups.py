"""A revoked user's password and old keys open nothing in the data folder, backups included.

Issue 13, item 1: backups were a database under the live key beside a copy of ``vault.json``,
so a revoked user opened a full, writable copy with ``--data-dir backups/<stamp>``. Backups now
have a key of their own wrapped to the administrators and the recovery key, re-keyed when a
user who could open them is revoked (docs/store-security.md, "Revocation, key rotation and
backups").
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ADMIN, ADMIN_PASSWORD, LAWYER, LAWYER_PASSWORD
from legalaid_desktop import app
from legalaid_desktop.domain.errors import (
    AuthenticationError,
    StoreError,
    StoreNotFound,
)
from legalaid_desktop.store import backups, restore
from legalaid_desktop.store.engine import WrongStoreKey, connect_raw
from legalaid_desktop.store.store import StorePaths
from legalaid_desktop.store.vault import Vault

ADMIN2 = "nigar"
ADMIN2_PASSWORD = "Goygol-lake-2026"


def _opens_as_live_store(folder: Path, user: str, password: str) -> bool:
    try:
        app.login(folder, user, password).close()
    except (AuthenticationError, StoreError):
        return False
    return True


def _key_opens(db: Path, key: bytes) -> bool:
    try:
        backups.connect_backup(db, key).close()
    except WrongStoreKey:
        return False
    return True


def test_revoked_users_open_no_backup_with_password_or_old_keys(
    admin_session: app.AppSession, data_dir: Path
) -> None:
    admin_session.users.add(LAWYER, "Hüseynova Leyla Əli qızı", "lawyer", LAWYER_PASSWORD)
    admin_session.users.add(ADMIN2, "Əliyeva Nigar Fuad qızı", "admin", ADMIN2_PASSWORD)
    manual = admin_session.maintenance.backup()
    admin_session.close()
    # A backup made by the lawyer's own program (the copy before a schema upgrade).
    lawyer = app.login(data_dir, LAWYER, LAWYER_PASSWORD)
    upgrade_copy = lawyer.ws.store.backup("before-upgrade-test")
    lawyer.close()
    folders = [manual, upgrade_copy]

    # What the two users about to be revoked can take with them: every key they can reach.
    paths = StorePaths(data_dir)
    old_db_key = Vault.load(paths.vault).unlock(LAWYER, LAWYER_PASSWORD).keys[0]
    admin2_opener = backups.opener_for_password(manual, ADMIN2, ADMIN2_PASSWORD)
    old_backup_keys = [backups.backup_key(f, admin2_opener) for f in folders]

    # Before the revocation, a backup is still not a live store for anybody.
    for folder in folders:
        assert not _opens_as_live_store(folder, LAWYER, LAWYER_PASSWORD)
        assert not _opens_as_live_store(folder, ADMIN, ADMIN_PASSWORD)
        with pytest.raises(AuthenticationError):
            backups.opener_for_password(folder, LAWYER, LAWYER_PASSWORD)

    admin = app.login(data_dir, ADMIN, ADMIN_PASSWORD)
    admin.users.revoke(LAWYER)
    admin.users.revoke(ADMIN2)
    admin.close()

    with pytest.raises(WrongStoreKey):
        connect_raw(paths.db, old_db_key)
    for folder, old_key in zip(folders, old_backup_keys, strict=True):
        assert not _opens_as_live_store(folder, LAWYER, LAWYER_PASSWORD)
        assert not _opens_as_live_store(folder, ADMIN2, ADMIN2_PASSWORD)
        with pytest.raises(AuthenticationError):
            backups.opener_for_password(folder, ADMIN2, ADMIN2_PASSWORD)
        db = folder / "legalaid.db"
        assert not _key_opens(db, old_key), f"{folder.name}: the revoked admin's key opens it"
        assert not _key_opens(db, old_db_key), f"{folder.name}: the old database key opens it"
        # The administrator left still opens it, and it holds the records.
        opener = backups.opener_for_password(folder, ADMIN, ADMIN_PASSWORD)
        conn = backups.connect_backup(db, backups.backup_key(folder, opener))
        try:
            users = {r[0] for r in conn.execute("SELECT username FROM users")}
        finally:
            conn.close()
        assert {ADMIN, LAWYER, ADMIN2} <= users


def test_a_backup_folder_is_not_a_live_store_for_the_cli(
    store_with_lawyer: Path, tmp_path: Path
) -> None:
    admin = app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    folder = admin.maintenance.backup()
    admin.close()
    env = {
        **os.environ,
        "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src"),
        "LEGALAID_PASSWORD": LAWYER_PASSWORD,
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "legalaid_desktop.cli.main",
            "--data-dir",
            str(folder),
            "--user",
            LAWYER,
            "user",
            "list",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "leyla" not in result.stdout


def _legacy_backup(data_dir: Path) -> Path:
    """A backup as the old code made it: the database under the live key and a vault copy."""
    paths = StorePaths(data_dir)
    key = Vault.load(paths.vault).unlock(ADMIN, ADMIN_PASSWORD).keys[0]
    folder = paths.backups / "20260101T000000000000Z-manual"
    folder.mkdir(parents=True)
    raw = connect_raw(paths.db, key)
    try:
        raw.execute("VACUUM INTO ?", (str(folder / "legalaid.db"),))
    finally:
        raw.close()
    shutil.copy2(paths.vault, folder / "vault.json")
    return folder


def test_a_backup_of_the_old_format_is_converted_at_revocation(store_with_lawyer: Path) -> None:
    folder = _legacy_backup(store_with_lawyer)
    admin = app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    admin.users.revoke(LAWYER)
    admin.close()
    assert not (folder / "vault.json").exists()
    assert (folder / backups.KEY_FILE).exists()
    with pytest.raises(StoreNotFound):
        app.login(folder, LAWYER, LAWYER_PASSWORD)
    opener = backups.opener_for_password(folder, ADMIN, ADMIN_PASSWORD)
    backups.connect_backup(folder / "legalaid.db", backups.backup_key(folder, opener)).close()


def test_restore_needs_an_administrator_or_the_recovery_key(data_dir: Path, tmp_path: Path) -> None:
    from legalaid_desktop.store.vault import FLOOR

    session, recovery = app.create(
        data_dir,
        node_code="GNJ",
        node_name="Gəncə",
        hq=False,
        admin_username=ADMIN,
        admin_full_name="Admin",
        admin_password=ADMIN_PASSWORD,
        kdf=FLOOR,
    )
    session.users.add(LAWYER, "Hüseynova Leyla Əli qızı", "lawyer", LAWYER_PASSWORD)
    folder = session.maintenance.backup()
    session.close()
    with pytest.raises(AuthenticationError):
        backups.opener_for_password(folder, LAWYER, LAWYER_PASSWORD)
    by_admin = restore.restore(
        folder, backups.opener_for_password(folder, ADMIN, ADMIN_PASSWORD), tmp_path / "r1"
    )
    restored = app.login(by_admin, ADMIN, ADMIN_PASSWORD)
    assert {u.username for u in restored.users.list()} == {ADMIN, LAWYER}
    assert restored.maintenance.verify().ok
    restored.close()
    with pytest.raises(AuthenticationError):
        app.login(by_admin, LAWYER, LAWYER_PASSWORD)
    by_recovery = restore.restore(
        folder, backups.opener_for_recovery(folder, recovery), tmp_path / "r2"
    )
    app.recover(by_recovery, recovery).close()
    app.login(by_recovery, ADMIN, ADMIN_PASSWORD).close()


def test_db_restore_on_the_command_line(
    store_with_lawyer: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from legalaid_desktop.cli.main import main

    admin = app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    folder = admin.maintenance.backup()
    admin.close()
    target = tmp_path / "restored"
    monkeypatch.setenv("LEGALAID_PASSWORD", LAWYER_PASSWORD)
    args = ["db", "restore", str(folder), "--to", str(target)]
    assert main(["--user", LAWYER, *args]) == 3  # a lawyer's password opens no backup
    assert not (target / "legalaid.db").exists()
    monkeypatch.setenv("LEGALAID_PASSWORD", ADMIN_PASSWORD)
    assert main(["--user", ADMIN, *args]) == 0
    app.login(target, ADMIN, ADMIN_PASSWORD).close()
    assert main(["--user", ADMIN, *args]) != 0  # never over an existing store


def test_backups_follow_the_administrators_slots(admin_session: app.AppSession) -> None:
    folder = admin_session.maintenance.backup()
    # An administrator added later opens the older backup too.
    admin_session.users.add(ADMIN2, "Əliyeva Nigar Fuad qızı", "admin", ADMIN2_PASSWORD)
    backups.backup_key(folder, backups.opener_for_password(folder, ADMIN2, ADMIN2_PASSWORD))
    # A changed password opens the backups; the old one no longer does.
    admin_session.users.change_password("Changed-pass-2026")
    with pytest.raises(AuthenticationError):
        backups.opener_for_password(folder, ADMIN, ADMIN_PASSWORD)
    opener = backups.opener_for_password(folder, ADMIN, "Changed-pass-2026")
    backups.backup_key(folder, opener)


def test_a_revocation_a_manager_cannot_finish_is_reported_and_an_admin_finishes_it(
    admin_session: app.AppSession,
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from legalaid_desktop.cli.main import main

    admin_session.users.add(LAWYER, "Hüseynova Leyla Əli qızı", "lawyer", LAWYER_PASSWORD)
    admin_session.users.add("kamran", "Əhmədov Kamran Rauf oğlu", "manager", "Sahdag-peak-2026")
    admin_session.close()
    lawyer = app.login(data_dir, LAWYER, LAWYER_PASSWORD)
    folder = lawyer.ws.store.backup("before-upgrade-test")  # its key was in the lawyer's hands
    lawyer.close()
    opener = backups.opener_for_password(folder, ADMIN, ADMIN_PASSWORD)
    lawyers_key = backups.backup_key(folder, opener)

    manager = app.login(data_dir, "kamran", "Sahdag-peak-2026")
    manager.users.revoke(LAWYER)  # the live store is re-keyed; the backup needs an admin
    manager.close()
    assert _key_opens(folder / "legalaid.db", lawyers_key)
    monkeypatch.setenv("LEGALAID_PASSWORD", "Sahdag-peak-2026")
    assert main(["--data-dir", str(data_dir), "--user", "kamran", "db", "status"]) == 0
    assert "revocation of leyla is not finished" in capsys.readouterr().err
    manager = app.login(data_dir, "kamran", "Sahdag-peak-2026")
    assert manager.ws.store.finished_revocations == ()  # a retry would not be told it is done
    manager.close()

    admin = app.login(data_dir, ADMIN, ADMIN_PASSWORD)  # an administrator's login finishes it
    assert admin.ws.store.finished_revocations == (LAWYER,)
    admin.close()
    assert not _key_opens(folder / "legalaid.db", lawyers_key)
    monkeypatch.setenv("LEGALAID_PASSWORD", ADMIN_PASSWORD)
    assert main(["--data-dir", str(data_dir), "--user", ADMIN, "db", "status"]) == 0
    assert "not finished" not in capsys.readouterr().err


def test_a_reset_administrators_password_opens_the_backups_and_the_old_one_does_not(
    admin_session: app.AppSession,
) -> None:
    admin_session.users.add(ADMIN2, "Əliyeva Nigar Fuad qızı", "admin", ADMIN2_PASSWORD)
    folder = admin_session.maintenance.backup()
    admin_session.users.reset_password(ADMIN2, "Shahdag-snow-2026")
    with pytest.raises(AuthenticationError):
        backups.opener_for_password(folder, ADMIN2, ADMIN2_PASSWORD)
    backups.backup_key(folder, backups.opener_for_password(folder, ADMIN2, "Shahdag-snow-2026"))


def test_a_demoted_administrator_opens_no_backup_old_or_new(
    admin_session: app.AppSession,
) -> None:
    admin_session.users.add(ADMIN2, "Əliyeva Nigar Fuad qızı", "admin", ADMIN2_PASSWORD)
    before = admin_session.maintenance.backup()
    backups.backup_key(before, backups.opener_for_password(before, ADMIN2, ADMIN2_PASSWORD))
    info = admin_session.users.change_role(ADMIN2, "manager")
    assert info.role.value == "manager" and info.has_key
    after = admin_session.maintenance.backup()
    for folder in (before, after):
        with pytest.raises(AuthenticationError):
            backups.opener_for_password(folder, ADMIN2, ADMIN2_PASSWORD)
        backups.backup_key(folder, backups.opener_for_password(folder, ADMIN, ADMIN_PASSWORD))

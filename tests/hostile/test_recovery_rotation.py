"""A leaked recovery sheet is not permanent: both recovery keys can be rotated.

- ``legalaid recover rotate``: the store's recovery key; afterwards the old key opens neither the
  store nor the old copy of the vault that sat beside the sheet.
- ``legalaid enroll rotate-recovery``: HQ's bundle recovery key; bundles written afterwards (by HQ,
  and by a center once HQ's next bundle brought it the new key) open with the new key only.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import text

from conftest import ADMIN, ADMIN_PASSWORD, LAWYER, LAWYER_PASSWORD, create_store
from legalaid_desktop import app
from legalaid_desktop.cli.main import main
from legalaid_desktop.domain.errors import (
    AuthenticationError,
    LegalAidError,
    StoreCorrupted,
    StoreError,
)
from legalaid_desktop.store import backups, rotation
from legalaid_desktop.store.store import StorePaths
from legalaid_desktop.store.vault import Vault, parse_recovery_key
from legalaid_desktop.sync.container import open_bundle
from legalaid_desktop.sync.keys import recovery_keypair
from sync_support import PASSWORD, add_case, enroll, make_node, pinned, sync

KEY_LINE = re.compile(r"^    ([A-Z2-7]{4}(?:-[A-Z2-7]{1,4})+)$", re.MULTILINE)


def _cli(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    data_dir: Path,
    user: str,
    password: str,
    *args: str,
) -> tuple[int, str, str]:
    monkeypatch.setenv("LEGALAID_PASSWORD", password)
    code = main(["--data-dir", str(data_dir), "--user", user, *args])
    out, err = capsys.readouterr()
    return code, out, err


def _actions(data_dir: Path, action: str) -> int:
    session = app.login(data_dir, ADMIN, ADMIN_PASSWORD)
    try:
        with session.ws.read() as s:
            query = text("SELECT count(*) FROM audit_events WHERE action = :a")
            return int(s.execute(query, {"a": action}).scalar_one())
    finally:
        session.close()


def test_recover_rotate_voids_the_old_store_recovery_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = tmp_path / "store"
    session, old_key = create_store(data_dir)
    session.users.add(LAWYER, "Hüseynova Leyla", "lawyer", LAWYER_PASSWORD)
    session.close()
    paths = StorePaths(data_dir)
    old_vault = tmp_path / "vault-copy.json"  # the copy a thief of the sheet also took
    shutil.copy2(paths.vault, old_vault)

    code, out, err = _cli(monkeypatch, capsys, data_dir, ADMIN, ADMIN_PASSWORD, "recover", "rotate")
    assert code == 0, err
    keys = KEY_LINE.findall(out)
    assert len(keys) == 1, out  # shown once
    new_key = keys[0]
    assert parse_recovery_key(new_key) != parse_recovery_key(old_key)
    assert new_key not in paths.vault.read_text()

    with pytest.raises(AuthenticationError, match="does not belong"):
        app.recover(data_dir, old_key)
    # The old vault copy still has the old recovery slot, but its key no longer opens the data.
    shutil.copy2(paths.vault, tmp_path / "vault-now.json")
    shutil.copy2(old_vault, paths.vault)
    with pytest.raises(StoreError, match="does not open the database"):
        app.recover(data_dir, old_key)
    shutil.copy2(tmp_path / "vault-now.json", paths.vault)

    rescue = app.recover(data_dir, new_key)
    rescue.close()
    app.login(data_dir, LAWYER, LAWYER_PASSWORD).close()
    assert _actions(data_dir, "recovery_key_rotated") == 1


def test_recover_rotate_voids_the_old_key_for_the_backups_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A backup made before the rotation gets a new key, not only new wraps: the thief of the
    sheet who also copied the backup's key file (it sits beside the database on the stick) must
    not open the backup with the old recovery key and that copy."""
    data_dir = tmp_path / "store"
    session, old_key = create_store(data_dir)
    folder = session.ws.store.backup("before the sheet was lost")
    session.close()
    stolen = tmp_path / "stolen"
    stolen.mkdir()
    shutil.copy2(folder / backups.KEY_FILE, stolen / backups.KEY_FILE)
    assert backups.backup_key(folder, backups.opener_for_recovery(folder, old_key))

    code, out, err = _cli(monkeypatch, capsys, data_dir, ADMIN, ADMIN_PASSWORD, "recover", "rotate")
    assert code == 0, err
    (new_key,) = KEY_LINE.findall(out)
    assert backups.backup_key(folder, backups.opener_for_recovery(folder, new_key))
    with pytest.raises(AuthenticationError):
        backups.backup_key(folder, backups.opener_for_recovery(folder, old_key))
    # The stolen key file still unwraps the backup's old key, which opens nothing now.
    shutil.copy2(folder / backups.DB_FILE, stolen / backups.DB_FILE)
    with pytest.raises(StoreCorrupted, match="does not open with its own key file"):
        backups.backup_key(stolen, backups.opener_for_recovery(stolen, old_key))


@pytest.mark.parametrize("stop_at", ["the rekey", "the new recovery slot"])
def test_a_recovery_rotation_stopped_half_way_leaves_the_old_key_working(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stop_at: str
) -> None:
    """The program dies (power cut, kill) inside ``recover rotate``, before it showed a new key:
    the old sheet must still open the store, and the next login finishes the key rotation. A
    store whose only recovery key nobody has seen would be lost with the last password."""
    data_dir = tmp_path / "store"
    session, old_key = create_store(data_dir)
    vault_file = StorePaths(data_dir).vault
    epoch = Vault.load(vault_file).epoch

    def killed(*_args: object) -> None:
        raise KeyboardInterrupt  # the program stops here; nothing after it runs

    with monkeypatch.context() as patch:
        if stop_at == "the rekey":
            patch.setattr(rotation, "connect_raw", killed)
        else:
            patch.setattr(Vault, "replace_recovery", killed)
        with pytest.raises(KeyboardInterrupt):
            session.ws.store.rotate_recovery_key()
    session.close()
    stopped = Vault.load(vault_file)
    assert (stopped.pending is not None) == (stop_at == "the rekey")

    app.login(data_dir, ADMIN, ADMIN_PASSWORD).close()  # finishes what was stopped
    finished = Vault.load(vault_file)
    assert (finished.pending, finished.epoch) == (None, epoch + 1)
    rescue = app.recover(data_dir, old_key)
    rescue.close()


def test_recover_rotate_is_for_administrators_only(
    store_with_lawyer: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = StorePaths(store_with_lawyer).vault.read_text()
    code, out, err = _cli(
        monkeypatch, capsys, store_with_lawyer, LAWYER, LAWYER_PASSWORD, "recover", "rotate"
    )
    assert code not in (0, 1, 2) and "administrator" in err and not KEY_LINE.findall(out)
    after = StorePaths(store_with_lawyer).vault.read_text()
    assert '"epoch": 1' in before and '"epoch": 1' in after  # no new key was made


def _opens(bundle: Path, recovery: str, sender: app.AppSession) -> bool:
    key = recovery_keypair(parse_recovery_key(recovery))
    try:
        open_bundle(bundle, me=key, sender_keys=lambda code: pinned(sender, code))
    except LegalAidError:
        return False
    return True


def test_enroll_rotate_recovery_reaches_the_centers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    hq = make_node(tmp_path, "BAK", hq=True)
    gnj = make_node(tmp_path, "GNJ")
    try:
        old_key = enroll(hq, gnj, tmp_path)
        assert old_key is not None
        add_case(gnj)
        before = sync(gnj).export(tmp_path / "before.bundle").path
        assert _opens(before, old_key, hq)
        hq_dir = hq.ws.store.paths.root
        hq.close()

        code, out, err = _cli(
            monkeypatch, capsys, hq_dir, "admin", PASSWORD, "enroll", "rotate-recovery"
        )
        assert code == 0, err
        keys = KEY_LINE.findall(out)
        assert len(keys) == 1, out
        new_key = keys[0]
        hq = app.login(hq_dir, "admin", PASSWORD)

        # HQ's own bundles use the new key at once.
        to_center = sync(hq).export(tmp_path / "to-gnj.bundle", to="GNJ").path
        assert _opens(to_center, new_key, gnj) and not _opens(to_center, old_key, gnj)
        # The center takes the new key from the roster in HQ's bundle ...
        sync(gnj).import_bundle(to_center)
        after = sync(gnj).export(tmp_path / "after.bundle").path
        # ... and its bundles from then on open with the new key, not the old one.
        assert _opens(after, new_key, hq) and not _opens(after, old_key, hq)
        assert _opens(before, old_key, hq)  # what was written before stays as it was
        with hq.ws.read() as s:
            query = text("SELECT count(*) FROM audit_events WHERE action = :a")
            assert s.execute(query, {"a": "bundle_recovery_key_rotated"}).scalar_one() == 1
    finally:
        hq.close()
        gnj.close()


def test_only_hq_rotates_the_bundle_recovery_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    gnj = make_node(tmp_path, "GNJ")
    gnj_dir = gnj.ws.store.paths.root
    gnj.close()
    code, out, err = _cli(
        monkeypatch, capsys, gnj_dir, "admin", PASSWORD, "enroll", "rotate-recovery"
    )
    assert code == 4 and "HQ" in err and not KEY_LINE.findall(out)

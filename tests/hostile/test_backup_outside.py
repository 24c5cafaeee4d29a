"""Backup files outside the data folder: revocation, and a stick too small (issue 20).

A backup file on a USB stick made while X was an administrator opened with X's password after X
was revoked: the revocation now re-keys every recorded file it can reach, and names those it
cannot ("make a new backup and destroy them"). A stick that is too small, or fills up during the
copy, gets a clear message and keeps nothing of the backup (root only: a small tmpfs).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from test_storage_failures import small_disk

from conftest import ADMIN, ADMIN_PASSWORD, LAWYER, LAWYER_PASSWORD
from legalaid_desktop import app
from legalaid_desktop.devtools.demo import generate_demo
from legalaid_desktop.domain.errors import AuthenticationError, BackupNoSpace, BackupRejected
from legalaid_desktop.services.backups import restore_backup
from legalaid_desktop.store import backup_file

ADMIN2 = "nigar"
ADMIN2_PASSWORD = "Goygol-lake-2026"
MANAGER = "kamran"
MANAGER_PASSWORD = "Sahdag-peak-2026"


def _stick(tmp_path: Path, name: str = "stick") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    return folder


def _opens(file: Path, user: str, password: str) -> bool:
    try:
        backup_file.opener_for_password(backup_file.read(file), user, password)
    except AuthenticationError:
        return False
    return True


def test_revocation_rekeys_the_files_it_reaches_and_names_the_others(
    admin_session: app.AppSession,
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from legalaid_desktop.cli.main import main

    admin_session.users.add(ADMIN2, "Əliyeva Nigar Fuad qızı", "admin", ADMIN2_PASSWORD)
    admin_session.users.add(LAWYER, "Hüseynova Leyla Əli qızı", "lawyer", LAWYER_PASSWORD)
    admin_session.close()
    nigar = app.login(data_dir, ADMIN2, ADMIN2_PASSWORD)
    plugged = Path(nigar.maintenance.backups.write_outside(_stick(tmp_path)).path)
    unplugged = Path(nigar.maintenance.backups.write_outside(_stick(tmp_path, "other")).path)
    nigar.close()
    # What Nigar can take away while still an administrator: the key of the plugged file.
    bf = backup_file.read(plugged)
    old_key, _facts = backup_file.unlock(
        bf, backup_file.opener_for_password(bf, ADMIN2, ADMIN2_PASSWORD)
    )
    untouched = plugged.read_bytes()
    assert _opens(plugged, ADMIN2, ADMIN2_PASSWORD) and _opens(unplugged, ADMIN2, ADMIN2_PASSWORD)

    # Revoking a lawyer, who never held these files, changes none of them.
    monkeypatch.setenv("LEGALAID_PASSWORD", ADMIN_PASSWORD)
    base = ["--data-dir", str(data_dir), "--user", ADMIN]
    assert main([*base, "user", "revoke", LAWYER]) == 0
    assert "WARNING" not in capsys.readouterr().err
    assert plugged.read_bytes() == untouched

    away = tmp_path / "drawer"
    unplugged.parent.rename(away)  # the other stick is not in the computer
    assert main([*base, "user", "revoke", ADMIN2]) == 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "WARNING" in err
    assert str(unplugged) in err and str(plugged) not in err

    # The plugged file: a new key, Nigar's password and old key open nothing of it.
    assert not _opens(plugged, ADMIN2, ADMIN2_PASSWORD)
    # It is the same backup under the new key: what it says of itself is unchanged but its
    # generation (one more) and who made it (nobody but the slots held the new key).
    rekeyed = backup_file.read(plugged)
    _key, now = backup_file.unlock(
        rekeyed, backup_file.opener_for_password(rekeyed, ADMIN, ADMIN_PASSWORD)
    )
    kept = ("store_id", "backup_id", "node_id", "node_code", "node_name", "schema_revision")
    assert {f: getattr(now, f) for f in kept} == {f: getattr(_facts, f) for f in kept}
    assert (now.node_code, now.node_name) == ("GNJ", "Gəncə mərkəzi")
    assert now.generation == _facts.generation + 1
    assert (rekeyed.keys.generation, rekeyed.keys.made_by) == (bf.keys.generation + 1, "")
    assert (rekeyed.keys.made_at, rekeyed.keys.reason) == (bf.keys.made_at, bf.keys.reason)
    with pytest.raises(BackupRejected):
        backup_file.connect_file(plugged, old_key)
    target = tmp_path / "restored"
    monkeypatch.setenv("LEGALAID_PASSWORD", ADMIN2_PASSWORD)
    restore = ["db", "restore", str(plugged), "--data-dir", str(target)]
    assert main(["--user", ADMIN2, *restore]) == 3
    assert not target.exists()
    monkeypatch.setenv("LEGALAID_PASSWORD", ADMIN_PASSWORD)
    assert main(["--user", ADMIN, *restore]) == 0
    assert main(["--data-dir", str(target), "--user", ADMIN, "db", "verify"]) == 0
    assert not [p for p in plugged.parent.iterdir() if p.name.startswith(".")]

    # The unreachable one still opens with her password, and stays listed as such.
    assert _opens(away / unplugged.name, ADMIN2, ADMIN2_PASSWORD)
    admin = app.login(data_dir, ADMIN, ADMIN_PASSWORD)
    try:
        left = admin.maintenance.backups.still_open_to(ADMIN2)
        assert [i.path for i in left] == [str(unplugged)]
        assert admin.maintenance.backups.still_open_to(ADMIN) != []  # admins open them all
    finally:
        admin.close()
    assert main([*base, "db", "backups"]) == 0
    listing = capsys.readouterr().out
    assert "not reachable" in listing and str(plugged) in listing


def test_a_managers_file_is_rekeyed_when_the_manager_is_revoked(
    admin_session: app.AppSession, data_dir: Path, tmp_path: Path
) -> None:
    admin_session.users.add(MANAGER, "Əhmədov Kamran Rauf oğlu", "manager", MANAGER_PASSWORD)
    manager = app.login(data_dir, MANAGER, MANAGER_PASSWORD)
    file = Path(manager.maintenance.backups.write_outside(_stick(tmp_path)).path)
    manager.close()
    # His program held the backup key while it wrote the file; his password never opened it.
    assert not _opens(file, MANAGER, MANAGER_PASSWORD)
    before = backup_file.read(file).keys.generation
    admin_session.users.revoke(MANAGER)
    after = backup_file.read(file)
    assert after.keys.generation == before + 1 and after.keys.made_by == ""
    assert admin_session.maintenance.backups.still_open_to(MANAGER) == []
    restored = restore_backup(file, tmp_path / "r", username=ADMIN, password=ADMIN_PASSWORD)
    app.login(restored.target, ADMIN, ADMIN_PASSWORD).close()


@pytest.fixture
def demo_store(admin_session: app.AppSession, data_dir: Path) -> Path:
    """A store of a few megabytes (demo data), logged out."""
    generate_demo(admin_session.ws, clients=300, seed=20, lawyer_password=LAWYER_PASSWORD)
    admin_session.close()
    return data_dir


def _left_on(disk: Path) -> list[str]:
    return sorted(p.name for p in disk.iterdir() if p.name not in ("filler", "lost+found"))


def test_a_stick_too_small_gets_a_clear_message_and_keeps_nothing(
    demo_store: Path, tmp_path: Path
) -> None:
    size = (demo_store / "legalaid.db").stat().st_size
    assert size > 4_000_000
    session = app.login(demo_store, ADMIN, ADMIN_PASSWORD)
    try:
        with small_disk(tmp_path / "usb", "2m") as disk:
            with pytest.raises(BackupNoSpace) as caught:
                session.maintenance.backups.write_outside(disk)
            assert _left_on(disk) == []
        message = str(caught.value)
        found = re.fullmatch(
            r"There is not enough space in (.+): (\d+\.\d) MB needed, (\d+\.\d) MB free\. "
            r"Nothing of the backup was left there\.",
            message,
        )
        assert found is not None, message
        assert found.group(1) == str(disk)
        needed, free = float(found.group(2)), float(found.group(3))
        assert needed >= size / 1_000_000 - 0.1  # at least the database (in MB, not bytes)
        assert 0 < free <= 2.1  # what the 2 MiB stick had left
        assert session.maintenance.backups.list_outside() == []
    finally:
        session.close()


def test_a_stick_that_fills_up_during_the_copy_keeps_nothing(
    demo_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from legalaid_desktop.cli.main import main

    session = app.login(demo_store, ADMIN, ADMIN_PASSWORD)
    try:
        with small_disk(tmp_path / "usb", "32m") as disk:
            filled: list[int] = []

            def another_program_writes(done: int, total: int) -> None:
                if not filled:  # the first report: the copy has begun; the stick fills up
                    with (disk / "filler").open("wb") as out:
                        while True:
                            try:
                                out.write(b"\0" * 65536)
                                out.flush()
                            except OSError:
                                break
                    filled.append(done)

            with pytest.raises(BackupNoSpace) as caught:
                session.maintenance.backups.write_outside(disk, report=another_program_writes)
            assert filled and _left_on(disk) == []
            assert "not enough space" in str(caught.value)
            (disk / "filler").unlink()
            # On the command line: the space is back, the backup is written.
            monkeypatch.setenv("LEGALAID_PASSWORD", ADMIN_PASSWORD)
            session.close()
            args = ["--data-dir", str(demo_store), "--user", ADMIN, "db", "backup", "-o"]
            assert main([*args, str(disk)]) == 0
            (written,) = disk.iterdir()
            backup_file.read(written)
            shutil.copy(written, tmp_path / written.name)
    finally:
        session.close()
    target = tmp_path / "restored"
    restore_backup(tmp_path / written.name, target, username=ADMIN, password=ADMIN_PASSWORD)
    app.login(target, ADMIN, ADMIN_PASSWORD).close()


def test_a_stick_that_gives_back_other_bytes_keeps_nothing(
    admin_session: app.AppSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failing stick: one byte of the database part reads back other than it was written.
    The read-back check catches it before the file is called a backup: one clear message, no
    file, nothing recorded."""
    stick = _stick(tmp_path)
    written = backup_file._append_footer

    def the_stick_fails(path: Path, *args: object, **kwargs: object) -> None:
        written(path, *args, **kwargs)  # type: ignore[arg-type]
        with path.open("r+b") as f:  # the page the disk garbles
            f.seek(4096 + 100)
            byte = f.read(1)
            f.seek(4096 + 100)
            f.write(bytes([byte[0] ^ 0x40]))

    monkeypatch.setattr(backup_file, "_append_footer", the_stick_fails)
    with pytest.raises(BackupRejected) as caught:
        admin_session.maintenance.backups.write_outside(stick)
    assert str(caught.value) == (
        f"The backup read back from {stick} was not what was written: the disk may be "
        "failing. Nothing of it was left there; try another disk or USB stick."
    )
    assert _left_on(stick) == []
    assert admin_session.maintenance.backups.list_outside() == []
